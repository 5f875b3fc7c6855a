"""Answer questions from a built index: the one façade every face (CLI, HTTP, MCP) reads through.

``Searcher.load(index_dir)`` loads the current version; ``search`` ranks papers (dense, lexical or
hybrid, with filters and ``why``), ``similar`` finds papers like one paper, and ``papers``,
``paper``, ``eras``, ``graph`` and ``status`` read the version as stored, so every face shows
the same thing for the same index. ``answer`` quotes the list's own sentences with their sources
(module ``answer``); ``path`` and ``chain`` walk the graph (module ``paths``).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path

import numpy as np

from ..core.errors import NotFoundError
from ..core.params import DEFAULT_PATH_K, SearchParams, check_direction, check_id, check_k
from ..core.records import (
    Answer,
    Chain,
    EraPapers,
    GraphRecord,
    IndexStatus,
    PaperRecord,
    ReadingList,
    SearchHit,
    SearchResults,
    SimilarResults,
)
from ..core.settings import Settings
from ..encode.factory import QueryEncoder, query_encoder
from ..index import layout, reader, store
from . import ranking, rerank
from .answer import Sentences, compose
from .explain import Explainer, query_stems
from .paths import PathGraph
from .plan import PlanContext, QueryPlan, build_context, make_plan
from .spelling import Speller, english_words

QUERY_CACHE_SIZE = 2048  # query vectors kept (1.5 KB each)
RESULT_CACHE_HITS = 20_000  # answers kept, counted in hits (each ~1 KB; the records themselves are shared)


def _open_encoder(vdir: Path, settings: Settings) -> QueryEncoder | None:
    """A version's query encoder set up for a query or two, or None: the lazy path then raises the error."""
    try:
        manifest = layout.read_manifest(vdir)
        onnx = layout.onnx_spec(vdir, manifest)
        return query_encoder(manifest["model"]["name"], onnx, settings, one_shot=True, version=vdir.name)
    except Exception:
        return None


class Searcher:
    """Search one index version. Thread-safe for concurrent searches."""

    def __init__(
        self, data: reader.IndexData, encoder: QueryEncoder | None = None, settings: Settings | None = None
    ) -> None:
        self.data = data
        self.settings = settings or Settings.from_env()
        self._encoder = encoder
        self._encoder_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._results: OrderedDict[SearchParams, SearchResults] = OrderedDict()
        self._results_held = 0  # hits held by self._results
        self._by_id = {r["id"]: i for i, r in enumerate(data.records)}
        self._years = np.array([r["year"] for r in data.records])
        self._eras = np.array([r["era"] for r in data.records])
        self._speller = Speller(data.vocabulary)
        self._explainer = Explainer(data)
        self._plan_context: PlanContext | None = None  # built on the first plan: names, eras, concepts
        self._plan_lock = threading.Lock()
        self._degree = np.array(
            [len(r["references"]["cites"]) + len(r["references"]["cited_by"]) for r in data.records]
        )
        self.cache_hits = 0  # query vectors served from the cache
        self.result_hits = 0  # whole answers served from the cache

    @classmethod
    def load(
        cls,
        index_dir: str | Path,
        encoder: QueryEncoder | None = None,
        preload_encoder: bool = False,
        settings: Settings | None = None,
    ) -> Searcher:
        """The current version of ``index_dir``.

        ``preload_encoder``: for a one-shot query, open the query encoder (set up for a query or two) in a
        second thread while the index loads. Otherwise it opens on first use, set up for many.
        """
        settings = settings or Settings.from_env()
        vdir = store.version_dir(Path(index_dir))
        if encoder is not None or not preload_encoder:
            return cls(reader.read_version(vdir, settings), encoder, settings)
        with ThreadPoolExecutor(1, thread_name_prefix="papersearch-encoder") as pool:
            opening = pool.submit(_open_encoder, vdir, settings)
            data = reader.read_version(vdir, settings)
            return cls(data, opening.result(), settings)

    @property
    def version(self) -> str:
        return self.data.version

    @property
    def loaded_encoder(self) -> QueryEncoder | None:
        """The query encoder if one has been loaded (a reload reuses it for the same model)."""
        return self._encoder

    # ------------------------------------------------------------------ the version as stored
    def papers(self) -> list[PaperRecord]:
        """Every paper, by year."""
        return self.data.records

    def paper(self, paper_id: str) -> PaperRecord:
        """One paper with its whole neighbourhood; NotFoundError for an unknown id."""
        i = self._by_id.get(paper_id)
        if i is None:
            raise NotFoundError(paper_id)
        return self.data.records[i]

    def eras(self) -> list[EraPapers]:
        """The eras, each with the ids of its papers."""
        out: list[EraPapers] = []
        for e in self.data.eras:
            papers = [r["id"] for r in self.data.records if r["era"] == e["id"]]
            out.append({**e, "papers": papers})
        return out

    def graph(self) -> GraphRecord:
        """The cross-reference graph the version was built with."""
        return self.data.graph

    def status(self, corpus: tuple[str | None, str | None] = (None, None)) -> IndexStatus:
        """The version served, and whether the corpus changed since it was built.

        ``corpus``: ``index.check.corpus_state`` of the corpus folder — its hash now, or why there is none.
        """
        built_from = self.data.manifest.get("corpus_hash")
        now, problem = corpus
        return {
            "index_version": self.version,
            "corpus_hash": built_from,
            "stale": now is not None and now != built_from,
            "papers": len(self.data.records),
            "problem": problem,
        }

    def correct(self, text: str) -> str:
        """The text with typos corrected against the corpus's words."""
        return self._speller.correct(text)

    # ------------------------------------------------------------------ encoding
    @property
    def encoder(self) -> QueryEncoder:
        with self._encoder_lock:
            if self._encoder is None:
                onnx = layout.onnx_spec(self.data.path, self.data.manifest)
                model = self.data.manifest["model"]["name"]
                self._encoder = query_encoder(model, onnx, self.settings, version=self.version)
            return self._encoder

    def embed_query(self, text: str) -> np.ndarray:
        key = text.strip().lower()
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                self.cache_hits += 1
                return hit
        vec = np.asarray(self.encoder.encode_query(text), dtype=np.float32).reshape(-1)
        with self._cache_lock:
            self._cache[key] = vec
            if len(self._cache) > QUERY_CACHE_SIZE:
                self._cache.popitem(last=False)
        return vec

    # ------------------------------------------------------------------ searching
    def params(
        self,
        query: object,
        k: object = 10,
        mode: object = "hybrid",
        year_from: object = None,
        year_to: object = None,
        era: object = None,
        understand: object = True,
        ignore: object = (),
    ) -> SearchParams:
        """Checked parameters (raises QueryError naming the bad one), with the era resolved against this version."""
        return SearchParams.check(query, k, mode, year_from, year_to, era, self.data.eras, understand, ignore)

    def search(
        self,
        query: object,
        k: object = 10,
        mode: object = "hybrid",
        year_from: object = None,
        year_to: object = None,
        era: object = None,
        understand: object = True,
        ignore: object = (),
    ) -> SearchResults:
        """Rank papers for ``query``; filters apply before ranking, the query's own time words after (softly).

        ``understand``: read time, intent and names from the query (``plan``); ``ignore``: parts of
        that reading to leave out ("time", "intent", "names").
        """
        return self.run(self.params(query, k, mode, year_from, year_to, era, understand, ignore))

    def run(self, params: SearchParams) -> SearchResults:
        """``search`` for parameters already checked (``params``): from the cache of recent answers, or ranked."""
        started = time.perf_counter()
        hit = self.cached(params, started)
        if hit is not None:
            return hit
        answer = self._answer(params)
        with self._cache_lock:
            if params not in self._results:
                self._results[params] = answer
                self._results_held += len(answer["results"]) + 1
            while self._results_held > RESULT_CACHE_HITS:
                self._results_held -= len(self._results.popitem(last=False)[1]["results"]) + 1
        return {**answer, "took_ms": round((time.perf_counter() - started) * 1000, 3), "cached": False}

    def cached(self, params: SearchParams, started: float | None = None) -> SearchResults | None:
        """The answer for ``params`` if it is in the cache of recent answers, else None; never computes one.

        A dictionary lookup, so a server can answer a repeated question without handing it to a
        worker thread (``run`` ranks a new one).
        """
        started = time.perf_counter() if started is None else started
        with self._cache_lock:
            hit = self._results.get(params)
            if hit is None:
                return None
            self._results.move_to_end(params)
            self.result_hits += 1
        # the same question again: the stored answer, with this call's own timing
        return {**hit, "took_ms": round((time.perf_counter() - started) * 1000, 3), "cached": True}

    def plan(self, text: str, ignore: tuple[str, ...] = ()) -> QueryPlan:
        """How ``text`` is read against this version (its eras, years, names), less the parts in ``ignore``."""
        with self._plan_lock:
            if self._plan_context is None:
                self._plan_context = build_context(self.data.records, self.data.eras, self.data.graph, english_words())
        return make_plan(text, self._plan_context).without(ignore)

    def scores(self, p: SearchParams) -> tuple[str, QueryPlan | None, ranking.Scored]:
        """The corrected query, how it was read, and every paper's scores before the plan moves them.

        What ``search`` ranks from; for tools that study the ranking (scripts/calibrate_no_match.py).
        """
        mask = ranking.filter_mask(self._years, self._eras, p.year_from, p.year_to, p.era)
        corrected = self._speller.correct(p.query)
        plan = self.plan(corrected, p.ignore) if p.understand else None
        return (
            corrected,
            plan,
            ranking.score(self.data, self._plan_context, plan, corrected, p.mode, mask, self.embed_query),
        )

    def _answer(self, p: SearchParams) -> SearchResults:
        corrected, plan, scored = self.scores(p)
        mask = scored.mask
        fused = scored.fused
        if plan is not None:
            fused = rerank.apply(fused, plan, self._years, self._degree, scored.names, scored.concepts)
        fused = np.where(mask, fused, -np.inf)
        if plan is not None and plan.intent == "history" and not plan.only_time:
            order = rerank.spread_over_time(fused, self._years, p.k)
        else:
            order = ranking.top_k(fused, p.k)
        q_stems = query_stems(plan.topic if plan else corrected)
        results: list[SearchHit] = []
        for rank, i in enumerate(order, 1):
            rec = self.data.records[i]
            results.append(
                {
                    "rank": rank,
                    "id": rec["id"],
                    "title": rec["title"],
                    "year": rec["year"],
                    "authors": rec["authors"],
                    "era": rec["era"],
                    "era_name": rec["era_name"],
                    "question": rec["question"],
                    "score": round(float(fused[i]), 6),
                    "scores": {
                        "dense": None if scored.qvec is None else round(float(scored.dense[i]), 6),
                        "lexical": round(float(scored.lexical[i]), 6),
                    },
                    "why": self._explainer.why(q_stems, i, scored.qvec, int(scored.best_row[i])),
                    "neighbours": rec["references"],
                }
            )
        confidence = round(scored.confidence, 4)
        return {
            "query": p.query,
            "corrected_query": corrected if corrected != p.query else None,
            "mode": p.mode,
            "k": p.k,
            "filters": {"year_from": p.year_from, "year_to": p.year_to, "era": p.era},
            "index_version": self.version,
            "took_ms": 0.0,
            "cached": False,
            "understood": plan.understood() if plan else None,
            "no_match": confidence < rerank.NO_MATCH_BELOW,
            "confidence": confidence,
            "results": results,
        }

    # ------------------------------------------------------------------ the assistant: answers and paths
    def answer(
        self,
        query: object,
        k: object = 10,
        mode: object = "hybrid",
        year_from: object = None,
        year_to: object = None,
        era: object = None,
        understand: object = True,
        ignore: object = (),
    ) -> Answer:
        """A cited answer to ``query`` from the list's own sentences, or a refusal (``query/answer.py``).

        The same parameters and checks as ``search``; the sentences come from its best ranked papers.
        """
        return self.answer_for(self.params(query, k, mode, year_from, year_to, era, understand, ignore))

    def answer_for(self, p: SearchParams) -> Answer:
        """``answer`` for parameters already checked (``params``), as ``run`` is to ``search``."""
        started = time.perf_counter()
        results = self.run(p)
        plan = self.plan(results["corrected_query"] or p.query, p.ignore) if p.understand else None
        topic = plan.topic if plan else results["corrected_query"] or p.query
        qvec = None if p.mode == "lexical" else self.embed_query(topic)  # the search's own vector, from the cache
        out = compose(self.data, self.sentences, self.path_graph, results, plan, qvec)
        return {**out, "took_ms": round((time.perf_counter() - started) * 1000, 3)}

    @cached_property
    def sentences(self) -> Sentences:
        """The sentences an answer may quote (their stems are read on first use)."""
        return Sentences(self.data)

    @cached_property
    def path_graph(self) -> PathGraph:
        """The graph oriented by time, with the papers' vectors (built on first use)."""
        return PathGraph.of(self.data.records, self.data.graph, self.data.matrix, self.data.paper_rows)

    def path(self, paper_id: str, direction: object = "before", k: object = DEFAULT_PATH_K) -> ReadingList:
        """What to read before ``paper_id`` (what it builds on, through the graph) or after it (what grew out of it)."""
        i = self._by_id[self.paper(paper_id)["id"]]
        return self.path_graph.reading(i, check_direction(direction), check_k(k), self.version)

    def chain(self, source: object, target: object) -> Chain:
        """A chain of papers from ``source`` to ``target`` through the graph, or the closest one in meaning."""
        rows = []
        for name, value in (("from", source), ("to", target)):
            i = self._by_id.get(paper_id := check_id(name, value))
            if i is None:
                error = NotFoundError(paper_id)
                error.param = name
                raise error
            rows.append(i)
        return self.path_graph.chain(rows[0], rows[1], self.version)

    def similar(self, paper_id: str, k: object = 10) -> SimilarResults:
        """Papers most like ``paper_id``: cosine between the centroids of their passages."""
        i = self._by_id.get(paper_id)
        if i is None:
            raise NotFoundError(paper_id)
        k_ = check_k(k)
        centroid = self.data.matrix[self.data.paper_rows[i]].mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        mask = np.ones(len(self.data.records), dtype=bool)
        mask[i] = False
        dense, _ = ranking.dense_scores(self.data, centroid, mask)
        records = self.data.records
        return {
            "id": paper_id,
            "index_version": self.version,
            "results": [
                {
                    "id": records[j]["id"],
                    "title": records[j]["title"],
                    "year": records[j]["year"],
                    "era": records[j]["era"],
                    "score": round(float(dense[j]), 6),
                }
                for j in ranking.top_k(dense, k_)
            ],
        }
