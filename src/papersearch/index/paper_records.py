"""A version's paper records read alone, for faces that show or cite papers and search nothing.

``papers.json`` is checked against the manifest (its size, and its sha256 under the same rule as a
full load) and read a record at a time, each an object with an id: the same check ``reader`` makes,
written here once. Nothing else of the version is opened, and nothing heavy is imported (no numpy,
FAISS or model), so ``papersearch cite`` starts in a fraction of the time a search does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..core.errors import IndexStateError
from ..core.files import file_sha256
from ..core.records import PaperRecord
from . import json_files, layout, store
from .layout import FIX, PAPERS


def records(vdir: Path) -> Iterator[PaperRecord]:
    """papers.json's records, one at a time, each an object with an id (the file is not checked against the manifest)."""
    with layout.reading(vdir / PAPERS, "paper records"):
        for _, record in json_files.entries(vdir / PAPERS):
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                raise IndexStateError(f"{vdir / PAPERS} holds malformed records; {FIX}")
            yield record  # type: ignore[misc]


def current_records(index_dir: Path) -> tuple[str, Iterator[PaperRecord]]:
    """The version in use and its records, one at a time, once its manifest and papers.json are checked.

    Raises :class:`IndexStateError` naming the file, as loading the version would.
    """
    vdir = store.version_dir(Path(index_dir))
    manifest = layout.read_manifest(vdir)
    listed = manifest["files"].get(PAPERS)
    if not isinstance(listed, dict):
        raise IndexStateError(f"{vdir / layout.MANIFEST} does not list {PAPERS}; {FIX}")
    if file_sha256(vdir / PAPERS) != listed.get("sha256"):  # the one file read: hashed, no verdict written
        raise IndexStateError(f"{vdir / PAPERS} is damaged (its checksum does not match the manifest); {FIX}")
    return vdir.name, records(vdir)
