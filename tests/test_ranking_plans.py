"""A version's readings of a query are kept (``caches.Readings``, in ``results.Ranker``): the same plan as a fresh reading, ``ignore`` applied
to a kept one as to a fresh one, and an answer the same whether its search's reading was kept or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from papersearch import Searcher
from papersearch.query.caches import READINGS_KEPT
from papersearch.query.plan import make_plan

from .conftest import ROOT

QUESTIONS = [
    "who introduced backpropagation in the 1980s?",
    "the latest work on language models",
    "what came after the GAN paper?",
    "papers by Hinton before 2010",
    "between AlexNet and ResNet, which came first?",
]


@pytest.fixture
def fresh(index_dir: Path) -> Searcher:
    """A searcher of its own: empty caches, so the first reading of each question is made, then kept."""
    return Searcher.load(index_dir)


def test_a_kept_plan_is_the_one_a_fresh_reading_gives(fresh: Searcher) -> None:
    ctx = fresh._ranker._plan_context  # the context the searcher reads with (its tables, the same objects)
    lines = (ROOT / "tests" / "data" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    texts = QUESTIONS + [q["query"] for q in map(json.loads, filter(None, lines)) if int(q["id"][1:]) % 2][:40]
    for text in texts:
        first = fresh.plan(text)
        assert fresh.plan(text) is first  # kept: the same frozen record, not read again
        assert first == make_plan(text, ctx)


@pytest.mark.parametrize("ignore", [("time",), ("order",), ("names",), ("intent",), ("time", "order")])
def test_ignore_applies_to_a_kept_plan_as_to_a_fresh_one(fresh: Searcher, ignore: tuple[str, ...]) -> None:
    ctx = fresh._ranker._plan_context  # the context the searcher reads with (its tables, the same objects)
    for text in QUESTIONS:
        fresh.plan(text)  # kept whole, before anything is left out
        assert fresh.plan(text, ignore) == make_plan(text, ctx).without(ignore)
        assert fresh.plan(text) == make_plan(text, ctx)  # what a request ignored is not left out of the kept one


def test_an_answer_is_the_same_with_its_reading_kept(index_dir: Path) -> None:
    kept, cold = Searcher.load(index_dir), Searcher.load(index_dir)
    for text in QUESTIONS:
        kept.plan(text)  # the reading kept before the search and the answer ask for it
        assert {**kept.answer(text), "took_ms": 0} == {**cold.answer(text), "took_ms": 0}
        assert {**kept.search(text, k=3), "took_ms": 0} == {**cold.search(text, k=3), "took_ms": 0}


def test_the_kept_plans_are_bounded(fresh: Searcher) -> None:
    for i in range(READINGS_KEPT + 10):
        fresh.plan(f"attention {i}")
    assert len(fresh._ranker._read) == READINGS_KEPT
