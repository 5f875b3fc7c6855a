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
        counts.update(vocabulary_words(text))
    return dict(counts)


def vocabulary_words(text: str) -> list[str]:
    """One text's words as ``build_vocabulary`` counts them, in order: counted text by text, in order, they give
    ``build_vocabulary``'s counts, its order included."""
    return [unaccented(w) for w in WORD_RE.findall(text)]
