"""Where a part of a network goes, and where a process takes something from, are no order in time: "does batch
normalization go before or after the activation?" asks a position, not which of two papers came first; "draw samples
from a VAE" and "generate text from GPT-2" say what a process starts from, not "papers from 2013 on". A paper that
"follows from" a paper came after it ("which paper follows from the LSTM paper?"); the same words beside two papers,
or "papers from X on", still read as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from papersearch.query.order import choice_sides, read_order
from papersearch.query.relation import read_relation
from papersearch.query.steps import a_position
from papersearch.query.timewords import read_time
from papersearch.query.windows import TimeContext

ERAS = tuple(yaml.safe_load((Path(__file__).parents[1] / "corpus" / "eras.yaml").read_text(encoding="utf-8")))
CONCEPTS = {"vae": 2013, "gpt 2": 2018, "batch norm": 2015, "backprop": 1986, "word2vec": 2012, "attention": 2015}
CONTEXT = TimeContext(ERAS, 1943, 2025, CONCEPTS)


@pytest.mark.parametrize(
    "text",
    [
        "does batch normalization go before or after the activation?",
        "should dropout come before or after batch norm?",
        "does the residual connection come before or after the nonlinearity?",
        "is layer norm applied before or after attention?",
        "do you put the pooling layer after or before the ReLU activation?",
        "what comes after the pooling layer in LeNet?",
        "what follows the convolution in a typical CNN block?",
        "what does the generator learn from the discriminator in a GAN?",
    ],
)
def test_where_a_part_of_a_network_goes_is_no_order(text: str) -> None:
    reading = read_order(text)
    assert reading is None or (reading.first is None and reading.side is None and not reading.compares)
    assert read_relation(text, False)[0] is None
    assert read_time(text, CONTEXT) is None  # "after batch norm" beside a part: no years after 2015 either


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("did GANs come before or after VAEs?", "earliest"),
        ("was the LSTM published before or after Elman's network?", "earliest"),
        ("did batch normalization come out before or after Adam?", "earliest"),
    ],
)
def test_two_papers_before_or_after_each_other_are_still_a_choice(text: str, first: str) -> None:
    assert not a_position(text)
    reading = read_order(text)
    assert reading is not None and reading.first == first


def test_a_choice_between_positions_has_no_sides() -> None:
    assert choice_sides("does batch normalization go before or after the activation?", "batch norm activation") is None
    assert choice_sides("did GANs come before VAEs?", "GANs VAEs") == ("GANs", "VAEs")


@pytest.mark.parametrize(
    "text",
    [
        "how do you draw samples from a VAE?",
        "how do you generate text from GPT-2?",
        "can I get embeddings from word2vec for my own corpus?",
        "computing gradients from backprop by hand",
    ],
)
def test_from_after_a_process_is_no_time(text: str) -> None:
    assert read_time(text, CONTEXT) is None


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("papers from backprop on", (1986, 2025)),
        ("papers from word2vec", (2012, 2025)),
        ("work from attention about translation", (2015, 2025)),
        ("from backprop", (1986, 2025)),
        ("papers from 2005", (2005, 2005)),
    ],
)
def test_from_a_thing_beside_papers_is_still_a_time(text: str, years: tuple[int, int]) -> None:
    window = read_time(text, CONTEXT)
    assert window is not None and (window.start, window.end) == years


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("which paper follows from the LSTM paper?", "the LSTM paper"),
        ("what follows from the LSTM paper?", "the LSTM paper"),
        ("papers that followed from the GAN paper", "the GAN paper"),
        ("which papers follow from backprop?", "backprop"),
    ],
)
def test_a_paper_that_follows_from_a_paper_came_after_it(text: str, anchor: str) -> None:
    assert read_relation(text, False)[:2] == ("after", anchor)


def test_a_consequence_of_a_theorem_is_still_no_paper() -> None:
    assert read_relation("what follows from the universal approximation theorem?", False)[0] is None


@pytest.mark.parametrize(
    "text",
    [
        "was dropout introduced before or after batch normalization?",
        "did dropout come before or after batch normalization?",
        "were convolutional layers used before or after the LSTM?",
    ],
)
def test_a_past_question_of_two_techniques_is_a_choice_in_time_not_a_position(text: str) -> None:
    """The review's: "did X come / was X introduced before or after Y" asks when (the past asks no position), and a
    part named alone on the first side is a technique of the list, not a step; read as a choice, no years bound."""
    reading = read_order(text)
    assert reading is not None and reading.first == "earliest" and reading.side is None
    assert read_time(text, CONTEXT) is None


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("what came after dropout?", "dropout"),
        ("what replaced max pooling?", "max pooling"),
        ("papers influenced by the residual block", "the residual block"),
        ("what came after convolutional layers?", "convolutional layers"),
    ],
)
def test_a_part_named_alone_is_a_technique_with_a_history(text: str, anchor: str) -> None:
    """A part of a network with no network around it ("dropout", "max pooling") is a technique whose successors a
    question asks for; "by" ahead of it does not turn the side ("influenced by the residual block" was read as before)."""
    assert read_relation(text, False)[:2] == ("after", anchor)
