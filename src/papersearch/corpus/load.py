"""Load and check a corpus folder: ``eras.yaml`` plus one Markdown file per paper under ``papers/``.

Loading collects every problem with its file and field before raising one :class:`CorpusError`,
so a person fixes them all at once. Files are read by :mod:`.files` (regular files inside the
folder only, size-capped, never a traceback), parsed by :mod:`.fields` and :mod:`.eras`; this
module checks what spans files: duplicate ids, eras that papers name, edges that resolve.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import CorpusError, Problem
from ..core.models import Era, Paper, content_hash, paper_hash
from .eras import check_paper_eras, parse_eras
from .fields import parse_paper
from .files import ERAS_FILE as ERAS_FILE
from .files import MAX_FILE_BYTES as MAX_FILE_BYTES
from .files import PAPERS_DIR as PAPERS_DIR
from .files import paper_names, read_corpus_file
from .values import show


@dataclass(frozen=True)
class Corpus:
    """A loaded corpus: its eras and papers (sorted by year, then id) and any warnings."""

    root: Path
    eras: tuple[Era, ...]
    papers: tuple[Paper, ...]
    warnings: tuple[Problem, ...] = ()

    def by_id(self) -> dict[str, Paper]:
        return {p.id: p for p in self.papers}

    def content_hash(self) -> str:
        h = hashlib.sha256()
        for era in self.eras:
            h.update(content_hash(era).encode())
        for p in self.papers:
            h.update(paper_hash(p).encode())
        return h.hexdigest()


def load_corpus(root: Path) -> Corpus:
    """Load and check a corpus folder; raise :class:`CorpusError` listing every error."""
    problems: list[Problem] = []
    root = Path(root)
    if not root.is_dir():
        raise CorpusError(
            [Problem(str(root), "", "corpus folder not found; run `papersearch import-seed` or set --corpus")]
        )
    eras = _load_eras(root, problems)
    parsed = _load_papers(root, problems)
    papers = check_paper_eras(parsed, eras, problems)
    _check_edges(papers, {p.id for p in parsed}, problems)
    if any(p.severity == "error" for p in problems):
        raise CorpusError(problems)
    papers.sort(key=lambda p: (p.year, p.id))
    return Corpus(root, tuple(eras), tuple(papers), tuple(problems))


def _load_eras(root: Path, problems: list[Problem]) -> list[Era]:
    if not os.path.lexists(root / ERAS_FILE):
        problems.append(Problem(ERAS_FILE, "", "missing: the corpus needs a list of eras"))
        return []
    text = read_corpus_file(root, ERAS_FILE, problems)
    return [] if text is None else parse_eras(text, ERAS_FILE, problems)


def _load_papers(root: Path, problems: list[Problem]) -> list[Paper]:
    """Every paper file that parses, without duplicate ids (each other file is a problem)."""
    names = paper_names(root, problems)
    if not names:
        problems.append(Problem(PAPERS_DIR, "", "no paper files (*.md) found"))
    papers: list[Paper] = []
    seen: dict[str, str] = {}
    for name in names:
        rel = f"{PAPERS_DIR}/{name}"
        text = read_corpus_file(root, rel, problems)
        paper = None if text is None else parse_paper(text, rel, problems)
        if paper is None:
            continue
        if paper.id in seen:
            problems.append(Problem(rel, "id", f"duplicate id {paper.id!r} (also in {seen[paper.id]})"))
            continue
        seen[paper.id] = rel
        papers.append(paper)
    return papers


def _check_edges(papers: list[Paper], ids: set[str], problems: list[Problem]) -> None:
    """Added edges must name a paper in ``ids`` (an error); removed ones that name none are only noted (a warning)."""
    for p in papers:
        for i, e in enumerate(p.add_edges):
            if e.target not in ids:
                problems.append(
                    Problem(p.source, f"edges.add[{i}]", f"reference {show(e.target)} resolves to no paper")
                )
        for i, r in enumerate(p.remove_edges):
            if r not in ids:
                problems.append(
                    Problem(p.source, f"edges.remove[{i}]", f"reference {show(r)} resolves to no paper", "warning")
                )
