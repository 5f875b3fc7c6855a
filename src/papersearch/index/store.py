"""The index folder around its versions: the CURRENT pointer, atomic publishing, cleaning, the build lock.

index/CURRENT                 name of the version in use (replaced by one rename)
index/versions/<version>/     one version, in the format ``layout`` describes
index/.build-<version>/       a build in progress; removed by the next build if abandoned
index/.cache/                 the ONNX export and the model fingerprint, kept between builds
index/.lock                   held by the one build running
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..core.errors import IndexStateError
from .layout import FIX

POINTER = "CURRENT"
VERSIONS = "versions"
CACHE = ".cache"
KEEP_VERSIONS = 3


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


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index folder."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise IndexStateError(f"{index_dir} is a file, not an index folder; point --index at a folder") from None
    except OSError as exc:
        raise IndexStateError(f"cannot create the index folder {index_dir}: {exc.strerror}") from None
    with (index_dir / ".lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexStateError(
                f"another `papersearch index` is building {index_dir}; wait for it to finish"
            ) from None
        yield
