"""The passage vectors' file (``vectors.npy``) read and written a block of rows at a time, never mapped whole.

A build at a million papers writes and reads ten gigabytes of float32 vectors. Through a memory map
every page it touches stays resident in the build's own RSS until the kernel needs it back; through
plain reads and writes (``pread``/``pwrite``) only the block in hand is held. ``MatrixFile`` reads a
``.npy`` matrix with numpy's indexing (a slice, or an array of rows in any order), so the FAISS
build and its recall tuning read it as they would an array; ``MatrixWriter`` fills one whose space
was allocated first, so a full disk is an ``OSError`` naming the file, never a SIGBUS.

A searcher maps the file instead (``reader.read_matrix``): it reads a few rows per query, and says which
(``read_ahead``) before it reads them, so that their pages are read from disk together, not one fault at a time.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from .disk import naming

RUN_ROWS = 64  # rows of an index array closer than this are read in one go (a run), not one at a time
SPAN_ROWS = 65_536  # a run never crosses a multiple of this many rows: what one read holds stays bounded
READ_AHEAD_BYTES = 1 << 28  # a mapped matrix up to this size is read ahead by no one: it stays in the page cache


def worth_reading_ahead(matrix: np.ndarray) -> bool:
    """Whether ``read_ahead`` does anything for ``matrix``: a mapped one larger than ``READ_AHEAD_BYTES``, where the
    system takes the advice (macOS has no ``posix_fadvise``)."""
    big = isinstance(matrix, np.memmap) and matrix.nbytes > READ_AHEAD_BYTES and matrix.filename is not None
    return big and hasattr(os, "posix_fadvise")


def read_ahead(matrix: np.ndarray, spans: Iterable[tuple[int, int]]) -> None:
    """Ask the kernel to start reading rows ``lo`` to ``hi`` of each of ``spans`` of a mapped matrix, all at once
    and without waiting (``POSIX_FADV_WILLNEED``): a query's hits' vectors, read one page fault at a time from a
    file larger than memory, cost milliseconds each. Nothing for a matrix held in memory or a small one."""
    if not worth_reading_ahead(matrix) or not isinstance(matrix, np.memmap) or matrix.filename is None:
        return
    row_bytes = matrix.strides[0]
    fd = os.open(matrix.filename, os.O_RDONLY)
    try:
        for lo, hi in spans:
            if hi > lo:
                os.posix_fadvise(fd, matrix.offset + lo * row_bytes, (hi - lo) * row_bytes, os.POSIX_FADV_WILLNEED)
    finally:
        os.close(fd)


def header(path: Path) -> tuple[tuple[int, ...], np.dtype[Any], int]:
    """(shape, dtype, byte offset of the data) of a ``.npy`` file, read from its header alone."""
    with path.open("rb") as fh:
        version = np.lib.format.read_magic(fh)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read(fh)
        if fortran or dtype.hasobject:
            raise ValueError("not a C-ordered numeric array")
        return shape, dtype, fh.tell()


class MatrixFile:
    """A 2-d ``.npy`` matrix on disk, indexed like an array (``m[lo:hi]``, ``m[rows]``), read a block at a time."""

    def __init__(self, path: Path, laid_out: tuple[tuple[int, ...], np.dtype[Any], int] | None = None) -> None:
        """``laid_out``: (shape, dtype, data offset) when the caller already knows them (a mapping of the same file),
        so the header is not read and parsed again."""
        self.path = path
        shape, self.dtype, self._offset = laid_out if laid_out is not None else header(path)
        if len(shape) != 2:
            raise ValueError("not a matrix")
        self.shape: tuple[int, int] = (int(shape[0]), int(shape[1]))
        self._row_bytes = self.shape[1] * self.dtype.itemsize
        self._fd = os.open(path, os.O_RDONLY)

    def __len__(self) -> int:
        return self.shape[0]

    @property
    def ndim(self) -> int:
        return 2

    def _read(self, lo: int, hi: int) -> np.ndarray:
        """Rows ``lo`` to ``hi`` (clipped), read from the file."""
        lo, hi = max(0, lo), min(self.shape[0], hi)
        if hi <= lo:
            return np.empty((0, self.shape[1]), dtype=self.dtype)
        size = (hi - lo) * self._row_bytes
        data = os.pread(self._fd, size, self._offset + lo * self._row_bytes)
        if len(data) != size:
            raise ValueError(f"{self.path} is shorter than its header says")
        return np.frombuffer(data, dtype=self.dtype).reshape(hi - lo, self.shape[1]).copy()

    def _read_runs(self, los: np.ndarray, his: np.ndarray) -> np.ndarray:
        """Rows ``lo`` to ``hi`` of each run, one after another in one array: a read a run, one copy for all."""
        sizes = (his - los) * self._row_bytes
        data = b"".join(
            os.pread(self._fd, int(n), self._offset + int(lo) * self._row_bytes)
            for lo, n in zip(los, sizes, strict=True)
        )
        if len(data) != int(sizes.sum()):
            raise ValueError(f"{self.path} is shorter than its header says")
        return np.frombuffer(data, dtype=self.dtype).reshape(-1, self.shape[1])

    def __getitem__(self, key: Any) -> np.ndarray:
        """A slice of rows (step 1), one row, or the rows of an integer array (any order, repeats allowed)."""
        if isinstance(key, slice):
            lo, hi, step = key.indices(self.shape[0])
            if step != 1:
                raise IndexError("MatrixFile slices take no step")
            return self._read(lo, hi)
        if isinstance(key, (int, np.integer)):
            row = int(key) + (self.shape[0] if key < 0 else 0)
            if not 0 <= row < self.shape[0]:
                raise IndexError(f"row {key} of {self.shape[0]}")
            one: np.ndarray = self._read(row, row + 1)[0]
            return one
        rows = np.asarray(key, dtype=np.int64).ravel()
        if not rows.size:
            return np.empty((*np.shape(key), self.shape[1]), dtype=self.dtype)
        if rows.min() < 0 or rows.max() >= self.shape[0]:
            raise IndexError(f"rows outside 0-{self.shape[0] - 1}")
        wanted, where = np.unique(rows, return_inverse=True)
        out = np.empty((len(wanted), self.shape[1]), dtype=self.dtype)
        # runs of near rows, each read once, none across a SPAN_ROWS boundary (a dense sample's run was the file);
        # runs read together while they hold at most SPAN_ROWS rows (a query's hundred scattered rows: one batch)
        breaks = np.flatnonzero((np.diff(wanted) > RUN_ROWS) | (np.diff(wanted // SPAN_ROWS) != 0)) + 1
        bounds = np.concatenate([[0], breaks, [len(wanted)]]).astype(np.int64)  # run r: wanted[bounds[r]:bounds[r+1]]
        los, his = wanted[bounds[:-1]], wanted[bounds[1:] - 1] + 1
        run_of = np.repeat(np.arange(len(los)), np.diff(bounds))
        for runs in _batches(his - los, SPAN_ROWS):
            block = self._read_runs(los[runs], his[runs])
            starts = np.cumsum(his[runs] - los[runs]) - (his[runs] - los[runs])  # each run's first row in ``block``
            at = np.arange(bounds[runs.start], bounds[runs.stop])
            out[at] = block[starts[run_of[at] - runs.start] + wanted[at] - los[run_of[at]]]
        if len(wanted) == len(rows) and np.array_equal(wanted, rows):  # ascending, no repeat: ``out`` is the answer
            return out.reshape(*np.shape(key), self.shape[1])  # (a copy would double a k-means sample: 1 GB at 1 M)
        picked: np.ndarray = out[where].reshape(*np.shape(key), self.shape[1])
        return picked

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """The whole matrix, read (``np.asarray`` of a small one)."""
        whole = self._read(0, self.shape[0])
        return whole if dtype is None else whole.astype(dtype)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> MatrixFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def _batches(sizes: np.ndarray, most: int) -> Iterator[range]:
    """Consecutive runs (as ranges of their positions) whose ``sizes`` add up to at most ``most`` rows, a run larger
    than that alone."""
    first, held = 0, 0
    for i, size in enumerate(sizes.tolist()):
        if held and held + size > most:
            yield range(first, i)
            first, held = i, 0
        held += size
    if len(sizes):
        yield range(first, len(sizes))


def read_rows(matrix: Any, rows: np.ndarray) -> np.ndarray:
    """Rows of ``matrix`` (any order) as float32; from a mapped ``.npy`` read through its file as ``MatrixFile``
    reads (``pread``, near rows in one go), not through the mapping: a fault on a mapped file maps the 64 KB around
    it too, and at a million papers 100 rows re-scored a query left 3.06 GB of the 10 GB matrix in the service's
    RSS after 1,000 queries. Read, they stay in the page cache."""
    whole = isinstance(matrix, np.memmap) and isinstance(matrix.base, mmap.mmap)  # not a view: its offset holds
    if not (whole and matrix.filename and matrix.ndim == 2 and matrix.flags.c_contiguous):
        return np.asarray(matrix[rows], dtype=np.float32)
    with MatrixFile(Path(matrix.filename), (matrix.shape, matrix.dtype, matrix.offset)) as file:  # the map's layout
        return file[rows].astype(np.float32, copy=False)


class MatrixWriter:
    """A new ``.npy`` matrix of ``shape``, its space allocated first, filled a block of rows at a time."""

    def __init__(self, path: Path, dtype: Any, shape: tuple[int, int]) -> None:
        from .writer import allocate

        self.path, self.shape, self.dtype = path, shape, np.dtype(dtype)
        head = {"descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": shape}
        with naming(path):
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
            with os.fdopen(os.dup(self._fd), "wb") as fh:
                np.lib.format.write_array_header_1_0(fh, head)
                fh.flush()
                self._offset = fh.tell()
            allocate(self._fd, self._offset, self._offset + shape[0] * shape[1] * self.dtype.itemsize)

    def write(self, first: int, block: np.ndarray) -> None:
        """Rows ``first`` on from ``block``."""
        data = np.ascontiguousarray(block, dtype=self.dtype)
        if data.ndim != 2 or data.shape[1] != self.shape[1] or first + len(data) > self.shape[0]:
            raise ValueError(f"a block of shape {data.shape} at row {first} does not fit {self.shape}")
        view = memoryview(data.tobytes())
        at = self._offset + first * self.shape[1] * self.dtype.itemsize
        with naming(self.path):
            while view:
                done = os.pwrite(self._fd, view, at)
                view, at = view[done:], at + done

    def write_rows(self, rows: np.ndarray, block: np.ndarray) -> None:
        """``block[i]`` into row ``rows[i]``, each run of consecutive rows in one write."""
        rows = np.asarray(rows, dtype=np.int64)
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1
        for part in np.split(np.arange(len(rows)), breaks):
            if len(part):
                self.write(int(rows[part[0]]), block[part])

    def close(self) -> None:
        """Flush the file to disk and close it."""
        if self._fd >= 0:
            with naming(self.path):
                os.fsync(self._fd)
                os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> MatrixWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
        elif self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
