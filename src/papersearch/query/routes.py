"""The pieces a reading path is made of: an edge seen from one end (``Link``), a hop (``Step``), how weak a route is
(``Cost``), and the route a walk found to a paper (``route_to``). Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, overload

import numpy as np

from ..core.assistant_records import HopKind
from ..core.records import EdgeKind
from ..index.columns import Lists
from ..index.record_store import KINDS

KIND_RANK = {"cites": 0, "mentions": 1}
# A step by meaning is to a paper at least this near (cosine of centred path vectors: 0 is the list's average pair,
# and about one pair in six of the 49 papers is nearer). A reading list takes no step below it; a chain takes one
# only where no route of nearer steps reaches its end, and every face says that such a step is not near in meaning.
NEAR_FLOOR = 0.1


def is_near(similarity: float | None) -> bool:
    """Whether a step by meaning of this cosine (the raw one, not as a record rounds it) goes to a paper near in
    meaning: the one verdict a route's cost, a chain's ``sensible`` and each step's ``near`` are read from."""
    return (similarity or 0.0) >= NEAR_FLOOR


@dataclass(frozen=True)
class Link:
    """An edge seen from one end: the paper at the other end, and how they are tied (its words held, or read
    by the edge's number when shown)."""

    other: int
    kind: EdgeKind
    said: str | None = None
    edge: int = -1
    words: Callable[[int], str] | None = field(default=None, compare=False, repr=False)

    @property
    def evidence(self) -> str:
        """The words that make the link."""
        if self.said is not None:
            return self.said
        return self.words(self.edge) if self.words is not None else ""


class StoredLinks(Sequence[list[Link]]):
    """Each paper's links on one side, from the arrays a build stored (``index.columns``)."""

    def __init__(self, others: Lists, kinds: np.ndarray, edges: np.ndarray, words: Callable[[int], str]) -> None:
        self.others, self.kinds, self.edges, self.words = others, kinds, edges, words

    def __len__(self) -> int:
        return len(self.others)

    @overload
    def __getitem__(self, row: int) -> list[Link]: ...
    @overload
    def __getitem__(self, row: slice) -> Sequence[list[Link]]: ...
    def __getitem__(self, row: int | slice) -> Any:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        lo, hi = self.others.span(row)
        others, kinds, edges = (a[lo:hi].tolist() for a in (self.others.values, self.kinds, self.edges))
        return [Link(o, KINDS[k], None, e, self.words) for o, k, e in zip(others, kinds, edges, strict=True)]


class Brief(NamedTuple):
    """What a path shows of a paper."""

    id: str
    title: str
    year: int
    era: str


class Cost(NamedTuple):
    """How weak a route is, compared field by field (as a tuple): its steps by meaning to a paper not near
    (below ``NEAR_FLOOR``: several near steps beat one such jump), its steps by meaning, its mentions, its hops,
    and minus the cosine of its weakest step by meaning (-1 when it takes none)."""

    weak: int = 0
    similar: int = 0
    mentions: int = 0
    hops: int = 0
    far: float = -1.0

    def then(self, kind: HopKind, similarity: float | None) -> Cost:
        """This route with one more hop of ``kind``."""
        if kind == "similar":
            near = similarity or 0.0
            return Cost(
                self.weak + (not is_near(near)), self.similar + 1, self.mentions, self.hops + 1, max(self.far, -near)
            )
        return Cost(self.weak, self.similar, self.mentions + (kind == "mentions"), self.hops + 1, self.far)


class Step(NamedTuple):
    """One hop a route takes: the paper it reaches from ``previous``, how (kind, the graph's link) and, by meaning,
    how near. A link's words are read when a step is shown, not for every step a walk weighs."""

    previous: int
    kind: HopKind
    link: Link | None
    similarity: float | None

    @property
    def evidence(self) -> str | None:
        """The words that make the step's link (None for a step by meaning or by time)."""
        return None if self.link is None else self.link.evidence


# a paper a reading list may offer: its route's cost, its cosine to the paper, its row
Reached = tuple[Cost, float, int]


Moves = Callable[[int, Cost], Iterable[tuple[int, Step]]]  # the hops a route may take from a paper it has reached


def route_to(came: dict[int, tuple[Cost, Step]], source: int, found: int) -> list[tuple[int, Step]]:
    """The route ``walk`` found from ``source`` to ``found``: (paper, the step that reaches it), from ``source`` on."""
    route, at = [], found
    while at != source:
        step = came[at][1]
        route.append((at, step))
        at = step.previous
    route.reverse()
    return route
