"""The sides of a choice between papers, split from the words that name them (pure, from the text).

A choice of two is split at its one "or" ("vs", "versus"; "and" too where the question says so: "which of A and B",
"between A and B"); a list of three or more at its commas and the word before its last item ("LSTM, GRU or the
transformer", "these: BERT, ResNet and AlexNet"). ``order.choice_sides`` says when a question asks a choice.
"""

from __future__ import annotations

import re

SIDES = re.compile(r"\s+(?:or|vs\.?|versus)\s+", re.IGNORECASE)  # where a choice's topic divides into its two sides
BOTH_SIDES = re.compile(r"\s+(?:and|or|vs\.?|versus)\s+", re.IGNORECASE)  # ... "which of A and B", "between A and B"
EITHER = re.compile(r"^\s*(?:either|between)\s+", re.IGNORECASE)  # "either A or B": the side is A
BETWEEN = re.compile(r"^\s*between\s+\S.*?\s+and\s+\S", re.IGNORECASE)  # "between A and B, which came first?"
# a list of three or more put in order: its items divide at commas and at the word before the last ("A, B or C")
LIST_ITEMS = re.compile(r"\s*,\s*(?:(?:or|and)\s+)?|\s+(?:or|vs\.?|versus)\s+|\s+and\s+(?=[^,]*$)", re.IGNORECASE)
# what says a whole order runs over a list that follows, not over a topic: "these", "the following", a colon
LISTING = re.compile(r"\b(?:these|them|the\s+following)\b|:", re.IGNORECASE)
# the words that lead into such a list: "these:", "the following papers -", "them:"
LEAD_INTO = re.compile(
    r"^.*?\b(?:these|them|the\s+following)(?:\s+(?:papers|ones|entries|works|three|four|five))?\s*[:\-–—]?\s*"
    r"|^[^:]*:\s*(?=[^:]*,)",
    re.IGNORECASE,
)
_PUNCTUATION = " ?!.,:;—–-"


def split_sides(topic: str, by_and: bool) -> tuple[str, ...] | None:
    """A choice's sides: ``topic`` split at "or" ("vs", "versus"; and at "and" when ``by_and``), each less a leading
    "either" or "between"; None unless two or more sides, each with a word."""
    parts = (BOTH_SIDES if by_and else SIDES).split(topic.strip(_PUNCTUATION))
    sides = tuple(EITHER.sub("", part).strip(" ,:;—–-") for part in parts)
    return sides if len(sides) > 1 and all(re.search(r"\w", side) for side in sides) else None


def listed(topic: str) -> tuple[str, ...] | None:
    """Each item of a list of three or more things a question puts in order ("LSTM, GRU or the transformer", "these:
    BERT, ResNet and AlexNet"): its items split at commas and at the last "or" ("and", "vs"), less the words that
    lead into the list ("these:"); None without a comma or with fewer than three items."""
    words = LEAD_INTO.sub("", topic.strip(_PUNCTUATION))
    if words.count(",") < 1:
        return None
    items = [EITHER.sub("", item).strip(" ,:;—–-") for item in LIST_ITEMS.split(words)]
    items = [item for item in items if item]
    if len(items) < 3 or not all(re.search(r"\w", item) for item in items):
        return None
    return tuple(items)
