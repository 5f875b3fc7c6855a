"""The on-disk format of one index version: its file names, manifest, and how it is written and read.

One version folder holds::

    manifest.json         format version, model, corpus hash, per-paper hashes, counts, build
                          stages, the vector index's parameters, and the size and sha256 of every file
    papers.json           one PaperRecord per paper (with its neighbourhood), in corpus order
    views.json            one [paper id, kind, text] row per embedded passage, in vector order
    eras.json, graph.json the eras and the cross-reference graph
    vocabulary.json       corpus words and counts, for typo correction
    vectors.npy           float32 passage vectors, one row per views.json row
    vectors.faiss         the FAISS index over them
    lexical/              BM25 score arrays (CSC) and vocabulary, in the files bm25s saves
    query_encoder/        the ONNX export of the model, its weights and tokenizer (optional)

``read_version`` loads and checks a folder (any damage raises IndexStateError naming the file);
``store`` owns the index folder around the versions (CURRENT, publishing, cleaning).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import IndexStateError
from ..core.records import EraRecord, GraphRecord, PaperRecord
from ..core.settings import Settings
from ..encode.factory import OnnxSpec
from . import vectors
from .lexical import LexicalIndex

FORMAT_VERSION = 1
VIEWS_FORMAT = 1  # how papers are cut into passages (passages.py); vectors are reused only within one
MANIFEST = "manifest.json"
PAPERS = "papers.json"
PASSAGES = "views.json"
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
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
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
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


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
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
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
    try:
        matrix = np.load(vdir / VECTORS, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise IndexStateError(f"{vdir / VECTORS} is damaged ({exc.__class__.__name__}); {FIX}") from None
    if matrix.ndim != 2 or matrix.shape[0] != len(passages) or matrix.dtype != np.float32:
        raise IndexStateError(f"{vdir / VECTORS} does not match {PASSAGES}; {FIX}")
    info = manifest.get("vector_index", {})
    try:
        findex = vectors.load(vdir / VECTOR_INDEX, info, settings.nprobe, settings.ef_search, settings.faiss_threads)
    except RuntimeError as exc:
        raise IndexStateError(f"{vdir / VECTOR_INDEX} is damaged ({str(exc).splitlines()[0][:80]}); {FIX}") from None
    if (held := vectors.stored(findex, info)) != matrix.shape[0]:
        raise IndexStateError(f"{vdir / VECTOR_INDEX} holds {held} vectors, expected {matrix.shape[0]}; {FIX}")
    try:
        lex = read_lexical(vdir / LEXICAL, len(records))
    except (ValueError, OSError, EOFError) as exc:
        raise IndexStateError(f"{vdir / LEXICAL} is damaged ({exc}); {FIX}") from None
    vocab = read_json(vdir / VOCABULARY, "spelling vocabulary")
    pos = {r["id"]: i for i, r in enumerate(records)}
    try:
        row_paper = np.array([pos[v[0]] for v in passages], dtype=np.int64)
    except (KeyError, IndexError, TypeError):
        raise IndexStateError(f"{vdir / PASSAGES} names papers the records do not hold; {FIX}") from None
    order = np.argsort(row_paper, kind="stable")
    bounds = np.searchsorted(row_paper[order], np.arange(len(records) + 1))
    paper_rows = [order[bounds[i] : bounds[i + 1]] for i in range(len(records))]
    return IndexData(vdir, manifest, records, eras, graph, passages, matrix, findex, lex, vocab, row_paper, paper_rows)


def write_records(
    vdir: Path, records: list[PaperRecord], graph: GraphRecord, eras: list[EraRecord], vocabulary: dict[str, int]
) -> None:
    """The JSON files of a version: paper records, graph, eras and the spelling vocabulary."""
    write_json(vdir / PAPERS, records)
    write_json(vdir / GRAPH, graph)
    write_json(vdir / ERAS, eras)
    write_json(vdir / VOCABULARY, vocabulary)


def write_lexical(out_dir: Path, index: LexicalIndex, params: dict[str, Any]) -> None:
    """Save BM25 score arrays and vocabulary as plain ``.npy`` and JSON, in the files bm25s saves."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, arr in (("data", index.data), ("indices", index.indices), ("indptr", index.indptr)):
        np.save(out_dir / LEXICAL_FILES[name], arr, allow_pickle=False)
    (out_dir / LEXICAL_FILES["vocab"]).write_text(json.dumps(index.vocab, ensure_ascii=False), encoding="utf-8")
    (out_dir / LEXICAL_FILES["params"]).write_text(json.dumps(params, indent=4), encoding="utf-8")


def read_lexical(path: Path, n_docs: int) -> LexicalIndex:
    """The saved BM25 scores; ValueError when the arrays disagree with each other or with ``n_docs``."""
    data = np.load(path / LEXICAL_FILES["data"], allow_pickle=False)
    indices = np.load(path / LEXICAL_FILES["indices"], allow_pickle=False)
    indptr = np.load(path / LEXICAL_FILES["indptr"], allow_pickle=False)
    vocab = json.loads((path / LEXICAL_FILES["vocab"]).read_text(encoding="utf-8"))
    if not isinstance(vocab, dict) or (len(indptr) != len(vocab) + 1 and len(indptr) != len(vocab)):
        raise ValueError("vocabulary and score arrays disagree")
    if len(indices) and int(indices.max()) >= n_docs:
        raise ValueError("score arrays name more documents than the index holds")
    return LexicalIndex(data, indices, indptr, vocab, n_docs)


def onnx_entry(info: dict[str, Any]) -> dict[str, Any]:
    """The manifest's ``query_encoder`` entry for an export whose file names are relative to its folder."""
    return {**info, **{k: f"{QUERY_ENCODER}/{info[k]}" for k in ("file", "weights", "tokenizer") if k in info}}


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
    return OnnxSpec((vdir / file).parent, int(max_length) if max_length else None, str(info.get("precision", "fp32")))
