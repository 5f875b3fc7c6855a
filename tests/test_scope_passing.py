"""A word the list holds only as often as everyday English would by chance ("strength", "fashion", "transformer" for a
house: each in a paper or a few, in passing) weighs as a word it lacks (``scope.Scope.by_chance``) and in no title; the list's own words
("training", "attention") do not. None of these are dev queries."""

from __future__ import annotations

import math

import pytest

from papersearch.query import scope
from papersearch.query.searcher import Searcher

from .test_no_match import assert_declined, evidence

# everyday questions whose topic words the list holds in passing: each was answered before (confidence 0.78-0.96)
IN_PASSING = (
    "how many sets should i do for strength training",
    "strength training three days a week",
    "how to get into fashion modelling",
    "how to choose a transformer for my home",
    "what size transformer do i need for my house",
)
# the same words asked about as the papers use them: still answered
ON_THE_PAPERS = (
    "a neural net that learns the strength of its own connections",
    "who came up with the transformer",
    "the brain cell that fires for one famous face",
    "how did a program beat the go champion",
    "teaching a computer to read messy handwriting",
    "what did the frog's eye paper find",
)


@pytest.mark.parametrize("query", IN_PASSING)
def test_an_everyday_question_in_words_the_list_holds_in_passing_is_declined(searcher: Searcher, query: str) -> None:
    assert_declined(searcher, query)


@pytest.mark.parametrize("query", ON_THE_PAPERS)
def test_the_same_words_asked_about_as_the_papers_use_them_are_answered(searcher: Searcher, query: str) -> None:
    res = searcher.search(query)
    assert not res["no_match"] and res["confidence"] > 0.8, (query, res["confidence"])
    assert not searcher.answer(query)["declined"], query


def test_a_word_held_in_passing_weighs_as_one_the_list_lacks(searcher: Searcher) -> None:
    """ "strength" (Zipf 4.8) in one of the 49 papers is what everyday English would give; "training" in 20 is not."""
    found = evidence(searcher, "strength training three days a week")
    assert found.foreign == min(scope.weight("strength"), scope.FOREIGN_FULL) == 1.0  # "week" weighs 0.5
    assert found.held > 0.8  # still held: only the model's ``foreign`` reads it so
    own = evidence(searcher, "tricks for training very deep networks")
    assert own.foreign == 0.0


def test_which_words_the_list_holds_by_chance(searcher: Searcher) -> None:
    s = searcher._ranker.scope  # the search's own scope: its words per paper are the index's
    assert s.by_chance(1, 4.8)  # "strength": expected in about one paper of 49
    assert not s.by_chance(20, 5.1)  # "training": expected in one or two
    assert not s.by_chance(1, 3.0)  # a rare word in one paper is the list's own ("perceptron" is rarer still)
    assert not s.by_chance(0, 4.8) and not s.by_chance(3, 0.0)  # held by none; unknown to the frequency table
    assert s.facts("strength").passing and s.facts("fashion").passing
    # as common, and in one paper, but in its title: what that paper is about ("What the Frog's Eye Tells...")
    assert s.by_chance(s.facts("eye").papers, s.facts("eye").zipf) and not s.facts("eye").passing


def test_the_chance_of_a_count_at_least_as_large() -> None:
    assert scope.at_least(1, 0.0) == 0.0
    assert scope.at_least(2, 0.5) == pytest.approx(1 - math.exp(-0.5) * 1.5)
    assert scope.at_least(3, 3.0) == 1.0  # at or under the mean: as good as certain
    assert scope.at_least(6200, 6000.0) == pytest.approx(
        0.0051, abs=0.001
    )  # a million papers: a few terms, no overflow
