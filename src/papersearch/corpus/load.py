"""Load and check a corpus folder: ``eras.yaml`` plus one Markdown file per paper under ``papers/``.

Loading collects every problem with its file and field before raising one :class:`CorpusError`,
so a person fixes them all at once. Files are read by :mod:`.files` (regular files inside the
folder only, size-capped, never a traceback), parsed by :mod:`.fields` and :mod:`.eras`; the checks
that span files (duplicate ids, eras that papers name, edges that resolve) are :mod:`.scan`'s, which
reads a corpus without holding it. ``load_corpus`` holds every paper, for corpora that fit in memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Problem
from ..core.models import Era, Paper, content_hash, paper_hash
from .files import ERAS_FILE as ERAS_FILE
from .files import MAX_FILE_BYTES as MAX_FILE_BYTES
from .files import PAPERS_DIR as PAPERS_DIR
from .scan import scan_corpus


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
    papers: list[Paper] = []
    scan = scan_corpus(root, papers.append)
    papers.sort(key=lambda p: (p.year, p.id))
    return Corpus(scan.root, scan.eras, tuple(papers), scan.warnings)
