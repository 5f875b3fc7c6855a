"""Ranking metrics of one ranked list against graded judgements: nDCG@k, recall@k and MRR@k.

The textbook definitions, as trec_eval computes them (``tests/test_metrics.py`` checks every
figure of the dev set against it): a paper is relevant when its grade is 1 or more; nDCG uses the grade as
the gain (Järvelin and Kekäläinen, 2002: ``sum(grade_i / log2(i + 1))``) over the ideal ordering of
the judged papers; a query without a relevant paper scores 0. Plain numpy, no compilation: ranx,
used before, compiled its functions with numba on first use, which cost every ``papersearch eval``
10–45 s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

METRICS = ("ndcg@10", "recall@5", "mrr@10")

Judged = tuple[Mapping[str, int], Sequence[str]]  # the graded papers of a query, its ranked paper ids


def metric_at(name: str) -> tuple[str, int]:
    """``"ndcg@10"`` -> ``("ndcg", 10)``."""
    metric, _, k = name.partition("@")
    if metric not in _SCORERS or not k.isdigit() or int(k) < 1:
        raise ValueError(f"unknown metric {name!r}: one of ndcg@K, recall@K, mrr@K")
    return metric, int(k)


def dcg(gains: Sequence[float], k: int) -> float:
    """Discounted cumulative gain of the first ``k`` gains."""
    top = np.asarray(gains[:k], dtype=np.float64)
    return float(np.sum(top / np.log2(np.arange(1, len(top) + 1) + 1)))


def ndcg(relevant: Mapping[str, int], ranked: Sequence[str], k: int) -> float:
    """DCG of the ranking over DCG of the ideal one; 0 without a relevant paper."""
    ideal = sorted((g for g in relevant.values() if g >= 1), reverse=True)
    if not ideal:
        return 0.0
    best = dcg(ideal, k) or 1.0
    return dcg([_grade(relevant, pid) for pid in ranked], k) / best


def recall(relevant: Mapping[str, int], ranked: Sequence[str], k: int) -> float:
    """Share of the relevant papers found in the first ``k``."""
    wanted = {pid for pid, g in relevant.items() if g >= 1}
    if not wanted:
        return 0.0
    return len(wanted.intersection(ranked[:k])) / len(wanted)


def reciprocal_rank(relevant: Mapping[str, int], ranked: Sequence[str], k: int) -> float:
    """1 / the rank of the first relevant paper in the first ``k``; 0 if none is there."""
    for i, pid in enumerate(ranked[:k]):
        if _grade(relevant, pid) >= 1:
            return 1.0 / (i + 1)
    return 0.0


def mean_metrics(judged: Iterable[Judged], names: Sequence[str] = METRICS) -> dict[str, float]:
    """Each metric's mean over the queries, unrounded; empty without a query."""
    rows = list(judged)
    if not rows:
        return {}
    out: dict[str, float] = {}
    for name in names:
        metric, k = metric_at(name)
        scorer = _SCORERS[metric]
        out[name] = float(np.mean([scorer(relevant, ranked, k) for relevant, ranked in rows]))
    return out


def _grade(relevant: Mapping[str, int], pid: str) -> int:
    grade = relevant.get(pid, 0)
    return grade if grade >= 1 else 0


_SCORERS = {"ndcg": ndcg, "recall": recall, "mrr": reciprocal_rank}
