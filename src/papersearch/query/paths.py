"""Reading paths through the cross-reference graph: what to read before or after a paper, and a chain between two.

Edges are oriented by time as the neighbourhoods are (``graph/neighbours.py``): the earlier paper is
the one built upon, and of two papers of one year the one whose summary makes the reference is the
later. A path is as strong as the product of its hops (``WEIGHT``: a ``cites`` edge 1, a ``mentions``
edge 0.5), halved for every hop past the first, so the strongest ties come first and a near paper
before a far one. Where the graph holds no chain between two papers, the closest chain in meaning
is offered instead: steps between papers whose vectors are near, marked ``similar``.

Pure: ``PathGraph`` is built once per index version from its records, graph and vectors.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from ..core.records import (
    Chain,
    Direction,
    EdgeKind,
    GraphRecord,
    Hop,
    PaperRecord,
    PathStep,
    ReadingList,
    RelatedPaper,
)

WEIGHT: dict[str, float] = {"cites": 1.0, "mentions": 0.5}
HOP_DECAY = 0.5  # each hop past the first halves a path's strength
KIND_RANK = {"cites": 0, "mentions": 1}
SIMILAR_NEIGHBOURS = 8  # a step by similarity goes to one of a paper's nearest papers in meaning (or to the target)
MAX_SIMILAR_STEPS = 5  # hops of a chain by similarity
NEAR_ENOUGH = 0.02  # a shorter chain by similarity wins when its weakest step is this close to the best one's


@dataclass(frozen=True)
class Link:
    """An edge seen from one end: the paper at the other end, and how they are tied."""

    other: int
    kind: EdgeKind
    evidence: str


class PathGraph:
    """The graph of one index version oriented by time, and its papers' vectors for chains by meaning."""

    def __init__(self, records: list[PaperRecord], graph: GraphRecord, centroids: np.ndarray) -> None:
        self.records = records
        self.centroids = centroids  # one normalised vector per paper row
        row = {r["id"]: i for i, r in enumerate(records)}
        best: dict[tuple[int, int], tuple[tuple[int, bool], Link]] = {}  # (later, earlier) -> the edge that ties them
        for e in graph["edges"]:
            s, t = row.get(e["source"]), row.get(e["target"])
            if s is None or t is None or s == t:
                continue
            later, earlier = (s, t) if records[s]["year"] >= records[t]["year"] else (t, s)
            rank = (KIND_RANK[e["kind"]], s != later)  # the stronger edge; of two, the later paper's own words
            if (later, earlier) not in best or rank < best[(later, earlier)][0]:
                best[(later, earlier)] = (rank, Link(earlier, e["kind"], e["evidence"]))
        self.earlier: list[list[Link]] = [[] for _ in records]  # what each paper builds on
        self.later: list[list[Link]] = [[] for _ in records]  # what builds on each paper
        for (later, earlier), (_, link) in sorted(best.items()):
            self.earlier[later].append(link)
            self.later[earlier].append(Link(later, link.kind, link.evidence))
        self.years = np.array([r["year"] for r in records], dtype=np.int64)
        self._similar: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def of(
        cls, records: list[PaperRecord], graph: GraphRecord, matrix: np.ndarray, paper_rows: list[np.ndarray]
    ) -> PathGraph:
        """The path graph of an index version: its papers' vectors are the centroids of their passages."""
        dim = matrix.shape[1] if matrix.ndim == 2 else 0
        centroids = np.zeros((len(records), dim), dtype=np.float32)
        for i, rows in enumerate(paper_rows):
            if len(rows):
                c = matrix[rows].mean(axis=0)
                centroids[i] = c / (np.linalg.norm(c) or 1.0)
        return cls(records, graph, centroids)

    # ------------------------------------------------------------------ before / after one paper
    def related(self, row: int, direction: Direction) -> list[tuple[float, list[tuple[int, Link]]]]:
        """Every paper tied to ``row`` in ``direction``, strongest first (then earliest): (strength, its hops).

        The hops run from the found paper back to ``row``: (paper, the link from it to the next one).
        """
        links = self.earlier if direction == "before" else self.later
        strength = {row: 1.0}
        came: dict[int, tuple[int, Link]] = {}  # paper -> (the paper it was reached from, the link used)
        heap: list[tuple[float, int, int]] = [(-1.0, 0, row)]
        done: set[int] = set()
        while heap:
            neg, hops, here = heapq.heappop(heap)
            if here in done:
                continue
            done.add(here)
            for link in links[here]:
                s = -neg * WEIGHT[link.kind] * (HOP_DECAY if hops else 1.0)
                if link.other not in done and s > strength.get(link.other, 0.0):
                    strength[link.other] = s
                    came[link.other] = (here, link)
                    heapq.heappush(heap, (-s, hops + 1, link.other))
        out = []
        for found in came:
            chain, at = [], found
            while at != row:
                previous, link = came[at]
                chain.append((at, link))
                at = previous
            out.append((strength[found], chain))
        out.sort(key=lambda item: (-item[0], self.records[item[1][0][0]]["year"], self.records[item[1][0][0]]["id"]))
        return out

    def reading(self, row: int, direction: Direction, k: int, version: str) -> ReadingList:
        """The ``k`` papers to read before (or after) ``row``, each with its hops in time order."""
        found = self.related(row, direction)
        out: list[RelatedPaper] = []
        for strength, chain in found[:k]:
            hops: list[Hop] = []
            at = row
            for paper, link in reversed(chain):  # from ``row`` outwards, then put in time order
                hops.append(self._hop(paper, at, link) if direction == "before" else self._hop(at, paper, link))
                at = paper
            if direction == "before":
                hops.reverse()
            rec = self.records[chain[0][0]]
            out.append(
                {
                    "id": rec["id"],
                    "title": rec["title"],
                    "year": rec["year"],
                    "era": rec["era"],
                    "strength": round(strength, 4),
                    "hops": hops,
                }
            )
        rec = self.records[row]
        return {
            "id": rec["id"],
            "title": rec["title"],
            "year": rec["year"],
            "direction": direction,
            "k": k,
            "total": len(found),
            "index_version": version,
            "results": out,
        }

    def _hop(self, earlier: int, later: int, link: Link) -> Hop:
        return {
            "earlier": self.records[earlier]["id"],
            "later": self.records[later]["id"],
            "kind": link.kind,
            "evidence": link.evidence,
            "similarity": None,
        }

    # ------------------------------------------------------------------ from one paper to another
    def chain(self, source: int, target: int, version: str) -> Chain:
        """The strongest chain of the graph from ``source`` to ``target``, each step building on the one before
        (or, from a later paper to an earlier one, built upon by it); where there is none, the closest by meaning."""
        steps = self._graph_chain(source, target)
        found = steps is not None
        if steps is None:
            steps = self._similar_chain(source, target)
        return {
            "source": self.records[source]["id"],
            "target": self.records[target]["id"],
            "found": found,
            "via": "graph" if found else "similarity",
            "index_version": version,
            "steps": steps,
        }

    def _graph_chain(self, source: int, target: int) -> list[PathStep] | None:
        if source == target:
            return [self._step(source, None)]
        ys, yt = self.records[source]["year"], self.records[target]["year"]
        directions: list[Direction] = ["after"] if ys < yt else ["before"] if ys > yt else []
        if not directions:
            directions = ["after", "before"]  # two papers of one year: either may build on the other
        best: tuple[float, list[tuple[int, Link]]] | None = None
        for direction in directions:
            for strength, chain in self.related(source, direction):
                if chain[0][0] == target and (best is None or strength > best[0]):
                    best = (strength, chain)
        if best is None:
            return None
        steps = [self._step(source, None)]
        for paper, link in reversed(best[1]):
            steps.append(self._step(paper, (link.kind, link.evidence, None)))
        return steps

    def _neighbours_in_meaning(self) -> tuple[np.ndarray, np.ndarray]:
        """Each paper's ``SIMILAR_NEIGHBOURS`` nearest papers in meaning and their cosines, as two (papers, m) arrays
        (computed once, in blocks of rows)."""
        if self._similar is None:
            c, m = self.centroids, min(SIMILAR_NEIGHBOURS, max(len(self.centroids) - 1, 0))
            ids, sims = np.zeros((len(c), m), dtype=np.int64), np.zeros((len(c), m), dtype=np.float32)
            for lo in range(0, len(c), 1024):
                block = c[lo : lo + 1024] @ c.T
                block[np.arange(len(block)), np.arange(lo, lo + len(block))] = -np.inf
                top = np.argpartition(-block, m - 1, axis=1)[:, :m] if m else ids[lo : lo + len(block)]
                ids[lo : lo + len(block)] = top
                sims[lo : lo + len(block)] = np.take_along_axis(block, top, axis=1)
            self._similar = (ids, sims)
        return self._similar

    def _similar_chain(self, source: int, target: int) -> list[PathStep]:
        """The chain from ``source`` to ``target`` whose weakest step is the closest in meaning, going one way in
        time, at most ``MAX_SIMILAR_STEPS`` hops; of chains nearly as close, the shortest.

        One layer per hop: ``worst[v]``, the weakest step (1 - cosine) of the best chain of that many hops to v.
        """
        n, years = len(self.records), self.years
        lo, hi = sorted((years[source], years[target]))
        inside = (years >= lo) & (years <= hi)
        forward = years[source] <= years[target]
        near, near_sims = self._neighbours_in_meaning()
        to_target = 1.0 - self.centroids @ self.centroids[target]
        worst = np.full(n, np.inf)
        worst[source] = 0.0
        layers: list[tuple[np.ndarray, np.ndarray]] = [(worst, np.full(n, -1))]
        for _ in range(MAX_SIMILAR_STEPS):
            here = np.flatnonzero(np.isfinite(worst) & (np.arange(n) != target))
            if not len(here):
                break
            nxt = np.concatenate([near[here], np.full((len(here), 1), target)], axis=1)
            step = np.concatenate([1.0 - near_sims[here], to_target[here, None]], axis=1)
            weakest = np.maximum(worst[here, None], step)
            later = years[nxt] >= years[here, None] if forward else years[nxt] <= years[here, None]
            ok = inside[nxt] & later & (nxt != source) & (nxt != here[:, None])
            flat, value = nxt.ravel(), np.where(ok, weakest, np.inf).ravel()
            came = np.repeat(here, nxt.shape[1])
            order = np.lexsort((value, flat))  # by paper, its smallest weakest step first
            papers, first = np.unique(flat[order], return_index=True)
            worst, parent = np.full(n, np.inf), np.full(n, -1)
            worst[papers], parent[papers] = value[order][first], came[order][first]
            layers.append((worst, parent))
        reached = [(h, float(w[target])) for h, (w, _) in enumerate(layers) if h and np.isfinite(w[target])]
        if not reached:  # nothing between them in time: one step, however far
            return [self._step(source, None), self._step(target, ("similar", None, 1.0 - float(to_target[source])))]
        closest = min(w for _, w in reached)
        hops = min(h for h, w in reached if w <= closest + NEAR_ENOUGH)
        rows, at = [target], target
        for h in range(hops, 1, -1):
            at = int(layers[h][1][at])
            rows.append(at)
        rows.append(source)
        rows.reverse()
        steps = [self._step(source, None)]
        for a, b in pairwise(rows):
            steps.append(self._step(b, ("similar", None, float(self.centroids[a] @ self.centroids[b]))))
        return steps

    def _step(self, row: int, tie: tuple[str, str | None, float | None] | None) -> PathStep:
        rec = self.records[row]
        kind, evidence, similarity = tie if tie else (None, None, None)
        return {
            "id": rec["id"],
            "title": rec["title"],
            "year": rec["year"],
            "era": rec["era"],
            "kind": kind,  # type: ignore[typeddict-item]
            "evidence": evidence,
            "similarity": None if similarity is None or math.isnan(similarity) else round(similarity, 4),
        }
