"""A step of training or of a network's computation ("training", "the backward pass", "the encoder in a seq2seq
model", "the gradient step"): the words a time word is said of in a question about a procedure ("after training, how
do I evaluate a GAN?"), which names no paper or topic of the list to come before or after. ``relation`` and ``order``
read no relation and no choice of two papers beside one.
"""

from __future__ import annotations

import re

from ..core.patterns import Gated

# a step of training or of a network's computation, not a paper or a topic of the list: "after training, how do I
# evaluate a GAN?", "what comes after the encoder in a seq2seq model?", "before or after the gradient step": the step
# alone or with what it belongs to ("in a seq2seq model"), a determiner ahead of it at most
STEP = Gated(
    ("train", "tun", "pass", "step", "update", "encod", "decod", "softmax", "layer", "epoch", "converg", "infer"),
    r"^(?:(?:the|a|an|each|every|its|their|my|our)\s+)?(?:(?:first|last|final|next|previous|output|input|hidden"
    r"|attention)\s+)?(?:(?:pre|re)[\s-]?training|training|fine[\s-]?tuning|(?:forward|backward)\s+pass(?:es)?"
    r"|(?:gradient|update|optimi[sz]ation|optimi[sz]er|training|descent)\s+steps?|(?:weight|parameter|gradient)\s+"
    r"updates?|updates?|encoder|decoder|softmax|layers?|epochs?|convergence|inference)"
    r"(?:\s+(?:in|of|for|with|on|inside|within)\b[^?.!;,]*)?$",
    re.IGNORECASE,
)


def a_step(words: str) -> bool:
    """Whether ``words`` name a step of training or of a network's computation ("training", "the encoder in a
    seq2seq model", "the gradient step"), which a relation's side is said of, not a paper or a topic of the list."""
    return STEP.search(words.strip()) is not None
