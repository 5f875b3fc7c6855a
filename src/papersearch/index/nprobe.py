"""How many cells an IVF query scans: ``nprobe``, tuned at build time (``vectors`` says what the cells are).

The smallest whose recall@10 against exact search reaches ``vectors.TARGET_RECALL`` with a one-sided
95% margin for the sample (its lower confidence bound does). The build reads that recall from where
each row was put (``tune_by_cells``), without reading the written file back; ``tune_nprobe``
searches the index for every nprobe tried (the benchmarks' shards, which hold their lists). The queries for that are blends of three or four random indexed
vectors (their normalised sum): like a real question they sit between several vectors. Blends of
two were too easy (on a million real-shaped vectors they estimated 0.97 where dev-set questions got
0.89); blends of three alone, read without a margin, still chose 48 cells of the two-cell index
for questions' 0.94 in one training of three. The type, parameters and measured recall go into the
manifest; ``PAPERSEARCH_NPROBE`` overrides nprobe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .vectors import NPROBES, RESCORE_ROWS, cells_by, copies, rescores, search_many, set_nprobe, storage


def tune_nprobe(index: Any, vectors: np.ndarray, queries: np.ndarray, target: float) -> tuple[int, float, float]:
    """The smallest nprobe whose recall@10 on ``queries`` reaches ``target`` with a one-sided 95% margin
    (mean less ``CONFIDENCE_Z`` standard errors), that recall and that lower bound: each nprobe searched."""
    from .recall import exact_neighbours, exact_similarities, recall_per_query

    exact, _ = exact_neighbours(vectors, queries, 10)

    def per_query(nprobe: int) -> np.ndarray:
        return recall_per_query(exact_similarities(vectors, queries, search_many(index, queries, 10, vectors)), exact)

    return _smallest_nprobe(index, target, per_query)


def tune_by_cells(
    index: Any, cells: tuple[np.ndarray, ...], vectors: Any, queries: np.ndarray, target: float
) -> tuple[int, float, float]:
    """``tune_nprobe``'s choice read from the cells every row was put in (``cells``) and the cells each query's
    search would scan (its quantizer asked for nprobe of them): no list is read. A search of the mapped file
    for every nprobe tried touched all of it (10 GB at a million papers, all of it in the build's RSS). A scan
    finds the true neighbours in the cells it scans, less the rare one whose code puts it behind a row tied with
    the tenth (an 8-bit index's best rows are re-scored exactly: ``vectors.RESCORE_ROWS``): on 10,000 synthetic papers the two readings agreed to 0.0002 at every nprobe tried
    (8-512; 600 blended and 300 real queries; ``tests/test_scale.py`` checks it)."""
    from .recall import TIES, covered_per_query, exact_neighbours

    exact, exact_rows = exact_neighbours(vectors, queries, TIES)
    x = np.ascontiguousarray(queries, dtype=np.float32)

    def per_query(nprobe: int) -> np.ndarray:
        return covered_per_query(index.quantizer.search(x, nprobe)[1], cells, exact, exact_rows)

    return _smallest_nprobe(index, target, per_query)


def _smallest_nprobe(index: Any, target: float, per_query: Callable[[int], np.ndarray]) -> tuple[int, float, float]:
    """The first of ``NPROBES`` (then every cell, at most the last) whose queries' recalls ``per_query(nprobe)``
    reach ``target`` less ``CONFIDENCE_Z`` standard errors; with its mean recall and that lower bound."""
    from .recall import CONFIDENCE_Z

    for nprobe in [p for p in NPROBES if p < index.nlist] + [min(index.nlist, NPROBES[-1])]:
        set_nprobe(index, nprobe)
        per = per_query(nprobe)
        recall = float(per.mean())
        low = recall - CONFIDENCE_Z * float(per.std(ddof=1)) / np.sqrt(len(per)) if len(per) > 1 else recall
        if low >= target:
            break
    return nprobe, recall, low


def tuned(
    index: Any, cells: tuple[np.ndarray, ...], vectors: Any, rng: np.random.Generator, target: float, seconds: float
) -> dict[str, Any]:
    """The manifest's description of an IVF index once its nprobe is tuned from its rows' ``cells``
    (``tune_by_cells``)."""
    from .recall import BLENDS, RECALL_QUERIES, blended_queries

    per_blend = RECALL_QUERIES // len(BLENDS)
    queries = np.vstack([blended_queries(vectors, per_blend, rng, blend) for blend in BLENDS])
    nprobe, recall, low = tune_by_cells(index, cells, vectors, queries, target)
    return {
        "type": "ivf",
        "metric": "inner_product",
        "params": {
            "nlist": index.nlist,
            "nprobe": nprobe,
            "storage": storage(index),
            "cells_by": cells_by(index),
            "copies": copies(index.nlist),
            **({"rescored_rows": RESCORE_ROWS} if rescores(index) else {}),
        },
        "recall_at_10": round(recall, 4),
        "recall_at_10_lower_bound": round(low, 4),
        "measured_on": (
            f"{len(queries)} blends of {' or '.join(map(str, BLENDS))} random indexed vectors against exact"
            f" search over all {vectors.shape[0]}, read from the cells holding their exact top 10; nprobe is the"
            " smallest whose one-sided 95% lower bound reaches the target"
        ),
        "target_recall": target,
        "build_seconds": round(seconds, 2),
    }
