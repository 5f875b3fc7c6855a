"""A file to import, read safely and by the reader of its format: BibTeX, CSL-JSON, RIS, or arXiv's metadata
lines or search results (Atom).

The format is told from the file's first bytes (``guess_format``) unless the person names it. The
file must be a regular file (never a FIFO or a device) under a size cap checked before the first
byte is read: BibTeX, CSL-JSON, RIS and Atom are read whole (64 MB, about 50,000 entries with abstracts),
arXiv's JSON lines a line at a time (512 MB, some 300,000 papers; each line at most 1 MB). A file
that is not UTF-8 is refused with the line of its first bad byte; nothing is imported from it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from ..core.errors import ImportFileError, Problem
from .arxiv import read_arxiv
from .atom import ATOM, read_atom
from .bibtex import read_bibtex
from .csl import read_csl
from .files import MAX_FILE_BYTES, open_input, read_lines, read_whole, size_problem
from .incoming import Read
from .ris import read_ris
from .strict_json import loads_strict

ImportFormat = Literal["bibtex", "csl-json", "ris", "arxiv", "arxiv-atom"]
FORMATS: tuple[ImportFormat, ...] = ("bibtex", "csl-json", "ris", "arxiv", "arxiv-atom")
MAX_WHOLE_BYTES = 64_000_000  # a BibTeX or CSL-JSON file, read whole
MAX_LINES_BYTES = 512_000_000  # arXiv metadata, read a line at a time
_HEAD = 65_536
RIS_START = re.compile(r"TY  ?- ")


def guess_format(head: str) -> ImportFormat | None:
    """The format a file's first characters show: ``[`` CSL-JSON, a JSON object on the first line arXiv's
    metadata (one on several lines is a CSL item), a ``TY  - `` line RIS, XML of the Atom namespace arXiv's search
    results, an ``@`` entry BibTeX; None when it is none of them."""
    text = head.lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        return "csl-json"
    if text.startswith("{"):
        first = text.split("\n", 1)[0]
        try:
            record = loads_strict(first)
        except (ValueError, RecursionError):
            return "csl-json"
        return "arxiv" if isinstance(record, dict) and "id" in record and "title" in record else "csl-json"
    if RIS_START.match(text):
        return "ris"
    if text.startswith("<") and ATOM in text:
        return "arxiv-atom"
    return "bibtex" if any(line.lstrip().startswith("@") for line in text.splitlines()) else None


def read_source(
    path: Path, fmt: ImportFormat | None, problems: list[Problem], max_bytes: int | None = None
) -> tuple[ImportFormat, Iterator[Read]]:
    """The format of the file at ``path`` and its entries in file order (read lazily for arXiv metadata).

    Raises :class:`ImportFileError` when the file cannot be read at all; a line too long to read is
    appended to ``problems`` as it is met.
    """
    name = str(path)
    fd = open_input(Path(path), problems)
    if fd is None:
        raise ImportFileError(f"{name} cannot be imported:", problems)
    try:
        head = os.pread(fd, _HEAD, 0).decode("utf-8", "ignore")
    except OSError as exc:
        os.close(fd)
        raise ImportFileError(f"{name} cannot be read: {exc.strerror}", problems) from None
    fmt = fmt or guess_format(head)
    if fmt is None:
        os.close(fd)
        message = f"cannot tell the format; say which: {', '.join(FORMATS)}"
        raise ImportFileError(f"{name} cannot be imported:", [Problem(name, "format", message)])
    if fmt == "arxiv":
        cap = max_bytes or MAX_LINES_BYTES
        refused = size_problem(fd, name, cap)  # before the first line is read, as for the whole-file formats
        if refused is not None:
            os.close(fd)
            raise ImportFileError(f"{name} cannot be imported:", [refused])
        lines = read_lines(fd, name, problems, cap, MAX_FILE_BYTES, "a file to import")
        return fmt, read_arxiv((number, data) for number, _, data in lines)
    data = read_whole(fd, name, problems, max_bytes or MAX_WHOLE_BYTES)
    if data is None:
        raise ImportFileError(f"{name} cannot be imported:", problems)
    text = _utf8(data, name)
    readers = {"bibtex": read_bibtex, "csl-json": read_csl, "ris": read_ris, "arxiv-atom": read_atom}
    return fmt, readers[fmt](text)


def _utf8(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 (invalid byte {data[exc.start]:#04x}); save the file as UTF-8 and import it again"
        raise ImportFileError(f"{name} cannot be imported:", [Problem(f"{name}:{line}", "", message)]) from None
