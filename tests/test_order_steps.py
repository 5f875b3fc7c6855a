"""A time word beside a step of a process is no order: "after training", "before the softmax", "what comes after the
encoder in a seq2seq model", "before or after the gradient step" say when in a procedure, not which paper came
when; the same words beside a paper still ask what came before or after it. "What follows from X" is a
consequence, not a successor; "the legacy of X" is what came after X.
"""

from __future__ import annotations

import pytest

from papersearch.query.order import choice_sides, read_order
from papersearch.query.relation import read_relation
from papersearch.query.steps import a_step


@pytest.mark.parametrize(
    "text",
    [
        "after training, how do I evaluate a GAN?",
        "before training, how should I initialize the weights?",
        "after pretraining, how is BERT fine-tuned?",
        "after fine-tuning, does the model forget?",
        "what comes after the encoder in a seq2seq model?",
        "what happens after the attention layer in a transformer?",
        "what is computed before the backward pass?",
        "what follows from the universal approximation theorem?",
        "does weight decay apply before or after the gradient step?",
        "is the softmax applied before or after the final layer?",
    ],
)
def test_a_step_of_a_process_is_no_order(text: str) -> None:
    reading = read_order(text)
    assert reading is None or (reading.first is None and reading.side is None and not reading.compares)


@pytest.mark.parametrize(
    ("text", "side", "anchor"),
    [
        ("after BERT, what came next?", "after", "BERT"),
        ("what came after batch normalization?", "after", "batch normalization"),
        ("what comes after the encoder-decoder paper?", "after", "the encoder-decoder paper"),
        ("what came before Xavier initialization?", "before", "Xavier initialization"),
        ("which papers follow up on the GAN paper?", "after", "the GAN paper"),
        ("what followed AlexNet?", "after", "AlexNet"),
        ("the legacy of the LSTM paper", "after", "the LSTM paper"),
        ("what is the legacy of the perceptron?", "after", "the perceptron"),
        ("the transformer's legacy", "after", "transformer"),
    ],
)
def test_a_paper_beside_the_same_words_is_still_a_relation(text: str, side: str, anchor: str) -> None:
    assert read_relation(text, False)[:2] == (side, anchor)


def test_a_choice_between_two_papers_is_still_read_beside_a_step_rule() -> None:
    assert choice_sides("did GANs come before VAEs?", "GANs VAEs") == ("GANs", "VAEs")
    assert (
        choice_sides("does weight decay apply before or after the gradient step?", "weight decay gradient step") is None
    )
    reading = read_order("was the LSTM published before or after Elman's network?")
    assert reading is not None and reading.first == "earliest"


@pytest.mark.parametrize(
    ("words", "step"),
    [
        ("training", True),
        ("the encoder in a seq2seq model", True),
        ("the gradient step", True),
        ("the first layer", True),
        ("pre-training", True),
        ("the encoder-decoder paper", False),
        ("batch normalization", False),
        ("the transformer", False),
        ("training deep networks with backprop", False),
        ("AlexNet", False),
    ],
)
def test_a_step_is_the_step_alone_or_with_what_it_belongs_to(words: str, step: bool) -> None:
    assert a_step(words) is step
