"""What ``understanding.ConceptTable.within`` found for the last sets of stems a query asked about: kept, terms and
all, so a query's plan, candidates and scores, which ask for the same concepts, read them once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

Term = tuple[str, frozenset[str], int]  # (concept, stems of one of its terms, paper row)


class FoundTerms:
    """The terms ``ConceptTable.within`` found for the last sets of stems, with their positions in order: a query's
    concepts are asked for several times (its plan, its candidates, its scores). At most ``most`` terms are kept,
    or the last set's alone when it has more (a common term of a large list names thousands of papers)."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._sets: OrderedDict[frozenset[str], tuple[list[int], dict[int, Term]]] = OrderedDict()
        self._count = 0  # terms kept, over every set
        self._last: dict[int, Term] = {}  # the terms of the set put last
        self._lock = threading.Lock()

    def positions(self, stems: frozenset[str]) -> list[int] | None:
        with self._lock:
            found = self._sets.get(stems)
            if found is None:
                return None
            self._sets.move_to_end(stems)
            self._last = found[1]
            return list(found[0])

    def term(self, position: int) -> Term | None:
        """The term at ``position`` if a kept set found it: the last set's first (its terms are read next, one by
        one), without the lock."""
        term = self._last.get(position)
        if term is not None:
            return term
        with self._lock:
            for _, terms in reversed(self._sets.values()):
                term = terms.get(position)
                if term is not None:
                    return term
        return None

    def terms(self, positions: Sequence[int]) -> dict[int, Term]:
        """The terms at those of ``positions`` that a kept set found, by position: the last set's first (a query's
        positions are those ``within`` has just found), without the lock."""
        last = self._last
        found = {p: term for p in positions if (term := last.get(p)) is not None}
        rest = [p for p in positions if p not in found] if len(found) < len(positions) else []
        if rest:
            with self._lock:
                sets = [terms for _, terms in reversed(self._sets.values())]
            for p in rest:
                term = next((t for terms in sets if (t := terms.get(p)) is not None), None)
                if term is not None:
                    found[p] = term
        return found

    def put(self, stems: frozenset[str], terms: dict[int, Term]) -> list[int]:
        """Keep what ``stems`` found (the oldest sets given up past the bound); returns its positions, in order."""
        positions = sorted(terms)
        with self._lock:
            if stems not in self._sets:
                self._sets[stems] = (positions, terms)
                self._count += len(terms)
            self._last = terms
            while len(self._sets) > 1 and self._count > self.most:
                self._count -= len(self._sets.popitem(last=False)[1][1])
        return list(positions)
