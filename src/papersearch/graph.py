"""The cross-reference graph of a corpus and each paper's neighbourhood in it.

Edges are stored as extracted: ``source``'s summary refers to ``target``. A neighbourhood orients
them by time — the earlier paper is the one built upon — so "builds on" and "built upon by" read
right even when an early entry looks ahead ("later inspire ... convolutional networks").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Graph, Paper
from .xrefs import build_graph


@dataclass
class Neighbour:
    id: str
    title: str
    year: int
    kind: str
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class Neighbourhood:
    cites: list[Neighbour] = field(default_factory=list)
    cited_by: list[Neighbour] = field(default_factory=list)
    external: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cites": [n.to_dict() for n in self.cites],
            "cited_by": [n.to_dict() for n in self.cited_by],
            "external": list(self.external),
        }


def neighbourhoods(papers: list[Paper] | tuple[Paper, ...], graph: Graph) -> dict[str, Neighbourhood]:
    """Every paper's neighbourhood: what it builds on, what builds on it, outside works it cites."""
    by_id = {p.id: p for p in papers}
    out = {p.id: Neighbourhood() for p in papers}
    seen: set[tuple[str, str]] = set()
    kind_rank = {"cites": 0, "mentions": 1}
    for e in sorted(graph.edges, key=lambda e: kind_rank.get(e.kind, 2)):
        s, t = by_id.get(e.source), by_id.get(e.target)
        if s is None or t is None:
            continue
        later, earlier = (s, t) if s.year >= t.year else (t, s)
        if (later.id, earlier.id) in seen:
            continue
        seen.add((later.id, earlier.id))
        out[later.id].cites.append(Neighbour(earlier.id, earlier.title, earlier.year, e.kind, e.evidence))
        out[earlier.id].cited_by.append(Neighbour(later.id, later.title, later.year, e.kind, e.evidence))
    for ext in graph.external:
        if ext.paper in out:
            out[ext.paper].external.append({"ref": ext.ref, "evidence": ext.evidence})
    for n in out.values():
        n.cites.sort(key=lambda x: (kind_rank.get(x.kind, 2), x.year, x.id))
        n.cited_by.sort(key=lambda x: (kind_rank.get(x.kind, 2), x.year, x.id))
    return out


def graph_json(papers: list[Paper] | tuple[Paper, ...], graph: Graph) -> dict[str, Any]:
    """The whole graph as ``papersearch graph --json`` and ``GET /graph`` print it."""
    return {
        "papers": [{"id": p.id, "year": p.year, "title": p.title} for p in papers],
        "edges": [e.__dict__.copy() for e in graph.edges],
        "external": [x.__dict__.copy() for x in graph.external],
    }


__all__ = ["Neighbour", "Neighbourhood", "build_graph", "graph_json", "neighbourhoods"]
