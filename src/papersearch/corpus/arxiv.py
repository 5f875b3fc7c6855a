"""arXiv's metadata (the JSON lines of its bulk snapshot, one paper a line) read as papers, a line at a time.

A line holds ``id``, ``title``, ``authors`` (one string) and ``authors_parsed`` ([last, first,
suffix] each), ``abstract``, ``categories``, ``versions`` ([{version, created}]), ``doi`` and
``journal-ref``. The year is that of the first version (``versions[0].created``), else the one the
id tells (``0704.0001``: 2007; ``hep-th/9901001``: 1999). The abstract becomes the summary, the
journal reference the venue (and the kind of work it tells: ``venues.kind_told_by``), and the paper's arXiv address its URL. Lines stream from the file and
nothing is held, so a snapshot of any size is read in the same memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..core.identifiers import arxiv_of, arxiv_url, doi_of
from .incoming import BadEntry, Incoming, Read, one_line, paragraphs, required, year_in
from .strict_json import json_problem, loads_strict
from .venues import kind_told_by

_NEW_ID = re.compile(r"^(\d{2})(\d{2})\.")
_OLD_ID = re.compile(r"/(\d{2})(\d{2})\d{3}")
_AFFILIATION = re.compile(r"\([^()]*\)")
_AUTHOR_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def read_arxiv(lines: Iterable[tuple[int, bytes]]) -> Iterator[Read]:
    """Each non-blank line (line number, bytes) of an arXiv metadata file as a paper or a :class:`BadEntry`."""
    for number, data in lines:
        if not data.strip():
            continue
        try:
            record = loads_strict(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield BadEntry(number, "", "", f"not UTF-8 (invalid byte at column {exc.start + 1})")
            continue
        except (ValueError, RecursionError) as exc:
            yield BadEntry(number, "", "", json_problem(exc))
            continue
        yield _record(record, number)


def _record(record: Any, line: int) -> Read:
    if not isinstance(record, dict):
        return BadEntry(line, "", "", "each line must be a JSON object of one paper's metadata")
    raw_id = _str(record.get("id"))
    arxiv = arxiv_of(raw_id) or ""
    if not arxiv:
        message = "missing" if not raw_id else f"{raw_id[:80]!r} is not an arXiv id"
        return BadEntry(line, raw_id[:80], "id", message)
    title = one_line(_str(record.get("title")))
    year = _year(record.get("versions"), arxiv)
    authors = _authors(record)
    bad = required(line, arxiv, title, year, authors)
    if bad is not None or year is None:
        return bad or BadEntry(line, arxiv, "year", "missing")
    doi_text = _str(record.get("doi")).split()
    published = one_line(_str(record.get("journal-ref")))
    return Incoming(
        line,
        arxiv,
        title,
        year,
        authors,
        summary=paragraphs(_str(record.get("abstract"))),
        doi=(doi_of(doi_text[0]) or "") if doi_text else "",
        arxiv=arxiv,
        venue=published,
        url=arxiv_url(arxiv),
        type=kind_told_by(published),  # published where the ref says: a conference's proceedings or a journal
    )


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _year(versions: Any, arxiv: str) -> int | None:
    """The year of the first version, else the one the id tells."""
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        found = year_in(_str(versions[0].get("created")))
        if found is not None:
            return found
    match = _NEW_ID.match(arxiv) or _OLD_ID.search(arxiv)
    if match is None:
        return None
    yy = int(match.group(1))
    return (1900 if yy >= 91 else 2000) + yy  # arXiv opened in 1991


def _authors(record: dict[str, Any]) -> tuple[str, ...]:
    """``authors_parsed`` as "first last, suffix"; else the ``authors`` string split on commas and "and"."""
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for parts in parsed:
            if not isinstance(parts, list) or not parts:
                continue
            last, first, suffix = ([_str(p) for p in parts] + ["", ""])[:3]
            name = one_line(f"{first} {last}")
            names.append(f"{name}, {suffix}" if name and suffix else name)
        return tuple(n for n in names if n)
    text = _AFFILIATION.sub(" ", _str(record.get("authors")))
    return tuple(n for n in (one_line(p) for p in _AUTHOR_SPLIT.split(text)) if n)
