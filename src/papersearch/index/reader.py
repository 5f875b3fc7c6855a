"""Reading a version: ``read_version`` loads it for a searcher, ``check_version`` checks it without holding it.

Both go through the same reader for each file, so each check is made once, with one message: the
manifest and every file's size and sha256 (``integrity``: all of them, or with ``trust_verdict`` only
those changed since a full check vouched for them); the JSON files an item at a time (``json_files``), the records each with an
id and the passages naming only papers the records hold; the vectors, the FAISS index and the BM25
arrays agreeing with them. ``check_version`` keeps only the paper ids and memory-maps the arrays,
so a build checks what it wrote, at any size, without loading it. Any damage raises
IndexStateError naming the file and saying to rebuild the index.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import IndexStateError
from ..core.records import EraRecord, GraphRecord, PaperRecord
from ..core.settings import Settings
from . import integrity, json_files, layout, vectors
from .layout import FIX, GRAPH, GRAPH_KEYS, LEXICAL, LEXICAL_FILES, PASSAGES, VECTOR_INDEX, VECTORS
from .lexical import LexicalIndex
from .paper_records import records as _records


@dataclass(frozen=True)
class IndexData:
    """One loaded index version, read-only once loaded."""

    path: Path
    manifest: dict[str, Any]
    records: list[PaperRecord]
    eras: list[EraRecord]
    graph: GraphRecord
    passages: list[list[str]]  # [paper id, kind, text] per vector row
    matrix: np.ndarray
    faiss_index: Any
    lexical: LexicalIndex
    vocabulary: dict[str, int]
    row_paper: np.ndarray  # passage row -> paper row
    paper_rows: list[np.ndarray]  # paper row -> its passage rows

    @property
    def version(self) -> str:
        return str(self.manifest["version"])


def read_version(vdir: Path, settings: Settings | None = None, trust_verdict: bool = False) -> IndexData:
    """Load and check one version folder; any damage raises IndexStateError naming the file.

    ``settings`` gives the vector index's search breadth and threads (None: as tuned at build time, one thread).
    ``trust_verdict``: hash only the files changed since a full check (``integrity``; for one-shot commands).
    """
    manifest = read_manifest(vdir, trust_verdict)
    records = read_records(vdir)
    passages, row_paper = read_passages(vdir, records)
    eras = layout.read_json(vdir / layout.ERAS, "eras")
    graph = read_graph(vdir)
    vocabulary = layout.read_json(vdir / layout.VOCABULARY, "spelling vocabulary")
    matrix = read_matrix(vdir, len(passages))
    findex = read_vector_index(vdir, manifest.get("vector_index", {}), settings or Settings(), len(passages))
    lex = read_checked_lexical(vdir, len(records))
    order = np.argsort(row_paper, kind="stable")
    bounds = np.searchsorted(row_paper[order], np.arange(len(records) + 1))
    paper_rows = [order[bounds[i] : bounds[i + 1]] for i in range(len(records))]
    return IndexData(
        vdir, manifest, records, eras, graph, passages, matrix, findex, lex, vocabulary, row_paper, paper_rows
    )


def check_version(vdir: Path, settings: Settings | None = None) -> None:
    """Make every check ``read_version`` makes, through the same readers, holding only the paper ids; every file
    is hashed."""
    info = read_manifest(vdir).get("vector_index", {})  # the manifest (a hash a paper) is let go
    positions = _positions(_records(vdir))
    n_rows = sum(1 for _ in _passages(vdir, positions))
    layout.read_json(vdir / layout.ERAS, "eras")
    deque(_graph(vdir), maxlen=0)
    layout.read_json(vdir / layout.VOCABULARY, "spelling vocabulary")
    read_matrix(vdir, n_rows, mmap=True)
    read_vector_index(vdir, info, settings or Settings(), n_rows)
    read_checked_lexical(vdir, len(positions), mmap=True)


def read_manifest(vdir: Path, trust_verdict: bool = False) -> dict[str, Any]:
    """The manifest, checked, once every file it lists is checked against it (``integrity.verify_files``)."""
    manifest = layout.read_manifest(vdir)
    integrity.verify_files(vdir, manifest, trust_verdict)
    return manifest


def read_records(vdir: Path) -> list[PaperRecord]:
    """Every record of papers.json, in corpus order."""
    return list(_records(vdir))


def _positions(records: Iterable[PaperRecord]) -> dict[str, int]:
    return {r["id"]: i for i, r in enumerate(records)}


def _passages(vdir: Path, positions: dict[str, int]) -> Iterator[tuple[int, list[str]]]:
    """(paper row, [paper id, kind, text]) of each row of passages.json, one at a time, for papers the records hold."""
    for row in passage_rows(vdir / PASSAGES):
        try:
            paper = positions[row[0]]
        except (KeyError, IndexError, TypeError):
            raise IndexStateError(f"{vdir / PASSAGES} names papers the records do not hold; {FIX}") from None
        yield paper, row


def read_passages(vdir: Path, records: list[PaperRecord]) -> tuple[list[list[str]], np.ndarray]:
    """Every passage row, and the paper row of each."""
    passages: list[list[str]] = []
    papers: list[int] = []
    for paper, row in _passages(vdir, _positions(records)):
        papers.append(paper)
        passages.append(row)
    return passages, np.array(papers, dtype=np.int64)


def passage_rows(path: Path) -> Iterator[list[str]]:
    """Each row of a passages.json, [paper id, kind, text], one at a time."""
    with layout.reading(path, "passage texts"):
        for _, row in json_files.entries(path):
            yield row


def _graph(vdir: Path) -> Iterator[tuple[str, Any]]:
    """(list name, item) of graph.json's papers, edges and outside references, one at a time."""
    with layout.reading(vdir / GRAPH, "graph"):
        yield from json_files.entries(vdir / GRAPH, GRAPH_KEYS)


def read_graph(vdir: Path) -> GraphRecord:
    """The whole cross-reference graph of graph.json."""
    graph: dict[str, list[Any]] = {key: [] for key in GRAPH_KEYS}
    for key, item in _graph(vdir):
        graph[key].append(item)
    return graph  # type: ignore[return-value]


def read_matrix(vdir: Path, n_rows: int, mmap: bool = False) -> np.ndarray:
    """The float32 vectors, one row per passage (memory-mapped with ``mmap``: only the header is read)."""
    try:
        matrix: np.ndarray = np.load(vdir / VECTORS, mmap_mode="r" if mmap else None, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise IndexStateError(f"{vdir / VECTORS} is damaged ({exc.__class__.__name__}); {FIX}") from None
    if matrix.ndim != 2 or matrix.shape[0] != n_rows or matrix.dtype != np.float32:
        raise IndexStateError(f"{vdir / VECTORS} does not match {PASSAGES}; {FIX}")
    return matrix


def read_vector_index(vdir: Path, info: dict[str, Any], settings: Settings, n_rows: int) -> Any:
    """The FAISS index the manifest's ``vector_index`` entry (``info``) describes, holding ``n_rows`` vectors."""
    try:
        findex = vectors.load(vdir / VECTOR_INDEX, info, settings.nprobe, settings.ef_search, settings.faiss_threads)
    except RuntimeError:
        raise IndexStateError(f"{vdir / VECTOR_INDEX} is damaged (FAISS cannot read it); {FIX}") from None
    if (held := vectors.stored(findex, info)) != n_rows:
        raise IndexStateError(f"{vdir / VECTOR_INDEX} holds {held} vectors, expected {n_rows}; {FIX}")
    return findex


def read_checked_lexical(vdir: Path, n_docs: int, mmap: bool = False) -> LexicalIndex:
    """The BM25 arrays of ``n_docs`` papers (``read_lexical``); damage is an IndexStateError."""
    try:
        return read_lexical(vdir / LEXICAL, n_docs, mmap)
    except (ValueError, OSError, EOFError) as exc:
        raise IndexStateError(f"{vdir / LEXICAL} is damaged ({exc}); {FIX}") from None


def read_lexical(path: Path, n_docs: int, mmap: bool = False) -> LexicalIndex:
    """The saved BM25 scores; ValueError when the arrays disagree with each other or with ``n_docs``.

    With ``mmap`` the arrays are memory-mapped and the document numbers read a chunk at a time.
    """
    try:  # numpy's messages may quote the file's bytes: only their kind is told
        data, indices, indptr = (
            np.load(path / LEXICAL_FILES[name], mmap_mode="r" if mmap else None, allow_pickle=False)
            for name in ("data", "indices", "indptr")
        )
        vocab = json.loads((path / LEXICAL_FILES["vocab"]).read_text(encoding="utf-8"))
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError(f"{exc.__class__.__name__} while reading its files") from None
    if not isinstance(vocab, dict) or len(indptr) not in (len(vocab), len(vocab) + 1):
        raise ValueError("vocabulary and score arrays disagree")
    top = _largest(indices)
    if top is not None and top >= n_docs:
        raise ValueError("score arrays name more documents than the index holds")
    return LexicalIndex(data, indices, indptr, vocab, n_docs)


def _largest(array: np.ndarray) -> int | None:
    """The largest number in a one-dimensional array (None when it is empty); a memory-mapped one is read
    from its file a chunk at a time, so that none of it stays in memory."""
    if not isinstance(array, np.memmap) or array.filename is None:
        return int(array.max()) if len(array) else None
    top = None
    with open(array.filename, "rb") as fh:
        fh.seek(array.offset)
        while (chunk := np.fromfile(fh, dtype=array.dtype, count=1 << 20)).size:
            most = int(chunk.max())
            top = most if top is None else max(top, most)
    return top
