"""A temporary file of JSON values, one a line: appended once, then read back in order or by number.

What a build would otherwise hold for every paper until the end (its record, its edges' evidence)
waits here on disk. The file lives in the folder given (the build's, so on the index's disk) and
has no name there: it disappears when closed, or when the process ends however it ends.
"""

from __future__ import annotations

import json
import os
import tempfile
from array import array
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

_CHUNK = 1 << 20


class JsonSpool:
    """JSON values on disk, numbered in the order appended."""

    def __init__(self, folder: Path | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (open until close(), like the spool)
        self._starts = array("q", [0])  # value i is the bytes starts[i]:starts[i + 1]

    def __len__(self) -> int:
        return len(self._starts) - 1

    def append(self, value: Any) -> None:
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        self._file.write(data)
        self._starts.append(self._starts[-1] + len(data))

    def __getitem__(self, i: int) -> Any:
        self._file.flush()
        start = self._starts[i]
        return json.loads(os.pread(self._file.fileno(), self._starts[i + 1] - start, start))

    def __iter__(self) -> Iterator[Any]:
        """Every value in order; reading does not move the writer, and several readers may run at once."""
        self._file.flush()
        fd, at, rest = self._file.fileno(), 0, b""
        while chunk := os.pread(fd, _CHUNK, at):
            at += len(chunk)
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            for line in lines:
                yield json.loads(line)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> JsonSpool:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
