"""The corpus's words and their counts, saved with each index version for typo correction."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

WORD_RE = re.compile(r"[^\W\d_][\w\-’']*", re.UNICODE)


def fold(word: str) -> str:
    """Lowercase without accents: how words are compared for spelling."""
    word = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in word if not unicodedata.combining(ch))


def build_vocabulary(texts: Iterable[str]) -> dict[str, int]:
    """Corpus words (folded to lowercase without accents) and their counts."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(fold(w) for w in WORD_RE.findall(text))
    return dict(counts)
