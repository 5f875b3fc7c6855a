"""The ranking metrics: textbook cases worked by hand, and every dev-set figure against trec_eval, the reference."""

from __future__ import annotations

import math

import pytest

from papersearch.query.evaluate import load_queries
from papersearch.query.metrics import METRICS, mean_metrics, metric_at, ndcg, recall, reciprocal_rank

from .conftest import DEV_FILES

GRADED = {"a": 3, "b": 2, "c": 1, "z": 0}


def test_ndcg_uses_the_grade_as_gain_over_the_ideal_order() -> None:
    assert ndcg(GRADED, ["a", "b", "c"], 10) == pytest.approx(1.0)
    got = 2 / math.log2(2) + 3 / math.log2(3)  # b first, a second, c not found
    ideal = 3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
    assert ndcg(GRADED, ["b", "a", "x"], 10) == pytest.approx(got / ideal)
    assert ndcg(GRADED, ["x", "y", "a"], 2) == 0.0  # a is past the cut
    assert ndcg(GRADED, ["z"], 10) == 0.0  # grade 0 is not relevant
    assert ndcg({}, ["a"], 10) == 0.0 and ndcg(GRADED, [], 10) == 0.0


def test_recall_and_reciprocal_rank_count_only_relevant_papers_within_the_cut() -> None:
    assert recall(GRADED, ["a", "x", "c", "b"], 3) == pytest.approx(2 / 3)
    assert recall({"z": 0}, ["z"], 5) == 0.0
    assert reciprocal_rank(GRADED, ["x", "z", "c"], 10) == pytest.approx(1 / 3)
    assert reciprocal_rank(GRADED, ["x", "y", "a"], 2) == 0.0


def test_a_mean_is_over_the_queries_given_and_an_unknown_metric_is_named() -> None:
    means = mean_metrics([(GRADED, ["a", "b", "c"]), (GRADED, ["x"])], ("ndcg@10", "mrr@10"))
    assert means == {"ndcg@10": pytest.approx(0.5), "mrr@10": pytest.approx(0.5)}
    assert mean_metrics([]) == {}
    assert metric_at("recall@5") == ("recall", 5)
    for bad in ("map@10", "ndcg", "ndcg@0", "ndcg@x"):
        with pytest.raises(ValueError, match="unknown metric"):
            metric_at(bad)


TREC = {"ndcg@10": "ndcg_cut_10", "recall@5": "recall_5", "mrr@10": "recip_rank"}  # every run holds 10 at most


def test_every_dev_set_figure_is_trec_evals(searcher) -> None:  # type: ignore[no-untyped-def]
    """Every dev file in every mode, query by query, as trec_eval (the reference of the field) scores them."""
    import pytrec_eval  # a test dependency: pytrec-eval-terrier

    assert set(TREC) == set(METRICS)  # every figure eval prints
    known = {r["id"] for r in searcher.data.records}
    queries = [q for q in (q for f in DEV_FILES for q in load_queries(f, known)) if q.in_scope]
    judge = pytrec_eval.RelevanceEvaluator({q.id: dict(q.relevant) for q in queries}, set(TREC.values()))
    for mode in ("hybrid", "dense", "lexical"):
        ranked = {q.id: [r["id"] for r in searcher.search(q.query, mode=mode)["results"]] for q in queries}
        assert all(len(ids) <= 10 for ids in ranked.values())
        theirs = judge.evaluate({qid: {pid: float(10 - i) for i, pid in enumerate(ids)} for qid, ids in ranked.items()})
        for name, trec in TREC.items():  # trec_eval leaves out a query with no answer: it scores 0 here
            mine = {q.id: mean_metrics([(q.relevant, ranked[q.id])], (name,))[name] for q in queries}
            assert mine == pytest.approx({q.id: theirs.get(q.id, {}).get(trec, 0.0) for q in queries}, abs=1e-12), (
                mode,
                name,
            )
