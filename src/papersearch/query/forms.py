"""Short and long forms of one term, taken from the list itself: "CNN" and "convolutional neural network".

A paper's concept lists its names side by side ("Convolutional Neural Network", "CNN", "convnet",
"convolutional network"); where one of them is the other cut short (the first letters of its words, or
the first few: "LSTM", "ConvNet", "ReLU", "ResNet") the two are the same thing written two ways. A
query that writes one form should match a text that writes the other on the lexical side too, whichever
way round: "peeking inside a convnet" and a summary of "convolutional networks", "language models
and LLMs". ``other_forms`` finds, for the terms a query names in full, the words of their other forms.
Pure: a function of the query's stems and a ``PlanContext``'s concept terms (no table of its own).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import islice
from typing import Protocol

import numpy as np

from ..index.tokens import tokenize
from .english import everyday

Term = tuple[str, frozenset[str], int]  # (concept, stems of one of its terms, paper row): ``PlanContext.concepts``
Form = tuple[frozenset[str], tuple[str, ...]]  # a named term's stems, and the stems that carry its other form
NAMED_AT_MOST = 64  # named concept terms whose other forms are read (``other_forms``)
OTHER_FORM_WEIGHT = 0.5  # the reworded reading counts half the query as written: words it did not write count less
SIBLINGS = 16  # the most terms one concept is looked at for, each way from a named one (a concept lists a handful)
PAIRS_KEPT = 4096  # (named term, sibling) pairs whose other-form words are kept (``_other_words``)
NEAR = 4  # terms read at first each way from a named one; the next run (four times as far) only if all are its own


class ReadsNear(Protocol):
    """``read_near`` of concept terms read from a table (``understanding.ConceptTable``): the neighbours of many
    positions read together beforehand, so that the walks from each (``_side``) find them read."""

    def __call__(self, positions: Sequence[int], near: int) -> None: ...


def cut_short(short: str, long: frozenset[str]) -> bool:
    """Whether the one word ``short`` is the words of ``long`` cut short and run together, each used once and in
    some order: "cnn" of {convolut, neural, network}, "convnet" of {convolut, network}, "relu" of {rectifi,
    linear, unit}. A plural "s" after an abbreviation is allowed ("lstms"); ``long`` has two words or more."""
    if len(long) < 2 or not short.isalnum():
        return False
    word = short[:-1] if short.endswith("s") and len(short) > len(long) else short
    return _covers(word, tuple(sorted(long))) or (word != short and _covers(short, tuple(sorted(long))))


def _covers(word: str, left: tuple[str, ...]) -> bool:
    """Whether ``word`` is a prefix of each of ``left``, one after another in some order, and nothing else."""
    if not left:
        return not word
    for i, stem in enumerate(left):
        rest = left[:i] + left[i + 1 :]
        for size in range(min(len(stem), len(word) - len(rest)), 0, -1):
            if stem[:size] == word[:size] and _covers(word[size:], rest):
                return True
    return False


def same_thing(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two terms of one concept are one thing in a short and a long form (either way round)."""
    return (len(a) == 1 and cut_short(next(iter(a)), b)) or (len(b) == 1 and cut_short(next(iter(b)), a))


def other_forms(concepts: Sequence[Term], named: Iterable[int]) -> tuple[Form, ...]:
    """For each concept term at positions ``named`` (the terms a query names in full) that has another form, the
    term's stems and the stems that carry the other form: "cnn" -> ("convolut",), "long short-term memory" ->
    ("lstm", "lstms"). A long form is carried by its words that are not everyday English ("network" is not).

    A concept's terms sit side by side in ``concepts`` (the order a build lists them in), so each named term's
    siblings are read from its neighbours, not from the whole table. Only the first ``NAMED_AT_MOST`` named
    terms are read: a list of a million papers names a common concept in tens of thousands of papers, each with
    the same few forms (a query of the 49-paper list names at most 6).
    """
    out: dict[frozenset[str], dict[str, None]] = {}
    positions = list(islice(named, NAMED_AT_MOST))
    # a version's table reads the named terms' neighbours at once (looked up by name: an isinstance check of a
    # protocol costs what reading a few terms does)
    read_near: ReadsNear | None = getattr(concepts, "read_near", None)
    if positions and read_near is not None:
        read_near(positions, NEAR)
    for position in positions:
        concept, stems, row = concepts[position]
        for other in _siblings(concepts, position, concept, row):
            words = None if other == stems else _other_words(stems, other)
            if words is not None:
                out.setdefault(stems, {}).update(dict.fromkeys(words))
    return tuple((stems, tuple(words)) for stems, words in out.items() if words)


@lru_cache(maxsize=PAIRS_KEPT)
def _other_words(named: frozenset[str], other: frozenset[str]) -> tuple[str, ...] | None:
    """The stems that carry ``other`` for a query that names ``named`` (``_carried``, those the tokenizer keeps
    whole), sorted; None when the two terms are not one thing in two forms. Kept by pair: a common concept's papers
    list the same few terms, so a query that names it asks the same pairs once a paper (up to ``NAMED_AT_MOST``)."""
    if not same_thing(named, other):
        return None
    return tuple(s for s in sorted(_carried(other, named)) if tokenize(s) == [s])


def _carried(form: frozenset[str], named: frozenset[str]) -> frozenset[str]:
    """The stems that carry ``form`` for a query that names ``named``: a word, itself; a phrase, its words that are
    not everyday English ("convolut", not "network"), unless a word it leaves out is written whole in the short
    form ("backprop" says "back": "propagation" alone is a broader thing), then none."""
    if len(form) == 1:
        return form
    dropped = {s for s in form if everyday(s)}
    if any(len(s) > 2 and s in short for s in dropped for short in named):
        return frozenset()
    return form - dropped


def reworded(text: str, forms: Sequence[Form]) -> str:
    """``text`` with each term of ``forms`` written in its other form ("cnn captions" -> "convolut captions"), for a
    second reading of the lexical side: a paper is matched by the query as written or as reworded (at
    ``OTHER_FORM_WEIGHT``), whichever matches it better, so a paper that writes both forms is not counted twice. "" when ``forms`` is empty."""
    if not forms:
        return ""
    named = frozenset().union(*(stems for stems, _ in forms))
    kept = [w for w in text.split() if not (stems := frozenset(tokenize(w))) or not stems <= named]
    return " ".join([*kept, *dict.fromkeys(s for _, words in forms for s in words)])


def better_reading(written: np.ndarray, other: np.ndarray | None) -> np.ndarray:
    """Each paper's lexical score over the query's two readings: as written, or reworded at ``OTHER_FORM_WEIGHT``,
    whichever is higher (``other`` None: no reworded reading)."""
    return written if other is None else np.maximum(written, OTHER_FORM_WEIGHT * other)


def _siblings(concepts: Sequence[Term], position: int, concept: str, row: int) -> Iterator[frozenset[str]]:
    """The stems of each other term of the concept at ``position`` (same concept, same paper, side by side)."""
    for step in (-1, 1):
        for name, stems, paper in _side(concepts, position, step):
            if (name, paper) != (concept, row):
                break
            yield stems


def _side(concepts: Sequence[Term], position: int, step: int) -> Iterator[Term]:
    """The terms next to ``position`` one way (``step``), nearest first, at most ``SIBLINGS``: read as runs of
    positions (one look-up each, not one a term), ``NEAR`` first, each run further only if the walk reaches it."""
    done, reach = 0, NEAR
    while done < SIBLINGS:
        far = min(SIBLINGS, reach)
        if step < 0:
            run = list(concepts[max(0, position - far) : max(0, position - done)])[::-1]
        else:
            run = list(concepts[position + done + 1 : position + far + 1])
        yield from run
        if len(run) < far - done:  # the list's first or last term
            return
        done, reach = far, 4 * far
