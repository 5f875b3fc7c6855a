"""A history question's steps between its ends (``query.spans``): the papers the citation graph and meaning tie to
its best few rise; any other question ranks as before. Over the real index of the shipped corpus."""

from __future__ import annotations

import numpy as np
import pytest

from papersearch.query import spans
from papersearch.query.searcher import Searcher

HISTORY = "how did language modelling evolve from neural language models to GPT-2"
TRANSFORMER = "2017-vaswani-transformer"


def row_of(searcher: Searcher, paper_id: str) -> int:
    return next(i for i, r in enumerate(searcher.data.records) if r["id"] == paper_id)


def test_the_graph_ties_a_paper_to_what_it_cites_and_what_cites_it(searcher: Searcher) -> None:
    papers, weights = spans.ties(searcher.data.columns, row_of(searcher, TRANSFORMER))
    assert list(papers) == sorted(set(papers.tolist()))  # each tied paper once
    by_id = {searcher.data.records[int(r)]["id"]: float(w) for r, w in zip(papers, weights, strict=True)}
    assert by_id["2018-radford-gpt-2"] == by_id["2019-devlin-bert"] == 1.0  # they cite it
    assert by_id["2015-bahdanau-attention"] == 1.0  # it cites Bahdanau
    assert by_id["1990-elman-rnn"] == by_id["2025-deepseek-deepseek-r1"] == 0.5  # mentions
    assert TRANSFORMER not in by_id and "1959-hubel-visual-cortex" not in by_id


def head_scores(searcher: Searcher, ids: list[str]) -> np.ndarray:
    """Scores that put ``ids`` first, best first, over every paper of the index."""
    fused = np.zeros(len(searcher.data.records), dtype=np.float64)
    for rank, paper_id in enumerate(ids):
        fused[row_of(searcher, paper_id)] = 5.0 - 0.1 * rank
    return fused


def test_a_paper_cited_by_two_of_the_head_rises_most(searcher: Searcher) -> None:
    head = ["2003-bengio-neural-language-model", "2018-radford-gpt-2", "2019-devlin-bert", "2022-ouyang-rlhf"]
    head += ["2011-collobert-nlp-from-scratch"]
    fused, plan = head_scores(searcher, head), searcher.plan("how did we get from language models to chatbots")
    assert plan.intent == "history"
    rows = np.arange(len(fused))
    moved = spans.linked(fused, plan, searcher.data.columns, rows, meaning=False)
    lift = (moved - fused) / fused.std()
    at = row_of(searcher, TRANSFORMER)
    assert lift[at] == pytest.approx(2.0)  # GPT-2 and BERT cite it
    untied = [i for i, r in enumerate(searcher.data.records) if r["id"] == "1959-hubel-visual-cortex"]
    assert lift[untied[0]] == 0.0
    with_meaning = spans.linked(fused, plan, searcher.data.columns, rows, meaning=True)
    assert np.all(with_meaning >= moved - 1e-12)  # meaning only lifts: no step falls for being unlike the rest


def test_the_lift_is_counted_in_the_scores_own_spread(searcher: Searcher) -> None:
    """Dense cosines or a sum of z-scores: the same question moves the same papers the same way."""
    fused = head_scores(searcher, ["2018-radford-gpt-2", "2022-ouyang-rlhf", "2003-bengio-neural-language-model"])
    plan, rows = searcher.plan("the history of language models"), np.arange(len(fused))
    once = spans.linked(fused, plan, searcher.data.columns, rows, meaning=True)
    scaled = spans.linked(0.1 * fused, plan, searcher.data.columns, rows, meaning=True)
    assert np.allclose(scaled, 0.1 * once)


def test_only_a_history_question_is_moved(searcher: Searcher) -> None:
    fused = head_scores(searcher, ["2018-radford-gpt-2", "2019-devlin-bert"])
    rows = np.arange(len(fused))
    for text in ("language models", "what came after the transformer", "papers from the 1990s"):
        plan = searcher.plan(text)
        assert plan.intent != "history" or plan.order is not None or plan.only_time
        assert spans.linked(fused, plan, searcher.data.columns, rows, meaning=True) is fused
    assert spans.linked(fused, None, searcher.data.columns, rows, meaning=True) is fused


def test_a_history_question_reaches_the_step_between_its_ends(searcher: Searcher) -> None:
    """Neither end names the Transformer; GPT-2 cites it. Read as a plain topic, it stays out of the top 3."""
    top = [h["id"] for h in searcher.search(HISTORY, k=3)["results"]]
    assert TRANSFORMER in top and "2018-radford-gpt-2" in top, top
    plain = [h["id"] for h in searcher.search(HISTORY, k=3, ignore=("intent",))["results"]]
    assert TRANSFORMER not in plain, plain
