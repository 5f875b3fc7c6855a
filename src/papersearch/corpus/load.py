"""Load and check a corpus folder: ``eras.yaml`` plus one Markdown file per paper under ``papers/``.

Loading collects every problem with its file and field before raising one :class:`CorpusError`,
so a person fixes them all at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import CorpusError, Problem
from ..core.models import Era, Paper, content_hash, paper_hash
from .fields import parse_eras, parse_paper

PAPERS_DIR = "papers"
ERAS_FILE = "eras.yaml"
MAX_FILE_BYTES = 1_000_000


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


# ---------------------------------------------------------------- reading


def read_text(path: Path, rel: str, problems: list[Problem]) -> str | None:
    """Read a corpus file as UTF-8 text, recording why not when it cannot be."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.append(Problem(rel, "", f"cannot read: {exc.strerror}"))
        return None
    if size > MAX_FILE_BYTES:
        problems.append(Problem(rel, "", f"file is {size:,} bytes; a paper file may hold at most {MAX_FILE_BYTES:,}"))
        return None
    data = path.read_bytes()
    if b"\x00" in data:
        problems.append(Problem(rel, "", "binary file (contains NUL bytes); expected UTF-8 Markdown"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, "", f"not UTF-8 (invalid byte at offset {exc.start}); save it as UTF-8"))
        return None


def load_corpus(root: Path) -> Corpus:
    """Load and check a corpus folder; raise :class:`CorpusError` listing every error."""
    problems: list[Problem] = []
    root = Path(root)
    if not root.is_dir():
        raise CorpusError(
            [Problem(str(root), "", "corpus folder not found; run `papersearch import-seed` or set --corpus")]
        )
    eras_path = root / ERAS_FILE
    eras: list[Era] = []
    if not eras_path.is_file():
        problems.append(Problem(ERAS_FILE, "", "missing: the corpus needs a list of eras"))
    else:
        text = read_text(eras_path, ERAS_FILE, problems)
        if text is not None:
            eras = parse_eras(text, ERAS_FILE, problems)
    era_ids = {e.id for e in eras}
    papers: list[Paper] = []
    papers_dir = root / PAPERS_DIR
    files = sorted(papers_dir.glob("*.md")) if papers_dir.is_dir() else []
    if not files:
        problems.append(Problem(PAPERS_DIR, "", "no paper files (*.md) found"))
    seen: dict[str, str] = {}
    for path in files:
        rel = f"{PAPERS_DIR}/{path.name}"
        text = read_text(path, rel, problems)
        if text is None:
            continue
        paper = parse_paper(text, rel, problems)
        if paper is None:
            continue
        if paper.id in seen:
            problems.append(Problem(rel, "id", f"duplicate id {paper.id!r} (also in {seen[paper.id]})"))
            continue
        seen[paper.id] = rel
        if era_ids and paper.era not in era_ids:
            problems.append(Problem(rel, "era", f"unknown era {paper.era!r}; known: {', '.join(sorted(era_ids))}"))
            continue
        papers.append(paper)
    ids = set(seen)
    for p in papers:
        for i, e in enumerate(p.add_edges):
            if e.target not in ids:
                problems.append(Problem(p.source, f"edges.add[{i}]", f"reference {e.target!r} resolves to no paper"))
        for i, r in enumerate(p.remove_edges):
            if r not in ids:
                problems.append(
                    Problem(p.source, f"edges.remove[{i}]", f"reference {r!r} resolves to no paper", "warning")
                )
    era_by_id = {e.id: e for e in eras}
    for p in papers:
        era = era_by_id.get(p.era)
        if era and not era.start <= p.year <= era.end:
            problems.append(
                Problem(
                    p.source, "year", f"{p.year} lies outside its era {era.name} ({era.start}–{era.end})", "warning"
                )
            )
    if any(p.severity == "error" for p in problems):
        raise CorpusError(problems)
    papers.sort(key=lambda p: (p.year, p.id))
    return Corpus(root, tuple(eras), tuple(papers), tuple(problems))
