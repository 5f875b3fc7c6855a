"""Every file of a version checked against its manifest before the version is used: its size, and its sha256.

Every file changes results (the ONNX weights, ~90 MB, as much as the records), so every file is
hashed, whatever its size, a megabyte at a time. That costs ~0.1 s of CPU, which a one-shot
``papersearch ask`` should not pay every time; so a check that hashed every file records its
verdict in the version folder (``verified.json``): under the manifest's checksum, each file's size,
modification and change times, inode and device as they were when it was hashed. Then:

- ``trust_verdict=False`` (a service's first load and every swap, ``index --check``, a build): every
  file is hashed, verdict or not;
- ``trust_verdict=True`` (the command line's one-shot commands): a file whose stat is what the
  verdict recorded is not hashed again; any other is, and the verdict is brought up to date.

Why this is sound for edits: any change through the file system (a write, a truncation, even one
followed by ``touch -d`` to put the modification time back) moves the change time (ctime), which no
user can set back; a file replaced by another is another inode. What a verdict cannot see is damage
beneath the file system (bits rotting on the medium, a write to the raw device), which leaves every
stat as it was: the service, ``index --check`` and every build still see it, the command line only
once one of those has run. Writing a verdict is best effort: a read-only index is hashed each time.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from ..core.errors import IndexStateError
from ..core.files import file_sha256
from ..corpus.files import file_kind
from .layout import FIX, VERDICT


def verify_files(vdir: Path, manifest: dict[str, Any], trust_verdict: bool = False) -> None:
    """Check every file the manifest lists: a regular file of the recorded size and sha256 (see the module)."""
    verdict = _read_verdict(vdir, manifest) if trust_verdict else {}
    seen: dict[str, list[int]] = {}
    hashed = False
    for rel, meta in manifest["files"].items():
        path = vdir / rel
        before = _stamp(path, meta)
        if verdict.get(rel) != before:
            if file_sha256(path) != meta.get("sha256"):
                raise IndexStateError(f"{path} is damaged (its checksum does not match the manifest); {FIX}")
            hashed = True
            if _stamp(path, meta) != before:  # changed while it was read: checked, but not vouched for
                continue
        seen[rel] = before
    if hashed or seen != verdict:
        _write_verdict(vdir, manifest, seen)


def verify_one(vdir: Path, manifest: dict[str, Any], rel: str) -> None:
    """Check one file the manifest lists as a one-shot command would (``trust_verdict``): hashed unless the
    verdict vouches for its stat; the verdict is left as it is (it speaks for every file)."""
    meta = manifest["files"].get(rel)
    if not isinstance(meta, dict):
        raise IndexStateError(f"{vdir / 'manifest.json'} does not list {rel}; {FIX}")
    path = vdir / rel
    if _read_verdict(vdir, manifest).get(rel) != _stamp(path, meta) and file_sha256(path) != meta.get("sha256"):
        raise IndexStateError(f"{path} is damaged (its checksum does not match the manifest); {FIX}")


def _stamp(path: Path, meta: dict[str, Any]) -> list[int]:
    """The file's size, times, inode and device; an IndexStateError when it is missing, not a regular file
    (a symlink is not followed) or not the size the manifest records."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise IndexStateError(f"{path} is missing; {FIX}") from None
    except OSError as exc:
        raise IndexStateError(f"{path} cannot be read ({exc.strerror}); {FIX}") from None
    if not stat.S_ISREG(st.st_mode):
        raise IndexStateError(f"{path} is {file_kind(st.st_mode)}, not a regular file; {FIX}")
    if st.st_size != meta.get("size"):
        raise IndexStateError(f"{path} is damaged (size {st.st_size}, expected {meta.get('size')}); {FIX}")
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _read_verdict(vdir: Path, manifest: dict[str, Any]) -> dict[str, list[int]]:
    """The files the last full check vouched for (rel -> stamp), if it checked this manifest; else none."""
    try:
        verdict = json.loads((vdir / VERDICT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(verdict, dict) or verdict.get("manifest") != manifest.get("checksum"):
        return {}
    files = verdict.get("files")
    return files if isinstance(files, dict) else {}


def _write_verdict(vdir: Path, manifest: dict[str, Any], files: dict[str, list[int]]) -> None:
    """Record the files just vouched for; never an error (a read-only index, a full disk: hash again next time)."""
    tmp = vdir / f".{VERDICT}.{os.getpid()}.tmp"
    try:
        tmp.write_text(json.dumps({"manifest": manifest.get("checksum"), "files": files}), encoding="utf-8")
        os.replace(tmp, vdir / VERDICT)
    except OSError:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)


def vouched_for(vdir: Path, manifest: dict[str, Any]) -> Callable[[Path, str], bool]:
    """Whether a file elsewhere is one this version's verdict vouches for, unchanged, with this sha256: the same
    inode, size and modification time (its change time moves when another link to it is made).

    For a build, moments after it checked the version in use in full: the ONNX export's cache holds the
    same files as that version's query encoder, and need not be read again to be trusted.
    """
    shas = {rel: meta.get("sha256") for rel, meta in manifest.get("files", {}).items()}
    known = {(s[3], s[4]): (s[0], s[1], shas.get(rel)) for rel, s in _read_verdict(vdir, manifest).items()}

    def vouched(path: Path, sha: str) -> bool:
        try:
            st = os.stat(path)
        except OSError:
            return False
        return known.get((st.st_ino, st.st_dev)) == (st.st_size, st.st_mtime_ns, sha)

    return vouched
