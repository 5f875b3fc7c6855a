"""One pass over a corpus folder that keeps only what spans files, for corpora too large to hold.

``scan_corpus`` reads and checks every paper file once, with every check of ``load_corpus`` (each
problem with its file and field, duplicate ids, unknown eras, hand-added edges that resolve to no
paper, in the same order), but hands each good paper to a ``visit`` callback instead of keeping it.
What it keeps of a paper is its id, year, content hash, file and the sha256 of its text, in
columns (``Scan``: a few arrays and one string of every id, about 140 bytes a paper, not an object
per paper, which would stay scattered among the parser's garbage). ``Scan.papers`` reads the papers
again, one at a time, in corpus order (year, then id); a file whose text changed in between stops
it with a :class:`CorpusError`, so two reads never mix two versions of a corpus.
"""

from __future__ import annotations

import hashlib
import os
from array import array
from collections.abc import Callable, Container, Iterator
from pathlib import Path

from ..core.errors import CorpusError, Problem
from ..core.models import Era, Paper, content_hash, paper_hash
from .eras import check_paper_eras, parse_eras
from .fields import parse_paper
from .files import ERAS_FILE, PAPERS_DIR, paper_names, read_corpus_file
from .values import show

CHANGED = "changed while the index was being built (it no longer matches the first read); run the build again"
_DIGEST = 32  # bytes of a paper_hash


class Scan:
    """A checked corpus without its papers: its eras, each paper's id, year, hashes and file (corpus order), warnings."""

    def __init__(
        self,
        root: Path,
        eras: tuple[Era, ...],
        placed: list[tuple[int, str, bytes, str]],
        warnings: tuple[Problem, ...],
    ) -> None:
        """``placed``: (year, id, digests, file name) of every paper, in any order; its digests are the sha256
        of the paper (``paper_hash``) and of its file's text, one after the other."""
        self.root, self.eras, self.warnings = root, eras, warnings
        placed.sort(key=lambda p: (p[0], p[1]))
        self._ids = "".join(p[1] for p in placed)
        self._ends = array("q", [0] * len(placed))
        at = 0
        for i, p in enumerate(placed):
            at += len(p[1])
            self._ends[i] = at
        self.years = array("i", (p[0] for p in placed))  # each paper's year, in corpus order
        self._digests = b"".join(p[2] for p in placed)  # 64 bytes a paper: its paper_hash, then its text's
        self._files = {i: p[3] for i, p in enumerate(placed) if p[3] != f"{p[1]}.md"}  # only names not "<id>.md"

    def __len__(self) -> int:
        return len(self._ends)

    def id(self, i: int) -> str:
        return self._ids[self._ends[i - 1] if i else 0 : self._ends[i]]

    def ids(self) -> Iterator[str]:
        """Every paper's id, in corpus order."""
        return (self.id(i) for i in range(len(self)))

    def hash(self, i: int) -> str:
        """``paper_hash`` of paper ``i`` as the scan read it."""
        return self._digests[2 * i * _DIGEST : (2 * i + 1) * _DIGEST].hex()

    def _text_digest(self, i: int) -> bytes:
        return self._digests[(2 * i + 1) * _DIGEST : (2 * i + 2) * _DIGEST]

    def source(self, i: int) -> str:
        """Paper ``i``'s file, relative to the corpus folder."""
        return f"{PAPERS_DIR}/{self._files.get(i) or self.id(i) + '.md'}"

    def content_hash(self) -> str:
        """The hash of the eras and of every paper, equal to ``Corpus.content_hash`` of the same folder."""
        h = hashlib.sha256()
        for era in self.eras:
            h.update(content_hash(era).encode())
        for i in range(len(self)):
            h.update(self.hash(i).encode())
        return h.hexdigest()

    def hashes(self) -> dict[str, str]:
        """Each paper's content hash by id, in corpus order."""
        return {self.id(i): self.hash(i) for i in range(len(self))}

    def papers(self) -> Iterator[Paper]:
        """Every paper read again, in corpus order; a :class:`CorpusError` when a file changed since the scan."""
        for i in range(len(self)):
            ignored: list[Problem] = []
            source = self.source(i)
            text = read_corpus_file(self.root, source, ignored)
            paper = (
                None if text is None or _text_digest(text) != self._text_digest(i) else parse_paper(text, source, [])
            )
            if paper is None:  # the same text parses as it did when scanned
                raise CorpusError([Problem(source, "", CHANGED)])
            yield paper


def _text_digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def scan_corpus(root: Path, visit: Callable[[Paper], object] | None = None) -> Scan:
    """Read and check a corpus folder once, calling ``visit`` with each paper it holds (in file order).

    Raises :class:`CorpusError` listing every error, exactly as ``load_corpus``; ``visit`` may then
    have seen some papers of a corpus that does not load.
    """
    root = Path(root)
    if not root.is_dir():
        raise CorpusError(
            [Problem(str(root), "", "corpus folder not found; run `papersearch import-seed` or set --corpus")]
        )
    problems: list[Problem] = []
    eras = _load_eras(root, problems)
    era_problems: list[Problem] = []  # reported after every file's own problems, as load_corpus always has
    seen: dict[str, int] = {}  # id -> the number of the file that has it, in ``names``
    placed: list[tuple[int, str, bytes, str]] = []
    hand_edges: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []  # (file, added targets, removed ids)
    names = paper_names(root, problems)
    if not names:
        problems.append(Problem(PAPERS_DIR, "", "no paper files (*.md) found"))
    for k, name in enumerate(names):
        rel = f"{PAPERS_DIR}/{name}"
        text = read_corpus_file(root, rel, problems)
        paper = None if text is None else parse_paper(text, rel, problems)
        if paper is None or text is None:
            continue
        if paper.id in seen:
            also = f"{PAPERS_DIR}/{names[seen[paper.id]]}"
            problems.append(Problem(rel, "id", f"duplicate id {paper.id!r} (also in {also})"))
            continue
        seen[paper.id] = k
        if not check_paper_eras([paper], eras, era_problems):
            continue
        placed.append((paper.year, paper.id, bytes.fromhex(paper_hash(paper)) + _text_digest(text), name))
        if paper.add_edges or paper.remove_edges:
            hand_edges.append((rel, tuple(e.target for e in paper.add_edges), paper.remove_edges))
        if visit is not None:
            visit(paper)
    problems += era_problems
    _check_edges(hand_edges, seen, problems)
    if any(p.severity == "error" for p in problems):
        raise CorpusError(problems)
    del seen, names
    return Scan(root, tuple(eras), placed, tuple(problems))


def _load_eras(root: Path, problems: list[Problem]) -> list[Era]:
    if not os.path.lexists(root / ERAS_FILE):
        problems.append(Problem(ERAS_FILE, "", "missing: the corpus needs a list of eras"))
        return []
    text = read_corpus_file(root, ERAS_FILE, problems)
    return [] if text is None else parse_eras(text, ERAS_FILE, problems)


def _check_edges(
    hand_edges: list[tuple[str, tuple[str, ...], tuple[str, ...]]], ids: Container[str], problems: list[Problem]
) -> None:
    """Added edges must name a paper of ``ids`` (an error); removed ones that name none are only noted (a warning)."""
    for source, added, removed in hand_edges:
        for i, target in enumerate(added):
            if target not in ids:
                problems.append(Problem(source, f"edges.add[{i}]", f"reference {show(target)} resolves to no paper"))
        for i, r in enumerate(removed):
            if r not in ids:
                problems.append(
                    Problem(source, f"edges.remove[{i}]", f"reference {show(r)} resolves to no paper", "warning")
                )
