"""The corpus's surnames and concept terms, keyed once, and where they occur in a text in one pass.

``build_lexicon`` keys every first author's surname (in each of its spellings) and every concept
term of a corpus; ``occurrences`` scans a text once for spans with those keys and checks each hit
the way its own regex (``term_regex``) would match it, so the work grows with the corpus, not with
its square. A term also carries when a use of it stops being a citation (``common_from``).

The lexicon holds no papers: each entry is a ``Referent``, what resolving a reference needs of it
(id, year, authors' surname keys, concept terms), and ``build_lexicon`` reads the papers one at a
time, so a build makes the lexicon in one pass over a corpus it never holds.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Container, Iterable
from dataclasses import dataclass
from functools import cache

from ..core.models import Concept, Paper
from ..core.names import author_surname, name_key, spellings
from ..core.records import EdgeKind


def term_regex(term: str, case_sensitive: bool) -> re.Pattern[str]:
    """The regex a term stands for: the whole word or phrase, an optional plural "s"."""
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w\-]){re.escape(term)}s?(?![\w\-])", flags)


# Matching without a regex per name or term. "[\w\-]" means the same with and without
# IGNORECASE, and the only non-ASCII case partners of ASCII letters are İ ı K ſ (both checked in
# tests/test_xrefs.py): ``match_key`` and the boundaries below rest on that.
Span = tuple[int, int]
_NOT_WORD = re.compile(r"[^\w\-]")
_PLURAL = {f: re.compile("s", f) for f in (re.NOFLAG, re.IGNORECASE)}
PLURAL_CHARS = frozenset("sSſ")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_IKS = str.maketrans("iks", "???")


def match_key(text: str) -> str:
    """A same-length key shared by every text a name or term matches, in either case mode.

    ASCII is lowercased; every other character becomes "?", and so do i, k and s, whose other
    case partners (ı, İ, K, ſ) are not ASCII. Looking keys up finds a superset of the matches;
    each is then checked exactly.
    """
    return _NON_ASCII.sub("?", text).lower().translate(_IKS)


@dataclass(frozen=True)
class Text:
    """A text, its ``match_key``, and where it has a character that ends a word (neither \\w nor "-")."""

    text: str
    key: str
    breaks: list[int]  # ascending
    break_set: frozenset[int]

    def may_start(self, i: int) -> bool:
        return i == 0 or i - 1 in self.break_set

    def may_end(self, i: int) -> bool:
        return i == len(self.text) or i in self.break_set


def scan(text: str) -> Text:
    """A text made ready for ``occurrences`` and ``mentions``."""
    breaks = [m.start() for m in _NOT_WORD.finditer(text)]
    return Text(text, match_key(text), breaks, frozenset(breaks))


def _same(a: str, literal: str, flags: re.RegexFlag) -> bool:
    """Whether ``re.fullmatch(re.escape(literal), a, flags)`` would match.

    A literal matches one character at a time, so in any case each pair is compared alone: an ASCII
    pair by ``lower``, any other by a pattern of that one character (compiled once per character, not
    once per literal: a corpus has a few hundred such characters and a hundred thousand literals).
    """
    if not flags:
        return a == literal
    if a.isascii() and literal.isascii():
        return a.lower() == literal.lower()
    return len(a) == len(literal) and all(
        x == y or (x.lower() == y.lower() if x.isascii() and y.isascii() else _any_case(y).match(x) is not None)
        for x, y in zip(a, literal, strict=True)
    )


@cache
def _any_case(char: str) -> re.Pattern[str]:
    return re.compile(re.escape(char), re.IGNORECASE)


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
    key, tries = match_key(term), []
    i = t.key.find(key)
    while i >= 0:
        tries.append(i)
        i = t.key.find(key, i + 1)
    return bool(_matches(t, term, re.IGNORECASE, True, tries))


ALWAYS = 0  # ``common_from`` of a term that is everyday vocabulary in every year


def common_from(concept: Concept) -> int | None:
    """The year from which a use of the concept's terms is a mention; None when it is always a citation."""
    generic = concept.generic
    if isinstance(generic, bool):
        return ALWAYS if generic else None
    return int(generic)


@dataclass(frozen=True, slots=True)
class Referent:
    """An entry as the other summaries may refer to it: what resolving a reference needs, not the paper."""

    id: str
    year: int
    author_keys: str  # ``name_key`` of each author's surname, joined by spaces (a key holds none)
    terms: tuple[str, ...]  # every concept term, to tell apart entries whose first authors share a surname (else ())

    def has_authors(self, keys: set[str]) -> bool:
        """Whether every one of the surname ``keys`` is one of this entry's authors'."""
        return not keys or keys.issubset(self.author_keys.split(" "))


@dataclass(frozen=True, slots=True)
class Term:
    """One concept term of the corpus: its text, the entry it belongs to, and how it matches."""

    text: str  # as written for a single word, lowercased for a phrase
    paper: Referent
    common_from: int | None  # see ``common_from``

    @property
    def case_sensitive(self) -> bool:
        """A single word matches as written ("Attention" is not "attention"); a phrase in any case."""
        return " " not in self.text

    @property
    def flags(self) -> re.RegexFlag:
        return re.NOFLAG if self.case_sensitive else re.IGNORECASE

    def kind_in(self, year: int) -> EdgeKind:
        """``cites`` while the term still names this entry's contribution, ``mentions`` once it is vocabulary."""
        return "mentions" if self.common_from is not None and year >= self.common_from else "cites"


_NAME, _TERM = 0, 1


@dataclass(frozen=True)
class Lexicon:
    """A corpus's first-author surnames and concept terms, keyed for one scan of each text."""

    by_surname: dict[str, tuple[Referent, ...]]  # by ``name_key`` of the first author's surname
    names: list[str]  # every spelling of those surnames of three letters or more (pass 2's order)
    name_keys: list[str]  # the ``by_surname`` key of each of ``names``
    terms: list[Term]  # longest first (pass 3's order)
    positions: dict[str, int]  # each entry's id -> its place in the order the lexicon was built in
    years: array[int]  # each entry's year, by that place
    keys: dict[
        str, int | tuple[int, ...]
    ]  # ``match_key`` of a name or term -> its rank * 2 + (_NAME or _TERM), or several
    heads: dict[str, int]  # the first four characters of a key (all of a shorter one) -> longest such key
    reach: Reach  # the longest key a span starting with four given characters may be, from ``heads``


class Reach(dict[str, int]):
    """The longest key a span may be that starts with four given characters (fewer at a text's end): the longest
    of ``heads`` under their first four, three or two. Filled as texts ask: a corpus's texts share a few thousand."""

    def __init__(self, heads: dict[str, int]) -> None:
        super().__init__()
        self.heads = heads

    def __missing__(self, start: str) -> int:
        heads = self.heads
        self[start] = reach = max(heads.get(start, 0), heads.get(start[:3], 0), heads.get(start[:2], 0))
        return reach


def surname_key(paper: Paper) -> str:
    """The key the lexicon files a paper under: its first author's surname (``by_surname``)."""
    return name_key(paper.first_author_surname)


def build_lexicon(papers: Iterable[Paper], shared: Container[str] | None = None) -> Lexicon:
    """The lexicon of ``papers``, read once, one at a time: built once, used for every summary and title.

    Surnames are matched in the order given (a build gives corpus order); a concept term listed by
    several entries belongs to the earliest in corpus order (year, then id), whatever the order given.
    ``shared``: the ``surname_key``s of more than one paper, when known beforehand; only the entries
    filed under them keep their concept terms (``Referent.terms``), the only ones that need them.
    """
    builder = _Builder(shared)
    for p in papers:
        builder.add(p)
    return builder.lexicon()


class _Builder:
    """The lexicon's tables, filled one paper at a time: nothing is kept of a paper but its ``Referent``."""

    def __init__(self, shared: Container[str] | None) -> None:
        self.shared = shared
        self.by_surname: dict[str, list[Referent]] = {}
        self.spelled: dict[str, str] = {}  # each spelling of a surname -> its key, in the order first seen
        self.owner: dict[str, tuple[Referent, int, int | None]] = {}  # term -> (entry, order listed, common_from)
        self.positions: dict[str, int] = {}
        self.years = array("h")  # two bytes a paper: years 1800 to 2100
        self.listed = 0  # terms listed so far

    def add(self, paper: Paper) -> None:
        name = paper.first_author_surname
        key = name_key(name)
        keys = " ".join(name_key(author_surname(a)) for a in paper.authors)
        terms = tuple(paper.concept_terms()) if self.shared is None or key in self.shared else ()
        p = Referent(paper.id, paper.year, keys, terms)
        self.by_surname.setdefault(key, []).append(p)
        for spelling in spellings(name):
            self.spelled.setdefault(spelling, key)
        self.positions[paper.id] = len(self.positions)
        self.years.append(paper.year)
        for c in paper.concepts:
            common = common_from(c)
            for t in c.terms():
                term = t if " " not in t else t.lower()  # a single word matches as written; a phrase in any case
                held = self.owner.get(term)
                if len(t) >= 2 and (held is None or (p.year, p.id) < (held[0].year, held[0].id)):
                    self.owner[term] = (p, self.listed, common)
                self.listed += 1

    def lexicon(self) -> Lexicon:
        names = [name for name in self.spelled if len(name) >= 3]
        name_keys = [self.spelled[name] for name in names]
        self.spelled = {}
        # terms in corpus order of their entries, then longest first (a stable sort keeps that order among equals)
        listed = sorted(self.owner.items(), key=lambda kv: (kv[1][0].year, kv[1][0].id, kv[1][1]))
        self.owner = {}
        terms = [Term(text, p, common) for text, (p, _, common) in listed]
        del listed
        terms.sort(key=lambda t: -len(t.text))
        keys: dict[str, int | tuple[int, ...]] = {}
        for rank, name in enumerate(names):
            _key(keys, match_key(name), rank * 2 + _NAME)
        for rank, t in enumerate(terms):
            _key(keys, match_key(t.text), rank * 2 + _TERM)
        heads: dict[str, int] = {}
        for key in keys:
            heads[key[:4]] = max(heads.get(key[:4], 0), len(key))
        by_surname = {k: tuple(v) for k, v in self.by_surname.items()}
        self.by_surname = {}
        return Lexicon(by_surname, names, name_keys, terms, self.positions, self.years, keys, heads, Reach(heads))


def _key(keys: dict[str, int | tuple[int, ...]], key: str, item: int) -> None:
    known = keys.get(key)
    keys[key] = item if known is None else (*((known,) if isinstance(known, int) else known), item)


def occurrences(t: Text, lex: Lexicon, any_case: bool = False) -> tuple[dict[int, list[Span]], dict[int, list[Span]]]:
    """Where each surname and each concept term of the corpus occurs in the text, by rank.

    One pass: every span that may be a match (word boundaries at both ends, an optional plural
    "s", no longer than the longest key starting with its first characters) is looked up by its
    ``match_key``; the names and terms found are then matched exactly. ``any_case`` matches every
    term in any case (a title's capitals say nothing).
    """
    text, key, n = t.text, t.key, len(t.text)
    bounds = [*t.breaks, n]
    ends = sorted(bounds + [e - 1 for e in bounds if e > 0 and text[e - 1] in PLURAL_CHARS])
    starts = [0] + [b + 1 for b in t.breaks]
    if starts[-1] >= n:
        starts.pop()
    reach_of, keys = lex.reach, lex.keys
    tries: dict[int, list[int]] = {}
    for s in starts:
        reach = reach_of[key[s : s + 4]]
        if not reach:
            continue
        for e in ends[bisect_right(ends, s) : bisect_right(ends, s + reach)]:
            found = keys.get(key[s:e])
            if found is not None:
                for item in (found,) if isinstance(found, int) else found:
                    tries.setdefault(item, []).append(s)
    names: dict[int, list[Span]] = {}
    terms: dict[int, list[Span]] = {}
    for item, at in tries.items():
        rank = item >> 1
        if item & 1 == _NAME:
            if spans := _matches(t, lex.names[rank], re.NOFLAG, False, at):
                names[rank] = spans
        elif spans := _matches(t, lex.terms[rank].text, re.IGNORECASE if any_case else lex.terms[rank].flags, True, at):
            terms[rank] = spans
    return names, terms
