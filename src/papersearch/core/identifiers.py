"""What identifies a published paper, one rule each: a DOI, an arXiv id, a web address, a title and year or author.

Pure functions used by every stage that reads or writes them: the corpus's field checks, the
importers (which meet the same DOI as ``https://doi.org/10.1038/…``, ``doi:10.1038/…`` or
``10.1038/…``), the duplicate check of an import, and citations (a DOI's and an arXiv id's address).
"""

from __future__ import annotations

import re

from .names import author_surname, given_names
from .text import unaccented

# A DOI is "10." + a registrant code + "/" + any suffix without white space (Crossref's own advice is
# narrower, but real suffixes hold <, >, [ and ; too).
DOI_RE = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# arXiv ids: "1706.03762" (from April 2007; five digits from 2015) or "hep-th/9901001" (before), each with
# an optional version ("v5").
ARXIV_RE = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:\s*|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/|10\.48550/arxiv\.)", re.IGNORECASE
)
_ARXIV_VERSION = re.compile(r"v\d+$")
URL_RE = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")
WORK_YEARS = 2  # a preprint and its journal or proceedings version: this many years apart at most
Work = tuple[int, str, str]  # a record's year, DOI and arXiv id ("" for none), as ``one_work`` compares them


def doi_of(text: str) -> str | None:
    """The bare DOI a text gives (``https://doi.org/`` or ``doi:`` dropped), or None if it is not one."""
    doi = _DOI_PREFIX.sub("", text.strip())
    return doi if DOI_RE.match(doi) else None


def arxiv_of(text: str) -> str | None:
    """The arXiv id a text gives ("arXiv:1706.03762v5", an arxiv.org address, arXiv's DOI), or None."""
    found = _ARXIV_PREFIX.sub("", text.strip())
    if found.endswith(".pdf"):
        found = found[:-4]
    return found if ARXIV_RE.match(found) else None


def doi_key(doi: str) -> str:
    """DOIs compare without regard to case."""
    return doi.lower()


def arxiv_key(arxiv: str) -> str:
    """An arXiv id without its version: every version is the same paper."""
    return _ARXIV_VERSION.sub("", arxiv.lower())


def title_key(title: str, year: int) -> str:
    """A title and year as two entries of the same paper share them: case, accents, braces and punctuation dropped."""
    return f"{year}:{_NOT_WORD.sub(' ', unaccented(title)).strip()}"


def author_title_key(title: str, first_author: str) -> str:
    """A title and its first author's surname and initial, without the year: the arXiv version of a paper and its
    proceedings version ("Deep Residual Learning for Image Recognition", K. He, 2015 and 2016) share it; whether two
    records that share it are one work is ``one_work``'s to say."""
    surname = _NOT_WORD.sub(" ", unaccented(author_surname(first_author))).strip()
    given = given_names(first_author)
    initial = unaccented(given[0])[:1] if given else ""
    return f"{surname}:{initial}:{_NOT_WORD.sub(' ', unaccented(title)).strip()}"


def one_work(a: Work, b: Work) -> bool:
    """Whether two records sharing a title and first author (``author_title_key``) are one work: their years at most
    ``WORK_YEARS`` apart (a preprint and its publication), and no two DOIs or arXiv ids of theirs that differ ("Reply"
    by Wang in 2004 and in 2019 are two). An arXiv DOI (10.48550/arXiv.…) counts as the arXiv id it is."""
    (year_a, doi_a, arxiv_a), (year_b, doi_b, arxiv_b) = _ids(a), _ids(b)
    if abs(year_a - year_b) > WORK_YEARS:
        return False
    return not (doi_a and doi_b and doi_a != doi_b) and not (arxiv_a and arxiv_b and arxiv_a != arxiv_b)


def _ids(work: Work) -> Work:
    """(year, DOI key, arXiv key) with an arXiv DOI read as the arXiv id."""
    year, doi, arxiv = work
    as_arxiv = arxiv_of(doi) if doi else None
    if as_arxiv:
        return year, "", arxiv_key(arxiv or as_arxiv)
    return year, doi_key(doi) if doi else "", arxiv_key(arxiv) if arxiv else ""


def doi_url(doi: str) -> str:
    """The address a DOI resolves at."""
    return f"https://doi.org/{doi}"


def arxiv_url(arxiv: str) -> str:
    """A paper's abstract page on arXiv."""
    return f"https://arxiv.org/abs/{arxiv}"


def is_url(text: str) -> bool:
    """An http(s) address with a host name and no white space."""
    return bool(URL_RE.match(text))
