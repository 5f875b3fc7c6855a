"""RIS records read as papers, as Zotero, Mendeley, EndNote and ``papersearch cite --format ris`` write them.

A record is the tagged lines from ``TY  - TYPE`` to ``ER  -``; a line that is not a tag continues the one before
(a wrapped abstract). ``TY`` is the kind of work (``JOUR`` a journal article, ``CONF`` a conference paper, ``CHAP``
a chapter, ``BOOK``, ``THES``, ``RPRT``; ``GEN`` and the rest say nothing); authors are ``AU`` (or ``A1``) lines,
"Last, First[, Suffix]"; the title ``TI`` (or ``T1``); the year the first of ``PY``, ``Y1`` or ``DA``
("2016///", "2016/07/21/"). The venue is where each kind names it (``venues.VENUE_FIELDS``: ``T2`` or a
journal's ``JO``/``JF``/``BT`` for what appears in a container, ``PB`` for a book, thesis or report); then
``VL``, ``IS``, ``SP``-``EP``, ``DO``, ``UR``, ``AB`` (or ``N2``), and a thesis's degree ``M3`` ("Master's thesis"). The arXiv id comes from arXiv's DOI, an arXiv
address or a note "arXiv:1607.06450" (``N1``, as ``cite`` writes it beside a URL). A record is named by its ``ID``
when it has one. RIS has no mark for "and others".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..core.identifiers import arxiv_of, doi_of, is_url
from .incoming import BadEntry, Incoming, Read, one_line, paragraphs, required, year_in
from .venues import PREPRINT, pages_of, venue_fields

TAG = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])  ?-(?: (?P<value>.*))?$")
RIS_KINDS = {  # RIS's types (``TY``) as CSL types; another (GEN, ELEC, ...) says nothing
    "JOUR": "article-journal",
    "JFULL": "article-journal",
    "EJOUR": "article-journal",
    "MGZN": "article-journal",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "BOOK": "book",
    "EBOOK": "book",
    "THES": "thesis",
    "RPRT": "report",
}
_CONTAINER_TAGS = ("T2", "JO", "JF", "BT", "T3")  # a journal's, proceedings' or book's title, best first


@dataclass
class _Record:
    line: int
    kind: str
    parts: dict[str, list[list[str]]] = field(default_factory=dict)  # each value as its lines, joined when read

    @property
    def tags(self) -> dict[str, list[str]]:
        """Each tag's values, a wrapped value's lines joined (joined once, not copied at every added line)."""
        return {tag: [" ".join(lines) for lines in values] for tag, values in self.parts.items()}

    def first(self, *names: str) -> str:
        return next((one_line(v) for n in names for v in self.tags.get(n, ()) if v.strip()), "")


def read_ris(text: str) -> Iterator[Read]:
    """Every record of an RIS file, in file order; text outside a record (one BadEntry for each run of it: a file of
    another format read as RIS is one problem, not one a line), or a record never ended, is a BadEntry."""
    record: _Record | None = None
    last = ""
    stray: list[tuple[int, str]] = []  # the lines of text outside a record since the last record or tag
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        found = TAG.match(raw.rstrip())
        if found is None:
            if record is not None and last and raw.strip():
                record.parts[last][-1].append(raw.strip())  # a wrapped value
            elif raw.strip() and record is None:
                stray.append((number, raw))
            continue
        if stray:
            yield _outside(stray)
            stray = []
        tag, value = found.group("tag"), (found.group("value") or "").strip()
        if tag == "TY":
            if record is not None:
                yield BadEntry(record.line, record.first("ID"), "ER", "never ended: an 'ER  -' line must close it")
            record, last = _Record(number, value.upper()), ""
        elif record is None:
            yield BadEntry(number, "", "TY", f"{tag} comes before any record's 'TY  - ' line")
        elif tag == "ER":
            yield _entry(record)
            record, last = None, ""
        else:
            record.parts.setdefault(tag, []).append([value])
            last = tag
    if stray:
        yield _outside(stray)
    if record is not None:
        yield BadEntry(record.line, record.first("ID"), "ER", "never ended: an 'ER  -' line must close it")


def _outside(lines: list[tuple[int, str]]) -> BadEntry:
    """A run of text outside any record, named by its first line (and how far it runs)."""
    (first, raw), end = lines[0], lines[-1][0]
    more = f" (and {len(lines) - 1} more line{'s' if len(lines) > 2 else ''} to line {end})" if len(lines) > 1 else ""
    return BadEntry(first, "", "", f"not inside a record (each starts with a 'TY  - ' line): {raw[:60]!r}{more}")


def _entry(record: _Record) -> Read:
    name = record.first("ID")[:200]
    title = record.first("TI", "T1")
    dates = (record.first("PY"), record.first("Y1"), record.first("DA"))
    year = next((y for v in dates if (y := year_in(v))), None)
    authors = tuple(a for a in (_name(v) for v in record.tags.get("AU", []) or record.tags.get("A1", [])) if a)
    given = next(((tag, v) for tag, v in zip(("PY", "Y1", "DA"), dates, strict=True) if v), ("PY", ""))
    bad = required(record.line, name, title, year, authors, given[1], given[0])
    if bad is not None or year is None:
        return bad or BadEntry(record.line, name, "PY", "missing")
    warnings: list[tuple[str, str]] = []
    kind = RIS_KINDS.get(record.kind, "")
    if kind and venue_fields(kind).ris == "PB":  # a book's, thesis's or report's publisher
        venue = record.first("PB")
    elif not kind and not record.first(*_CONTAINER_TAGS) and record.first("PB"):
        kind, venue = PREPRINT, record.first("PB")  # GEN at a publisher: an article of no journal, as ``cite`` writes
    else:
        venue = record.first(*_CONTAINER_TAGS)
    raw_doi, links = record.first("DO"), [one_line(u) for u in record.tags.get("UR", []) if u.strip()]
    doi = (doi_of(raw_doi) or "") if raw_doi else ""
    if raw_doi and not doi:
        warnings.append(("DO", f"{raw_doi[:80]!r} is not a DOI; left out"))
    arxiv = next((a for c in (raw_doi, *links, *record.tags.get("N1", [])) if c and (a := arxiv_of(_note(c)))), "")
    url = next((u for u in links if is_url(u)), "")
    first, last = record.first("SP"), record.first("EP")
    pages = pages_of(f"{first}-{last}" if first and last else first) if first else ""
    if first and pages is None:
        warnings.append(("SP", f"{first[:80]!r} is not a page or a range of pages; left out"))
    return Incoming(
        record.line,
        name,
        title,
        year,
        authors,
        summary=paragraphs("\n\n".join(record.tags.get("AB", []) or record.tags.get("N2", []))),
        doi=doi,
        arxiv=arxiv,
        venue=venue,
        url=url,
        warnings=tuple(warnings),
        type=kind,
        volume=record.first("VL"),
        issue=record.first("IS"),
        pages=pages or "",
        genre=record.first("M3") if kind == "thesis" else "",  # a thesis's degree, its "type of work"
    )


def _note(text: str) -> str:
    """An arXiv id as a note or a link gives it ("arXiv:1607.06450 [cs]" -> "arXiv:1607.06450")."""
    return text.split()[0] if text.strip() else ""


def _name(value: str) -> str:
    """ "Last, First[, Suffix]" as the corpus writes a name, "First Last[, Suffix]"; a name with no comma as it is."""
    parts = [one_line(p) for p in value.split(",")]
    if len(parts) == 1:
        return parts[0]
    last, first, *rest = parts
    name = one_line(f"{first} {last}")
    return f"{name}, {', '.join(rest)}" if any(rest) else name
