"""The FAISS index over passage vectors (the only module that imports faiss).

Inner product on unit vectors is cosine similarity. Below ``EXACT_LIMIT`` vectors the index is
exact (flat): a single query scans every vector in a few milliseconds at most on two cores.
Above it an IVF index: 8 x sqrt(N) k-means cells, each vector held as 8-bit codes of its offset from its
cell's centroid (each dimension in 256 steps over the range a sample spans, widened by ``SQ_MARGIN``:
``SQ_TRAIN`` rows of the k-means sample, or below ``TWO_LEVEL_CELLS`` FAISS's own 100,000). A byte a
dimension is half float16's: the file and the pages a query's cells touch halve (at a million papers the
file is 5.2 GB, not 10.3). 8-bit similarities are off by ~1e-3 (on 30,000 random vectors: median 4e-4,
p99 1.6e-3; float16's 3e-5), enough to reorder near ties, so ``search`` re-scores the best
``RESCORE_ROWS`` rows exactly from the float32 matrix (read with pread: ``matrix.read_rows``): callers get
float32 scores for those, and the rows after them keep their 8-bit scores, never above the re-scored
ones. On 66,338 random vectors (the hard case: the neighbours nearly tied) re-scoring 100 rows gave
float16's recall at 16 and 64 cells, 50 lost 0.003; on real-shaped ones 20 did. FAISS alone scans them
slower than float16 at 10,000 papers (3.6 ms a query against 2.3) and faster at a million (10.3 against
13.3: half the bytes to bring in); at a million the service's RSS after 1,000 queries fell from 8.07 to
5.13 GB (docs/scale.md). A version written with float16 codes loads and searches as before: ``storage``
reads the codes from the file.
From ``HNSW_CELLS`` cells up, a small HNSW graph over the cell centroids picks the cells to scan instead
of comparing the query with every centroid. Every vector is stored in two cells: its nearest, and a
second chosen as SOAR does (Sun et al., 2023): among the next nearest, the one whose offset from the
vector is least parallel to the offset from the first. A question lies far from every vector, and when
it lies along a vector's offset from its cell centre it scores that centre low and misses the cell; the
second cell makes up for it. At a million real-shaped vectors and 64 cells scanned, dev-set questions
got recall 0.965-0.981 over three k-means trainings, where one cell per vector got 0.937-0.965 and
needed up to 256 cells for 0.97. The price: twice the memory, ~1.5x the time.
Searches fetch twice the rows and drop the repeats.
``nprobe`` (how many cells a query scans) is tuned at build time (``nprobe``); ``PAPERSEARCH_NPROBE``
overrides it.

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

from .disk import naming
from .exact import Exact
from .matrix import read_rows

EXACT_LIMIT = 10_000  # flat single-query search over every row stays under ~3 ms up to here
TARGET_RECALL = 0.95
CANDIDATE_ROWS = 2_000  # rows an approximate search returns per query: 20 x the largest k (100)
KMEANS_ITERATIONS = 10  # FAISS's default is 25; training the cells is most of the build
TRAIN_PER_CELL = 30  # k-means sample per cell (FAISS asks for 39; 30 lost no recall at 1M and trains faster)
HNSW_CELLS = 1_024  # from this many cells up, an HNSW graph over the centroids chooses the cells
HNSW_M = 32  # links per centroid in that graph
# From this many cells up (a million papers' 20,000), k-means in two levels (``cells``); below,
# in one, as every cell count measured on real-shaped vectors was trained (8,000 at a million vectors).
TWO_LEVEL_CELLS = 16_384
COPIES = 2  # cells each vector is stored in (its nearest and a SOAR-chosen second)
SPILL_CANDIDATES = 8  # nearest cells the second one is chosen from
SPILL_LAMBDA = 1.0  # SOAR's weight on the offsets' parallel part (its paper's default)
STORAGE = "8bit"  # an IVF index's codes (``ivf``): 8-bit scalar quantised residuals from each cell's centroid
RESCORE_ROWS = 100  # an 8-bit index's best rows per query re-scored exactly from the float32 matrix (``search``)
SQ_TRAIN = 65_536  # sample rows the 8-bit codes' per-dimension ranges are trained on
SQ_MARGIN = 0.05  # each range widened by this share of itself on either side (rows beyond it are clipped)
NPROBES = (1, 2, 4, 8, 12, 16, 24, 32, 40, 48, 64, 80, 96, 128, 192, 256, 384, 512)
CHUNK = 65_536  # rows added or scanned at a time, so a memory-mapped matrix is never copied whole


def build(
    vectors: np.ndarray, exact_limit: int = EXACT_LIMIT, target_recall: float = TARGET_RECALL, seed: int = 0
) -> tuple[Any, dict[str, Any]]:
    """A FAISS index over ``vectors`` (may be memory-mapped) and its description for the manifest.

    ``seed`` draws the k-means sample and the tuning queries (the benchmark builds with several)."""
    import faiss

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    n, dim = vectors.shape
    if n < exact_limit:
        index: Any = faiss.IndexFlatIP(dim)
        _add(index, vectors)
        return index, {"type": "flat", "metric": "inner_product"}
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    index = ivf(vectors, ivf_lists(n), STORAGE, rng)
    from .cells import all_cells, spilled_cells

    cells = all_cells(vectors, spilled_cells(index), copies(index.nlist), SPILL_STEP)
    from .nprobe import tuned

    info = tuned(index, cells, vectors, rng, target_recall, time.perf_counter() - started)
    return index, info


def ivf(
    vectors: np.ndarray,
    nlist: int,
    storage: str,
    rng: np.random.Generator,
    quantizer: Any = None,
    spill: bool = True,
    first_id: int = 0,
    add: bool = True,
) -> Any:
    """An IVF index over ``vectors`` with codes of ``storage`` ("8bit", "fp16" or "flat"), each vector
    in ``copies(nlist)`` cells (one without ``spill``); trains its k-means cells on a sample unless a
    trained ``quantizer`` is given (to compare storages or spilling on the same cells, or to build
    shards that share them). Row i is stored under the id ``first_id`` + i (a shard's global rows).
    Without ``add`` the index is trained only (``build_file`` writes its lists itself)."""
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
        index.sq.rangestat_arg = SQ_MARGIN
    index.cp.spherical = True  # centroids on the unit sphere, like the vectors
    index.cp.niter = KMEANS_ITERATIONS
    index.cp.min_points_per_centroid = TRAIN_PER_CELL
    n = vectors.shape[0]  # TRAIN_PER_CELL training vectors per cell, every vector up to 65,536
    sample = np.sort(rng.choice(n, size=min(n, max(TRAIN_PER_CELL * nlist, CHUNK)), replace=False))
    x = np.ascontiguousarray(vectors[sample], dtype=np.float32)
    del sample
    if index.quantizer.ntotal == 0 and nlist >= TWO_LEVEL_CELLS:
        from .cells import two_level_centroids

        # a quantizer that holds its cells is kept as it is: FAISS trains only the codes, and float16 codes need
        # no training (given the whole sample, FAISS would assign it and hold its residuals: 1 GB at 1 M)
        index.quantizer.add(two_level_centroids(x, nlist, KMEANS_ITERATIONS))
        if storage == "fp16":
            x = x[:nlist]
        elif storage == "8bit":  # the codes' ranges from a sample spread over the k-means one
            x = np.ascontiguousarray(x[:: max(1, len(x) // SQ_TRAIN)][:SQ_TRAIN])
    index.train(x)
    if not add:
        return index
    if spill and copies(nlist) > 1:
        _add_spilled(index, vectors, first_id)
    else:
        _add(index, vectors, first_id)
    return index


def copies(nlist: int) -> int:
    """How many cells each vector goes into: ``COPIES``, or one when there are too few cells to choose from."""
    return COPIES if nlist > 2 else 1


def _add_spilled(index: Any, vectors: np.ndarray, first_id: int = 0) -> None:
    """Store each vector in its nearest cell and in a second: of the next ``SPILL_CANDIDATES`` - 1
    nearest centroids c', the one minimising |x - c'|^2 + lambda ((x - c') . r/|r|)^2, where
    r = x - c is the offset from the nearest centroid c (SOAR's loss for unit vectors). Row i's id is
    ``first_id`` + i."""
    import faiss

    from .cells import spilled_cells

    cells_of = spilled_cells(index)
    for lo in range(0, vectors.shape[0], SPILL_STEP):
        x = np.ascontiguousarray(vectors[lo : lo + SPILL_STEP], dtype=np.float32)
        ids = np.arange(first_id + lo, first_id + lo + len(x), dtype=np.int64)
        for cells in cells_of(x):
            cells = np.ascontiguousarray(cells, dtype=np.int64)
            index.add_core(len(x), faiss.swig_ptr(x), faiss.swig_ptr(ids), faiss.swig_ptr(cells))


SPILL_STEP = 8_192  # rows whose cells are chosen at a time: the candidate offsets are step x m x dim floats


def stored(index: Any, info: dict[str, Any]) -> int:
    """How many distinct vectors ``index`` (described by its manifest entry ``info``) holds."""
    return int(index.ntotal) // int(info.get("params", {}).get("copies", 1))


def unique_rows(scores: np.ndarray, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``k`` distinct rows of one result list, best first, and their scores (a vector stored in
    two cells can come back twice; -1 marks an empty slot)."""
    keep = rows >= 0
    scores, rows = scores[keep], rows[keep]
    first = np.sort(np.unique(rows, return_index=True)[1])[:k]
    return scores[first], rows[first]


def _wide(index: Any, k: int) -> int:
    """Rows to ask FAISS for so that ``k`` distinct ones come back (a vector in two cells may come twice), and
    from an 8-bit index at least ``RESCORE_ROWS`` to re-score."""
    if is_exact(index):
        return k
    return min(max(k, RESCORE_ROWS if rescores(index) else 0) * COPIES, int(index.ntotal))


def search_many(index: Any, queries: np.ndarray, k: int, vectors: Any = None) -> np.ndarray:
    """The top-``k`` distinct rows of each query (-1 where fewer): a batch search for measuring recall. With
    ``vectors`` an 8-bit index's best rows are re-scored as ``search`` does."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    scores, rows = index.search(queries, _wide(index, k))
    out = np.full((len(queries), k), -1, dtype=np.int64)
    for i in range(len(queries)):
        found = _best(index, scores[i], rows[i], k, vectors, queries[i])[1]
        out[i, : len(found)] = found
    return out


def rescores(index: Any) -> bool:
    """Whether ``index`` holds 8-bit codes, whose best rows ``search`` re-scores from the float32 matrix."""
    import faiss

    return isinstance(index, faiss.IndexIVFScalarQuantizer) and index.sq.qtype == faiss.ScalarQuantizer.QT_8bit


def storage(index: Any) -> str:
    """What an IVF index's lists hold per vector: "8bit", "fp16" or "flat" (float32), as ``ivf`` names them."""
    import faiss

    return "8bit" if rescores(index) else "fp16" if isinstance(index, faiss.IndexIVFScalarQuantizer) else "flat"


def _best(
    index: Any, scores: np.ndarray, rows: np.ndarray, k: int, vectors: Any, query: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The first ``k`` distinct rows of one FAISS result list and their scores, best first; from an 8-bit index
    with ``vectors`` (the float32 matrix, maybe mapped) its best ``RESCORE_ROWS`` are re-scored exactly and put
    in that order, and the rows after them keep their 8-bit scores, none above the last re-scored one."""
    scores, rows = unique_rows(scores, rows, max(k, RESCORE_ROWS))
    if vectors is None or not rescores(index) or not len(rows):
        return scores[:k], rows[:k]
    head = min(RESCORE_ROWS, len(rows))
    exact = read_rows(vectors, rows[:head]) @ np.asarray(query, dtype=np.float32)
    best = np.argsort(-exact, kind="stable")
    tail = np.minimum(scores[head:k], exact[best[-1]])
    return np.concatenate([exact[best], tail])[:k], np.concatenate([rows[:head][best], rows[head:k]])[:k]


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


def _add(index: Any, vectors: np.ndarray, first_id: int = 0) -> None:
    """Add ``vectors`` in chunks, row i under the id ``first_id`` + i; a flat index (which takes no ids)
    only from ``first_id`` 0, where its own numbering is the same."""
    for lo in range(0, vectors.shape[0], CHUNK):
        x = np.ascontiguousarray(vectors[lo : lo + CHUNK], dtype=np.float32)
        if first_id:
            index.add_with_ids(x, np.arange(first_id + lo, first_id + lo + len(x), dtype=np.int64))
        else:
            index.add(x)


def save(index: Any, path: Path) -> None:
    """Write ``index`` to ``path`` through Python's own file writes, a megabyte at a time.

    FAISS's own file writer reports a failed final flush only on stderr, leaving a short file
    behind; through a callback every write is checked, and an error (a full disk) is an OSError
    naming the file.
    """
    import faiss

    with naming(path), path.open("wb") as fh:
        writer = faiss.PyCallbackIOWriter(fh.write)  # type: ignore[attr-defined]
        try:
            faiss.write_index(index, writer)
        finally:
            del writer


def load(
    path: Path,
    info: dict[str, Any],
    nprobe: int | None = None,
    ef_search: int | None = None,
    threads: int = 1,
    matrix: np.ndarray | None = None,
) -> Any:
    """Read an index, mapped rather than read (its lists stay on disk until a search touches them, and in the
    page cache rather than the process's own memory); an approximate one scans ``nprobe`` cells (default: as
    tuned at build time). A flat index over ``matrix`` (the version's passage vectors) is ``Exact``."""
    if info.get("type") == "flat" and matrix is not None:
        return Exact(matrix)
    import faiss

    index: Any = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    faiss.omp_set_num_threads(threads)
    if info.get("type") == "ivf":
        set_nprobe(index, nprobe or int(info.get("params", {}).get("nprobe", 16)))
    elif info.get("type") == "hnsw":  # indexes built before IVF replaced HNSW
        index.hnsw.efSearch = ef_search or int(info.get("efSearch", 128))
    return index


def is_exact(index: Any) -> bool:
    if isinstance(index, Exact):
        return True
    import faiss

    return isinstance(index, faiss.IndexFlat)


def search(
    index: Any,
    query: np.ndarray,
    k: int,
    allowed_rows: np.ndarray | None = None,
    vectors: np.ndarray | None = None,
    row_range: tuple[int, int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` rows for one query vector, best first, restricted to ``allowed_rows`` (or to the rows of
    ``row_range``, first and end: a year range, since papers are stored by year) when given.

    With an approximate index and a filter that leaves at most ``EXACT_LIMIT`` rows, those rows are
    scored exactly from ``vectors`` (a selective filter would leave an approximate search short); from an 8-bit
    index the best ``RESCORE_ROWS`` are re-scored from ``vectors`` (``_best``).
    """
    if isinstance(index, Exact):
        k = max(1, min(k, index.ntotal))
        if row_range is not None:
            allowed_rows = np.arange(*row_range, dtype=np.int64)
        if allowed_rows is None:  # every row once, none empty: k is at most the rows held
            scores, rows = index.search(query.reshape(1, -1), k)
            return scores[0], rows[0]
        return index.among(np.asarray(query, dtype=np.float32).reshape(-1), k, allowed_rows)
    import faiss

    if row_range is not None and row_range[1] - row_range[0] <= EXACT_LIMIT:
        allowed_rows, row_range = np.arange(*row_range, dtype=np.int64), None  # small: as a list of rows
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    k = max(1, min(k, index.ntotal))
    if allowed_rows is not None and vectors is not None and not is_exact(index) and len(allowed_rows) <= EXACT_LIMIT:
        sims = np.asarray(vectors[allowed_rows], dtype=np.float32) @ q[0]
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        top = top[np.argsort(-sims[top], kind="stable")]
        return sims[top], np.asarray(allowed_rows)[top]
    params: Any = None
    if allowed_rows is not None or row_range is not None:
        fs: Any = faiss  # the SWIG stubs do not know the selector parameters
        if row_range is not None:
            sel = fs.IDSelectorRange(int(row_range[0]), int(row_range[1]))
        else:
            sel = faiss.IDSelectorBatch(np.ascontiguousarray(allowed_rows, dtype=np.int64))
        if isinstance(index, faiss.IndexIVF):
            params = fs.SearchParametersIVF(sel=sel, nprobe=index.nprobe)
        elif isinstance(index, faiss.IndexHNSW):
            params = fs.SearchParametersHNSW(sel=sel, efSearch=index.hnsw.efSearch)
        else:
            params = fs.SearchParameters(sel=sel)
    wide = _wide(index, k)
    scores, rows = index.search(q, wide, params=params) if params is not None else index.search(q, wide)
    return _best(index, scores[0], rows[0], k, vectors, q[0])
