"""A step of training or a part of a network ("training", "the backward pass", "the encoder in a seq2seq model",
"the gradient step", "the pooling layer", "the activation", "the generator"): the words a time word is said of in a
question about a procedure ("after training, how do I evaluate a GAN?", "what comes after the pooling layer in
LeNet?"), which names no paper or topic of the list to come before or after; and a question of where a part goes
("does batch normalization go before or after the activation?"), a choice between positions, not between times.
``relation`` and ``order`` read no relation and no choice of two papers beside one.
"""

from __future__ import annotations

import re

from ..core.patterns import Gated

# the words of a step of training or of a network's computation, and of a part of a network; a determiner, a word of
# which one, and what it belongs to ("in a seq2seq model") around them
_DETERMINER = r"(?:(?:the|a|an|each|every|its|their|my|our)\s+)?"
_WHICH = r"first|last|final|next|previous|output|input|hidden|attention"
_STEPS = (
    r"(?:pre|re)[\s-]?training|training|fine[\s-]?tuning|(?:forward|backward)\s+pass(?:es)?"
    r"|(?:gradient|update|optimi[sz]ation|optimi[sz]er|training|descent)\s+steps?|(?:weight|parameter|gradient)\s+"
    r"updates?|updates?|encoder|decoder|softmax|layers?|epochs?|convergence|inference"
)
_PARTS = (
    r"activations?(?:\s+functions?)?|non[\s-]?linearit(?:y|ies)|(?:max[\s-]?)?pooling|convolution(?:s|al)?|dropout"
    r"|layer[\s-]?norm(?:ali[sz]ation)?|generator|discriminator|blocks?"
)
_PART_WHICH = r"|pooling|max[\s-]?pooling|convolutional|conv|dense|fully[\s-]connected|embedding|recurrent|normali[sz]ation|dropout|residual"
_WITHIN = r"\s+(?:in|of|for|with|on|inside|within)\b[^?.!;,]*"
_STEP_WORDS = (
    *("train", "tun", "pass", "step", "update", "encod", "decod", "softmax", "layer", "epoch", "converg", "infer"),
)

# a step of training or of a network's computation, not a paper or a topic of the list: "after training, how do I
# evaluate a GAN?", "what comes after the encoder in a seq2seq model?", "before or after the gradient step": the step
# alone or with what it belongs to ("in a seq2seq model"), a determiner ahead of it at most
STEP = Gated(_STEP_WORDS, rf"^{_DETERMINER}(?:(?:{_WHICH})\s+)?(?:{_STEPS})(?:{_WITHIN})?$", re.IGNORECASE)
# a part of a network ("the pooling layer", "the ReLU activation", "dropout", "the generator"), or a step with a word of
# its own ahead: a step only where the question places it in a network ("the pooling layer in LeNet", "the convolution
# in a CNN block") or asks where it goes (``a_position``); alone it is a technique of the list that has a history
# ("what came after dropout?")
PART = Gated(
    (*_STEP_WORDS, "activation", "linearit", "pool", "convolution", "dropout", "generator", "discriminator", "block"),
    rf"^{_DETERMINER}(?:[\w'’-]+\s+)??(?:(?:{_WHICH}{_PART_WHICH})\s+)?(?:{_STEPS}|{_PARTS})(?P<within>{_WITHIN})?$",
    re.IGNORECASE,
)
_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)  # "influenced by the residual block": the anchor after "by"
# where a part goes: "does batch normalization go before or after the activation?", "should dropout come before or
# after batch norm?", "is layer norm applied after or before attention?": the words ahead of "before or after" (after
# the verb that asks) and those after it, either of which a part (``a_step``) makes a question of position
POSITION = Gated(
    ("before", "after"),
    r"\b(?:do|does|should|shall|is|are|can|could|must|would|will|to)\s+"
    r"(?:(?:you|we|i|one|people)\s+(?:put|place|apply|use|add|insert|call|compute)\s+)?(?P<a>[^?.!;,]+?)"
    r"(?:\s+(?:be|go|goes|come|comes|sit|sits|apply|applies|happen|happens|run|runs|applied|placed|put|used"
    r"|inserted|added|called|computed))*\s+(?:before\s+or\s+after|after\s+or\s+before)\s+(?P<b>[^?.!;,]*[^?.!;,\s])",
    re.IGNORECASE,
)


def a_step(words: str) -> bool:
    """Whether ``words`` name a step of training or of a network's computation ("training", "the encoder in a
    seq2seq model", "the gradient step"), or a part of a network placed in one ("the pooling layer in LeNet"), which a
    relation's side is said of, not a paper or a topic of the list."""
    said = _BY.sub("", words.strip())
    part = PART.search(said)
    return STEP.search(said) is not None or (part is not None and part.group("within") is not None)


def a_part(words: str) -> bool:
    """Whether ``words`` name a step or a part of a network, placed in one or not ("the activation", "dropout")."""
    return PART.search(_BY.sub("", words.strip())) is not None


def parts_beside(words: str, rest: str) -> bool:
    """Whether ``words`` name a part of a network and ``rest`` of the question names another ("what does the generator
    learn from the discriminator?"): a question of how the parts work together, not of what came before a paper."""
    return a_part(words) and any(a_part(w) for w in _PHRASES.findall(rest))


_PHRASES = re.compile(r"(?:(?:the|a|an)\s+)?[\w'’-]+(?:\s+[\w'’-]+)?", re.IGNORECASE)  # a word or two, with an article


def a_position(text: str) -> bool:
    """Whether ``text`` asks where a part of a network goes ("does batch normalization go before or after the
    activation?"): "before or after" with a part (``a_part``) on either side, a choice between positions, not times.
    "Did dropout come before or after batch normalization?" asks when: the verbs of the past ask no position."""
    m = POSITION.search(text)
    return m is not None and (a_part(m.group("a")) or a_part(m.group("b")))
