"""Each paper's record as the index stores it: the paper, its era's name and its neighbourhood."""

from __future__ import annotations

from ..core.models import CITATION_FIELDS, Graph, Paper
from ..core.records import GraphRecord, Neighbourhood, PaperRecord
from ..corpus.load import Corpus
from .extract import build_graph
from .neighbours import graph_record, neighbourhoods


def paper_record(paper: Paper, era_name: str, hood: Neighbourhood) -> PaperRecord:
    """A paper as every face shows it; its identifiers and where it appeared (``CITATION_FIELDS``) only where
    it has them."""
    record: PaperRecord = {
        "id": paper.id,
        "year": paper.year,
        "title": paper.title,
        "authors": list(paper.authors),
        "era": paper.era,
        "era_name": era_name,
        "question": paper.question,
        "summary": paper.summary,
        "concepts": [{"name": c.name, "aliases": list(c.aliases)} for c in paper.concepts],
        "references": hood,
    }
    for name in CITATION_FIELDS:
        if value := getattr(paper, name):
            record[name] = value  # type: ignore[literal-required]
    return record


def corpus_records(corpus: Corpus, graph: Graph | None = None) -> tuple[list[PaperRecord], GraphRecord]:
    """Every paper's record (in corpus order) and the graph record."""
    graph = graph if graph is not None else build_graph(corpus.papers)
    hoods = neighbourhoods(corpus.papers, graph)
    era_names = {e.id: e.name for e in corpus.eras}
    records = [paper_record(p, era_names.get(p.era, p.era), hoods[p.id]) for p in corpus.papers]
    return records, graph_record(corpus.papers, graph)
