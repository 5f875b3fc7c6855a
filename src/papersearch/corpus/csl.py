"""CSL-JSON items read as papers, as Zotero, Mendeley and citeproc tools export them.

A file holds a JSON array of items (or one item). The array is read an item at a time with the
line each starts on, so a problem names the item (its ``id``) and its line; a syntax error stops
the reading there, with its line, since nothing after it can be trusted. Names are
``{family, given, non-dropping-particle, suffix}`` or ``{literal}``; the year is the first of
``issued`` (``date-parts``, ``raw`` or ``literal``). The arXiv id comes from arXiv's DOI
(``10.48550/arXiv.…``), ``number`` ("arXiv:1706.03762", as Zotero writes a preprint) or the URL. An item is
named by its ``citation-key`` when it has one (Zotero's own ids are item addresses). ``type``, ``volume``,
``issue`` and ``page`` say where in its venue the paper is (``corpus.venues``); a container that is arXiv
("arXiv:1607.06450 [cs, stat]") makes the paper a preprint of no venue. CSL has no mark for "and others":
the name ``{"literal": "others"}`` (what ``cite`` writes for a paper whose authors end so) is read as one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..core.identifiers import arxiv_of, doi_of, is_url
from .incoming import BadEntry, Incoming, Read, one_line, paragraphs, required, year_in
from .strict_json import STRICT, json_problem
from .venues import PREPRINT, REPORT, csl_type_of, pages_of, venue_fields

_CONTAINER = "container-title"  # a journal's, proceedings' or book's title; a book's or thesis's venue is its publisher
OTHERS = "others"  # a name that stands for the authors left out ("and others" in BibTeX), never an author


def read_csl(text: str) -> Iterator[Read]:
    """Every item of a CSL-JSON file, in order; a syntax error ends the reading with a :class:`BadEntry`."""
    text = text.lstrip("\ufeff")
    pos = _skip(text, 0)
    if text.startswith("{", pos):
        yield from _items_from(text, pos, single=True)
    elif text.startswith("[", pos):
        yield from _items_from(text, pos + 1, single=False)
    else:
        yield BadEntry(_line(text, pos), "", "", "a CSL-JSON file must hold a JSON array of items, [ {...}, ... ]")


def _items_from(text: str, pos: int, single: bool) -> Iterator[Read]:
    while True:
        pos = _skip(text, pos)
        if not single and text.startswith("]", pos):
            return
        line = _line(text, pos)
        try:
            item, pos = STRICT.raw_decode(text, pos)
        except (ValueError, RecursionError) as exc:
            at = _line(text, exc.pos) if isinstance(exc, json.JSONDecodeError) else line
            yield BadEntry(at, "", "", json_problem(exc) + "; nothing after it could be read")
            return
        yield _item(item, line)
        pos = _skip(text, pos)
        if single:
            return
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith("]", pos):
            yield BadEntry(
                _line(text, pos), "", "", "expected ',' or ']' after an item; nothing after it could be read"
            )
            return


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _item(item: Any, line: int) -> Read:
    if not isinstance(item, dict):
        return BadEntry(line, "", "", f"each item must be a JSON object, not {type(item).__name__}")
    name = (_str(item.get("citation-key")) or _str(item.get("id")))[:200]  # the key a person knows it by
    title = one_line(_str(item.get("title")))
    year = _year(item.get("issued"))
    names = [_name(n) for n in _list(item.get("author"))]
    authors = tuple(a for a in names if a and a.lower() != OTHERS)
    if item.get("author") and not authors and not any(a.lower() == OTHERS for a in names):
        return BadEntry(line, name, "author", f"must be a list of names, {_NAME_SHAPE}, not {_shape(item['author'])}")
    bad = required(line, name, title, year, authors, _given(item.get("issued")), "issued")
    if bad is not None or year is None:
        return bad or BadEntry(line, name, "issued", "missing")
    warnings: list[tuple[str, str]] = []
    raw_doi, raw_url = _str(item.get("DOI")), _str(item.get("URL"))
    doi = doi_of(raw_doi) or "" if raw_doi else ""
    if raw_doi and not doi:
        warnings.append(("DOI", f"{raw_doi[:80]!r} is not a DOI; left out"))
    if raw_url and not is_url(raw_url):
        warnings.append(("URL", f"{raw_url[:80]!r} is not a web address; left out"))
        raw_url = ""
    arxiv = next((a for c in (raw_doi, _str(item.get("number")), raw_url) if c and (a := arxiv_of(c))), "")
    kind, volume, issue = csl_type_of(_str(item.get("type"))), _str(item.get("volume")), _str(item.get("issue"))
    contained = one_line(_str(item.get("container-title")) or _str(item.get("event-title")))
    venue = contained or (
        one_line(_str(item.get("publisher"))) if kind and venue_fields(kind).csl != _CONTAINER else ""
    )
    if kind == REPORT and not issue and not arxiv_of(_str(item.get("number"))):
        issue = _str(item.get("number"))  # a report's number ("TR-2009"), as Zotero and ``cite`` write it
    if kind == PREPRINT and contained:
        kind = ""  # an "article" with a container: what it is, the citation tells from the venue (or arXiv's: ``Incoming``)
    pages = pages_of(_str(item.get("page")))
    if _str(item.get("page")) and pages is None:
        warnings.append(("page", f"{_str(item.get('page'))[:80]!r} is not a page or a range of pages; left out"))
    return Incoming(  # Zotero's "arXiv:1607.06450 [cs, stat]": a preprint, in no journal (``Incoming``)
        line,
        name,
        title,
        year,
        authors,
        paragraphs(_str(item.get("abstract"))),
        doi,
        arxiv,
        venue,
        raw_url,
        tuple(warnings),
        type=kind,
        volume=one_line(volume),
        issue=one_line(issue),
        pages=pages or "",
        et_al=len(authors) < len([a for a in names if a]),
        genre=one_line(_str(item.get("genre"))) if kind == "thesis" else "",  # a thesis's degree
    )


_NAME_SHAPE = '[{"family": "Hinton", "given": "Geoffrey E."}, {"literal": "DeepSeek AI"}]'


def _shape(value: Any) -> str:
    """What a JSON value is, as a message says it: "a string ('G. Hinton')", "a list of strings"."""
    if isinstance(value, list):
        kinds = sorted({_shape(v).split(" (")[0].removeprefix("a ").removeprefix("an ") for v in value})
        keys = sorted({k for v in value if isinstance(v, dict) for k in v})[:6]
        held = f" with {', '.join(repr(k) for k in keys)}" if keys else ""  # [{"name": ...}]: which keys, not "objects"
        return f"a list of {' and '.join(k + 's' for k in kinds)}{held}"
    kind = {str: "a string", bool: "a boolean", int: "a number", float: "a number", dict: "an object"}.get(
        type(value), "null"
    )
    return f"{kind} ({str(value)[:40]!r})" if isinstance(value, str) else kind


def _given(issued: Any) -> str:
    """``issued`` as the file wrote it, for a message saying it holds no year ("" when it is not given)."""
    if not issued:
        return ""
    return issued if isinstance(issued, str) else json.dumps(issued, ensure_ascii=False)


def _str(value: Any) -> str:
    if isinstance(value, list):  # some exporters write a title or container-title as a list
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _year(issued: Any) -> int | None:
    if isinstance(issued, list):  # an older form: a list of date objects
        issued = issued[0] if issued else None
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            first = parts[0][0]
            return first if isinstance(first, int) and not isinstance(first, bool) else year_in(str(first))
        return year_in(_str(issued.get("raw")) or _str(issued.get("literal")))
    return year_in(issued) if isinstance(issued, str) else None


def _name(name: Any) -> str:
    """A CSL name as the corpus writes it: "given particle family, suffix", or the literal."""
    if not isinstance(name, dict):
        return ""
    if literal := _str(name.get("literal")):
        return one_line(literal)
    words = [_str(name.get(k)) for k in ("given", "dropping-particle", "non-dropping-particle", "family")]
    full = one_line(" ".join(w for w in words if w))
    suffix = _str(name.get("suffix"))
    return f"{full}, {suffix}" if full and suffix else full
