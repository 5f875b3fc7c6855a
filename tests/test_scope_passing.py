"""The list's words held only in passing (``scope.Scope.alone``, ``passing.in_passing``).

An everyday question may share a word with the list that the list says only in passing, in another sense: "English" is
in one paper of the list, in "English-to-French translation"; "learning english quickly for a new job" holds it
beside words the list lacks ("quickly", "job") and beside none of the list's. When every specific word of such a
question is one of these and no passage is near it in meaning, those words count as everyday words the list lacks.
The list's own short phrases stand beside each other in one of its sentences ("french translation", "mail addresses")
and keep their verdict; a casual question with one word used as the list uses it is judged as before. None of these
questions is in the dev set.
"""

from __future__ import annotations

import pytest

from papersearch.query import scope
from papersearch.query.searcher import Searcher

# everyday questions whose only specific words of the list ("english", "chess", "openings") it holds in passing,
# beside words it lacks: each answered before this rule, each declined now
HELD_IN_PASSING = (
    "learning english quickly for a new job",
    "how can i learn english faster at home",
    "how to play chess openings for white",
)
# the list's own short phrases: each word is in a sentence of the list beside the other, so neither is held in passing
OWN_PHRASES = (
    "french translation",
    "mail addresses",
    "remove noise",
    "fixed window",
    "target domain",
    "what did the navy fund",
)
# casual in-scope questions in everyday words, some held in passing by other papers ("steps", "photos", "rewards")
CASUAL = (
    "taking tiny noisy steps downhill one example at a time",
    "fake faces from a generator network",
    "translating english into french with neural nets",
    "learning from rewards",
    "sentence meaning",
    "computers writing captions for photos",
    # the review's: a generic word ("computer", "make") beside a word is no evidence of its sense, and "photos" stands
    # beside NeRF's "photographed" (a longer form): each was declined by the first form of the rule
    "can a computer render a room from photos",
    "render a room from photos",
    "how do you make a computer paint from a sketch",
)


@pytest.mark.parametrize("query", HELD_IN_PASSING)
def test_an_everyday_question_in_words_the_list_holds_in_passing_is_declined(searcher: Searcher, query: str) -> None:
    res = searcher.search(query)
    assert res["no_match"] and res["confidence"] < scope.NO_MATCH_BELOW, (query, res["confidence"])
    assert res["results"]  # the nearest papers are still listed
    assert searcher.answer(query)["declined"], query


@pytest.mark.parametrize("query", OWN_PHRASES + CASUAL)
def test_the_lists_own_phrases_and_casual_questions_are_answered(searcher: Searcher, query: str) -> None:
    res = searcher.search(query)
    assert not res["no_match"], (query, res["confidence"])
    assert not searcher.answer(query)["declined"], query


def test_a_word_is_alone_when_no_sentence_of_the_list_holds_it_beside_another_of_the_query(searcher: Searcher) -> None:
    """ "sleep" is in two papers ("Wake-Sleep"), never beside "cat"; "english" is beside "french" in its paper."""
    held = searcher._ranker.scope
    assert held.alone("sleep", "why does my cat sleep so much")
    assert held.alone("english", "learning english quickly for a new job")
    assert not held.alone("english", "english to french")
    assert not held.alone("french", "french translation")


def test_a_word_of_a_title_or_a_guiding_question_is_never_alone(searcher: Searcher) -> None:
    """ "cat" is in Hubel and Wiesel's title, "memory" in Kohonen's: what those papers are about, not a passing word."""
    held = searcher._ranker.scope
    assert not held.alone("cat", "why does my cat sleep so much")
    assert not held.alone("memory", "do memory games help")


def test_a_word_with_no_other_word_of_the_list_beside_it_is_not_alone(searcher: Searcher) -> None:
    """Alone in the query, or beside words the list lacks only, a word says nothing of the sense it is asked in."""
    held = searcher._ranker.scope
    assert not held.alone("english", "english")
    assert not held.alone("photos", "fake photos")
