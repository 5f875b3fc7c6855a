"""The typed records of the assistant: a cited answer, a reading list, a chain between two papers.

``query/answer.py`` and ``query/paths.py`` build them; the CLI's ``--json``, the HTTP bodies (and their
OpenAPI schema) and the MCP tools serialise these same dicts, as they do the records of ``records.py``.
"""

from typing import Literal, NotRequired

from typing_extensions import TypedDict

from .records import EdgeKind, PaperBrief, Understood


class AnswerSentence(TypedDict):
    """One sentence of a cited answer, word for word from the reading list."""

    text: str
    """a sentence of a paper's summary (or its guiding question), exactly as the list has it"""
    kind: Literal["summary", "question"]
    source: int
    """its paper's number in ``sources`` (from 1)"""
    id: str
    """the id of the paper it comes from"""
    citation: str
    """the paper as a citation, like (Rumelhart, Hinton & Williams, 1986)"""
    score: float
    """how well the sentence answers the question (meaning, words and its paper's rank)"""


class AnswerSource(TypedDict):
    """A paper an answer cites, numbered in the order the answer first cites it."""

    number: int
    id: str
    title: str
    year: int
    authors: list[str]
    era: str
    era_name: str
    citation: str
    et_al: NotRequired[bool]  # more authors than ``authors`` names (the record's ``et_al``); absent when not
    type: NotRequired[str]  # its kind of work and a thesis's degree, as a hit carries them (present only when known)
    genre: NotRequired[str]


class ReadingStep(TypedDict):
    """One entry of an answer's reading order: a cited paper, or an entry a cited paper builds on."""

    id: str
    title: str
    year: int
    source: int | None
    """its number in ``sources`` when the answer cites it; null for an entry to read first"""
    needed_for: list[str]
    """ids of the cited papers that build on it (empty for a cited paper)"""
    kind: EdgeKind | None
    """how a cited paper builds on it (cites or mentions); null for a cited paper"""
    evidence: str | None
    """the words of the summary that tie them; null for a cited paper"""


class Answer(TypedDict):
    """A cited answer: a few sentences of the reading list, their sources, and an order to read them in."""

    query: str
    corrected_query: str | None
    understood: Understood | None
    index_version: str
    took_ms: float
    declined: bool
    """true when no sentence of the list really answers: ``sentences`` is empty and ``nearest`` lists papers"""
    no_match: bool
    """the same as ``declined``: nothing in the list answers the question. The search's own ``no_match`` (no paper
    matches at all) is one reason; the other is that no sentence of the papers it ranks answers ("can I use these
    papers to fix my car engine?": papers near enough to list, none that says anything about it)"""
    confidence: float
    """how sure the answer is that the list answers the question, 0-1"""
    order: Literal["time", "relevance"]
    """time: an origin or history question, read earliest first; relevance: best first"""
    sentences: list[AnswerSentence]
    sources: list[AnswerSource]
    reading_order: list[ReadingStep]
    """the cited papers and the entries they build on, earliest first"""
    nearest: list[PaperBrief]
    """when declined: the papers nearest to the question"""
    notes: list[str]
    """lines the program writes itself, never quoted from the list: for a choice between two papers, each side the
    list holds no paper for ("which came first, word2vec or GloVe?")"""


HopKind = Literal["cites", "mentions", "similar", "time"]
Direction = Literal["before", "after"]


class Hop(TypedDict):
    """One tie between two papers on a reading path; the earlier is the one built upon."""

    earlier: str
    later: str
    kind: HopKind
    """cites or mentions (an edge of the graph), similar (close in meaning: no edge ties them), or time (nothing
    ties them: a paper's list holds these only when neither the graph nor meaning offers any paper that way)"""
    evidence: str | None
    """the words of the summary that tie them; null for a step by similarity"""
    similarity: float | None
    """for a step by similarity, the cosine between the two papers' vectors, each less the list's mean vector;
    null otherwise"""


class RelatedPaper(TypedDict):
    """A paper to read before (or after) another, and the hops that tie them, in time order."""

    id: str
    title: str
    year: int
    era: str
    tie: HopKind
    """the weakest link of its route: cites (a chain of citations), mentions (through a mention), similar (through
    a step by meaning), time (no tie: the list's papers nearest in time, given only when there is nothing else)"""
    similarity: float
    """cosine between its vector and the paper's, each less the list's mean vector (above 0: nearer than the
    average pair)"""
    hops: list[Hop]


class ReadingList(TypedDict):
    """What to read before a paper (what it builds on) or after it (what grew out of it)."""

    id: str
    title: str
    year: int
    direction: Direction
    k: int
    total: int
    """how many papers a route reaches in that direction (the list holds the first k)"""
    index_version: str
    results: list[RelatedPaper]


class PathStep(TypedDict):
    """One paper of a chain, and how it ties to the step before it."""

    id: str
    title: str
    year: int
    era: str
    kind: HopKind | None
    """how it ties to the previous step; null for the first"""
    evidence: str | None
    similarity: float | None
    near: bool | None
    """a step by meaning: whether it goes to a paper near in meaning (false: below the floor, a gap the list cannot
    fill; decided on the cosine before ``similarity`` rounds it); null for the first step and for a graph's"""


class Chain(TypedDict):
    """A chain of papers from one entry to another, through the graph or, where it has none, by meaning."""

    source: str
    target: str
    found: bool
    """true: the graph holds a chain; false: it holds none and ``steps`` is the closest chain in meaning"""
    via: Literal["graph", "similarity"]
    sensible: bool
    """false: a step goes by meaning to a paper not near in meaning either (a step's ``near`` is false), so the list
    holds no sensible chain between the two and ``steps`` is the closest it has"""
    index_version: str
    steps: list[PathStep]


# pydantic reads this (a plain dict, so no pydantic import here) when the API builds its schema
for _record in [v for v in list(globals().values()) if isinstance(v, type) and issubclass(v, dict)]:
    type.__setattr__(_record, "__pydantic_config__", {"use_attribute_docstrings": True})
