"""How common a word is in everyday English: its Zipf frequency, from a sorted table shipped with the package.

``data/english_zipf.txt`` (``scripts/make_wordlist.py``, from wordfreq) holds one ``word zipf`` line per
word, sorted. It is read as one string and searched by bisection over its lines, so loading costs one
file read and nothing is parsed until a word is looked up (a few microseconds each): a one-shot query
stays fast. A word the table does not hold is rarer than its floor (``RARE``) in everyday English: a
field's own term ("backpropagation", "rlhf"), a name, a typo.
"""

from __future__ import annotations

from collections.abc import Container
from functools import cache, lru_cache
from pathlib import Path

RARE = 2.5  # the table's floor: a word it lacks is at most this common
EVERYDAY = 3.0  # about once per 10 million words and up: a word the speller leaves alone
EVERYDAY_LETTERS = 4  # ...when it has at least this many letters ("keep" is not a typo of "deep")
TABLE = Path(__file__).parent.parent / "data" / "english_zipf.txt"  # a file of the package (importlib.resources
# would cost a one-shot query ~5 ms of imports to find it)


@cache
def _table() -> tuple[str, int]:
    """The table's text and where its first word line starts (after the comment lines)."""
    text = TABLE.read_text(encoding="utf-8")
    start = 0
    while text.startswith("#", start):
        start = text.index("\n", start) + 1
    return text, start


@lru_cache(maxsize=8192)
def zipf(word: str) -> float:
    """The Zipf frequency of ``word`` (lowercase) in everyday English: 7.7 "the", 5.0 "network", 4.2 "marathon";
    0.0 for a word rarer than ``RARE``. Kept for the last 8,192 words: a query's words are weighed more than
    once (the scope, the speller, the forms), and come again in other queries."""
    text, lo = _table()
    hi = len(text)
    while lo < hi:  # lo and hi are always the start of a line (or the end of the text)
        mid = (lo + hi) // 2
        start = text.rfind("\n", lo, mid) + 1 or lo
        end = text.find("\n", start)
        key, _, value = text[start:end].partition(" ")
        if key == word:
            return float(value)
        if key < word:
            lo = end + 1
        else:
            hi = start
    return 0.0


def everyday(word: str) -> bool:
    """Whether ``word`` (lowercase, without accents) is everyday English: alphabetic, ``EVERYDAY_LETTERS`` letters
    or more and at least as common as ``EVERYDAY``."""
    return len(word) >= EVERYDAY_LETTERS and word.isalpha() and zipf(word) >= EVERYDAY


class _Everyday:
    """``word in EVERYDAY_WORDS``: ``everyday`` as a container, without building a set of the words."""

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and everyday(word)


EVERYDAY_WORDS: Container[str] = _Everyday()
