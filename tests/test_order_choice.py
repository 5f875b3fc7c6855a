"""A choice between two papers ("which came first, A or B?") on the real index: its two sides read from the words,
exactly the two papers they name ranked first in the order asked, ``understood`` naming both, the answer quoting
the one put first, and a side that names no paper of the list said to name none.
"""

from __future__ import annotations

import pytest

from papersearch.query.order import choice_sides, read_order
from papersearch.query.searcher import Searcher

VAE, GAN = "2013-kingma-vae", "2014-goodfellow-gan"
CLIP, NERF = "2021-radford-clip", "2020-mildenhall-nerf"


@pytest.mark.parametrize(
    ("text", "topic", "sides"),
    [
        ("which came first, the VAE or the GAN?", "the VAE or the GAN?", ("the VAE", "the GAN")),
        ("GPT-2 or BERT: which is newer?", "GPT-2 or BERT: ?", ("GPT-2", "BERT")),
        ("which is older, either AlphaFold or AlphaGo?", "either AlphaFold or AlphaGo?", ("AlphaFold", "AlphaGo")),
        ("which appeared later, AlphaGo vs DQN?", "AlphaGo vs DQN?", ("AlphaGo", "DQN")),
        ("which came first, CNNs or RNNs or LSTMs?", "CNNs or RNNs or LSTMs?", ("CNNs", "RNNs", "LSTMs")),
        ("the oldest paper on CNNs or RNNs", "CNNs or RNNs", None),  # an order over a topic, not a choice
        ("which came first, the VAE?", "the VAE?", None),
        ("did GANs come before VAEs?", "GANs VAEs?", ("GANs", "VAEs")),
        ("is word2vec older than Bengio's model?", "word2vec Bengio's model?", ("word2vec", "Bengio's model")),
        # "which of A and B": the sides stand inside the question, joined by "and" too; so after a leading "between"
        ("which of BERT and GPT-2 is newer?", "BERT and GPT-2 ?", ("BERT", "GPT-2")),
        ("which one of AlexNet or ResNet came out first", "AlexNet or ResNet", ("AlexNet", "ResNet")),
        ("which of the two, AlexNet and ResNet, is the oldest?", "AlexNet and ResNet ?", ("AlexNet", "ResNet")),
        ("between BERT and GPT-2, which came first?", "between BERT and GPT-2, ?", ("BERT", "GPT-2")),
        # elsewhere "and" is part of a side's name, and "which of" a topic's papers is an order over them
        ("which came first, Show and Tell or AlexNet?", "Show and Tell or AlexNet?", ("Show and Tell", "AlexNet")),
        ("which of the GAN papers came first", "which of the GAN papers came", None),
    ],
)
def test_a_choice_is_split_into_its_two_sides(text: str, topic: str, sides: tuple[str, ...] | None) -> None:
    assert choice_sides(text, topic) == sides


# (question, the paper it asks for, the other side's paper): both directions, sides named by title words, concept,
# surname and nickname
CHOICES = [
    ("which came first, the VAE or the GAN?", VAE, GAN),
    ("the GAN or the VAE: which one was first?", VAE, GAN),
    ("which is newer, CLIP or NeRF?", CLIP, NERF),
    ("which was published later: AlexNet or ResNet?", "2015-he-resnet", "2012-krizhevsky-alexnet"),
    ("which was first, Hochreiter or Bengio?", "1997-hochreiter-lstm", "2003-bengio-neural-language-model"),
    ("GPT-2 or BERT: which is newer?", "2019-devlin-bert", "2018-radford-gpt-2"),
    ("which is older, AlphaFold or AlphaGo?", "2016-silver-alphago", "2020-senior-alphafold"),
    ("which of BERT and GPT-2 is newer?", "2019-devlin-bert", "2018-radford-gpt-2"),
    ("which of BERT and GPT-2 came first?", "2018-radford-gpt-2", "2019-devlin-bert"),
    ("between AlexNet and ResNet, which is the older?", "2012-krizhevsky-alexnet", "2015-he-resnet"),
    # a side of several words stays whole: only words that say when stand between it and the comparative
    ("which of BERT and the transformer came first?", "2017-vaswani-transformer", "2019-devlin-bert"),
    ("which of generative adversarial networks and variational autoencoders came first?", VAE, GAN),
    (
        "which of the perceptron and deep belief nets was published first?",
        "1958-rosenblatt-perceptron",
        "2005-hinton-deep-belief-networks",
    ),
    (
        "which was published first, NLP from scratch or word2vec?",
        "2011-collobert-nlp-from-scratch",
        "2012-mikolov-word2vec",
    ),
    # a yes-or-no question of which came first is a choice of its two papers, not what came before the second
    ("did GANs come before VAEs?", VAE, GAN),
    ("was the LSTM published before or after Elman's network?", "1990-elman-rnn", "1997-hochreiter-lstm"),
    ("is word2vec older than Bengio's language model?", "2003-bengio-neural-language-model", "2012-mikolov-word2vec"),
    ("Was AlphaGo after DQN?", "2016-silver-alphago", "2013-mnih-dqn"),  # "after": the later first
]


@pytest.mark.parametrize(("text", "first", "second"), CHOICES)
def test_a_choice_ranks_exactly_its_two_papers_first_in_the_order_asked(
    searcher: Searcher, text: str, first: str, second: str
) -> None:
    results = searcher.search(text, k=5)
    assert [h["id"] for h in results["results"][:2]] == [first, second]
    order = results["understood"]["order"] if results["understood"] else None
    assert order is not None and order["over"] == "topic" and order["paper"] is None
    titles = {h["id"]: f"{h['title']} ({h['year']})" for h in results["results"]}
    assert titles[first] in order["label"] and titles[second] in order["label"]
    assert {side["paper"] for side in order["choice"]} == {first, second}  # each side's paper, by id
    answer = searcher.answer(text)
    assert answer["sources"] and answer["sources"][0]["id"] == first


def test_a_choice_overrides_a_closer_third_paper(searcher: Searcher) -> None:
    """Read over the topic's matches, "which is newer, CLIP or NeRF?" put NeRF first (CLIP fell outside the
    matches): ordered over the two papers named, CLIP (2021) is first, and no third paper comes between them."""
    plain = searcher.search("CLIP or NeRF", k=5)
    asked = searcher.search("which is newer, CLIP or NeRF?", k=5)
    assert {h["id"] for h in plain["results"][:2]} == {CLIP, NERF}
    assert [h["id"] for h in asked["results"][:2]] == [CLIP, NERF]


def test_a_side_that_names_no_paper_is_said_to_name_none(searcher: Searcher) -> None:
    """VGG is not on the list: AlexNet comes first, the rest by relevance, and the label says "VGG" names none."""
    results = searcher.search("which was first, AlexNet or VGG?", k=5)
    assert results["results"][0]["id"] == "2012-krizhevsky-alexnet"
    order = results["understood"]["order"] if results["understood"] else None
    assert order is not None and "“VGG” (no paper of the list)" in order["label"]
    assert order["choice"] == [
        {"words": "AlexNet", "paper": "2012-krizhevsky-alexnet"},
        {"words": "VGG", "paper": None},
    ]
    assert searcher.answer("which was first, AlexNet or VGG?")["sources"][0]["id"] == "2012-krizhevsky-alexnet"


def test_taking_the_order_back_drops_the_choice(searcher: Searcher) -> None:
    results = searcher.search("which came first, the VAE or the GAN?", k=5, ignore=("order",))
    assert results["understood"] is not None and results["understood"]["order"] is None


def test_an_order_over_a_topic_is_not_a_choice() -> None:
    reading = read_order("the oldest paper on CNNs or RNNs")
    assert reading is not None and not reading.choice and reading.label() == "oldest first"


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("which is the newest, bert or gpt-2?", "latest"),
        ("which is the oldest: the VAE or GANs?", "earliest"),
        ("what was first, word2vec or glove?", "earliest"),
        ("which is the most recent: CLIP or NeRF?", "latest"),
    ],
)
def test_a_superlative_with_two_sides_after_it_asks_a_choice(text: str, first: str) -> None:
    o = read_order(text)
    assert o is not None and o.first == first
    assert choice_sides(text, text[o.spans[0][1] :]) is not None
    assert read_order("which paper is the oldest?") is not None  # no sides: an order over the list, as before
    assert choice_sides("which paper is the oldest?", "paper is the?") is None


# a choice of three or more, or a list put in order: each item a side ("which came first: LSTM, GRU or the transformer?"
# was a choice between "LSTM, GRU" and "the transformer"; "put these in order: ..." was no order at all)
LISTS = [
    ("which came first: LSTM, GRU or the transformer?", ("LSTM", "GRU", "the transformer")),
    ("which is oldest: GANs, VAEs or diffusion models?", ("GANs", "VAEs", "diffusion models")),
    ("which is newest: CLIP, NeRF or AlphaFold?", ("CLIP", "NeRF", "AlphaFold")),
    ("which of BERT, GPT-2 and CLIP came first?", ("BERT", "GPT-2", "CLIP")),
    (
        "which came later, pix2pix, the GAN paper, or latent diffusion?",
        ("pix2pix", "the GAN paper", "latent diffusion"),
    ),
    ("put these in order: the transformer, LSTM, attention", ("the transformer", "LSTM", "attention")),
    ("order these by year: BERT, ResNet, AlexNet", ("BERT", "ResNet", "AlexNet")),
    ("in chronological order: word2vec, BERT and GPT-2", ("word2vec", "BERT", "GPT-2")),
    ("could you sort these three by date - GANs, VAEs and pix2pix", ("GANs", "VAEs", "pix2pix")),
]


@pytest.mark.parametrize(
    "text", ["rank these models by accuracy: ResNet, VGG, AlexNet", "sort these by size: BERT, GPT-2, CLIP"]
)
def test_a_list_put_in_order_by_something_else_than_time_is_no_order(text: str) -> None:
    o = read_order(text)
    assert o is None or o.first is None, text


@pytest.mark.parametrize(("text", "sides"), LISTS)
def test_a_list_of_three_or_more_is_split_into_its_items(text: str, sides: tuple[str, ...]) -> None:
    o = read_order(text)
    assert o is not None and o.first is not None
    topic = searcher_topic(text, o.spans)
    assert choice_sides(text, topic) == sides


def searcher_topic(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The text less the order's words, as the plan reads a topic."""
    from papersearch.query.plan import _topic

    return _topic(text, None, spans)


@pytest.mark.parametrize(
    "text",
    [
        "sort the GAN papers by date",
        "list papers on CNNs and RNNs in chronological order",
        "the oldest paper on CNNs",
        "sort papers on vision, language and speech by date",
        "the oldest paper on CNNs, RNNs or LSTMs",
    ],
)
def test_an_order_over_a_topic_is_no_list(text: str) -> None:
    o = read_order(text)
    assert choice_sides(text, searcher_topic(text, o.spans) if o is not None else text) is None


@pytest.mark.parametrize(
    ("text", "first", "named"),
    [
        ("which came first: LSTM, GRU or the transformer?", "1997-hochreiter-lstm", 2),
        ("which is oldest: GANs, VAEs or diffusion models?", VAE, 3),
        ("which is newest: CLIP, NeRF or AlphaFold?", CLIP, 3),
        ("put these in order: the transformer, LSTM, attention", "1997-hochreiter-lstm", 3),
        ("which of BERT, GPT-2 and CLIP came first?", "2018-radford-gpt-2", 3),
    ],
)
def test_a_list_ranks_its_papers_first_in_the_order_asked_and_quotes_the_first(
    searcher: Searcher, text: str, first: str, named: int
) -> None:
    results = searcher.search(text, k=5)
    order = results["understood"]["order"] if results["understood"] else None
    assert order is not None and len(order["choice"]) == 3
    papers = list(dict.fromkeys(side["paper"] for side in order["choice"] if side["paper"]))
    assert len(papers) == named and results["results"][0]["id"] == first
    years = [h["year"] for h in results["results"][:named]]
    assert {h["id"] for h in results["results"][:named]} == set(papers)
    assert years == sorted(years, reverse=order["first"] == "latest")
    assert searcher.answer(text)["sources"][0]["id"] == first
