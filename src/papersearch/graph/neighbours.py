"""Each paper's neighbourhood in the cross-reference graph, and the graph as one record.

Edges are stored as extracted: ``source``'s summary or title refers to ``target``. A neighbourhood orients
them by time — the earlier paper is the one built upon — so "builds on" and "built upon by" read
right even when an early entry looks ahead ("later inspire ... convolutional networks"). A pair
tied both ways is shown once, by its stronger edge, in the later paper's words when both are as strong.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.models import Edge, Graph, Paper
from ..core.records import EdgeKind, GraphEdge, GraphExternal, GraphRecord, Neighbour, Neighbourhood

KIND_RANK = {"cites": 0, "mentions": 1}


def neighbourhoods(papers: Sequence[Paper], graph: Graph) -> dict[str, Neighbourhood]:
    """Every paper's neighbourhood: what it builds on, what builds on it, outside works it cites."""
    by_id = {p.id: p for p in papers}
    out: dict[str, Neighbourhood] = {p.id: {"cites": [], "cited_by": [], "external": []} for p in papers}
    seen: set[tuple[str, str]] = set()

    def strongest_first(e: Edge) -> tuple[int, bool]:
        # a pair tied both ways keeps the stronger kind, then the later paper's own words over a look-ahead
        s, t = by_id.get(e.source), by_id.get(e.target)
        return KIND_RANK.get(e.kind, 2), s is not None and t is not None and s.year < t.year

    for e in sorted(graph.edges, key=strongest_first):
        s, t = by_id.get(e.source), by_id.get(e.target)
        if s is None or t is None:
            continue
        later, earlier = (s, t) if s.year >= t.year else (t, s)
        if (later.id, earlier.id) in seen:
            continue
        seen.add((later.id, earlier.id))
        out[later.id]["cites"].append(_neighbour(earlier, e.kind, e.evidence))
        out[earlier.id]["cited_by"].append(_neighbour(later, e.kind, e.evidence))
    for ext in graph.external:
        if ext.paper in out:
            out[ext.paper]["external"].append({"ref": ext.ref, "evidence": ext.evidence})
    for hood in out.values():
        for side in (hood["cites"], hood["cited_by"]):
            side.sort(key=lambda n: (KIND_RANK.get(n["kind"], 2), n["year"], n["id"]))
    return out


def _neighbour(paper: Paper, kind: EdgeKind, evidence: str) -> Neighbour:
    return {"id": paper.id, "title": paper.title, "year": paper.year, "kind": kind, "evidence": evidence}


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
