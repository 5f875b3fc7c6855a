"""The FAISS index over view vectors (the only module that imports faiss).

Inner product on unit vectors is cosine similarity. Below ``EXACT_LIMIT`` vectors the index is
exact (flat): a single query scans every vector in a few milliseconds at most on two cores.
Above it an IVF index: 8 x sqrt(N) k-means cells holding the vectors in float16 (half the bytes
of float32 to scan per cell, similarities off by less than 1e-3; 8-bit codes lost recall unless
the best rows were re-scored from float32, and then scanned no faster). From ``HNSW_CELLS`` cells
up, a small HNSW graph over the cell centroids picks the cells to scan instead of comparing the
query with every centroid.
``nprobe`` (how many cells a query scans) is tuned at build time: the smallest that reaches
``TARGET_RECALL`` recall@10 against exact search. The queries for that are blends of three random
indexed vectors (their normalised sum): like a real question they sit between several vectors.
Blends of two were too easy (on a million real-shaped vectors they estimated 0.97 where dev-set
questions got 0.89); blends of three are closer (0.96 against 0.96-0.98 on questions). The type,
parameters and measured recall go into the manifest; ``PAPERSEARCH_NPROBE`` overrides nprobe.

Threads: a loaded index searches one query at a time with one OpenMP thread (FAISS's two-thread
scan of a flat index took 10 ms instead of 1 on two busy cores; an IVF query gained nothing steady);
``PAPERSEARCH_FAISS_THREADS`` changes that. Building uses every core. Measurements behind these
choices: docs/benchmarks.md.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np

EXACT_LIMIT = 10_000  # flat single-query search over every row stays under ~3 ms up to here
TARGET_RECALL = 0.95
CANDIDATE_ROWS = 2_000  # rows an approximate search returns per query: 20 x the largest k (100)
RECALL_QUERIES = 300  # blended queries that measure recall at build time
BLEND = 3  # indexed vectors summed into one tuning query
KMEANS_ITERATIONS = 10  # FAISS's default is 25; training the cells is most of the build
TRAIN_PER_CELL = 30  # k-means sample per cell (FAISS asks for 39; 30 lost no recall at 1M and trains faster)
HNSW_CELLS = 1_024  # from this many cells up, an HNSW graph over the centroids chooses the cells
HNSW_M = 32  # links per centroid in that graph
NPROBES = (1, 2, 4, 8, 12, 16, 24, 32, 40, 48, 64, 80, 96, 128, 192, 256, 384, 512)
NPROBE_ENV = "PAPERSEARCH_NPROBE"
EF_SEARCH_ENV = "PAPERSEARCH_EF_SEARCH"
THREADS_ENV = "PAPERSEARCH_FAISS_THREADS"
_CHUNK = 65_536  # rows added or scanned at a time, so a memory-mapped matrix is never copied whole


def build(
    vectors: np.ndarray, exact_limit: int = EXACT_LIMIT, target_recall: float = TARGET_RECALL
) -> tuple[Any, dict[str, Any]]:
    """A FAISS index over ``vectors`` (may be memory-mapped) and its description for the manifest."""
    import faiss

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    n, dim = vectors.shape
    if n < exact_limit:
        index: Any = faiss.IndexFlatIP(dim)
        _add(index, vectors)
        return index, {"type": "flat", "metric": "inner_product"}
    started = time.perf_counter()
    rng = np.random.default_rng(0)
    index = ivf(vectors, ivf_lists(n), "fp16", rng)
    seconds = time.perf_counter() - started
    queries = blended_queries(vectors, RECALL_QUERIES, rng)
    nprobe, recall = tune_nprobe(index, vectors, queries, target_recall)
    set_nprobe(index, nprobe)
    info = {
        "type": "ivf",
        "metric": "inner_product",
        "params": {"nlist": index.nlist, "nprobe": nprobe, "storage": "fp16", "cells_by": cells_by(index)},
        "recall_at_10": round(recall, 4),
        "measured_on": f"{len(queries)} blends of {BLEND} random indexed vectors against exact search over all {n}",
        "target_recall": target_recall,
        "build_seconds": round(seconds, 2),
    }
    return index, info


def ivf(vectors: np.ndarray, nlist: int, storage: str, rng: np.random.Generator, quantizer: Any = None) -> Any:
    """An IVF index over ``vectors`` with codes of ``storage`` ("8bit", "fp16" or "flat"); trains its
    k-means cells on a sample unless a trained ``quantizer`` is given (to compare storages on the same cells)."""
    import faiss

    dim = vectors.shape[1]
    if quantizer is None:  # a trained one is kept as it is: FAISS then trains only the codes
        if nlist >= HNSW_CELLS:
            quantizer = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            quantizer.hnsw.efConstruction = 80
        else:
            quantizer = faiss.IndexFlatIP(dim)
    if storage == "flat":
        index: Any = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    else:
        qtype = {"8bit": faiss.ScalarQuantizer.QT_8bit, "fp16": faiss.ScalarQuantizer.QT_fp16}[storage]
        index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, qtype, faiss.METRIC_INNER_PRODUCT)
    index.cp.spherical = True  # centroids on the unit sphere, like the vectors
    index.cp.niter = KMEANS_ITERATIONS
    index.cp.min_points_per_centroid = TRAIN_PER_CELL
    n = vectors.shape[0]  # TRAIN_PER_CELL training vectors per cell, every vector up to 65,536
    sample = np.sort(rng.choice(n, size=min(n, max(TRAIN_PER_CELL * nlist, _CHUNK)), replace=False))
    index.train(np.ascontiguousarray(vectors[sample], dtype=np.float32))
    _add(index, vectors)
    return index


def ivf_lists(n: int) -> int:
    """Cells for ``n`` vectors: 8 x sqrt(n), and at least 39 vectors per cell. At a million real-shaped
    vectors, with an HNSW graph choosing the cells, two separately trained 8,000-cell indexes found
    dev-set questions' neighbours with recall 0.96-0.97 scanning 64 cells (1.4-1.9 ms). 12,000 cells
    varied too much between trainings (0.98 at 48 cells once, 0.95 at 80 in make bench); 4,000 cells
    chosen by comparing the query with every centroid needed 64 for 0.93-0.96 (2.5-3.3 ms)."""
    return max(1, min(int(8 * np.sqrt(n)), n // 39))


def cells_by(index: Any) -> str:
    """How ``index`` picks the cells a query scans: "hnsw" (a graph over the centroids) or "flat"."""
    import faiss

    return "hnsw" if isinstance(faiss.downcast_index(index.quantizer), faiss.IndexHNSW) else "flat"


def set_nprobe(index: Any, nprobe: int) -> None:
    """Scan ``nprobe`` cells per query; an HNSW centroid graph then explores at least twice as many."""
    import faiss

    index.nprobe = nprobe
    quantizer = faiss.downcast_index(index.quantizer)
    if isinstance(quantizer, faiss.IndexHNSW):
        quantizer.hnsw.efSearch = max(64, 2 * nprobe)


def _add(index: Any, vectors: np.ndarray) -> None:
    for lo in range(0, vectors.shape[0], _CHUNK):
        index.add(np.ascontiguousarray(vectors[lo : lo + _CHUNK], dtype=np.float32))


def exact_neighbours(vectors: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-``k`` (similarities, rows) of each query, best first, scanning ``vectors`` in chunks."""
    best_s = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_r = np.full((len(queries), k), -1, dtype=np.int64)
    for lo in range(0, vectors.shape[0], _CHUNK):
        sims = queries @ np.asarray(vectors[lo : lo + _CHUNK], dtype=np.float32).T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if sims.shape[1] > k else np.argsort(-sims, axis=1)
        s = np.concatenate([best_s, np.take_along_axis(sims, top, axis=1)], axis=1)
        r = np.concatenate([best_r, top + lo], axis=1)
        order = np.argsort(-s, axis=1, kind="stable")[:, :k]
        best_s, best_r = np.take_along_axis(s, order, axis=1), np.take_along_axis(r, order, axis=1)
    return best_s, best_r


def recall_at_10(found: np.ndarray, exact: np.ndarray) -> float:
    """Share of the true top 10 found; a hit tied with the 10th true similarity counts (duplicate texts)."""
    tenth = exact[:, 9:10] - 1e-5
    return float(np.minimum((found[:, :10] >= tenth).sum(axis=1), 10).mean() / 10)


def exact_similarities(vectors: np.ndarray, queries: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The exact similarity of each query to each of its found ``rows`` (-inf for -1): recall judged by
    the rows found, not by similarities float16 codes put off by more than ``recall_at_10``'s tolerance."""
    gathered = np.asarray(vectors[np.maximum(rows, 0).ravel()], dtype=np.float32).reshape(*rows.shape, -1)
    return np.where(rows >= 0, np.einsum("qkd,qd->qk", gathered, queries), -np.inf)


def blended_queries(vectors: np.ndarray, m: int, rng: np.random.Generator, blend: int = BLEND) -> np.ndarray:
    """``m`` normalised sums of ``blend`` random rows of ``vectors``."""
    q = np.zeros((m, vectors.shape[1]), dtype=np.float32)
    for _ in range(blend):
        rows = np.sort(rng.choice(vectors.shape[0], size=m))
        q += np.asarray(vectors[rows], dtype=np.float32)[rng.permutation(m)]
    return np.ascontiguousarray(q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12))


def tune_nprobe(index: Any, vectors: np.ndarray, queries: np.ndarray, target: float) -> tuple[int, float]:
    """The smallest nprobe whose recall@10 on ``queries`` reaches ``target``, and that recall."""
    exact, _ = exact_neighbours(vectors, queries, 10)
    for nprobe in [p for p in NPROBES if p < index.nlist] + [min(index.nlist, NPROBES[-1])]:
        set_nprobe(index, nprobe)
        recall = recall_at_10(exact_similarities(vectors, queries, index.search(queries, 10)[1]), exact)
        if recall >= target:
            break
    return nprobe, recall


def save(index: Any, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def load(path: Path, info: dict[str, Any]) -> Any:
    """Read an index; approximate ones get their search breadth from the manifest or the environment."""
    import faiss

    index: Any = faiss.read_index(str(path))
    faiss.omp_set_num_threads(_env_int(THREADS_ENV) or 1)
    if info.get("type") == "ivf":
        set_nprobe(index, _env_int(NPROBE_ENV) or int(info.get("params", {}).get("nprobe", 16)))
    elif info.get("type") == "hnsw":  # indexes built before IVF replaced HNSW
        index.hnsw.efSearch = _env_int(EF_SEARCH_ENV) or int(info.get("efSearch", 128))
    return index


def _env_int(name: str) -> int | None:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def is_exact(index: Any) -> bool:
    import faiss

    return isinstance(index, faiss.IndexFlat)


def search(
    index: Any,
    query: np.ndarray,
    k: int,
    allowed_rows: np.ndarray | None = None,
    vectors: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` rows for one query vector, best first, restricted to ``allowed_rows`` when given.

    With an approximate index and a filter that leaves at most ``EXACT_LIMIT`` rows, those rows are
    scored exactly from ``vectors`` (a selective filter would leave an approximate search short).
    """
    import faiss

    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    k = max(1, min(k, index.ntotal))
    if allowed_rows is not None and vectors is not None and not is_exact(index) and len(allowed_rows) <= EXACT_LIMIT:
        sims = np.asarray(vectors[allowed_rows], dtype=np.float32) @ q[0]
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        top = top[np.argsort(-sims[top], kind="stable")]
        return sims[top], np.asarray(allowed_rows)[top]
    params: Any = None
    if allowed_rows is not None:
        sel = faiss.IDSelectorBatch(np.ascontiguousarray(allowed_rows, dtype=np.int64))
        fs: Any = faiss  # the SWIG stubs do not know the selector parameters
        if isinstance(index, faiss.IndexIVF):
            params = fs.SearchParametersIVF(sel=sel, nprobe=index.nprobe)
        elif isinstance(index, faiss.IndexHNSW):
            params = fs.SearchParametersHNSW(sel=sel, efSearch=index.hnsw.efSearch)
        else:
            params = fs.SearchParameters(sel=sel)
    scores, rows = index.search(q, k, params=params) if params is not None else index.search(q, k)
    keep = rows[0] >= 0
    return scores[0][keep], rows[0][keep]
