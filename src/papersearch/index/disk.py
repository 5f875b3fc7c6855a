"""A build's writes on a disk that may fill up or fail: every error names its file, and ends as one line.

Each file a build writes is written through ``naming`` (or ``written``), so an ``OSError`` from a
write, a flush or a close carries the file's name however deep it was raised; arrays that are filled
through a memory map get their space first (``writer.preallocated_array``), so a full disk is an
``OSError`` at that moment, never a ``SIGBUS`` while the map is written. The temporary files of the
libraries a build calls go into the build's own folder (``temporary_files_in``): one disk holds
everything a build writes, and removing the folder removes them. ``build_failure`` turns the error
into the one line the command prints: what could not be written and how much space the build needs.
``shutil`` and ``tempfile`` are imported by the functions that use them: a one-shot query imports this
module (through ``vectors``) and writes nothing.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TextIO

from ..core.errors import DiskError
from .layout import QUERY_ENCODER

NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})  # errors that more free space would cure
PAPER_BYTES = 24 << 10  # a version's bytes a paper (vectors ~15 KB, JSON ~5 KB, BM25 ~2 KB), when none is in use
SPOOL_SHARE = 0.5  # the temporary files beside a version, as a share of its size


@contextmanager
def naming(what: Path | str) -> Iterator[None]:
    """An ``OSError`` raised inside without a file name gets ``what``: the file (or files) being written."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(what)
        raise


@contextmanager
def written(path: Path) -> Iterator[TextIO]:
    """A new UTF-8 text file, closed after; errors opening and closing it name ``path`` (the body names its own
    writes with ``naming``: it may do other things besides). When the body fails, a close that fails as
    well (its buffer cannot be written either) does not replace the reason.
    """
    with naming(path):
        fh = path.open("w", encoding="utf-8")
    try:
        yield fh
    except BaseException:
        with suppress(OSError):
            fh.close()
        raise
    with naming(path):
        fh.close()


@contextmanager
def temporary_files_in(folder: Path) -> Iterator[None]:
    """Temporary files made through ``tempfile`` (onnxruntime's quantiser makes a copy of the model) go into
    ``folder`` while the body runs; the folder is removed after."""
    import shutil
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    before = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = before
        shutil.rmtree(folder, ignore_errors=True)


def is_disk_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the disk refusing a write: no space, a quota, a file too large, an I/O error, read-only."""
    return isinstance(exc, OSError) and exc.errno in NO_SPACE | {errno.EIO, errno.EROFS}


def space_needed(papers: int, previous: dict[str, Any] | None, export_bytes: int) -> int:
    """An estimate of the bytes a build needs: the new version, scaled from the one in use (without its query
    encoder, which is linked, not copied) or ``PAPER_BYTES`` a paper, its temporary files, and ``export_bytes``
    for an ONNX export not made yet."""
    version = papers * PAPER_BYTES
    files = previous.get("files") if previous else None
    old_papers = previous.get("counts", {}).get("papers") if previous else None
    if isinstance(files, dict) and isinstance(old_papers, int) and old_papers > 0:
        sizes = (m.get("size", 0) for rel, m in files.items() if not rel.startswith(QUERY_ENCODER + "/"))
        version = sum(s for s in sizes if isinstance(s, int)) * papers // old_papers
    return int(version * (1 + SPOOL_SHARE)) + export_bytes


def free_bytes(folder: Path) -> int | None:
    """Free space on the disk holding ``folder`` (for an unprivileged user), or None when it cannot be read."""
    import shutil

    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def build_failure(exc: OSError, index_dir: Path, needed: int, in_use: str | None) -> DiskError:
    """The one line a build that could not write ``exc.filename`` ends with (its folder already removed).

    ``needed``: the estimate (``space_needed``); the build failed with what is free now, so it needs more.
    """
    what = exc.filename or index_dir
    kept = f"index {in_use} is still in use" if in_use else "there is still no index"
    if exc.errno not in NO_SPACE:
        return DiskError(f"cannot write {what}: {exc.strerror or exc}; nothing was published ({kept})")
    free = free_bytes(index_dir)
    need = max(needed, int((free or 0) * 1.25) + (64 << 10))  # it did not fit in what is free now
    has = f", which has {_size(free)} free" if free is not None else ""
    return DiskError(
        f"no space left on the disk to write {what}: this build needs about {_size(need)} free on the index's "
        f"disk ({index_dir}){has}; free some space and run `papersearch index` again. Nothing was published "
        f"({kept})"
    )


def _size(n: int) -> str:
    """Bytes for a person: KB below a megabyte, MB with one decimal below a gigabyte, else GB."""
    if n < 1 << 20:
        return f"{max(1, round(n / 1024))} KB"
    if n < 1 << 30:
        return f"{n / (1 << 20):.1f} MB"
    return f"{n / (1 << 30):.1f} GB"


def remove_quietly(path: Path) -> None:
    """Remove a file or folder left by a failed write, if any; a failure to remove it is not a second error."""
    import shutil

    with suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            os.unlink(path)
