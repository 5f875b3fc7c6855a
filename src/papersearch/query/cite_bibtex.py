"""Papers written as BibTeX entries, in the form Zotero and DBLP write and every BibTeX or biber run reads.

The key is the paper's id ("1986-rumelhart-backpropagation"): unique in the list, and it never
changes when other papers come and go, so a document citing it keeps working. Text is written in
UTF-8 (BibTeX 8-bit, biber and every reference manager read it); LaTeX's special characters are
escaped (``\\&``, ``\\%``, ``\\$``, ``\\#``, ``\\_``, braces, ``\\textasciitilde{}``...), and the
ligatures LaTeX would make of ``--``, ``````  and ``''`` are broken with ``{}``, so the text reads
back exactly. A title word with a capital past its first letter ("ImageNet", "BERT:", "NeRF") is
braced so that a style which lowercases titles keeps it. Names are "Last, First" (particles kept
with the surname: "van den Oord, Aäron"); an organisation is braced whole ("{DeepSeek AI}").
The entry type follows the venue: proceedings (``@inproceedings``, ``booktitle``), another venue
(``@article``, ``journal``), none (``@misc``); an arXiv id is written as ``eprint`` with
``archivePrefix = {arXiv}``, as arXiv's own BibTeX does.
"""

from __future__ import annotations

import re

from ..core.names import author_surname, given_names
from ..core.records import PaperRecord

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
PROCEEDINGS = re.compile(r"proceedings|conference|workshop|symposium|advances in neural|\bneurips\b|\bnips\b", re.I)


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
    """An author as BibTeX reads one: "Last, First", or an organisation braced whole."""
    given = given_names(name)
    surname = author_surname(name)
    if not given and surname != name.strip():  # an organisation ("DeepSeek AI"), filed under its first word
        return "{" + escape(name) + "}"
    return escape(f"{surname}, {' '.join(given)}" if given else surname)


def entry_type(venue: str) -> tuple[str, str | None]:
    """The BibTeX type for a paper's venue, and the field that names the venue."""
    if not venue:
        return "misc", None
    return ("inproceedings", "booktitle") if PROCEEDINGS.search(venue) else ("article", "journal")


def bibtex_entry(record: PaperRecord, abstracts: bool = False) -> str:
    """One paper as a BibTeX entry; with ``abstracts``, its summary as the ``abstract``."""
    venue = record.get("venue", "")
    kind, venue_field = entry_type(venue)
    fields = [
        ("title", "{" + protect_title(record["title"]) + "}"),
        ("author", "{" + " and ".join(bibtex_name(a) for a in record["authors"]) + "}"),
        ("year", "{" + str(record["year"]) + "}"),
    ]
    if venue_field:
        fields.append((venue_field, "{" + escape(venue) + "}"))
    if doi := record.get("doi"):
        fields.append(("doi", "{" + doi + "}"))
    if arxiv := record.get("arxiv"):
        fields += [("eprint", "{" + arxiv + "}"), ("archivePrefix", "{arXiv}")]
    if url := record.get("url"):
        fields.append(("url", "{" + url.replace("{", "%7B").replace("}", "%7D") + "}"))
    if abstracts and record["summary"]:
        fields.append(("abstract", "{" + escape(record["summary"]) + "}"))
    width = max(len(k) for k, _ in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {v}" for k, v in fields)
    return f"@{kind}{{{record['id']},\n{body}\n}}\n"
