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

Passes 2 and 3 and the title look for every surname and term of the corpus at once, through the
corpus's ``lexicon`` (built once by ``build_graph``): the work grows with the corpus, not with its square.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..core.models import Edge, ExternalRef, Graph, Paper
from ..core.names import author_surname, name_key
from ..core.records import EdgeKind
from .citations import COMMON_WORD_SURNAMES, OWN, Citation, clause_before, find_citations
from .lexicon import Lexicon, Referent, Span, build_lexicon, mentions, occurrences, scan


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


def extract(
    source: Paper, papers: Sequence[Paper], lexicon: Lexicon | None = None
) -> tuple[list[Edge], list[ExternalRef]]:
    """The internal edges and external references in ``source``'s summary and title.

    ``lexicon`` is ``papers``' own, built once by ``build_graph`` (or here when not given).
    """
    lex = lexicon if lexicon is not None else build_lexicon(papers)
    text = source.summary
    scanned = scan(text)
    name_spans, term_spans = occurrences(scanned, lex)
    own_surname = source.first_author_surname
    own_names = {name_key(author_surname(a)) for a in source.authors}
    claimed: list[tuple[int, int]] = []
    edges: dict[str, Edge] = {}
    external: dict[str, ExternalRef] = {}

    def add(target: Referent, kind: EdgeKind, evidence: str) -> None:
        if target.id == source.id:
            return
        old = edges.get(target.id)
        if old is None or (old.kind == "mentions" and kind == "cites"):
            edges[target.id] = Edge(source.id, target.id, kind, evidence)

    # 1. citations with a year
    for c in find_citations(text):
        claimed.append((c.start, c.end))
        if c.authors[0] == OWN:
            c = replace(c, authors=(own_surname,), suffix=c.suffix)
        hit = _resolve_citation(c, source, lex.by_surname)
        if hit == "self" or (
            c.self_description and name_key(c.authors[0]) in own_names and hit is None and c.year == source.year
        ):
            continue
        if isinstance(hit, Referent):
            add(hit, "cites", c.evidence)
        elif (ref := c.ref(own_surname)) not in external:
            external[ref] = ExternalRef(source.id, ref, c.evidence)

    # 2. a first author's surname without a year
    for rank in sorted(name_spans):
        name, key = lex.names[rank], lex.name_keys[rank]
        if key in own_names:
            continue
        candidates = lex.by_surname[key]
        for m_start, m_end in name_spans[rank]:
            if _overlaps(claimed, m_start, m_end):
                continue
            sentence = _sentence_at(text, m_start)
            if name in COMMON_WORD_SURNAMES and sentence.lstrip().startswith(name):
                continue
            chosen: Sequence[Referent] = candidates
            if len(candidates) > 1:
                in_sentence = scan(sentence)
                chosen = [p for p in candidates if any(mentions(in_sentence, t) for t in p.terms)]
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

    # 3. concept terms of other entries (an entry's own terms claim nothing)
    for rank in sorted(term_spans):
        term = lex.terms[rank]
        if term.paper.id == source.id:
            continue
        for m_start, m_end in term_spans[rank]:
            if _overlaps(claimed, m_start, m_end):
                continue
            claimed.append((m_start, m_end))
            start = clause_before(text, m_start, 4)
            after = re.match(r"[^,.;()—]{0,30}(?=[\s,.;()—]|$)", text[m_end:])
            evidence = (text[start:m_end] + (after.group() if after else "")).strip(" ,")
            add(term.paper, term.kind_in(source.year), evidence)

    # the title: concept terms of other entries, in any case; the title is the evidence
    for cited, kind in _title_references(source, lex):
        add(cited, kind, source.title)

    # hand corrections
    for e in source.add_edges:
        if e.target in lex.positions and e.target != source.id:
            edges[e.target] = Edge(source.id, e.target, e.kind, e.evidence)
    for removed in source.remove_edges:
        edges.pop(removed, None)
    return list(edges.values()), list(external.values())


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
    """The cross-reference graph of all papers."""
    lexicon = build_lexicon(papers)
    graph = Graph()
    for p in papers:
        edges, external = extract(p, papers, lexicon)
        graph.edges.extend(edges)
        graph.external.extend(external)
    return graph
