"""Papers written as BibTeX entries, in the form Zotero and DBLP write and every BibTeX or biber run reads.

The key is the paper's id ("1986-rumelhart-backpropagation"): unique in the list, and it never
changes when other papers come and go, so a document citing it keeps working. Text is written in
UTF-8 (BibTeX 8-bit, biber and every reference manager read it); LaTeX's special characters are
escaped (``\\&``, ``\\%``, ``\\$``, ``\\#``, ``\\_``, braces, ``\\textasciitilde{}``...), and the
ligatures LaTeX would make of ``--``, ``````  and ``''`` are broken with ``{}``, so the text reads
back exactly. A title word with a capital past its first letter ("ImageNet", "BERT:", "NeRF") is
braced so that a style which lowercases titles keeps it. Names are "Last, First" (particles kept
with the surname: "van den Oord, Aäron"); an organisation is braced whole ("{DeepSeek AI}").
The entry type follows the paper's kind of work (``cite_venue.placed``): a conference paper
(``@inproceedings``, ``booktitle``), a chapter (``@incollection``, ``booktitle``: an LNCS paper), a journal
article (``@article``, ``journal``), a book, a thesis (``@mastersthesis`` for a master's, by its ``genre``, else
``@phdthesis``; a degree the entry type does not say as ``type``) or a report, or a preprint (``@misc``: an arXiv
pseudo-venue is never written as a journal), with ``volume``, ``number`` (the issue) and ``pages``
("1929--1958"); an arXiv id is written as ``eprint`` with ``archivePrefix = {arXiv}``, as arXiv's own BibTeX
does. Authors that ended "and others" in the paper's source end so here too.
"""

from __future__ import annotations

import re

from ..core.names import named_authors, read_name
from ..core.records import PaperRecord
from ..corpus.venues import BIBTEX_THESES, bibtex_type
from .cite_venue import placed

_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')")
_INNER_CAPITAL = re.compile(r"^.\S*[A-Z]")
_PARAGRAPH = re.compile(r"\n\s*\n")


def escape(text: str) -> str:
    """``text`` as BibTeX field text that a LaTeX decoder reads back unchanged (paragraph breaks kept)."""
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH.split(text.strip()))
    return "\n\n".join(_LIGATURE.sub("{}", p.translate(_ESCAPES)) for p in paragraphs if p)


def protect_title(title: str) -> str:
    """The escaped title, each word with a capital past its first letter braced ("{ImageNet}")."""
    words = []
    for word in title.split():
        out = escape(word)
        words.append("{" + out + "}" if _INNER_CAPITAL.match(word) else out)
    return " ".join(words)


def bibtex_name(name: str) -> str:
    """An author as BibTeX reads one: "von Last, First" or "Last, Jr., First", or an organisation braced whole."""
    read = read_name(name)
    if read.organisation:  # "DeepSeek AI", filed under its first word
        return "{" + escape(name.strip()) + "}"
    if read.suffix:  # three parts, the first name empty or not, or BibTeX reads the suffix as the first name
        return escape(f"{read.surname}, {read.suffix}, {' '.join(read.given)}".rstrip())
    return escape(f"{read.surname}, {' '.join(read.given)}" if read.given else read.surname)


def bibtex_entry(record: PaperRecord, abstracts: bool = False) -> str:
    """One paper as a BibTeX entry; with ``abstracts``, its summary as the ``abstract``."""
    where = placed(record)
    genre = record.get("genre", "")
    kind, venue_field = bibtex_type(where.kind, bool(where.venue), genre)
    listed, et_al = named_authors(record["authors"], bool(record.get("et_al")))
    names = [bibtex_name(a) for a in listed] + (["others"] if et_al else [])
    fields = [
        ("title", "{" + protect_title(record["title"]) + "}"),
        ("author", "{" + " and ".join(names) + "}"),
        ("year", "{" + str(record["year"]) + "}"),
    ]
    if venue_field and where.venue:
        fields.append((venue_field, "{" + escape(where.venue) + "}"))
    if genre and genre.casefold() != BIBTEX_THESES.get(kind, "").casefold():  # a degree the type does not say
        fields.append(("type", "{" + escape(genre) + "}"))
    for name, value in (("volume", where.volume), ("number", record.get("issue", ""))):
        if value:
            fields.append((name, "{" + escape(str(value)) + "}"))
    if pages := record.get("pages"):
        fields.append(("pages", "{" + escape(pages).replace("-", "--") + "}"))
    if doi := record.get("doi"):
        fields.append(("doi", "{" + doi + "}"))
    if where.arxiv:
        fields += [("eprint", "{" + where.arxiv + "}"), ("archivePrefix", "{arXiv}")]
    if url := record.get("url"):
        fields.append(("url", "{" + url.replace("{", "%7B").replace("}", "%7D") + "}"))
    if abstracts and record["summary"]:
        fields.append(("abstract", "{" + escape(record["summary"]) + "}"))
    width = max(len(k) for k, _ in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {v}" for k, v in fields)
    return f"@{kind}{{{record['id']},\n{body}\n}}\n"
