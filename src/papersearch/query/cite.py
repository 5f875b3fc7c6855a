"""Papers as citations: BibTeX, CSL-JSON, RIS, or a formatted reference, for every face's "cite" (pure).

``cite(records, format)`` is the one call the CLI (``cite``), the HTTP API (``/cite``) and the MCP
tool make, with the ``PaperRecord``s the searcher returns; each face first builds one
``CiteRequest`` (the ids, format and style, checked once, in the same words everywhere). BibTeX is :mod:`.cite_bibtex`'s. A
``text`` reference is set in a named CSL style by citeproc-py: the package ships one style,
``harvard-cite-them-right`` ("harvard", the default), used offline. That style calls a journal article
without volume or pages "[Preprint]"; such a paper is set as a paper in its venue instead, and a preprint
as a paper in "arXiv preprint arXiv:…". ``style="short"`` is the project's own reference, needing nothing:
"Surname, I. I., Surname, I. and Surname, I. (Year) Title. Venue, 15(56), pp. 1929–1958. https://doi.org/…".
Every format reads a paper's kind of work and venue through ``cite_venue.placed`` (an arXiv pseudo-venue is a
preprint, never a journal); authors that ended "and others" in the paper's source are cited "et al." (BibTeX's
``and others``; in CSL-JSON the name ``{"literal": "others"}``, which citeproc sets as "and others", or within
its et-al rule as "et al."; RIS has no way to say it, so an RIS record lists the named authors only).
citeproc-py is imported only for ``text`` in the "harvard" style, never by a search.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from ..core.errors import NotFoundError
from ..core.identifiers import arxiv_url, doi_url
from ..core.names import named_authors, read_name
from ..core.params import MAX_CITE_IDS, check_id_list, one_of
from ..core.records import PaperRecord
from ..corpus.venues import REPORT, venue_fields
from .cite_bibtex import bibtex_entry
from .cite_venue import placed

if TYPE_CHECKING:
    from citeproc import CitationStylesStyle

CiteFormat = Literal["bibtex", "csl-json", "ris", "text"]
CITE_FORMATS: tuple[CiteFormat, ...] = ("bibtex", "csl-json", "ris", "text")
TextStyle = Literal["harvard", "short"]
TEXT_STYLES: tuple[TextStyle, ...] = ("harvard", "short")
# what each face (the API's parameters, the MCP tools' arguments, the CLI's help) says the choices are
FORMATS_TEXT = "bibtex (each entry's key is the paper's id), csl-json, ris, or text (a reference formatted in `style`)"
STYLES_TEXT = (
    "for format text only (refused with another format): harvard, when not given (Cite Them Right, through "
    "citeproc-py), or short (author initials, year, title, venue, link)"
)
MEDIA_TYPES: dict[CiteFormat, str] = {
    "bibtex": "application/x-bibtex",
    "csl-json": "application/vnd.citationstyles.csl+json",
    "ris": "application/x-research-info-systems",
    "text": "text/plain",
}
EXTENSIONS: dict[CiteFormat, str] = {"bibtex": "bib", "csl-json": "json", "ris": "ris", "text": "txt"}
HARVARD = "harvard-cite-them-right"  # the CSL style citeproc-py ships in its package data


def cite(records: Sequence[PaperRecord], fmt: str = "bibtex", style: str = "harvard", abstracts: bool = False) -> str:
    """``records`` cited in ``fmt`` (text in ``style``); ``abstracts`` adds each summary (BibTeX, CSL-JSON, RIS).

    Raises :class:`QueryError` naming ``format`` or ``style`` when either is not one this knows.
    """
    kind = check_format(fmt)
    records = list({r["id"]: r for r in records}.values())  # a paper named twice is cited once
    if kind == "bibtex":
        return "\n".join(bibtex_entry(r, abstracts) for r in records)
    if kind == "csl-json":
        items = (json.dumps(csl_item(r, abstracts), ensure_ascii=False) for r in records)
        return "[\n" + ",\n".join(items) + "\n]\n"  # one item a line
    if kind == "ris":
        return "".join(ris_entry(r, abstracts) for r in records)
    if check_style(style) == "short":
        return "".join(short_reference(r) + "\n" for r in records)
    return "".join(line + "\n" for line in harvard(records))


@dataclass(frozen=True)
class CiteRequest:
    """Papers to cite and how, checked once by ``check``; each face builds one from its own input."""

    ids: tuple[str, ...]
    format: CiteFormat = "bibtex"
    style: TextStyle = "harvard"
    param: str = "ids"  # what the ids were given as (``ids``, or ``id`` for one paper), for their errors

    @classmethod
    def check(
        cls,
        ids: object,
        fmt: object = "bibtex",
        style: object = "harvard",
        param: str = "ids",
        most: int | None = MAX_CITE_IDS,
    ) -> CiteRequest:
        """The request, or a :class:`QueryError` naming the first bad parameter: the ids (the id rule, at most
        ``most``: None for no limit), then ``format``, then ``style`` (checked whatever the format)."""
        return cls(check_id_list(param, ids, most), check_format(fmt), check_style(style), param)

    def filename(self) -> str:
        """A file name for the references: the paper's id for one paper, else "references" (``.bib``, ``.json``...)."""
        stem = self.ids[0] if len(set(self.ids)) == 1 else "references"
        return f"{stem}.{EXTENSIONS[self.format]}"


def pick(records: Iterable[PaperRecord], request: CiteRequest) -> list[PaperRecord]:
    """The records the request names, in its order, from ``records`` read once; NotFoundError for an id no paper has."""
    wanted = set(request.ids)
    found = {r["id"]: r for r in records if r["id"] in wanted}
    for pid in request.ids:
        if pid not in found:
            error = NotFoundError(pid)
            error.param = request.param
            raise error
    return [found[pid] for pid in request.ids]


def check_format(fmt: object) -> CiteFormat:
    """``fmt`` as a citation format, or a :class:`QueryError` listing the ones there are."""
    return one_of("format", fmt, CITE_FORMATS, f"format must be one of {', '.join(CITE_FORMATS)}")


def check_style(style: object) -> TextStyle:
    """``style`` as a text style, or a :class:`QueryError` listing the ones there are."""
    return one_of("style", style, TEXT_STYLES, f"style must be one of {', '.join(TEXT_STYLES)}")


def csl_name(name: str) -> dict[str, str]:
    """An author as CSL names one: family and given names (particles with the family) and a suffix ("Jr."), or an
    organisation's literal."""
    read = read_name(name)
    if read.organisation:
        return {"literal": name.strip()}
    parts = {"family": read.surname, "given": " ".join(read.given), "suffix": read.suffix}
    return {key: value for key, value in parts.items() if value}


OTHERS = {"literal": "others"}  # the authors a source left out ("and others"), as CSL-JSON can say it


def csl_item(record: PaperRecord, abstracts: bool = False) -> dict[str, Any]:
    """One paper as a CSL-JSON item (its id the paper's id)."""
    where = placed(record)
    names, et_al = named_authors(record["authors"], bool(record.get("et_al")))
    item: dict[str, Any] = {
        "id": record["id"],
        "type": where.kind,
        "title": record["title"],
        "author": [csl_name(a) for a in names] + ([OTHERS] if et_al else []),
        "issued": {"date-parts": [[record["year"]]]},
    }
    if where.venue:
        item[venue_fields(where.kind).csl] = where.venue  # a journal's title, a book's or thesis's publisher
    if genre := record.get("genre"):
        item["genre"] = genre  # a thesis's degree: "Master's thesis"
    issue = "number" if where.kind == REPORT else "issue"  # a report's number ("TR-2009"), as CSL calls it
    for name, value in (("volume", where.volume), (issue, record.get("issue")), ("page", record.get("pages"))):
        if value:
            item[name] = value
    if doi := record.get("doi"):
        item["DOI"] = doi
    if where.arxiv and where.preprint:
        item["number"] = f"arXiv:{where.arxiv}"  # as Zotero writes a preprint
    if url := record.get("url") or (arxiv_url(where.arxiv) if where.arxiv else ""):
        item["URL"] = url
    if abstracts and record["summary"]:
        item["abstract"] = record["summary"]
    return item


RIS_TYPES = {
    "paper-conference": "CONF",
    "article-journal": "JOUR",
    "chapter": "CHAP",
    "book": "BOOK",
    "thesis": "THES",
    "report": "RPRT",
}


def ris_entry(record: PaperRecord, abstracts: bool = False) -> str:
    """One paper as an RIS record (``TY`` to ``ER``)."""
    where = placed(record)
    lines = [("TY", RIS_TYPES.get(where.kind, "GEN")), ("ID", record["id"])]
    lines += [("AU", _ris_name(a)) for a in named_authors(record["authors"])[0]]  # RIS has no "et al.": the names
    lines += [("TI", record["title"]), ("PY", str(record["year"]))]
    if where.venue:
        lines.append((venue_fields(where.kind).ris, where.venue))
    if genre := record.get("genre"):
        lines.append(("M3", genre))  # RIS's "type of work": a thesis's degree
    first, _, last = record.get("pages", "").partition("-")
    for tag, value in (("VL", where.volume), ("IS", record.get("issue", "")), ("SP", first), ("EP", last)):
        if value:
            lines.append((tag, value))
    for tag, key in (("DO", "doi"), ("UR", "url")):
        if link := record.get(key):
            lines.append((tag, str(link)))
    if where.arxiv:
        lines.append(("UR", arxiv_url(where.arxiv)) if not record.get("url") else ("N1", f"arXiv:{where.arxiv}"))
    if abstracts and record["summary"]:
        lines.append(("AB", record["summary"]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in lines) + "\n"


def _ris_name(name: str) -> str:
    parts = csl_name(name)
    if "suffix" in parts:  # "Last, First, Suffix", the first name empty or not
        return f"{parts['family']}, {parts.get('given', '')}, {parts['suffix']}"
    return parts.get("literal") or ", ".join(parts[k] for k in ("family", "given") if k in parts)


def _initials(name: str) -> str:
    parts = csl_name(name)
    if "literal" in parts:
        return parts["literal"]
    words = parts.get("given", "").replace("-", " ").replace(".", " ").split()
    initials = " ".join(w[0] + "." for w in words if w[:1].isalpha())
    return ", ".join(p for p in (parts["family"], initials, parts.get("suffix", "")) if p)


def short_reference(record: PaperRecord) -> str:
    """The project's own reference: "Rumelhart, D. E., Hinton, G. E. and Williams, R. J. (1986) Title. Venue. link"."""
    listed, et_al = named_authors(record["authors"], bool(record.get("et_al")))
    names = [_initials(a) for a in listed]
    if et_al:
        who = ", ".join(names) + " et al."
    else:
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    parts = [f"{who} ({record['year']}) {_sentence(record['title'])}"]
    where = placed(record)
    degree = record.get("genre", "")  # a thesis's: "Master's thesis, University …"; said with no school named too
    if where.venue or degree:
        venue = where.venue + _numbers(record, where.volume) if where.venue else ""
        parts.append(_sentence(", ".join(p for p in (degree, venue) if p)))
    if not where.venue and where.preprint and where.arxiv:
        parts.append(f"arXiv preprint arXiv:{where.arxiv}.")
    link = doi_url(record["doi"]) if record.get("doi") else record.get("url") or ""
    if not link and where.arxiv:
        link = arxiv_url(where.arxiv)
    if link:
        parts.append(link)
    return " ".join(parts)


def _numbers(record: PaperRecord, volume: str) -> str:
    """ ", 15(56), pp. 1929–1958" (what of volume, issue and pages the record has; an issue alone "no. TR-2009");
    "" for none."""
    issue, pages = record.get("issue", ""), record.get("pages", "")
    out = volume + (f"({issue})" if issue and volume else f"no. {issue}" if issue else "")  # a report's number alone
    if pages:
        out += (", " if out else "") + ("pp. " if "-" in pages else "p. ") + pages.replace("-", "–")
    return ", " + out if out else ""


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


@cache
def _style() -> CitationStylesStyle:
    from citeproc import CitationStylesStyle

    return CitationStylesStyle(HARVARD, validate=False)


def harvard(records: Sequence[PaperRecord]) -> list[str]:
    """Each paper as a reference in the Harvard style (citeproc-py), in the style's order (by author, then year)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    items = []
    for r in records:
        item = csl_item(r)
        numbered = any(k in item for k in ("volume", "issue", "page"))
        if item["type"] == "article-journal" and not numbered:
            item["type"] = "paper-conference"  # see the module docstring
        elif item["type"] == "article" and item.get("number", "").startswith("arXiv:"):
            item["type"], item["container-title"] = "paper-conference", f"arXiv preprint {item.pop('number')}"
        items.append(item)
    bibliography = CitationStylesBibliography(_style(), CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [_ET_AL.sub(" et al.", str(entry)) for entry in bibliography.bibliography()]


# the style sets the "others" name of fewer than four "and others", as English reads a list of names; a reference says et al.
_ET_AL = re.compile(r",? and others(?= \(\d{4}[a-z]?\))")
