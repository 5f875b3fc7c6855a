"""A request's search results: one index version's papers ranked, each as a ``SearchHit`` that says why it matched.

``Ranker`` holds what ranking reads of a version besides the index itself (years, eras, how cited
each paper is, the speller, the explainer, the context a query is read against), built once per
version. ``Ranker.results`` goes from a checked ``SearchRequest`` to ``SearchResults``: correct the
spelling, read the query (``plan``), score every paper (``ranking.score``), let the plan move the
scores (``rerank``), take the top k and build the records (``search_results``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ..core.params import SearchRequest
from ..core.records import PaperRecord, Scores, SearchHit, SearchResults, Why
from ..index.reader import IndexData
from . import order, ranking, rerank, scope
from .english import EVERYDAY_WORDS
from .explain import Explainer, query_stems
from .paths import PathGraph
from .plan import PlanContext, QueryPlan, build_context, make_plan, named_terms
from .spelling import Speller

Embed = Callable[[str], np.ndarray]  # a query's text to its vector (the searcher's, through its cache)


class Ranker:
    """Ranks one index version's papers for a request. Thread-safe; the query context is built on first use."""

    def __init__(self, data: IndexData, graph: Callable[[], PathGraph]) -> None:
        """``graph``: the version's graph oriented by time (built on first use), for what came before or after."""
        self.data = data
        self._graph = graph
        self.speller = Speller(data.vocabulary)
        self.explainer = Explainer(data)
        self.scope = scope.Scope(data.matrix, data.lexical.vocab)
        self._years = np.array([r["year"] for r in data.records])
        self._eras = np.array([r["era"] for r in data.records])
        self._degree = np.array(
            [len(r["references"]["cites"]) + len(r["references"]["cited_by"]) for r in data.records]
        )
        self._plan_context: PlanContext | None = None  # built on the first plan: names, eras, concepts
        self._plan_lock = threading.Lock()

    def plan(self, text: str, ignore: tuple[str, ...] = ()) -> QueryPlan:
        """How ``text`` is read against this version (its eras, years, names), less the parts in ``ignore``."""
        with self._plan_lock:
            if self._plan_context is None:
                self._plan_context = build_context(self.data.records, self.data.eras, self.data.graph, EVERYDAY_WORDS)
        return make_plan(text, self._plan_context).without(ignore)

    def scores(self, request: SearchRequest, embed: Embed) -> tuple[str, QueryPlan | None, ranking.Scored]:
        """The corrected query, how it was read (with the paper its order names found), and every paper's scores
        before the plan moves them, judged for whether any paper answers at all (``scope``)."""
        r = request
        mask = ranking.filter_mask(self._years, self._eras, r.year_from, r.year_to, r.era)
        corrected = self.speller.correct(r.query)
        plan = self.plan(corrected, r.ignore) if r.understand else None
        named = False  # the query names a paper of the list ("what came after the GAN paper")
        if plan is not None:
            plan, named = self._anchored(plan, r.mode, embed)
        scored = ranking.score(self.data, self._plan_context, plan, corrected, r.mode, mask, embed)
        return corrected, plan, self._judged(scored, plan.topic if plan else corrected, named)

    def _judged(self, scored: ranking.Scored, topic: str, sure: bool = False) -> ranking.Scored:
        """``scored`` with the no-match evidence for ``topic`` and its confidence (sure also when ``sure``)."""
        evidence = self.scope.evidence(scope.topic_words(topic), scored.qvec, scored.best_cosine)
        sure = scored.sure or sure
        confidence = scope.confidence(evidence, sure, words_only=scored.qvec is None)
        return replace(scored, evidence=evidence, confidence=confidence, sure=sure)

    def results(self, request: SearchRequest, embed: Embed, version: str) -> SearchResults:
        """The top ``request.k`` papers for ``request``, as ``SearchResults`` (``took_ms`` 0, not cached)."""
        corrected, plan, scored = self.scores(request, embed)
        fused = scored.fused
        if plan is not None:
            fused = rerank.apply(fused, plan, self._years, self._degree, scored.names, scored.concepts)
            fused = self._ordered(fused, plan, scored.mask)
        fused = np.where(scored.mask, fused, -np.inf)
        if plan is not None and plan.intent == "history" and not plan.only_time and plan.order is None:
            rows = rerank.spread_over_time(fused, self._years, request.k)
        else:
            rows = ranking.top_k(fused, request.k)
        q_stems = query_stems(plan.topic if plan else corrected)
        hits = [self._hit(rank, i, fused, scored, q_stems) for rank, i in enumerate(rows, 1)]
        return search_results(request, corrected, plan, scored.confidence, hits, version)

    def _anchored(self, plan: QueryPlan, mode: str, embed: Embed) -> tuple[QueryPlan, bool]:
        """The plan with the paper its order places others before or after found, and whether it was: the best
        match of the words that name it, searched on their own over the whole list (their own names, concepts and
        year count; of their matches, ``order.matches``, the earliest: "the perceptron" is Rosenblatt's, not Minsky
        and Papert's book about it), when the search is sure some paper answers them."""
        o = plan.order
        if o is None or o.side is None or self._plan_context is None:
            return plan, False
        sub = make_plan(o.anchor, self._plan_context)
        everything = np.ones(len(self.data.records), dtype=bool)
        scored = self._judged(
            ranking.score(self.data, self._plan_context, sub, o.anchor, mode, everything, embed), sub.topic
        )
        if scored.confidence < scope.NO_MATCH_BELOW:
            return plan, False
        fused = rerank.apply(scored.fused, sub, self._years, self._degree, scored.names, scored.concepts)
        named = named_terms(sub.topic, self._plan_context)
        row = order.named_paper(fused, self._years, order.matches(fused), self._holding(sub.topic), named)
        rec = self.data.records[row]
        return replace(plan, order=o.found(row, rec["id"], f"{rec['title']} ({rec['year']})")), True

    def _ordered(self, fused: np.ndarray, plan: QueryPlan, mask: np.ndarray) -> np.ndarray:
        """The scores moved by the order the plan asks for (module ``order``), if any."""
        o = plan.order
        if o is None:
            return fused
        if o.side is not None:
            if o.paper is None:
                return fused
            graph, anchor = self._graph(), o.paper[0]
            tied = order.ties(graph.earlier if o.side == "before" else graph.later, anchor)
            topical = plan.topic != o.anchor
            return order.around(fused, self._near(anchor), self._years, anchor, o.side, tied, o.first, topical)
        assert o.first is not None
        if o.over == "list":
            inside = mask & np.isfinite(fused)
            if plan.window is not None:
                inside &= (self._years >= plan.window.start) & (self._years <= plan.window.end)
            return order.by_year(fused, self._years, o.first, np.flatnonzero(inside))
        matched = order.matches(np.where(mask, fused, -np.inf), self._holding(plan.topic))
        return order.by_year(fused, self._years, o.first, matched)

    def _holding(self, topic: str) -> np.ndarray | None:
        """Per paper, whether its text holds every topic word of ``topic`` (``scope.topic_words``); None without one."""
        lex = self.data.lexical
        words = [w for w in scope.topic_words(topic) if scope.weight(w) > 0]
        if not words:
            return None
        holds = np.ones(lex.n_docs, dtype=bool)
        for word in words:
            has = np.zeros(lex.n_docs, dtype=bool)
            for t in lex.token_ids(word):
                has[lex.indices[lex.indptr[t] : lex.indptr[t + 1]]] = True
            holds &= has
        return holds

    def _near(self, row: int) -> np.ndarray:
        """Every paper's closeness in meaning to the paper of ``row``: its passages against that paper's centroid."""
        centroid = self.data.matrix[self.data.paper_rows[row]].mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        near, _ = ranking.dense_scores(self.data, centroid, np.ones(len(self.data.records), dtype=bool))
        return near.astype(np.float64)

    def _hit(
        self, rank: int, row: int, fused: np.ndarray, scored: ranking.Scored, q_stems: dict[str, str]
    ) -> SearchHit:
        """The paper of ``row`` at ``rank``: its final score, its two sides' scores, and why it matched."""
        dense = None if scored.qvec is None else round(float(scored.dense[row]), 6)
        scores: Scores = {"dense": dense, "lexical": round(float(scored.lexical[row]), 6)}
        why = self.explainer.why(q_stems, row, scored.qvec, int(scored.best_row[row]))
        return search_hit(rank, self.data.records[row], float(fused[row]), scores, why)


def search_hit(rank: int, rec: PaperRecord, score: float, scores: Scores, why: Why) -> SearchHit:
    """One ranked paper as every face shows it, built from its index record."""
    return {
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
