"""Where a paper appeared, in a citation's terms: its kind of work, an arXiv pseudo-venue, its pages (pure).

The one owner of the rules every importer and every citation format follows:

- **the kind of work** is a CSL type (``TYPES``): a journal article, a conference paper, a chapter of a
  book (LNCS proceedings are chapters), a book, a thesis, a report, or ``article``, CSL's word for a
  preprint. BibTeX's entry types map onto these (``BIBTEX_TYPES``) and back (``bibtex_type``); a venue
  tells the kind when the source gave none (``kind_told_by``: a proceedings' name, or a journal's), and
  each kind names its venue in its own field of each format (``venue_fields``);
- **a thesis's degree** is its ``genre`` ("Master's thesis"): ``@mastersthesis`` in BibTeX (``is_masters``);
- **an arXiv pseudo-venue** ("arXiv:1607.06450 [cs, stat]" as Zotero writes a preprint's
  container, Google Scholar's "arXiv preprint arXiv:1607.06450", DBLP's "CoRR" with volume
  "abs/1607.06450", a bare "arXiv" or "arXiv e-prints") is no journal: the paper is a preprint,
  its arXiv id is the one the venue names (``preprint_venue``);
- **pages** are a page or a range written "1929-1958" (``pages_of`` reads "1929--1958", "1929–1958").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from ..core.identifiers import arxiv_of

TYPES = (
    "article-journal",
    "paper-conference",
    "chapter",
    "book",
    "thesis",
    "report",
    "article",  # a preprint, or any article of no journal
)
PREPRINT = "article"
REPORT = "report"
# BibTeX's entry types (lower case) as CSL types; a type not here (misc, online, unpublished) says nothing
BIBTEX_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "incollection": "chapter",
    "inbook": "chapter",
    "book": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
}
# CSL types a reference manager writes that mean one of ours
CSL_ALIASES = {"manuscript": PREPRINT, "preprint": PREPRINT}
# the kinds as every face lists them (a corpus file's ``type``, ``add --type``)
TYPES_TEXT = f"{', '.join(TYPES[:-1])}, or {PREPRINT} (a preprint; also written {' or '.join(sorted(CSL_ALIASES))})"
# each kind in the words a reader knows it by, as every face that lists papers says it (the page's ``KINDS`` too)
KIND_WORDS = {
    "article-journal": "journal article",
    "paper-conference": "conference paper",
    "chapter": "book chapter",
    "book": "book",
    "thesis": "thesis",
    "report": "report",
    PREPRINT: "preprint",
}


def kind_of_work(paper: Mapping[str, Any]) -> str:
    """A paper's kind of work in words, from its ``type`` and ``genre`` (a record, a hit, an answer's source): a
    thesis's degree as given ("Master's thesis"), else its CSL type's words ("preprint"), a type we do not know as
    written; "" for a paper of neither (every paper of the list itself)."""
    kind = str(paper.get("type", ""))
    return str(paper.get("genre", "")) or KIND_WORDS.get(kind, kind)


_PREPRINT_VENUE = re.compile(
    r"^\s*(?:arxiv(?:\s+(?:preprint|e-?prints?))?|corr|computing research repository)\b[\s:.,]*(?P<rest>.*)$",
    re.IGNORECASE,
)
_ARXIV_IN_VENUE = re.compile(r"(?:arxiv:\s*|abs/)(?P<id>[\w.\-/]+?)(?:v\d+)?(?=$|[\s\],;)])", re.IGNORECASE)
_RANGE = re.compile(
    r"^(?P<first>[A-Za-z]?\d+[A-Za-z]?|[ivxlcdm]+)(?:\s*(?:-{1,2}|–|—)\s*(?P<last>[A-Za-z]?\d+[A-Za-z]?|[ivxlcdm]+))?$"
)


def preprint_venue(venue: str, volume: str = "") -> tuple[bool, str]:
    """Whether ``venue`` is an arXiv pseudo-venue, and the arXiv id it (or DBLP's CoRR ``volume``) names ("" if none).

    "arXiv:1607.06450 [cs, stat]", "arXiv preprint arXiv:1607.06450", "CoRR" (volume "abs/1607.06450"),
    "arXiv", "arXiv e-prints" are; "Transactions on Machine Learning Research" is not.
    """
    found = _PREPRINT_VENUE.match(venue)
    if found is None:
        return False, ""
    rest = found.group("rest")
    named = [_arxiv_in(rest), _arxiv_in(volume)]
    if rest and not named[0] and not rest.startswith(("[", "(")):
        return False, ""  # "CoRR-like Journal of …": a name that only starts the same way
    return True, next((a for a in named if a), "")


def _arxiv_in(text: str) -> str:
    """The arXiv id a venue's words name ("arXiv:1607.06450", "abs/1607.06450", "1607.06450 [cs]"); "" if none."""
    for m in _ARXIV_IN_VENUE.finditer(text):
        if arxiv := arxiv_of(m.group("id")):
            return arxiv
    words = text.split()
    return (arxiv_of(words[0]) or "") if words else ""


def pages_of(text: str) -> str | None:
    """A page or range as the corpus writes it ("1929-1958", "e1234", "xii"); None when ``text`` is neither."""
    found = _RANGE.match(text.strip())
    if found is None:
        return None
    first, last = found.group("first"), found.group("last")
    return f"{first}-{last}" if last else first


def csl_type_of(value: str) -> str:
    """A CSL type this list knows ("chapter"), from a reference manager's (aliases read); "" for another."""
    value = value.strip().lower()
    return value if value in TYPES else CSL_ALIASES.get(value, "")


# a venue's words that name a conference's proceedings (a workshop, a symposium, a conference's short name), and those
# that name a journal whatever else they say ("Transactions of the ACL", and the journals called proceedings: PNAS,
# the Royal Society's, the IEEE's own)
_PROCEEDINGS = re.compile(
    r"proceedings|\bproc\b|conference|workshop|symposium|advances in neural|\b(?:neurips|nips|iclr|icml|cvpr|iccv|"
    r"eccv|acl|emnlp|naacl|eacl|coling|aaai|ijcai|kdd|sigir|icassp|interspeech|aistats|uai|colt|corl|miccai|bmvc)\b",
    re.IGNORECASE,
)
_JOURNAL = re.compile(
    r"\b(?:journal|transactions|letters|magazine|pnas)\b|proceedings of the (?:national academy|royal society|"
    r"ieee(?!.*\b(?:conference|workshop|symposium)\b))",
    re.IGNORECASE,
)


def kind_told_by(venue: str) -> str:
    """The kind of work a venue's name tells, for a paper whose source gave none: a proceedings' name ("Advances in
    Neural Information Processing Systems 30", "Proc. ICLR 2015") a conference paper, any other a journal article;
    "" for no venue."""
    if not venue.strip():
        return ""
    conference = _PROCEEDINGS.search(venue) and not _JOURNAL.search(venue)
    return "paper-conference" if conference else "article-journal"


# A thesis's degree, as CSL's ``genre`` and RIS's ``M3`` (type of work) say it; BibTeX says it by the entry type
# (``@mastersthesis``, ``@phdthesis``) or, for biblatex's ``@thesis``, a ``type`` key (``mathesis``, ``phdthesis``)
MASTERS_THESIS, PHD_THESIS = "Master's thesis", "PhD thesis"
BIBTEX_THESES = {"mastersthesis": MASTERS_THESIS, "phdthesis": PHD_THESIS}
_BIBLATEX_THESIS_TYPES = {"mathesis": MASTERS_THESIS, "phdthesis": PHD_THESIS}
_MASTERS = re.compile(r"\bmaster|\bm\.?\s?(?:sc|a|s|phil|eng|res)\b|mathesis|\bdiplom|\bmagister", re.IGNORECASE)
_DOCTORS = re.compile(r"\bph\.?\s?d\b|\bdoctor(?:al|ate)?\b|\bd\.?\s?phil\b", re.IGNORECASE)  # wins over a master's


def thesis_genre(entry_type: str, type_field: str) -> str:
    """A BibTeX thesis's degree: its ``type`` field as written (biblatex's keys read as words), else the one its
    entry type says ("Master's thesis" for ``@mastersthesis``); "" when neither says."""
    given = type_field.strip()
    return _BIBLATEX_THESIS_TYPES.get(given.lower(), given) or BIBTEX_THESES.get(entry_type.lower(), "")


def is_masters(genre: str) -> bool:
    """Whether a thesis's degree is a master's ("Master's thesis", "M.Sc. thesis", "MA thesis", "Diplomarbeit"); the
    degree named first wins ("PhD thesis (M.Sc. 1998)" is a doctor's, "Master thesis, Doctoral School of ..." a
    master's), and "master" only starts a word ("Webmaster" is none)."""
    masters, doctors = _MASTERS.search(genre), _DOCTORS.search(genre)
    return masters is not None and (doctors is None or masters.start() < doctors.start())


PLACED_IN_VENUE = ("article-journal", "paper-conference", "chapter")  # kinds that are nothing without their venue


def kind_with_venue(kind: str, venue: str) -> str:
    """``kind`` as an entry gives it, or "" for a kind it cannot be without a venue: a BibTeX ``@article`` with no
    journal (a bare entry a person typed) says no more than that it is a paper."""
    return "" if kind in PLACED_IN_VENUE and not venue else kind


class VenueFields(NamedTuple):
    """Where a kind of work names its venue in each format: BibTeX's field, CSL-JSON's variable, RIS's tag."""

    bibtex: str
    csl: str
    ris: str


# Where each kind names its venue (``cite`` writes it, an import reads it). A book, thesis or report appeared at a
# publisher, a university or an institute (CSL and RIS call each a publisher), never in a container; a preprint or
# talk's venue (CSL's ``article``) is BibTeX's ``howpublished``.
VENUE_FIELDS: dict[str, VenueFields] = {
    "article-journal": VenueFields(bibtex="journal", csl="container-title", ris="T2"),
    "paper-conference": VenueFields(bibtex="booktitle", csl="container-title", ris="T2"),
    "chapter": VenueFields(bibtex="booktitle", csl="container-title", ris="T2"),
    "book": VenueFields(bibtex="publisher", csl="publisher", ris="PB"),
    "thesis": VenueFields(bibtex="school", csl="publisher", ris="PB"),
    "report": VenueFields(bibtex="institution", csl="publisher", ris="PB"),
    PREPRINT: VenueFields(bibtex="howpublished", csl="publisher", ris="PB"),
}


def venue_fields(kind: str) -> VenueFields:
    """Where a paper of ``kind`` (a CSL type; another, or "", as a preprint) names its venue in each format."""
    return VENUE_FIELDS.get(kind, VENUE_FIELDS[PREPRINT])


# what else a BibTeX entry may name its venue by, read after the field above (biblatex's, and one kind's in another)
BIBTEX_VENUE_ALSO = ("journal", "journaltitle", "booktitle")
BIBTEX_THESIS_ALSO = ("institution",)  # biblatex's @thesis names its university so


def bibtex_venue_fields(kind: str) -> tuple[str, ...]:
    """The BibTeX fields that may name the venue of an entry of ``kind`` (a CSL type, "" for @misc), in the order
    read: a journal, proceedings or book first, then the kind's own (``school``, ``institution``, ``publisher``)."""
    own = venue_fields(kind).bibtex
    also = BIBTEX_THESIS_ALSO if kind == "thesis" else ()
    return tuple(dict.fromkeys((*BIBTEX_VENUE_ALSO, own, *also)))


def bibtex_type(kind: str, has_venue: bool, genre: str = "") -> tuple[str, str | None]:
    """The BibTeX entry type for a CSL type (a thesis's by its degree, ``genre``), and the field that names its venue
    (None: the type has none)."""
    entry = {
        "paper-conference": "inproceedings",
        "chapter": "incollection" if has_venue else "inbook",
        "book": "book",
        "thesis": "mastersthesis" if is_masters(genre) else "phdthesis",
        "report": "techreport",
        "article-journal": "article",
    }.get(kind, "misc")
    if kind == "chapter" and not has_venue:
        return entry, None
    return entry, venue_fields(kind).bibtex
