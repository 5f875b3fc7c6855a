"""Filters that let no paper through: nothing matches, whatever the query asks.

A search whose years or era leave no paper of the list returns no hits, and says so: confidence 0 and
``no_match`` (not the confidence the query's words and meaning would have over the papers the filters left
out); a name, a time or an order asked for, which otherwise make a search sure, do not; the answer declines.
"""

from __future__ import annotations

import pytest

from papersearch.query.searcher import Searcher

NO_PAPER = ({"year_from": 2030}, {"year_to": 1900}, {"year_from": 1999, "year_to": 1999})  # the list has no 1999 paper


@pytest.mark.parametrize("filters", NO_PAPER)
@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_filters_that_leave_no_paper_say_nothing_matched(
    searcher: Searcher, filters: dict[str, int], mode: str
) -> None:
    res = searcher.search("attention", mode=mode, **filters)
    assert res["results"] == []
    assert res["confidence"] == 0.0
    assert res["no_match"] is True


@pytest.mark.parametrize("query", ["papers by Hinton", "the oldest paper", "neural networks in the 1980s"])
def test_what_makes_a_search_sure_does_not_when_no_paper_is_left(searcher: Searcher, query: str) -> None:
    assert searcher.search(query)["confidence"] == 1.0  # sure over the whole list
    res = searcher.search(query, year_from=2030)
    assert (res["results"], res["confidence"], res["no_match"]) == ([], 0.0, True)


def test_the_answer_declines_when_no_paper_is_left(searcher: Searcher) -> None:
    answer = searcher.answer("attention", year_from=2030)
    assert answer["declined"] is True
    assert answer["no_match"] is True
    assert answer["confidence"] == 0.0
    assert answer["sources"] == []


def test_filters_that_leave_a_paper_keep_the_verdict(searcher: Searcher) -> None:
    res = searcher.search("attention", year_from=2017)
    assert res["results"]
    assert res["confidence"] > 0.5
    assert res["no_match"] is False
