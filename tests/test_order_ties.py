"""A relation said by a tie and a relation to a topic.

"Papers influenced by X, in chronological order" runs over the papers the graph ties to X, by year, not over every
paper after X ("papers published after X, in chronological order" still does); "what superseded recurrent networks"
names a topic in everyday words, not a paper, so what the question says of it is weighed ("the transformer"), where
"what came after the LSTM paper" or "what built on LSTMs" answer from the paper's neighbourhood alone.
"""

from __future__ import annotations

import numpy as np
import pytest

from papersearch.query.order import read_order
from papersearch.query.ordering import around
from papersearch.query.relation_words import a_topic
from papersearch.query.searcher import Searcher


@pytest.mark.parametrize(
    ("text", "tied"),
    [
        ("papers influenced by Xavier initialization in chronological order", True),
        ("papers that built on the LSTM, oldest first", True),
        ("the GAN paper's successors in chronological order", True),
        ("which papers cite AlexNet, newest first", True),
        ("papers inspired by backprop, in order of publication", True),
        ("papers published after AlexNet in chronological order", False),
        ("what came after the LSTM, oldest first", False),
        ("papers before BERT, newest first", False),
    ],
)
def test_a_side_said_by_a_tie_is_read_as_one(text: str, tied: bool) -> None:
    reading = read_order(text)
    assert reading is not None and reading.side is not None and reading.first is not None
    assert reading.tied is tied


@pytest.mark.parametrize(
    ("anchor", "topic"),
    [
        ("recurrent networks", True),
        ("transfer learning", True),
        ("the transformer", True),
        ("the LSTM paper", False),
        ("LSTMs", False),
        ("Goodfellow's GAN", False),
        ("Bengio 2003", False),
        ("deepseek r1", False),
        ("BERT", False),
    ],
)
def test_an_anchor_in_everyday_words_is_a_topic(anchor: str, topic: bool) -> None:
    assert a_topic(anchor) is topic


def test_an_order_over_a_tie_runs_over_the_tied_papers_first() -> None:
    years = np.array([2000, 2005, 2006, 2008, 2010])
    fused = np.array([1.0, 0.5, 0.4, 0.3, 2.0])
    near = np.zeros(5)
    ties = {3: 1.0, 4: 0.5}  # the papers of 2008 and 2010 cite the anchor (2000); 2005 and 2006 do not
    every = around(fused, near, years, 0, "after", ties, "earliest", 0.0)
    tied = around(fused, near, years, 0, "after", ties, "earliest", 0.0, tied_only=True)
    assert list(np.argsort(-every)[:4]) == [1, 2, 3, 4]  # every later paper, oldest first
    assert list(np.argsort(-tied)[:2]) == [3, 4]  # the tied ones, oldest first...
    assert set(np.argsort(-tied)[2:4].tolist()) == {1, 2}  # ...then the rest of the side
    untied = around(fused, near, years, 0, "after", {}, "earliest", 0.0)  # no tie on the side: every paper by year
    assert around(fused, near, years, 0, "after", {}, "earliest", 0.0, tied_only=True).tolist() == untied.tolist()


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("papers influenced by Xavier initialization in chronological order", "2012-krizhevsky-alexnet"),
        ("papers influenced by the LSTM, in chronological order", "2014-sutskever-seq2seq"),
        ("what superseded recurrent networks", "2017-vaswani-transformer"),
        ("what replaced recurrent networks?", "2017-vaswani-transformer"),
        ("what built on LSTMs?", "2014-sutskever-seq2seq"),
    ],
)
def test_the_corpus_answers_a_tie_and_a_topic(searcher: Searcher, text: str, first: str) -> None:
    assert searcher.search(text)["results"][0]["id"] == first


def test_the_anchors_own_words_say_no_tie() -> None:
    """A tie word inside the title a relation is anchored on ("Improve", "Combining") is the title's, not the
    question's: the side is said by time alone (the review's)."""
    from papersearch.query.order import read_order

    for text in (
        "papers after A Simple Weight Decay Can Improve Generalization, oldest first",
        "papers published after Understanding the Difficulty of Training Deep Feedforward Neural Networks, oldest first",
    ):
        reading = read_order(text)
        assert reading is not None and reading.side == "after" and not reading.tied, text
    reading = read_order("papers influenced by A Simple Weight Decay Can Improve Generalization, oldest first")
    assert reading is not None and reading.tied
