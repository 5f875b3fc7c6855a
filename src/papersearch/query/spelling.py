"""Correct typos in a query against the corpus's own vocabulary ("convolutoinal" -> "convolutional").

Only words that are neither in the corpus nor everyday English (``english.everyday``: "keep" is not
a typo of "deep") nor typed as an acronym (``acronyms.ACRONYM``, ``acronyms.initials``: "GNNs" and "gnns" are no typos of "gans") are touched, and only to a corpus word within a small edit distance (1
for words of 4-7 letters, 2 for longer ones; a swap of two letters counts as 1) with the same
first letter, preferring the nearest, then the most frequent.
"""

from __future__ import annotations

import re

from ..core.kept import Kept
from ..core.text import unaccented
from ..index.vocabulary import WORD_RE
from . import acronyms, order
from .acronyms import ACRONYM
from .english import everyday
from .timespell import misspelt

MIN_LEN = 4
KEPT = 4096  # words whose correction is kept


class Speller:
    """Typo correction against one vocabulary.

    Candidates are bucketed by first letter and length: a word within edit distance d of the typed
    one has a length within d of it, and typos rarely hit the first letter, so a query word is
    compared with a few hundred corpus words rather than every one (which grows with the corpus). The buckets
    are made with the speller, as the index is loaded: made for the first word that needed them, they cost that
    query a pass over the whole vocabulary (about a second at a million papers).
    """

    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.vocab = vocabulary
        self._kept: Kept[str] = Kept(KEPT)
        self._buckets: dict[tuple[str, int], list[str]] = {}
        for w in vocabulary:
            if len(w) >= MIN_LEN - 1:
                self._buckets.setdefault((w[0], len(w)), []).append(w)

    def correct_word(self, word: str) -> str:
        """``word``, or the corpus word it is a typo of; the last ``KEPT`` words' answers are kept (a query's words
        come again in other queries, and the vocabulary never changes)."""
        kept = self._kept.get(word)
        return kept if kept is not None else self._kept.put(word, self._corrected(word))

    def _corrected(self, word: str) -> str:
        folded = unaccented(word)
        if ACRONYM.match(word) or acronyms.initials(word) is not None:  # "GNNs", "gnns": a name typed in capitals or
            return word  # without a vowel, never a typo of "gans" or "maps"
        if len(folded) < MIN_LEN or folded in self.vocab or not folded.isalpha() or everyday(folded):
            return word
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        limit = 1 if len(folded) <= 7 else 2
        best: tuple[int, int, str] | None = None
        for size in range(len(folded) - limit, len(folded) + limit + 1):
            choices = self._buckets.get((folded[0], size), [])
            for choice, distance, _ in process.extract(
                folded, choices, scorer=OSA.distance, score_cutoff=limit, limit=None
            ):
                rank = (int(distance), -self.vocab[choice], choice)  # nearest, then most frequent, then first
                best = rank if best is None or rank < best else best
        return word if best is None else best[2]

    def correct(self, query: str) -> str:
        """The query with unknown words replaced by their nearest corpus words, except a misspelt word of time order
        that the query's order is read from (``order.time_words_read``: "the most recnet paper"), which becomes that
        word, whatever follows it in the same corpus word kept ("recnet-paper": "recent-paper")."""
        # a query without a misspelt word of time order has none to read (``order.time_words_read`` is empty), so its
        # end of time is not read twice (once here, once by its plan)
        timed = order.time_words_read(query) if misspelt(query) else {}

        def corrected(m: re.Match[str]) -> str:
            read = timed.get(m.start())
            return self.correct_word(m.group()) if read is None else read[1] + query[read[0] : m.end()]

        return WORD_RE.sub(corrected, query)
