"""Periods a query names in words: an era of the list by its name ("the transformer era"), or a nickname.

Pure functions of the text and the index's eras; ``timewords`` turns what they find into a window.
Names are compared as ``plain_words``: case and punctuation aside ("the backpropagation-revolution").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..core.patterns import Gated
from ..core.records import EraRecord
from ..core.text import plain_words

Span = tuple[int, int]
# periods of AI history known by a nickname rather than by an era of this list
NICKNAMES = {
    "first ai winter": (1974, 1980),
    "second ai winter": (1987, 1993),
    "ai winter": (1974, 1980),
}
# words that name a stretch of an era's name ("the deep learning boom" is "The Deep Learning Explosion")
ERA_SYNONYMS = {"boom": "explosion", "revolution": "revolution", "age": "era", "explosion": "explosion"}
ERA_WORD = Gated(
    ("era", "age", "period", "boom", "revolution", "explosion", "days", "winter"),
    r"\b(?:era|eras|age|period|boom|revolution|explosion|days|winter)\b",
    re.IGNORECASE,
)
EraKey = tuple[tuple[str, str], ...]  # a version's eras, each its id and name: what is read of them is kept by it


def nickname_in(text: str) -> tuple[str, int, int, Span] | None:
    """A period of AI history named by its nickname ("the first AI winter"): (nickname, first year, last year, where)."""
    folded = _plain(text)
    for nickname, (lo, hi) in NICKNAMES.items():
        if nickname in folded:
            return nickname, lo, hi, _original_span(text, nickname)
    return None


def era_key(eras: Sequence[EraRecord]) -> EraKey:
    """Each era's id and name: what ``era_named`` keeps what it reads of a version's eras by."""
    return tuple((e["id"], e["name"]) for e in eras)


def era_named(text: str, eras: Sequence[EraRecord], key: EraKey) -> tuple[EraRecord, Span] | None:
    """An era named in the query (its id or name, or most of its name's words in order), and where; ``key``: the
    eras' ``era_key``."""
    folded = _plain(text)
    for at, name in _era_names(key):
        if folded.find(name) >= 0:
            return eras[at], _original_span(text, name)
    # part of an era's name is a time only beside a word that says so ("the transformer era");
    # alone it is a topic ("recurrent networks")
    if not ERA_WORD.search(text):
        return None
    best: tuple[int, int, Span] | None = None
    for n, at, pattern in _era_phrases(key):  # the longest phrase found wins; of those, the first
        if best is not None and n <= best[0]:
            continue
        hit = pattern.search(text)
        if hit:
            best = (n, at, (hit.start(), hit.end()))
    if best is None:
        return None
    return eras[best[1]], best[2]


@lru_cache(maxsize=8)
def _plain(text: str) -> str:
    """``plain_words`` of a query's text, kept for the last few: its nickname and its eras' names read it alike."""
    return plain_words(text)


@lru_cache(maxsize=8)
def _era_names(eras: EraKey) -> list[tuple[int, str]]:
    """Each era's name and id (``eras``: a version's, each its id and name) as ``plain_words``, with its position."""
    plain = ((at, (plain_words(name), plain_words(eid.replace("-", " ")))) for at, (eid, name) in enumerate(eras))
    return [(at, name) for at, names in plain for name in names if name]


@lru_cache(maxsize=8)
def _era_phrases(eras: EraKey) -> list[tuple[int, int, re.Pattern[str]]]:
    """Each stretch of an era's name beside a word that makes it a time, as a pattern with its number of words and
    the era's position: an era's longest stretches first. Compiled for a version's eras when a query first holds such
    a word (a one-shot query without one compiles none)."""
    phrases = []
    for at, (_, name) in enumerate(eras):
        words = [w for w in plain_words(name).split() if len(w) > 2 and w not in ("the", "and", "modern")]
        for n in range(len(words), 0, -1):
            for i in range(len(words) - n + 1):
                words_re = r"\s+".join(_era_word(w) for w in words[i : i + n])
                # beside the word that makes it a time: "the transformer era", "the era of transformers"
                pattern = rf"\b{words_re}\s+{ERA_WORD.pattern}|{ERA_WORD.pattern}\s+of\s+(?:the\s+)?{words_re}\b"
                phrases.append((n, at, re.compile(pattern, re.IGNORECASE)))
    return phrases


def _era_word(word: str) -> str:
    """A word of an era's name as a pattern: its synonyms, with or without a plural s."""
    base = word[:-1] if word.endswith("s") and len(word) > 3 else word
    alts = {base} | {k for k, v in ERA_SYNONYMS.items() if v == word}
    return "(?:" + "|".join(re.escape(a) for a in sorted(alts)) + ")s?"


def _original_span(text: str, folded_phrase: str) -> Span:
    """Where ``text`` says a phrase of ``plain_words``, whatever its case and punctuation; (0, 0) when it does not."""
    m = _phrase_pattern(folded_phrase).search(text)
    return (m.start(), m.end()) if m else (0, 0)


@lru_cache(maxsize=64)
def _phrase_pattern(folded_phrase: str) -> re.Pattern[str]:
    """A phrase of ``plain_words`` (a nickname, an era's name) as a pattern, whatever the case and punctuation."""
    return re.compile(r"\b" + r"[\W_]+".join(re.escape(w) for w in folded_phrase.split()) + r"\b", re.IGNORECASE)
