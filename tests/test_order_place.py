"""A place counted from an end of time ("the second oldest", "the 3rd most recent paper") and "the first paper by
X": read from the words, applied by ``ordering.by_year``, and on the real index the paper at that place put first
and quoted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from papersearch.index.build import build
from papersearch.query.order import read_order
from papersearch.query.ordering import by_year
from papersearch.query.searcher import Searcher

from .conftest import CORPUS, MODEL


@pytest.mark.parametrize(
    ("text", "first", "nth", "label"),
    [
        ("the second oldest paper in the list", "earliest", 2, "second oldest first"),
        ("what's the second most recent paper here?", "latest", 2, "second newest first"),
        ("what is the 3rd newest paper", "latest", 3, "third newest first"),
        ("the oldest paper", "earliest", 1, "oldest first"),
        ("a second look at the oldest paper", "earliest", 1, "oldest first"),  # "second" counts nothing here
    ],
)
def test_a_place_is_read_from_the_word_before_the_end_of_time(text: str, first: str, nth: int, label: str) -> None:
    o = read_order(text)
    assert o is not None and (o.first, o.nth, o.label()) == (first, nth, label)


def test_the_paper_at_the_place_comes_first_and_those_counted_past_right_after_it() -> None:
    fused = np.array([1.0, 2.0, 3.0, 0.5])
    years = np.array([1990, 1950, 2000, 1970])
    rows = np.array([0, 1, 2])
    order = np.argsort(-by_year(fused, years, "earliest", rows, nth=2), kind="stable").tolist()
    assert order == [0, 1, 2, 3]  # 1990 (second oldest of the three), then 1950, then 2000; row 3 is no part of it
    assert np.argsort(-by_year(fused, years, "earliest", rows, nth=9))[0] == 1  # past the end: the order as it is


def test_a_place_past_the_papers_the_order_runs_over_is_said_not_to_be_there(searcher: Searcher) -> None:
    """Fewer papers are about the topic than the place asked for: the label says so (and how many there are) instead
    of naming a place the results do not show, and they are in the order asked, the oldest first."""
    res = searcher.search("the fifth oldest paper on perceptrons")
    order = res["understood"]["order"] if res["understood"] else None
    assert order is not None and order["label"].startswith("oldest first (no fifth oldest: "), order
    shown = [(r["year"], r["id"]) for r in res["results"][:2]]
    assert shown[0][1] == "1958-rosenblatt-perceptron" and shown[0][0] <= shown[1][0], shown
    within = searcher.search("the second oldest paper on perceptrons")["understood"]
    assert within is not None and within["order"] is not None and "no second" not in within["order"]["label"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("what's the second most recent paper here?", {"2022-ouyang-rlhf", "2022-rombach-latent-diffusion"}),
        ("the second oldest paper in the list", {"1958-rosenblatt-perceptron"}),
        ("the second oldest paper on perceptrons", {"1969-minsky-perceptrons"}),
        # the first paper of a person's is an order over their papers, not who did something first
        ("the first paper by Sutskever in the list", {"2012-krizhevsky-alexnet", "2012-mikolov-word2vec"}),
    ],
)
def test_the_paper_at_the_place_asked_is_put_first_and_quoted(
    searcher: Searcher, query: str, expected: set[str]
) -> None:
    res = searcher.search(query)
    assert res["understood"] is not None and res["understood"]["order"] is not None, query
    first = res["results"][0]["id"]
    assert first in expected, (query, first)
    assert [s["id"] for s in searcher.answer(query)["sources"]] == [first]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("the third oldest paper after the perceptron", "1969-minsky-perceptrons"),  # past the two of 1959
        ("the second newest paper before the backpropagation paper", "1972-kohonen-associative-memory"),  # not 1981
    ],
)
def test_a_place_counts_along_the_side_of_a_paper_asked(searcher: Searcher, query: str, expected: str) -> None:
    res = searcher.search(query)
    order = res["understood"]["order"]  # type: ignore[index]
    assert order is not None and order["over"] in ("before", "after") and order["paper"] is not None, query
    assert res["results"][0]["id"] == expected, (query, [r["id"] for r in res["results"][:3]])
    assert [s["id"] for s in searcher.answer(query)["sources"]] == [expected]


@pytest.mark.parametrize(
    ("query", "anchor", "end"),
    [
        ("what came before McCulloch and Pitts' paper?", "1943-mcculloch-neural-logic", "first"),
        ("what came after DeepSeek-R1 in the list?", "2025-deepseek-deepseek-r1", "last"),
    ],
)
def test_nothing_on_the_side_asked_is_said_and_no_other_paper_quoted(
    searcher: Searcher, query: str, anchor: str, end: str
) -> None:
    order = searcher.search(query)["understood"]["order"]  # type: ignore[index]
    assert order is not None and order["paper"] == anchor
    assert order["label"].endswith(f"nothing, it is the list's {end} paper")
    assert [s["id"] for s in searcher.answer(query)["sources"]] in ([], [anchor])
    later = searcher.search("what came just before AlexNet?")["understood"]["order"]  # type: ignore[index]
    assert later is not None and "nothing" not in later["label"]


def test_a_paper_of_its_own_year_the_graph_ties_lies_on_a_side(tmp_path: Path) -> None:
    """Two papers of 1943, the second citing the first: what came before the second is the first (as
    ``ordering.around`` counts a paper of the anchor's own year), not "nothing"; nothing came before the first."""
    corpus = tmp_path / "corpus"
    (corpus / "papers").mkdir(parents=True)
    shutil.copy(CORPUS / "eras.yaml", corpus)
    shutil.copy(CORPUS / "papers" / "1943-mcculloch-neural-logic.md", corpus / "papers")
    text = (CORPUS / "papers" / "1958-rosenblatt-perceptron.md").read_text(encoding="utf-8")
    text = text.replace("id: 1958-", "id: 1943-").replace("year: 1958", "year: 1943")
    text = text.replace("\nRosenblatt proposes", "\nBuilding on McCulloch and Pitts (1943), Rosenblatt proposes")
    (corpus / "papers" / "1943-rosenblatt-perceptron.md").write_text(text, encoding="utf-8")
    build(corpus, tmp_path / "index", MODEL)
    searcher = Searcher.load(tmp_path / "index")
    before = searcher.search("what came before the perceptron")["understood"]["order"]  # type: ignore[index]
    assert before is not None and before["paper"] == "1943-rosenblatt-perceptron"
    assert "nothing" not in before["label"], before["label"]
    assert [s["id"] for s in searcher.answer("what came before the perceptron")["sources"]] == [
        "1943-mcculloch-neural-logic"
    ]
    first = searcher.search("what came before McCulloch and Pitts' paper?")["understood"]["order"]  # type: ignore[index]
    assert first is not None and first["label"].endswith("nothing, it is the list's first paper")


@pytest.mark.parametrize(
    ("typed", "corrected", "ordered"),
    [
        ("the most recnet paper on GANs", "the most recent paper on GANs", True),  # a time word, where the order is
        ("what came after recnet", "what came after resnet", True),  # a paper's name, where the anchor is
        ("the recnet papers on GANs", "the resnet papers on GANs", False),  # no order read from it: the list's word
        # the rest of a joined word is kept, not dropped with the misspelling
        ("the most recnet-paper on GANs", "the most recent-paper on GANs", True),
        ("the olderst-known paper on perceptrons", "the oldest-known paper on perceptrons", True),
    ],
)
def test_a_misspelt_word_of_time_is_mended_where_the_order_is_read_from_it(
    searcher: Searcher, typed: str, corrected: str, ordered: bool
) -> None:
    assert searcher.correct(typed) == corrected
    assert (searcher.search(typed)["understood"]["order"] is not None) == ordered  # type: ignore[index]
