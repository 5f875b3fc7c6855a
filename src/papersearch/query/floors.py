"""The assistant's floors on graded query files: what ``papersearch eval`` checks beyond ranking, per half.

- out-of-scope queries flagged by the search (``no_match``) and declined by the answer, both;
- in-scope queries the search flags as matching nothing;
- order questions ("the oldest paper", "the most recent paper on X"): the right paper (one of ``cite``)
  ranked first, and quoted by the answer;
- answers that cite a paper graded 3, and answers that cite only papers graded 1 or more, over the
  questions an answer is judged on: the kinds question, origin and history, and every query that says
  which papers its answer must cite (``cite``);
- every quoted sentence word for word from its paper (a count of those that are not: must be 0), and
  the README's own question answered from both the 1986 and the 2005 paper.

Each measure is a ``Tally`` (how many of how many) and has a ``Floor``; ``docs/assistant.md`` shows both halves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.assistant_records import Answer
from ..core.records import PaperRecord, SearchResults

if TYPE_CHECKING:  # evaluate reads the query files and calls this module
    from .evaluate import EvalQuery

ANSWERED_KINDS = frozenset(["question", "origin", "history"])  # kinds whose answers are judged, beside any with "cite"
README_QUESTION = "how were deep nets first trained?"
README_PAPERS = ("1986-rumelhart-backpropagation", "2005-hinton-deep-belief-networks")


@dataclass(frozen=True)
class Tally:
    """How many queries of how many a measure holds for."""

    hits: int
    of: int

    @property
    def share(self) -> float:
        return self.hits / self.of if self.of else 0.0


@dataclass(frozen=True)
class Floor:
    """A measure and the share it must reach (``at_least``) or stay under."""

    name: str
    floor: float
    at_least: bool = True

    def holds(self, tally: Tally) -> bool:
        """Whether ``tally`` meets the floor (a measure over no query does)."""
        if not tally.of:
            return True
        return tally.share >= self.floor if self.at_least else tally.share <= self.floor


OUT_OF_SCOPE = Floor("out-of-scope flagged and declined", 0.95)
IN_SCOPE_FLAGGED = Floor("in-scope flagged no-match", 0.01, at_least=False)
ORDER_FIRST = Floor("order: right paper first and quoted", 1.0)
CITES_BEST = Floor("answers citing a grade-3 paper", 0.95)
CITES_GRADED = Floor("answers citing only graded papers", 0.90)
FLOORS = (OUT_OF_SCOPE, IN_SCOPE_FLAGGED, ORDER_FIRST, CITES_BEST, CITES_GRADED)
CITES_ALL = "answers citing every paper of cite"  # shown beside the floors, not one of them


def answered(q: EvalQuery) -> bool:
    """Whether the answer to ``q`` is judged: a kind that asks for an answer, or a query that names what to cite."""
    return q.in_scope and (q.type in ANSWERED_KINDS or bool(q.cite))


def tallies(
    queries: Iterable[EvalQuery], results: dict[str, SearchResults], answers: dict[str, Answer]
) -> dict[str, Tally]:
    """Every measure over ``queries`` (each with its hybrid search ``results`` and ``answers``, by query id)."""
    counts: dict[str, list[int]] = {f.name: [0, 0] for f in FLOORS} | {CITES_ALL: [0, 0]}

    def add(name: str, ok: bool) -> None:
        counts[name][0] += ok
        counts[name][1] += 1

    for q in queries:
        res, ans = results[q.id], answers[q.id]
        cited = {s["id"] for s in ans["sources"]}
        if not q.in_scope:
            add(OUT_OF_SCOPE.name, res["no_match"] and ans["declined"])
            continue
        add(IN_SCOPE_FLAGGED.name, res["no_match"])
        if q.type == "order":
            right = set(q.cite) or {p for p, g in q.relevant.items() if g == 3}
            first = res["results"][0]["id"] if res["results"] else None
            add(ORDER_FIRST.name, first in right and first in cited)
        if answered(q):
            add(CITES_BEST.name, any(q.relevant.get(p, 0) == 3 for p in cited))
            add(CITES_GRADED.name, bool(cited) and all(q.relevant.get(p, 0) >= 1 for p in cited))
        if q.cite:
            add(CITES_ALL, set(q.cite) <= cited)
    return {name: Tally(hits, of) for name, (hits, of) in counts.items()}


def not_verbatim(records: Iterable[PaperRecord], answers: Iterable[Answer]) -> int:
    """How many quoted sentences are not word for word in their paper's summary (or its guiding question)."""
    by_id = {r["id"]: r for r in records}
    misses = 0
    for ans in answers:
        for s in ans["sentences"]:
            rec = by_id.get(s["id"])
            where = (rec["summary"] if s["kind"] == "summary" else rec["question"]) if rec else ""
            misses += not (s["text"] and s["text"] in where)
    return misses


def readme_answered(answer: Answer) -> bool:
    """Whether the answer to ``README_QUESTION`` quotes both of ``README_PAPERS``."""
    return set(README_PAPERS) <= {s["id"] for s in answer["sources"]}
