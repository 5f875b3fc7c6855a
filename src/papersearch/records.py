"""Paper records as JSON: what `list --json`, `show --json`, the index and the API share."""

from __future__ import annotations

from typing import Any

from .corpus import Corpus
from .graph import Neighbourhood, build_graph, graph_json, neighbourhoods
from .models import Graph, Paper


def paper_record(paper: Paper, era_name: str, hood: Neighbourhood) -> dict[str, Any]:
    return {
        "id": paper.id,
        "year": paper.year,
        "title": paper.title,
        "authors": list(paper.authors),
        "era": paper.era,
        "era_name": era_name,
        "question": paper.question,
        "summary": paper.summary,
        "concepts": [{"name": c.name, "aliases": list(c.aliases)} for c in paper.concepts],
        "references": hood.to_dict(),
    }


def corpus_records(corpus: Corpus, graph: Graph | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every paper's record (in corpus order) and the graph JSON."""
    graph = graph if graph is not None else build_graph(corpus.papers)
    hoods = neighbourhoods(corpus.papers, graph)
    era_names = {e.id: e.name for e in corpus.eras}
    records = [paper_record(p, era_names.get(p.era, p.era), hoods[p.id]) for p in corpus.papers]
    return records, graph_json(corpus.papers, graph)


def lexical_text(record: dict[str, Any]) -> str:
    """The text BM25 indexes for a paper: every field a reader might search by name."""
    parts = [record["title"], " ".join(record["authors"]), record["question"], record["summary"]]
    for c in record["concepts"]:
        parts.append(" ".join([c["name"], *c["aliases"]]))
    parts.extend(x["ref"] for x in record["references"]["external"])
    return "\n".join(parts)
