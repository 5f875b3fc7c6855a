"""BibTeX entries read as papers (``bibtexparser`` 2.x), as Zotero, Google Scholar, DBLP and JabRef write them.

The only importer of bibtexparser (imported when a BibTeX file is read, never by a search). It
splits the file into blocks, resolves ``@string`` macros and month names (``month = oct``), lowers
field names and splits authors on ``and``; an entry it cannot parse (an unclosed brace) becomes a
:class:`BadEntry` with its line while the entries around it are read. LaTeX in a title, a name, a
venue or an abstract (``{\\"o}``, ``{\\L}``, ``{BERT:}``, ``\\&``) is decoded by pylatexenc, as
bibtexparser's own decoder does, but only in the fields used and only where a value holds LaTeX:
decoding every field of every entry was 80% of the time (5 ms an entry), and a URL's ``%`` would
read as a comment. ``and others`` (et al.) is kept as the paper's ``et_al``, never as an author. The entry type,
``volume``, ``number`` (the issue) and ``pages`` say where in its venue the paper is (``corpus.venues``); a
"journal" that is arXiv ("arXiv preprint arXiv:…", DBLP's CoRR) makes the paper a preprint of no venue.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from ..core.identifiers import arxiv_of, doi_of, is_url
from .incoming import BadEntry, Incoming, Read, one_line, paragraphs, required, year_in
from .venues import BIBTEX_TYPES, PREPRINT, bibtex_venue_fields, pages_of, thesis_genre

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

_LATEX = re.compile(r"[\\{}$~]|--|``|''")
_KEY = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s]+)")
_ARXIV_IN_TEXT = re.compile(r"arxiv:\s*([^\s,;)]+)", re.IGNORECASE)


@cache
def _decoder() -> LatexNodes2Text:
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db()
    specs = [MacroTextSpec("url", simplify_repl="%s"), MacroTextSpec("textasciicircum", simplify_repl="^")]
    db.add_context_category("papersearch", prepend=True, macros=specs)
    return LatexNodes2Text(latex_context=db, math_mode="verbatim")


def decode(text: str) -> str:
    """LaTeX in a field's value decoded to text ("J{\\"u}rgen" -> "Jürgen"); a value without LaTeX as it is."""
    return _decoder().latex_to_text(text) if _LATEX.search(text) else text


def read_bibtex(text: str) -> Iterator[Read]:
    """Every entry of a BibTeX file, in file order (``@string``, ``@comment`` and ``@preamble`` blocks skipped)."""
    from bibtexparser import middlewares as mw
    from bibtexparser.entrypoint import parse_string
    from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

    stack = [
        mw.ResolveStringReferencesMiddleware(True),
        mw.RemoveEnclosingMiddleware(True),
        mw.NormalizeFieldKeys(True),
        mw.MonthIntMiddleware(True),
        mw.SeparateCoAuthors(True),
        mw.SplitNameParts(True),
    ]
    quiet = logging.getLogger("bibtexparser")  # its warnings repeat what each failed block says; ours name the entry
    was = quiet.level
    quiet.setLevel(logging.CRITICAL + 1)
    try:
        library = parse_string(text, parse_stack=stack)
    except Exception as exc:  # the parser's own fault (it asks for a bug report): the file cannot be read
        yield BadEntry(1, "", "", f"cannot be read as BibTeX: {exc}")
        return
    finally:
        quiet.setLevel(was)
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            yield BadEntry(line, block.key, "key", f"the key {block.key!r} is used by an earlier entry too")
        elif isinstance(block, ParsingFailedBlock):
            yield BadEntry(line, _key_of(block.raw or ""), "entry", _first_line(block.error))
        elif isinstance(block, Entry):
            yield _decoded_entry(block.key, line, {f.key: f.value for f in block.fields}, block.entry_type)


def _key_of(raw: str) -> str:
    found = _KEY.match(raw.lstrip())
    return found.group(1) if found else ""


def _first_line(error: Any) -> str:
    reasons = getattr(error, "reasons", None)
    why = getattr(error, "abort_reason", None) or ("; ".join(map(str, reasons)) if reasons else str(error))
    said = " ".join(str(why).split())[:300]
    if "end of file" in said.lower():  # what the parser says of a brace or quote never closed: the usual cause
        said += " (a '{' or '\"' in it is never closed?)"
    return f"cannot be read: {said}"


def _decoded_entry(key: str, line: int, fields: dict[str, Any], entry_type: str = "") -> Read:
    """The entry, or a :class:`BadEntry` when its LaTeX cannot be decoded (braces nested thousands deep)."""
    from pylatexenc.latexwalker import LatexWalkerError

    try:
        return _entry(key, line, fields, entry_type)
    except RecursionError:
        return BadEntry(line, key, "entry", "cannot be read: braces or commands nested too deeply")
    except LatexWalkerError as exc:
        return BadEntry(
            line, key, "entry", f"cannot be read: its LaTeX does not parse ({' '.join(str(exc).split())[:200]})"
        )


def _entry(key: str, line: int, fields: dict[str, Any], entry_type: str = "") -> Read:
    title = one_line(decode(_text(fields.get("title"))))
    given_year = _text(fields.get("year")) or _text(fields.get("date"))
    year = year_in(given_year)
    authors, et_al = _authors(fields.get("author"))
    bad = required(line, key, title, year, authors, given_year)
    if bad is not None or year is None:
        return bad or BadEntry(line, key, "year", "missing")
    warnings: list[tuple[str, str]] = []
    kind = BIBTEX_TYPES.get(entry_type.lower(), "")
    venue, field = _venue(fields, kind)
    link = _text(fields.get("url"))
    if field == "howpublished" and _is_link(raw := _text(fields[field])):  # "\url{https://…}": where it is
        venue, field, link = "", "", link or raw
    elif field == "howpublished" and not kind:
        kind = PREPRINT  # a talk, a blog post: an article of no journal, as ``cite`` writes one
    arxiv = _arxiv(fields, venue)
    volume, issue = one_line(decode(_text(fields.get("volume")))), one_line(decode(_text(fields.get("number"))))
    pages = _pages(_text(fields.get("pages")), warnings)  # before the warnings are frozen below
    genre = thesis_genre(entry_type, one_line(decode(_text(fields.get("type"))))) if kind == "thesis" else ""
    return Incoming(  # "arXiv preprint arXiv:…", DBLP's CoRR: a preprint, in no journal (``Incoming``)
        line,
        key,
        title,
        year,
        authors,
        summary=paragraphs(decode(_text(fields.get("abstract")))),
        doi=_doi(_text(fields.get("doi")), warnings),
        arxiv=arxiv,
        venue=venue,
        url=_url(link, warnings),
        warnings=tuple(warnings),
        type=kind,
        volume=volume,
        issue=issue,
        pages=pages,
        et_al=et_al,
        genre=genre,
    )


def _venue(fields: dict[str, Any], kind: str) -> tuple[str, str]:
    """Where an entry of ``kind`` appeared, and the field that said so (("", "") if none): its journal, proceedings
    or book, else its kind's own field (a thesis's ``school``, a report's ``institution``, a book's ``publisher``,
    a @misc's ``howpublished``; ``corpus.venues``)."""
    for name in bibtex_venue_fields(kind):
        if text := _text(fields.get(name)):
            return one_line(decode(text)), name
    return "", ""


def _is_link(raw: str) -> bool:
    return is_url(raw.removeprefix("\\url{").removesuffix("}") if raw.startswith("\\url{") else raw)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _authors(value: Any) -> tuple[tuple[str, ...], bool]:
    """Each NamePart as the corpus writes a name, "Given von Last, Jr." (LaTeX decoded), and whether the list
    ended with "and others" (et al.: kept as the paper's ``et_al``, never as an author)."""
    if not isinstance(value, list):
        return (), False
    names, others = [], False
    for parts in value:
        words = [decode(w) for w in (*parts.first, *parts.von, *parts.last)]
        name = one_line(" ".join(words))
        if parts.jr:
            name += ", " + one_line(" ".join(decode(w) for w in parts.jr))
        if name.lower() == "others":
            others = True
        elif name:
            names.append(name)
    return tuple(names), others and bool(names)


def _pages(raw: str, warnings: list[tuple[str, str]]) -> str:
    if not raw:
        return ""
    pages = pages_of(one_line(decode(raw)))
    if pages is None:
        warnings.append(("pages", f"{raw[:80]!r} is not a page or a range of pages; left out"))
    return pages or ""


def _doi(raw: str, warnings: list[tuple[str, str]]) -> str:
    if not raw:
        return ""
    doi = doi_of(raw)
    if doi is None:
        warnings.append(("doi", f"{raw[:80]!r} is not a DOI; left out"))
    return doi or ""


def _url(raw: str, warnings: list[tuple[str, str]]) -> str:
    url = raw.removeprefix("\\url{").removesuffix("}") if raw.startswith("\\url{") else raw
    if url and not is_url(url):
        warnings.append(("url", f"{url[:80]!r} is not a web address; left out"))
        return ""
    return url


def _arxiv(fields: dict[str, Any], venue: str) -> str:
    """The arXiv id: an ``eprint`` of arXiv (biblatex, arXiv's own BibTeX), DBLP's CoRR volume ``abs/…``,
    Google Scholar's "arXiv preprint arXiv:…" journal, or an arxiv.org address or arXiv's DOI."""
    archive = (_text(fields.get("archiveprefix")) or _text(fields.get("eprinttype"))).lower()
    candidates = []
    if archive == "arxiv" or (not archive and _text(fields.get("eprint"))):
        candidates.append(_text(fields.get("eprint")))
    if venue.lower() == "corr" and _text(fields.get("volume")).startswith("abs/"):
        candidates.append(_text(fields.get("volume"))[4:])
    candidates += _ARXIV_IN_TEXT.findall(venue)
    candidates += [_text(fields.get("url")), _text(fields.get("doi"))]
    return next((a for c in candidates if c and (a := arxiv_of(c))), "")
