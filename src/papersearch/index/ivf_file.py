"""An IVF index's file written a chunk of vectors at a time, without its inverted lists ever held in memory.

FAISS keeps an IVF index's lists in memory while vectors are added, and writes them out whole: at a
million papers (6.6 M vectors, each stored twice in 8-bit codes) that is 5 GB, 10 GB in float16. Its file format puts
the lists last, one after the other (``ilar``: the number of lists and the code size, every list's
length, then each non-empty list's codes followed by its ids), which is also what lets FAISS map
the file instead of reading it (``IO_FLAG_MMAP``). Once every vector's cells are known, every
list's length and so its place in the file are known too; ``write_lists`` then writes each chunk's
entries straight into their places. The part before the lists is FAISS's own serialisation of the
trained, empty index (``build_file``), and ``tests/test_scale.py`` checks that the whole
file is byte for byte what FAISS writes for the same index built in memory.
"""

from __future__ import annotations

import os
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from . import nprobe, vectors
from .cells import all_cells, spilled_cells
from .disk import naming
from .writer import allocate

EMPTY_TAIL = 32  # bytes that end an empty index's serialisation: "ilar", nlist, code size, "sprs", no pairs


def lists_header(nlist: int, code_size: int, sizes: np.ndarray) -> bytes:
    """The ``ilar`` block's head: FAISS writes every length ("full") when more than half the lists hold
    entries, else (list, length) pairs of the non-empty ones ("sprs")."""
    head = b"ilar" + struct.pack("<QQ", nlist, code_size)
    full = int(np.count_nonzero(sizes)) > nlist // 2
    if full:
        values = sizes.astype(np.uint64)
    else:
        held = np.flatnonzero(sizes)
        values = np.column_stack([held, sizes[held]]).astype(np.uint64).ravel()
    return head + (b"full" if full else b"sprs") + struct.pack("<Q", len(values)) + values.tobytes()


def empty_prefix(serialised: bytes, nlist: int, code_size: int) -> bytes:
    """The serialisation of a trained index with no vector in its lists, less its (empty) lists block."""
    tail = lists_header(nlist, code_size, np.zeros(nlist, dtype=np.int64))
    if len(tail) != EMPTY_TAIL or not serialised.endswith(tail):
        raise ValueError("FAISS's serialisation of an empty IVF index does not end with its empty lists")
    return serialised[: -len(tail)]


def write_lists(
    path: Path,
    prefix: bytes,
    code_size: int,
    sizes: np.ndarray,
    chunks: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> None:
    """The index file: ``prefix``, then the lists of ``sizes`` entries each, filled from ``chunks`` of
    (list numbers, codes, ids), entries going into each list in the order the chunks give them."""
    nlist = len(sizes)
    head = prefix + lists_header(nlist, code_size, sizes)
    starts = len(head) + np.concatenate([[0], np.cumsum(sizes * (code_size + 8))])[:-1]  # each list's codes
    fill = np.zeros(nlist, dtype=np.int64)
    with naming(path):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            allocate(fd, 0, len(head) + int(sizes.sum()) * (code_size + 8))
            _pwrite(fd, head, 0)
            for lists, codes, ids in chunks:
                _place(fd, lists, codes, ids, starts, sizes, fill, code_size)
            if not np.array_equal(fill, sizes):
                raise ValueError("the chunks did not fill the lists they were sized for")
            os.fsync(fd)
        finally:
            os.close(fd)


def _place(
    fd: int,
    lists: np.ndarray,
    codes: np.ndarray,
    ids: np.ndarray,
    starts: np.ndarray,
    sizes: np.ndarray,
    fill: np.ndarray,
    code_size: int,
) -> None:
    """One chunk's entries written into their lists, each list's share in one write of codes and one of ids."""
    order = np.argsort(lists, kind="stable")
    lists, codes = lists[order], np.ascontiguousarray(codes[order])
    ids = np.ascontiguousarray(ids[order], dtype=np.int64)
    held, first, counts = np.unique(lists, return_index=True, return_counts=True)
    for cell, lo, n in zip(held.tolist(), first.tolist(), counts.tolist(), strict=True):
        at = int(fill[cell])
        if at + n > sizes[cell]:
            raise ValueError(f"list {cell} overflows its size")
        base = int(starts[cell])
        _pwrite(fd, codes[lo : lo + n].tobytes(), base + at * code_size)
        _pwrite(fd, ids[lo : lo + n].tobytes(), base + int(sizes[cell]) * code_size + at * 8)
        fill[cell] = at + n


def entries(
    vectors: Any,
    cells: tuple[np.ndarray, ...],
    encode: Callable[[np.ndarray, np.ndarray], np.ndarray],
    step: int,
    rows: int,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(list numbers, codes, ids) of every entry, one chunk per ``rows`` vectors read: within it, for each
    ``step`` of rows, the entries of each copy in turn (the order in which FAISS would add them), coded by
    ``encode``. One chunk a block, not one a step and copy: at 20,000 lists a step's entries are a write or
    two per list, and a block's share of a list is written at once (``_place`` keeps each list's order)."""
    for lo in range(0, vectors.shape[0], rows):
        block = np.ascontiguousarray(vectors[lo : lo + rows], dtype=np.float32)
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for at in range(0, len(block), step):
            x = block[at : at + step]
            ids = np.arange(lo + at, lo + at + len(x), dtype=np.int64)
            for copy in cells:
                lists = np.ascontiguousarray(copy[lo + at : lo + at + len(x)], dtype=np.int64)
                parts.append((lists, encode(x, lists), ids))
        del block
        lists, codes, ids = (np.concatenate(part) for part in zip(*parts, strict=True))
        del parts
        yield lists, codes, ids


def _pwrite(fd: int, data: bytes, at: int) -> None:
    view = memoryview(data)
    while view:
        done = os.pwrite(fd, view, at)
        view, at = view[done:], at + done


WRITE_ROWS = 131_072  # rows encoded and written at a time by ``build_file`` (their codes, two copies: ~200 MB)


def build_file(
    matrix: Any,
    path: Path,
    exact_limit: int = vectors.EXACT_LIMIT,
    target_recall: float = vectors.TARGET_RECALL,
    seed: int = 0,
) -> dict[str, Any]:
    """``vectors.build``'s index for ``matrix`` written to ``path`` without holding its lists, and its description
    for the manifest.

    ``matrix``: an array or a ``matrix.MatrixFile``. The IVF index is trained as ``vectors.build`` trains it;
    then every row's cells are chosen (4 bytes a row and copy), which sizes every list, and each chunk's
    codes go straight to their places in the file (``write_lists``); nprobe is tuned from those cells.
    The file is the one ``vectors.save(vectors.build(...)[0])`` writes for the same vectors and seed.
    """
    n = matrix.shape[0]
    if n < exact_limit:
        index, info = vectors.build(matrix, exact_limit=exact_limit, target_recall=target_recall, seed=seed)
        vectors.save(index, path)
        return info
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    trained = vectors.ivf(matrix, vectors.ivf_lists(n), vectors.STORAGE, rng, add=False)
    cells = _write_ivf(trained, matrix, path)
    return nprobe.tuned(trained, cells, matrix, rng, target_recall, time.perf_counter() - started)


def _write_ivf(index: Any, matrix: Any, path: Path) -> tuple[np.ndarray, ...]:
    """``index``'s file (trained, its lists empty) with every row of ``matrix`` in its cells, entries in the
    order ``vectors.ivf`` adds them (each step of rows: the nearest cells, then the second); returns every row's
    cells (one array per copy), which tune nprobe without reading the file back."""
    import faiss

    step = vectors.SPILL_STEP
    cells = all_cells(matrix, spilled_cells(index), vectors.copies(index.nlist), step)
    sizes = np.sum([np.bincount(c, minlength=index.nlist) for c in cells], axis=0).astype(np.int64)
    index.ntotal = int(sizes.sum())  # the header records the count; the lists themselves stay empty
    try:
        prefix = empty_prefix(faiss.serialize_index(index).tobytes(), index.nlist, index.code_size)
    finally:
        index.ntotal = 0

    def encode(x: np.ndarray, lists: np.ndarray) -> np.ndarray:
        codes = np.empty((len(x), index.code_size), dtype=np.uint8)
        index.encode_vectors(len(x), faiss.swig_ptr(x), faiss.swig_ptr(lists), faiss.swig_ptr(codes))
        return codes

    write_lists(path, prefix, index.code_size, sizes, entries(matrix, cells, encode, step, WRITE_ROWS))
    return cells
