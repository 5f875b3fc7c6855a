"""A temporary file of JSON values, one a line: appended once, then read back in order or by number.

What a build would otherwise hold for every paper until the end (its record, its edges' evidence)
waits here on disk. The file lives in the folder given (the build's, so on the index's disk) and
has no name there: it disappears when closed, or when the process ends however it ends. An error
writing it (a full disk) is an ``OSError`` that names it all the same: ``name``, what it holds in
the folder given.
"""

from __future__ import annotations

import json
import os
import tempfile
from array import array
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any

_CHUNK = 1 << 20
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # json.dumps would make one a value


class JsonSpool:
    """JSON values on disk, numbered in the order appended; ``holds`` says what they are, for error messages."""

    def __init__(self, folder: Path | None = None, holds: str = "JSON values") -> None:
        where = folder if folder is not None else Path(tempfile.gettempdir())
        self.name = f"{where}/ (a temporary file of {holds})"
        with self._named():
            self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (open until close(), like the spool)
        self._starts = array("q", [0])  # value i is the bytes starts[i]:starts[i + 1]

    @contextmanager
    def _named(self) -> Iterator[None]:
        """An OSError of the file's own (a write, a flush) names it."""
        try:
            yield
        except OSError as exc:
            if exc.filename is None:
                exc.filename = self.name
            raise

    def __len__(self) -> int:
        return len(self._starts) - 1

    def append(self, value: Any) -> None:
        data = _ENCODER.encode(value).encode() + b"\n"
        with self._named():
            self._file.write(data)
        self._starts.append(self._starts[-1] + len(data))

    def _flush(self) -> None:
        with self._named():
            self._file.flush()

    def __getitem__(self, i: int) -> Any:
        self._flush()
        start = self._starts[i]
        return json.loads(os.pread(self._file.fileno(), self._starts[i + 1] - start, start))

    def __iter__(self) -> Iterator[Any]:
        """Every value in order; reading does not move the writer, and several readers may run at once."""
        self._flush()
        fd, at, rest = self._file.fileno(), 0, b""
        while chunk := os.pread(fd, _CHUNK, at):
            at += len(chunk)
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            for line in lines:
                yield json.loads(line)

    def close(self) -> None:
        with self._named():
            self._file.close()

    def __enter__(self) -> JsonSpool:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        """Closes the file; when the body failed, a close that fails too (its buffer) does not hide why."""
        if kind is None:
            self.close()
        else:
            with suppress(OSError):
                self.close()
