"""A paper first in meaning through its guiding question, where the words put another paper first.

A paper's guiding question ("How can a deep network learn?", "Can backpropagation succeed with a huge number of
layers?") is short and generic, and a casual question or description sits near many of them by form as much as by
topic. When the dense side's first paper wins through its question and the lexical side puts another paper above
it, the two sides disagree and the question is all the dense side has: on the tune halves such a first paper was
graded 3 in 3 of 16 queries, against 7 of 13 where it won through its title or a summary sentence. So that one
paper keeps only ``LEAD_KEPT`` of its question's lead over what it says (its best two other passages,
``fusion.best_two``): "training each layer to clean up deliberately messed-up inputs" no longer puts ResNet (its
question on layers) over the denoising autoencoders, which the words put first. Where the words agree on it, or
the query holds every word of its question (the question typed as the paper asks it), nothing changes.

Pure: a function of one query's dense and lexical scores and the index's passages. Measured: docs/ranking.md
("An eleventh pass").
"""

from __future__ import annotations

import numpy as np

from ..index.reader import IndexData
from ..index.tokens import tokenize
from . import fusion

LEAD_KEPT = 0.5  # the share of its question's lead over what the paper says that such a paper keeps


def held(
    data: IndexData,
    text: str,
    qvec: np.ndarray,
    rows: np.ndarray,
    dense: np.ndarray,
    best_row: np.ndarray,
    lexical: np.ndarray,
) -> np.ndarray:
    """``dense`` (aligned with the candidate paper ``rows``; ``best_row``: each one's best passage) with the dense
    side's first paper keeping ``LEAD_KEPT`` of its guiding question's lead over its other passages, when that
    question is its best passage, the lexical side puts another paper strictly above it and ``text`` (the query as
    searched) does not hold every word of the question (a question typed as the paper asks it matches by topic:
    "How can a deep network learn?" is backpropagation's, though its words are everyone's); else ``dense`` itself."""
    if len(dense) < 2:
        return dense
    first = int(dense.argmax())  # -inf where a filter removes a paper
    paper = int(rows[first])
    start = np.asarray(data.columns.passage_start)  # a plain view: slicing a memmap costs more than the rest
    lo, hi = int(start[paper]), int(start[paper + 1])
    if int(best_row[first]) != lo or not np.isfinite(dense[first]):  # a guiding question is its paper's first passage
        return dense
    if float(lexical[np.isfinite(dense)].max()) <= float(lexical[first]):
        return dense  # the words agree on the first paper, or say nothing
    passages = data.passages.span(lo, hi)  # one read of the store, only here
    _, kind, question = passages[0]
    if kind != "question" or len(passages) < 2 or set(tokenize(question)) <= set(tokenize(text)):
        return dense
    said = _said(data.matrix[lo + 1 : hi], qvec)
    out = dense.copy()
    out[first] = min(float(dense[first]), said + LEAD_KEPT * (float(dense[first]) - said))
    return out


def _said(vectors: np.ndarray, qvec: np.ndarray) -> float:
    """A paper's dense score from the ``vectors`` of its passages other than its guiding question (one or more)."""
    cos = np.sort(np.asarray(vectors, dtype=np.float32) @ qvec)[::-1]
    second = cos[1] if len(cos) > 1 else cos[0]
    return float(fusion.best_two(np.array([cos[0]]), np.array([second]))[0])
