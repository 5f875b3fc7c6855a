"""Write corpus files: a paper's Markdown with YAML front matter, the eras list, and id slugs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict
from typing import Any

import yaml

from ..core.models import CITATION_FIELDS, Concept, Era, Paper

_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's writes the same text five times faster


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def paper_fields(paper: Paper) -> dict[str, Any]:
    """A paper's fields as its front matter (or its line of ``papers.jsonl``) writes them; empty optional ones left out."""
    meta: dict[str, Any] = {
        "id": paper.id,
        "year": paper.year,
        "title": paper.title,
        "authors": list(paper.authors),
        "era": paper.era,
    }
    if paper.question:
        meta["question"] = paper.question
    meta.update((key, getattr(paper, key)) for key in CITATION_FIELDS if getattr(paper, key))
    if paper.concepts:
        meta["concepts"] = [_render_concept(c) for c in paper.concepts]
    if paper.add_edges or paper.remove_edges:
        meta["edges"] = {
            "add": [asdict(e) for e in paper.add_edges],
            "remove": list(paper.remove_edges),
        }
    return meta


def render_paper(paper: Paper) -> str:
    """The Markdown text of a paper file."""
    head = yaml.dump(paper_fields(paper), Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100_000)
    return f"---\n{head}---\n{paper.summary}\n"


def _render_concept(c: Concept) -> dict[str, Any]:
    out: dict[str, Any] = {"name": c.name}
    if c.aliases:
        out["aliases"] = list(c.aliases)
    if c.generic is not False:
        out["generic"] = c.generic
    return out


def render_eras(eras: list[Era] | tuple[Era, ...]) -> str:
    return yaml.safe_dump([asdict(e) for e in eras], allow_unicode=True, sort_keys=False, width=100_000)
