"""Misspelt words of time order mended: "the olderst paper", "the newst one", "the most recnet paper" read as
"oldest", "newest", "recent", where everyday English lacks the word and one edit makes it one of ``TIME_WORDS``.
``order.read_order`` reads the order from the mended text and maps what it read back to the text as typed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import english

# the words of time order a misspelling of which is still read as one ("olderst paper", "the newst one")
TIME_WORDS = ("oldest", "earliest", "newest", "latest", "youngest", "recent")
KEPT_WORDS = 4096  # words whose reading as a misspelt word of time order is kept
KEPT_TEXTS = 64  # texts whose ``misspelt`` answer is kept (a query's, while it is read)
WORD_RE = re.compile(r"[A-Za-z]{4,}")


def mended(text: str) -> tuple[str, list[int]]:
    """``text`` with each misspelt word of time order mended ("olderst", "newst", "recnet": a word everyday English
    lacks, one letter added, dropped, changed or two swapped from one of ``TIME_WORDS``), and where each of its
    positions (and its end) stands in ``text``."""
    if not misspelt(text):  # most texts: nothing to mend
        return text, list(range(len(text) + 1))
    fixes = [(m, fix) for m in WORD_RE.finditer(text) if (fix := time_word(m.group())) is not None]
    out: list[str] = []
    at: list[int] = []
    last = 0
    for m, fix in fixes:
        out.append(text[last : m.start()])
        at.extend(range(last, m.start()))
        out.append(fix)
        at.extend(min(m.start() + i, m.end() - 1) for i in range(len(fix)))
        last = m.end()
    out.append(text[last:])
    at.extend(range(last, len(text) + 1))
    return "".join(out), at


@lru_cache(maxsize=KEPT_TEXTS)
def misspelt(text: str) -> bool:
    """Whether ``text`` holds a misspelt word of time order (one ``mended`` mends); the last ``KEPT_TEXTS`` texts'
    answers are kept: the speller asks it of a query, and its plan again of the same text (``mended``)."""
    return any(map(time_word, WORD_RE.findall(text)))


@lru_cache(maxsize=KEPT_WORDS)
def time_word(word: str) -> str | None:
    """The word of ``TIME_WORDS`` that ``word`` misspells, or None (``word`` is one, or everyday English); the last
    ``KEPT_WORDS`` words' answers are kept (a query's words are read by the speller and again by its order)."""
    low = word.lower()
    near = [w for w in TIME_WORDS if abs(len(w) - len(low)) <= 1 and w[0] == low[0] and low != w]
    if not near or english.zipf(low) > 0.0:
        return None
    return next((w for w in near if _one_edit(low, w)), None)


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one letter added, dropped or changed, or two neighbours swapped."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
