"""File checksums of a new version: what is hashed again and what keeps the previous manifest's hash."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from papersearch.core.errors import IndexStateError
from papersearch.index import layout


def _versions(tmp_path: Path) -> tuple[Path, Path, dict]:
    """A previous version holding two files and its manifest's file list; an empty new version."""
    old, new = tmp_path / "old", tmp_path / "new"
    (old / "sub").mkdir(parents=True)
    new.mkdir()
    (old / "sub" / "weights.bin").write_bytes(b"w" * 4096)
    (old / "small.json").write_text("[1, 2, 3]", encoding="utf-8")
    return old, new, layout.describe_files(old)


def test_files_are_hashed_without_a_previous_version(tmp_path: Path) -> None:
    old, _, files = _versions(tmp_path)
    assert files == {
        "small.json": {"size": 9, "sha256": layout.file_sha256(old / "small.json")},
        "sub/weights.bin": {"size": 4096, "sha256": layout.file_sha256(old / "sub" / "weights.bin")},
    }


def test_a_hard_link_keeps_the_recorded_hash(tmp_path: Path) -> None:
    old, new, files = _versions(tmp_path)
    (new / "sub").mkdir()
    os.link(old / "sub" / "weights.bin", new / "sub" / "weights.bin")
    known = {**files, "sub/weights.bin": {"size": 4096, "sha256": "recorded"}}
    assert layout.describe_files(new, old, known)["sub/weights.bin"]["sha256"] == "recorded"  # not read again


@pytest.mark.parametrize("how", ["copy", "other size"])
def test_anything_else_is_hashed_again(tmp_path: Path, how: str) -> None:
    old, new, files = _versions(tmp_path)
    (new / "sub").mkdir()
    if how == "copy":  # same name and size, another inode
        shutil.copy2(old / "sub" / "weights.bin", new / "sub" / "weights.bin")
        known = {**files, "sub/weights.bin": {"size": 4096, "sha256": "recorded"}}
    else:  # the same inode, but not the size the manifest recorded
        os.link(old / "sub" / "weights.bin", new / "sub" / "weights.bin")
        known = {**files, "sub/weights.bin": {"size": 1, "sha256": "recorded"}}
    got = layout.describe_files(new, old, known)["sub/weights.bin"]["sha256"]
    assert got == layout.file_sha256(new / "sub" / "weights.bin")


def test_damage_to_a_linked_file_is_still_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout, "HASH_LIMIT", 1024)  # weights.bin is now "large", like the ONNX weights
    old, new, files = _versions(tmp_path)
    (new / "sub").mkdir()
    os.link(old / "sub" / "weights.bin", new / "sub" / "weights.bin")
    with (old / "sub" / "weights.bin").open("r+b") as fh:  # damaged in place after it was described
        fh.write(b"x")
    manifest = {"files": layout.describe_files(new, old, files)}
    layout.verify_files(new, manifest)  # the size is right and large files are hashed only on --check ...
    with pytest.raises(IndexStateError, match="checksum"):
        layout.verify_files(new, manifest, full=True)  # ... which sees the damage
