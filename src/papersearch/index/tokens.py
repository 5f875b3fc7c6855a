"""How a text becomes the words BM25 counts: lowercase, accents stripped, stop words dropped, English stems.

The same at build and query time: a change here changes what an index holds (bump ``layout.WORDS_FORMAT``).
A query's few short texts are tokenized several times a search (the scope, ``why``, the quotes), so the
words of short texts are kept.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

TOKEN_RE = re.compile(r"\w\w+|\d", re.UNICODE)
NON_ASCII = re.compile(r"[^\x00-\x7f]+")  # an accent is a combining mark, never ASCII: only these runs are read
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "were",
        "what",
        "when",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "about",
        "after",
        "also",
        "any",
        "been",
        "before",
        "being",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "than",
        "too",
        "very",
        "you",
        "your",
        "i",
        "me",
        "my",
        "we",
        "our",
    ]
)


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


SHORT = 64  # texts up to this many characters (a query, a word, a concept's names) have their words kept...
KEPT_SHORT = 4096  # ...for this many texts


def tokenize(text: str) -> list[str]:
    """Lowercase, split into words, drop stop words, stem (the same at build and query time).

    A change here changes what an index holds: bump ``layout.WORDS_FORMAT`` with it, so older indexes are stale.
    """
    return list(_short(text)) if len(text) <= SHORT else _words(text)


@lru_cache(maxsize=KEPT_SHORT)
def _short(text: str) -> tuple[str, ...]:
    return tuple(_words(text))


def _words(text: str) -> list[str]:
    import unicodedata

    text = text.lower()
    if not text.isascii():  # strip accents ("Schmidhuber" and "Schmídhuber" are one word); ASCII has none
        marks = unicodedata.combining  # each non-ASCII run less its combining marks (its accents, decomposed)
        text = NON_ASCII.sub(
            lambda m: "".join(c for c in m.group() if not marks(c)), unicodedata.normalize("NFKD", text)
        )
        text = text.replace("’", "'")
    words = [w for w in TOKEN_RE.findall(text) if w not in STOPWORDS]
    stems: list[str] = _stemmer().stemWords(words)
    return stems
