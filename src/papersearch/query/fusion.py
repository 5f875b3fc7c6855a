"""Score fusion: combine dense and lexical scores per paper into one ranking. Pure functions.

Every function takes aligned float arrays (one entry per paper, ``-inf`` where filtered out) and
returns one fused score array. The choice and its parameters were measured on the dev queries;
see docs/ranking.md (the alternatives measured and not shipped live in ``scripts/tune_fusion.py``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

NEG = -np.inf
# measured on tests/data/queries.jsonl: see docs/ranking.md
LEX_WEIGHT = 0.3  # z-scored BM25 added to z-scored dense similarity
SECOND_PASSAGE = 0.15  # a paper's dense score: 0.85 x its best passage + 0.15 x its second best


def best_two(best: np.ndarray, second: np.ndarray, weight: float = SECOND_PASSAGE) -> np.ndarray:
    """A paper's dense score from its best and second-best passage similarities (``-inf`` stays ``-inf``)."""
    return np.where(np.isfinite(best), (1 - weight) * best + weight * second, NEG)


class Others(NamedTuple):
    """The papers a side is standardised over besides the candidates scored: ``values`` stands for ``papers`` of
    them (every one the same value, or an even sample of them, each value its share)."""

    values: np.ndarray
    papers: int


def weighted(
    dense: np.ndarray,
    lexical: np.ndarray,
    w_dense: float,
    w_lex: float,
    others: tuple[Others | None, Others | None] = (None, None),
) -> np.ndarray:
    """``zscore`` with a weight on each side: how much each is trusted for this query."""
    ok = np.isfinite(dense)
    fused = w_dense * _z(dense, ok, others[0]) + w_lex * _z(lexical, ok, others[1])
    return fused if ok.all() else np.where(ok, fused, NEG)


def hybrid(
    dense: np.ndarray, lexical: np.ndarray, others: tuple[Others | None, Others | None] = (None, None)
) -> np.ndarray:
    """The shipped fusion: ``zscore`` with the measured lexical weight."""
    return zscore(dense, lexical, LEX_WEIGHT, others)


def _z(x: np.ndarray, ok: np.ndarray, others: Others | None = None) -> np.ndarray:
    """``x`` standardised over its ``ok`` values and, when given, the ``others`` they stand among."""
    every = bool(ok.all())  # no filter, every paper scored: ``x`` itself, none masked out (the same sums)
    vals = x if every else x[ok]
    if others is None or others.papers <= 0:
        if vals.size < 2:
            return np.where(ok, 0.0, 0.0)
        mean, sd = _mean_sd(vals)
        z = (x - mean) / (sd or 1.0)
        return z if every else np.where(ok, z, 0.0)
    if vals.size + others.papers < 2:
        return np.where(ok, 0.0, 0.0)
    share = others.papers / len(others.values)
    total = vals.size + others.papers
    mean = (float(vals.sum()) + share * float(others.values.sum())) / total
    spread = float(((vals - mean) ** 2).sum()) + share * float(((others.values - mean) ** 2).sum())
    sd = float(np.sqrt(spread / total)) or 1.0
    return np.where(ok, (x - mean) / sd, 0.0)


def _mean_sd(vals: np.ndarray) -> tuple[float, float]:
    """``vals.mean()`` and ``vals.std()`` of a float64 array, as numpy computes them (the same sums, so the same
    bits) without its dispatch, which costs more than the arithmetic on a small list's papers."""
    n = vals.size
    mean = np.add.reduce(vals) / n
    dev = vals - mean
    return float(mean), float(np.sqrt(np.add.reduce(dev * dev) / n))


def zscore(
    dense: np.ndarray,
    lexical: np.ndarray,
    w_lex: float = 0.3,
    others: tuple[Others | None, Others | None] = (None, None),
) -> np.ndarray:
    """Standardise each score over the candidate papers (and the ``others`` outside them, when a query scores only
    candidates: ``query.candidates``), then add: dense z + ``w_lex`` × BM25 z.

    Unlike max-scaling, a query whose words barely discriminate (BM25 nearly flat) adds little.
    """
    ok = np.isfinite(dense)
    return np.where(ok, _z(dense, ok, others[0]) + w_lex * _z(lexical, ok, others[1]), NEG)
