"""The corpus's words and their counts, saved with each index version for typo correction.

A change to ``WORD_RE`` changes what an index holds: bump ``layout.WORDS_FORMAT`` with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from ..core.text import unaccented

WORD_RE = re.compile(r"[^\W\d_][\w\-’']*", re.UNICODE)


def build_vocabulary(texts: Iterable[str]) -> dict[str, int]:
    """Corpus words (lowercase without accents: ``unaccented``, as typo correction compares them) and their counts."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(word_counts(text))
    return dict(counts)


def word_counts(text: str) -> Counter[str]:
    """One text's words, as ``build_vocabulary`` counts them, in the order they first come: counts added up text by
    text in order are ``build_vocabulary``'s, its order included."""
    return Counter(unaccented(w) for w in WORD_RE.findall(text))
