"""The pydantic response models of the HTTP API: what /openapi.json and /docs describe."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Mode = Literal["hybrid", "dense", "lexical"]


class ErrorDetail(BaseModel):
    status: int = Field(description="the HTTP status, repeated")
    type: str = Field(description="a stable machine name: invalid_parameter, not_found, index_unavailable, ...")
    message: str = Field(description="what was wrong and how to fix it")
    param: str | None = Field(description="the parameter at fault, when one is")


class ErrorBody(BaseModel):
    error: ErrorDetail


class Neighbour(BaseModel):
    id: str
    title: str
    year: int
    kind: str = Field(description="cites (named explicitly) or mentions (an idea of the paper)")
    evidence: str = Field(description="the words of the summary that make the link")


class ExternalRef(BaseModel):
    ref: str
    evidence: str


class Neighbourhood(BaseModel):
    cites: list[Neighbour] = Field(description="earlier papers of the list this one builds on")
    cited_by: list[Neighbour] = Field(description="later papers of the list that build on this one")
    external: list[ExternalRef] = Field(description="works outside the list the summary refers to")


class Scores(BaseModel):
    dense: float | None = Field(description="cosine of the best matching view; null in lexical mode")
    lexical: float = Field(description="BM25 score")


class Why(BaseModel):
    sentence: str = Field(description="the summary sentence closest to the query")
    terms: list[str] = Field(description="query words the paper contains (stemmed match)")
    concepts: list[str] = Field(description="the paper's concepts the query names")
    matched_view: str | None = Field(description="which view of the paper matched best (title, question, passage, ...)")


class SearchHit(BaseModel):
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


class Filters(BaseModel):
    year_from: int | None
    year_to: int | None
    era: str | None = Field(description="the era id the filter resolved to")


class SearchResponse(BaseModel):
    query: str = Field(description="the query with its whitespace collapsed")
    corrected_query: str | None = Field(
        default=None, description="the query with typos corrected, when it was searched for instead"
    )
    mode: Mode
    k: int
    filters: Filters
    index_version: str = Field(description="the index version that answered")
    took_ms: float = Field(description="time this call took inside the searcher")
    cached: bool = Field(
        default=False, description="answered from the cache of recent answers (the same query and options)"
    )
    results: list[SearchHit]


class PaperBrief(BaseModel):
    id: str
    year: int
    title: str
    authors: list[str]
    era: str


class PaperList(BaseModel):
    count: int
    index_version: str
    papers: list[PaperBrief]


class Concept(BaseModel):
    name: str
    aliases: list[str]


class Paper(BaseModel):
    id: str
    year: int
    title: str
    authors: list[str]
    era: str
    era_name: str
    question: str
    summary: str
    concepts: list[Concept]
    references: Neighbourhood


class Era(BaseModel):
    id: str
    name: str
    start: int
    end: int
    intro: str
    papers: list[str] = Field(description="ids of the era's papers, by year")


class EraList(BaseModel):
    count: int
    index_version: str
    eras: list[Era]


class SimilarHit(BaseModel):
    id: str
    title: str
    year: int
    era: str
    score: float


class SimilarResponse(BaseModel):
    id: str
    index_version: str
    results: list[SimilarHit]


class GraphPaper(BaseModel):
    id: str
    year: int
    title: str


class GraphEdge(BaseModel):
    source: str = Field(description="the paper whose summary makes the reference")
    target: str
    kind: str
    evidence: str


class GraphExternal(BaseModel):
    paper: str
    ref: str
    evidence: str


class Graph(BaseModel):
    index_version: str
    papers: list[GraphPaper]
    edges: list[GraphEdge]
    external: list[GraphExternal]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    index_version: str | None = Field(description="the version being served")
    corpus_hash: str | None = Field(description="the corpus hash the served version was built from")
    stale: bool = Field(description="true when the corpus changed since the served version was built")
    papers: int
    problem: str | None = Field(description="why the status is degraded")


class ReloadResult(BaseModel):
    reloaded: bool
    index_version: str
    previous_version: str
