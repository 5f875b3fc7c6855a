"""The searcher's caches, kept per index version: query vectors by their text, whole results by request, and
readings of a query (its plan) by text.

All are bounded and safe to share between threads; the first two give up the least recently used
first and count the times they answered (``hits``), which tests and benchmarks read. A reload builds
a new searcher with empty caches, so no answer of an old version is ever served.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from ..core.kept import Kept
from ..core.params import SearchRequest
from ..core.records import SearchResults
from .plan import QueryPlan

QUERY_CACHE_SIZE = 2048  # query vectors kept (1.5 KB each)
RESULT_CACHE_HITS = 20_000  # results kept, counted in hits (each ~1 KB; the records themselves are shared)
RESULT_CACHE_NEIGHBOURS = 200_000  # and in the neighbours their hits list: a hit lists every paper citing it, which
# at a million papers can be hundreds of thousands (a few hundred bytes each), so hits alone do not bound the memory
READINGS_KEPT = 1024  # texts whose plan (``plan.make_plan``, before a request's ``ignore``) is kept


class QueryVectors:
    """Query vectors by text (case and outer white space aside), at most ``size`` of them."""

    def __init__(self, size: int = QUERY_CACHE_SIZE) -> None:
        self.size = size
        self.hits = 0
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, encode: Callable[[str], np.ndarray]) -> np.ndarray:
        """The vector of ``text``: kept from before, or ``encode(text)`` (outside the lock), then kept."""
        key = text.strip().lower()
        with self._lock:
            hit = self._vectors.get(key)
            if hit is not None:
                self._vectors.move_to_end(key)
                self.hits += 1
                return hit
        vec = encode(text)
        with self._lock:
            self._vectors[key] = vec
            if len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vec


def _neighbours(results: SearchResults) -> int:
    """The neighbours the hits of ``results`` list, together."""
    sides = [hit["neighbours"] for hit in results["results"]]
    return sum(len(n["cites"]) + len(n["cited_by"]) + len(n["external"]) for n in sides)


class RecentResults:
    """Whole search results by request, bounded by the hits they hold together (``max_hits``) and the neighbours
    those hits list (``max_neighbours``)."""

    def __init__(self, max_hits: int = RESULT_CACHE_HITS, max_neighbours: int = RESULT_CACHE_NEIGHBOURS) -> None:
        self.max_hits, self.max_neighbours = max_hits, max_neighbours
        self.hits = 0
        self._results: OrderedDict[SearchRequest, tuple[SearchResults, int]] = OrderedDict()  # (results, neighbours)
        self._held = 0  # hits held, each result counting one more for itself
        self._neighbours = 0  # neighbours their hits list
        self._lock = threading.Lock()

    def get(self, request: SearchRequest) -> SearchResults | None:
        """The results kept for ``request``, or None; never computes any."""
        with self._lock:
            hit = self._results.get(request)
            if hit is None:
                return None
            self._results.move_to_end(request)
            self.hits += 1
            return hit[0]

    def put(self, request: SearchRequest, results: SearchResults) -> None:
        """Keep ``results`` (unless a thread kept them first), then drop the oldest past the bound."""
        listed = _neighbours(results)
        with self._lock:
            if request not in self._results:
                self._results[request] = (results, listed)
                self._held += len(results["results"]) + 1
                self._neighbours += listed
            while self._results and (self._held > self.max_hits or self._neighbours > self.max_neighbours):
                gone, gone_listed = self._results.popitem(last=False)[1]
                self._held -= len(gone["results"]) + 1
                self._neighbours -= gone_listed


class Readings:
    """A version's reading of each text (``read``: ``plan.make_plan`` against its context), the last ``size`` kept.

    ``make_plan`` is a pure function of the text and the version, and a plan is frozen, so one reading serves every
    request of the same text: an answer reads its search's question again, the same question comes with other
    options (k, mode, filters, ``ignore``: each a new search), and an order's anchor is read as a query of its own.
    """

    def __init__(self, read: Callable[[str], QueryPlan], size: int = READINGS_KEPT) -> None:
        self._make = read
        self._kept: Kept[QueryPlan] = Kept(size)

    def __call__(self, text: str) -> QueryPlan:
        """The plan of ``text``: kept from before, or read and kept."""
        plan = self._kept.get(text)
        return self._kept.put(text, self._make(text)) if plan is None else plan

    def __len__(self) -> int:
        return len(self._kept)
