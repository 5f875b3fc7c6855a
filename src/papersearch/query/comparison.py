"""Comparisons of two things, no order in time asked: "what is the difference between GANs and VAEs?", "compare
diffusion models and GANs for image generation", "LSTM vs GRU", "how does dropout differ from batch norm?", "BERT
compared to GPT-2".

``compared_sides`` (pure, from the text) reads the two sides by the sentence's structure, never by a list of topics:
the words between "between" ("compare", "how does") and the joining word, and those after it up to the end of the
clause or a word that says what the comparison is about ("for image generation"). The searcher finds the paper each
side names as it does for a choice between two papers (``order.choice_sides``), and the answer quotes both.
``YES_NO`` reads the two sides of a yes-or-no question of which came first ("did GANs come before VAEs?"), which
``order`` takes for a choice between the two papers.
"""

from __future__ import annotations

import re

from ..core.patterns import Gated

# a side: a few words, no clause break; the second ends at the clause's end or where what the comparison is about
# begins ("compare LSTMs and GRUs for speech": "GRUs")
_SIDE = r"[^?,:;!()\"“”]+?"
_END = r"(?=\s*(?:[?,:;!()]|\.(?:\s|$)|$)|\s+(?:for|in|on|when|regarding|concerning|at|as|under|with\s+respect|in\s+terms)\b)"
_LAST = rf"(?P<b>{_SIDE}){_END}"
_JOIN = r"\s+(?:and|vs\.?|versus)\s+"
# a side before the word that compares (" A vs B", "A compared to B"): at most four words, read back from that word
_BEFORE = r"(?P<a>(?:[\w'’.+-]+\s+){0,3}[\w'’.+-]+)"
COMPARED: tuple[Gated, ...] = (
    Gated(("differ",), rf"\bdiff[ea]rences?\s+between\s+(?P<a>{_SIDE}){_JOIN}{_LAST}", re.IGNORECASE),
    Gated(
        ("compar", "contrast"),
        rf"\b(?:compare|comparing|contrast|contrasting)\s+(?P<a>{_SIDE})\s+(?:and|with|to|against|vs\.?|versus)\s+{_LAST}",
        re.IGNORECASE,
    ),
    Gated(
        ("compar", "contrast"),
        rf"\b(?:comparison|contrast)\s+(?:of|between)\s+(?P<a>{_SIDE})\s+(?:and|with|to|vs\.?|versus)\s+{_LAST}",
        re.IGNORECASE,
    ),
    Gated(
        ("differ", "compare"),
        rf"\bhow\s+(?:does|do|did|is|are|was|were)\s+(?P<a>{_SIDE})\s+(?:differ|different|compare)\s+"
        rf"(?:from|to|with|against)\s+{_LAST}",
        re.IGNORECASE,
    ),
    Gated(("compar",), rf"{_BEFORE}\s+(?:as\s+)?compared\s+(?:to|with|against)\s+{_LAST}", re.IGNORECASE),
    Gated(("differ",), rf"{_BEFORE}\s+(?:differs?|is\s+different|are\s+different)\s+from\s+{_LAST}", re.IGNORECASE),
    Gated(("vs", "versus"), rf"{_BEFORE}\s+(?:vs\.?|versus)\s+{_LAST}", re.IGNORECASE),
)
# words that ask, not name: left off the start of a side read back from the comparing word ("what is LSTM vs GRU")
_ASKING = re.compile(
    r"^(?:(?:what|which|how|why|is|are|was|were|does|do|did|so|and|but|about|explain|describe|please|tell\s+me"
    r"|can\s+you|could\s+you)\s+)+",
    re.IGNORECASE,
)


# a yes-or-no question of which of two papers came first ("did GANs come before VAEs?", "was the LSTM published before
# or after Elman's network?", "is word2vec older than Bengio's model?"): a choice between its two sides, the earlier (or,
# for "after", "later than", "newer than", the later) first
_YES_NO_VERB = r"(?:(?:come|came|get|got|appear|appeared|published|released|written|out|first|proposed|introduced)\s+)*"
YES_NO = Gated(
    ("before", "after", "earlier", "older", "later", "newer", "recent", "prior", "predate", "precede"),
    r"^\s*(?:(?:so|and|but|hey|ok|okay)\W+)?(?:did|does|do|was|were|is|are)\s+"
    r"(?!(?:there|anything|anyone|anybody|someone|somebody|something|people|any|other|others)\b)"  # not "is there any"
    r"(?P<a>[^?.!;,]+?)\s+"
    + _YES_NO_VERB
    + r"(?:(?P<early>before(?:\s+or\s+after)?|earlier\s+than|older\s+than|prior\s+to|predate|precede)"
    r"|(?P<late>after(?:\s+or\s+before)?|later\s+than|newer\s+than|more\s+recent\s+than))\s+"
    r"(?P<b>[^?.!;,]*[^?.!;,\s])",
    re.IGNORECASE,
)


def compared_sides(text: str) -> tuple[str, str] | None:
    """The two sides ``text`` compares, as typed ("the difference between GANs and VAEs": "GANs", "VAEs"), or None
    when it compares nothing (or a side holds no word)."""
    for pattern in COMPARED:
        m = pattern.search(text)
        if m is None:
            continue
        a = _ASKING.sub("", m.group("a").strip())
        sides = (_side(a), _side(m.group("b")))
        return sides if all(re.search(r"\w", side) for side in sides) and sides[0] != sides[1] else None
    return None


def _side(words: str) -> str:
    """One side's words as typed, less the punctuation around them."""
    return words.strip(" ,.:;—–-")
