"""The bulk corpus file ``papers.jsonl``: one paper a line, checked by the same field checks as a paper file.

A list of a hundred thousand papers is unwieldy as as many Markdown files (a folder listing, a
hundred thousand inodes, an editor's search); an import of that size writes them here instead.
Each line is a JSON object with a paper file's fields plus ``summary``, in the same names and
with the same checks (``fields.paper_from_fields``); a problem is named ``papers.jsonl:LINE``.
Blank lines are allowed. JSON is read strictly (:mod:`.strict_json`).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..core.errors import CorpusError, Problem
from ..core.models import Paper
from .fields import FIELDS, paper_from_fields
from .files import BULK_FILE, MAX_BULK_BYTES, MAX_FILE_BYTES, open_corpus_file, read_lines
from .journal import Transaction
from .render import paper_fields
from .strict_json import json_problem, loads_strict
from .values import kind_of

BULK_FIELDS = (*FIELDS, "summary")


def bulk_source(line: int) -> str:
    """How a problem and ``Paper.source`` name a line of the bulk file."""
    return f"{BULK_FILE}:{line}"


def parse_bulk_line(text: str, rel: str, problems: list[Problem]) -> Paper | None:
    """One line of the bulk file as a paper, every field checked; None (and problems naming ``rel``) on error."""
    try:
        meta = loads_strict(text)
    except (ValueError, RecursionError) as exc:
        problems.append(Problem(rel, "", json_problem(exc)))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(rel, "", f"must be a JSON object of fields, not {kind_of(meta)}"))
        return None
    summary = meta.get("summary", "")
    if not isinstance(summary, str):
        problems.append(Problem(rel, "summary", f"must be text, not {kind_of(summary)}"))
        return None
    return paper_from_fields(meta, summary.strip(), rel, problems, BULK_FIELDS)


def render_bulk_line(paper: Paper) -> str:
    """A paper as one line of the bulk file (no line end): its fields, then its summary where it has one."""
    fields = paper_fields(paper)
    if paper.summary:
        fields["summary"] = paper.summary
    return json.dumps(fields, ensure_ascii=False, separators=(", ", ": "))


def iter_bulk(root: Path, problems: list[Problem]) -> Iterator[tuple[int, int, int, str]]:
    """Each non-blank line of ``root/papers.jsonl`` as (line number, byte offset, byte length, text); nothing
    if the file is absent. An unreadable file, an overlong line or one not in UTF-8 is a problem."""
    if not os.path.lexists(root / BULK_FILE):
        return
    fd = open_corpus_file(root, BULK_FILE, problems)
    if fd is None:
        return
    for number, offset, data in read_lines(fd, BULK_FILE, problems, MAX_BULK_BYTES, MAX_FILE_BYTES):
        if not data.strip():
            continue
        try:
            yield number, offset, len(data), data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(bulk_source(number), "", f"not UTF-8 (invalid byte at column {exc.start + 1})"))


class BulkWriter:
    """A new version of the bulk file, staged in a transaction: each old line kept or replaced, then new lines.

    Replacements and new lines wait in working files, so nothing of the size of the corpus is held.
    """

    def __init__(self, root: Path, tx: Transaction) -> None:
        self.root, self.tx = root, tx
        self._adds: IO[bytes] | None = None
        self._replacements: IO[bytes] | None = None
        self._replaced: dict[int, tuple[int, int]] = {}  # an old line's offset -> (offset, length) of its new text

    @property
    def touched(self) -> bool:
        """Whether any line was put: only then is a new bulk file staged."""
        return self._adds is not None

    def put(self, line: str, replaces: int | None) -> None:
        """A new line: a paper added (``replaces`` None) or the new text of the old line at offset ``replaces``."""
        if self._adds is None or self._replacements is None:
            self._adds = self.tx.scratch("adds.jsonl").open("wb")
            self._replacements = self.tx.scratch("replacements.jsonl").open("wb")
        data = line.encode("utf-8") + b"\n"
        if replaces is None:
            self._adds.write(data)
        else:
            self._replaced[replaces] = (self._replacements.tell(), len(data))
            self._replacements.write(data)

    def close(self) -> None:
        """Close the working files (``finish`` does, and an import that stops early)."""
        for fh in (self._adds, self._replacements):
            if fh is not None:
                fh.close()

    def finish(self) -> None:
        """Stage ``papers.jsonl``: the old file's lines (blank ones too), each replaced where asked, then the new."""
        self.close()
        with self.tx.staged(BULK_FILE).open("wb") as out, self.tx.scratch("replacements.jsonl").open("rb") as new:
            if os.path.lexists(self.root / BULK_FILE):
                self._copy_old(out, new)
            with self.tx.scratch("adds.jsonl").open("rb") as adds:
                shutil.copyfileobj(adds, out)

    def _copy_old(self, out: IO[bytes], new: IO[bytes]) -> None:
        problems: list[Problem] = []
        fd = open_corpus_file(self.root, BULK_FILE, problems)
        lines = [] if fd is None else read_lines(fd, BULK_FILE, problems, MAX_BULK_BYTES, MAX_FILE_BYTES)
        for _, offset, data in lines:
            if offset in self._replaced:
                at, length = self._replaced[offset]
                new.seek(at)
                out.write(new.read(length))
            else:
                out.write(data + b"\n")
        if problems:  # the file changed under the import: stop rather than drop a line of it
            raise CorpusError(problems)
