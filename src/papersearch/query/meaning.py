"""How near two papers are in meaning, and how far in time one step by meaning may go, for reading paths.

A paper's vector is the mean of its passages' vectors less the mean of every paper's, normalised. Every summary of
the list is about neural networks, so plain centroids are all alike (half of all pairs lie between 0.36 and 0.51);
taking away what they share leaves what sets a paper apart, and a cosine above 0 says two papers are nearer than
the list's average pair.

A step by meaning moves one way in time and in small steps: to a paper of a later (or earlier) year at most
``MAX_GAP`` years away, or, where the list holds no paper that near, to the nearest year that holds any. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core.assistant_records import Direction

MAX_GAP = 15  # years one step by meaning may cross while the list has papers in between
MEMO = 100_000  # papers' nearest kept at most (then forgotten all at once)
PREFETCH_BLOCK = 256  # papers whose nearest are found in one product (window × 256 cosines: 100 MB at 100,000 rows)


def paper_vectors(matrix: np.ndarray, paper_rows: list[np.ndarray]) -> np.ndarray:
    """One unit vector per paper: the centroid of its passages less the mean centroid (zero for a paper without
    passages)."""
    dim = matrix.shape[1] if matrix.ndim == 2 else 0
    centroids = np.zeros((len(paper_rows), dim), dtype=np.float32)
    has = np.array([len(rows) > 0 for rows in paper_rows], dtype=bool)
    for i, rows in enumerate(paper_rows):
        if len(rows):
            centroids[i] = matrix[rows].mean(axis=0)
    if has.any():
        centroids[has] /= np.maximum(np.linalg.norm(centroids[has], axis=1, keepdims=True), 1e-12)
        centroids[has] -= centroids[has].mean(axis=0)
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    out: np.ndarray = np.divide(centroids, norms, out=np.zeros_like(centroids), where=norms > 1e-6)
    return out


class Nearness:
    """The papers' vectors and years: cosines, and the papers one step by meaning may reach from a paper."""

    def __init__(self, vectors: np.ndarray, years: np.ndarray) -> None:
        self.vectors = vectors
        self.years = years
        self._order = np.argsort(years, kind="stable")  # rows by year, for a window of years by bisection
        self._sorted = years[self._order]
        # a list kept in time order (ids begin with the year) has windows of consecutive rows: read as slices
        self._in_order = bool(np.array_equal(self._order, np.arange(len(years))))
        self._nearest: dict[tuple[int, str, int, int | None], list[tuple[int, float]]] = {}

    def similarity(self, a: int, b: int) -> float:
        """The cosine between two papers' vectors."""
        return float(self.vectors[a] @ self.vectors[b])

    def to_all(self, row: int) -> np.ndarray:
        """The cosine between ``row``'s vector and every paper's."""
        return np.asarray(self.vectors @ self.vectors[row], dtype=np.float64)

    def reach(self, row: int, direction: Direction) -> int | None:
        """The farthest year one step by meaning may reach from ``row``: ``MAX_GAP`` years on, or the nearest year
        that holds a paper when none lies that near; None when no paper lies that way."""
        year = int(self.years[row])
        if direction == "after":
            start = int(np.searchsorted(self._sorted, year, side="right"))
            return None if start == len(self._sorted) else max(year + MAX_GAP, int(self._sorted[start]))
        stop = int(np.searchsorted(self._sorted, year, side="left"))
        return None if stop == 0 else min(year - MAX_GAP, int(self._sorted[stop - 1]))

    def window(self, row: int, direction: Direction, bound: int | None = None) -> np.ndarray:
        """The papers one step by meaning may reach from ``row``: of a strictly later year (``after``) or earlier
        one (``before``), up to ``reach``, and not past the year ``bound``."""
        year, reach = int(self.years[row]), self.reach(row, direction)
        if reach is None:
            return self._order[:0]
        if direction == "after":
            reach = reach if bound is None else min(reach, bound)
            lo, hi = np.searchsorted(self._sorted, [year, reach], side="right")
        else:
            reach = reach if bound is None else max(reach, bound)
            lo, hi = np.searchsorted(self._sorted, [reach, year], side="left")
        return self._order[int(lo) : int(hi)]

    def _window_vectors(self, rows: np.ndarray) -> np.ndarray:
        """The vectors of a window's rows (a slice, not a copy, when the list is in time order)."""
        picked: np.ndarray = (
            self.vectors[int(rows[0]) : int(rows[-1]) + 1] if self._in_order and len(rows) else self.vectors[rows]
        )
        return picked

    def prefetch(self, rows: Sequence[int], direction: Direction, m: int) -> None:
        """Finds the ``m`` nearest (``nearest``, no bound) of many papers at once: papers of one year share a window,
        read once for all of them (a reading list at 100,000 papers steps by meaning from thousands)."""
        todo = [r for r in rows if (r, direction, m, None) not in self._nearest]
        if not todo or len(todo) + len(self._nearest) > MEMO:  # too many to keep: found one by one as asked
            return
        by_year: dict[int, list[int]] = {}
        for r in todo:
            by_year.setdefault(int(self.years[r]), []).append(r)
        for same_year in by_year.values():
            for start in range(0, len(same_year), PREFETCH_BLOCK):
                self._prefetch_block(same_year[start : start + PREFETCH_BLOCK], direction, m)

    def _prefetch_block(self, group: list[int], direction: Direction, m: int) -> None:
        """``prefetch`` for papers of one year: their window's cosines to them, a column each."""
        window = self.window(group[0], direction)
        sims = self._window_vectors(window) @ self.vectors[group].T if len(window) else np.zeros((0, len(group)))
        for j, r in enumerate(group):
            self._nearest[(r, direction, m, None)] = [
                (int(window[t]), float(sim)) for t, sim in _best(np.ascontiguousarray(sims[:, j]), m)
            ]

    def nearest(self, row: int, direction: Direction, m: int, bound: int | None = None) -> list[tuple[int, float]]:
        """The ``m`` papers of ``row``'s window (``window``) nearest to it in meaning, nearest first, with cosines
        (kept once found: a chain asks for the same papers' nearest again and again)."""
        key = (row, direction, m, bound)
        found = self._nearest.get(key)
        if found is None:
            rows = self.window(row, direction, bound)
            found = [(int(rows[t]), float(sim)) for t, sim in _best(self._window_vectors(rows) @ self.vectors[row], m)]
            if len(self._nearest) >= MEMO:
                self._nearest.clear()
            self._nearest[key] = found
        return found


def _best(sims: np.ndarray, m: int) -> list[tuple[int, float]]:
    """The positions and values of the ``m`` largest of ``sims``, largest first and, of equal ones, the earliest
    first (what a stable sort of all of them gives), without sorting all of them."""
    if m <= 0 or not len(sims):
        return []
    if len(sims) > m:
        cut = np.partition(sims, len(sims) - m)[len(sims) - m]  # the m-th largest
        kept = np.flatnonzero(sims >= cut)  # every value tied with it too, so ties keep their order
    else:
        kept = np.arange(len(sims))
    top = kept[np.argsort(-sims[kept], kind="stable")[:m]]
    return [(int(t), float(sims[t])) for t in top]
