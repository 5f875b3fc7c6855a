"""Reading paths through the cross-reference graph: what to read before or after a paper, and a chain between two.

Edges are read as the extraction stored them (``graph.extract.oriented``), as the neighbourhoods are: the source
builds on the target, which is the earlier paper but where a paper's year citation names a work dated a little
later (``graph.citations.cited_ahead``: AlexNet's "Dropout (Srivastava, 2014)"), and of two papers of one year the
one whose summary makes the reference builds on the other. A route to a paper is
judged by its weakest links first (``Cost``): as few steps by meaning as it can, then as few mentions, then as few
hops, so no route passes through a mention where a chain of citations reaches the same paper, and none through a
step by meaning where the graph reaches it. Steps by meaning go to papers near in meaning and near in time
(``meaning.py``) and are marked ``similar``, never given an evidence phrase.

A reading list puts first what a chain of citations ties to the paper (nearest first), then what the paper's own
summary mentions, then the rest, closest in meaning to the paper first. A chain from one paper to another follows
the graph where it can and fills its gaps by meaning, in small steps one way in time.

Pure: ``PathGraph`` is made once per index version from what its build stored (``from_index``: the graph's
links as arrays, each paper's path vector, mapped; a paper's title and an edge's words fetched when shown), or
from a list of records, a graph record and vectors held in memory.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from ..core.assistant_records import Chain, Direction, Hop, HopKind, PathStep, ReadingList, RelatedPaper
from ..core.records import GraphRecord, PaperRecord
from ..index.reader import IndexData
from .meaning import Nearness
from .routes import KIND_RANK, Brief, Cost, Link, Moves, Reached, Step, StoredLinks, is_near, route_to

NEAREST = 4  # a step by meaning goes to one of the 4 papers of its window of time nearest in meaning
MEANING_STEPS = 1  # steps by meaning a reading list's route may take (a chain takes as many as its gaps need)


class PathGraph:
    """The graph of one index version as stored (each edge's source builds on its target), and its papers' vectors for steps by meaning."""

    def __init__(self, records: Sequence[PaperRecord], graph: GraphRecord, vectors: np.ndarray) -> None:
        """The path graph of records, a graph record and the papers' path vectors held in memory."""
        row = {r["id"]: i for i, r in enumerate(records)}
        best: dict[tuple[int, int], tuple[int, Link]] = {}  # (later, earlier) -> the edge that ties them
        for e in graph["edges"]:
            s, t = row.get(e["source"]), row.get(e["target"])
            if s is None or t is None or s == t:
                continue
            later, earlier = s, t  # as stored: the paper that builds on the other (graph.extract.oriented)
            rank = KIND_RANK[e["kind"]]  # the stronger edge; of two of a kind, the first stored
            if (later, earlier) not in best or rank < best[(later, earlier)][0]:
                best[(later, earlier)] = (rank, Link(earlier, e["kind"], e["evidence"]))
        earlier_links: list[list[Link]] = [[] for _ in records]  # what each paper builds on
        later_links: list[list[Link]] = [[] for _ in records]  # what builds on each paper
        for (later, earlier), (_, link) in sorted(best.items()):
            earlier_links[later].append(link)
            later_links[earlier].append(Link(later, link.kind, link.evidence))
        briefs = [Brief(r["id"], r["title"], r["year"], r["era"]) for r in records]
        years = np.array([r["year"] for r in records], dtype=np.int64)
        self._made(briefs.__getitem__, earlier_links, later_links, years, vectors)

    def _made(
        self,
        brief: Callable[[int], Brief],
        earlier: Sequence[Sequence[Link]],
        later: Sequence[Sequence[Link]],
        years: np.ndarray,
        vectors: np.ndarray,
    ) -> None:
        self.brief = brief
        self.earlier = earlier  # what each paper builds on
        self.later = later  # what builds on each paper
        self.years = years
        self.near = Nearness(vectors, self.years)

    @classmethod
    def from_index(cls, data: IndexData) -> PathGraph:
        """The path graph an index version's build stored: its links and path vectors as arrays (mapped)."""
        c = data.columns
        graph = cls.__new__(cls)
        eras = [e["id"] for e in data.eras]

        def brief(row: int) -> Brief:
            pid, title, year = data.records.brief(row)
            code = int(c.era_codes[row])
            return Brief(pid, title, year, eras[code] if 0 <= code < len(eras) else "")

        words = data.graph.evidence
        earlier = StoredLinks(c.lists("earlier"), c.earlier_kind, c.earlier_edge, words)
        later = StoredLinks(c.lists("later"), c.later_kind, c.later_edge, words)
        graph._made(brief, earlier, later, np.asarray(c.years, dtype=np.int64), c.centroids)
        return graph

    def walk(self, source: int, moves: Moves, target: int | None = None) -> dict[int, tuple[Cost, Step]]:
        """The weakest-links-first route (``Cost``) to every paper ``moves`` reaches from ``source`` (or until
        ``target`` is reached): each paper's cost and the step that reaches it."""
        cost = {source: Cost()}
        came: dict[int, tuple[Cost, Step]] = {}
        heap: list[tuple[Cost, int]] = [(Cost(), source)]
        done: set[int] = set()
        while heap:
            here_cost, here = heapq.heappop(heap)
            if here in done:
                continue
            done.add(here)
            if here == target:
                break
            for there, step in moves(here, here_cost):
                through = here_cost.then(step.kind, step.similarity)
                if there not in done and (there not in cost or through < cost[there]):
                    cost[there] = through
                    came[there] = (through, step)
                    heapq.heappush(heap, (through, there))
        return came

    def _graph_moves(self, direction: Direction, years: tuple[int, int] | None = None) -> Moves:
        """Hops along the graph in ``direction`` (both ways for a chain within one year), within ``years``."""
        sides = [self.earlier] if direction == "before" else [self.later]
        if years is not None and years[0] == years[1]:
            sides = [self.earlier, self.later]

        def moves(here: int, cost: Cost) -> Iterable[tuple[int, Step]]:
            for side in sides:
                for link in side[here]:
                    if years is None or years[0] <= self.years[link.other] <= years[1]:
                        yield link.other, Step(here, link.kind, link, None)

        return moves

    # ------------------------------------------------------------------ before / after one paper
    def related(self, row: int, direction: Direction) -> tuple[list[Reached], dict[int, tuple[Cost, Step]]]:
        """Every paper a route reaches from ``row`` in ``direction``, in reading order (its route's cost, its
        cosine to ``row``, its row), and the walk's steps, which ``route_to`` reads a paper's route from.

        Routes follow the graph and take at most ``MEANING_STEPS`` steps by meaning. Order: chains of citations
        (fewest hops first), then what ``row`` itself mentions, then the rest; within each, closest to ``row``.
        """
        graph = self._graph_moves(direction)
        self.near.prefetch(self._reach(row, graph), direction, NEAREST)  # what steps by meaning leave from

        def moves(here: int, cost: Cost) -> Iterable[tuple[int, Step]]:
            yield from graph(here, cost)
            if cost.similar < MEANING_STEPS:
                for there, sim in self.near.nearest(here, direction, NEAREST):
                    if is_near(sim):  # near in meaning, not merely nearer than the list's average pair
                        yield there, Step(here, "similar", None, sim)

        came = self.walk(row, moves)
        closeness = self.near.to_all(row)
        out = [(cost, float(closeness[found]), found) for found, (cost, _) in came.items()]

        def order(item: Reached) -> tuple[int, int, float, int]:
            cost, near, found = item
            tier = 0 if cost.similar == cost.mentions == 0 else 1 if cost.hops == 1 and not cost.similar else 2
            return (tier, cost.hops if tier == 0 else 0, -near, int(self.years[found]))

        return self._by_id_within_ties(sorted(out, key=order), order), came

    @staticmethod
    def _reach(row: int, graph: Moves) -> list[int]:
        """``row`` and every paper the graph alone reaches from it: those a route reaches with no step by meaning."""
        seen, todo = {row}, [row]
        while todo:
            for there, _ in graph(todo.pop(), Cost()):
                if there not in seen:
                    seen.add(there)
                    todo.append(there)
        return sorted(seen)

    def _by_id_within_ties(self, items: list[Reached], key: Callable[[Reached], Any]) -> list[Reached]:
        """``items`` sorted by ``key``, each run of equal keys put in the order of its papers' ids: the order a
        sort by the key and then the id gives, with an id read only where a tie needs it (a list of 100,000 papers
        reaches most of them)."""
        out: list[Reached] = []
        i = 0
        while i < len(items):
            j = i + 1
            while j < len(items) and key(items[j]) == key(items[i]):
                j += 1
            run = items[i:j]
            out += run if len(run) == 1 else sorted(run, key=lambda item: self.brief(item[2]).id)
            i = j
        return out

    def by_time(self, row: int, direction: Direction) -> tuple[list[Reached], dict[int, tuple[Cost, Step]]]:
        """Every paper of an earlier year than ``row`` (``before``) or a later one (``after``), nearest in time first
        (then closest in meaning), each tied to it by one hop of kind ``time``: what a list offers when neither
        the graph nor a step by meaning reaches any paper that way (``related`` as the same shape)."""
        years, closeness = np.asarray(self.years), self.near.to_all(row)
        year = int(years[row])
        rows = np.flatnonzero(years < year if direction == "before" else years > year)
        gap, near = np.abs(years[rows] - year), np.asarray(closeness)[rows]
        rows = rows[np.lexsort((rows, -near, gap))]  # nearest year, then meaning, then the list's own order
        step = (Cost(), Step(row, "time", None, None))
        return [(Cost(), float(closeness[r]), int(r)) for r in rows], {int(r): step for r in rows}

    def reading(self, row: int, direction: Direction, k: int, version: str) -> ReadingList:
        """The first ``k`` papers to read before (or after) ``row`` (``related``, or when that finds none, the
        papers nearest in time: ``by_time``), each with its hops in time order."""
        found, came = self.related(row, direction)
        if not found:
            found, came = self.by_time(row, direction)
        out: list[RelatedPaper] = []
        for cost, near, paper in found[:k]:
            route = route_to(came, row, paper)
            hops = [self._hop(paper, step, direction) for paper, step in route]
            if direction == "before":
                hops.reverse()
            rec = self.brief(route[-1][0])
            tie: HopKind = (
                "time"
                if route[-1][1].kind == "time"
                else "similar"
                if cost.similar
                else "mentions"
                if cost.mentions
                else "cites"
            )
            out.append(
                {
                    "id": rec.id,
                    "title": rec.title,
                    "year": rec.year,
                    "era": rec.era,
                    "tie": tie,
                    "similarity": round(near, 4),
                    "hops": hops,
                }
            )
        rec = self.brief(row)
        return {
            "id": rec.id,
            "title": rec.title,
            "year": rec.year,
            "direction": direction,
            "k": k,
            "total": len(found),
            "index_version": version,
            "results": out,
        }

    def _hop(self, paper: int, step: Step, direction: Direction) -> Hop:
        earlier, later = (paper, step.previous) if direction == "before" else (step.previous, paper)
        return {
            "earlier": self.brief(earlier).id,
            "later": self.brief(later).id,
            "kind": step.kind,
            "evidence": step.evidence,
            "similarity": None if step.similarity is None else round(step.similarity, 4),
        }

    # ------------------------------------------------------------------ from one paper to another
    def chain(self, source: int, target: int, version: str) -> Chain:
        """The weakest-links-first chain from ``source`` to ``target``, one way in time: along the graph where it
        can, by meaning in small steps where it cannot (``found`` is false then, and ``via`` is ``similarity``)."""
        steps = [self._step(source, None)]
        cost = Cost()
        if source != target:
            came = self._chain_walk(source, target)
            cost = came[target][0]
            steps += [self._step(paper, step) for paper, step in route_to(came, source, target)]
        found = cost.similar == 0
        return {
            "source": self.brief(source).id,
            "target": self.brief(target).id,
            "found": found,
            "via": "graph" if found else "similarity",
            "sensible": cost.weak == 0,
            "index_version": version,
            "steps": steps,
        }

    def _chain_walk(self, source: int, target: int) -> dict[int, tuple[Cost, Step]]:
        """Routes from ``source`` towards ``target``, never leaving the years between them. A step by meaning goes
        to one of the ``NEAREST`` papers of its window (``Nearness.window``), or straight to ``target`` when it lies
        in that window or in the same year; so every paper on the way can step on, and ``target`` is reached."""
        ys, yt = int(self.years[source]), int(self.years[target])
        direction: Direction = "after" if ys <= yt else "before"
        graph = self._graph_moves(direction, (min(ys, yt), max(ys, yt)))

        def moves(here: int, cost: Cost) -> Iterable[tuple[int, Step]]:
            yield from graph(here, cost)
            near = self.near.nearest(here, direction, NEAREST, yt)
            for there, sim in near:
                yield there, Step(here, "similar", None, sim)
            year, reach = int(self.years[here]), self.near.reach(here, direction)
            within = year == yt or (reach is not None and min(year, reach) <= yt <= max(year, reach))
            if within and all(there != target for there, _ in near):
                yield target, Step(here, "similar", None, self.near.similarity(here, target))

        return self.walk(source, moves, target)

    def _step(self, row: int, step: Step | None) -> PathStep:
        rec = self.brief(row)
        return {
            "id": rec.id,
            "title": rec.title,
            "year": rec.year,
            "era": rec.era,
            "kind": step.kind if step else None,
            "evidence": step.evidence if step else None,
            "similarity": None if step is None or step.similarity is None else round(step.similarity, 4),
            "near": None if step is None or step.kind != "similar" else is_near(step.similarity),
        }
