"""The corpus side's plain records: eras, papers, concepts, edges; and a paper's content hash.

What leaves the index for the faces (paper records, hits, answers) is typed in ``core.records``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from .names import author_surname
from .records import EdgeKind

EDGE_KINDS: tuple[EdgeKind, ...] = ("cites", "mentions")
# the optional fields a paper record carries only where they are set: what identifies the paper outside the list,
# and what a citation needs to find it in its venue
CITATION_FIELDS = ("doi", "arxiv", "venue", "url", "type", "genre", "volume", "issue", "pages", "et_al")


@dataclass(frozen=True)
class Concept:
    """A key concept an entry introduces or names, with its acronyms and aliases."""

    name: str
    aliases: tuple[str, ...] = ()
    # Is another entry's use of its terms a mere mention? Always (true: ordinary vocabulary, or not this
    # entry's idea), never (false: it names this entry's contribution), or from that year on (docs/graph.md).
    generic: bool | int = False

    def terms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Era:
    """One of the reading list's eras: a name, a year span and its introduction."""

    id: str
    name: str
    start: int
    end: int
    intro: str


@dataclass(frozen=True)
class EdgeOverride:
    """A hand-made correction of the extracted graph, written in a paper's front matter."""

    target: str
    kind: EdgeKind = "cites"
    evidence: str = "added by hand"


@dataclass(frozen=True)
class Paper:
    """One entry of the reading list, as loaded from its corpus file.

    ``question`` (the guiding question) and ``summary`` are "" for an entry that has none, such as a
    paper imported from a bibliography without an abstract.
    """

    id: str
    year: int
    title: str
    authors: tuple[str, ...]
    era: str
    question: str
    summary: str
    concepts: tuple[Concept, ...] = ()
    add_edges: tuple[EdgeOverride, ...] = ()
    remove_edges: tuple[str, ...] = ()
    # what a citation needs and what identifies the paper outside the list (core.identifiers); each optional
    doi: str = field(default="", metadata={"hashed": "if set"})
    arxiv: str = field(default="", metadata={"hashed": "if set"})
    venue: str = field(default="", metadata={"hashed": "if set"})
    url: str = field(default="", metadata={"hashed": "if set"})
    # where in its venue, as a citation gives it (``corpus.venues``); each optional, hashed only where set
    type: str = field(default="", metadata={"hashed": "if set"})  # a CSL type: article-journal, chapter, article...
    volume: str = field(default="", metadata={"hashed": "if set"})
    issue: str = field(default="", metadata={"hashed": "if set"})
    pages: str = field(default="", metadata={"hashed": "if set"})  # "1929-1958", or one page
    et_al: bool = field(default=False, metadata={"hashed": "if set"})  # the source listed only the first authors
    genre: str = field(default="", metadata={"hashed": "if set"})  # a thesis's degree: "Master's thesis"
    source: str = field(default="", metadata={"hashed": False})  # the file it was read from

    @property
    def first_author_surname(self) -> str:
        """The first author's surname, particles kept ("van den Oord"); see ``core.names``."""
        return author_surname(self.authors[0]) if self.authors else ""

    def concept_terms(self) -> list[str]:
        return [t for c in self.concepts for t in c.terms()]


@dataclass(frozen=True)
class Edge:
    """An internal edge: ``source`` builds on ``target``; ``evidence`` is the phrase it came from."""

    source: str
    target: str
    kind: EdgeKind
    evidence: str


@dataclass(frozen=True)
class ExternalRef:
    """A reference to a work outside the list, normalised as "Surname Year"."""

    paper: str
    ref: str
    evidence: str


@dataclass
class Graph:
    """The cross-reference graph of a corpus."""

    edges: list[Edge] = field(default_factory=list)
    external: list[ExternalRef] = field(default_factory=list)


def content_hash(record: Any) -> str:
    """A hash of every field of a dataclass record (nested ones included) but those marked ``hashed: False``.

    Derived from the fields themselves, so a field added to ``Paper`` is part of the hash without
    anyone remembering to list it: an edit to it makes an incremental rebuild re-embed the paper.
    A field marked ``hashed: "if set"`` counts only when it is not empty, so adding such a field
    leaves the hash of every paper without it, and the index built from them, as they were.
    """
    data = {}
    for f in dataclasses.fields(record):
        how, value = f.metadata.get("hashed", True), getattr(record, f.name)
        if how is True or (how == "if set" and value):
            data[f.name] = _plain(value)
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def paper_hash(paper: Paper) -> str:
    """A hash of everything about a paper that search depends on (every field but its file name)."""
    return content_hash(paper)
