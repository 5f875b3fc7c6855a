"""Writing a version's small files whole and atomically (``write_json``), and BM25's arrays in the files bm25s saves.

The large parts are written a record or a row at a time elsewhere: the database (``database``), the
per-paper arrays (``column_build``), the vectors (``matrix``, into a file whose space is allocated
first: ``allocate``). Every error names the file (``disk``).
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from .disk import naming, remove_quietly, written
from .layout import LEXICAL_FILES
from .lexical import LexicalIndex


def write_json(path: Path, data: Any) -> None:
    """A whole JSON file, compact, written to a temporary name, fsynced and renamed into place."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with written(tmp) as fh, naming(tmp):
            json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))  # json_text, a piece at a time
            fh.flush()
            os.fsync(fh.fileno())
        with naming(path):
            os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise


def allocate(fd: int, start: int, end: int) -> None:
    """Blocks for bytes ``start`` to ``end`` of a file (zeros); written out where the file system cannot allocate."""
    if end <= start:
        return
    try:
        os.posix_fallocate(fd, start, end - start)
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
            raise
        zeros = bytes(1 << 20)
        for at in range(start, end, len(zeros)):
            os.pwrite(fd, zeros[: min(len(zeros), end - at)], at)


def lexical_arrays(out_dir: Path) -> tuple[Path, Path]:
    """Where ``write_lexical`` puts the score arrays (data, indices): ``lexical.build`` may write them there itself."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir / LEXICAL_FILES["data"], out_dir / LEXICAL_FILES["indices"]


def write_lexical(out_dir: Path, index: LexicalIndex, params: dict[str, Any]) -> None:
    """Save BM25 score arrays and vocabulary as plain ``.npy`` and JSON, in the files bm25s saves.

    An array memory-mapped from its own file in ``out_dir`` (``lexical_arrays``) is there already.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, arr in (("data", index.data), ("indices", index.indices), ("indptr", index.indptr)):
        path = out_dir / LEXICAL_FILES[name]
        if not (isinstance(arr, np.memmap) and arr.filename and path.exists() and os.path.samefile(arr.filename, path)):
            with naming(path):
                np.save(path, arr, allow_pickle=False)
    for name, text in (
        ("vocab", json.dumps(index.vocab, ensure_ascii=False)),
        ("params", json.dumps(params, indent=4)),
    ):
        with written(out_dir / LEXICAL_FILES[name]) as fh, naming(out_dir / LEXICAL_FILES[name]):
            fh.write(text)
