"""Known, not yet fixed: a paper put first by everyday words ("real", "see"), where the question is about something
else (docs/ranking.md, "A thirteenth pass"). LeCun's CNN, whose summary says "real-world" and whose guiding question
asks "Can a deep network learn to see?", comes first for questions about how real brains see, over the studies of
the visual system. Each phrasing is a strict expected failure: a change that puts one of those studies first turns
it into a pass, and its mark goes."""

from __future__ import annotations

import pytest

from papersearch import Searcher

VISION_STUDIES = {"1959-hubel-visual-cortex", "1959-lettvin-frogs-eye", "2005-quiroga-multimodal-neurons"}
KNOWN = pytest.mark.xfail(strict=True, raises=AssertionError, reason="known: LeCun's CNN first on everyday words")


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("what did researchers learn about how real brains see", marks=KNOWN),
        pytest.param("what did scientists find out about how real animals see things", marks=KNOWN),
        pytest.param("how do real brains see, what did researchers learn", marks=KNOWN),
        pytest.param("how does seeing actually work in a real head", marks=KNOWN),
    ],
)
def test_how_real_brains_see_finds_a_study_of_the_visual_system_first(searcher: Searcher, query: str) -> None:
    assert searcher.search(query, k=3)["results"][0]["id"] in VISION_STUDIES


@pytest.mark.parametrize(
    "query",
    [
        "how do actual living brains see, according to the experiments",
        "what have experiments shown about how the eye and brain see",
    ],
)
def test_the_same_question_with_a_word_of_the_field_already_does(searcher: Searcher, query: str) -> None:
    """Where the question holds a word the visual-system studies hold ("experiments", "eye"), they come first."""
    assert searcher.search(query, k=3)["results"][0]["id"] in VISION_STUDIES
