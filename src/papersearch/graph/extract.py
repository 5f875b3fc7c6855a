"""Extract cross-references from a summary: year citations, bare names and named concepts.

Pure functions of the papers. Three passes over each summary, each claiming the spans it uses:

1. citations with a year — "Fukushima (1980)", "(Srivastava, 2014; Hinton, 2012)",
   "Golik 2013", "Hinton’s 1995 Wake-Sleep", "in 2006, Hinton and Salakhutdinov show";
   one that is an entry's work (first author, year and any named co-authors agree) becomes an
   internal ``cites`` edge, anything else an external "Surname Year" reference;
2. a first author's surname without a year ("Hubel and Wiesel’s", "ideas of Bahdanau"): a
   ``cites`` edge when it names exactly one entry, or the one whose concept or year appears in the
   same sentence; otherwise left unresolved, never guessed;
3. a concept term of another entry: its named contribution ("CLIP", "the LSTM architecture") is a
   ``cites`` edge, a generic technique ("backpropagation", "a CNN") a weaker ``mentions`` edge.

Hand corrections from a paper's front matter (``edges: {add, remove}``) are applied last.

Passes 2 and 3 look for every surname and term of the corpus at once: ``_lexicon`` keys them once
per corpus, each summary is scanned once for spans with those keys, and each hit is checked
the way its own regex would match it; so the work grows with the corpus, not with its square.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..core.models import Edge, ExternalRef, Graph, Paper, surname
from ..core.records import EdgeKind
from .citations import COMMON_WORD_SURNAMES, OWN, Citation, clause_before, find_citations


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"[^.?!]+(?:[.?!]+(?=\s|$)|$)", text):
        if m.group().strip():
            spans.append((m.start(), m.end()))
    return spans or [(0, len(text))]


def _sentence_at(text: str, pos: int) -> str:
    for s, e in _sentences(text):
        if s <= pos < e:
            return text[s:e]
    return text


def _overlaps(spans: Iterable[tuple[int, int]], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


def _term_regex(term: str, case_sensitive: bool) -> re.Pattern[str]:
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w\-]){re.escape(term)}s?(?![\w\-])", flags)


# Matching without a regex per name or term. "[\w\-]" means the same with and without
# IGNORECASE, and the only non-ASCII case partners of ASCII letters are İ ı K ſ (both checked in
# tests/test_xrefs.py): ``_fold`` and the boundaries below rest on that.
Span = tuple[int, int]
_NOT_WORD = re.compile(r"[^\w\-]")
_PLURAL = {f: re.compile("s", f) for f in (re.NOFLAG, re.IGNORECASE)}
_PLURAL_CHARS = frozenset("sSſ")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_IKS = str.maketrans("iks", "???")


def _fold(text: str) -> str:
    """A same-length key shared by every text a name or term matches, in either case mode.

    ASCII is lowercased; every other character becomes "?", and so do i, k and s, whose other
    case partners (ı, İ, K, ſ) are not ASCII. Looking keys up finds a superset of the matches;
    each is then checked exactly.
    """
    return _NON_ASCII.sub("?", text).lower().translate(_IKS)


@dataclass(frozen=True)
class _Text:
    """A text, its folded key, and where it has a character that ends a word (neither \\w nor "-")."""

    text: str
    folded: str
    breaks: list[int]  # ascending
    break_set: frozenset[int]

    def may_start(self, i: int) -> bool:
        return i == 0 or i - 1 in self.break_set

    def may_end(self, i: int) -> bool:
        return i == len(self.text) or i in self.break_set


def _scan(text: str) -> _Text:
    breaks = [m.start() for m in _NOT_WORD.finditer(text)]
    return _Text(text, _fold(text), breaks, frozenset(breaks))


def _same(a: str, literal: str, flags: re.RegexFlag) -> bool:
    if not flags:
        return a == literal
    if a.isascii() and literal.isascii():
        return a.lower() == literal.lower()
    return re.fullmatch(re.escape(literal), a, flags) is not None


def _matches(t: _Text, literal: str, flags: re.RegexFlag, plural: bool, tries: Iterable[int]) -> list[Span]:
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


def _mentions(t: _Text, term: str) -> bool:
    """Whether ``_term_regex(term, False)`` finds ``term`` in the text."""
    if not term:
        return _term_regex(term, False).search(t.text) is not None
    key, tries = _fold(term), []
    i = t.folded.find(key)
    while i >= 0:
        tries.append(i)
        i = t.folded.find(key, i + 1)
    return bool(_matches(t, term, re.IGNORECASE, True, tries))


@dataclass(frozen=True)
class _Term:
    text: str
    paper: Paper
    concept: str
    generic: bool
    case_sensitive: bool

    @property
    def flags(self) -> re.RegexFlag:
        return re.NOFLAG if self.case_sensitive else re.IGNORECASE


def _terms(papers: Sequence[Paper]) -> list[_Term]:
    """Every concept term of every paper; a term listed by several belongs to the earliest."""
    owner: dict[str, tuple[Paper, str, bool]] = {}
    for p in sorted(papers, key=lambda p: (p.year, p.id)):
        for c in p.concepts:
            for t in c.terms():
                # a single word matches as written ("Attention" is not "attention"); a phrase in any case
                key = t if " " not in t else t.lower()
                if len(t) >= 2 and key not in owner:
                    owner[key] = (p, c.name, c.generic)
    out = [_Term(key, p, name, generic, " " not in key) for key, (p, name, generic) in owner.items()]
    out.sort(key=lambda t: -len(t.text))
    return out


_NAME, _TERM = 0, 1


@dataclass(frozen=True)
class _Lexicon:
    """A corpus's first-author surnames and concept terms, keyed for one scan of each summary."""

    by_surname: dict[str, list[Paper]]
    names: list[str]  # the surnames of three letters or more, in ``by_surname`` order (pass 2's)
    terms: list[_Term]  # longest first (pass 3's order)
    ids: frozenset[str]
    keys: dict[str, list[tuple[int, int]]]  # folded name or term -> (_NAME or _TERM, rank)
    heads: dict[str, int]  # the first four characters of a key (all of a shorter one) -> longest such key


def _lexicon(papers: Sequence[Paper]) -> _Lexicon:
    by_surname: dict[str, list[Paper]] = {}
    for p in papers:
        by_surname.setdefault(p.first_author_surname, []).append(p)
    names = [name for name in by_surname if len(name) >= 3]
    terms = _terms(papers)
    keys: dict[str, list[tuple[int, int]]] = {}
    for rank, name in enumerate(names):
        keys.setdefault(_fold(name), []).append((_NAME, rank))
    for rank, term in enumerate(terms):
        keys.setdefault(_fold(term.text), []).append((_TERM, rank))
    heads: dict[str, int] = {}
    for key in keys:
        heads[key[:4]] = max(heads.get(key[:4], 0), len(key))
    return _Lexicon(by_surname, names, terms, frozenset(p.id for p in papers), keys, heads)


def _occurrences(t: _Text, lex: _Lexicon) -> tuple[dict[int, list[Span]], dict[int, list[Span]]]:
    """Where each surname and each concept term of the corpus occurs in the text, by rank.

    One pass: every span that may be a match (word boundaries at both ends, an optional plural
    "s", no longer than the longest key starting with its first characters) is looked up by its
    folded text; the names and terms found are then matched exactly.
    """
    text, folded, n = t.text, t.folded, len(t.text)
    ends: list[int] = []
    for e in [*t.breaks, n]:
        if e > 0 and text[e - 1] in _PLURAL_CHARS:
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
        elif spans := _matches(t, lex.terms[rank].text, lex.terms[rank].flags, True, at):
            terms[rank] = spans
    return names, terms


def _resolve_citation(c: Citation, source: Paper, by_surname: dict[str, list[Paper]]) -> Paper | str | None:
    """The entry a citation names, None for an outside work, or "self" for the entry's own work."""
    for p in by_surname.get(c.authors[0], []):
        if p.year != c.year:
            continue
        authors = {surname(a) for a in p.authors}
        if not set(c.authors[1:]) <= authors:
            continue  # "Rumelhart, McClelland, and Hinton (1986)" is the PDP book, not the letter
        if p.id == source.id:
            return None if c.suffix else "self"
        return p
    return None


def extract(
    source: Paper, papers: Sequence[Paper], lexicon: _Lexicon | None = None
) -> tuple[list[Edge], list[ExternalRef]]:
    """The internal edges and external references in ``source``'s summary.

    ``lexicon`` is ``papers``' own, built once by ``build_graph`` (or here when not given).
    """
    lex = lexicon if lexicon is not None else _lexicon(papers)
    text = source.summary
    scanned = _scan(text)
    name_spans, term_spans = _occurrences(scanned, lex)
    own_names = {surname(a) for a in source.authors}
    claimed: list[tuple[int, int]] = []
    edges: dict[str, Edge] = {}
    external: dict[str, ExternalRef] = {}

    def add(target: Paper, kind: EdgeKind, evidence: str) -> None:
        if target.id == source.id:
            return
        old = edges.get(target.id)
        if old is None or (old.kind == "mentions" and kind == "cites"):
            edges[target.id] = Edge(source.id, target.id, kind, evidence)

    # 1. citations with a year
    for c in find_citations(text):
        claimed.append((c.start, c.end))
        if c.authors[0] == OWN:
            c = replace(c, authors=(source.first_author_surname,), suffix=c.suffix)
        hit = _resolve_citation(c, source, lex.by_surname)
        if hit == "self" or (
            c.self_description and c.authors[0] in own_names and hit is None and c.year == source.year
        ):
            continue
        if isinstance(hit, Paper):
            add(hit, "cites", c.evidence)
        elif (ref := c.ref(source.first_author_surname)) not in external:
            external[ref] = ExternalRef(source.id, ref, c.evidence)

    # 2. a first author's surname without a year
    for rank in sorted(name_spans):
        name = lex.names[rank]
        if name in own_names:
            continue
        candidates = lex.by_surname[name]
        for m_start, m_end in name_spans[rank]:
            if _overlaps(claimed, m_start, m_end):
                continue
            sentence = _sentence_at(text, m_start)
            if name in COMMON_WORD_SURNAMES and sentence.lstrip().startswith(name):
                continue
            chosen = candidates
            if len(candidates) > 1:
                in_sentence = _scan(sentence)
                chosen = [p for p in candidates if any(_mentions(in_sentence, t) for t in p.concept_terms())]
                if len(chosen) != 1:
                    chosen = [p for p in candidates if str(p.year) in sentence]
            if len(chosen) == 1:
                end = min(len(text), m_end + 40)
                tail = text[m_end:end]
                cut = re.search(r"[,.;—(]", tail)
                tail = tail[: cut.start()] if cut else tail.rsplit(" ", 1)[0]
                start = clause_before(text, m_start, 5)
                add(chosen[0], "cites", (text[start:m_end] + tail).strip(" ,"))
                claimed.append((m_start, m_end))

    # 3. concept terms of other entries
    for rank in sorted(term_spans):
        term = lex.terms[rank]
        for m_start, m_end in term_spans[rank]:
            if _overlaps(claimed, m_start, m_end):
                continue
            claimed.append((m_start, m_end))
            if term.paper.id == source.id:
                continue
            start = clause_before(text, m_start, 4)
            after = re.match(r"[^,.;()—]{0,30}(?=[\s,.;()—]|$)", text[m_end:])
            evidence = (text[start:m_end] + (after.group() if after else "")).strip(" ,")
            add(term.paper, "mentions" if term.generic else "cites", evidence)

    # hand corrections
    for e in source.add_edges:
        if e.target in lex.ids and e.target != source.id:
            edges[e.target] = Edge(source.id, e.target, e.kind, e.evidence)
    for target in source.remove_edges:
        edges.pop(target, None)
    return list(edges.values()), list(external.values())


def build_graph(papers: Sequence[Paper]) -> Graph:
    """The cross-reference graph of all papers."""
    lexicon = _lexicon(papers)
    graph = Graph()
    for p in papers:
        edges, external = extract(p, papers, lexicon)
        graph.edges.extend(edges)
        graph.external.extend(external)
    return graph
