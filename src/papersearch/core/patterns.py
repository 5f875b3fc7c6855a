"""Regular expressions compiled when first needed, and tried only on a text that holds a word they need.

Query understanding reads a query with some thirty expressions; compiling them all cost a one-shot
``ask`` ~40 ms, more than ranking it. A ``Gated`` expression names what every match must contain (one
of a few words, or a digit): a text without any of them cannot match, so it is answered without the
expression, which is compiled on the first text that could match. The answers are the same; the
words are checked case-insensitively, folded as ``re.IGNORECASE`` folds them. A query's few texts are
each tried by some thirty of them: a text is folded, and looked through for a digit, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property, lru_cache

DIGIT = "0-9"  # a ``needs`` entry: any digit (``\\d``: any Unicode decimal digit)
YEAR_DIGITS = (
    "1800-2099"  # a ``needs`` entry: a year's digits, ``(?:1[89]|20)\\d\\d`` (where a year of 1800-2099 is read)
)
# the letters re.IGNORECASE also takes for an ASCII one, which str.lower does not give as that letter
_IGNORECASE_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_A_DIGIT = re.compile(r"\d")  # the digits ``\d`` matches (Unicode decimal digits), the ones a ``DIGIT`` gate needs
_A_YEAR = re.compile(r"(?:1[89]|20)\d\d")  # what a ``YEAR_DIGITS`` gate needs


def folded(text: str) -> str:
    """``text`` lowercased as ``re.IGNORECASE`` matches ASCII letters (dotless ı and long ſ included)."""
    return text.translate(_IGNORECASE_TWINS).lower()


@lru_cache(maxsize=64)
def _gate_view(text: str) -> tuple[str, bool, bool]:
    """``text`` folded, whether it holds a digit, and a year's digits: what every gate asks of it, worked out once
    per text (the last few texts only: the ones a query's reading is trying now)."""
    digit = _A_DIGIT.search(text) is not None
    return folded(text), digit, digit and _A_YEAR.search(text) is not None


class Gated:
    """A pattern compiled on first use, tried only on texts that hold one of ``needs`` (ASCII words, ``DIGIT``, ``YEAR_DIGITS``).

    Each entry of ``needs`` must be in every text the pattern can match: the caller's promise, checked by
    the tests of the modules that use it against the same pattern compiled plainly.
    """

    def __init__(self, needs: tuple[str, ...], pattern: str, flags: int = 0) -> None:
        """``needs``: lowercase words (one of them is in any match), ``DIGIT`` for a digit, ``YEAR_DIGITS`` for a year's
        digits; empty: always tried."""
        self.pattern, self.flags = pattern, flags
        self._digit, self._year = DIGIT in needs, YEAR_DIGITS in needs
        self._words = tuple(w for w in needs if w not in (DIGIT, YEAR_DIGITS))

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        """The pattern itself, compiled the first time it is needed."""
        return re.compile(self.pattern, self.flags)

    def could_match(self, text: str) -> bool:
        """False when ``text`` holds none of the words or digits every match needs."""
        if not self._words and not self._digit and not self._year:
            return True
        low, digit, year = _gate_view(text)
        return (self._digit and digit) or (self._year and year) or any(map(low.__contains__, self._words))

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """``re.Pattern.search``, without compiling the pattern for a text it cannot match."""
        return self.compiled.search(text, pos) if self.could_match(text) else None

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """``re.Pattern.match``, likewise."""
        return self.compiled.match(text, pos) if self.could_match(text) else None

    def findall(self, text: str) -> list[str]:
        """``re.Pattern.findall`` for a pattern of no group or one, likewise."""
        return self.compiled.findall(text) if self.could_match(text) else []

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """``re.Pattern.finditer``, likewise."""
        return self.compiled.finditer(text) if self.could_match(text) else iter(())
