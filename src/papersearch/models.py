"""Plain records that flow through the pipeline: eras, papers, concepts, edges."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Concept:
    """A key concept an entry introduces or names, with its acronyms and aliases."""

    name: str
    aliases: tuple[str, ...] = ()
    generic: bool = False  # ordinary vocabulary by now ("backpropagation"): a use is a mention

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
    kind: str = "cites"
    evidence: str = "added by hand"


@dataclass(frozen=True)
class Paper:
    """One entry of the reading list, as loaded from its corpus file."""

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
    source: str = ""

    @property
    def first_author_surname(self) -> str:
        return surname(self.authors[0]) if self.authors else ""

    def concept_terms(self) -> list[str]:
        return [t for c in self.concepts for t in c.terms()]


@dataclass(frozen=True)
class Edge:
    """An internal edge: ``source`` builds on ``target``; ``evidence`` is the phrase it came from."""

    source: str
    target: str
    kind: str  # "cites" or "mentions"
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


def surname(name: str) -> str:
    """The surname of an author as written in the seed ("Léon Bottou" -> "Bottou")."""
    parts = name.replace(",", " ").split()
    if not parts:
        return ""
    if len(parts) >= 2 and parts[-1].isupper() and len(parts[-1]) <= 3:
        return parts[0]  # "DeepSeek AI"
    return parts[-1]
