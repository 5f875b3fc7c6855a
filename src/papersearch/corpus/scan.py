"""One pass over a corpus folder that keeps only what spans files, for corpora too large to hold.

``scan_corpus`` reads and checks every paper file once, with every check of ``load_corpus`` (each
problem with its file and field, duplicate ids, unknown eras, hand-added edges that resolve to no
paper, in the same order), but hands each good paper to a ``visit`` callback instead of keeping it.
What it keeps of a paper is its id, year, content hash, file and the sha256 of its text, in
columns (``Scan``: a few arrays and one string of every id, about 140 bytes a paper, not an object
per paper, which would stay scattered among the parser's garbage). ``Scan.papers`` reads the papers
again, one at a time, in corpus order (year, then id); a file whose text changed in between stops
it with a :class:`CorpusError`, so two reads never mix two versions of a corpus. The papers of the
bulk file ``papers.jsonl`` are read the same way after the paper files, each line checked alone
(``corpus.bulk``), and read again by its byte offset.
"""

from __future__ import annotations

import hashlib
import os
from array import array
from collections.abc import Callable, Container, Iterator
from pathlib import Path

from ..core.errors import CorpusError, Problem
from ..core.models import Era, Paper, content_hash, paper_hash
from .bulk import bulk_source, iter_bulk, parse_bulk_line
from .eras import check_paper_eras, parse_eras
from .fields import parse_paper
from .files import BULK_FILE, ERAS_FILE, PAPERS_DIR, open_corpus_file, paper_names, read_corpus_file
from .journal import interrupted
from .values import show

CHANGED = "changed while the index was being built (it no longer matches the first read); run the build again"
_DIGEST = 32  # bytes of a paper_hash
# where a paper was read: its file's name in papers/ ("" for the bulk file), and for a line of the bulk
# file its number, byte offset and length (0, -1, 0 for a paper file)
Where = tuple[str, int, int, int]
Placed = tuple[int, str, bytes, Where]


class Scan:
    """A checked corpus without its papers: its eras, each paper's id, year, hashes and file (corpus order), warnings."""

    def __init__(self, root: Path, eras: tuple[Era, ...], placed: list[Placed], warnings: tuple[Problem, ...]) -> None:
        """``placed``: (year, id, digests, where) of every paper, in any order; its digests are the sha256
        of the paper (``paper_hash``) and of its text, one after the other."""
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
        self._files = {i: p[3][0] for i, p in enumerate(placed) if p[3][0] not in ("", f"{p[1]}.md")}
        bulk = [(i, p[3]) for i, p in enumerate(placed) if not p[3][0]]
        self._bulk = {i: k for k, (i, _) in enumerate(bulk)}  # paper -> its place in the arrays below
        self._lines = array("q", (w[1] for _, w in bulk))
        self._offsets = array("q", (w[2] for _, w in bulk))
        self._lengths = array("q", (w[3] for _, w in bulk))

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
        """Paper ``i``'s file, relative to the corpus folder (``papers.jsonl:LINE`` for a line of the bulk file)."""
        k = self._bulk.get(i)
        if k is not None:
            return bulk_source(self._lines[k])
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
        bulk_fd = open_corpus_file(self.root, BULK_FILE, []) if self._bulk else None
        try:
            for i in range(len(self)):
                source = self.source(i)
                k = self._bulk.get(i)
                text = self._bulk_text(bulk_fd, k) if k is not None else read_corpus_file(self.root, source, [])
                paper = None
                if text is not None and _text_digest(text) == self._text_digest(i):
                    paper = parse_paper(text, source, []) if k is None else parse_bulk_line(text, source, [])
                if paper is None:  # the same text parses as it did when scanned
                    raise CorpusError([Problem(BULK_FILE if k is not None else source, "", CHANGED)])
                yield paper
        finally:
            if bulk_fd is not None:
                os.close(bulk_fd)

    def _bulk_text(self, fd: int | None, k: int) -> str | None:
        """Line ``k`` of the bulk file, read again at its offset; None if it cannot be."""
        if fd is None:
            return None
        try:
            data = os.pread(fd, self._lengths[k], self._offsets[k])
            return data.decode("utf-8") if len(data) == self._lengths[k] else None
        except (OSError, UnicodeDecodeError):
            return None


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
    problems: list[Problem] = [p for p in (interrupted(root),) if p is not None]
    eras = _load_eras(root, problems)
    taker = _Taker(eras, visit)
    names = paper_names(root, problems)
    for name in names:
        rel = f"{PAPERS_DIR}/{name}"
        text = read_corpus_file(root, rel, problems)
        paper = None if text is None else parse_paper(text, rel, problems)
        if paper is not None and text is not None:
            taker.take(paper, text, (name, 0, -1, 0), problems)
    lines = 0
    for number, offset, length, text in iter_bulk(root, problems):
        lines += 1
        paper = parse_bulk_line(text, bulk_source(number), problems)
        if paper is not None:
            taker.take(paper, text, ("", number, offset, length), problems)
    if not names and not lines:
        problems.append(Problem(PAPERS_DIR, "", f"no paper files (*.md) found, and no papers in {BULK_FILE}"))
    problems += taker.era_problems
    _check_edges(taker.hand_edges, taker.seen, problems)
    if any(p.severity == "error" for p in problems):
        raise CorpusError(problems)
    return Scan(root, tuple(eras), taker.placed, tuple(problems))


class _Taker:
    """What the scan keeps of each good paper, and the checks that span papers (ids, eras, hand-added edges)."""

    def __init__(self, eras: list[Era], visit: Callable[[Paper], object] | None) -> None:
        self.eras, self.visit = eras, visit
        self.era_problems: list[Problem] = []  # reported after every file's own problems, as load_corpus always has
        self.seen: dict[str, str] = {}  # id -> where it was read (shared with the paper's own ``source``)
        self.placed: list[Placed] = []
        self.hand_edges: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []  # (file, added targets, removed ids)

    def take(self, paper: Paper, text: str, where: Where, problems: list[Problem]) -> None:
        if paper.id in self.seen:
            problems.append(Problem(paper.source, "id", f"duplicate id {paper.id!r} (also in {self.seen[paper.id]})"))
            return
        self.seen[paper.id] = paper.source
        if not check_paper_eras([paper], self.eras, self.era_problems):
            return
        self.placed.append((paper.year, paper.id, bytes.fromhex(paper_hash(paper)) + _text_digest(text), where))
        if paper.add_edges or paper.remove_edges:
            self.hand_edges.append((paper.source, tuple(e.target for e in paper.add_edges), paper.remove_edges))
        if self.visit is not None:
            self.visit(paper)


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
