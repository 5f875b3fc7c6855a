"""A version's per-paper arrays (``columns/``): what ranking reads of every paper, memory-mapped.

Ranking a query reads a few numbers of many papers (their years to filter and weigh time, their
eras, how cited they are, where their passages are), and the graph's shape (what each paper builds
on, the links a reading path follows). Held as Python objects these would cost tens of bytes a
paper; as ``.npy`` arrays mapped from the version folder they cost nothing until read, and then
sit in the page cache, shared by every process serving the version. Each is written by the build
(``column_build``) and read here; ``Lists`` reads a CSR pair (``<name>_start``, ``<name>``) as one
list per paper.

Papers are rows in corpus order (year, then id), so a range of years is a range of rows; a
paper's passages are rows ``passage_start[p]`` to ``passage_start[p + 1]`` of the vectors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np

ARRAYS = {  # file (without .npy) -> dtype; each is one array of the version, read memory-mapped
    "years": np.int32,
    "era_codes": np.int16,  # the paper's era, as its place in eras.json
    "degree": np.int32,  # edges at the paper (cites + cited_by)
    "passage_start": np.int64,  # n + 1: the paper's first passage row
    "row_paper": np.int32,  # per passage row: its paper
    "centroids": np.float32,  # the paper's vector for reading paths (``query.meaning``), n x dim
    "field": np.float32,  # the list's mean passage vector (``query.scope``), dim
    "builds_on_start": np.int64,
    "builds_on": np.int32,  # earlier entries a paper cites: what an origin question follows back
    "earlier_start": np.int64,
    "earlier": np.int32,  # what each paper builds on (the other end of each edge), by row
    "earlier_kind": np.int8,
    "earlier_edge": np.int32,  # the edge's number in the database (its evidence)
    "later_start": np.int64,
    "later": np.int32,  # what builds on each paper
    "later_kind": np.int8,
    "later_edge": np.int32,
}


class PerPaper(Sequence[np.ndarray]):
    """One array per paper, from a start array of ``n + 1`` offsets: paper ``p``'s is ``start[p]`` to
    ``start[p + 1]``; ``item`` says what that span holds."""

    def __init__(self, start: np.ndarray) -> None:
        self.start = start

    def __len__(self) -> int:
        return len(self.start) - 1

    @overload
    def __getitem__(self, row: int) -> np.ndarray: ...
    @overload
    def __getitem__(self, row: slice) -> Sequence[np.ndarray]: ...
    def __getitem__(self, row: int | slice) -> Any:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        if not -len(self) <= row < len(self):
            raise IndexError(row)
        return self.item(*self.span(int(row) % len(self)))

    def __iter__(self) -> Iterator[np.ndarray]:
        return (self[i] for i in range(len(self)))

    def span(self, row: int) -> tuple[int, int]:
        """Where paper ``row``'s items are: ``lo`` to ``hi``."""
        return int(self.start[row]), int(self.start[row + 1])

    def item(self, lo: int, hi: int) -> np.ndarray:
        """What a paper's span ``lo`` to ``hi`` holds."""
        raise NotImplementedError


class Lists(PerPaper):
    """One list per paper from a CSR pair: paper ``p``'s items are ``values[start[p]:start[p + 1]]``."""

    def __init__(self, start: np.ndarray, values: np.ndarray) -> None:
        super().__init__(start)
        self.values = values

    def item(self, lo: int, hi: int) -> np.ndarray:
        return self.values[lo:hi]


class Ranges(PerPaper):
    """Each paper's passage rows, as the range its ``passage_start`` gives."""

    def item(self, lo: int, hi: int) -> np.ndarray:
        return np.arange(lo, hi, dtype=np.int64)


@dataclass(frozen=True)
class Columns:
    """Every per-paper array of one version (see ``ARRAYS``), mapped."""

    arrays: dict[str, np.ndarray]

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.arrays[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def papers(self) -> int:
        return len(self.arrays["years"])

    @property
    def paper_rows(self) -> Ranges:
        return Ranges(self.arrays["passage_start"])

    def lists(self, name: str) -> Lists:
        """The CSR pair ``name`` as one list per paper."""
        return Lists(self.arrays[f"{name}_start"], self.arrays[name])


def read_columns(folder: Path, mmap: bool = True) -> Columns:
    """Every array of ``folder``, mapped (or read, without ``mmap``); ValueError when one is missing, damaged
    or of the wrong type."""
    arrays: dict[str, np.ndarray] = {}
    for name, dtype in ARRAYS.items():
        try:
            array = np.load(folder / f"{name}.npy", mmap_mode="r" if mmap else None, allow_pickle=False)
        except (OSError, ValueError, EOFError) as exc:
            raise ValueError(f"{name}.npy: {exc.__class__.__name__}") from None
        if array.dtype != np.dtype(dtype):
            raise ValueError(f"{name}.npy holds {array.dtype}, not {np.dtype(dtype)}")
        arrays[name] = array
    return Columns(arrays)


def check_columns(columns: Columns, n_papers: int, n_rows: int, dim: int) -> None:
    """ValueError unless the arrays have the shapes of ``n_papers`` papers and ``n_rows`` passages of ``dim``."""
    a = columns.arrays
    shapes = {
        "years": (n_papers,),
        "era_codes": (n_papers,),
        "degree": (n_papers,),
        "passage_start": (n_papers + 1,),
        "row_paper": (n_rows,),
        "centroids": (n_papers, dim),
        "field": (dim,),
        "builds_on_start": (n_papers + 1,),
        "earlier_start": (n_papers + 1,),
        "later_start": (n_papers + 1,),
    }
    for name, shape in shapes.items():
        if a[name].shape != shape:
            raise ValueError(f"{name}.npy has shape {a[name].shape}, expected {shape}")
    for name in ("builds_on", "earlier", "later"):
        if a[f"{name}_start"][-1] != len(a[name]) if n_papers else len(a[name]):
            raise ValueError(f"{name}.npy does not match {name}_start.npy")
    for name in ("earlier", "later"):
        if not len(a[name]) == len(a[f"{name}_kind"]) == len(a[f"{name}_edge"]):
            raise ValueError(f"{name}.npy, its kinds and its edges differ in length")
    if n_papers and (a["passage_start"][0] != 0 or a["passage_start"][-1] != n_rows):
        raise ValueError("passage_start.npy does not cover the passages")
