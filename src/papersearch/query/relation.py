"""A relation to one paper read from the words: what came before or after it, and the words that name it.

"what came before X", "what built on X", "what should I read before X", "what followed X", "after X, what came next",
"the last paper published before X" (only beside a superlative): ``read_relation`` says on which side of X to look and
the words that name X (the anchor, which the ranker searches for). ``order.read_order`` reads it beside an end of time.
"""

from __future__ import annotations

import re
from typing import Literal

from ..core.patterns import DIGIT, Gated
from .periods import Span

Side = Literal["before", "after"]

# "before all the others", "after everything else": a relation to every other paper is an end of time
EVERY_OTHER = Gated(
    ("all", "any", "every", "rest", "other"),
    r"^(?:all|any|every|each)(?:\s+(?:of\s+)?(?:the|these|those))?(?:\s+others?|\s+other\s+\w+|\s+the\s+rest|\s+\w+)?$"
    r"|^(?:the\s+)?(?:rest|others)$|^every(?:thing|one)(?:\s+else)?$|^any(?:thing|one)\s+else$",
    re.IGNORECASE,
)
_ANCHOR = r"(?P<anchor>[^?.!;,]*[^?.!;,\s])"
_SOON = r"(?:just\s+|right\s+|shortly\s+|immediately\s+|directly\s+|soon\s+)?"
_NEXT = (
    r"(?:paper|one|entry|work|published|released|written)\s+(?:just|right|immediately|directly)\s+"  # "the one just"
)
# "what was published after BERT", "papers before DQN", "anything since word2vec?"
_SAID = (
    r"(?:(?:published|released|written|appeared|out)|(?:papers?|anything|everything|work|entries|ones|research)"
    r"(?:\s+(?:that\s+)?(?:was|were|came|come|is|are))?)\s+"
)
BEFORE = Gated(
    ("before", "prior", "led", "lead", "pav", "pre", "inspired", "than"),
    rf"\b(?:(?:came|come|comes|coming|was|were)\s+(?:out\s+)?{_SOON}(?:before|prior\s+to)|happened\s+{_SOON}before"
    rf"|{_NEXT}(?:before|prior\s+to)"
    r"|(?:read|study|know|learn|understand|cover)\s+(?:first\s+)?(?:before|prior\s+to)"
    r"|led\s+(?:up\s+)?to|lead\s+(?:up\s+)?to|leading\s+up\s+to|pav(?:ed|es|e|ing)\s+the\s+way\s+for|preced(?:ed|es|ing)"
    r"|(?:precursors?|predecessors?|prerequisites?)\s+(?:of|to|for)|what\s+inspired"
    rf"|{_SAID}{_SOON}(?:before|prior\s+to)|(?:older|earlier)\s+than|predat(?:ed|es|ing))\s+" + _ANCHOR,
    re.IGNORECASE,
)
AFTER = Gated(
    ("after", "since", "later", "subsequent", "follow", "succe", "buil", "grew", "inspired", "influenced", "than"),
    rf"\b(?:(?:came|come|comes|coming)\s+(?:out\s+|next\s+)?{_SOON}(?:after|since)|happened\s+{_SOON}(?:after|since)"
    rf"|{_NEXT}after|next(?:\s+(?:paper|one|entry|step|thing)(?:\s+(?:on|in)\s+the\s+(?:timeline|list))?)?\s+after"
    r"|(?:later|subsequent)\s+(?:papers?|work|entries)\s+(?:that\s+)?(?:cite|cites|cited|mention|mentions|build\s+on)"
    r"|follow(?:ed|s|ing)(?:\s+up)?(?:\s+on)?|succe(?:eded|eds|eding)|(?:built|builds|build|building)\s+(?:on|upon)|grew\s+out\s+of"
    r"|(?:inspired|influenced)\s+by|(?:successors?|follow[\s-]?ups?)\s+(?:of|to|on)"
    rf"|{_SAID}{_SOON}(?:after|since)|(?:later|newer|more\s+recent)\s+than)\s+" + _ANCHOR,
    re.IGNORECASE,
)
PUBLISHED = Gated(  # "the last paper (published) before X": a relation only beside a superlative
    ("before", "after", "prior", "since"),
    r"\b(?:published|written|released|appeared|out|paper|entry|one|article)\s+(?P<side>before|after|prior\s+to|since)\s+"
    + _ANCHOR,
    re.IGNORECASE,
)
LED_TO = Gated(  # "what did the lstm paper lead to?", "where did X lead next": what came after it
    ("led", "lead"),
    r"\b(?:what|where)\s+(?:did|has|have|does|do)\s+(?P<anchor>[^?.!;,]*[^?.!;,\s])\s+(?:lead|led)\b",
    re.IGNORECASE,
)
BUILT_ON = Gated(  # "what did the transformer build on?", "what earlier work does X rest on": what came before it
    ("on",),
    r"\bwhat(?:\s+[\w'’-]+){0,2}?\s+(?:did|has|have|does|do|is|was)\s+(?P<anchor>[^?.!;,]*[^?.!;,\s])\s+"
    r"(?:build|built|rest|rests|rely|relies|draw|draws|depend|depends|based|founded)\s+(?:up)?on\b",
    re.IGNORECASE,
)
RESPONSE = Gated(  # "what was the response to the perceptron", "prerequisite reading for pix2pix"
    ("response", "reaction", "prerequisite", "background"),
    r"\b(?:what\s+(?:was|were)\s+the\s+(?P<after>responses?|reactions?)\s+to"
    r"|(?P<before>prerequisites?\s+(?:reading|papers?)|background\s+reading)\s+(?:for|to|on|before))\s+" + _ANCHOR,
    re.IGNORECASE,
)
LEADING = Gated(  # "after deep belief nets, what did people try next"
    ("before", "after"),
    r"^\s*(?P<side>before|after)\s+(?P<anchor>[^?.!;,]+?)\s*,\s*(?=\w)",
    re.IGNORECASE,
)
NEXT_IN_TIME = Gated(  # "right before X", "immediately preceded X", "the next paper after X": the nearest in time first
    ("before", "after", "since", "prior", "preced", "follow", "succeed"),
    r"\b(?:just|right|immediately|directly|shortly|soon)\s+(?:before|after|prior\s+to|since|preced\w*|follow\w*|succeed\w*)"
    r"|\bnext(?:\s+[\w'’-]+){0,4}?\s+after\b",
    re.IGNORECASE,
)
YEAR_ONLY = Gated((DIGIT,), r"^\W*(?:the\s+)?(?:year\s+)?(?:1[89]\d\d|20\d\d)s?\W*$", re.IGNORECASE)


def every_other(anchor: str) -> bool:
    """Whether a relation's anchor is every other paper ("came out before all the others"): an end of time instead."""
    return EVERY_OTHER.search(anchor) is not None


def read_relation(text: str, superlative: bool) -> tuple[Side | None, str, Span | None]:
    """The side and the anchor's words of a relation to one paper, and where it was read."""
    patterns: list[tuple[Gated, Side | None]] = [
        (LEADING, None),
        (LED_TO, "after"),
        (BUILT_ON, "before"),
        (RESPONSE, None),
        (BEFORE, "before"),
        (AFTER, "after"),
    ]
    if superlative:
        patterns.append((PUBLISHED, None))
    for pattern, side in patterns:
        m = pattern.search(text)
        if m is None or YEAR_ONLY.match(m.group("anchor")):  # "after 2015" is a time, read as one
            continue
        said: Side = side or _side(m)
        return said, m.group("anchor").strip(), (m.start(), m.end())
    return None, "", None


def nearest(text: str, span: Span) -> bool:
    """Whether the relation read at ``span`` asks for the paper nearest in time: a word of nearness in it or just
    before it ("right after X", "which paper immediately preceded X", "the next paper after X")."""
    return any(m.end() > span[0] for m in NEXT_IN_TIME.finditer(text[: span[1]]))


def _side(m: re.Match[str]) -> Side:
    """The side a pattern that reads it from its words names: its group ``side`` ("before", "prior to", "after",
    "since") or which of its groups ``before`` and ``after`` matched."""
    if "side" in m.re.groupindex:
        return "before" if m.group("side").lower().startswith(("before", "prior")) else "after"
    return "before" if m.group("before") else "after"
