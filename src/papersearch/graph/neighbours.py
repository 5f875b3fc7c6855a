"""Each paper's neighbourhood in the cross-reference graph, and the graph as one record.

Edges are stored oriented by time: ``source`` is the later paper and builds on ``target``, even when the
words are the earlier entry's look-ahead ("later inspire ... convolutional networks" in Hubel's 1959
summary is an edge from LeCun's 1989 paper to Hubel's); of two papers of one year, the one whose text
makes the reference is the source. A pair tied both ways keeps one edge (``kept_edges``), the stronger,
in the later paper's own words when both are as strong; neighbourhoods show it from both ends.

The rule is ``neighbour_order``, over arrays of paper numbers (a few bytes an edge), so that a
corpus too large to hold has its neighbourhoods worked out the same way (``spooled_graph``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ..core.models import Graph, Paper
from ..core.records import (
    EdgeKind,
    ExternalRef,
    GraphEdge,
    GraphExternal,
    GraphRecord,
    Neighbour,
    Neighbourhood,
    neighbourhood,
)

KIND_RANK = {"cites": 0, "mentions": 1}
KINDS: tuple[EdgeKind, ...] = ("cites", "mentions")  # by rank


class Side(NamedTuple):
    """One side of every neighbourhood: paper ``p``'s neighbours are ``other[start[p]:start[p + 1]]``, by
    the edges ``edge[start[p]:start[p + 1]]`` (numbers in the arrays given to ``neighbour_order``)."""

    start: np.ndarray
    edge: np.ndarray
    other: np.ndarray


def kept_edges(
    years: np.ndarray, source: np.ndarray, target: np.ndarray, kind: np.ndarray, ahead: np.ndarray
) -> np.ndarray:
    """Which edges the graph keeps, in the order extracted: one for each pair of papers (and, for two papers
    of one year, each direction).

    Arrays as for ``neighbour_order``. Of the edges between two papers the strongest is kept, then the
    later paper's own words over a look-ahead (``ahead[e]``: edge ``e``'s words are the earlier paper's,
    foreseeing the later one), then the first extracted.
    """
    n = len(years)
    forward = years[source] >= years[target]  # the source is the later paper (or as old)
    later, earlier = np.where(forward, source, target), np.where(forward, target, source)
    ranked = np.lexsort((ahead, kind))  # stable: the first extracted first among equals
    _, first = np.unique((later.astype(np.int64) * n + earlier)[ranked], return_index=True)
    return np.sort(ranked[first]).astype(np.int32)


def neighbour_order(
    years: np.ndarray, source: np.ndarray, target: np.ndarray, kind: np.ndarray, ahead: np.ndarray | None = None
) -> tuple[Side, Side]:
    """Which edges make up each paper's neighbourhood, in the order shown: (cites, cited_by).

    Papers are numbered in corpus order (year, then id), ``years[p]`` being paper ``p``'s; edge ``e``
    runs from paper ``source[e]`` to ``target[e]`` with ``kind[e]`` (its ``KIND_RANK``), in the order
    extracted; ``ahead[e]`` says its words are an earlier paper's look-ahead (None: each edge that
    runs from an earlier paper to a later one, as extracted before edges were oriented by time). The
    edges are ``kept_edges``; each side lists the strongest first, then the neighbours in corpus order.
    """
    n = len(years)
    forward = years[source] >= years[target]  # the source is the later paper (or as old)
    later, earlier = np.where(forward, source, target), np.where(forward, target, source)
    kept = kept_edges(years, source, target, kind, ~forward if ahead is None else ahead)
    del forward

    def side(owner: np.ndarray, other: np.ndarray) -> Side:
        edge = kept[np.lexsort((other[kept], kind[kept], owner[kept]))]
        return Side(np.searchsorted(owner[edge], np.arange(n + 1)), edge, other[edge].astype(np.int32))

    return side(later, earlier), side(earlier, later)


def neighbourhoods(papers: Sequence[Paper], graph: Graph) -> dict[str, Neighbourhood]:
    """Every paper's neighbourhood: what it builds on, what builds on it, outside works it cites."""
    ordered = sorted({p.id: p for p in papers}.values(), key=lambda p: (p.year, p.id))
    pos = {p.id: i for i, p in enumerate(ordered)}
    edges = [e for e in graph.edges if e.source in pos and e.target in pos]
    cites, cited_by = neighbour_order(
        np.array([p.year for p in ordered], dtype=np.int64),
        np.array([pos[e.source] for e in edges], dtype=np.int64),
        np.array([pos[e.target] for e in edges], dtype=np.int64),
        np.array([KIND_RANK.get(e.kind, 2) for e in edges], dtype=np.int8),
    )
    sides: dict[str, tuple[list[Neighbour], list[Neighbour], list[ExternalRef]]] = {}
    for i, p in enumerate(ordered):
        whole: tuple[list[Neighbour], list[Neighbour]] = ([], [])
        for side, listed in zip((cites, cited_by), whole, strict=True):
            lo, hi = int(side.start[i]), int(side.start[i + 1])
            for e, j in zip(side.edge[lo:hi].tolist(), side.other[lo:hi].tolist(), strict=True):
                other, edge = ordered[j], edges[e]
                listed.append(neighbour(other.id, other.title, other.year, edge.kind, edge.evidence))
        sides[p.id] = (*whole, [])
    for ext in graph.external:
        if ext.paper in sides:
            sides[ext.paper][2].append({"ref": ext.ref, "evidence": ext.evidence})
    return {pid: neighbourhood(*parts) for pid, parts in sides.items()}


def neighbour(pid: str, title: str, year: int, kind: EdgeKind, evidence: str) -> Neighbour:
    """One entry of a neighbourhood: the paper at the other end of the edge, and the edge."""
    return {"id": pid, "title": title, "year": year, "kind": kind, "evidence": evidence}


def graph_record(papers: Sequence[Paper], graph: Graph) -> GraphRecord:
    """The whole graph as ``papersearch graph --json`` and ``GET /graph`` print it."""
    edges: list[GraphEdge] = [
        {"source": e.source, "target": e.target, "kind": e.kind, "evidence": e.evidence} for e in graph.edges
    ]
    external: list[GraphExternal] = [{"paper": x.paper, "ref": x.ref, "evidence": x.evidence} for x in graph.external]
    return {
        "papers": [{"id": p.id, "year": p.year, "title": p.title} for p in papers],
        "edges": edges,
        "external": external,
    }
