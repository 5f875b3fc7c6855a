"""A relation to one paper read by what its words mean, not by a list of wordings: a verb's side taken from the part
the paper plays (what X built on, replaced or cited came before X; what X led to, enabled or inspired came after it;
with X the verb's object, the other side), a side named by a noun after the paper's words ("AlexNet's ancestors",
"Radford 2018 successors"), a side and a paper alone ("before alexnet?"), and a paper named by "et al.".
"""

from __future__ import annotations

import pytest

from papersearch.query.relation import read_relation
from papersearch.query.searcher import Searcher


@pytest.mark.parametrize(
    ("text", "side", "anchor"),
    [
        # the paper the verb's subject: the verb says the side
        ("the seq2seq paper built on what", "before", "the seq2seq paper"),
        ("what did attention replace", "before", "attention"),
        ("what did attention supersede?", "before", "attention"),
        ("what does the transformer improve on?", "before", "the transformer"),
        ("what did ResNet extend", "before", "ResNet"),
        ("what did Sutskever et al. 2014 build on?", "before", "Sutskever et al 2014"),
        ("what did the perceptron inspire", "after", "the perceptron"),
        ("what did word2vec give rise to?", "after", "word2vec"),
        ("where did the LSTM paper lead?", "after", "the LSTM paper"),
        ("which earlier works does the BERT paper draw from", "before", "the BERT paper"),
        ("what earlier ideas does CLIP combine", "before", "CLIP"),
        ("I need the papers the transformer was built upon for my thesis", "before", "the transformer"),
        ("who picked up where the denoising autoencoder paper left off?", "after", "the denoising autoencoder paper"),
        ("papers that predate BERT and shaped it", "before", "BERT"),
        # the paper the verb's object: the other side
        ("what enabled the transformer?", "before", "the transformer"),
        ("what made AlexNet possible", "before", "AlexNet"),
        ("which papers extended GANs", "after", "GANs"),
        ("what superseded LSTMs", "after", "LSTMs"),
        ("pre-transformer", "before", "transformer"),
        ("post-BERT", "after", "BERT"),
        # a noun that names a side, after the paper's words
        ("AlexNet's ancestors", "before", "AlexNet"),
        ("ancestors of the transformer", "before", "the transformer"),
        ("alexnet lineage", "before", "alexnet"),
        ("Radford 2018 successors", "after", "Radford 2018"),
        ("the DQN paper's heirs", "after", "DQN paper"),
        # a side and a paper, nothing else
        ("before alexnet?", "before", "alexnet"),
        ("after GPT-2?", "after", "GPT-2"),
        ("pre-transformer?", "before", "transformer"),
        ("so, post BERT", "after", "BERT"),
    ],
)
def test_a_relation_is_read_from_what_its_words_mean(text: str, side: str, anchor: str) -> None:
    assert read_relation(text, False)[:2] == (side, anchor)


@pytest.mark.parametrize(
    "text",
    [
        "where did attention come from",  # an origin question
        "after 2015?",  # a time
        "which paper mentions dropout?",  # a topic
        "brain inspired models",
        "the impact of dropout on overfitting",
        # a verb that says a topic as often as a time, with the paper its object (review of session 41)
        "which papers combine CNNs and RNNs?",
        "which papers mention attention",
        "papers that draw on neuroscience",
        "work that takes from biology",
        "papers that merge vision and language",
        "what papers unify generative models",
        "papers that follow the encoder-decoder design",
        "papers based on attention",
        # pre-/post- that make a word, not a side; "since" before a question word; children and parents of nodes
        "pre-trained word vectors",
        "pre-training language representations",
        "post-training quantization",
        "post hoc explanations",
        "pre-norm transformer",
        "post-processing of outputs",
        "since when are GPUs used for deep learning",
        "nodes and their children",
        "tree nodes with parents",
    ],
)
def test_what_is_no_relation_stays_none(text: str) -> None:
    assert read_relation(text, False)[0] is None


@pytest.mark.parametrize(
    ("text", "anchor", "first"),
    [
        ("AlexNet's ancestors", "2012-krizhevsky-alexnet", "1989-lecun-cnn"),
        ("the seq2seq paper built on what", "2014-sutskever-seq2seq", "1997-hochreiter-lstm"),
        ("what did Sutskever et al. 2014 build on?", "2014-sutskever-seq2seq", "1997-hochreiter-lstm"),
        ("Radford 2018 successors", "2018-radford-gpt-2", None),
        ("what did attention replace", "2015-bahdanau-attention", None),
    ],
)
def test_the_paper_a_relation_names_is_found_and_its_side_ranked_first(
    searcher: Searcher, text: str, anchor: str, first: str | None
) -> None:
    results = searcher.search(text, k=5)
    order = results["understood"]["order"] if results["understood"] else None
    assert order is not None and order["paper"] == anchor
    year = next(p["year"] for p in searcher.papers() if p["id"] == anchor)
    top = results["results"][0]
    assert top["year"] <= year if order["over"] == "before" else top["year"] >= year
    if first is not None:
        assert top["id"] == first
        assert first in {s["id"] for s in searcher.answer(text)["sources"]}
