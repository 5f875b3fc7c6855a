"""The records a search returns, built once for every face: each ranked paper (``SearchHit``) and the whole
answer (``SearchResults``). Pure."""

from __future__ import annotations

from ..core.params import SearchRequest
from ..core.records import PaperRecord, Scores, SearchHit, SearchResults, Why
from . import scope
from .plan import QueryPlan


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
    }
    if rec.get("et_al"):
        hit["et_al"] = True
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
