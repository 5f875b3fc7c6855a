"""Short and long forms of a term ("CNN", "convolutional neural network"): found from the list's own concepts, and
matched on the lexical side of the real index whichever form a query writes."""

from __future__ import annotations

import pytest

from papersearch.query import forms
from papersearch.query.forms import cut_short, other_forms, reworded, same_thing
from papersearch.query.searcher import Searcher


def stems(*words: str) -> frozenset[str]:
    return frozenset(words)


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("cnn", stems("convolut", "neural", "network")),
        ("lstm", stems("long", "short", "term", "memori")),
        ("lstms", stems("long", "short", "term", "memori")),
        ("convnet", stems("convolut", "network")),
        ("relu", stems("rectifi", "linear", "unit")),
        ("resnet", stems("residu", "network")),
        ("gpt", stems("generat", "pretrain", "transform")),
    ],
)
def test_a_word_cut_from_a_phrase_is_its_short_form(short: str, long: frozenset[str]) -> None:
    assert cut_short(short, long)
    assert same_thing(frozenset([short]), long) and same_thing(long, frozenset([short]))


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("transform", stems("architectur", "transform")),  # a word of the phrase, not the phrase cut short
        ("explain", stems("ai", "explain")),
        ("cnn", stems("convolut", "network")),  # every word of the phrase is used
        ("bert", stems("bidirect", "transform")),
        ("perceptron", stems("perceptron")),  # a phrase has two words or more
    ],
)
def test_other_words_are_not_short_forms(short: str, long: frozenset[str]) -> None:
    assert not cut_short(short, long)


def test_forms_are_read_from_a_concepts_neighbouring_terms() -> None:
    concepts = [
        ("Perceptron", stems("perceptron"), 0),
        ("Long Short-Term Memory", stems("long", "short", "term", "memori"), 1),
        ("Long Short-Term Memory", stems("lstm"), 1),
        ("Recurrent Neural Network", stems("rnn"), 2),
    ]
    assert other_forms(concepts, [2]) == ((stems("lstm"), ("memori",)),)  # "long", "short", "term" are everyday
    assert other_forms(concepts, [1]) == ((stems("long", "short", "term", "memori"), ("lstm",)),)
    assert other_forms(concepts, [3]) == ()  # another concept's long form is not this one's


def test_the_papers_of_one_concept_give_its_forms_once_each_pair_asked_once() -> None:
    """A common concept lists the same terms in every paper: the forms are those of one paper, and each (named term,
    neighbour) pair is worked out once (``_other_words``), not once a paper."""
    lstm = [
        term
        for paper in range(5)
        for term in (
            ("Long Short-Term Memory", stems("long", "short", "term", "memori"), paper),
            ("Long Short-Term Memory", stems("lstm"), paper),
        )
    ]
    forms._other_words.cache_clear()
    assert other_forms(lstm, range(1, 10, 2)) == other_forms(lstm[:2], [1]) == ((stems("lstm"), ("memori",)),)
    assert forms._other_words.cache_info().misses == 1  # the one pair, asked for six papers


def test_a_short_form_that_writes_an_everyday_word_whole_keeps_it() -> None:
    concepts = [("Backpropagation", stems("backprop"), 0), ("Backpropagation", stems("back", "propag"), 0)]
    assert other_forms(concepts, [0]) == ()  # "propagation" alone is a broader thing than "back propagation"


def test_the_reworded_query_writes_the_other_form_in_place_of_the_named_one() -> None:
    forms = [(stems("cnn"), ("convolut",))]
    assert reworded("cnn glued to captions", forms) == "glued to captions convolut"
    assert reworded("anything", []) == ""


def test_the_plan_reads_the_forms_of_the_terms_a_query_names(searcher: Searcher) -> None:
    assert dict(searcher.plan("peeking into what a ConvNet layer responds to").forms) == {
        stems("convnet"): ("convolut",)
    }
    assert dict(searcher.plan("long short-term memory cells").forms) == {
        stems("long", "short", "term", "memori"): ("lstm", "lstms")
    }
    assert searcher.plan("the history of neural networks").forms == ()


@pytest.mark.parametrize(
    ("query", "papers"),
    [
        # AlexNet's summary says "convolutional" and never "convnet" or "CNN"; Zeiler's, "convolutional networks"
        ("convnet", ["2012-krizhevsky-alexnet", "2014-zeiler-visualizing-convnets"]),
        # seq2seq's says "LSTMs" and never "long short-term memory"
        ("long short-term memory", ["2014-sutskever-seq2seq"]),
    ],
)
def test_a_query_in_one_form_finds_a_text_in_the_other(searcher: Searcher, query: str, papers: list[str]) -> None:
    lexical = [r["id"] for r in searcher.search(query, k=5, mode="lexical")["results"]]
    assert set(papers) <= set(lexical), lexical
