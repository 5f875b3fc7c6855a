"""The records a search returns, built once for every face: each ranked paper (``SearchHit``) and the whole
answer (``SearchResults``); and the one rule of how a paper shown to a face (a hit, an answer's source) carries its
record's ``et_al`` (``et_al_field``), and a hit its kind of work (``kind_fields``). Pure."""

from __future__ import annotations

from typing import TypedDict

from ..core.params import SearchRequest
from ..core.records import PaperRecord, Scores, SearchHit, SearchResults, Why
from . import scope
from .plan import QueryPlan


class EtAlField(TypedDict, total=False):
    """A paper's ``et_al`` as every record a face is given carries it: present, and true, only when it is true."""

    et_al: bool


def et_al_field(rec: PaperRecord) -> EtAlField:
    """``{"et_al": True}`` for a paper whose source listed only its first authors, else ``{}``: spread into a hit or an
    answer's source (``{..., **et_al_field(rec)}``), so a face never reads ``et_al: false``."""
    return {"et_al": True} if rec.get("et_al") else {}


class KindFields(TypedDict, total=False):
    """A paper's kind of work and a thesis's degree as a hit carries them: present only when the record has them."""

    type: str
    genre: str


def kind_fields(rec: PaperRecord) -> KindFields:
    """The record's ``type`` and ``genre`` that are set (``{}`` for a paper of neither, as every paper of the list
    itself), spread into a hit so the faces that list hits can say "PhD thesis" or "preprint" as ``show`` does."""
    fields: KindFields = {}
    if kind := rec.get("type"):
        fields["type"] = kind
    if genre := rec.get("genre"):
        fields["genre"] = genre
    return fields


def search_hit(rank: int, rec: PaperRecord, score: float, scores: Scores, why: Why) -> SearchHit:
    """One ranked paper as every face shows it, built from its index record."""
    hit: SearchHit = {
        "rank": rank,
        "id": rec["id"],
        "title": rec["title"],
        "year": rec["year"],
        "authors": rec["authors"],
        "era": rec["era"],
        "era_name": rec["era_name"],
        "question": rec["question"],
        "score": round(score, 6),
        "scores": scores,
        "why": why,
        "neighbours": rec["references"],
        **et_al_field(rec),
        **kind_fields(rec),
    }
    return hit


def search_results(
    request: SearchRequest,
    corrected: str,
    plan: QueryPlan | None,
    confidence: float,
    hits: list[SearchHit],
    version: str,
) -> SearchResults:
    """The whole answer to one search: the request as understood, the no-match verdict and the hits."""
    sure = round(confidence, 4)
    return {
        "query": request.query,
        "corrected_query": corrected if corrected != request.query else None,
        "mode": request.mode,
        "k": request.k,
        "filters": {"year_from": request.year_from, "year_to": request.year_to, "era": request.era},
        "index_version": version,
        "took_ms": 0.0,
        "cached": False,
        "understood": plan.understood() if plan else None,
        "no_match": sure < scope.NO_MATCH_BELOW,
        "confidence": sure,
        "results": hits,
    }
