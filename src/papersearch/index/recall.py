"""Recall of an approximate vector index against exact search: what tunes ``nprobe`` at build time.

Pure numpy over a matrix of unit vectors (an array, a memory map or a ``matrix.MatrixFile``): the exact
neighbours of some queries scanned a chunk at a time, the share of them an index finds, and the
queries themselves, blends of a few indexed vectors (``vectors`` says why blends).
"""

from __future__ import annotations

from typing import Any

import numpy as np

RECALL_QUERIES = 600  # blended queries that measure recall at build time
BLENDS = (3, 4)  # indexed vectors summed into one tuning query: as many queries of each
CONFIDENCE_Z = 1.645  # one-sided 95%: the tuned recall's lower bound must reach the target
CHUNK = 65_536  # rows scanned at a time, so a mapped matrix is never copied whole
TIES = 20  # exact neighbours kept per query when recall is read from cells: room for rows tied with the 10th


def exact_neighbours(vectors: Any, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-``k`` (similarities, rows) of each query, best first, scanning ``vectors`` in chunks."""
    best_s = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_r = np.full((len(queries), k), -1, dtype=np.int64)
    for lo in range(0, vectors.shape[0], CHUNK):
        sims = queries @ np.asarray(vectors[lo : lo + CHUNK], dtype=np.float32).T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if sims.shape[1] > k else np.argsort(-sims, axis=1)
        s = np.concatenate([best_s, np.take_along_axis(sims, top, axis=1)], axis=1)
        r = np.concatenate([best_r, top + lo], axis=1)
        order = np.argsort(-s, axis=1, kind="stable")[:, :k]
        best_s, best_r = np.take_along_axis(s, order, axis=1), np.take_along_axis(r, order, axis=1)
    return best_s, best_r


def recall_per_query(found: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """Each query's share of its true top 10 found (similarities of the rows found, best first, against
    the exact top 10); a hit tied with the 10th true similarity counts (duplicate texts)."""
    tenth = exact[:, 9:10] - 1e-5
    share: np.ndarray = np.minimum((found[:, :10] >= tenth).sum(axis=1), 10) / 10
    return share


def covered_per_query(
    probed: np.ndarray, cells: tuple[np.ndarray, ...], exact: np.ndarray, exact_rows: np.ndarray
) -> np.ndarray:
    """Each query's share of its true top 10 that lies in a cell it scans: ``probed`` (queries x nprobe) the cells
    each scans, ``cells`` every row's cells (one array per copy), ``exact``/``exact_rows`` its exact top ``TIES``
    best first. A row tied with the 10th counts, as in ``recall_per_query``: what a search of those cells finds,
    read from where the rows were put rather than by scanning them."""
    near = exact >= exact[:, 9:10] - 1e-5
    scanned = np.zeros(exact_rows.shape, dtype=bool)
    for copy in cells:
        where = copy[np.maximum(exact_rows, 0)]
        scanned |= (where[:, :, None] == probed[:, None, :]).any(axis=2)
    share: np.ndarray = np.minimum((scanned & near & (exact_rows >= 0)).sum(axis=1), 10) / 10
    return share


def recall_at_10(found: np.ndarray, exact: np.ndarray) -> float:
    """Mean recall@10 over the queries (``recall_per_query``)."""
    return float(recall_per_query(found, exact).mean())


def exact_similarities(vectors: Any, queries: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The exact similarity of each query to each of its found ``rows`` (-inf for -1): recall judged by
    the rows found, not by similarities float16 codes put off by more than ``recall_at_10``'s tolerance."""
    gathered = np.asarray(vectors[np.maximum(rows, 0).ravel()], dtype=np.float32).reshape(*rows.shape, -1)
    return np.where(rows >= 0, np.einsum("qkd,qd->qk", gathered, queries), -np.inf)


def blended_queries(vectors: Any, m: int, rng: np.random.Generator, blend: int) -> np.ndarray:
    """``m`` normalised sums of ``blend`` random rows of ``vectors``."""
    q = np.zeros((m, vectors.shape[1]), dtype=np.float32)
    for _ in range(blend):
        rows = np.sort(rng.choice(vectors.shape[0], size=m))
        q += np.asarray(vectors[rows], dtype=np.float32)[rng.permutation(m)]
    return np.ascontiguousarray(q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12))
