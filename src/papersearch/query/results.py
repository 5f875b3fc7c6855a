"""A request's search results: one index version's papers ranked, each as a ``SearchHit`` that says why it matched.

``Ranker`` holds what ranking reads of a version besides the index itself (years, eras, how cited
each paper is, the speller, the explainer, the context a query is read against: all stored by the
build, mapped or looked up, so nothing is made on a first query). ``Ranker.results`` goes from a
checked ``SearchRequest`` to ``SearchResults``: correct the spelling, read the query (``plan``),
score its candidates (``ranking.score``: each side's best and what the plan asks for,
``query.candidates``), let the plan move the scores (``rerank``), take the top k and build the
records (``search_results``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, overload

import numpy as np

from ..core.params import SearchRequest
from ..core.records import PaperRecord, SearchHit, SearchResults
from ..index import layout
from ..index.lexical_engine import Engine
from ..index.reader import IndexData
from ..index.understanding import NAME_WEIGHT, ConceptTable, KeySet, NameTable, YearTable
from . import candidates, order, ordering, ranking, rerank, scope, topical
from .asked import Asking
from .caches import Readings
from .candidates import Allowed
from .english import EVERYDAY_WORDS
from .explain import Explainer, query_stems
from .hits import search_hit, search_results
from .paths import PathGraph
from .plan import PlanContext, QueryPlan, make_plan, named_concepts, named_terms
from .relation import Side
from .relation_words import a_topic
from .spelling import Speller
from .windows import TimeContext

Embed = Callable[[str], np.ndarray]  # a query's text to its vector (the searcher's, through its cache)
_NONE = np.zeros(0, dtype=np.int64)  # no rows
SOURCES_OF = 20  # an origin question's best papers whose cited entries are scored too (rerank.ORIGIN_SOURCES: 5)


class Ranker:
    """Ranks one index version's papers for a request. Thread-safe."""

    def __init__(self, data: IndexData, graph: Callable[[], PathGraph]) -> None:
        """``graph``: the version's graph oriented by time (its links, mapped), for what came before or after."""
        self.data = data
        self._graph = graph
        self.speller = Speller(data.vocabulary)
        self.explainer = Explainer(data)
        # a list whose every passage each query scans: its mapped rows read as an array (no file opened a read)
        matrix = np.asarray(data.matrix) if ranking.every_paper(data) else data.matrix
        self.scope = scope.Scope(matrix, data.lexical, data.columns.passage_start, data.columns.field, data.passages)
        self._years = np.asarray(data.columns.years)  # plain arrays over the mapped ones: indexed on every query
        self._eras = np.asarray(data.columns.era_codes)
        self._era_code = {e["id"]: i for i, e in enumerate(data.eras)}
        self._spans = candidates.era_spans(self._eras, len(data.eras))
        self._degree = np.asarray(data.columns.degree)
        context = self._plan_context = stored_context(data)
        self._read = Readings(lambda text: make_plan(text, context))  # ``make_plan``, kept per text (no cycle to self)
        self.engine = open_engine(data)
        self._asking = Asking(data, self.engine, self._plan_context, lambda: (graph().earlier, graph().later))

    def plan(self, text: str, ignore: tuple[str, ...] = ()) -> QueryPlan:
        """How ``text`` is read against this version (its eras, years, names), less the parts in ``ignore``."""
        return self._read(text).without(ignore)

    def allowed(self, year_from: int | None = None, year_to: int | None = None, era: str | None = None) -> Allowed:
        """The rows the hard filters let through (an era no paper is of lets none)."""
        code = None if era is None else self._era_code.get(era, -2)
        return candidates.allowed(self._years, self._eras, self._spans, year_from, year_to, code)

    def scores(self, request: SearchRequest, embed: Embed) -> tuple[str, QueryPlan | None, ranking.Scored]:
        """The corrected query, how it was read (with the paper its order names found), and its candidates' scores
        before the plan moves them, judged for whether any paper answers at all (``scope``)."""
        r = request
        allow = self.allowed(r.year_from, r.year_to, r.era)
        corrected = self.speller.correct(r.query)
        plan = self.plan(corrected, r.ignore) if r.understand else None
        named = False  # the query names a paper of the list ("what came after the GAN paper")
        if plan is not None:
            plan, named = self._anchored(plan, r.mode, embed)
        scored = self._scored(corrected, plan, r.mode, allow, r.k, embed)
        return corrected, plan, self._judged(scored, plan.topic if plan else corrected, embed, named, allow.count > 0)

    def _scored(
        self, text: str, plan: QueryPlan | None, mode: str, allow: Allowed, k: int, embed: Embed
    ) -> ranking.Scored:
        """``ranking.score`` over the candidates, with the papers the plan asks for (none where every paper is scored:
        ``ranking.every_paper``); for an origin question, again with the entries its best papers cite (which
        ``rerank.cited_sources`` lifts) when they were not among them."""
        topic = plan.topic if plan is not None else text
        asking = not ranking.every_paper(self.data)
        extra = self._asking.rows(plan, topic, allow, k, None if mode == "lexical" else embed) if asking else _NONE
        if plan is not None and plan.order is not None and plan.order.choice:  # the papers a choice's sides name
            extra = candidates.union(extra, np.array(plan.order.named_rows(), dtype=np.int64))
        ctx = self._plan_context
        scored = ranking.score(self.data, self.engine, ctx, ranking.Query(text, plan, mode, allow, extra), embed)
        if plan is None or not plan.builds_on or len(scored.rows) == len(self._years):
            return scored
        best = scored.rows[ranking.top_k(np.where(scored.mask, scored.fused, -np.inf), SOURCES_OF)]
        cited = _cited(plan.builds_on, best.tolist())
        if not len(np.setdiff1d(cited, scored.rows)):
            return scored
        query = ranking.Query(text, plan, mode, allow, candidates.union(extra, cited))
        return ranking.score(self.data, self.engine, ctx, query, embed)

    def _judged(
        self, scored: ranking.Scored, topic: str, embed: Embed, sure: bool = False, allowed: bool = True
    ) -> ranking.Scored:
        """``scored`` judged for ``topic`` (``scope``): sure also if ``sure``; no paper ``allowed``: confidence 0."""
        evidence = self.scope.evidence(topic, scored.qvec, scored.best_cosine, embed)
        sure = (scored.sure or sure) and allowed
        confidence = scope.confidence(evidence, sure, words_only=scored.qvec is None) if allowed else 0.0
        return scored.judged(evidence, confidence, sure)

    def _moved(self, scored: ranking.Scored, plan: QueryPlan) -> np.ndarray:
        """The candidates' fused scores moved by ``plan`` (``rerank.apply``), its citations read by position (when every
        paper is a candidate, a paper's position is its row: read as they are)."""
        every = len(scored.rows) == len(self._years)
        moved = replace(plan, builds_on=Positioned(plan.builds_on, scored)) if plan.builds_on and not every else plan
        years, degree = self._years_of(scored.rows), np.asarray(self._degree[scored.rows])
        return rerank.apply(scored.fused, moved, years, degree, scored.names, scored.concepts)

    def _years_of(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self._years[rows], dtype=np.int64)

    def results(self, request: SearchRequest, embed: Embed, version: str) -> SearchResults:
        """The top ``request.k`` papers for ``request``, as ``SearchResults`` (``took_ms`` 0, not cached)."""
        corrected, plan, scored = self.scores(request, embed)
        fused = scored.fused
        if plan is not None:
            fused, plan = self._ordered(self._moved(scored, plan), plan, scored)
        fused = np.where(scored.mask, fused, -np.inf)
        if plan is not None and plan.intent == "history" and not plan.only_time and plan.order is None:
            picks = rerank.spread_over_time(fused, self._years_of(scored.rows), request.k)
        else:
            picks = ranking.top_k(fused, request.k)
        rows = scored.rows[picks].tolist()
        if scored.qvec is not None:
            self.explainer.expect(rows)
        records = self.data.records.many(rows)  # the hits' records read together, and what ``why`` reads of them
        self.explainer.prepare(rows, records)
        hits = self._hits(picks, rows, fused, scored, query_stems(plan.topic if plan else corrected), records)
        return search_results(request, corrected, plan, scored.confidence, hits, version)

    def _anchored(self, plan: QueryPlan, mode: str, embed: Embed) -> tuple[QueryPlan, bool]:
        """The plan with the paper its order places others before or after found (or each paper a choice between
        two names: ``_chosen``), and whether any was."""
        o = plan.order
        if o is None:
            return plan, False
        if o.side is None:
            return self._chosen(plan, mode, embed)
        found = self._named(o.anchor, mode, embed)
        if found is None:
            return plan, False
        return replace(plan, order=o.found(*found, alone=self._alone(found[0], o.side))), True

    def _alone(self, row: int, side: Side) -> bool:
        """Whether no paper lies on ``side`` of the paper at ``row`` as ``ordering.around`` counts them: none of an
        earlier (later) year, which rows in year order tell from the list's first (last) alone, and none of its own
        year that the graph ties to it (read only for a paper of the list's first or last year)."""
        year, years = self._years[row], self._years
        if year > years[0] if side == "before" else year < years[-1]:
            return False
        return not any(years[other] == year for other in self._tied(row, side))

    def _tied(self, row: int, side: Side) -> dict[int, float]:
        """How strongly the graph ties each paper on ``side`` of the paper at ``row`` to it (``ordering.ties``)."""
        graph = self._graph()
        return ordering.ties(graph.earlier if side == "before" else graph.later, row)

    def _chosen(self, plan: QueryPlan, mode: str, embed: Embed) -> tuple[QueryPlan, bool]:
        """For a choice between two papers ("which came first, the VAE or the GAN?"), the plan with the paper each
        side names found (``order.choice_sides``, each as an anchor is: ``_named``), and whether any was."""
        o = plan.order
        sides = order.choice_sides(plan.text, plan.topic)
        if o is None or sides is None:
            return plan, False
        choice = tuple((words, self._side(words, mode, embed)) for words in sides)
        named = any(paper for _, paper in choice) and not o.compares  # a comparison is judged as its words are
        return replace(plan, order=replace(o, choice=choice)), named

    def _side(self, words: str, mode: str, embed: Embed) -> order.Named | None:
        """The paper one side of a choice names (``_named``), if it holds one of the side's topic words: a side
        named by words the list lacks ("VGG") names none of its papers, whichever comes nearest in meaning."""
        found = self._named(words, mode, embed)
        said = topical.carrying_words(words)
        if found is None or not said:
            return found
        rows = np.array([found[0]], dtype=np.int64)
        return found if any(bool(held[0]) for w in said if (held := self._holding(w, rows)) is not None) else None

    def _named(self, words: str, mode: str, embed: Embed) -> order.Named | None:
        """The paper ``words`` name, or None: the best match of those words searched on their own over the whole
        list (their own names, concepts and year count; of their matches, ``ordering.matches``, the earliest: "the
        perceptron" is Rosenblatt's, not Minsky and Papert's book about it), when the search is sure some paper
        answers them."""
        sub = self._read(words)
        scored = self._judged(self._scored(words, sub, mode, self.allowed(), 10, embed), sub.topic, embed)
        if scored.confidence < scope.NO_MATCH_BELOW:
            return None
        fused = self._moved(scored, sub)  # by candidate; the paper those words name, of their matches
        named = named_terms(sub.topic, self._plan_context)
        at = scored.at(np.fromiter(named, dtype=np.int64, count=len(named)))
        by_position = {int(p): n for p, n in zip(at, named.values(), strict=True) if p >= 0}
        years, holding = self._years_of(scored.rows), self._holding(sub.topic, scored.rows)
        row = int(scored.rows[ordering.named_paper(fused, years, ordering.matches(fused), holding, by_position)])
        rec = self.data.records[row]
        return row, rec["id"], f"{rec['title']} ({rec['year']})"

    def _ordered(self, fused: np.ndarray, plan: QueryPlan, scored: ranking.Scored) -> tuple[np.ndarray, QueryPlan]:
        """The scores moved by the order the plan asks for (module ``order``), if any, and the plan as it was carried
        out (a place past the papers the order ran over: ``ordering.past_the_end``)."""
        o, years = plan.order, self._years_of(scored.rows)
        if o is None:
            return fused, plan
        if o.choice or o.compares:  # the papers its sides name first, as asked; none named (or no match, compared):
            at = scored.at(np.array(o.named_rows(), dtype=np.int64))  # relevance alone
            if o.first is None:
                return ordering.as_asked(fused, at[(at >= 0) & (scored.confidence >= scope.NO_MATCH_BELOW)]), plan
            return ordering.by_year(fused, years, o.first, at[at >= 0]), plan
        if o.side is not None:
            if o.paper is None:
                return fused, plan
            anchor = o.paper[0]
            tied = self._tied(anchor, o.side)
            at = scored.at(np.array([anchor, *tied], dtype=np.int64))
            ties = {int(p): w for p, w in zip(at[1:], tied.values(), strict=True) if p >= 0}
            topical = 1.0 if plan.topic != o.anchor else ordering.TOPIC_WEIGHT if a_topic(o.anchor) else 0.0
            near = self._near(anchor, scored.rows)
            by_tie = o.tied  # "papers influenced by X, in chronological order": the tied ones by year
            return ordering.around(fused, near, years, int(at[0]), o.side, ties, o.first, topical, o.nth, by_tie), plan
        assert o.first is not None
        inside = scored.mask & np.isfinite(fused)  # an order runs within the time the question names, if any
        if plan.window is not None:
            inside &= (years >= plan.window.start) & (years <= plan.window.end)
        if o.over == "list":
            listed = np.flatnonzero(inside)
            placed = replace(plan, order=ordering.past_the_end(o, fused, listed))
            return ordering.by_year(fused, years, o.first, listed, o.nth), placed
        named = scored.at(np.fromiter(named_terms(plan.topic, self._plan_context), dtype=np.int64))
        held = self._holding(plan.topic, scored.rows)
        authored = None if scored.names is None else scored.names >= NAME_WEIGHT["author"]  # by everyone it names
        inside_fused = np.where(inside, fused, -np.inf)
        headline, by_name = self._headline(plan.topic, inside_fused, scored.rows)
        matched = ordering.about(inside_fused, years, held, named[named >= 0], authored, headline, by_name)
        placed = replace(plan, order=ordering.past_the_end(o, fused, matched))
        return ordering.by_year(fused, years, o.first, matched, o.nth), placed

    def _headline(self, topic: str, fused: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, bool]:
        """Per candidate, whether its own headline holds the topic (``topical``): read for the ranking's head
        (``ordering.head``) only, the rest False; and whether the topic is who wrote the papers
        (``topical.organisation``)."""
        out = np.zeros(len(rows), dtype=bool)
        top = ordering.head(fused)
        owners = [(c, self.data.records[row]) for c, row in named_concepts(topic, self._plan_context)]
        out[top], by_name = topical.headline_holds(
            self.data.records.many(rows[top].tolist()), topic, topical.terms_of(owners)
        )
        return out, by_name

    def _holding(self, topic: str, rows: np.ndarray) -> np.ndarray | None:
        """Per candidate, whether its text holds every topic word of ``topic`` (``topical.carrying_words``), or None."""
        lex = self.data.lexical
        words = topical.carrying_words(topic)
        if not words:
            return None
        holds = np.ones(len(rows), dtype=bool)
        for word in words:
            has = np.zeros(len(rows), dtype=bool)
            for t in lex.token_ids(word):
                docs = lex.indices[lex.indptr[t] : lex.indptr[t + 1]]
                if len(docs):
                    at = np.minimum(np.searchsorted(docs, rows), len(docs) - 1)
                    has |= docs[at] == rows
            holds &= has
        return holds

    def _near(self, row: int, rows: np.ndarray) -> np.ndarray:
        """Each of ``rows``' closeness in meaning to the paper of ``row``: its passages against that paper's centroid."""
        centroid = self.data.matrix[self.data.paper_rows[row]].mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        side = candidates.dense_side(self.data, centroid, self.allowed())
        near, _ = side.of(rows, np.ones(len(rows), dtype=bool))
        return near.astype(np.float64)

    def _hits(
        self,
        picks: list[int],
        rows: list[int],
        fused: np.ndarray,
        scored: ranking.Scored,
        q_stems: dict[str, str],
        records: list[PaperRecord],
    ) -> list[SearchHit]:
        """The candidates at positions ``picks`` (papers ``rows``, records ``records``), best first: each one's final
        score, its two sides' scores, and why it matched (every hit's ``why`` at once: ``Explainer.whys``)."""
        at = np.asarray(picks, dtype=np.intp)  # made once, not once an array read
        whys = self.explainer.whys(q_stems, rows, scored.qvec, scored.best_row[at].tolist())
        lexical: list[float] = scored.lexical[at].tolist()
        dense: list[float | None] = [None] * len(picks) if scored.qvec is None else scored.dense[at].tolist()
        return [
            search_hit(rank, rec, score, {"dense": None if d is None else round(d, 6), "lexical": round(x, 6)}, why)
            for rank, (rec, score, d, x, why) in enumerate(
                zip(records, fused[at].tolist(), dense, lexical, whys, strict=True), 1
            )
        ]


def _cited(builds_on: Sequence[Iterable[int]], rows: list[int]) -> np.ndarray:
    """The rows the papers of ``rows`` cite (``PlanContext.builds_on``), in that order: each paper's list read as one
    array, not item by item."""
    lists = [np.asarray(builds_on[row], dtype=np.int64) for row in rows]
    return np.concatenate(lists) if lists else np.zeros(0, dtype=np.int64)


class Positioned(Sequence[list[int]]):
    """What each candidate cites (``PlanContext.builds_on``), as positions among the candidates."""

    def __init__(self, builds_on: Sequence[Iterable[int]], scored: ranking.Scored) -> None:
        self.builds_on, self.scored = builds_on, scored

    def __len__(self) -> int:
        return len(self.scored.rows)

    @overload
    def __getitem__(self, at: int) -> list[int]: ...
    @overload
    def __getitem__(self, at: slice) -> Sequence[list[int]]: ...
    def __getitem__(self, at: int | slice) -> Any:
        if isinstance(at, slice):
            return [self[i] for i in range(*at.indices(len(self)))]
        positions = self.scored.at(_cited(self.builds_on, [int(self.scored.rows[at])]))
        found: list[int] = positions[positions >= 0].tolist()
        return found


def open_engine(data: IndexData) -> Engine | None:
    """The version's lexical engine, when the list is larger than a query's candidates (a small list scores every
    paper and never imports it); None when it has none."""
    folder = data.path / layout.LEXICAL / layout.ENGINE
    if len(data.columns.years) <= candidates.LEXICAL_CANDIDATES or not folder.is_dir():
        return None
    return Engine(folder)


def stored_context(data: IndexData) -> PlanContext:
    """The query-understanding context a version's build stored (``index.understanding``), read per query."""
    db, lock, years = data.db, data.lock, data.columns.years
    first, last = (int(years[0]), int(years[-1])) if len(years) else (0, 0)
    time = TimeContext(tuple(data.eras), first, last, YearTable(db, lock))
    names, given = NameTable(db, lock), KeySet(db, lock)
    concepts = ConceptTable(db, lock, data.manifest.get("counts", {}).get("term_stems"))
    builds_on = data.columns.lists("builds_on")
    return PlanContext(time, names, given, EVERYDAY_WORDS, concepts, concepts.within, builds_on, concepts.rows)
