"""Correct typos in a query against the corpus's own vocabulary ("convolutoinal" -> "convolutional").

Only words the corpus does not contain are touched, and only to a corpus word within a small
edit distance (1 for words of 4-7 letters, 2 for longer ones; a swap of two letters counts as 1), preferring frequent words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

WORD_RE = re.compile(r"[^\W\d_][\w\-’']*", re.UNICODE)
MIN_LEN = 4
# everyday words a question may use that a corpus of summaries need not contain
COMMON = frozenset(
    [
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "with",
        "would",
        "could",
        "should",
        "about",
        "after",
        "again",
        "also",
        "because",
        "been",
        "before",
        "being",
        "between",
        "both",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "from",
        "have",
        "having",
        "here",
        "into",
        "just",
        "more",
        "most",
        "much",
        "only",
        "other",
        "over",
        "same",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "very",
        "want",
        "were",
        "will",
        "your",
        "papers",
        "paper",
        "first",
        "best",
        "good",
        "explain",
        "explained",
        "history",
        "idea",
        "ideas",
        "invented",
        "inventor",
        "works",
        "work",
        "made",
        "make",
        "makes",
        "show",
        "shows",
        "tell",
        "told",
        "known",
        "find",
        "found",
        "like",
        "used",
        "uses",
        "using",
    ]
)


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in word if not unicodedata.combining(ch))


def build_vocabulary(texts: Iterable[str]) -> dict[str, int]:
    """Corpus words (folded to lowercase without accents) and their counts."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(_fold(w) for w in WORD_RE.findall(text))
    return dict(counts)


class Speller:
    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.vocab = vocabulary
        self._choices = [w for w in vocabulary if len(w) >= MIN_LEN - 1]

    def correct_word(self, word: str) -> str:
        folded = _fold(word)
        if len(folded) < MIN_LEN or folded in self.vocab or folded in COMMON or not folded.isalpha():
            return word
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        limit = 1 if len(folded) <= 7 else 2
        hits = process.extract(folded, self._choices, scorer=OSA.distance, score_cutoff=limit, limit=8)
        if not hits:
            return word
        best = min(hits, key=lambda h: (h[1], -self.vocab[h[0]]))
        return best[0]

    def correct(self, query: str) -> str:
        """The query with unknown words replaced by their nearest corpus words."""
        return WORD_RE.sub(lambda m: self.correct_word(m.group()), query)
