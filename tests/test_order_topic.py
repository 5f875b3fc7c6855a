"""An order over a topic ("the oldest paper on convolutional networks") on its own and on the real index: it runs over
the papers about the topic, never over one that only foreshadows it, over a person's own papers when it names one,
within the years the question names, and without what a contrast sets aside; the answer quotes the paper it puts
first.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pytest

from papersearch.core.records import PaperRecord
from papersearch.query import ordering, topical
from papersearch.query.searcher import Searcher

LECUN, HUBEL, ALEXNET = "1989-lecun-cnn", "1959-hubel-visual-cortex", "2012-krizhevsky-alexnet"


def test_the_papers_a_person_wrote_are_what_an_order_over_them_runs_over() -> None:
    fused = np.array([4.0, 3.0, 2.0, -np.inf])
    years = np.array([2013, 2012, 1981, 2005])
    authored = np.array([False, True, True, True])  # the best match only cites them; the last is filtered out
    assert ordering.about(fused, years, None, np.array([0]), authored).tolist() == [1, 2]
    assert 0 in ordering.about(fused, years, None, np.array([0]), np.zeros(4, dtype=bool)).tolist()


def test_a_paper_older_than_the_topics_own_paper_is_left_out_unless_level_with_the_best() -> None:
    """Rows: 0 the topic's own paper (its concept), 1 a later one, 2 an older one 0.46 of the drop behind, 3 an older
    one level with the best, then the rest of the ten."""
    fused = np.array([4.0, 3.4, 2.5, 3.9, 1.3, 1.1, 1.0, 0.9, 0.8, 0.7])
    years = np.array([1989, 2012, 1959, 1950, 2015, 1969, 2005, 1989, 1986, 1990])
    owners = np.array([0])
    assert set(ordering.matches(fused).tolist()) >= {0, 1, 2, 3}
    assert sorted(ordering.about(fused, years, None, owners).tolist()) == [0, 1, 3]
    assert ordering.about(fused, years, None, np.array([], dtype=np.int64)).tolist() == ordering.matches(fused).tolist()


def test_papers_masked_out_are_never_about_the_topic() -> None:
    fused = np.array([4.0, -np.inf, 3.0, 2.0])
    years = np.array([2000, 1990, 2001, 2002])
    assert 1 not in ordering.about(fused, years, None, np.array([0])).tolist()


def test_a_passing_mention_is_left_out_when_some_paper_says_the_topic_in_its_own_headline() -> None:
    """Rows: 0 the best, its title holding the topic; 1 a later paper holding it in its headline too; 2 a still later
    one whose summary alone mentions it, within the margins of ``matches``; 3 another level with the best."""
    fused = np.array([4.0, 2.5, 2.6, 3.9, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5])
    years = np.array([1958, 1969, 1991, 1960, 1990, 1990, 1990, 1990, 1990, 1990])
    headline = np.array([True, True, False, False, False, False, False, False, False, False])
    assert {0, 1, 2, 3} <= set(ordering.about(fused, years, None, np.array([], dtype=np.int64)).tolist())
    about = ordering.about(fused, years, None, np.array([], dtype=np.int64), headline=headline)
    assert sorted(about.tolist()) == [0, 1, 3]
    none = np.zeros(10, dtype=bool)  # no headline holds it ("the newest OpenAI paper"): the matches as they were
    unread = ordering.about(fused, years, None, np.array([], dtype=np.int64), headline=none)
    assert unread.tolist() == ordering.matches(fused).tolist()


def test_a_headline_holds_a_topic_by_its_words_or_by_a_term_of_the_concept_it_names() -> None:
    def record(title: str, question: str, concepts: list[tuple[str, list[str]]]) -> PaperRecord:
        return cast(
            PaperRecord,
            {"title": title, "question": question, "concepts": [{"name": n, "aliases": a} for n, a in concepts]},
        )

    zeiler = record("Visualizing and Understanding Convolutional Networks", "", [("Explainable AI", [])])
    bahdanau = record("Neural Machine Translation", "Can a network learn its own attention?", [("Attention", [])])
    lettvin = record("What the Frog's Eye Tells the Frog's Brain", "", [("Grandmother Neuron", [])])
    cnn = topical.terms_of(
        [
            (
                "Convolutional Neural Network",
                record("", "", [("Convolutional Neural Network", ["CNN", "convolutional network"])]),
            )
        ]
    )
    assert topical.headline_holds([zeiler, bahdanau], "CNNs", cnn)[0].tolist() == [True, False]
    assert not topical.headline_holds([zeiler, bahdanau], "CNNs", cnn)[1]  # a topic, not who wrote them
    assert topical.headline_holds([lettvin, bahdanau], "the brain's neurons", [])[0].tolist() == [True, False]


def _paper(title: str, authors: list[str], summary: str, concepts: list[str] | None = None) -> PaperRecord:
    return cast(
        PaperRecord,
        {
            "title": title,
            "question": "",
            "authors": authors,
            "summary": summary,
            "concepts": [{"name": n, "aliases": []} for n in concepts or []],
        },
    )


def test_an_acronym_typed_in_capitals_is_held_by_a_headline_that_spells_it_out() -> None:
    dqn = _paper("Playing Atari with Deep Reinforcement Learning", [], "")
    rlhf = _paper("Training Language Models", [], "", ["Reinforcement Learning from Human Feedback"])
    bahdanau = _paper("Neural Machine Translation by Jointly Learning to Align", [], "")
    assert topical.headline_holds([dqn, rlhf, bahdanau], "RL paper", [])[0].tolist() == [True, True, False]
    assert topical.spells_out("Reinforcement Learning from Human Feedback", "rlhf")
    assert not topical.spells_out("Learning Representations", "rl")  # the initials in their order
    assert topical.acronyms("the newest RL or GANs paper, in rl") == {"rl": "rl", "gan": "gan"}


def test_a_capitalised_name_no_headline_holds_is_who_wrote_the_paper() -> None:
    """DeepSeek-R1's summary names OpenAI as a rival; its authors name DeepSeek AI: it is theirs, not OpenAI's."""
    rlhf = _paper("Training Language Models", ["Long Ouyang"], "the OpenAI AI Safety team develops RLHF")
    deepseek = _paper("DeepSeek-R1", ["DeepSeek AI", "Daya Guo"], "OpenAI releases GPT-4o1; then DeepSeek releases")
    lstm = _paper("Long Short-Term Memory", ["Sepp Hochreiter"], "gradients vanish")
    records = [rlhf, deepseek, lstm]
    assert topical.organisation("the OpenAI paper?", records) == "OpenAI"
    holds, by_name = topical.headline_holds(records, "OpenAI paper?", [])
    assert holds.tolist() == [True, False, False] and by_name  # who wrote them, not what they are about
    assert topical.by_organisation(deepseek, "DeepSeek") and not topical.by_organisation(lstm, "DeepSeek")
    assert topical.organisation("RL paper", records) is None  # an acronym: a topic
    assert topical.organisation("memory paper", records) is None  # typed in lower case
    assert topical.organisation("Memory paper", records) is None  # a headline holds it
    assert topical.organisation("OpenAI language models", records) is None  # more than a name


def test_an_order_over_who_wrote_the_papers_runs_over_theirs_alone() -> None:
    """Row 1 is level with the best but not theirs (a rival's paper that names them): left out only when the topic is
    who wrote the papers (``by_name``)."""
    fused = np.array([4.0, 4.0, 2.5, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    years = np.array([2021, 2025, 2022, 1990, 1990, 1990, 1990, 1990, 1990, 1990])
    theirs = np.array([True, False, True, False, False, False, False, False, False, False])
    none = np.array([], dtype=np.int64)
    assert 1 in ordering.about(fused, years, None, none, headline=theirs).tolist()
    assert ordering.about(fused, years, None, none, headline=theirs, by_name=True).tolist() == [0, 2]


def test_a_match_past_the_head_is_not_judged_by_a_headline_left_unread() -> None:
    """Row 11 holds the topic's words far down the ranking (as a dense ranking puts AlphaFold for "the most recent
    DeepMind paper"): its headline was not read, so it stays among the matches the head's headlines narrow."""
    fused = np.array([0.54, 0.52, 0.49, 0.48, 0.47, 0.46, 0.44, 0.44, 0.43, 0.43, 0.42, 0.41])
    years = np.array([2013, 2016, 2005, 1990, 1989, 2025, 1986, 1988, 2014, 2019, 2012, 2020])
    holding = np.zeros(12, dtype=bool)
    holding[[0, 1, 11]] = True
    headline = holding.copy()
    headline[11] = False  # past the head: never read
    about = ordering.about(fused, years, holding, np.array([], dtype=np.int64), headline=headline)
    assert {0, 1, 11} <= set(about.tolist()) and 5 not in about.tolist()


def test_a_headline_anywhere_in_the_head_holds_the_topic() -> None:
    """Row 4 says the topic in its headline, far under the best (past ``WORDS_MARGIN``) but among the ten best: it is
    one of the topic's papers; row 3, as far down, does not say it and is left out."""
    fused = np.array([6.0, 3.5, 3.2, 1.4, 1.3, 1.0, 0.9, 0.8, 0.7, 0.6])
    years = np.array([1989, 2012, 1959, 2016, 2014, 1990, 1990, 1990, 1990, 1990])
    headline = np.array([True, True, False, False, True, False, False, False, False, False])
    assert fused[0] - fused[4] > ordering.WORDS_MARGIN
    about = ordering.about(fused, years, None, np.array([], dtype=np.int64), headline=headline)
    assert 4 in about.tolist() and 3 not in about.tolist()


@pytest.mark.parametrize(
    ("query", "first"),
    [
        # a paper that mentions the topic in passing is not one about it: Bahdanau's "While CNNs compare adjacent
        # pixels", Bottou's "learning algorithms such as perceptrons"
        ("the latest paper about CNNs", "2014-zeiler-visualizing-convnets"),
        ("newest paper on perceptrons", "1969-minsky-perceptrons"),
        ("the oldest reinforcement learning paper here", "2013-mnih-dqn"),
        # Hubel and Wiesel (1959) hold both words ("later inspire ... convolutional neural networks"), LeCun's is the
        # paper whose concept they are
        ("the oldest paper on convolutional networks", LECUN),
        ("earliest convnet paper", LECUN),
        ("the oldest paper about generative adversarial networks", "2014-goodfellow-gan"),
        ("the latest paper on GANs", "2017-isola-pix2pix"),  # a later paper that uses the topic still counts
        # a paper whose headline says the topic counts wherever it ranks among the best ten
        ("the newest paper on convnets", "2014-zeiler-visualizing-convnets"),
        # ... and a question that says it: the Transformer's "Are recurrent networks necessary ...?"
        ("the latest paper on RNNs", "2017-vaswani-transformer"),
        ("the oldest paper on RNNs", "1990-elman-rnn"),
        # an acronym is held where a headline spells it out: DeepSeek-R1's "via Reinforcement Learning"
        ("the most recent RL paper", "2025-deepseek-deepseek-r1"),
        ("the oldest RL paper", "2013-mnih-dqn"),
        # a name no headline holds is who wrote it: the papers whose summary names DeepMind (not LeCun's, close in
        # meaning only)
        ("the oldest paper from DeepMind", "2013-mnih-dqn"),
        ("the newest paper from DeepMind", "2020-senior-alphafold"),
        # ... its own papers alone: DeepSeek-R1 names OpenAI as a rival, close in meaning, and is not OpenAI's
        ("what is the newest OpenAI paper?", "2022-ouyang-rlhf"),
        # the years a question names bound the order as they bound one over the whole list
        ("the oldest paper on language after 2000", "2003-bengio-neural-language-model"),
        ("after 2015, the first paper about language", "2018-radford-gpt-2"),
        # what a contrast sets aside is no part of the topic
        (
            "most recent paper here that studies real brains instead of artificial ones?",
            "2005-quiroga-multimodal-neurons",
        ),
    ],
)
def test_an_order_over_a_topic_puts_first_and_quotes_a_paper_about_it(
    searcher: Searcher, query: str, first: str
) -> None:
    res = searcher.search(query)
    order = res["understood"]["order"] if res["understood"] else None
    assert order is not None and order["over"] == "topic", query
    assert res["results"][0]["id"] == first and not res["no_match"]
    answer = searcher.answer(query)
    assert [s["id"] for s in answer["sources"]] == [first]


def test_a_paper_that_only_foreshadows_the_topic_still_ranks_below_it(searcher: Searcher) -> None:
    """Left out of the order, Hubel and Wiesel's paper is not dropped: it keeps its place by relevance below the
    papers the order puts first."""
    ids = [h["id"] for h in searcher.search("the oldest paper on convolutional networks", k=10)["results"]]
    assert ids[:2] == [LECUN, ALEXNET] and HUBEL in ids[2:]


def test_a_named_year_keeps_every_paper_of_the_order_inside_it(searcher: Searcher) -> None:
    res = searcher.search("the newest paper on images before 2015", k=10)
    assert res["understood"] is not None and res["understood"]["years"] is not None
    assert res["results"][0]["year"] <= 2014


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("the last Hinton paper in the list", ALEXNET),  # not the VAE (2013), which cites Hinton's wake-sleep
        ("the latest paper by Sutskever", "2021-radford-clip"),  # one of twelve authors
        ("the oldest paper by Hinton", "1981-hinton-distributed-representation"),
        ("the latest paper by Hinton and Sutskever", ALEXNET),  # by both
    ],
)
def test_an_order_over_a_person_runs_over_the_papers_they_wrote(searcher: Searcher, query: str, first: str) -> None:
    res = searcher.search(query)
    assert res["understood"] is not None and res["understood"]["order"] is not None
    assert res["results"][0]["id"] == first
    assert [s["id"] for s in searcher.answer(query)["sources"]] == [first]
