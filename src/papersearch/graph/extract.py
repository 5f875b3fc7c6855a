"""Extract cross-references from a summary and a title: year citations, bare names and named concepts.

Pure functions of the papers. Three passes over each summary, each claiming the spans it uses:

1. citations with a year — "Fukushima (1980)", "(Srivastava, 2014; Hinton, 2012)",
   "Golik 2013", "Hinton’s 1995 Wake-Sleep", "in 2006, Hinton and Salakhutdinov show";
   one that is an entry's work (first author, year and any named co-authors agree) becomes an
   internal ``cites`` edge, anything else an external "Surname Year" reference;
2. a first author's surname without a year ("Hubel and Wiesel’s", "ideas of Bahdanau"): a
   ``cites`` edge when it names exactly one entry, or the one whose concept or year appears in the
   same sentence; otherwise left unresolved, never guessed;
3. a concept term of another entry: a ``cites`` edge while the term names the model or method that
   entry introduced ("the single-layer perceptrons proposed in the 1950s"), a weaker ``mentions``
   edge once it is everyday vocabulary ("using backpropagation" in 2010). The concept's
   ``generic`` decides, per concept: false (always a citation), true (always a mention) or the
   year from which a use is a mention; see docs/graph.md.

The title is then read for concept terms alone, in any case ("… Bidirectional Transformers …" ties
BERT to the Transformer). An entry's own terms claim nothing: another entry's term inside one of
them ("Latent Diffusion", "bidirectional transformer") is still a reference.

Surnames keep their particles and are matched by key ("van den Oord", "Le Cun" = "LeCun"; see
``core.names``). Hand corrections from a paper's front matter (``edges: {add, remove}``) are applied last.

An edge runs from the later paper to the earlier one it builds on, whichever summary holds the
words: a look-ahead in an older summary ("developing insights that later inspire and inform the
design of convolutional neural networks", Hubel 1959) is an edge from the later paper (LeCun 1989)
to the older one, with the older summary's words as evidence. Of two papers of one year, the one
whose text makes the reference is the source. ``build_graph`` keeps one edge a pair
(``neighbours.kept_edges``): a look-ahead the later paper's own words already tell adds nothing.

Passes 2 and 3 and the title look for every surname and term of the corpus at once, through the
corpus's ``lexicon`` (built once by ``build_graph``): the work grows with the corpus, not with its square.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np

from ..core.models import Edge, ExternalRef, Graph, Paper
from ..core.names import author_surname, name_key
from ..core.records import EdgeKind
from .citations import COMMON_WORD_SURNAMES, OWN, Citation, clause_before, find_citations
from .lexicon import Lexicon, Referent, Span, build_lexicon, mentions, occurrences, scan
from .neighbours import KIND_RANK, kept_edges

# An edge's evidence is the phrase it was read from, shown beside the edge: long enough to say how the
# source uses the entry, short enough to read at a glance.
NAME_LEAD_WORDS = 5  # a bare name's phrase: at most 5 words before it, back to a clause break (who builds on whom)...
NAME_TAIL = 40  # ...and up to 40 characters after it, cut at a clause mark or a whole word: what of theirs is meant
TERM_LEAD_WORDS = 4  # a concept term's phrase: at most 4 words before it (the words that use the term)...
TERM_TAIL = 30  # ...and up to 30 characters after it, cut at a clause mark or a word's end (a term needs less context)
_CLAUSE_MARK = re.compile(r"[,.;—(]")
_TERM_TAIL = re.compile(rf"[^,.;()—]{{0,{TERM_TAIL}}}(?=[\s,.;()—]|$)")


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


def _resolve_citation(c: Citation, source: Paper, by_surname: dict[str, tuple[Referent, ...]]) -> Referent | str | None:
    """The entry a citation names, None for an outside work, or "self" for the entry's own work."""
    for p in by_surname.get(name_key(c.authors[0]), []):
        if p.year != c.year:
            continue
        if not p.has_authors({name_key(a) for a in c.authors[1:]}):
            continue  # "Rumelhart, McClelland, and Hinton (1986)" is the PDP book, not the letter
        if p.id == source.id:
            return None if c.suffix else "self"
        return p
    return None


class _Found:
    """What one summary refers to, gathered pass by pass: edges by target, outside references, the spans claimed."""

    def __init__(self, source: Paper) -> None:
        self.source = source
        self.edges: dict[str, Edge] = {}
        self.external: dict[str, ExternalRef] = {}
        self.claimed: list[Span] = []  # spans a pass has read: a later pass does not read them again

    def add(self, target: Referent, kind: EdgeKind, evidence: str) -> None:
        """An edge between the source and ``target`` (``oriented``), unless ``target`` is the source itself or
        the edge is already there as strong (a citation beats a mention)."""
        if target.id == self.source.id:
            return
        old = self.edges.get(target.id)
        if old is None or (old.kind == "mentions" and kind == "cites"):
            self.edges[target.id] = oriented(self.source, target.id, target.year, kind, evidence)


def oriented(source: Paper, other: str, other_year: int, kind: EdgeKind, evidence: str) -> Edge:
    """The edge ``source``'s text makes to ``other``: from the later of the two to the earlier, which it builds on."""
    if other_year > source.year:  # a look-ahead: the later paper builds on this one
        return Edge(other, source.id, kind, evidence)
    return Edge(source.id, other, kind, evidence)


def extract(
    source: Paper, papers: Sequence[Paper], lexicon: Lexicon | None = None
) -> tuple[list[Edge], list[ExternalRef]]:
    """The internal edges and external references in ``source``'s summary and title.

    ``lexicon`` is ``papers``' own, built once by ``build_graph`` (or here when not given).
    """
    lex = lexicon if lexicon is not None else build_lexicon(papers)
    name_spans, term_spans = occurrences(scan(source.summary), lex)
    own_names = {name_key(author_surname(a)) for a in source.authors}
    found = _Found(source)
    _year_citations(found, lex, own_names)
    _bare_names(found, lex, name_spans, own_names)
    _concept_terms(found, lex, term_spans)
    for cited, kind in _title_references(source, lex):
        found.add(cited, kind, source.title)  # the title is its own evidence
    _hand_corrections(found, lex)
    return list(found.edges.values()), list(found.external.values())


def _year_citations(found: _Found, lex: Lexicon, own_names: set[str]) -> None:
    """Pass 1: citations with a year, each an edge to the entry it names or an outside "Surname Year" reference."""
    source = found.source
    own_surname = source.first_author_surname
    for c in find_citations(source.summary):
        found.claimed.append((c.start, c.end))
        if c.authors[0] == OWN:
            c = replace(c, authors=(own_surname,), suffix=c.suffix)
        hit = _resolve_citation(c, source, lex.by_surname)
        if hit == "self" or (
            c.self_description and name_key(c.authors[0]) in own_names and hit is None and c.year == source.year
        ):
            continue
        if isinstance(hit, Referent):
            found.add(hit, "cites", c.evidence)
        elif (ref := c.ref(own_surname)) not in found.external:
            found.external[ref] = ExternalRef(source.id, ref, c.evidence)


def _bare_names(found: _Found, lex: Lexicon, name_spans: dict[int, list[Span]], own_names: set[str]) -> None:
    """Pass 2: a first author's surname without a year, cited when it names one entry (see ``_one_named``)."""
    text = found.source.summary
    for rank in sorted(name_spans):
        name, key = lex.names[rank], lex.name_keys[rank]
        if key in own_names:
            continue
        for start, end in name_spans[rank]:
            if _overlaps(found.claimed, start, end):
                continue
            sentence = _sentence_at(text, start)
            if name in COMMON_WORD_SURNAMES and sentence.lstrip().startswith(name):
                continue  # "Silver linings", "Long before": a word opening the sentence, not the person
            named = _one_named(lex.by_surname[key], sentence)
            if named is not None:
                found.add(named, "cites", _name_evidence(text, start, end))
                found.claimed.append((start, end))


def _one_named(candidates: Sequence[Referent], sentence: str) -> Referent | None:
    """The one entry a surname names: the only one filed under it, or the one whose concept term or year the
    sentence holds; None when that leaves several or none (never a guess)."""
    if len(candidates) == 1:
        return candidates[0]
    in_sentence = scan(sentence)
    chosen = [p for p in candidates if any(mentions(in_sentence, t) for t in p.terms)]
    if len(chosen) != 1:
        chosen = [p for p in candidates if str(p.year) in sentence]
    return chosen[0] if len(chosen) == 1 else None


def _name_evidence(text: str, start: int, end: int) -> str:
    """A bare name and the words around it: "the ideas of Bahdanau on attention"."""
    tail = text[end : end + NAME_TAIL]
    cut = _CLAUSE_MARK.search(tail)
    tail = tail[: cut.start()] if cut else tail.rsplit(" ", 1)[0]
    return (text[clause_before(text, start, NAME_LEAD_WORDS) : end] + tail).strip(" ,")


def _concept_terms(found: _Found, lex: Lexicon, term_spans: dict[int, list[Span]]) -> None:
    """Pass 3: concept terms of other entries (an entry's own terms claim nothing), ``cites`` or ``mentions`` by year."""
    source = found.source
    for rank in sorted(term_spans):
        term = lex.terms[rank]
        if term.paper.id == source.id:
            continue
        for start, end in term_spans[rank]:
            if _overlaps(found.claimed, start, end):
                continue
            found.claimed.append((start, end))
            found.add(term.paper, term.kind_in(source.year), _term_evidence(source.summary, start, end))


def _term_evidence(text: str, start: int, end: int) -> str:
    """A concept term and the words around it: "using backpropagation through time"."""
    after = _TERM_TAIL.match(text, end)
    return (text[clause_before(text, start, TERM_LEAD_WORDS) : end] + (after.group() if after else "")).strip(" ,")


def _hand_corrections(found: _Found, lex: Lexicon) -> None:
    """The front matter's ``edges: {add, remove}``, applied over what was extracted."""
    source = found.source
    for e in source.add_edges:
        if e.target in lex.positions and e.target != source.id:  # a paper's own id: the corpus check warns of it
            found.edges[e.target] = oriented(source, e.target, lex.years[lex.positions[e.target]], e.kind, e.evidence)
    for removed in source.remove_edges:
        found.edges.pop(removed, None)


def _title_references(source: Paper, lex: Lexicon) -> list[tuple[Referent, EdgeKind]]:
    """The entries whose concept terms ``source``'s title carries, longest term first, with the edge kind."""
    _, term_spans = occurrences(scan(source.title), lex, any_case=True)
    claimed: list[Span] = []
    out: list[tuple[Referent, EdgeKind]] = []
    for rank in sorted(term_spans):
        term = lex.terms[rank]
        if term.paper.id == source.id:
            continue
        for m_start, m_end in term_spans[rank]:
            if not _overlaps(claimed, m_start, m_end):
                claimed.append((m_start, m_end))
                out.append((term.paper, term.kind_in(source.year)))
    return out


def build_graph(papers: Sequence[Paper]) -> Graph:
    """The cross-reference graph of all papers: their edges, one a pair (``neighbours.kept_edges``), and
    outside references."""
    lexicon = build_lexicon(papers)
    graph = Graph()
    edges: list[Edge] = []
    ahead: list[bool] = []  # an edge whose words are its target's: the earlier paper looking ahead
    for p in papers:
        found, external = extract(p, papers, lexicon)
        edges += found
        ahead += [e.source != p.id for e in found]
        graph.external.extend(external)
    pos = lexicon.positions
    kept = kept_edges(
        np.array(lexicon.years, dtype=np.int64),
        np.array([pos[e.source] for e in edges], dtype=np.int64),
        np.array([pos[e.target] for e in edges], dtype=np.int64),
        np.array([KIND_RANK[e.kind] for e in edges], dtype=np.int8),
        np.array(ahead, dtype=bool),
    )
    graph.edges = [edges[i] for i in kept.tolist()]
    return graph
