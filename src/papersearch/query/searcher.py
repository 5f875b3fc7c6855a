"""Answer questions from a built index: the one façade every face (CLI, HTTP, MCP) reads through.

``Searcher.load(index_dir)`` loads the current version; ``search`` ranks papers (dense, lexical or
hybrid, with filters and ``why``; module ``results``), ``similar`` finds papers like one paper
(module ``similar``), and ``papers``, ``paper``, ``eras``, ``graph`` and ``status`` read the version
as stored, so every face shows the same thing for the same index. ``answer`` quotes the list's own
sentences with their sources (module ``answer``); ``path`` and ``chain`` walk the graph (module
``paths``). ``cite`` writes papers as references (module ``cite``). Recent query vectors and results
are kept per version (module ``caches``).

A face builds one ``SearchRequest`` (``request``) and passes it to ``search`` or ``answer``; from
Python, ``search("...", k=5)`` checks the keywords the same way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np

from ..core.assistant_records import Answer, Chain, ReadingList
from ..core.errors import NotFoundError
from ..core.params import (
    DEFAULT_K,
    DEFAULT_PATH_K,
    SearchRequest,
    check_direction,
    check_id,
    check_k,
    check_limit,
    check_offset,
    check_side,
)
from ..core.records import (
    SHOWN_NEIGHBOURS,
    EraPapers,
    GraphRecord,
    IndexStatus,
    NeighbourPage,
    PaperRecord,
    SearchResults,
    SimilarResults,
)
from ..core.settings import Settings
from ..encode.factory import QueryEncoder, query_encoder
from ..index import layout, reader, store
from ..index.record_store import GraphStore
from . import ranking
from .caches import QueryVectors, RecentResults
from .paths import PathGraph
from .plan import QueryPlan
from .results import Ranker

if TYPE_CHECKING:  # imported where used: a search needs neither answers nor citations
    from .cite import CiteRequest
    from .quotes import Sentences


def _open_encoder(vdir: Path, settings: Settings) -> QueryEncoder | None:
    """A version's query encoder set up for a query or two, or None: the lazy path then raises the error."""
    try:
        manifest = layout.read_manifest(vdir)
        onnx = layout.onnx_spec(vdir, manifest)
        return query_encoder(manifest["model"]["name"], onnx, settings, one_shot=True, version=vdir.name)
    except Exception:
        return None


T = TypeVar("T")


class _Once(Generic[T]):
    """``make()``'s value, made on the first call (one thread makes it) and kept. The searcher and its ranker share
    one, where a lambda over the searcher would make a reference cycle: a dropped searcher (a reload, a new one a
    benchmark round) would then wait for a full collection, which walks the whole heap, to be freed."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make: Callable[[], T] | None = make
        self._value: T | None = None
        self._lock = threading.Lock()

    def __call__(self) -> T:
        value = self._value
        if value is None:
            with self._lock:
                if self._value is None and self._make is not None:
                    self._value, self._make = self._make(), None
                value = self._value
        assert value is not None
        return value


def _took_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


class Searcher:
    """Search one index version. Thread-safe for concurrent searches."""

    def __init__(self, data: reader.IndexData, settings: Settings, encoder: QueryEncoder | None = None) -> None:
        """``settings``: as the entry point read them (the query encoder's threads and precision come from them)."""
        self.data = data
        self.settings = settings
        self._encoder = encoder
        self._encoder_lock = threading.Lock()
        self._vectors = QueryVectors()
        self._results = RecentResults()
        self._graph = _Once(lambda: PathGraph.from_index(data))  # over the data, not this searcher: no cycle to free
        self._ranker = Ranker(data, self._graph)

    @classmethod
    def load(
        cls,
        index_dir: str | Path,
        encoder: QueryEncoder | None = None,
        preload_encoder: bool = False,
        settings: Settings | None = None,
        trust_verdict: bool = False,
    ) -> Searcher:
        """The current version of ``index_dir``, every file checked against its manifest.

        ``settings``: as the caller's entry point read them. A Python program that gives none enters
        here, so this is where its environment is read (``Settings.from_env``), once.
        ``preload_encoder``: for a one-shot query, open the query encoder (set up for a query or two) in a
        second thread while the index loads. Otherwise it opens on first use, set up for many.
        ``trust_verdict``: hash only the files changed since a full check vouched for them (``index.integrity``:
        for one-shot commands); otherwise every file is hashed.
        """
        if settings is None:
            settings = Settings.from_env()
        vdir = store.version_dir(Path(index_dir))
        if encoder is not None or not preload_encoder:
            return cls(reader.read_version(vdir, settings, trust_verdict), settings, encoder)
        opened: list[QueryEncoder | None] = [None]  # a plain thread: concurrent.futures would import logging
        opening = threading.Thread(
            target=lambda: opened.__setitem__(0, _open_encoder(vdir, settings)), name="papersearch-encoder"
        )
        opening.start()
        try:
            data = reader.read_version(vdir, settings, trust_verdict)
        finally:
            opening.join()
        return cls(data, settings, opened[0])

    @property
    def version(self) -> str:
        """The index version searched (its folder's name)."""
        return self.data.version

    @property
    def loaded_encoder(self) -> QueryEncoder | None:
        """The query encoder if one has been loaded (a reload reuses it for the same model)."""
        return self._encoder

    @property
    def cache_hits(self) -> int:
        """Query vectors served from the cache."""
        return self._vectors.hits

    @property
    def result_hits(self) -> int:
        """Whole results served from the cache."""
        return self._results.hits

    # ------------------------------------------------------------------ the version as stored
    def papers(self) -> Sequence[PaperRecord]:
        """Every paper, by year: a sequence read from the index as it is used (iterating streams them)."""
        return self.data.records

    def paper(self, paper_id: str) -> PaperRecord:
        """One paper with its neighbourhood (each side's strongest ``SHOWN_NEIGHBOURS`` and how many; ``neighbours``
        pages through the rest); QueryError for a malformed id, NotFoundError for an unknown one."""
        return self.data.records[self._row("id", paper_id)]

    def neighbours(
        self, paper_id: str, side: object = "cited_by", offset: object = 0, limit: object = SHOWN_NEIGHBOURS
    ) -> NeighbourPage:
        """A stretch of one side of a paper's neighbourhood, past what its record lists (the strongest
        ``SHOWN_NEIGHBOURS``): for a paper built upon by thousands. QueryError names a bad parameter."""
        row = self._row("id", paper_id)
        checked = check_side(side)
        start, length = check_offset(offset), check_limit(limit)
        records = self.data.records
        return {
            "id": paper_id,
            "side": checked,
            "offset": start,
            "total": records.side_total(row, checked),
            "index_version": self.version,
            "results": records.side(row, checked, start, length),
        }

    def eras(self) -> list[EraPapers]:
        """The eras, each with the ids of its papers (read from the index in one pass, by year)."""
        ids: list[list[str]] = [[] for _ in self.data.eras]
        codes = self.data.columns.era_codes
        for row, pid in enumerate(self.data.records.ids_in_order()):
            code = int(codes[row])
            if 0 <= code < len(ids):
                ids[code].append(pid)
        return [{**e, "papers": papers} for e, papers in zip(self.data.eras, ids, strict=True)]

    def graph(self) -> GraphRecord:
        """The cross-reference graph the version was built with, whole (``graph_parts`` streams it)."""
        return self.data.graph.record()

    def graph_parts(self) -> GraphStore:
        """The cross-reference graph's three lists, each streamed from the index."""
        return self.data.graph

    def status(self, corpus: tuple[str | None, str | None] = (None, None)) -> IndexStatus:
        """The version served, and whether the corpus, or the code that builds an index, changed since it was built.

        ``corpus``: ``index.check.corpus_state`` of the corpus folder — its hash now, or why there is none.
        A version built by other code (``layout.built_by_other_code``) is stale whatever the corpus, and says why.
        """
        built_from = self.data.manifest.get("corpus_hash")
        now, problem = corpus
        other_code = layout.built_by_other_code(self.data.manifest)
        return {
            "index_version": self.version,
            "corpus_hash": built_from,
            "stale": other_code is not None or (now is not None and now != built_from),
            "papers": len(self.data.records),
            "problem": "; ".join(p for p in (other_code, problem and f"cannot judge staleness: {problem}") if p)
            or None,
        }

    def cite(self, request: CiteRequest) -> str:
        """The papers a checked ``CiteRequest`` names, cited in its format (module ``cite``); NotFoundError names
        the first id no paper has, as the request's own parameter."""
        for pid in request.ids:
            self._row(request.param, pid)
        records = list(self.data.records.citable(request.ids))  # a citation reads no neighbourhood
        from .cite import cite

        return cite(records, request.format, request.style)

    def correct(self, text: str) -> str:
        """The text with typos corrected against the corpus's words."""
        return self._ranker.speller.correct(text)

    def _row(self, param: str, paper_id: object) -> int:
        """The row of a paper id given as ``param``: QueryError if it is not an id, NotFoundError if no paper has it."""
        row = self.data.records.row_of(checked := check_id(param, paper_id))
        if row is None:
            error = NotFoundError(checked)
            error.param = param
            raise error
        return row

    # ------------------------------------------------------------------ encoding
    @property
    def encoder(self) -> QueryEncoder:
        """The query encoder, opened on first use (set up for many queries) unless one was given."""
        with self._encoder_lock:
            if self._encoder is None:
                onnx = layout.onnx_spec(self.data.path, self.data.manifest)
                model = self.data.manifest["model"]["name"]
                self._encoder = query_encoder(model, onnx, self.settings, version=self.version)
            return self._encoder

    def embed_query(self, text: str) -> np.ndarray:
        """The query's vector, from the cache of recent ones or encoded."""
        return self._vectors.get(text, self._encode)

    def _encode(self, text: str) -> np.ndarray:
        return np.asarray(self.encoder.encode_query(text), dtype=np.float32).reshape(-1)

    # ------------------------------------------------------------------ searching
    def request(self, query: str | SearchRequest, **options: object) -> SearchRequest:
        """``query`` and ``options`` checked into a ``SearchRequest`` (QueryError names a bad one), the era resolved
        against this version; a ``SearchRequest`` as it is.

        ``options`` are ``SearchRequest.check``'s: ``k``, ``mode``, ``year_from``, ``year_to``, ``era``,
        ``understand`` (read time, intent, names and order from the query) and ``ignore`` (parts of that reading to
        leave out: "time", "intent", "names", "order").
        """
        if isinstance(query, SearchRequest):
            if options:
                raise TypeError(f"a SearchRequest holds its options already; {', '.join(options)} given besides")
            return query
        return SearchRequest.check(query, self.data.eras, **options)

    def search(self, query: str | SearchRequest, **options: object) -> SearchResults:
        """Rank papers for a request (or for ``query`` and ``options``, as ``request`` checks them): from the cache
        of recent results, or ranked. Filters apply before ranking, the query's own time words after (softly)."""
        started = time.perf_counter()
        request = self.request(query, **options)
        kept = self.cached(request, started)
        if kept is not None:
            return kept
        results = self._ranker.results(request, self.embed_query, self.version)
        self._results.put(request, results)
        return {**results, "took_ms": _took_ms(started), "cached": False}

    def cached(self, request: SearchRequest, started: float | None = None) -> SearchResults | None:
        """The results for ``request`` if they are in the cache of recent results, else None; never ranks.

        A dictionary lookup, so a server can answer a repeated question without handing it to a
        worker thread (``search`` ranks a new one).
        """
        started = time.perf_counter() if started is None else started
        kept = self._results.get(request)
        if kept is None:
            return None
        # the same question again: the stored results, with this call's own timing
        return {**kept, "took_ms": _took_ms(started), "cached": True}

    def plan(self, text: str, ignore: tuple[str, ...] = ()) -> QueryPlan:
        """How ``text`` is read against this version (its eras, years, names), less the parts in ``ignore``."""
        return self._ranker.plan(text, ignore)

    def scores(self, request: SearchRequest) -> tuple[str, QueryPlan | None, ranking.Scored]:
        """The corrected query, how it was read, and every paper's scores before the plan moves them.

        What ``search`` ranks from; for tools that study the ranking (scripts/calibrate_no_match.py).
        """
        return self._ranker.scores(request, self.embed_query)

    # ------------------------------------------------------------------ the assistant: answers and paths
    def answer(self, query: str | SearchRequest, **options: object) -> Answer:
        """A cited answer from the list's own sentences, or a refusal (module ``answer``).

        The same request, and checks, as ``search``; the sentences come from its best ranked papers.
        """
        request = self.request(query, **options)
        started = time.perf_counter()
        results = self.search(request)
        asked = results["corrected_query"] or request.query
        plan = self.plan(asked, request.ignore) if request.understand else None
        topic = plan.topic if plan else asked
        qvec = None if request.mode == "lexical" else self.embed_query(topic)  # the search's own vector, cached
        from .answer import compose

        out = compose(self.data, self.sentences, self.path_graph, results, plan, qvec)
        return {**out, "took_ms": _took_ms(started)}

    @cached_property
    def sentences(self) -> Sentences:
        """The sentences an answer may quote (their stems are read on first use)."""
        from .quotes import Sentences

        return Sentences(self.data)

    @property
    def path_graph(self) -> PathGraph:
        """The graph oriented by time, with the papers' path vectors (as the build stored them), read on first use."""
        return self._graph()

    def path(self, paper_id: str, direction: object = "before", k: object = DEFAULT_PATH_K) -> ReadingList:
        """What to read before ``paper_id`` (what it builds on, through the graph) or after it (what grew out of it)."""
        row = self._row("id", paper_id)
        return self.path_graph.reading(row, check_direction(direction), check_k(k), self.version)

    def chain(self, source: object, target: object) -> Chain:
        """A chain of papers from ``source`` to ``target`` through the graph, or the closest one in meaning."""
        return self.path_graph.chain(self._row("from", source), self._row("to", target), self.version)

    def similar(self, paper_id: str, k: object = DEFAULT_K) -> SimilarResults:
        """Papers most like ``paper_id``: cosine between the centroids of their passages (module ``similar``)."""
        from .similar import similar

        return similar(self.data, self._row("id", paper_id), check_k(k), self.version)
