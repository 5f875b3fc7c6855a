"""``papersearch index --check``: is the index present, intact, and built from this corpus and model?

``check_version`` checks a version folder as ``layout.read_version`` does (same checks, same
messages) in one bounded pass: records, passages and the graph are read one item at a time, and
the vectors and BM25 arrays are memory-mapped, so a build can check what it wrote, at any size,
without loading it. The corpus is read the same way (``corpus.scan``), keeping only its hashes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from ..core.errors import IndexStateError, PapersearchError
from ..core.settings import Settings
from ..corpus.scan import Scan, scan_corpus
from ..encode.model import model_fingerprint
from . import layout, store


def check(corpus_dir: Path, index_dir: Path, model: str, settings: Settings | None = None) -> tuple[bool, str]:
    """``papersearch index --check``: (ok, message)."""
    try:
        vdir = store.version_dir(index_dir)
        check_version(vdir, settings, full_verify=True)
        manifest = layout.read_manifest(vdir)
    except PapersearchError as exc:
        return False, str(exc)
    if manifest.get("model", {}).get("fingerprint") != model_fingerprint(model):
        return (
            False,
            f"index {vdir.name} was built with another model ({manifest['model']['name']}); run `papersearch index`",
        )
    try:
        corpus = scan_corpus(corpus_dir)
    except PapersearchError as exc:
        return False, f"the corpus has errors, so staleness cannot be judged:\n{exc}"
    problem = stale_against(manifest, corpus)
    if problem is not None:
        return False, problem
    counts = manifest["counts"]
    return True, f"index {vdir.name} is up to date: {counts['papers']} papers, {counts['vectors']} vectors"


def corpus_state(corpus_dir: Path) -> tuple[str | None, str | None]:
    """(the corpus's content hash, None), or (None, why it cannot be computed): what staleness is judged by."""
    try:
        return scan_corpus(corpus_dir).content_hash(), None
    except PapersearchError as exc:
        first = str(exc).splitlines()[:3]
        return None, f"cannot judge staleness: {' '.join(s.strip() for s in first)}"


def stale_against(manifest: dict[str, Any], corpus: Scan) -> str | None:
    """Why the version with ``manifest`` no longer matches ``corpus`` (which papers changed), or None when it does."""
    if manifest.get("corpus_hash") == corpus.content_hash():
        return None
    changed = _changed_papers(manifest, corpus)
    version = manifest.get("version", "?")
    return f"index {version} is stale: the corpus changed since it was built ({changed}); run `papersearch index`"


def _changed_papers(manifest: dict[str, Any], corpus: Scan) -> str:
    old = manifest.get("papers", {})
    new = corpus.hashes()
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    edited = sorted(k for k in set(new) & set(old) if new[k] != old[k])
    parts = []
    for label, ids in (("edited", edited), ("added", added), ("removed", removed)):
        if ids:
            parts.append(f"{label}: {', '.join(ids[:5])}{' …' if len(ids) > 5 else ''}")
    return "; ".join(parts) or "eras changed"


def check_version(vdir: Path, settings: Settings | None = None, full_verify: bool = False) -> None:
    """Check a version folder as ``layout.read_version`` does, holding only its paper ids (and one record)."""
    settings = settings or Settings.from_env()
    manifest = layout.read_manifest(vdir)
    layout.verify_files(vdir, manifest, full=full_verify)
    vector_index = {"vector_index": manifest.get("vector_index", {})}
    del manifest  # one hash a paper: not held while the records are read
    pos: dict[str, int] = {}
    for record in _items(vdir / layout.PAPERS, "paper records", list):
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise IndexStateError(f"{vdir} holds malformed records; {layout.FIX}")
        pos[record["id"]] = len(pos)
    rows = 0
    try:
        for row in layout.passage_rows(vdir / layout.PASSAGES):
            _ = pos[row[0]]  # raises for a paper the records do not hold
            rows += 1
    except (KeyError, IndexError, TypeError):
        raise IndexStateError(layout.unknown_papers(vdir)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise IndexStateError(
            f"{vdir / layout.PASSAGES} is damaged (passage texts: {exc.__class__.__name__}); {layout.FIX}"
        ) from None
    for what, path in (("graph", layout.GRAPH), ("spelling vocabulary", layout.VOCABULARY)):
        for _ in _items(vdir / path, what, dict):
            pass
    layout.read_json(vdir / layout.ERAS, "eras")
    layout.read_matrix(vdir, rows, mmap=True)
    layout.read_vector_index(vdir, vector_index, settings, rows)
    _check_lexical(vdir, len(pos))


def _check_lexical(vdir: Path, n_docs: int) -> None:
    """``layout.read_lexical``'s checks, reading the arrays a chunk at a time and the vocabulary a token at a time."""
    import numpy as np

    path = vdir / layout.LEXICAL
    try:
        for name in ("data", "indices"):
            np.load(path / layout.LEXICAL_FILES[name], mmap_mode="r", allow_pickle=False)  # the header only
        n_indptr = len(np.load(path / layout.LEXICAL_FILES["indptr"], mmap_mode="r", allow_pickle=False))
        with (path / layout.LEXICAL_FILES["vocab"]).open(encoding="utf-8") as fh:
            reader = _Reader(fh)
            n_vocab = -1
            if reader.peek() == "{":
                for _ in reader.object_of_arrays():
                    pass
                n_vocab = reader.keys
        layout.check_lexical(n_vocab, n_indptr, _largest(path / layout.LEXICAL_FILES["indices"]), n_docs)
    except (ValueError, OSError, EOFError) as exc:
        raise IndexStateError(layout.lexical_damage(vdir, exc)) from None


def _largest(path: Path) -> int | None:
    """The largest number in a one-dimensional .npy file (None when it is empty), read a chunk at a time."""
    import numpy as np

    top = None
    with path.open("rb") as fh:
        major, _ = np.lib.format.read_magic(fh)
        read_header = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
        _, _, dtype = read_header(fh)
        while (chunk := np.fromfile(fh, dtype=dtype, count=1 << 20)).size:
            most = int(chunk.max())
            top = most if top is None else max(top, most)
    return top


def _items(path: Path, what: str, kind: type) -> Iterator[Any]:
    """The items of a JSON file's array (``kind`` list) or of the arrays its object holds (``kind`` dict), one at a time."""
    try:
        with path.open(encoding="utf-8") as fh:
            reader = _Reader(fh)
            if kind is list and reader.peek() != "[":
                layout.read_json(path, what)  # damaged, or JSON that is not a list:
                raise IndexStateError(f"{path.parent} holds malformed records; {layout.FIX}")
            if kind is list:
                yield from reader.array()
            else:
                yield from reader.object_of_arrays()
            if reader.peek():
                raise ValueError("extra data")
    except FileNotFoundError:
        raise IndexStateError(f"{path} is missing ({what}); {layout.FIX}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise IndexStateError(f"{path} is damaged ({what}: {exc.__class__.__name__}); {layout.FIX}") from None


_SPACE = re.compile(r"[ \t\n\r]*")
_decode = json.JSONDecoder().raw_decode


class _Reader:
    """A JSON text read a piece at a time: its arrays item by item, any other value whole."""

    def __init__(self, fh: TextIO) -> None:
        self.fh, self.buf, self.at, self.eof = fh, "", 0, False
        self.keys = 0  # of the objects read by ``object_of_arrays``

    def _fill(self) -> None:
        """Read on: as much again as the buffer holds, so a long value is read in few steps (not one per 64 KB)."""
        rest = self.buf[self.at :]
        chunk = self.fh.read(max(1 << 16, len(rest)))
        self.buf, self.at, self.eof = rest + chunk, 0, not chunk

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            match = _SPACE.match(self.buf, self.at)
            self.at = match.end() if match else self.at
            if self.at < len(self.buf) or self.eof:
                return self.buf[self.at : self.at + 1]
            self._fill()

    def take(self, expected: str) -> str:
        found = self.peek()
        if found not in expected or not found:
            raise ValueError(f"expected one of {expected!r}")
        self.at += 1
        return found

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = _decode(self.buf, self.at)
                if end < len(self.buf) or self.eof:  # a value cut at the end of the buffer may decode too
                    self.at = end
                    return value
            except ValueError:
                if self.eof:
                    raise
            self._fill()

    def array(self) -> Iterator[Any]:
        self.take("[")
        if self.peek() == "]":
            self.at += 1
            return
        while True:
            yield self.value()
            if self.take(",]") == "]":
                return

    def object_of_arrays(self) -> Iterator[Any]:
        """The items of each array an object holds (other values are read and dropped)."""
        self.take("{")
        if self.peek() == "}":
            self.at += 1
            return
        while True:
            if not isinstance(self.value(), str):
                raise ValueError("expected a key")
            self.keys += 1
            self.take(":")
            if self.peek() == "[":
                yield from self.array()
            else:
                self.value()
            if self.take(",}") == "}":
                return
