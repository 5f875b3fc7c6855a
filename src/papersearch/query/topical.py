"""Whether a paper's own record is about a topic, or only mentions it: where the topic's words sit.

A paper is about a topic when one of its own headline fields (its title, its question, one of its concepts' names or
aliases) holds every word of the topic, or every word of a term of the concept the topic names ("CNNs" names LeCun's
Convolutional Neural Network, whose alias "convolutional network" Zeiler and Fergus's title holds). A topic's words
in a summary sentence alone are a passing mention: Bahdanau's "While CNNs compare adjacent pixels" is not a paper
about CNNs, nor Bottou's "learning algorithms such as perceptrons" one about perceptrons. Only the few records an
order runs over are read, never the list's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from ..core.records import PaperRecord
from ..index.tokens import tokenize
from ..index.understanding import concept_terms
from . import scope


def carrying_words(text: str) -> list[str]:
    """The words of ``text`` that carry a topic: ``scope.topic_words`` of some weight ("the", "papers", "?" carry
    none). What a paper must hold, or a side of a choice name, to be about that topic."""
    return [w for w in scope.topic_words(text) if scope.weight(w) > 0]


def topic_stems(topic: str) -> frozenset[str]:
    """The stems of the words of ``topic`` that carry it (``carrying_words``)."""
    words = carrying_words(topic)
    return frozenset(tokenize(" ".join(words))) if words else frozenset()


def terms_of(owners: Iterable[tuple[str, PaperRecord]]) -> list[frozenset[str]]:
    """The stems of every term (name and aliases) of each concept the topic names: (concept name, its paper's
    record), as ``plan.named_concepts`` finds them."""
    return [stems for name, record in owners for concept, _, stems in concept_terms(record) if concept == name]


def own_fields(record: PaperRecord) -> list[frozenset[str]]:
    """The stems of each headline field of ``record``: its title, its question and each concept's name and alias."""
    texts = [record["title"], record["question"] or ""]
    return [frozenset(tokenize(t)) for t in texts if t] + [stems for _, _, stems in concept_terms(record)]


def headline_holds(records: Sequence[PaperRecord], topic: str, terms: Sequence[frozenset[str]]) -> np.ndarray:
    """Per record, whether its headline fields (``own_fields``) hold every stem of ``topic`` (``topic_stems``),
    each in one field or another ("the brain's neurons": Lettvin's title says brain, a concept of theirs neuron),
    or one field every stem of one of ``terms`` (a concept's name or alias, said whole)."""
    stems = topic_stems(topic)
    wanted = [t for t in terms if t]
    out = np.zeros(len(records), dtype=bool)
    for i, record in enumerate(records):
        fields = own_fields(record)
        whole = bool(stems) and stems <= frozenset().union(*fields)
        out[i] = whole or any(term <= field for term in wanted for field in fields)
    return out
