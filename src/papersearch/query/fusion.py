"""Score fusion: combine dense and lexical scores per paper into one ranking. Pure functions.

Every function takes aligned float arrays (one entry per paper, ``-inf`` where filtered out) and
returns one fused score array. The choice and its parameters were measured on the dev queries;
see docs/ranking.md (the alternatives measured and not shipped live in ``scripts/tune_fusion.py``).
"""

from __future__ import annotations

import numpy as np

NEG = -np.inf
# measured on tests/data/queries.jsonl: see docs/ranking.md
LEX_WEIGHT = 0.3  # z-scored BM25 added to z-scored dense similarity
SECOND_PASSAGE = 0.15  # a paper's dense score: 0.85 x its best passage + 0.15 x its second best


def best_two(best: np.ndarray, second: np.ndarray, weight: float = SECOND_PASSAGE) -> np.ndarray:
    """A paper's dense score from its best and second-best passage similarities (``-inf`` stays ``-inf``)."""
    return np.where(np.isfinite(best), (1 - weight) * best + weight * second, NEG)


def weighted(dense: np.ndarray, lexical: np.ndarray, w_dense: float, w_lex: float) -> np.ndarray:
    """``zscore`` with a weight on each side: how much each is trusted for this query."""
    ok = np.isfinite(dense)
    return np.where(ok, w_dense * _z(dense, ok) + w_lex * _z(lexical, ok), NEG)


def hybrid(dense: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """The shipped fusion: ``zscore`` with the measured lexical weight."""
    return zscore(dense, lexical, LEX_WEIGHT)


def _z(x: np.ndarray, ok: np.ndarray) -> np.ndarray:
    vals = x[ok]
    if vals.size < 2:
        return np.where(ok, 0.0, 0.0)
    sd = float(vals.std()) or 1.0
    return np.where(ok, (x - float(vals.mean())) / sd, 0.0)


def zscore(dense: np.ndarray, lexical: np.ndarray, w_lex: float = 0.3) -> np.ndarray:
    """Standardise each score over the candidate papers, then add: dense z + ``w_lex`` × BM25 z.

    Unlike max-scaling, a query whose words barely discriminate (BM25 nearly flat) adds little.
    """
    ok = np.isfinite(dense)
    return np.where(ok, _z(dense, ok) + w_lex * _z(lexical, ok), NEG)
