"""Score papers for one query vector over an index version: filters, dense scores per paper, top k.

Pure functions of the loaded arrays (no I/O, no model): ``Searcher`` calls them, and so can a
script that compares rankings.
"""

from __future__ import annotations

import numpy as np

from ..index import vectors
from ..index.layout import IndexData
from . import fusion


def filter_mask(
    years: np.ndarray, eras: np.ndarray, year_from: int | None, year_to: int | None, era: str | None
) -> np.ndarray:
    """Which paper rows pass the hard filters."""
    mask = np.ones(len(years), dtype=bool)
    if year_from is not None:
        mask &= years >= year_from
    if year_to is not None:
        mask &= years <= year_to
    if era is not None:
        mask &= eras == era
    return mask


def dense_scores(data: IndexData, qvec: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per paper: its dense score (``fusion.best_two`` of its passages; -inf when masked) and its best row.

    Up to ``vectors.EXACT_LIMIT`` candidate rows every row is scored. Beyond that only the best
    ``vectors.CANDIDATE_ROWS`` are retrieved; an allowed paper none of whose passages is among them
    scores the lowest retrieved similarity (an upper bound of its own) and has no best row.
    """
    n = len(data.records)
    allowed_rows = None if mask.all() else np.flatnonzero(mask[data.row_paper])
    total = len(data.matrix) if allowed_rows is None else len(allowed_rows)
    best = np.full(n, -np.inf, dtype=np.float32)
    best_row = np.full(n, -1, dtype=np.int64)
    if total == 0:
        return best, best_row
    limit = total if total <= vectors.EXACT_LIMIT else vectors.CANDIDATE_ROWS
    sims, rows = vectors.search(data.faiss_index, qvec, limit, allowed_rows, data.matrix)
    if limit < total and len(sims):
        best[mask] = sims[-1]
    papers = data.row_paper[rows]
    # rows come best first, so the first time a paper appears is its best passage, the next its second
    first = np.unique(papers, return_index=True)[1]
    best[papers[first]] = sims[first]
    best_row[papers[first]] = rows[first]
    second = best.copy()
    if limit < total and len(sims):  # every paper has two passages or more (question, title): an unretrieved
        second[papers[first]] = sims[-1]  # second one scores below the last row retrieved
    rest = np.setdiff1d(np.arange(len(rows)), first, assume_unique=True)
    second_idx = np.unique(papers[rest], return_index=True)[1]
    second[papers[rest][second_idx]] = sims[rest][second_idx]
    return fusion.best_two(best, second).astype(np.float32), best_row


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Rows of the ``k`` highest finite scores, best first; ties keep row order (like a stable sort).

    Partitions before sorting, so a query over a million papers sorts k of them, not all.
    """
    finite = np.flatnonzero(np.isfinite(scores))
    if len(finite) > k:
        part = np.argpartition(-scores[finite], k - 1)[:k]
        cut = scores[finite[part]].min()
        finite = finite[scores[finite] >= cut]  # every row tied with the k-th, so ties are broken by row
    order = finite[np.argsort(-scores[finite], kind="stable")][:k]
    return [int(i) for i in order]
