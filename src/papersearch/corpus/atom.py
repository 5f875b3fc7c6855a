"""arXiv's search results (the Atom feed its API answers ``export.arxiv.org/api/query`` with) read as papers.

Each ``<entry>`` is a paper: its ``<id>`` the arXiv address ("http://arxiv.org/abs/1706.03762v7", the version
left out of the id kept), ``<title>``, ``<author><name>`` in order, ``<published>`` (the first version: its year),
``<summary>`` the abstract, ``<arxiv:doi>`` and ``<arxiv:journal_ref>`` (the venue, as in arXiv's metadata
lines: a paper with one was published, its kind of work the one the ref tells, ``venues.kind_told_by``), so an entry becomes what the same paper's line of arXiv's bulk metadata becomes. The API's own error
(an entry whose id is ``…/api/errors#…``) is a bad entry with its message. The XML is read by expat, the
standard library's parser, with no document type allowed: an Atom feed has none, and refusing it refuses every
entity trick (a billion laughs, an external file) before it starts. Each entry is named by the line it starts on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from ..core.identifiers import arxiv_of, arxiv_url, doi_of
from .incoming import BadEntry, Incoming, Read, one_line, paragraphs, required, year_in
from .venues import kind_told_by

_VERSION = re.compile(r"v\d+$")
ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
_FIELDS = {
    f"{ATOM} id": "id",
    f"{ATOM} title": "title",
    f"{ATOM} summary": "summary",
    f"{ATOM} published": "published",
    f"{ATOM} name": "name",
    f"{ARXIV} doi": "doi",
    f"{ARXIV} journal_ref": "journal_ref",
}


class _DoctypeError(Exception):
    """A document type declaration: never in an Atom feed, and where every entity trick starts."""


@dataclass
class _Entry:
    line: int
    values: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)


def read_atom(text: str) -> Iterator[Read]:
    """Every entry of an arXiv Atom feed, in order; XML that does not parse is one BadEntry with its line."""
    entries: list[_Entry] = []
    current: list[_Entry] = []
    open_field: list[str] = []
    buffer: list[str] = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == f"{ATOM} entry":
            current.append(_Entry(parser.CurrentLineNumber))
        elif current and name in _FIELDS:
            open_field.append(_FIELDS[name])
            buffer.clear()

    def end(name: str) -> None:
        if name == f"{ATOM} entry" and current:
            entries.append(current.pop())
        elif current and open_field and name in _FIELDS:
            key, value = open_field.pop(), "".join(buffer)
            if key == "name":
                current[-1].authors.append(one_line(value))
            else:
                current[-1].values.setdefault(key, value)

    def text_of(data: str) -> None:
        if open_field:
            buffer.append(data)

    def doctype(*_: object) -> None:
        raise _DoctypeError

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text_of
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(text.lstrip("\ufeff"), True)
    except _DoctypeError:
        yield BadEntry(parser.CurrentLineNumber, "", "", "an Atom feed has no document type (<!DOCTYPE …>); refused")
        return
    except expat.ExpatError as exc:
        yield from (_entry(e) for e in entries)
        message = (
            f"not XML that parses: {expat.errors.messages.get(exc.code, str(exc))}; nothing after it could be read"
        )
        yield BadEntry(exc.lineno, "", "", message)
        return
    yield from (_entry(e) for e in entries)


def _entry(entry: _Entry) -> Read:
    raw_id = one_line(entry.values.get("id", ""))
    arxiv = _VERSION.sub("", arxiv_of(raw_id) or "")  # the paper, not its seventh version
    title = one_line(entry.values.get("title", ""))
    if "/api/errors" in raw_id:  # the API's own answer to a bad query
        return BadEntry(
            entry.line, "", "id", f"arXiv answered with an error: {one_line(entry.values.get('summary', ''))}"
        )
    if not arxiv:
        return BadEntry(entry.line, raw_id[:80], "id", "missing" if not raw_id else f"{raw_id[:80]!r} is no arXiv id")
    given = entry.values.get("published", "")
    year = year_in(given)
    authors = tuple(a for a in entry.authors if a)
    bad = required(entry.line, arxiv, title, year, authors, given, "published")
    if bad is not None or year is None:
        return bad or BadEntry(entry.line, arxiv, "published", "missing")
    doi = one_line(entry.values.get("doi", "")).split()
    published = one_line(entry.values.get("journal_ref", ""))
    return Incoming(
        entry.line,
        arxiv,
        title,
        year,
        authors,
        summary=paragraphs(entry.values.get("summary", "")),
        doi=(doi_of(doi[0]) or "") if doi else "",
        arxiv=arxiv,
        venue=published,
        url=arxiv_url(arxiv),
        type=kind_told_by(published),  # published where the ref says: a conference's proceedings or a journal
    )
