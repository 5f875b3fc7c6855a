"""The JSON text of a version's files: compact, and the long ones one entry a line.

A file that grows with the corpus (the records, the passages, the graph) is a JSON array, or an
object of named arrays, written one item a line::

    [                        {"papers":[
    item,                    item,
    item                     item
    ]                        ],"edges":[
                             ],"external":[
                             item
                             ]}

It is plain JSON, and ``entries`` reads it back a megabyte of whole lines at a time, each piece
parsed by ``json.loads`` (which stores a key repeated within one call once), so that a file of any
size is loaded or checked holding a piece of it, with the items ``json.loads`` would read from the
whole file. Where its lines are not these (a damaged or truncated file), it is a ValueError.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from .disk import naming, written

PIECE = 1 << 20  # characters of whole lines parsed by one json.loads


def json_text(value: Any) -> str:
    """A value as every JSON file of a version writes it: compact, UTF-8 as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _frame(keys: Sequence[str]) -> tuple[list[str], str]:
    """The line that opens each array (that of an array file, or one per key of an object) and the last line."""
    if not keys:
        return ["["], "]"
    return ["{" + json_text(keys[0]) + ":["] + ["]," + json_text(k) + ":[" for k in keys[1:]], "]}"


class ArrayWriter:
    """The items of one array, one a line, written into an open file after the line that opens the array.

    ``path``: the file, named by any error of its writes (``disk.naming``).
    """

    def __init__(self, fh: TextIO, path: Path) -> None:
        self._fh = fh
        self._path = path
        self.count = 0

    def add(self, item: Any, piecewise: bool = False) -> None:
        """One item; ``piecewise`` writes it a piece at a time (slower, but never one long string)."""
        with naming(self._path):
            self._fh.write(",\n" if self.count else "")
            if piecewise:
                json.dump(item, self._fh, ensure_ascii=False, separators=(",", ":"))
            else:
                self._fh.write(json_text(item))
        self.count += 1

    def end(self) -> None:
        """Ends the last item's line, before the line that closes the array."""
        if self.count:
            with naming(self._path):
                self._fh.write("\n")


def write_entries(
    path: Path,
    arrays: Sequence[Iterable[Any]],
    keys: Sequence[str] = (),
    piecewise: Callable[[Any], bool] = lambda _: False,
) -> list[int]:
    """One array (no ``keys``) or an object of the arrays named ``keys``, one item a line; each array's length."""
    heads, last = _frame(keys)
    counts = []
    with written(path) as fh, naming(path):  # the items' iterables name their own files
        for head, items in zip(heads, arrays, strict=True):
            fh.write(head + "\n")
            out = ArrayWriter(fh, path)
            for item in items:
                out.add(item, piecewise(item))
            out.end()
            counts.append(out.count)
        fh.write(last + "\n")
    return counts


@contextmanager
def array_file(path: Path) -> Iterator[ArrayWriter]:
    """An array file written an item at a time (``add``), as ``write_entries`` writes a whole one."""
    with written(path) as fh:
        with naming(path):
            fh.write("[\n")
        out = ArrayWriter(fh, path)
        yield out
        out.end()
        with naming(path):
            fh.write("]\n")


def entries(path: Path, keys: Sequence[str] = ()) -> Iterator[tuple[str, Any]]:
    """(key, item) for each item of a file ``write_entries`` wrote with these ``keys`` ("" for an array file),
    read a piece at a time; ValueError where the text is anything else."""
    heads, last = _frame(keys)
    with path.open(encoding="utf-8") as fh:
        lines = (line[:-1] if line.endswith("\n") else line for line in fh)
        line = next(lines, "")
        for key, head in zip(keys or [""], heads, strict=True):
            if line != head:
                raise ValueError(f"expected {head!r} at the start of an array")
            line = yield from _array(lines, key)
        if line != last or next(lines, None) is not None:
            raise ValueError(f"expected {last!r} and the end of the file")


def _array(lines: Iterator[str], key: str) -> Generator[tuple[str, Any], None, str]:
    """The items of one array, parsed a piece of whole lines at a time, up to the line that closes it (returned)."""
    piece: list[str] = []
    size, more = 0, False  # more: the last piece ended with a comma, so an item must follow
    for line in lines:
        if line.startswith("]"):
            if more and not piece:
                raise ValueError("a comma after the last item of an array")
            yield from _items(piece, key, last=True)
            return line
        piece.append(line)
        size += len(line)
        if size >= PIECE and line.endswith(","):  # an item follows: a piece may end here
            yield from _items(piece, key, last=False)
            piece, size, more = [], 0, True
    raise ValueError("the file ends inside an array")


def _items(piece: list[str], key: str, last: bool) -> Iterator[tuple[str, Any]]:
    """(key, item) of each item on these lines; a piece but the ``last`` of its array ends with a comma."""
    if not piece:
        return
    text = "\n".join(piece)
    if last and text.endswith(","):
        raise ValueError("a comma after the last item of an array")
    for item in json.loads("[" + (text if last else text[:-1]) + "]"):
        yield key, item
