"""The index folder on disk: versions, the CURRENT pointer, the manifest and integrity checks.

Layout::

    index/CURRENT                 name of the version in use (replaced by one rename)
    index/versions/<version>/     manifest.json, papers.json, views.json, vectors.npy,
                                  vectors.faiss, lexical/ (BM25 arrays + vocabulary JSON)
    index/.build-<version>/       a build in progress; removed by the next build if abandoned
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from .errors import IndexStateError

FORMAT_VERSION = 1
POINTER = "CURRENT"
VERSIONS = "versions"
MANIFEST = "manifest.json"
HASH_LIMIT = 64 << 20  # files up to this size are hashed on every load; larger ones on --check
KEEP_VERSIONS = 3
FIX = "run `papersearch index` to rebuild it"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def new_version_name() -> str:
    return time.strftime("v%Y%m%dT%H%M%S", time.gmtime()) + f"-{os.getpid()}-{time.monotonic_ns() % 100000:05d}"


def current_version(index_dir: Path) -> str:
    """The version named by CURRENT; raises when the index does not exist."""
    pointer = index_dir / POINTER
    if not pointer.is_file():
        raise IndexStateError(f"no index at {index_dir} (missing {POINTER}); {FIX}")
    name = pointer.read_text(encoding="utf-8").strip()
    if not name or "/" in name or name.startswith(".") or not (index_dir / VERSIONS / name).is_dir():
        raise IndexStateError(f"{pointer} names a version that does not exist ({name!r}); {FIX}")
    return name


def version_dir(index_dir: Path, version: str | None = None) -> Path:
    return index_dir / VERSIONS / (version or current_version(index_dir))


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


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def publish(index_dir: Path, build_dir: Path, version: str) -> None:
    """Move a finished build into ``versions/`` and switch CURRENT to it with one rename."""
    versions = index_dir / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    for f in build_dir.rglob("*"):
        if f.is_file():
            with f.open("rb") as fh:
                os.fsync(fh.fileno())
    final = versions / version
    os.replace(build_dir, final)
    fsync_dir(versions)
    tmp = index_dir / f".{POINTER}.tmp{os.getpid()}"
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(version + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / POINTER)
    fsync_dir(index_dir)


def clean(index_dir: Path, keep: int = KEEP_VERSIONS) -> list[str]:
    """Remove abandoned builds and all but the newest ``keep`` versions (never the current one)."""
    removed = []
    for leftover in index_dir.glob(".build-*"):
        shutil.rmtree(leftover, ignore_errors=True)
        removed.append(leftover.name)
    for tmp in index_dir.glob(f".{POINTER}.tmp*"):
        tmp.unlink(missing_ok=True)
        removed.append(tmp.name)
    versions = index_dir / VERSIONS
    try:
        current = current_version(index_dir)
    except IndexStateError:
        current = None
    if versions.is_dir():
        olds = sorted((p for p in versions.iterdir() if p.is_dir() and p.name != current), key=lambda p: p.name)
        for p in olds[: max(0, len(olds) - (keep - 1))]:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
    return removed
