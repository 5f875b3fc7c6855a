"""The on-disk format of one index version: its file names, manifest, and how it is written and read.

One version folder holds::

    manifest.json         format version, model, corpus hash, per-paper hashes, counts, build
                          stages, the vector index's parameters, and the size and sha256 of every file
    papers.json           one PaperRecord per paper (with its neighbourhood), in corpus order
    passages.json         one [paper id, kind, text] row per embedded passage, in vector order
    eras.json, graph.json the eras and the cross-reference graph
    vocabulary.json       corpus words and counts, for typo correction
    vectors.npy           float32 passage vectors, one row per passages.json row
    vectors.faiss         the FAISS index over them
    lexical/              BM25 score arrays (CSC) and vocabulary, in the files bm25s saves
    query_encoder/        the ONNX export of the model, its weights and tokenizer (optional)

``read_version`` loads and checks a folder (any damage raises IndexStateError naming the file);
``store`` owns the index folder around the versions (CURRENT, publishing, cleaning). A build
writes the large files a record or a row at a time (``write_records``, ``PassageWriter``), with
the same bytes as writing them whole, and ``index.check.check_version`` reads them back that way.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TextIO

import numpy as np

from ..core.errors import IndexStateError
from ..core.records import EraRecord, GraphEdge, GraphExternal, GraphPaper, GraphRecord, PaperRecord
from ..core.settings import Settings
from ..encode.factory import OnnxSpec
from . import vectors
from .lexical import LexicalIndex

FORMAT_VERSION = 2  # the files and their shapes; a version of another format is rebuilt, never read
PASSAGES_FORMAT = 1  # how papers are cut into passages (passages.py); vectors are reused only within one
MANIFEST = "manifest.json"
PAPERS = "papers.json"
PASSAGES = "passages.json"
ERAS = "eras.json"
GRAPH = "graph.json"
VOCABULARY = "vocabulary.json"
VECTORS = "vectors.npy"
VECTOR_INDEX = "vectors.faiss"
LEXICAL = "lexical"
LEXICAL_FILES = {
    "data": "data.csc.index.npy",
    "indices": "indices.csc.index.npy",
    "indptr": "indptr.csc.index.npy",
    "vocab": "vocab.index.json",
    "params": "params.index.json",
}
QUERY_ENCODER = "query_encoder"
HASH_LIMIT = 64 << 20  # files up to this size are hashed on every load; larger ones on --check
FIX = "run `papersearch index` to rebuild it"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexStateError(f"{path} is missing ({what}); {FIX}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise IndexStateError(f"{path} is damaged ({what}: {exc.__class__.__name__}); {FIX}") from None


def read_manifest(vdir: Path) -> dict[str, Any]:
    manifest = read_json(vdir / MANIFEST, "the manifest")
    found = manifest.get("format_version") if isinstance(manifest, dict) else None
    if isinstance(found, int) and found != FORMAT_VERSION and manifest.get("checksum") == manifest_checksum(manifest):
        raise IndexStateError(
            f"index {vdir.name} is stale: it was built in index format {found}, and this papersearch reads "
            f"format {FORMAT_VERSION}; {FIX}"
        )
    if not isinstance(manifest, dict) or found != FORMAT_VERSION:
        raise IndexStateError(
            f"{vdir / MANIFEST} is not a papersearch index manifest of format {FORMAT_VERSION}; {FIX}"
        )
    if not isinstance(manifest.get("files"), dict):
        raise IndexStateError(f"{vdir / MANIFEST} lists no files; {FIX}")
    if manifest.get("checksum") != manifest_checksum(manifest):
        raise IndexStateError(f"{vdir / MANIFEST} is damaged (its checksum does not match its content); {FIX}")
    return manifest


def manifest_checksum(manifest: dict[str, Any]) -> str:
    """The sha256 of the manifest's content without its own checksum field."""
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    h = hashlib.sha256()
    for chunk in json.JSONEncoder(sort_keys=True, ensure_ascii=False).iterencode(body):  # json.dumps, a piece at a time
        h.update(chunk.encode())
    return h.hexdigest()


def verify_files(vdir: Path, manifest: dict[str, Any], full: bool = False) -> None:
    """Check every file the manifest lists: present, the recorded size, and (when small or ``full``) its hash."""
    for rel, meta in manifest["files"].items():
        path = vdir / rel
        if not path.is_file():
            raise IndexStateError(f"{path} is missing; {FIX}")
        size = path.stat().st_size
        if size != meta.get("size"):
            raise IndexStateError(f"{path} is damaged (size {size}, expected {meta.get('size')}); {FIX}")
        if (full or size <= HASH_LIMIT) and file_sha256(path) != meta.get("sha256"):
            raise IndexStateError(f"{path} is damaged (its checksum does not match the manifest); {FIX}")


def describe_files(vdir: Path, previous: Path | None = None, known: dict[str, Any] | None = None) -> dict[str, Any]:
    """Size and sha256 of every file in ``vdir`` but the manifest.

    A file that is a hard link to the same path in ``previous`` (a version whose manifest lists
    ``known``) keeps the sha256 recorded there instead of being read again: the ONNX weights
    (~90 MB) are linked into every version from the export cache. The recorded hash is the one
    taken when that content was first described, so damage since then is still caught.
    """
    out = {}
    for path in sorted(vdir.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            rel = path.relative_to(vdir).as_posix()
            st = path.stat()
            out[rel] = {"size": st.st_size, "sha256": _known_sha256(st, rel, previous, known) or file_sha256(path)}
    return out


def _known_sha256(st: os.stat_result, rel: str, previous: Path | None, known: dict[str, Any] | None) -> str | None:
    meta = (known or {}).get(rel)
    if previous is None or not isinstance(meta, dict) or meta.get("size") != st.st_size:
        return None
    try:
        old = (previous / rel).stat()
    except OSError:
        return None
    same = (old.st_dev, old.st_ino) == (st.st_dev, st.st_ino)
    sha = meta.get("sha256")
    return sha if same and isinstance(sha, str) else None


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))  # json_text, a piece at a time
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


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


def read_version(vdir: Path, settings: Settings | None = None, full_verify: bool = False) -> IndexData:
    """Load and check one version folder; any damage raises IndexStateError naming the file.

    ``settings`` gives the search breadth and threads of the vector index (from the environment when None).
    ``index.check.check_version`` makes the same checks holding no more than one record at a time.
    """
    settings = settings or Settings.from_env()
    manifest = read_manifest(vdir)
    verify_files(vdir, manifest, full=full_verify)
    records = read_json(vdir / PAPERS, "paper records")
    passages = read_json(vdir / PASSAGES, "passage texts")
    eras = read_json(vdir / ERAS, "eras")
    graph = read_json(vdir / GRAPH, "graph")
    if not isinstance(records, list) or not isinstance(passages, list):
        raise IndexStateError(f"{vdir} holds malformed records; {FIX}")
    matrix = read_matrix(vdir, len(passages))
    findex = read_vector_index(vdir, manifest, settings, matrix.shape[0])
    lex = read_checked_lexical(vdir, len(records))
    vocab = read_json(vdir / VOCABULARY, "spelling vocabulary")
    pos = {r["id"]: i for i, r in enumerate(records)}
    try:
        row_paper = np.array([pos[v[0]] for v in passages], dtype=np.int64)
    except (KeyError, IndexError, TypeError):
        raise IndexStateError(unknown_papers(vdir)) from None
    order = np.argsort(row_paper, kind="stable")
    bounds = np.searchsorted(row_paper[order], np.arange(len(records) + 1))
    paper_rows = [order[bounds[i] : bounds[i + 1]] for i in range(len(records))]
    return IndexData(vdir, manifest, records, eras, graph, passages, matrix, findex, lex, vocab, row_paper, paper_rows)


def read_matrix(vdir: Path, n_rows: int, mmap: bool = False) -> np.ndarray:
    """The float32 vectors, one row per passage (memory-mapped with ``mmap``: only the header is read)."""
    try:
        matrix: np.ndarray = np.load(vdir / VECTORS, mmap_mode="r" if mmap else None, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise IndexStateError(f"{vdir / VECTORS} is damaged ({exc.__class__.__name__}); {FIX}") from None
    if matrix.ndim != 2 or matrix.shape[0] != n_rows or matrix.dtype != np.float32:
        raise IndexStateError(f"{vdir / VECTORS} does not match {PASSAGES}; {FIX}")
    return matrix


def read_vector_index(vdir: Path, manifest: dict[str, Any], settings: Settings, n_rows: int) -> Any:
    """The FAISS index the manifest describes, holding ``n_rows`` vectors."""
    info = manifest.get("vector_index", {})
    try:
        findex = vectors.load(vdir / VECTOR_INDEX, info, settings.nprobe, settings.ef_search, settings.faiss_threads)
    except RuntimeError as exc:
        raise IndexStateError(f"{vdir / VECTOR_INDEX} is damaged ({str(exc).splitlines()[0][:80]}); {FIX}") from None
    if (held := vectors.stored(findex, info)) != n_rows:
        raise IndexStateError(f"{vdir / VECTOR_INDEX} holds {held} vectors, expected {n_rows}; {FIX}")
    return findex


def read_checked_lexical(vdir: Path, n_docs: int) -> LexicalIndex:
    """The BM25 arrays of ``n_docs`` papers, checked (``read_lexical``); damage is an IndexStateError."""
    try:
        return read_lexical(vdir / LEXICAL, n_docs)
    except (ValueError, OSError, EOFError) as exc:
        raise IndexStateError(lexical_damage(vdir, exc)) from None


def lexical_damage(vdir: Path, exc: Exception) -> str:
    return f"{vdir / LEXICAL} is damaged ({exc}); {FIX}"


def unknown_papers(vdir: Path) -> str:
    return f"{vdir / PASSAGES} names papers the records do not hold; {FIX}"


def json_text(value: Any) -> str:
    """A value as every JSON file of a version writes it: compact, UTF-8 as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _write_array(fh: TextIO, items: Iterable[Any], piecewise: Callable[[Any], bool] = lambda _: False) -> int:
    """``items`` as a JSON array, one at a time: the text ``json_text`` gives for the whole list.

    An item for which ``piecewise`` is true is written a piece at a time too (slower, never one string).
    """
    fh.write("[")
    n = 0
    for item in items:
        if n:
            fh.write(",")
        if piecewise(item):
            json.dump(item, fh, ensure_ascii=False, separators=(",", ":"))
        else:
            fh.write(json_text(item))
        n += 1
    fh.write("]")
    return n


LONG_RECORD = 1000  # neighbours: a founding paper may have tens of thousands (megabytes), written piecewise


def _long(record: PaperRecord) -> bool:
    return len(record["references"]["cites"]) + len(record["references"]["cited_by"]) > LONG_RECORD


class GraphParts(NamedTuple):
    """The graph record's three lists, each read once while graph.json is written."""

    papers: Iterable[GraphPaper]
    edges: Iterable[GraphEdge]
    external: Iterable[GraphExternal]


def write_records(vdir: Path, records: Iterable[PaperRecord], graph: GraphParts, eras: list[EraRecord]) -> int:
    """papers.json, graph.json and eras.json, streamed from their iterables (the bytes ``write_json`` would
    write for whole lists); returns the number of records."""
    with (vdir / PAPERS).open("w", encoding="utf-8") as fh:
        n = _write_array(fh, records, _long)
    with (vdir / GRAPH).open("w", encoding="utf-8") as fh:
        for i, (key, items) in enumerate(zip(GraphParts._fields, graph, strict=True)):
            fh.write(("{" if i == 0 else ",") + f'"{key}":')
            _write_array(fh, items)
        fh.write("}")
    write_json(vdir / ERAS, eras)
    return n


class PassageWriter:
    """passages.json written a row at a time, one row a line, as ``passage_rows`` reads it back."""

    def __init__(self, path: Path) -> None:
        self._fh = path.open("w", encoding="utf-8")
        self._fh.write("[\n")
        self.rows = 0

    def add(self, paper_id: str, kind: str, text: str) -> None:
        self._fh.write((",\n" if self.rows else "") + json_text([paper_id, kind, text]))
        self.rows += 1

    def close(self) -> None:
        self._fh.write("\n]\n" if self.rows else "]\n")
        self._fh.close()


def passage_rows(path: Path) -> Iterator[list[Any]]:
    """Each row of a passages.json, [paper id, kind, text], read a row at a time when it was written that way."""
    with path.open(encoding="utf-8") as fh:
        first = fh.readline()
        if first.strip() != "[":  # written in one piece
            yield from json.loads(first + fh.read())
            return
        for line in fh:
            line = line.strip().rstrip(",")
            if line and line != "]":
                yield json.loads(line)


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
            np.save(path, arr, allow_pickle=False)
    (out_dir / LEXICAL_FILES["vocab"]).write_text(json.dumps(index.vocab, ensure_ascii=False), encoding="utf-8")
    (out_dir / LEXICAL_FILES["params"]).write_text(json.dumps(params, indent=4), encoding="utf-8")


def read_lexical(path: Path, n_docs: int) -> LexicalIndex:
    """The saved BM25 scores; ValueError when the arrays disagree with each other or with ``n_docs``."""
    data = np.load(path / LEXICAL_FILES["data"], allow_pickle=False)
    indices = np.load(path / LEXICAL_FILES["indices"], allow_pickle=False)
    indptr = np.load(path / LEXICAL_FILES["indptr"], allow_pickle=False)
    vocab = json.loads((path / LEXICAL_FILES["vocab"]).read_text(encoding="utf-8"))
    top = int(indices.max()) if len(indices) else None
    check_lexical(len(vocab) if isinstance(vocab, dict) else -1, len(indptr), top, n_docs)
    return LexicalIndex(data, indices, indptr, vocab, n_docs)


def check_lexical(n_vocab: int, n_indptr: int, top: int | None, n_docs: int) -> None:
    """ValueError when BM25 arrays disagree: ``n_vocab`` tokens (-1: not a mapping), ``n_indptr`` column
    starts, ``top`` the largest document number stored (None: none), for ``n_docs`` papers."""
    if n_vocab < 0 or (n_indptr != n_vocab + 1 and n_indptr != n_vocab):
        raise ValueError("vocabulary and score arrays disagree")
    if top is not None and top >= n_docs:
        raise ValueError("score arrays name more documents than the index holds")


def onnx_entry(info: dict[str, Any]) -> dict[str, Any]:
    """The manifest's ``query_encoder`` entry for an export whose file names are relative to its folder."""
    return {
        **info,
        **{k: f"{QUERY_ENCODER}/{info[k]}" for k in ("file", "weights", "tokenizer", "int8_file") if info.get(k)},
    }


def onnx_spec(vdir: Path, manifest: dict[str, Any]) -> OnnxSpec | None:
    """The version's ONNX query encoder as the manifest describes it (or as its file list shows), if any."""
    model_file = f"{QUERY_ENCODER}/model.onnx"
    info = manifest.get("query_encoder")
    if isinstance(info, dict) and info.get("type") == "onnx":
        file = str(info.get("file") or model_file)
    elif model_file in manifest.get("files", {}):
        info, file = {}, model_file
    else:
        return None
    if not (vdir / file).is_file():
        return None
    max_length = info.get("max_length")
    int8 = info.get("int8_file")  # older versions have none: their queries run in fp32
    int8_name = Path(int8).name if isinstance(int8, str) and (vdir / int8).is_file() else None
    return OnnxSpec(
        (vdir / file).parent,
        int(max_length) if max_length else None,
        str(info.get("precision", "fp32")),
        Path(file).name,
        int8_name,
    )
