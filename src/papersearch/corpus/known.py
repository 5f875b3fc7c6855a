"""The papers a corpus already holds, found by what identifies them: a DOI, an arXiv id, a title and year.

An import asks, for each entry it reads, whether the list has that paper already (``KnownPapers``)
or whether the same file gave it earlier (``Identities``). Two entries are the same paper when
they share a DOI (any case), an arXiv id (any version), or a title and year, or a title and first author, once
case, accents and punctuation are dropped (``core.identifiers``). Only the keys and where each paper lives are
held (a few hundred bytes a paper); a paper is read again from its file when it is needed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..core.identifiers import Work, arxiv_key, author_title_key, doi_key, one_work, title_key
from ..core.models import Paper
from .bulk import bulk_source, iter_bulk, parse_bulk_line
from .fields import parse_paper
from .files import BULK_FILE, PAPERS_DIR, open_corpus_file, paper_names, read_corpus_file

AUTHOR_TITLE = "title and first author"
Match = tuple[int, str]  # (what the key was found under, which kind of key: "DOI", "arXiv id", "title and year"...)


def identity_keys(doi: str, arxiv: str, title: str, year: int, authors: tuple[str, ...]) -> list[tuple[str, str]]:
    """(key, kind) of each identity a paper has, strongest first: a paper's preprint and its proceedings version
    differ in year (often by one) but share a title and a first author."""
    keys = [("doi:" + doi_key(doi), "DOI")] if doi else []
    if arxiv:
        keys.append(("arxiv:" + arxiv_key(arxiv), "arXiv id"))
    keys.append(("title:" + title_key(title, year), "title and year"))
    if authors:
        keys.append(("author-title:" + author_title_key(title, authors[0]), AUTHOR_TITLE))
    return keys


class Identities:
    """Keys of identity, each to a number (a paper's slot, an entry's line): the first to claim a key keeps it.

    A title and first author is a weaker key: it holds for a second record only when the two are one work
    (``identifiers.one_work``: close years, no DOI or arXiv id that differs), so it keeps its claimant's ids."""

    def __init__(self) -> None:
        self._by_key: dict[str, int] = {}
        self._works: dict[str, Work] = {}  # an author-title key's claimant's year and ids

    def add(self, keys: list[tuple[str, str]], value: int, work: Work) -> None:
        """Claim each key for ``value``, unless an earlier value has it."""
        for key, kind in keys:
            if self._by_key.setdefault(key, value) == value and kind == AUTHOR_TITLE:
                self._works[key] = work

    def find(self, keys: list[tuple[str, str]], work: Work) -> Match | None:
        """The value of the first key claimed, strongest first, and the kind of that key; None if none is."""
        for key, kind in keys:
            found = self._by_key.get(key)
            if found is not None and (kind != AUTHOR_TITLE or one_work(self._works[key], work)):
                return found, kind
        return None


@dataclass(frozen=True)
class KnownPaper:
    """A paper of the corpus as read again: its text, the key its import state is kept under, and its file."""

    paper: Paper
    text: str
    state_key: str  # "papers/<name>.md", or "papers.jsonl#<id>" for a line of the bulk file
    file: str  # "papers/<name>.md" or "papers.jsonl"
    offset: int = -1  # the byte offset of its line in the bulk file (-1 for a paper file)


class KnownPapers:
    """Every paper a corpus folder holds that parses (one that does not is the corpus's own problem), by identity."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.ids: set[str] = set()
        self.identities = Identities()
        self._where: list[tuple[str, int, int]] = []  # a file's name in papers/, or "" and a bulk line's offset, length
        self.bulk_lines = 0
        for name in paper_names(self.root, []):
            text = read_corpus_file(self.root, f"{PAPERS_DIR}/{name}", [])
            paper = None if text is None else parse_paper(text, f"{PAPERS_DIR}/{name}", [])
            if paper is not None:
                self._add(paper, (name, 0, 0))
        for number, offset, length, text in iter_bulk(self.root, []):
            self.bulk_lines += 1
            paper = parse_bulk_line(text, bulk_source(number), [])
            if paper is not None:
                self._add(paper, ("", offset, length))

    def _add(self, paper: Paper, where: tuple[str, int, int]) -> None:
        self.ids.add(paper.id)
        keys = identity_keys(paper.doi, paper.arxiv, paper.title, paper.year, tuple(paper.authors))
        self.identities.add(keys, len(self._where), (paper.year, paper.doi, paper.arxiv))
        self._where.append(where)

    def __len__(self) -> int:
        return len(self._where)

    def find(self, keys: list[tuple[str, str]], work: Work) -> Match | None:
        """The slot of the paper with any of these identities, and which one matched (``work``: the entry's year and
        ids, for the title and first author)."""
        return self.identities.find(keys, work)

    def read(self, slot: int) -> KnownPaper | None:
        """The paper in ``slot`` read again (None if its file changed so that it no longer parses)."""
        name, offset, length = self._where[slot]
        if name:
            rel = f"{PAPERS_DIR}/{name}"
            text = read_corpus_file(self.root, rel, [])
            paper = None if text is None else parse_paper(text, rel, [])
            return None if paper is None or text is None else KnownPaper(paper, text, rel, rel)
        fd = open_corpus_file(self.root, BULK_FILE, [])
        if fd is None:
            return None
        try:
            line = os.pread(fd, length, offset).decode("utf-8", "replace")
        finally:
            os.close(fd)
        paper = parse_bulk_line(line, BULK_FILE, [])
        return None if paper is None else KnownPaper(paper, line, f"{BULK_FILE}#{paper.id}", BULK_FILE, offset)
