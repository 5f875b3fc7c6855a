"""Score fusion: combine dense and lexical scores per paper into one ranking. Pure functions.

Every function takes aligned float arrays (one entry per paper, ``-inf`` where filtered out) and
returns one fused score array. The choice and its parameters were measured on the dev queries;
see docs/ranking.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core.records import GraphRecord, PaperRecord

NEG = -np.inf
# measured on tests/data/queries.jsonl: see docs/ranking.md
LEX_WEIGHT = 0.3  # z-scored BM25 added to z-scored dense similarity
SECOND_VIEW = 0.15  # a paper's dense score: 0.85 x its best view + 0.15 x its second best


def best_two(best: np.ndarray, second: np.ndarray, weight: float = SECOND_VIEW) -> np.ndarray:
    """A paper's dense score from its best and second-best passage similarities (``-inf`` stays ``-inf``)."""
    return np.where(np.isfinite(best), (1 - weight) * best + weight * second, NEG)


def weighted(dense: np.ndarray, lexical: np.ndarray, w_dense: float, w_lex: float) -> np.ndarray:
    """``zscore`` with a weight on each side: how much each is trusted for this query."""
    ok = np.isfinite(dense)
    return np.where(ok, w_dense * _z(dense, ok) + w_lex * _z(lexical, ok), NEG)


def hybrid(dense: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """The shipped fusion: ``zscore`` with the measured lexical weight."""
    return zscore(dense, lexical, LEX_WEIGHT)


def citation_adjacency(records: Sequence[PaperRecord], graph: GraphRecord) -> list[list[int]]:
    """For each paper row, the rows tied to it by a ``cites`` edge (either way): ``graph_boost``'s input."""
    row = {r["id"]: i for i, r in enumerate(records)}
    adj: list[list[int]] = [[] for _ in records]
    for e in graph["edges"]:
        a, b = row.get(e["source"]), row.get(e["target"])
        if a is not None and b is not None and e["kind"] == "cites":
            adj[a].append(b)
            adj[b].append(a)
    return adj


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def rrf(
    dense: np.ndarray, lexical: np.ndarray, k: float = 60.0, w_dense: float = 1.0, w_lex: float = 1.0
) -> np.ndarray:
    """Reciprocal rank fusion; a paper with zero BM25 score gets no lexical contribution."""
    out = w_dense / (k + _ranks(dense))
    lex = w_lex / (k + _ranks(lexical))
    out = out + np.where(lexical > 0, lex, 0.0)
    return np.where(np.isfinite(dense), out, NEG)


def convex(dense: np.ndarray, lexical: np.ndarray, alpha: float = 0.7) -> np.ndarray:
    """``alpha`` × dense cosine + (1 − alpha) × BM25 scaled to [0, 1] by the best match of this query."""
    ok = np.isfinite(dense)
    lex = np.where(ok, lexical, 0.0)
    top = float(lex.max()) if lex.size else 0.0
    lex_n = lex / top if top > 0 else lex
    return np.where(ok, alpha * dense + (1 - alpha) * lex_n, NEG)


def graph_boost(scores: np.ndarray, adjacency: list[list[int]], top: int = 5, weight: float = 0.05) -> np.ndarray:
    """Raise papers tied by an edge to the current top hits, in proportion to those hits' scores.

    Measured and not shipped (docs/ranking.md): ``scripts/tune_fusion.py`` still compares it.
    """
    ok = np.isfinite(scores)
    if not ok.any():
        return scores
    order = [i for i in np.argsort(-np.where(ok, scores, NEG))[:top] if ok[i]]
    base = np.where(ok, scores, 0.0)
    span = float(base[order[0]] - base[ok].min()) or 1.0
    boost = np.zeros_like(base)
    for i in order:
        for j in adjacency[i]:
            boost[j] += weight * (base[i] - base[ok].min()) / span
    return np.where(ok, scores + boost, NEG)


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
