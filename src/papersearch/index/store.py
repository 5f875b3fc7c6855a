"""The index folder around its versions: the CURRENT pointer, atomic publishing, cleaning, the build lock.

index/CURRENT                 name of the version in use (replaced by one rename); read only as a regular
                              file of the folder itself (never through a symlink), and never quoted back
index/versions/<version>/     one version, in the format ``layout`` describes
index/.build-<version>/       a build in progress; removed by the next build if abandoned
index/.cache/                 the ONNX export and the model fingerprint, kept between builds
index/.lock                   held by the one build running
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..core.errors import IndexStateError
from ..core.files import fsync_dir
from ..corpus.files import file_kind
from .disk import naming, written
from .layout import FIX

POINTER = "CURRENT"
VERSIONS = "versions"
CACHE = ".cache"
KEEP_VERSIONS = 3
VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")  # what CURRENT may name: a folder of versions/
POINTER_BYTES = 256  # CURRENT holds one name; anything longer is not a pointer


def new_version_name() -> str:
    return time.strftime("v%Y%m%dT%H%M%S", time.gmtime()) + f"-{os.getpid()}-{time.monotonic_ns() % 100000:05d}"


def current_version(index_dir: Path) -> str:
    """The version named by CURRENT; raises when the index does not exist or CURRENT is not a pointer.

    CURRENT must be a regular file in the index folder: it is opened without following a symlink
    (``O_NOFOLLOW``) and without blocking on a FIFO, and what it holds is never put into a message,
    since it could be any file's contents.
    """
    pointer = index_dir / POINTER
    text = _read_pointer(pointer, index_dir)
    name = text.strip()
    if not VERSION_NAME.fullmatch(name) or not _is_folder(index_dir / VERSIONS / name):
        raise IndexStateError(f"{pointer} does not name a version of this index; {FIX}")
    return name


def _read_pointer(pointer: Path, index_dir: Path) -> str:
    """CURRENT's text, read as a regular file of the index folder only; else an IndexStateError naming it."""
    try:
        fd = os.open(pointer, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):  # no folder, or a file where the folder should be
        raise IndexStateError(f"no index at {index_dir} (missing {POINTER}); {FIX}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IndexStateError(
                f"{pointer} is a symlink; it must be a regular file in the index folder naming a version; {FIX}"
            ) from None
        raise IndexStateError(f"{pointer} cannot be read ({exc.strerror}); {FIX}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise IndexStateError(f"{pointer} is {file_kind(mode)}, not a regular file naming a version; {FIX}")
        data = os.read(fd, POINTER_BYTES + 1)
    except OSError as exc:
        raise IndexStateError(f"{pointer} cannot be read ({exc.strerror}); {FIX}") from None
    finally:
        os.close(fd)
    if len(data) > POINTER_BYTES:
        raise IndexStateError(f"{pointer} does not name a version of this index; {FIX}")
    return data.decode("utf-8", errors="replace")


def _is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder itself, not a symlink to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def version_dir(index_dir: Path, version: str | None = None) -> Path:
    return index_dir / VERSIONS / (version or current_version(index_dir))


def publish(index_dir: Path, build_dir: Path, version: str) -> None:
    """Move a finished build into ``versions/`` and switch CURRENT to it with one rename.

    The new pointer is written (the one write here that needs space) before the build is moved, and
    a failure after the move takes the version out again: CURRENT only ever names a complete version,
    and a failed publish leaves no version behind.
    """
    versions = index_dir / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    for f in build_dir.rglob("*"):
        if f.is_file():
            with f.open("rb") as fh:
                os.fsync(fh.fileno())
    tmp = index_dir / f".{POINTER}.tmp{os.getpid()}"
    final = versions / version
    try:
        _write_pointer(tmp, version)
        os.replace(build_dir, final)
        fsync_dir(versions)
        os.replace(tmp, index_dir / POINTER)
        fsync_dir(index_dir)
    except BaseException:
        tmp.unlink(missing_ok=True)
        if final.is_dir() and named_version(index_dir) != version:
            _remove(final)
        raise


def _remove(folder: Path) -> None:
    """Remove a folder and everything in it, whatever fails. ``shutil`` (and the compression modules it
    imports) only here: a one-shot query, which removes nothing, does not pay ~4 ms of CPU to import it."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _write_pointer(tmp: Path, version: str) -> None:
    with written(tmp) as fh, naming(tmp):
        fh.write(version + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def named_version(index_dir: Path) -> str | None:
    """The version CURRENT names, or None when there is none (``current_version`` says why)."""
    try:
        return current_version(index_dir)
    except IndexStateError:
        return None


def clean(index_dir: Path, keep: int = KEEP_VERSIONS) -> list[str]:
    """Remove abandoned builds and all but the newest ``keep`` versions (never the current one)."""
    removed = []
    for leftover in index_dir.glob(".build-*"):
        _remove(leftover)
        removed.append(leftover.name)
    for tmp in index_dir.glob(f".{POINTER}.tmp*"):
        tmp.unlink(missing_ok=True)
        removed.append(tmp.name)
    return removed + prune(index_dir, keep)


def prune(index_dir: Path, keep: int) -> list[str]:
    """Remove all but the newest ``keep`` versions, never the current one; the names removed.

    A build prunes to one less before it checks its new version: removing a version unlinks the ONNX
    files it shares with the new one, which moves their change time and would void the verdict the
    check records (``integrity``) the moment it was written.
    """
    versions = index_dir / VERSIONS
    if not versions.is_dir():
        return []
    current = named_version(index_dir)
    olds = sorted((p for p in versions.iterdir() if p.is_dir() and p.name != current), key=lambda p: p.name)
    removed = []
    for p in olds[: max(0, len(olds) - (keep - 1))]:
        _remove(p)
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
    lock = index_dir / ".lock"
    try:
        fh = lock.open("w")
    except OSError as exc:
        raise IndexStateError(f"cannot create {lock}: {exc.strerror}; nothing was built") from None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexStateError(
                f"another `papersearch index` is building {index_dir}; wait for it to finish"
            ) from None
        yield
