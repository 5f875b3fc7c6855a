"""A small list's vector index without FAISS: numpy over the passage matrix.

Below ``vectors.EXACT_LIMIT`` rows the index is flat, and a flat FAISS index holds exactly the rows of
``vectors.npy`` in their order; scanning the memory-mapped matrix with numpy gives the same rows and
cosines to float rounding, and a one-shot query then never imports FAISS.
"""

from __future__ import annotations

import numpy as np


class Exact:
    """A flat index answered by numpy from the passage matrix itself (a flat FAISS index holds exactly those rows,
    in that order): a small list's query never loads FAISS (~55 ms and ~18 MB of a cold ``ask``). Its file is
    still written, listed and verified; a larger list is served by FAISS's own index."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix
        self._rows = np.asarray(
            matrix, dtype=np.float32
        )  # a plain view of the mapped rows (a copy only if not float32)
        self.ntotal = int(matrix.shape[0])

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """FAISS's ``search``: the best ``k`` rows of each query (-1 past the end), best first, ties by row."""
        sims = np.asarray(queries, dtype=np.float32) @ self._rows.T
        k_got = min(k, self.ntotal)
        if len(sims) == 1 and k_got == k:  # one query (every search's): its own arrays, none filled and copied into
            top = _best(sims[0], k)
            return sims[0][top][None], top[None].astype(np.int64, copy=False)
        rows = np.full((len(sims), k), -1, dtype=np.int64)
        scores = np.full((len(sims), k), -np.inf, dtype=np.float32)
        for i, row in enumerate(sims):
            top = _best(row, k_got)
            rows[i, :k_got], scores[i, :k_got] = top, row[top]
        return scores, rows

    def among(self, query: np.ndarray, k: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The best ``k`` of ``rows`` for one query vector, best first."""
        sims = self._rows[rows] @ query
        top = _best(sims, min(k, len(sims)))
        return sims[top], np.asarray(rows)[top]


def _best(sims: np.ndarray, k: int) -> np.ndarray:
    """The positions of the ``k`` largest values, largest first, ties by position."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k >= len(sims):  # every position: one stable sort orders them, ties by position
        return np.argsort(-sims, kind="stable")
    top = np.argpartition(-sims, k - 1)[:k]
    return top[np.lexsort((top, -sims[top]))]
