"""An IVF index's cells: for a large index their centroids, trained by spherical k-means in two levels, each
assignment exact; for every index, the cells each row is stored in (its nearest and a SOAR-chosen second).

``vectors.ivf`` trains its cells here from ``vectors.TWO_LEVEL_CELLS`` cells up (a million papers' 20,000);
below that, FAISS's own one-level k-means, with the HNSW graph over the cells assigning the sample.
``vectors`` says why each row goes into two cells.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .vectors import CHUNK, SPILL_CANDIDATES, SPILL_LAMBDA, copies


def two_level_centroids(x: np.ndarray, nlist: int, iterations: int) -> np.ndarray:
    """``nlist`` spherical k-means centroids of ``x`` in two levels: sqrt(nlist) coarse cells, then each coarse
    cell's vectors split into cells in proportion to their number, every assignment exact.

    Trained in one level, each of the ``iterations`` assigns every sample vector through the HNSW graph over
    the cells (rebuilt each time): on 660,000 random vectors (6,500 cells) that had not finished in 9 minutes,
    where two levels took 38 CPU seconds; a million papers have 20,000 cells. In two levels each vector is
    compared with about 2 sqrt(nlist) centroids per iteration, exactly, by matrix products (FAISS's
    ``contrib.clustering.two_level_clustering``, with a coarse cell never given more cells than it has vectors)."""
    import faiss

    dim, coarse = x.shape[1], max(1, int(np.sqrt(nlist)))
    kwargs = {"niter": iterations, "spherical": True, "seed": 1234}
    top = faiss.Kmeans(dim, coarse, max_points_per_centroid=2_000, **kwargs)
    top.train(x)
    _, assigned = top.index.search(x, 1)
    assigned = assigned.ravel()
    sizes = np.bincount(assigned, minlength=coarse)
    shares = np.cumsum(sizes) * nlist // len(x)  # each coarse cell's cells, in proportion to its vectors
    shares = np.minimum(np.diff(shares, prepend=0), sizes)
    shares[np.argmax(sizes - shares)] += nlist - int(shares.sum())  # the rounding's rest where vectors are spare
    order = np.argsort(assigned, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    parts: list[np.ndarray] = []
    for cell in np.flatnonzero(shares):
        part = x[order[bounds[cell] : bounds[cell + 1]]]
        if shares[cell] >= len(part):  # as many cells as vectors: each vector is its own cell
            parts.append(part[: shares[cell]])
            continue
        sub = faiss.Kmeans(dim, int(shares[cell]), min_points_per_centroid=1, **kwargs)
        sub.train(part)
        parts.append(np.asarray(sub.centroids))
    centroids = np.ascontiguousarray(np.vstack(parts), dtype=np.float32)
    if len(centroids) != nlist:
        raise ValueError(f"two-level k-means made {len(centroids)} cells of {nlist} from {len(x)} vectors")
    return centroids


def spilled_cells(index: Any) -> Callable[[np.ndarray], tuple[np.ndarray, ...]]:
    """The function giving each row of a block its cells in ``index``: (nearest, SOAR's second) with two
    copies, (nearest,) with one."""
    import faiss

    quantizer = faiss.downcast_index(index.quantizer)
    centroids = quantizer.reconstruct_n(0, index.nlist)
    m = min(SPILL_CANDIDATES, index.nlist)

    def cells_of(x: np.ndarray) -> tuple[np.ndarray, ...]:
        _, near = quantizer.search(x, m if copies(index.nlist) > 1 else 1)
        first = near[:, 0]
        if copies(index.nlist) == 1:
            return (first,)
        r = x - centroids[first]
        r /= np.maximum(np.linalg.norm(r, axis=1, keepdims=True), 1e-12)
        offsets = x[:, None, :] - centroids[near[:, 1:]]
        loss = (offsets**2).sum(axis=2) + SPILL_LAMBDA * np.einsum("nkd,nd->nk", offsets, r) ** 2
        loss[near[:, 1:] < 0] = np.inf
        second = near[np.arange(len(x)), 1 + loss.argmin(axis=1)]
        second = np.where(second >= 0, second, first)  # no candidate: the nearest twice (searches drop repeats)
        return first, second

    return cells_of


def all_cells(
    vectors: Any, cells_of: Callable[[np.ndarray], tuple[np.ndarray, ...]], n_copies: int, step: int
) -> tuple[np.ndarray, ...]:
    """Every row's cells, one int32 array per copy, ``cells_of`` choosing them ``step`` rows at a time (a block
    of ``CHUNK`` rows read at a time)."""
    n = vectors.shape[0]
    out = tuple(np.empty(n, dtype=np.int32) for _ in range(n_copies))
    for lo in range(0, n, CHUNK):
        block = np.ascontiguousarray(vectors[lo : lo + CHUNK], dtype=np.float32)
        for at in range(0, len(block), step):
            for whole, part in zip(out, cells_of(block[at : at + step]), strict=True):
                whole[lo + at : lo + at + len(part)] = part
    return out
