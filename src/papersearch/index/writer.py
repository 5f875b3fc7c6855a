"""Writing a version's files (in the format ``layout`` names) a record or a row at a time, never whole.

papers.json, passages.json and graph.json are written one item a line (``json_files``) from
iterables, so a build never holds them; the small files are written whole and atomically
(``write_json``); BM25's arrays go in the files bm25s saves; the vectors into a file whose space
is allocated before it is mapped (``preallocated_array``). Every error names the file (``disk``).
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..core.records import EraRecord, GraphEdge, GraphExternal, GraphPaper, PaperRecord
from . import json_files
from .disk import naming, remove_quietly, written
from .layout import ERAS, GRAPH, GRAPH_KEYS, LEXICAL_FILES, PAPERS
from .lexical import LexicalIndex
from .passages import Passage

LONG_RECORD = 1000  # neighbours: a founding paper may have tens of thousands (megabytes), written piecewise


def write_json(path: Path, data: Any) -> None:
    """A whole JSON file, compact, written to a temporary name, fsynced and renamed into place."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with written(tmp) as fh, naming(tmp):
            json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))  # json_text, a piece at a time
            fh.flush()
            os.fsync(fh.fileno())
        with naming(path):
            os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise


def preallocated_array(path: Path, dtype: Any, shape: tuple[int, ...]) -> np.memmap[Any, Any]:
    """A new ``.npy`` file of ``shape``, memory-mapped for writing, its space allocated first.

    A write through a map to a disk that has no room for it kills the process with SIGBUS (a "Bus
    error", with no message); space allocated before the map is made cannot run out, and a full disk
    is an ``OSError`` naming the file here instead.
    """
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False, "shape": shape}
    with naming(path), path.open("wb") as fh:
        np.lib.format.write_array_header_1_0(fh, header)
        fh.flush()
        end = fh.tell() + int(np.prod(shape)) * np.dtype(dtype).itemsize
        _allocate(fh.fileno(), fh.tell(), end)
    with naming(path):
        return np.lib.format.open_memmap(path, mode="r+")


def _allocate(fd: int, start: int, end: int) -> None:
    """Blocks for bytes ``start`` to ``end`` of a file (zeros); written out where the file system cannot allocate."""
    if end <= start:
        return
    try:
        os.posix_fallocate(fd, start, end - start)
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
            raise
        zeros = bytes(1 << 20)
        for at in range(start, end, len(zeros)):
            os.pwrite(fd, zeros[: min(len(zeros), end - at)], at)


def _long(record: PaperRecord) -> bool:
    return len(record["references"]["cites"]) + len(record["references"]["cited_by"]) > LONG_RECORD


class GraphParts(NamedTuple):
    """The graph record's three lists, each read once while graph.json is written."""

    papers: Iterable[GraphPaper]
    edges: Iterable[GraphEdge]
    external: Iterable[GraphExternal]


def write_records(vdir: Path, records: Iterable[PaperRecord], graph: GraphParts, eras: list[EraRecord]) -> int:
    """papers.json and graph.json, streamed from their iterables, and eras.json; returns the number of records."""
    (n,) = json_files.write_entries(vdir / PAPERS, [records], piecewise=_long)
    json_files.write_entries(vdir / GRAPH, graph, GRAPH_KEYS)
    write_json(vdir / ERAS, eras)
    return n


@contextmanager
def passage_file(path: Path) -> Iterator[Callable[[Passage], None]]:
    """passages.json written a passage at a time: the function given writes its [paper id, kind, text] row."""
    with json_files.array_file(path) as out:
        yield lambda passage: out.add([passage.paper_id, passage.kind, passage.text])


def lexical_arrays(out_dir: Path) -> tuple[Path, Path]:
    """Where ``write_lexical`` puts the score arrays (data, indices): ``lexical.build`` may write them there itself."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir / LEXICAL_FILES["data"], out_dir / LEXICAL_FILES["indices"]


def write_lexical(out_dir: Path, index: LexicalIndex, params: dict[str, Any]) -> None:
    """Save BM25 score arrays and vocabulary as plain ``.npy`` and JSON, in the files bm25s saves.

    An array memory-mapped from its own file in ``out_dir`` (``lexical_arrays``) is there already.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, arr in (("data", index.data), ("indices", index.indices), ("indptr", index.indptr)):
        path = out_dir / LEXICAL_FILES[name]
        if not (isinstance(arr, np.memmap) and arr.filename and path.exists() and os.path.samefile(arr.filename, path)):
            with naming(path):
                np.save(path, arr, allow_pickle=False)
    for name, text in (
        ("vocab", json.dumps(index.vocab, ensure_ascii=False)),
        ("params", json.dumps(params, indent=4)),
    ):
        with written(out_dir / LEXICAL_FILES[name]) as fh, naming(out_dir / LEXICAL_FILES[name]):
            fh.write(text)
