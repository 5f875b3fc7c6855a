"""A time on one side of a period or of a thing the list introduced, as people write it beside a topic: "image
recognition in the pre-deep-learning era", "vision work before the deep learning era", "pre-transformer machine
translation". The bound and the period (or the thing) say when; the words after the thing say what about, so the
search runs over them; a period is never a paper that something came before or after.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from papersearch.query.relation import read_relation
from papersearch.query.searcher import Searcher
from papersearch.query.timewords import read_time
from papersearch.query.windows import TimeContext

ERAS = tuple(yaml.safe_load((Path(__file__).parents[1] / "corpus" / "eras.yaml").read_text(encoding="utf-8")))
CONTEXT = TimeContext(ERAS, 1943, 2025, {"transformer": 2017, "alexnet": 2012, "backprop": 1986, "gan": 2014})


@pytest.mark.parametrize(
    ("text", "years", "said"),
    [
        ("image recognition in the pre-deep-learning era", (1943, 2012), "pre-deep-learning era"),
        ("vision work before the deep learning era", (1943, 2012), "before the deep learning era"),
        ("neural nets before the backpropagation revolution", (1943, 1985), "before the backpropagation revolution"),
        ("what came out after the first AI winter", (1981, 2025), "after the first AI winter"),
        ("pre-transformer machine translation", (1943, 2016), "pre-transformer"),
        ("post-AlexNet object detection", (2013, 2025), "post-AlexNet"),
        ("generative models before GANs", (1943, 2013), "before GANs"),
    ],
)
def test_a_bound_beside_a_period_or_a_thing_says_when_and_only_that(
    text: str, years: tuple[int, int], said: str
) -> None:
    window = read_time(text, CONTEXT)
    assert window is not None and (window.start, window.end) == years
    assert [text[a:b] for a, b in window.spans] == [said] and not window.named


@pytest.mark.parametrize(
    ("text", "years", "said"),
    [
        ("papers from the deep learning era", (2013, 2015), "deep learning era"),  # "from" an era is the era
        ("what happened after backprop took off", (1987, 2025), "after backprop took off"),  # an event: when
        ("papers after the transformer", (2018, 2025), "after the transformer"),
    ],
)
def test_an_era_itself_and_an_event_after_a_thing_stay_whole(text: str, years: tuple[int, int], said: str) -> None:
    window = read_time(text, CONTEXT)
    assert window is not None and (window.start, window.end) == years
    assert said in [text[a:b] for a, b in window.spans]


@pytest.mark.parametrize(
    "text",
    ["vision work before the deep learning era", "what happened after the first AI winter?", "papers after the 90s"],
)
def test_a_period_is_no_paper_to_come_before_or_after(text: str) -> None:
    assert read_relation(text, False)[0] is None


@pytest.mark.parametrize(
    ("text", "within"),
    [
        ("pre-transformer machine translation", {"2014-sutskever-seq2seq", "2015-bahdanau-attention"}),
        ("image recognition in the pre-deep-learning era", {"1989-lecun-cnn", "2012-krizhevsky-alexnet"}),
    ],
)
def test_the_words_after_the_bound_are_what_is_searched(searcher: Searcher, text: str, within: set[str]) -> None:
    results = searcher.search(text, k=5)
    assert results["results"][0]["id"] in within
    assert results["results"][0]["id"] in {s["id"] for s in searcher.answer(text)["sources"]}
