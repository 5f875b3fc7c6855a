"""A record read from a researcher's file (BibTeX, CSL-JSON, arXiv metadata), before it becomes a paper.

Each reader (``bibtex``, ``csl``, ``ris``, ``arxiv``, ``atom``) yields, in file order, an :class:`Incoming` for each
entry it could read and a :class:`BadEntry` for each it could not, both with the line the entry
starts on, so that every problem names the entry and its line. The text helpers here are the
one way every reader tidies a title, a name or an abstract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.errors import Problem
from .values import control_character
from .venues import PREPRINT, kind_with_venue, preprint_venue

_SPACE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


@dataclass(frozen=True, slots=True)
class Incoming:
    """One entry of a file to import, in the corpus's terms; ``warnings`` are (field, message) left out of it."""

    line: int
    name: str  # the entry's own name in its file: a BibTeX key, a CSL id, an arXiv id ("" if it has none)
    title: str
    year: int
    authors: tuple[str, ...]
    summary: str = ""
    doi: str = ""
    arxiv: str = ""
    venue: str = ""
    url: str = ""
    warnings: tuple[tuple[str, str], ...] = ()
    question: str = ""  # the paper's guiding question: no file format has one; ``papersearch add`` may give it
    era: str = ""  # the era asked for (``papersearch add --era``); "" places the paper by its year
    # where in its venue (``corpus.venues``): the kind of work, volume, issue, pages; et_al: "and others" ended the
    # authors (after ``era``, so that a reader building one by position is not shifted)
    type: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    et_al: bool = False
    genre: str = ""  # a thesis's degree as its source names it ("Master's thesis"; ``venues.thesis_genre``)

    def __post_init__(self) -> None:
        """Where the entry appeared, read by the one rule every source follows (a file's reader, ``add``'s flags and
        prompts, a flag laid over an entry by ``dataclasses.replace``, which makes the entry anew): an arXiv
        pseudo-venue ("arXiv preprint arXiv:1234.5678", "arXiv:1607.06450 [cs]", DBLP's "CoRR";
        ``venues.preprint_venue``) makes it a preprint of no venue, volume or issue, its arXiv id the one the venue
        names when it gave none; a kind that is nothing without its venue (``venues.kind_with_venue``) is dropped
        when it has none; an arXiv paper of no kind and no venue (arXiv's own BibTeX ``@misc`` with an ``eprint``, its
        API's entry with no journal reference) is a preprint."""
        preprint, named = preprint_venue(self.venue, self.volume)
        where = {"type": kind_with_venue(self.type, self.venue)}
        if preprint or (self.arxiv and not self.venue and not where["type"]):
            where = {"type": PREPRINT, "venue": "", "volume": "", "issue": "", "arxiv": self.arxiv or named}
        for name, value in where.items():
            object.__setattr__(self, name, value)  # frozen once made: this is its making


@dataclass(frozen=True, slots=True)
class BadEntry:
    """An entry that cannot become a paper: where it starts, its name if known, and why."""

    line: int
    name: str
    field: str
    message: str


Read = Incoming | BadEntry


def entry_label(source: str, line: int, name: str) -> str:
    """How a problem names an entry: ``refs.bib:45 (vaswani2017)``; an entry read from no file (line 0) by its source."""
    shown = "".join("\ufffd" if control_character(c) else c for c in name[:80])  # never a terminal command
    return (f"{source}:{line}" if line else source) + (f" ({shown})" if name else "")


def bad_problem(source: str, bad: BadEntry) -> Problem:
    """A bad entry as the problem an import reports, named by file, line and key."""
    return Problem(entry_label(source, bad.line, bad.name), bad.field, bad.message)


def one_line(text: str) -> str:
    """White space (line breaks of a wrapped title included) collapsed to single spaces."""
    return _SPACE.sub(" ", text).strip()


def paragraphs(text: str) -> str:
    """An abstract's paragraphs kept, each one's hard line breaks and runs of spaces collapsed."""
    parts = (one_line(p) for p in _BLANK_LINE.split(text.strip()))
    return "\n\n".join(p for p in parts if p)


def year_in(text: str) -> int | None:
    """The first four-digit year a date gives ("2017", "2017-06-12", "Mon, 2 Apr 2007 19:18:42 GMT")."""
    found = _YEAR.search(text)
    return int(found.group(1)) if found else None


_ARTICLES = {"title": "a", "year": "a", "author": "an"}


def required(
    line: int,
    name: str,
    title: str,
    year: int | None,
    authors: tuple[str, ...],
    given_year: str = "",
    year_field: str = "year",
) -> BadEntry | None:
    """The entry's problem when it lacks what every paper needs (a title, a year, an author), or None; a year the
    entry gives (``given_year``, as its file writes it, in its ``year_field``) that holds none is said to be no year,
    not to be missing."""
    missing = [what for what, value in (("title", title), ("year", year), ("author", authors)) if not value]
    if not missing:
        return None
    if missing[0] == "year" and given_year.strip():
        message = f"{one_line(given_year)[:80]!r} is not a year: give four digits, such as 2017"
        return BadEntry(line, name, year_field, message)
    field = year_field if missing[0] == "year" else missing[0]
    return BadEntry(line, name, field, f"missing: every paper needs {_ARTICLES[missing[0]]} {missing[0]}")
