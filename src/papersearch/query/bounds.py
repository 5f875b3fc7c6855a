"""A time open on one side: the words that open it ("before", "after", "later than", "since", "until", "from") and
the years each opens beside a year, a decade or the year a thing came ("before 2000" ends in 1999, "after 2019" and
"later than 2019" start in 2020, "since 2019" in 2019, "until the eighties" ends in 1989). One rule for years, decades
and things alike; ``timewords`` finds what the bound stands beside.
"""

from __future__ import annotations

import re

from ..core.patterns import Gated
from ..core.text import plain_words
from .periods import ERA_WORD, Span
from .steps import a_position

YEAR = r"(?:1[89]\d\d|20\d\d)"
# the words that open a time on one side of a year, a decade or a thing the list introduced, and which side each
# opens: "before 2000" ends in 1999, "until 2000" in 2000; "after 2019", "later than 2019" start in 2020, "since 2019"
# in 2019; "from 2005" is that year alone unless "onwards" follows. One table for years, decades and things alike.
BOUND_WORDS = {
    "before": "before",
    "prior to": "before",
    "pre": "before",
    "earlier than": "before",
    "older than": "before",
    "until": "until",
    "till": "until",
    "up to": "until",
    "after": "after",
    "post": "after",
    "later than": "after",
    "newer than": "after",
    "more recent than": "after",
    "beyond": "after",
    "past": "after",
    "since": "since",
    "from": "from",
}
_DIR = "|".join(w.replace(" ", r"\s+") for w in sorted(BOUND_WORDS, key=len, reverse=True))
_THE_YEAR = r"(?:the\s+year\s+)?"
BOUND = Gated(
    ("before", "until", "till", "up", "prior", "pre", "after", "since", "post", "from", "than", "beyond", "past"),
    rf"\b(?P<dir>{_DIR})[\s-]+(?P<what>{_THE_YEAR}{YEAR}(?![\d'’-])(?=s?\b)|(?<!past\s)(?<!beyond\s)[a-z][\w\- ]{{1,30}}?"
    r"(?=$|[?.!,;]|\s+(?:and|about|on|in|for|with|that|which|papers?|work)\b))",
    re.IGNORECASE,
)
# a bound just before a decade ("since the 90s") and "onwards" just after it ("the 90s onwards")
DECADE_BOUND = re.compile(rf"\b(?P<dir>{_DIR})[\s-]+$", re.IGNORECASE)
# a bound just before a period named in words ("before the transformer era", "pre-deep-learning era": the era read
# from "learning era", so a word or two of its name may stand between)
PERIOD_BOUND = re.compile(rf"\b(?P<dir>{_DIR})[\s-]+(?:the\s+)?(?:[\w'’]+[\s-]+){{0,2}}$", re.IGNORECASE)
DECADE_ONWARD = re.compile(
    r"\s*(?:onwards?\b|on\b(?=\s*(?:$|[?.!,;]))|and\s+(?:later|after|beyond)\b|or\s+later\b)", re.IGNORECASE
)

# "from" a thing the list introduced is a time after a word for papers or at the question's start ("papers from
# backprop on", "from word2vec onwards"), or with "onwards" after it: after a verb or its object it is where a process
# takes something from ("draw samples from a VAE", "generate text from GPT-2", "which paper follows from the LSTM")
FROM_PAPERS = re.compile(
    r"(?:^|\b(?:papers?|works?|research|anything|everything|stuff|ones|entries|articles|results|ideas|progress"
    r"|developments?|advances|years?|time|list))\W*$",
    re.IGNORECASE,
)

# words of an event after a concept a bound stands beside ("after backprop took off"): they say when, not what about
EVENT_WORDS = frozenset(
    [
        *("took", "take", "takes", "came", "come", "comes", "became", "become", "becomes", "got", "get", "gets"),
        *("was", "were", "is", "are", "arrived", "appeared", "emerged", "started", "began", "begun", "happened"),
        *("showed", "caught", "went", "exploded", "won", "changed", "rose", "kicked", "hit", "had", "has"),
        *("introduced", "published", "released", "invented", "proposed", "paper", "papers", "time"),
    ]
)
# "the", "a", "an" leading a thing's words, alone ("before the") or before more words ("before the boom")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)(?:\s+|$)", re.IGNORECASE)


def thing_words(what: str) -> list[str]:
    """The plain words of a thing named beside a bound, less a leading article ("the backprop revolution")."""
    return _LEADING_ARTICLE.sub("", plain_words(what)).split()


def bounded(word: str, lo: int, hi: int, years: Span, onward: bool = False) -> Span:
    """The years a bound word (``BOUND_WORDS``) opens on one side of the years ``lo``-``hi`` (a year, a decade, the
    year a thing came), within the list's ``years``: "before" ends the year before ``lo``, "until" at ``hi``, "after"
    starts the year after ``hi``, "since" at ``lo``; "from" is ``lo``-``hi`` alone unless ``onward``."""
    first, last = years
    side = BOUND_WORDS[" ".join(word.lower().split())]
    if side == "before":
        return first, lo - 1
    if side == "until":
        return first, hi
    if side == "after":
        return hi + 1, last
    if side == "since" or onward:
        return lo, last
    return lo, hi


def named_end(what: str, n: int) -> int:
    """Where in ``what`` (as typed) its first ``n`` words that name a concept end (``timewords``), when words
    that say what about follow them ("transformer machine translation": "transformer"); else its end. Words of an
    event after the concept ("backprop took off", "transformers became popular") or of a period ("the backprop
    revolution", "the GAN boom": ``periods.ERA_WORD``) say when, not what about."""
    words = thing_words(what)
    if n >= len(words) or words[n] in EVENT_WORDS or ERA_WORD.search(words[n]):  # "the backprop revolution"
        return len(what)
    for token in re.finditer(r"[^\s-]+", what):
        if len(thing_words(what[: token.end()])) >= n:
            return token.end()
    return len(what)


def a_time_beside(word: str, text: str, start: int, end: int) -> bool:
    """Whether a bound ``word`` read at ``start``-``end`` of ``text`` beside a thing the list introduced says a time:
    not where a process takes something from ("draw samples from a VAE": ``from_a_time``), nor where a part of a
    network goes ("should dropout come before or after batch norm?": ``steps.a_position``)."""
    if word.lower() == "from" and not from_a_time(text[:start], text[end:]):
        return False
    return not a_position(text)


def from_a_time(before: str, after: str) -> bool:
    """Whether "from" and a thing the list introduced, with ``before`` and ``after`` it in the question, say a time:
    after a word for papers or at the start ("papers from backprop on"), or with "onwards" after it ("from word2vec
    onwards"); else where a process takes something from ("draw samples from a VAE": ``FROM_PAPERS``)."""
    return FROM_PAPERS.search(before) is not None or DECADE_ONWARD.match(after) is not None
