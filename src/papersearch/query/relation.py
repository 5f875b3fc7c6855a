"""A relation to one paper read from the words: what came before or after it, and the words that name it.

"what came before X", "what built on X", "what should I read before X", "what followed X", "after X, what came next",
"the last paper published before X" (only beside a superlative), "X's predecessors", "what did X make possible",
"papers that X relies on", "which papers cite X", "X - what came afterwards?" (a pronoun or a side at the end refers
to the paper named ahead): ``read_relation`` says on which side of X to look and the words that name X (the anchor,
which the ranker searches for); an anchor that is a year or a decade is a time (``timewords`` reads it).
``order.read_order`` reads it beside an end of time.
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
# "what did people try after AlexNet", "what did researchers do before backprop"
_PEOPLE = (
    r"(?:people|researchers|they|folks|everyone|the\s+field)\s+(?:do|did|try|tried|work\s+on|worked\s+on|turn\s+to"
    r"|turned\s+to)\s+(?:next\s+)?"
)
# "what was published after BERT", "papers before DQN", "anything since word2vec?"
_SAID = (
    r"(?:(?:published|released|written|appeared|out)|(?:papers?|anything|everything|work|entries|ones|research)"
    r"(?:\s+(?:that\s+)?(?:was|were|came|come|is|are))?)\s+"
)
BEFORE = Gated(
    (
        "before",
        "prior",
        "led",
        "lead",
        "pav",
        "pre",
        "inspired",
        "than",
        "forerunner",
        "antecedent",
        "influence",
        "shaped",
        "foundation",
        "groundwork",
        "motivated",
        "prompted",
    ),
    rf"\b(?:(?:came|come|comes|coming|was|were)\s+(?:out\s+)?{_SOON}(?:before|prior\s+to)|happened\s+{_SOON}before"
    rf"|{_NEXT}(?:before|prior\s+to)"
    r"|(?:read|study|know|learn|understand|cover)\s+(?:first\s+)?(?:before|prior\s+to)"
    r"|led\s+(?:up\s+)?to|lead\s+(?:up\s+)?to|leading\s+up\s+to|pav(?:ed|es|e|ing)\s+the\s+way\s+for|preced(?:ed|es|ing)"
    r"|(?:precursors?|predec+es+ors?|forerunners?|antecedents?|prerequisites?)\s+(?:of|to|for)|influences\s+(?:on|behind)"
    r"|what\s+(?:inspired|influenced|shaped|motivated|prompted)|(?:foundations?|groundwork)\s+for"
    rf"|(?:was|were|is|are)\s+there\s+{_SOON}(?:before|prior\s+to)|{_PEOPLE}{_SOON}(?:before|prior\s+to)"
    rf"|{_SAID}{_SOON}(?:before|prior\s+to)|(?:older|earlier)\s+than|predat(?:ed|es|ing))\s+" + _ANCHOR,
    re.IGNORECASE,
)
AFTER = Gated(
    (
        "after",
        "since",
        "later",
        "subsequent",
        "follow",
        "succe",
        "buil",
        "grew",
        "inspired",
        "influenced",
        "than",
        "enabled",
        "spawned",
        "sparked",
        "triggered",
        "possible",
        "descendant",
        "out",
        "wake",
        "replaced",
        "supersed",
        "supplant",
    ),
    rf"\b(?:(?:came|come|comes|coming)\s+(?:out\s+|next\s+)?{_SOON}(?:after|since)|happened\s+{_SOON}(?:after|since)"
    rf"|{_NEXT}after|next(?:\s+(?:paper|one|entry|step|thing)(?:\s+(?:on|in)\s+the\s+(?:timeline|list))?)?\s+after"
    r"|(?:later|subsequent)\s+(?:papers?|work|entries)\s+(?:that\s+)?(?:cite|cites|cited|mention|mentions|build\s+on)"
    r"|follow(?:ed|s|ing)(?:\s+up)?(?:\s+on)?|succe(?:eded|eds|eding)|(?:built|builds|build|building)\s+(?:on|upon)"
    r"|(?:grew|came|sprang|spun|emerged)\s+out\s+of|in\s+the\s+wake\s+of|(?:replaced|superseded|supplanted)"
    rf"|(?:was|were|is|are)\s+there\s+{_SOON}(?:after|since)|{_PEOPLE}{_SOON}(?:after|since)"
    r"|(?:inspired|influenced|enabled|spawned|sparked|triggered|made\s+possible)\s+by"
    r"|(?:successors?|descendants?|follow[\s-]?ups?)\s+(?:of|to|on)"
    rf"|{_SAID}{_SOON}(?:after|since)|(?:later|newer|more\s+recent)\s+than)\s+" + _ANCHOR,
    re.IGNORECASE,
)
PUBLISHED = Gated(  # "the last paper (published) before X": a relation only beside a superlative
    ("before", "after", "prior", "since"),
    r"\b(?:published|written|released|appeared|out|paper|entry|one|article)\s+(?P<side>before|after|prior\s+to|since)\s+"
    + _ANCHOR,
    re.IGNORECASE,
)
# what a paper made possible: "what did the lstm paper lead to?", "where did X lead next", "what did backprop make
# possible", "what did the transfer learning paper influence?": what came after it
_MADE = (
    r"(?:lead|led|make\s+possible|made\s+possible|enable|enabled|inspire|inspired|influence|influenced|spawn|spawned"
    r"|pave\s+the\s+way\s+for|paved\s+the\s+way\s+for|give\s+rise\s+to|gave\s+rise\s+to|open\s+up|opened\s+up"
    r"|kick\s+off|kicked\s+off|trigger|triggered|spark|sparked|unlock|unlocked)"
)
LED_TO = Gated(
    (
        "led",
        "lead",
        "possible",
        "enable",
        "inspire",
        "influence",
        "spawn",
        "pave",
        "rise",
        "open",
        "kick",
        "trigger",
        "spark",
        "unlock",
    ),
    r"\b(?:what|where|which)(?:\s+[\w'’-]+){0,2}?\s+(?:did|has|have|does|do)\s+(?P<anchor>[^?.!;,]*[^?.!;,\s])\s+"
    + _MADE
    + r"\b",
    re.IGNORECASE,
)
# what a paper rests on: "what did the transformer build on?", "what earlier work does X rest on", "what was the
# Transformer building on": what came before it
_RESTS = (
    r"(?:build|built|building|builds|rest|rests|resting|rely|relies|relying|draw|draws|drawing|drew|depend|depends"
    r"|depending|based|founded)\s+(?:up)?on"
)
BUILT_ON = Gated(
    ("on",),
    r"\b(?:what|which)(?:\s+[\w'’-]+){0,2}?\s+(?:did|has|have|does|do|is|was)\s+(?P<anchor>[^?.!;,]*[^?.!;,\s])\s+"
    + _RESTS
    + r"\b",
    re.IGNORECASE,
)
# "the papers that seq2seq relies on", "work BERT builds upon", "tell me what the Transformer was building on": what
# came before it
RESTS_ON = Gated(
    ("on",),
    r"\b(?:papers?|work|works|ones|entries|research|ideas?|what)\s+(?:that\s+|which\s+)?(?P<anchor>[^?.!;,]*?[^?.!;,\s])\s+"
    r"(?:(?:is|was|are|were)\s+)?" + _RESTS + r"\b(?=\s*(?:[?.!;,:]|$))",  # "papers that built on GANs": not it
    re.IGNORECASE,
)
# "what did diffusion models grow out of?", "what did batchnorm come out of": what came before it
GREW_FROM = Gated(
    ("grow", "grew", "out", "from"),
    r"\bwhat(?:\s+[\w'’-]+){0,2}?\s+(?:did|has|have|does|do)\s+(?P<anchor>[^?.!;,]*[^?.!;,\s])\s+"
    r"(?:grow|come|emerge|stem|spring|evolve|develop)\s+(?:out\s+of|from)\b",
    re.IGNORECASE,
)
# "ResNet's predecessors", "what were CLIP's influences?", "the transformer's successors": a side named by a noun
_KIN_BEFORE = r"predec+es+ors?|precursors?|forerunners?|antecedents?|prerequisites?|influences|inspirations?|roots"
_KIN_AFTER = r"successors?|descendants?|follow[\s-]?ups?|legacy|offspring"
POSSESSIVE = Gated(
    (
        "pre",
        "forerunner",
        "antecedent",
        "influence",
        "inspiration",
        "roots",
        "succe",
        "descendant",
        "follow",
        "legacy",
        "offspring",
    ),
    r"(?:^|[?.!;:,–—]\s*|\s-\s)(?:(?:what|which|who)(?:\s+(?:were|are|was|is))?\s+)?(?:the\s+)?"
    r"(?P<anchor>[^?.!;:,–—\s][^?.!;:,–—]*?)['’]s?\s+"
    rf"(?:(?P<before>{_KIN_BEFORE})|(?P<after>{_KIN_AFTER}))\b",
    re.IGNORECASE,
)
# "which papers cite the GAN paper": what came after it; "what does BERT cite", "papers cited by BERT": before it.
# "Mentions" is no relation here: "which paper mentions dropout?" asks for a topic.
CITED_BY = Gated(
    ("cite", "citing", "referenc"),
    r"\b(?:papers?|work|works|entries|ones|what|which|anything|everything)\s+(?:that\s+|which\s+)?"
    r"(?:cites?|citing|references|referencing)\s+" + _ANCHOR,
    re.IGNORECASE,
)
CITES = Gated(
    ("cite", "mention", "referenc"),
    r"\b(?:what|which)(?:\s+[\w'’-]+){0,2}?\s+(?:did|does|do)\s+(?P<anchor>[^?.!;,]*[^?.!;,\s])\s+"
    r"(?:cite|mention|reference)\b",
    re.IGNORECASE,
)
CITED_IN = Gated(("cited", "referenced"), r"\b(?:cited|referenced)\s+(?:by|in)\s+" + _ANCHOR, re.IGNORECASE)
RESPONSE = Gated(  # "what was the response to the perceptron", "prerequisite reading for pix2pix"
    ("response", "reaction", "prerequisite", "background"),
    r"\b(?:what\s+(?:was|were)\s+the\s+(?P<after>responses?|reactions?)\s+to"
    r"|(?P<before>prerequisites?\s+(?:reading|papers?)|background\s+reading)\s+(?:for|to|on|before)"
    r"|(?P<background>background(?:\s+papers?)?)\s+(?:for|to|before))\s+" + _ANCHOR,
    re.IGNORECASE,
)
LEADING = Gated(  # "after deep belief nets, what did people try next", "after the attention paper what happened next"
    ("before", "after"),
    r"^\s*(?P<side>before|after)\s+(?P<anchor>[^?.!;,]+?)\s*(?:,\s*(?=\w)|\s(?=(?:what|which|who|where|how|did|was|were"
    r"|is|are|anything)\b))",
    re.IGNORECASE,
)
# "GANs - what came afterwards?", "the LSTM: what came next?": the paper named ahead, the side at the end
TRAILING = Gated(
    ("after", "next", "later", "before", "earlier"),
    r"\b(?:came|come|comes|happened|followed|was|were)\s+(?:out\s+)?(?:(?P<after>afterwards?|next|later|after(?:\s+"
    r"(?:it|that|this|them))?)|(?P<before>earlier|before(?:\s+(?:it|that|this|them))?))\s*[?.!]*\s*$",
    re.IGNORECASE,
)
IN_ORDER = re.compile(
    r"\s+in\s+(?:(?:time|date|chronological)\s+)?order$", re.IGNORECASE
)  # "what came before X in order"
DECADE = re.compile(r"(?<!\w)(?:(?:1[89]|20)?\d0|['’]\d0)['’]?s\b", re.IGNORECASE)  # "the 1980s", "late-80s", "'90s"
# the words that refer back to a paper named ahead of the question ("the transfer learning paper: what did it
# influence?"), and that lead-in: the words before the first mark that ends a clause
PRONOUN = re.compile(r"^(?:it|that|this|them|these|those|(?:this|that)\s+(?:one|paper|work))$", re.IGNORECASE)
LEAD_IN = re.compile(r"^\s*(?P<anchor>[^?.!;:,–—]*[^?.!;:,–—\s-])\s*(?:\s-+\s*|[–—:;,?.!])\s*(?=\S)")
NEXT_IN_TIME = Gated(  # "right before X", "immediately preceded X", "the next paper after X": the nearest in time first
    ("before", "after", "since", "prior", "preced", "follow", "succeed"),
    r"\b(?:just|right|immediately|directly|shortly|soon)\s+(?:before|after|prior\s+to|since|preced\w*|follow\w*|succeed\w*)"
    r"|\bnext(?:\s+[\w'’-]+){0,4}?\s+after\b",
    re.IGNORECASE,
)
# "after 2015", "before the year 2000 on vision": a time, read as one (``timewords``), not a paper named by a year
YEAR_ONLY = Gated(
    (DIGIT,),
    r"^\W*(?:the\s+)?(?:year\s+)?(?:1[89]\d\d|20\d\d)s?(?:\W*$|\s+(?:on|about|in|for|that|which|regarding|concerning"
    r"|with|and|to|what|which|is|are|was|were)\b)",
    re.IGNORECASE,
)


def every_other(anchor: str) -> bool:
    """Whether a relation's anchor is every other paper ("came out before all the others"): an end of time instead."""
    return EVERY_OTHER.search(anchor) is not None


def read_relation(text: str, superlative: bool) -> tuple[Side | None, str, Span | None]:
    """The side and the anchor's words of a relation to one paper, and where it was read."""
    patterns: list[tuple[Gated, Side | None]] = [
        (LEADING, None),
        (LED_TO, "after"),
        (BUILT_ON, "before"),
        (RESTS_ON, "before"),
        (GREW_FROM, "before"),
        (CITES, "before"),
        (CITED_IN, "before"),
        (CITED_BY, "after"),
        (RESPONSE, None),
        (POSSESSIVE, None),
        (BEFORE, "before"),
        (AFTER, "after"),
    ]
    if superlative:
        patterns.append((PUBLISHED, None))
    for pattern, side in patterns:
        m = pattern.search(text)
        if m is None or _timed(m.group("anchor")):  # "after 2015" is a time, read as one
            continue
        said: Side = side or _side(m)
        anchor = IN_ORDER.sub("", m.group("anchor").strip())
        if PRONOUN.match(anchor):  # "the transfer learning paper: what did it influence?"
            ahead = LEAD_IN.match(text[: m.start("anchor")])
            if ahead is None:
                continue
            return said, ahead.group("anchor").strip(), (ahead.start("anchor"), m.end())
        return said, anchor, (m.start(), m.end())
    return _trailing(text)


def _trailing(text: str) -> tuple[Side | None, str, Span | None]:
    """A side said at the end of a question about a paper named ahead of it ("GANs - what came afterwards?")."""
    m = TRAILING.search(text)
    ahead = LEAD_IN.match(text[: m.start()]) if m is not None else None
    if m is None or ahead is None or _timed(ahead.group("anchor")):
        return None, "", None
    return _side(m), ahead.group("anchor").strip(), (ahead.start("anchor"), m.end())


def _timed(anchor: str) -> bool:
    """Whether a relation's anchor is a time, not a paper: a year ("after 2015", "before 2000 on vision") or a
    decade anywhere in it ("what came out of the late-80s backprop boom")."""
    return YEAR_ONLY.match(anchor) is not None or DECADE.search(anchor) is not None


def nearest(text: str, span: Span) -> bool:
    """Whether the relation read at ``span`` asks for the paper nearest in time: a word of nearness in it or just
    before it ("right after X", "which paper immediately preceded X", "the next paper after X")."""
    return any(m.end() > span[0] for m in NEXT_IN_TIME.finditer(text[: span[1]]))


def _side(m: re.Match[str]) -> Side:
    """The side a pattern that reads it from its words names: its group ``side`` ("before", "prior to", "after",
    "since") or which of its groups ``before`` and ``after`` matched."""
    if "side" in m.re.groupindex:
        return "before" if m.group("side").lower().startswith(("before", "prior")) else "after"
    return "before" if m.group("before") or ("background" in m.re.groupindex and m.group("background")) else "after"
