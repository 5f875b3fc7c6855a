"""A question restated in the words the list's quotable sentences hold, for scoring those sentences only.

A question often names a paper's idea by a short form the list keeps only among a concept's names: an acronym
("DBN"; the summary writes "Deep Belief Network") or an alias ("seq2seq"; the summary writes "an encoder phase with
an autoregressive decoder phase"). The search finds the paper by those names (the concept table, ``scope``'s
spelling runs), but an answer scores sentences by meaning and words, and a word no sentence holds weighs against
every one of them: "what is seq2seq" was declined with Sutskever et al. ranked first. Here such a word is replaced
by the list's own wording of the same thing: the run of a sentence's words that spells an acronym
(``acronyms.spelling``), else another name of the same concept of a quotable paper that its sentences do hold. The
query's vector and the search are untouched.

Pure: functions of the index version's records and sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..index.reader import IndexData
from ..index.tokens import tokenize
from . import acronyms
from .quotes import Sentences


def restate(data: IndexData, sentences: Sentences, topic: str, papers: list[int]) -> str:
    """``topic`` with each short form that no quotable sentence of ``papers`` (rows, best first) holds replaced by the
    words those sentences use for it: acronyms first (``spelt_out``), then concept names (``aliased``)."""
    quotable = [(data.passages[row][2], stems) for p in papers for row, _, stems in sentences.of(p)]
    held: set[str] = set().union(*(stems for _, stems in quotable))
    topic = spelt_out(topic, held, [text for text, _ in quotable])
    return aliased(data, topic, held, papers)


def spelt_out(topic: str, held: set[str], texts: list[str]) -> str:
    """``topic`` with each acronym typed in it (``acronyms.typed``) whose stems no sentence holds (``held``) replaced
    by the run of the sentences' words that spells it: "what are DBNs" is matched as "what are Deep Belief Network".
    ``topic`` itself when it types no acronym, or every one is held or spelt by none."""
    for word, letters in acronyms.typed(topic).items():
        if held.intersection(tokenize(word)):
            continue
        run = acronyms.spelling(letters, texts)
        if run is not None:
            topic = _replaced(topic, word, run)
    return topic


def aliased(data: IndexData, topic: str, held: set[str], papers: list[int]) -> str:
    """``topic`` with each name of a concept of ``papers`` that it types and no sentence holds (not one of its stems
    in ``held``) replaced by the first other name of that concept whose stems the sentences all hold: "what is
    seq2seq" is matched as "what is encoder-decoder" (Sutskever et al.'s concept "Sequence to Sequence": the summary
    writes "encoder" and "decoder", never "seq2seq" nor "sequence"). ``topic`` itself when no such name is typed."""
    for p in papers:
        for concept in data.records[p]["concepts"]:
            names = [concept["name"], *concept["aliases"]]
            for name in _typed(topic, names):
                if held.intersection(tokenize(name)):
                    continue
                told = next((n for n in names if _all_held(n, held)), None)
                if told is not None:
                    topic = _replaced(topic, name, told)
    return topic


def _typed(topic: str, names: Iterable[str]) -> list[str]:
    """The names ``topic`` types as whole words (any case)."""
    return [n for n in names if n and re.search(_whole(n), topic, flags=re.IGNORECASE)]


def _all_held(name: str, held: set[str]) -> bool:
    stems = tokenize(name)
    return bool(stems) and held.issuperset(stems)


def _replaced(topic: str, word: str, by: str) -> str:
    return re.sub(_whole(word), lambda _: by, topic, flags=re.IGNORECASE)


def _whole(word: str) -> str:
    return rf"(?<!\w){re.escape(word)}(?!\w)"
