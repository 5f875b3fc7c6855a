"""What the stages need of a file's bytes: flushed to the disk, and checksummed.

A rename is durable only once the folder that holds it is synced (the corpus journal and the index's
publish rely on that); a file's sha256 is read a megabyte at a time (the index manifest, the exported
query encoder, the model's fingerprint). Each rule lives here once.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

CHUNK = 1 << 20  # bytes read at a time when hashing


def update_hash(h: Any, path: Path) -> None:
    """Feed ``path``'s bytes to the hash object ``h``, a chunk at a time (a model's weights never whole in memory)."""
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)


def file_sha256(path: Path) -> str:
    """The sha256 of a file, in hex."""
    h = hashlib.sha256()
    update_hash(h, path)
    return h.hexdigest()


def fsync_file(path: Path) -> None:
    """Flush ``path``'s bytes to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Flush ``path``'s entries (names created, renamed or removed in it) to the disk; a folder that cannot be
    opened (gone, or a platform without folder fsync) is left as it is."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
