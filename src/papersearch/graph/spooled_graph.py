"""The cross-reference graph of a corpus too large to hold: edges as arrays, their texts on disk.

``SpooledGraph.add`` takes each paper with its extracted edges and outside references, paper by
paper in corpus order, and ``finish`` follows the last. What it keeps of an edge is its two
papers' numbers, its kind and whether its words are a look-ahead of its target's (ten bytes);
each paper's id, year and title, each edge with its evidence, and each outside reference go to
``JsonSpool``s. Then ``neighbours(i)`` gives paper ``i``'s neighbourhood by the rule of
``neighbours`` (worked out once, by ``finish``, over the arrays), reading back only its own
neighbours and edges, and ``papers``, ``edges`` (the edges ``neighbours.kept_edges`` keeps, one a
pair) and ``external`` stream the graph record's three lists.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType

import numpy as np

from ..core.models import Edge, ExternalRef, Paper
from ..core.records import GraphEdge, GraphExternal, GraphPaper, Neighbour
from .json_spool import JsonSpool
from .neighbours import KIND_RANK, KINDS, Side, neighbour, neighbour_order


class SpooledGraph:
    """The graph of a corpus's papers, added one at a time in corpus order; its files go in ``folder``.

    ``positions``: each paper's id -> its number in corpus order (``Lexicon.positions``); ``years``:
    each paper's year, in corpus order.
    """

    def __init__(self, positions: Mapping[str, int], years: Sequence[int], folder: Path | None = None) -> None:
        self._pos = positions
        self._years = np.array(years, dtype=np.int64)
        self._source, self._target, self._kind, self._ahead = array("i"), array("i"), array("b"), array("b")
        self._kept: np.ndarray | None = None  # after ``finish``: whether each edge is kept
        self._kept_rows: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._papers = JsonSpool(folder, "the graph's papers")
        self._edges = JsonSpool(folder, "the graph's edges")
        self._external = JsonSpool(folder, "the graph's outside references")
        self._sides: tuple[Side, Side] | None = None

    @property
    def n_edges(self) -> int:
        """How many edges the graph has: once finished, those it keeps."""
        return len(self._edges) if self._kept is None else int(self._kept.sum())

    @property
    def n_external(self) -> int:
        return len(self._external)

    def add(self, paper: Paper, edges: Sequence[Edge], external: Sequence[ExternalRef]) -> None:
        """A paper with its edges and outside references (papers in corpus order, each once)."""
        if self._pos.get(paper.id) != len(self._papers):
            raise ValueError(f"{paper.id} comes out of corpus order")
        listed: GraphPaper = {"id": paper.id, "year": paper.year, "title": paper.title}
        self._papers.append(listed)
        for e in edges:
            self._source.append(self._pos[e.source])
            self._target.append(self._pos[e.target])
            self._kind.append(KIND_RANK[e.kind])
            self._ahead.append(e.source != paper.id)  # read in this paper's text, from the later paper
            edge: GraphEdge = {"source": e.source, "target": e.target, "kind": e.kind, "evidence": e.evidence}
            self._edges.append(edge)
        for x in external:
            ref: GraphExternal = {"paper": x.paper, "ref": x.ref, "evidence": x.evidence}
            self._external.append(ref)

    def finish(self) -> None:
        """Work out every neighbourhood once every paper is in (no ``add`` after this)."""
        self._pos = {}  # let go of the lexicon's ids
        source, target = (np.frombuffer(a, dtype=np.int32) for a in (self._source, self._target))
        kind, ahead = np.frombuffer(self._kind, dtype=np.int8), np.frombuffer(self._ahead, dtype=np.int8) == 1
        self._sides = neighbour_order(self._years, source, target, kind, ahead)
        self._kept = np.zeros(len(self._edges), dtype=bool)
        self._kept[self._sides[0].edge] = True
        self._kept_rows = (source[self._kept].copy(), target[self._kept].copy(), kind[self._kept].copy())
        del source, target, kind, ahead
        self._source, self._target, self._ahead = array("i"), array("i"), array("b")

    def kept_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(source, target, kind rank) of every edge the graph keeps, by paper number, in the order ``edges``
        gives them (after ``finish``)."""
        if self._kept_rows is None:
            raise RuntimeError("SpooledGraph.kept_rows before finish()")
        return self._kept_rows

    def neighbours(self, i: int) -> tuple[list[Neighbour], list[Neighbour]]:
        """Paper ``i``'s neighbourhood without its outside references: (cites, cited_by); after ``finish``."""
        if self._sides is None:
            raise RuntimeError("SpooledGraph.neighbours before finish()")
        out: tuple[list[Neighbour], list[Neighbour]] = ([], [])
        for side, listed in zip(self._sides, out, strict=True):
            lo, hi = int(side.start[i]), int(side.start[i + 1])
            for e, j in zip(side.edge[lo:hi].tolist(), side.other[lo:hi].tolist(), strict=True):
                p = self._papers[j]
                listed.append(
                    neighbour(p["id"], p["title"], p["year"], KINDS[self._kind[e]], self._edges[e]["evidence"])
                )
        return out

    def papers(self) -> Iterator[GraphPaper]:
        yield from self._papers

    def edges(self) -> Iterator[GraphEdge]:
        """Every edge the graph keeps (after ``finish``; before it, every edge added)."""
        for i, edge in enumerate(self._edges):
            if self._kept is None or self._kept[i]:
                yield edge

    def external(self) -> Iterator[GraphExternal]:
        yield from self._external

    def close(self) -> None:
        """Remove the temporary files and let go of the arrays."""
        self._sides = self._kept = self._kept_rows = None
        with self._papers, self._edges, self._external:
            pass

    def __enter__(self) -> SpooledGraph:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        """Closes the spools; when the body failed, a close that fails too does not hide why."""
        self._sides = None
        for spool in (self._papers, self._edges, self._external):
            spool.__exit__(kind, exc, tb)
