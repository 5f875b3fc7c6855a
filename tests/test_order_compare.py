"""A comparison of two things, no order in time asked ("the difference between GANs and VAEs", "A vs B"), on the real
index: its two sides read from the sentence's structure, the papers they name ranked first in the order asked,
``understood`` saying "comparing A and B", and the answer quoting a sentence of each side's paper, with a line of its
own for a side the list lacks.
"""

from __future__ import annotations

import pytest

from papersearch.query import answer as answering
from papersearch.query.comparison import COMPARED, compared_sides
from papersearch.query.order import choice_sides, read_order
from papersearch.query.searcher import Searcher

VAE, GAN = "2013-kingma-vae", "2014-goodfellow-gan"
DIFFUSION = "2015-sohl-dickstein-diffusion-models"


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        ("what is the difference between GANs and VAEs?", ("GANs", "VAEs")),
        ("differences between word2vec and GloVe", ("word2vec", "GloVe")),
        ("compare diffusion models and GANs for image generation", ("diffusion models", "GANs")),
        ("compare the perceptron with backpropagation", ("the perceptron", "backpropagation")),
        ("comparison of CNNs and RNNs", ("CNNs", "RNNs")),
        ("LSTM vs transformer", ("LSTM", "transformer")),
        ("what is LSTM versus GRU, in speech?", ("LSTM", "GRU")),
        ("how does dropout differ from batch normalization?", ("dropout", "batch normalization")),
        ("BERT compared to GPT-2", ("BERT", "GPT-2")),
        # no comparison: a choice of order, years between, one thing, a side with no word
        ("which came first, LSTM or the transformer?", None),
        ("papers between 1990 and 2000", None),
        ("what difference did dropout make?", None),
        ("compare GANs", None),
    ],
)
def test_a_comparison_is_read_as_its_two_sides(text: str, sides: tuple[str, str] | None) -> None:
    assert compared_sides(text) == sides


def test_each_comparison_pattern_is_gated_on_words_every_match_holds() -> None:
    """``Gated`` is only tried on texts that hold one of its words: each pattern compiled plainly agrees."""
    texts = ["GANs versus VAEs", "how is A different from B", "A, as compared with B", "contrast A with B", "x vs. y"]
    for pattern in COMPARED:
        for text in texts:
            assert bool(pattern.compiled.search(text)) == bool(pattern.search(text)), (pattern.pattern, text)


def test_a_comparison_is_an_order_with_no_end_of_time_and_no_words_set_aside() -> None:
    """It travels as a choice does, but asks no end of time, and the whole question stays what is searched for."""
    o = read_order("what is the difference between GANs and VAEs?")
    assert o is not None and o.compares and o.first is None and o.side is None and o.spans == ()
    assert o.label() == "comparing GANs and VAEs"
    assert choice_sides("what is the difference between GANs and VAEs?", "anything") == ("GANs", "VAEs")
    # an order in time asked is never a comparison, whatever else the question says
    assert choice_sides("the oldest paper comparing GANs and VAEs", "GANs and VAEs") is None
    o = read_order("which came first, GANs vs VAEs?")
    assert o is not None and not o.compares and o.first == "earliest"


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("what is the difference between GANs and VAEs?", GAN, VAE),
        ("compare diffusion models and GANs for image generation", DIFFUSION, GAN),
        ("VAE vs GAN", VAE, GAN),
        ("how does a VAE differ from a GAN?", VAE, GAN),
        ("GANs compared to diffusion models", GAN, DIFFUSION),
    ],
)
def test_a_comparison_ranks_its_two_papers_first_and_quotes_both_in_the_order_asked(
    searcher: Searcher, text: str, first: str, second: str
) -> None:
    results = searcher.search(text, k=5)
    assert [h["id"] for h in results["results"][:2]] == [first, second], text
    order = results["understood"]["order"] if results["understood"] else None
    assert order is not None and order["first"] is None and order["label"].startswith("comparing ")
    assert [side["paper"] for side in order["choice"]] == [first, second]
    a = searcher.answer(text)
    assert list(dict.fromkeys(s["id"] for s in a["sentences"])) == [first, second], text
    assert [s["id"] for s in a["sources"]] == [first, second]
    assert a["order"] == "relevance" and a["notes"] == [] and not a["declined"]


def test_a_comparison_with_a_side_the_list_lacks_quotes_the_other_and_says_so(searcher: Searcher) -> None:
    """GloVe is not on the list: word2vec is quoted, and a line that is no quote says the list lacks GloVe."""
    a = searcher.answer("what is the difference between word2vec and GloVe?")
    assert {s["id"] for s in a["sentences"]} == {"2012-mikolov-word2vec"}
    assert a["notes"] == [answering.unlisted("GloVe", compared=True)] and "GloVe" in a["notes"][0]
    order = a["understood"]["order"] if a["understood"] else None
    assert order is not None and "“GloVe” (no paper of the list)" in order["label"]


def test_taking_the_order_back_drops_the_comparison(searcher: Searcher) -> None:
    text = "what is the difference between GANs and VAEs?"
    results = searcher.search(text, k=5, ignore=("order",))
    assert results["understood"] is not None and results["understood"]["order"] is None
    assert searcher.answer(text, ignore=("order",))["notes"] == []


@pytest.mark.parametrize(
    "text", ["what is the difference between GANs and VAEs?", "mesh wifi vs range extender for a home network"]
)
def test_a_comparison_is_judged_as_its_words_are(searcher: Searcher, text: str) -> None:
    """A side found does not make the search sure that something matches: the verdict is the one the same words get
    with the comparison taken back, and an everyday comparison a side of which shares a word with a paper is still
    declined, ranked by relevance alone."""
    asked, plain = searcher.search(text, k=5), searcher.search(text, k=5, ignore=("order",))
    assert (asked["confidence"], asked["no_match"]) == (plain["confidence"], plain["no_match"])
    if asked["no_match"]:
        assert [h["id"] for h in asked["results"]] == [h["id"] for h in plain["results"]]
        assert searcher.answer(text)["declined"]


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("LSTM vs GRU", "comparing “LSTM” and “GRU” (both in Long Short-Term Memory (1997))"),
        ("which came first, LSTM or GRU?", "oldest first: “LSTM” or “GRU” (both in Long Short-Term Memory (1997))"),
    ],
)
def test_two_sides_in_one_paper_are_said_as_their_words(searcher: Searcher, query: str, label: str) -> None:
    """The LSTM paper names the GRU too: both sides find it, and the label says so once, not the paper twice."""
    order = searcher.search(query)["understood"]["order"]  # type: ignore[index]
    assert order is not None and order["label"] == label
