"""Reading a version: ``read_version`` opens it for a searcher, ``check_version`` checks it without holding it.

Both go through the same reader for each file, so each check is made once, with one message: the
manifest and every file's size and sha256 (``integrity``: all of them, or with ``trust_verdict`` only
those changed since a full check vouched for them); the database, opened read-only, holding the
tables of this format and as many papers and passages as the manifest counts (``check_version``
also reads every row of the passages, edges and references to see that each names a paper it
holds); the per-paper arrays (``columns``), the vectors, the FAISS index and the BM25 arrays
agreeing with them. Nothing is read whole: the database is read by key, the arrays and the FAISS
index are memory-mapped, so a version of any size opens in about the same time and a searcher holds
a few bytes of it per paper. Any damage raises IndexStateError naming the file and saying to
rebuild the index.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import IndexStateError
from ..core.records import EraRecord
from ..core.settings import Settings
from . import integrity, layout, vectors
from .columns import Columns, Ranges, check_columns, read_columns
from .database import connect
from .layout import COLUMNS, DATABASE, FIX, LEXICAL, LEXICAL_FILES, VECTOR_INDEX, VECTORS
from .lexical import LexicalIndex
from .record_store import GraphStore, PassageStore, RecordStore

TABLES = frozenset(
    ["papers", "passages", "stems", "edges", "external", "names", "given_names", "concepts", "concept_years"]
)


@dataclass(frozen=True)
class IndexData:
    """One opened index version, read-only: its records, passages and graph by key, its arrays mapped."""

    path: Path
    manifest: dict[str, Any]
    records: RecordStore
    eras: list[EraRecord]
    graph: GraphStore
    passages: PassageStore
    matrix: np.ndarray
    faiss_index: Any
    lexical: LexicalIndex
    vocabulary: dict[str, int]
    columns: Columns
    db: sqlite3.Connection
    lock: threading.Lock  # serialises the use of ``db``

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    @property
    def row_paper(self) -> np.ndarray:
        """Each passage row's paper row."""
        return self.columns.row_paper

    @property
    def paper_rows(self) -> Ranges:
        """Each paper's passage rows."""
        return self.columns.paper_rows


def read_version(vdir: Path, settings: Settings | None = None, trust_verdict: bool = False) -> IndexData:
    """Open and check one version folder; any damage raises IndexStateError naming the file.

    ``settings`` gives the vector index's search breadth and threads (None: as tuned at build time, one thread).
    ``trust_verdict``: hash only the files changed since a full check (``integrity``; for one-shot commands).
    """
    manifest = read_manifest(vdir, trust_verdict)
    counts = manifest.get("counts", {})
    n_papers, n_rows = int(counts.get("papers", -1)), int(counts.get("passages", -1))
    db, lock = read_database(vdir, n_papers, n_rows)
    eras = layout.read_json(vdir / layout.ERAS, "eras")
    vocabulary = layout.read_json(vdir / layout.VOCABULARY, "spelling vocabulary")
    matrix = read_matrix(vdir, n_rows, mmap=True)
    columns = read_checked_columns(vdir, n_papers, n_rows, int(matrix.shape[1]))
    findex = read_vector_index(vdir, manifest.get("vector_index", {}), settings or Settings(), n_rows, matrix)
    lex = read_checked_lexical(vdir, n_papers, mmap=True)
    return IndexData(
        vdir,
        manifest,
        RecordStore(db, lock, n_papers, {"cites": columns.earlier_start, "cited_by": columns.later_start}),
        eras,
        GraphStore(db, lock),
        PassageStore(db, lock, n_rows),
        matrix,
        findex,
        lex,
        vocabulary,
        columns,
        db,
        lock,
    )


def check_version(vdir: Path, settings: Settings | None = None) -> None:
    """Make every check ``read_version`` makes, through the same readers, and read every row of the database's
    passages, edges and references to see that each names a paper it holds; every file is hashed."""
    manifest = read_manifest(vdir)
    counts = manifest.get("counts", {})
    n_papers, n_rows = int(counts.get("papers", -1)), int(counts.get("passages", -1))
    db, _ = read_database(vdir, n_papers, n_rows)
    try:
        _check_rows(vdir, db, n_papers)
        _check_stems(vdir, db, n_papers)
    finally:
        db.close()
    layout.read_json(vdir / layout.ERAS, "eras")
    layout.read_json(vdir / layout.VOCABULARY, "spelling vocabulary")
    matrix = read_matrix(vdir, n_rows, mmap=True)
    read_checked_columns(vdir, n_papers, n_rows, int(matrix.shape[1]))
    read_vector_index(vdir, manifest.get("vector_index", {}), settings or Settings(), n_rows)
    read_checked_lexical(vdir, n_papers, mmap=True)


def read_manifest(
    vdir: Path, trust_verdict: bool = False, formats: tuple[int, ...] = (layout.FORMAT_VERSION,)
) -> dict[str, Any]:
    """The manifest, checked, once every file it lists is checked against it (``integrity.verify_files``)."""
    manifest = layout.read_manifest(vdir, formats)
    integrity.verify_files(vdir, manifest, trust_verdict)
    return manifest


def read_database(vdir: Path, n_papers: int, n_rows: int) -> tuple[sqlite3.Connection, threading.Lock]:
    """The database, opened read-only: its tables those of this format, as many papers and passages as counted."""
    path = vdir / DATABASE
    try:
        db = connect(path)
    except (OSError, sqlite3.Error) as exc:
        raise IndexStateError(f"{path} cannot be opened ({exc.__class__.__name__}); {FIX}") from None
    try:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        papers = db.execute("SELECT count(*), coalesce(max(row), -1) FROM papers").fetchone()
        rows = db.execute("SELECT coalesce(max(row), -1) FROM passages").fetchone()[0]
        stems = db.execute("SELECT coalesce(max(paper), -1) FROM stems").fetchone()[0]  # a look-up, not a count
    except sqlite3.Error as exc:
        db.close()
        raise IndexStateError(f"{path} is damaged ({exc.__class__.__name__}); {FIX}") from None
    if not tables >= TABLES or tuple(papers) != (n_papers, n_papers - 1) or (rows, stems) != (n_rows - 1, n_papers - 1):
        db.close()
        raise IndexStateError(f"{path} does not hold the papers and passages its manifest counts; {FIX}")
    return db, threading.Lock()


def _check_rows(vdir: Path, db: sqlite3.Connection, n_papers: int) -> None:
    """Every passage, edge end, outside reference and row of stems names a paper row; every record is an object with
    an id.

    Read through SQLite's own small page cache, not the memory map a searcher reads by: mapped, a scan of every
    record would hold the whole file in this process's resident memory (420 MB at 100,000 papers, on top of a
    build's own); ``db`` is closed after the check."""
    path = vdir / DATABASE
    checks = (
        "SELECT count(*) FROM passages WHERE paper < 0 OR paper >= ?",
        "SELECT count(*) FROM edges WHERE source < 0 OR source >= ?1 OR target < 0 OR target >= ?1",
        "SELECT count(*) FROM external WHERE paper < 0 OR paper >= ?",
        "SELECT count(*) FROM stems WHERE paper < 0 OR paper >= ?",
    )
    try:
        db.execute("PRAGMA mmap_size = 0")
        for query in checks:
            if db.execute(query, (n_papers,)).fetchone()[0]:
                raise IndexStateError(f"{path} names papers it does not hold; {FIX}")
        for (text,) in db.execute("SELECT record FROM papers"):
            record = json.loads(text)
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                raise IndexStateError(f"{path} holds malformed records; {FIX}")
    except (sqlite3.Error, ValueError) as exc:
        raise IndexStateError(f"{path} is damaged ({exc.__class__.__name__}); {FIX}") from None


def _check_stems(vdir: Path, db: sqlite3.Connection, n_papers: int) -> None:
    """Every paper has its row of stems (``why`` reads them): as many rows as papers, each naming one (``_check_rows``)
    once (the table's key)."""
    path = vdir / DATABASE
    try:
        if db.execute("SELECT count(*) FROM stems").fetchone()[0] != n_papers:
            raise IndexStateError(f"{path} lacks the stems of some papers; {FIX}")
    except sqlite3.Error as exc:
        raise IndexStateError(f"{path} is damaged ({exc.__class__.__name__}); {FIX}") from None


def read_checked_columns(vdir: Path, n_papers: int, n_rows: int, dim: int) -> Columns:
    """The per-paper arrays, mapped, of the shapes ``n_papers`` papers and ``n_rows`` passages give."""
    try:
        columns = read_columns(vdir / COLUMNS)
        check_columns(columns, n_papers, n_rows, dim)
    except ValueError as exc:
        raise IndexStateError(f"{vdir / COLUMNS} is damaged ({exc}); {FIX}") from None
    return columns


def read_matrix(vdir: Path, n_rows: int, mmap: bool = False) -> np.ndarray:
    """The float32 vectors, one row per passage (memory-mapped with ``mmap``: only the header is read)."""
    try:
        matrix: np.ndarray = np.load(vdir / VECTORS, mmap_mode="r" if mmap else None, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise IndexStateError(f"{vdir / VECTORS} is damaged ({exc.__class__.__name__}); {FIX}") from None
    if matrix.ndim != 2 or matrix.shape[0] != n_rows or matrix.dtype != np.float32:
        raise IndexStateError(f"{vdir / VECTORS} does not match the passages its manifest counts; {FIX}")
    return matrix


def read_vector_index(
    vdir: Path, info: dict[str, Any], settings: Settings, n_rows: int, matrix: np.ndarray | None = None
) -> Any:
    """The vector index the manifest's ``vector_index`` entry (``info``) describes, holding ``n_rows`` vectors: a
    flat one over ``matrix`` when given is answered from it (``vectors.Exact``); without it FAISS reads the file."""
    try:
        findex = vectors.load(
            vdir / VECTOR_INDEX, info, settings.nprobe, settings.ef_search, settings.faiss_threads, matrix
        )
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
