"""A paper first in meaning through its guiding question alone, where the words put another paper above it, keeps
only part of its question's lead (``query.guiding``; docs/ranking.md, "An eleventh pass")."""

from __future__ import annotations

import numpy as np
import pytest

from papersearch import Searcher
from papersearch.query import fusion, guiding

# casual questions whose dense first paper won through its guiding question alone (the Transformer's words, LSTM's
# question "How can long recurrences be stabilized?"; Glorot's words, backpropagation's "How can a deep network
# learn?"): each put the wrong paper first before
FIRST = {
    "who figured out you dont need recurrence at all, just attention": "2017-vaswani-transformer",
    "how did folks finally get really deep networks to train?": "2010-glorot-xavier-initialization",
    "how did people finally manage to train very deep nets?": "2010-glorot-xavier-initialization",
}


@pytest.mark.parametrize("query", sorted(FIRST))
def test_a_guiding_questions_form_no_longer_outranks_what_the_words_find(searcher: Searcher, query: str) -> None:
    first = searcher.search(query, k=3)["results"][0]["id"]
    assert first == FIRST[query]


@pytest.mark.parametrize(
    "query",
    ["can a network learn to play video games?", "can a network learn to play atari from pixels?"],
)
def test_a_question_near_a_papers_own_question_by_topic_keeps_it_first(searcher: Searcher, query: str) -> None:
    assert searcher.search(query, k=3)["results"][0]["id"] == "2013-mnih-dqn"  # "Can a network learn to play a game…"


def test_each_papers_guiding_question_typed_word_for_word_finds_that_paper(searcher: Searcher) -> None:
    """A question typed as the paper asks it matches by topic, though its words are everyone's ("How can a deep
    network learn?" is backpropagation's; the words alone put the cross-entropy paper first)."""
    missed = [
        (p["question"], top)
        for p in searcher.papers()
        if p["question"] and (top := searcher.search(p["question"], k=1)["results"][0]["id"]) != p["id"]
    ]
    assert not missed


def _dense(searcher: Searcher, qvec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every paper's dense score (its best two passages) and best passage row, as the dense side gives them."""
    data = searcher.data
    dense, best = [], []
    for paper in range(len(data.columns.years)):
        rows = np.asarray(data.paper_rows[paper], dtype=np.int64)
        cos = np.asarray(data.matrix[rows], dtype=np.float32) @ qvec
        order = np.argsort(-cos)
        second = cos[order[1]] if len(cos) > 1 else cos[order[0]]
        dense.append(fusion.best_two(np.array([cos[order[0]]]), np.array([second]))[0])
        best.append(rows[order[0]])
    return np.array(dense, dtype=np.float32), np.array(best, dtype=np.int64)


def test_only_the_first_paper_moves_and_only_when_the_words_disagree(searcher: Searcher) -> None:
    text = "who figured out you dont need recurrence at all, just attention"
    qvec = searcher.embed_query(text)
    rows = np.arange(len(searcher.data.columns.years), dtype=np.int64)
    dense, best = _dense(searcher, qvec)
    first = int(np.argmax(dense))
    assert searcher.data.passages[int(best[first])][1] == "question"  # LSTM, through its question

    agree = np.zeros(len(rows), dtype=np.float32)
    agree[first] = 2.0
    assert guiding.held(searcher.data, text, qvec, rows, dense, best, agree) is dense  # the words agree: unchanged

    other = np.zeros(len(rows), dtype=np.float32)
    other[(first + 1) % len(rows)] = 2.0  # the words put another paper above it
    held = guiding.held(searcher.data, text, qvec, rows, dense, best, other)
    assert held[first] < dense[first]
    assert np.array_equal(np.delete(held, first), np.delete(dense, first))

    asked = searcher.data.passages[int(best[first])][2]  # the question typed word for word: unchanged
    assert guiding.held(searcher.data, asked, qvec, rows, dense, best, other) is dense
