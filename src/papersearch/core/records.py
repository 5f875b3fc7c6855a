"""The typed records every face returns: a paper with its neighbourhood, a search hit, an answer.

The index stores papers as ``PaperRecord``; the searcher builds ``SearchHit`` and ``SearchResults`` from
them; the CLI's ``--json``, the HTTP bodies (and their OpenAPI schema) and the MCP tools serialise
these same dicts. They are ``TypedDict``s: checked by mypy, plain dicts at run time (no conversion
on the hot path), and read by pydantic for the API's schema, which takes each field's description
from the docstring under it. Only ``typing_extensions`` is imported, so a one-shot query stays light; the
annotations are evaluated as the classes are made (no ``from __future__ import annotations``: each string
annotation would be compiled as a forward reference, ~3 ms of a one-shot query for the two record modules).
"""

from typing import Literal, NotRequired

from typing_extensions import TypedDict

Mode = Literal["hybrid", "dense", "lexical"]
Intent = Literal["origin", "history", "topic"]
EdgeKind = Literal["cites", "mentions"]
PassageKind = Literal["question", "title", "summary"]
OrderFirst = Literal["earliest", "latest"]
OrderOver = Literal["list", "topic", "before", "after"]


class Neighbour(TypedDict):
    """A paper of the list tied to another by an edge of the cross-reference graph."""

    id: str
    title: str
    year: int
    kind: EdgeKind
    """cites (named explicitly) or mentions (an idea of the paper)"""
    evidence: str
    """the words of the summary that make the link"""


class ExternalRef(TypedDict):
    """A work outside the list that a summary refers to, as "Surname Year"."""

    ref: str
    evidence: str


Side = Literal["cites", "cited_by"]  # a side of a neighbourhood: what a paper builds on, what builds on it
SHOWN_NEIGHBOURS = 100  # papers a record lists on each side, strongest first; the totals say how many there are:
# in a large list a paper may be built upon by thousands, and every face would carry them all with each hit


class Neighbourhood(TypedDict):
    """What a paper builds on, what builds on it, and the outside works it cites."""

    cites: list[Neighbour]
    """earlier papers of the list this one builds on: the strongest ties first, at most 100 (``cites_total`` says
    how many in all)"""
    cited_by: list[Neighbour]
    """later papers of the list that build on this one: the strongest ties first, at most 100 (``cited_by_total``
    says how many in all)"""
    external: list[ExternalRef]
    """works outside the list the summary refers to"""
    cites_total: int
    """how many earlier papers of the list this one builds on"""
    cited_by_total: int
    """how many later papers of the list build on this one"""


def neighbourhood(cites: list[Neighbour], cited_by: list[Neighbour], external: list[ExternalRef]) -> Neighbourhood:
    """A neighbourhood from both whole sides, each cut to the ``SHOWN_NEIGHBOURS`` strongest, with the totals."""
    return {
        "cites": cites[:SHOWN_NEIGHBOURS],
        "cited_by": cited_by[:SHOWN_NEIGHBOURS],
        "external": external,
        "cites_total": len(cites),
        "cited_by_total": len(cited_by),
    }


class NeighbourPage(TypedDict):
    """A stretch of one side of a paper's neighbourhood, in the order the record lists it (strongest ties first)."""

    id: str
    """the paper whose neighbourhood it is"""
    side: Side
    """cites: the earlier papers it builds on; cited_by: the later papers that build on it"""
    offset: int
    """where this stretch starts (0: the first tie)"""
    total: int
    """how many ties that side has in all"""
    index_version: str
    results: list[Neighbour]
    """the ties from ``offset`` on, at most the ``limit`` asked for"""


class ConceptRecord(TypedDict):
    name: str
    aliases: list[str]


class PaperRecord(TypedDict):
    """One paper of the reading list with its neighbourhood, as the index stores it."""

    id: str
    year: int
    title: str
    authors: list[str]
    era: str
    era_name: str
    question: str
    """the question the paper answered; empty for an entry without one (an imported paper)"""
    summary: str
    """empty for an entry without one (a paper imported from a bibliography without its abstract)"""
    concepts: list[ConceptRecord]
    references: Neighbourhood
    doi: NotRequired[str]
    """the paper's DOI, such as 10.1038/323533a0 (present only when known)"""
    arxiv: NotRequired[str]
    """the paper's arXiv id, such as 1706.03762 (present only when known)"""
    venue: NotRequired[str]
    """the journal or proceedings it appeared in (present only when known)"""
    url: NotRequired[str]
    """a web address of the paper (present only when known)"""
    type: NotRequired[str]
    """what kind of work it is, as a CSL type: article-journal, paper-conference, chapter, book, thesis, report, or
    article (a preprint) (present only when known)"""
    genre: NotRequired[str]
    """its kind within its type, as CSL's genre: a thesis's degree, such as Master's thesis or PhD thesis (present
    only when known)"""
    volume: NotRequired[str]
    """the volume of its journal or book series, such as 15 (present only when known)"""
    issue: NotRequired[str]
    """the issue (BibTeX's number) of its journal volume, such as 56 (present only when known)"""
    pages: NotRequired[str]
    """its pages, such as 1929-1958 (present only when known)"""
    et_al: NotRequired[bool]
    """true when its source listed only the first authors ("and others"): a citation adds "et al." (present only
    when true)"""


class EraRecord(TypedDict):
    """One of the reading list's eras."""

    id: str
    name: str
    start: int
    end: int
    intro: str


class EraPapers(EraRecord):
    papers: list[str]
    """ids of the era's papers, by year"""


class ChoiceSide(TypedDict):
    """One side of a choice between two papers."""

    words: str
    """the side as the query says it ("the VAE")"""
    paper: str | None
    """the id of the paper it names; null when it names no paper of the list"""


class Order(TypedDict):
    """An order in time a query asks for ("the oldest paper", "the latest work on attention", "what came after
    the GAN paper"); ``ignore=order`` takes it back."""

    first: OrderFirst | None
    """which end of time comes first: earliest (the oldest) or latest (the newest); null: the papers most tied to
    ``paper`` first"""
    over: OrderOver
    """list: every paper of the list; topic: the papers that match the rest of the query; before / after: the papers
    on that side of ``paper`` in time"""
    paper: str | None
    """the id of the paper the others come before or after, as found by searching the words that name it"""
    label: str
    """the order, said back in words ("the newest first", "what came after Generative Adversarial Nets (2014)")"""
    choice: list[ChoiceSide]
    """a choice between two papers ("which came first, the VAE or the GAN?"): each side as asked and the paper it
    names; empty for any other order"""


class Understood(TypedDict):
    """How a query was read: shown to the person, who can take any part of it back."""

    years: list[int] | None
    """[first year, last year] the query asks about, or null"""
    time: str | None
    """the time, said back in words ("papers from the late 1980s")"""
    intent: Intent
    """origin (who first ...), history (how it evolved) or topic"""
    names: list[str]
    """names of people read as names (authors of the list, names its summaries cite)"""
    soft: bool
    """true: the time is a preference (papers inside rank first), not a filter"""
    order: Order | None
    """an order in time the query asks for, or null"""


class Scores(TypedDict):
    dense: float | None
    """cosine of the best matching passage; null in lexical mode"""
    lexical: float
    """BM25 score"""


class Why(TypedDict):
    """Why a paper matched a query."""

    sentence: str
    """the summary sentence closest to the query"""
    terms: list[str]
    """query words the paper contains (stemmed match)"""
    concepts: list[str]
    """the paper's concepts the query names"""
    matched_passage: PassageKind | None
    """the kind of the paper's passage closest in meaning (question, title, summary); null in lexical mode"""


class SearchHit(TypedDict):
    """One ranked paper of an answer."""

    rank: int
    id: str
    title: str
    year: int
    authors: list[str]
    era: str
    era_name: str
    question: str
    score: float
    scores: Scores
    why: Why
    neighbours: Neighbourhood
    et_al: NotRequired[bool]  # more authors than ``authors`` names (the record's ``et_al``); absent when not
    type: NotRequired[str]
    """what kind of work it is, as the record's ``type`` (a CSL type) (present only when known)"""
    genre: NotRequired[str]
    """a thesis's degree, as the record's ``genre`` (present only when known)"""


class Filters(TypedDict):
    year_from: int | None
    year_to: int | None
    era: str | None
    """the era id the filter resolved to"""


class SearchResults(TypedDict):
    """Ranked papers for a query."""

    query: str
    """the query with its whitespace collapsed"""
    corrected_query: str | None
    """the query with typos corrected, when it was searched for instead"""
    mode: Mode
    k: int
    filters: Filters
    index_version: str
    """the index version that answered"""
    took_ms: float
    """time this call took inside the searcher"""
    cached: bool
    """answered from the cache of recent answers (the same query and options)"""
    understood: Understood | None
    """how the query was read (time, intent, names, order); null when understanding is off"""
    no_match: bool
    """true when no paper of the list really matches: the results are only the nearest papers"""
    confidence: float
    """how sure the search is that some paper answers the query, 0-1"""
    results: list[SearchHit]


class SimilarHit(TypedDict):
    id: str
    title: str
    year: int
    era: str
    score: float


class SimilarResults(TypedDict):
    """Papers most like one paper: cosine between the centroids of their passages."""

    id: str
    index_version: str
    results: list[SimilarHit]


class PaperBrief(TypedDict):
    id: str
    year: int
    title: str
    authors: list[str]
    era: str


class GraphPaper(TypedDict):
    id: str
    year: int
    title: str


class GraphEdge(TypedDict):
    source: str
    """the paper whose summary makes the reference"""
    target: str
    kind: EdgeKind
    evidence: str


class GraphExternal(TypedDict):
    paper: str
    ref: str
    evidence: str


class GraphRecord(TypedDict):
    """The cross-reference graph: papers, internal edges, references outside the list."""

    papers: list[GraphPaper]
    edges: list[GraphEdge]
    external: list[GraphExternal]


class IndexStatus(TypedDict):
    """Which index version is loaded and whether the corpus has changed since it was built."""

    index_version: str | None
    """the version being served"""
    corpus_hash: str | None
    """the corpus hash the version was built from"""
    stale: bool
    """true when the corpus changed since the version was built, or it was built by other code (another index
    format, passage cutting, word splitting or graph extraction)"""
    papers: int
    problem: str | None
    """why the index cannot be trusted to match the corpus and this code, in words; null when it can"""


# pydantic reads this (a plain dict, so no pydantic import here) when the API builds its schema
for _record in [v for v in list(globals().values()) if isinstance(v, type) and issubclass(v, dict)]:
    type.__setattr__(_record, "__pydantic_config__", {"use_attribute_docstrings": True})
