"""The papers a query's plan asks to be scored besides each side's best (``query.candidates``).

A full scan scores every paper, so the plan can lift any of them: a named person's paper by
``rerank.NAME_BOOST``, a paper of the asked-for time above better matches outside it, the oldest
paper of the list whatever it is about, what the graph ties to the paper a question is about. A
query that scores only its candidates must hold those papers among them, or the plan would have
nothing to lift. ``rows`` gathers them:

- the papers of the people the query names, and those whose concept it names in full;
- for a time (``plan.window``): each side's best within its years and ``WINDOW_MARGIN`` around
  them; for a time alone, the window's most cited papers, and the first papers of the years just
  outside it (where the window holds too few);
- for the list's oldest or newest paper: its first (or last) allowed papers, and each side's best
  within the year where they end;
- for what came before or after a paper: that paper and the papers the graph ties to it;
- the paper with the most edges (``rerank.only_time`` weighs centrality against the most connected
  paper of the whole list).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..index.lexical_engine import Engine
from ..index.reader import IndexData
from ..index.understanding import name_papers
from . import ordering
from .candidates import Allowed, dense_side, lexical_best, union
from .plan import PlanContext, QueryPlan, concept_matches
from .routes import Link

WINDOW_MARGIN = 2  # years around a window whose papers a time prior still lifts by a quarter or more
WINDOW_CANDIDATES = 300  # each side's best within a window of time


class Asking:
    """What ``rows`` reads of a version: its arrays, its graph's links (made on first use), its engine."""

    def __init__(
        self,
        data: IndexData,
        engine: Engine | None,
        ctx: PlanContext,
        links: Callable[[], tuple[Sequence[Sequence[Link]], Sequence[Sequence[Link]]]],
    ) -> None:
        self.data, self.engine, self.ctx, self._links = data, engine, ctx, links
        self.years = data.columns.years
        degree = data.columns.degree
        self.hub = int(np.argmax(degree)) if len(degree) else 0

    def rows(
        self, plan: QueryPlan | None, topic: str, allow: Allowed, k: int, embed: Callable[[str], np.ndarray] | None
    ) -> np.ndarray:
        """The rows ``plan`` asks to be scored for a query of ``topic`` over ``allow`` (see the module)."""
        parts: list[np.ndarray] = [np.array([self.hub], dtype=np.int64)]
        if plan is None:
            return parts[0]
        for key in plan.names:
            parts.append(name_papers(self.ctx.names, key)[0])
        parts.append(np.fromiter(concept_matches(topic, self.ctx), dtype=np.int64))
        if plan.window is not None:
            parts += self._window(plan, topic, allow, k, embed)
        o = plan.order
        if o is not None and o.over == "list" and o.first is not None:
            parts += self._extremes(plan, topic, allow, k, embed)
        if o is not None and o.paper is not None:
            earlier, later = self._links()
            anchor = o.paper[0]
            tied = ordering.ties(earlier if o.side == "before" else later, anchor)
            parts.append(np.array([anchor, *tied], dtype=np.int64))
        return union(*parts)

    def _span(self, allow: Allowed, first_year: int, last_year: int) -> Allowed:
        """``allow`` narrowed to the rows of the years ``first_year`` to ``last_year``."""
        lo = int(np.searchsorted(self.years, first_year, side="left"))
        hi = int(np.searchsorted(self.years, last_year, side="right"))
        lo, hi = max(lo, allow.lo), min(hi, allow.hi)
        return Allowed(lo, max(lo, hi), allow.era, allow.codes)

    def _best(self, topic: str, allow: Allowed, embed: Callable[[str], np.ndarray] | None) -> list[np.ndarray]:
        """Each side's best papers within ``allow``."""
        if allow.hi <= allow.lo:
            return []
        found = [lexical_best(self.data.lexical, self.engine, topic, allow, WINDOW_CANDIDATES)]
        if embed is not None:
            found.append(dense_side(self.data, embed(topic), allow).papers)
        return found

    def _window(
        self, plan: QueryPlan, topic: str, allow: Allowed, k: int, embed: Callable[[str], np.ndarray] | None
    ) -> list[np.ndarray]:
        """A time's papers: each side's best around it; for a time alone, its most cited and its neighbours'."""
        w = plan.window
        assert w is not None
        if not plan.only_time:
            return self._best(topic, self._span(allow, w.start - WINDOW_MARGIN, w.end + WINDOW_MARGIN), embed)
        inside = self._span(allow, w.start, w.end)
        rows = inside.rows()
        degree = np.asarray(self.data.columns.degree[rows])
        if len(rows) > k:  # the k most connected, ties by row (as the full scan's stable sort takes them)
            cut = np.partition(degree, len(degree) - k)[len(degree) - k]
            rows = np.concatenate([rows[degree > cut], rows[degree == cut][:k]])
        out = [rows]
        for year in range(1, k + 1):  # where the window holds too few: the first papers of the years nearest it
            for side in (
                self._span(allow, w.start - year, w.start - year),
                self._span(allow, w.end + year, w.end + year),
            ):
                out.append(side.rows()[:k])
            if sum(len(r) for r in out) >= 3 * k:
                break
        return out

    def _extremes(
        self, plan: QueryPlan, topic: str, allow: Allowed, k: int, embed: Callable[[str], np.ndarray] | None
    ) -> list[np.ndarray]:
        """The list's first (or last) ``k`` allowed papers, and each side's best in the year where they end."""
        o, w = plan.order, plan.window
        assert o is not None
        span = self._span(allow, w.start, w.end) if w is not None else allow
        rows = span.rows()
        ends = rows[:k] if o.first == "earliest" else rows[-k:]
        if not len(ends):
            return []
        boundary = int(self.years[ends[-1] if o.first == "earliest" else ends[0]])
        return [ends, *self._best(topic, self._span(span, boundary, boundary), embed)]
