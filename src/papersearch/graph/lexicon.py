"""The corpus's surnames and concept terms, keyed once, and where they occur in a text in one pass.

``build_lexicon`` keys every first author's surname (in each of its spellings) and every concept
term of a corpus; ``occurrences`` scans a text once for spans with those keys and checks each hit
the way its own regex (``term_regex``) would match it, so the work grows with the corpus, not with
its square. A term also carries when a use of it stops being a citation (``common_from``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..core.models import Concept, Paper
from ..core.records import EdgeKind
from .names import author_surname, name_key, spellings


def term_regex(term: str, case_sensitive: bool) -> re.Pattern[str]:
    """The regex a term stands for: the whole word or phrase, an optional plural "s"."""
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w\-]){re.escape(term)}s?(?![\w\-])", flags)


# Matching without a regex per name or term. "[\w\-]" means the same with and without
# IGNORECASE, and the only non-ASCII case partners of ASCII letters are İ ı K ſ (both checked in
# tests/test_xrefs.py): ``fold`` and the boundaries below rest on that.
Span = tuple[int, int]
_NOT_WORD = re.compile(r"[^\w\-]")
_PLURAL = {f: re.compile("s", f) for f in (re.NOFLAG, re.IGNORECASE)}
PLURAL_CHARS = frozenset("sSſ")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_IKS = str.maketrans("iks", "???")


def fold(text: str) -> str:
    """A same-length key shared by every text a name or term matches, in either case mode.

    ASCII is lowercased; every other character becomes "?", and so do i, k and s, whose other
    case partners (ı, İ, K, ſ) are not ASCII. Looking keys up finds a superset of the matches;
    each is then checked exactly.
    """
    return _NON_ASCII.sub("?", text).lower().translate(_IKS)


@dataclass(frozen=True)
class Text:
    """A text, its folded key, and where it has a character that ends a word (neither \\w nor "-")."""

    text: str
    folded: str
    breaks: list[int]  # ascending
    break_set: frozenset[int]

    def may_start(self, i: int) -> bool:
        return i == 0 or i - 1 in self.break_set

    def may_end(self, i: int) -> bool:
        return i == len(self.text) or i in self.break_set


def scan(text: str) -> Text:
    """A text made ready for ``occurrences`` and ``mentions``."""
    breaks = [m.start() for m in _NOT_WORD.finditer(text)]
    return Text(text, fold(text), breaks, frozenset(breaks))


def _same(a: str, literal: str, flags: re.RegexFlag) -> bool:
    if not flags:
        return a == literal
    if a.isascii() and literal.isascii():
        return a.lower() == literal.lower()
    return re.fullmatch(re.escape(literal), a, flags) is not None


def _matches(t: Text, literal: str, flags: re.RegexFlag, plural: bool, tries: Iterable[int]) -> list[Span]:
    r"""What ``re.finditer`` of ``(?<![\w\-])literal(s?)(?![\w\-])`` yields, trying only ``tries``.

    ``tries`` must be ascending and hold the start of every match.
    """
    out: list[Span] = []
    last, n = 0, len(t.text)
    for s in tries:
        e = s + len(literal)
        if s < last or not t.may_start(s) or e > n or not _same(t.text[s:e], literal, flags):
            continue
        if plural and e < n and _PLURAL[flags].match(t.text, e) and t.may_end(e + 1):
            e += 1
        elif not t.may_end(e):
            continue
        out.append((s, e))
        last = e
    return out


def mentions(t: Text, term: str) -> bool:
    """Whether ``term_regex(term, False)`` finds ``term`` in the text."""
    if not term:
        return term_regex(term, False).search(t.text) is not None
    key, tries = fold(term), []
    i = t.folded.find(key)
    while i >= 0:
        tries.append(i)
        i = t.folded.find(key, i + 1)
    return bool(_matches(t, term, re.IGNORECASE, True, tries))


ALWAYS = 0  # ``common_from`` of a term that is everyday vocabulary in every year


def common_from(concept: Concept) -> int | None:
    """The year from which a use of the concept's terms is a mention; None when it is always a citation."""
    generic = concept.generic
    if isinstance(generic, bool):
        return ALWAYS if generic else None
    return int(generic)


@dataclass(frozen=True)
class Term:
    """One concept term of the corpus: its text, the entry it belongs to, and how it matches."""

    text: str
    paper: Paper
    concept: str
    common_from: int | None  # see ``common_from``
    case_sensitive: bool

    @property
    def flags(self) -> re.RegexFlag:
        return re.NOFLAG if self.case_sensitive else re.IGNORECASE

    def kind_in(self, year: int) -> EdgeKind:
        """``cites`` while the term still names this entry's contribution, ``mentions`` once it is vocabulary."""
        return "mentions" if self.common_from is not None and year >= self.common_from else "cites"


def corpus_terms(papers: Sequence[Paper]) -> list[Term]:
    """Every concept term of every paper; a term listed by several belongs to the earliest."""
    owner: dict[str, tuple[Paper, Concept]] = {}
    for p in sorted(papers, key=lambda p: (p.year, p.id)):
        for c in p.concepts:
            for t in c.terms():
                # a single word matches as written ("Attention" is not "attention"); a phrase in any case
                key = t if " " not in t else t.lower()
                if len(t) >= 2 and key not in owner:
                    owner[key] = (p, c)
    out = [Term(key, p, c.name, common_from(c), " " not in key) for key, (p, c) in owner.items()]
    out.sort(key=lambda t: -len(t.text))
    return out


_NAME, _TERM = 0, 1


@dataclass(frozen=True)
class Lexicon:
    """A corpus's first-author surnames and concept terms, keyed for one scan of each text."""

    by_surname: dict[str, list[Paper]]  # by ``name_key`` of the first author's surname
    names: list[str]  # every spelling of those surnames of three letters or more (pass 2's order)
    name_keys: list[str]  # the ``by_surname`` key of each of ``names``
    terms: list[Term]  # longest first (pass 3's order)
    ids: frozenset[str]
    keys: dict[str, list[tuple[int, int]]]  # folded name or term -> (_NAME or _TERM, rank)
    heads: dict[str, int]  # the first four characters of a key (all of a shorter one) -> longest such key


def first_author(paper: Paper) -> str:
    """The surname of a paper's first author, particles kept ("van den Oord")."""
    return author_surname(paper.authors[0]) if paper.authors else ""


def build_lexicon(papers: Sequence[Paper]) -> Lexicon:
    """The corpus's lexicon: built once, used for every summary and title."""
    by_surname: dict[str, list[Paper]] = {}
    spelled: dict[str, str] = {}
    for p in papers:
        name = first_author(p)
        by_surname.setdefault(name_key(name), []).append(p)
        for spelling in spellings(name):
            spelled.setdefault(spelling, name_key(name))
    names = [name for name in spelled if len(name) >= 3]
    name_keys = [spelled[name] for name in names]
    terms = corpus_terms(papers)
    keys: dict[str, list[tuple[int, int]]] = {}
    for rank, name in enumerate(names):
        keys.setdefault(fold(name), []).append((_NAME, rank))
    for rank, term in enumerate(terms):
        keys.setdefault(fold(term.text), []).append((_TERM, rank))
    heads: dict[str, int] = {}
    for key in keys:
        heads[key[:4]] = max(heads.get(key[:4], 0), len(key))
    return Lexicon(by_surname, names, name_keys, terms, frozenset(p.id for p in papers), keys, heads)


def occurrences(t: Text, lex: Lexicon, any_case: bool = False) -> tuple[dict[int, list[Span]], dict[int, list[Span]]]:
    """Where each surname and each concept term of the corpus occurs in the text, by rank.

    One pass: every span that may be a match (word boundaries at both ends, an optional plural
    "s", no longer than the longest key starting with its first characters) is looked up by its
    folded text; the names and terms found are then matched exactly. ``any_case`` matches every
    term in any case (a title's capitals say nothing).
    """
    text, folded, n = t.text, t.folded, len(t.text)
    ends: list[int] = []
    for e in [*t.breaks, n]:
        if e > 0 and text[e - 1] in PLURAL_CHARS:
            ends.append(e - 1)
        ends.append(e)
    starts = [s for s in (0, *(b + 1 for b in t.breaks)) if s < n]
    heads = lex.heads
    tries: dict[tuple[int, int], list[int]] = {}
    for s in starts:
        reach = max(heads.get(folded[s : s + 4], 0), heads.get(folded[s : s + 3], 0), heads.get(folded[s : s + 2], 0))
        if not reach:
            continue
        for e in ends[bisect_right(ends, s) : bisect_right(ends, s + reach)]:
            for item in lex.keys.get(folded[s:e], ()):
                tries.setdefault(item, []).append(s)
    names: dict[int, list[Span]] = {}
    terms: dict[int, list[Span]] = {}
    for (kind, rank), at in tries.items():
        if kind == _NAME:
            if spans := _matches(t, lex.names[rank], re.NOFLAG, False, at):
                names[rank] = spans
        elif spans := _matches(t, lex.terms[rank].text, re.IGNORECASE if any_case else lex.terms[rank].flags, True, at):
            terms[rank] = spans
    return names, terms
