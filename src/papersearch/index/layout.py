"""The on-disk format of one index version: its file names, format numbers, manifest and checksums.

One version folder holds::

    manifest.json         format version, model, corpus hash, per-paper hashes, counts, build
                          stages, the vector index's parameters, and the size and sha256 of every file
    papers.sqlite         the records, passages, edges, outside references and query-understanding
                          tables, read by key (``database``)
    columns/              per-paper arrays read memory-mapped: years, eras, passage rows, the graph's
                          shape, path vectors, the list's mean vector (``columns``)
    eras.json             the eras
    vocabulary.json       corpus words and counts, for typo correction
    vectors.npy           float32 passage vectors, one row per passage (a paper's passages are adjacent)
    vectors.faiss         the FAISS index over them (mapped, not read, when loaded)
    lexical/              BM25 score arrays (CSC) and vocabulary, in the files bm25s saves
    query_encoder/        the ONNX export of the model, its weights and tokenizer (optional)

``writer``, ``column_build`` and ``database`` write a version a record or a row at a time; ``reader``
reads it back, for a searcher (``read_version``) or to check it (``check_version``), starting from the
manifest checked here and every file checked against it (``integrity``); ``store`` owns the index
folder around the versions (CURRENT, publishing, cleaning). The manifest records the code that built
a version (``BUILT_BY``): a version built by another is stale, and ``papersearch index`` rebuilds it.
Versions of format 2 held papers.json, passages.json and graph.json instead of the database (one
item a line, ``json_files``); a build still reads their passages to reuse their vectors. Versions of format 3
lacked the database's ``stems`` table (each hit's record was tokenised again by ``why``); their vectors are reused.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..core.errors import IndexStateError
from ..core.files import file_sha256
from ..encode.factory import OnnxSpec
from ..graph.version import EXTRACTION_VERSION

FORMAT_VERSION = 4  # the files and their shapes; a version of another format is rebuilt, never read
REUSABLE_FORMATS = (
    2,
    3,
    FORMAT_VERSION,
)  # formats whose vectors a build reuses (never serves): their manifests are read
PASSAGES_FORMAT = 1  # how papers are cut into passages (passages.py); vectors are reused only within one
WORDS_FORMAT = 1  # how texts become words: tokens.tokenize (BM25) and vocabulary.WORD_RE (typo correction)
BUILT_BY = {  # the manifest's record of the code that built a version: one that differs is stale
    "format_version": ("index format", FORMAT_VERSION),
    "passages_format": ("passage cutting", PASSAGES_FORMAT),
    "words_format": ("word splitting", WORDS_FORMAT),
    "extraction_version": ("graph extraction", EXTRACTION_VERSION),
}
MANIFEST = "manifest.json"
DATABASE = "papers.sqlite"
COLUMNS = "columns"
PASSAGES = "passages.json"  # format 2's passages, read only to reuse an older version's vectors
ERAS = "eras.json"
GRAPH_KEYS = ("papers", "edges", "external")  # the graph record's lists, in the order a face prints them
VOCABULARY = "vocabulary.json"
VECTORS = "vectors.npy"
VECTOR_INDEX = "vectors.faiss"
LEXICAL = "lexical"
ENGINE = "engine"  # lexical/engine/: the Tantivy index that finds the lexical side's best papers (``lexical_engine``)
LEXICAL_FILES = {
    "data": "data.csc.index.npy",
    "indices": "indices.csc.index.npy",
    "indptr": "indptr.csc.index.npy",
    "vocab": "vocab.index.json",
    "params": "params.index.json",
}
QUERY_ENCODER = "query_encoder"
VERDICT = "verified.json"  # the last full check of a version's files (``integrity``); not one of its files
FIX = "run `papersearch index` to rebuild it"


@contextmanager
def reading(path: Path, what: str) -> Iterator[None]:
    """Turns a file found missing or damaged while it is read into the IndexStateError that says so."""
    try:
        yield
    except FileNotFoundError:
        raise IndexStateError(f"{path} is missing ({what}); {FIX}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise IndexStateError(f"{path} is damaged ({what}: {exc.__class__.__name__}); {FIX}") from None


def read_json(path: Path, what: str) -> Any:
    """A whole JSON file; an IndexStateError naming it (and ``what`` it holds) when it is missing or damaged."""
    with reading(path, what):
        return json.loads(path.read_text(encoding="utf-8"))


def read_manifest(vdir: Path, formats: tuple[int, ...] = (FORMAT_VERSION,)) -> dict[str, Any]:
    """A version's manifest, checked (one of ``formats``, a file list, its own checksum); else an IndexStateError.

    An intact manifest of another format says the index is stale: ``papersearch index`` rebuilds it (reading
    one of ``REUSABLE_FORMATS`` only for the vectors it can reuse).
    """
    manifest = read_json(vdir / MANIFEST, "the manifest")
    found = manifest.get("format_version") if isinstance(manifest, dict) else None
    if isinstance(found, int) and found not in formats and manifest.get("checksum") == manifest_checksum(manifest):
        raise IndexStateError(
            f"index {vdir.name} is stale: it was built in index format {found}, and this papersearch reads "
            f"format {FORMAT_VERSION}; {FIX}"
        )
    if not isinstance(manifest, dict) or found not in formats:
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


def built_by() -> dict[str, int]:
    """The manifest's record of this code: the index format and the versions of every rule a version is built by."""
    return {key: number for key, (_, number) in BUILT_BY.items()}


def built_by_other_code(manifest: dict[str, Any]) -> str | None:
    """Why a version was built by other code than this (its format, passage cutting, word splitting or graph
    extraction: one of ``BUILT_BY`` differs or is not recorded), in the one wording of "stale"; else None."""
    for key, (what, number) in BUILT_BY.items():
        found = manifest.get(key)
        if found != number:
            built = f"version {found}" if isinstance(found, int) else "an older version"
            return (
                f"index {manifest.get('version', '?')} is stale: it was built with {built} of the {what}, and this "
                f"papersearch uses version {number}; run `papersearch index`"
            )
    return None


def describe_files(vdir: Path, previous: Path | None = None, known: dict[str, Any] | None = None) -> dict[str, Any]:
    """Size and sha256 of every file in ``vdir`` but the manifest.

    A file that is a hard link to the same path in ``previous`` (a version whose manifest lists
    ``known``) keeps the sha256 recorded there instead of being read again: the ONNX weights
    (~90 MB) are linked into every version from the export cache. The recorded hash is the one
    taken when that content was first described, so damage since then is still caught.
    """
    out = {}
    for path in sorted(vdir.rglob("*")):
        if path.is_file() and path.name not in (MANIFEST, VERDICT):
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
