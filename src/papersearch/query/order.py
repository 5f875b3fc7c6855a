"""Questions about order in time: the oldest or newest paper, of the list or on a topic, and what came before or
after one paper.

``read_order`` (pure, from the text) finds an end of time and what it qualifies, each read on its own: a superlative
("the oldest", "least recent", "dates furthest back", "the newest", "most up-to-date") with a thing, a scope or the
question's end after it, a comparative that ends a choice ("which appeared later, A or B?") or a whole order named
("in chronological order", "sorted by date", "newest first"), which says which end of time comes first, its words
mended first when misspelt ("the olderst paper": ``mended``); and a relation to one paper (``relation``: "what came
before X", "what followed X"), which says on which side of X to look. Over the whole list when nothing else is asked
("which paper on this list is the oldest?"), over the papers that match the topic otherwise ("the most recent paper
on reinforcement learning").

``ordering`` turns that into scores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..core.patterns import Gated
from ..core.records import Order, OrderFirst, OrderOver
from .comparison import YES_NO, compared_sides
from .periods import Span
from .relation import Side, every_other, nearest, read_relation
from .relation_words import by_a_tie
from .sides import BETWEEN, LISTING, SIDES, listed, split_sides
from .steps import a_position, a_step
from .timespell import WORD_RE, mended, time_word

First = OrderFirst
Named = tuple[int, str, str]  # a paper named by words, as the ranker found it: (row, id, how it is shown)

# an order is an end of time and what it qualifies. The end: a superlative of time ("oldest", "the least recent",
# "dates furthest back", "newest", "most up-to-date"). What it qualifies: a singular noun of a thing on the list
# ("the oldest paper", "the most recent word vector paper", "the earliest-published one"), a scope ("the latest on X",
# "first in the list", "most recently among these") or nothing (it ends the question: "which is the oldest?");
# "the latest work on X", "recent papers" ask for a time instead (``timewords``)
THINGS = frozenset(
    [
        *("paper", "entry", "one", "article", "publication", "study", "item", "addition", "thing", "method", "model"),
        *("approach", "technique", "architecture", "idea", "result", "breakthrough", "development", "piece"),
        *("reference", "source", "contribution", "discovery", "finding", "invention", "innovation", "year", "date"),
        *("trick", "solution", "system", "algorithm", "mention", "appearance", "instance", "example", "use", "usage"),
    ]
)
_THING = "|".join(sorted(THINGS))
_ONE = (
    rf"(?=(?:[\s-]+[\w'’]+){{0,3}}?[\s-]+(?:{_THING})\b(?!['’-]?s\b)"
    r"|\s+(?:on|about|regarding|concerning|in|among|of|here|there)\b|\s*[?.!]*\s*$)"
)
_EARLY = r"oldest|earliest|most\s+dated|least\s+recent(?:ly\s+published)?|(?:dates?|dating|goes|go)\s+(?:the\s+)?(?:furthest|farthest)\s+back"
_LATE = (
    r"newest|latest|youngest|last|final|freshest|most\s+recent(?:ly\s+published)?|most\s+up[\s-]to[\s-]date"
    r"|most\s+(?:current|modern|cutting[\s-]edge)"
)
_ONE_EARLY = _ONE.replace(f"(?:{_THING})", f"(?:{_THING}|work)")  # "the earliest work here": no time is meant by it
EARLIEST = Gated(
    ("oldest", "earliest", "least", "furthest", "farthest", "dated"),
    rf"\b(?:the\s+)?(?:{_EARLY}){_ONE_EARLY}",
    re.IGNORECASE,
)
FIRST = Gated(("first",), rf"\b(?:the\s+)?(?:very\s+)?first{_ONE}", re.IGNORECASE)  # an order only over the whole list
# "the newest work", "the latest research here": an order over the whole list; with a topic after it ("the latest
# work on language models") a time, as ``timewords`` reads it
LATEST_WORK = Gated(
    ("newest", "latest", "recent", "youngest", "last", "final", "up", "current", "freshest", "modern", "cutting"),
    rf"\b(?:the\s+)?(?:{_LATE})\s+(?:work|research|stuff)(?=\s+(?:on|about|in|among|of|here|there)\b|\s*[?.!]*\s*$)",
    re.IGNORECASE,
)
# a whole order named: "in chronological order", "sorted by date", "from oldest to newest", "newest first"; the
# latest end first only when said ("reverse chronological", "from newest to oldest", "most recent first")
_NEWEST = r"(?:newest|latest|youngest|most\s+recent)"
_OLDEST = r"(?:oldest|earliest|least\s+recent)"
_TO = r"\s+(?:to|through|till|until|up\s+to|->|→)\s+(?:the\s+)?"
_THEN = r"(?:\s+(?:papers|ones|entries|works|articles|items))?\s+first\b"  # "newest first", "the oldest papers first"
NEWEST_FIRST = Gated(
    ("reverse", "newest", "latest", "youngest", "recent"),
    rf"\breverse[\s-]+chronological(?:ly)?(?:\s+order)?|\b{_NEWEST}{_TO}{_OLDEST}\b|\b{_NEWEST}{_THEN}",
    re.IGNORECASE,
)
_TIMES = r"(?:(?:their|its|the)\s+)?(?:(?:publication|release)\s+)?(?:date|year|age|time)s?\b"  # "(by) their dates"
OLDEST_FIRST = Gated(
    ("chronolog", "order", "oldest", "earliest", "recent", "date", "year", "age", "time"),
    rf"\bchronological(?:ly)?(?:\s+order)?|\b(?:date|time|publication|historical)\s+order\b"
    r"|\border\s+of\s+(?:publication|appearance|release|date)\b"
    r"|\border\s+(?:they|it)\s+(?:were|was|came\s+out|appeared)(?:\s+(?:published|written|released))?\b"
    rf"|\b{_OLDEST}{_TO}{_NEWEST}\b|\b{_OLDEST}{_THEN}"
    r"|\b(?P<verb>sort|sorted|order|ordered|arrange|arranged|rank|ranked|list|listed)\b(?:\s+[\w'’-]+){0,6}?\s+"
    rf"(?P<by>by\s+{_TIMES})",
    re.IGNORECASE,
)
# a list put in order, the earliest first unless said otherwise: "put these in order: A, B, C", "order these: ..."
_THESE = r"(?:\s+(?:papers|ones|entries|works|models))"  # ...but "rank these models by accuracy" is no order in time
LIST_ORDER = Gated(
    ("order", "sort", "arrange", "rank"),
    r"\b(?:put|place|set|get)\s+(?:these|them|the\s+following)(?:\s+(?:papers|ones|entries|works))?\s+in\s+order\b"
    rf"|\b(?:order|sort|arrange|rank)\s+(?:these|them|the\s+following)\b(?!{_THESE}?\s+by\s+(?!{_TIMES})){_THESE}?",
    re.IGNORECASE,
)
# a choice between papers: a comparative of time that ends its clause ("which came first, the VAE or GANs?", "which
# was published later: bert or gpt-2", "the VAE or the GAN: which one was first?")
_WHICH = r"\bwhich(?:\s+[\w'’-]+){0,4}?\s+"
_CHOICE = r"(?=\s*(?:[,:;?!.—–]|-\s|$|or\b))"
# a superlative asks a choice only when two sides follow ("which is the newest, BERT or GPT-2?"; "what came first,
# word2vec or Bengio's model?"): "which paper is the oldest?" is an order over the list
_WHAT = r"\bwhat(?:\s+[\w'’-]+){0,3}?\s+"
_SIDES_AFTER = r"(?=\s*[,:;—–-]\s*[^?]*?\S\s+(?:or|vs\.?|versus)\s+\S)"
_EARLY_CHOICE = r"(?:first|earlier|older|sooner)" + _CHOICE
_LATE_CHOICE = r"(?:later|newer|more\s+recent|last)" + _CHOICE
# the two sides named between "which of" and the comparative ("which of BERT and GPT-2 is newer?", "which one of
# AlexNet or ResNet came out first"): the sides are the group ``both``, joined by "and" as well as "or"
_OF_BOTH = r"\bwhich\s+(?:one\s+)?of\s+(?:the\s+two\s*,?\s+)?(?P<both>[^?:;]+?\s(?:and|or|vs\.?|versus)\s[^?,:;]+?),?"
# between the sides and the comparative only the words that say when ("is", "came out", "was published"): any word
# there would let the lazy ``both`` stop after the second side's first word ("BERT and the | transformer came first")
_OF_BOTH += r"(?:\s+(?:came|come|comes|was|were|is|are|got|published|released|appeared|introduced|proposed|written"
_OF_BOTH += r"|out|one|paper|papers)){0,3}\s+(?:the\s+)?"
EARLIER_OF = Gated(
    ("first", "earlier", "older", "sooner", "oldest", "earliest"),
    rf"{_OF_BOTH}(?:{_EARLY_CHOICE}|(?:oldest|earliest){_CHOICE})"
    rf"|{_WHICH}{_EARLY_CHOICE}|(?:{_WHICH}(?:the\s+)?(?:oldest|earliest)|{_WHAT}first){_SIDES_AFTER}",
    re.IGNORECASE,
)
LATER_OF = Gated(
    ("later", "newer", "recent", "last", "newest", "latest"),
    rf"{_OF_BOTH}(?:{_LATE_CHOICE}|(?:newest|latest|most\s+recent){_CHOICE})"
    rf"|{_WHICH}{_LATE_CHOICE}|(?:{_WHICH}(?:the\s+)?(?:newest|latest|most\s+recent)|{_WHAT}last){_SIDES_AFTER}",
    re.IGNORECASE,
)
LATEST = Gated(
    ("newest", "latest", "recent", "youngest", "last", "final", "up", "current", "freshest", "modern", "cutting"),
    rf"\b(?:the\s+)?(?:{_LATE}){_ONE}"
    r"|\bmost\s+recently(?=\s*[?.!]*\s*$|\s+(?:among|in|of|on|here|there)\b)",  # "published most recently?"
    re.IGNORECASE,
)
# a place counted from an end ("the second oldest", "the 3rd most recent paper"): the order's first is that paper
ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
NTH = re.compile(r"\b(" + "|".join(ORDINALS) + r")[\s-]+(?:(?:very|most|least)\s+)?$", re.IGNORECASE)
# words that say where to look but not what about: "which paper on this list is the oldest one?"
LIST_WORDS = frozenset(
    ["list", "lists", "here", "entry", "entries", "one", "ones", "collection", "reading", "this", "these", "those"]
)

# words that ask when, or how one thing led to another, but not what about: "papers that came before AlphaGo", "after
# alexnet, what came next?", "what do I need to read before the attention paper" ask nothing beside the order
SEQUENCE_WORDS = frozenset(
    [
        *("next", "then", "later", "afterwards", "afterward", "earlier", "previously", "subsequently", "follow"),
        *("follows", "followed", "following", "try", "tried", "need", "needs", "use", "used", "using", "happen"),
        *("happens", "lead", "leads", "led", "know", "understand", "it", "that", "which", "they", "did", "does"),
        *("done", "order"),
    ]
)


@dataclass(frozen=True)
class OrderReading:
    """An order a query asks for, as read from its words."""

    first: First | None  # which end of time comes first; None: the papers closest to the anchor first
    side: Side | None  # the papers before or after the anchor; None: no anchor
    anchor: str  # the words that name the paper the others come before or after ("" without a side)
    spans: tuple[Span, ...]  # where it was read: these words are not what the query is about
    over: OrderOver = "topic"
    paper: tuple[int, str, str] | None = None  # the anchor once the ranker has found it: (row, id, how it is shown)
    listed_only: bool = False  # read from "the first paper": an order only when nothing else is asked (else origin)
    choice: tuple[tuple[str, Named | None], ...] = ()  # a choice's sides: each one's words and the paper they name
    nth: int = 1  # the place, counted from the end ``first`` names, of the paper asked for ("the second oldest": 2)
    alone: bool = False  # no paper of the list lies on ``side`` of the anchor: it is the list's first (or last)
    matched: int = 0  # how many papers the order ran over, when the place asked for (``nth``) lies past them
    compared: tuple[str, ...] = ()  # a comparison, no order in time asked ("GANs vs VAEs"): its two sides' words
    tied: bool = False  # the side is said by a tie ("influenced by X", "X's successors"), not by time ("after X")

    @property
    def compares(self) -> bool:
        """Whether this is a comparison of two things (``comparison``) rather than an order in time."""
        return bool(self.compared)

    def shown(self) -> Order:
        """The reading as ``understood`` shows it."""
        return {
            "first": self.first,
            "over": self.over,
            "paper": self.paper[1] if self.paper else None,
            "label": self.label(),
            "choice": [{"words": words, "paper": paper[1] if paper else None} for words, paper in self.choice],
        }

    def label(self) -> str:
        """The order, said back in words: "oldest first", "the whole list, newest first", "what came after
        Generative Adversarial Nets (2014)"."""
        if self.compares:  # "comparing Generative Adversarial Nets (2014) and “GloVe” (no paper of the list)"
            sides = self._sides() or list(self.compared)
            return "comparing " + " and ".join(sides)
        place = next((w for w, n in ORDINALS.items() if n == self.nth), "") + " " if self.nth > 1 else ""
        end = f"{place}{'oldest' if self.first == 'earliest' else 'newest'} first" if self.first else ""
        if self.first and 0 < self.matched < self.nth:  # "oldest first (no fifth oldest: 3 papers match)"
            word = "oldest" if self.first == "earliest" else "newest"
            end = f"{word} first (no {place}{word}: {self.matched} paper{'s' * (self.matched > 1)} match)"
        if self.choice:  # "oldest first: ImageNet Classification … (2012) or “VGG” (no paper of the list)"
            return f"{end}: " + " or ".join(self._sides())
        if self.side is None:
            return f"the whole list, {end}" if self.over == "list" else end
        told = f"what came {self.side} {self.paper[2] if self.paper else '“' + self.anchor + '”'}"
        if self.alone:  # "what came before McCulloch and Pitts": nothing, theirs is the first paper of the list
            return f"{told}: nothing, it is the list's {'first' if self.side == 'before' else 'last'} paper"
        return f"{told}, {end}" if end else told

    def _sides(self) -> list[str]:
        """Each side of a choice or comparison as its paper, or its words when the list has no paper for it; two sides
        that name one paper are said as the words of each in that paper ("“LSTM” and “GRU”, both in Long Short-Term
        Memory (1997)"), not the paper twice; of more sides, one whose paper a side before it named, as its words in
        that paper."""
        papers = [p for _, p in self.choice]
        if len(papers) == 2 and papers[0] is not None and papers[1] is not None and papers[0][0] == papers[1][0]:
            return [f"“{self.choice[0][0]}”", f"“{self.choice[1][0]}” (both in {papers[0][2]})"]
        rows = [p[0] if p else None for p in papers]  # a paper a side before named is said once: "“GRU” (in ...)"
        return [
            f"“{w}” (no paper of the list)" if p is None else f"“{w}” (in {p[2]})" if p[0] in rows[:i] else p[2]
            for i, (w, p) in enumerate(self.choice)
        ]

    def named_rows(self) -> list[int]:
        """The rows of the papers a choice's (or comparison's) sides name, in the order asked, once each."""
        return list(dict.fromkeys(paper[0] for _, paper in self.choice if paper is not None))

    def found(self, row: int, paper_id: str, shown: str, alone: bool = False) -> OrderReading:
        """This reading with its anchor found: the paper at ``row``, shown as ``shown``; ``alone`` when no paper of
        the list lies on the side asked."""
        return replace(self, paper=(row, paper_id, shown), alone=alone)


def choice_sides(text: str, topic: str) -> tuple[str, ...] | None:
    """Each side's words of a choice ("which came first, the VAE or the GAN?": "the VAE", "the GAN"): ``topic`` split
    at its one "or" ("vs", "versus"), when ``text`` asks a choice (``EARLIER_OF``, ``LATER_OF``); those of a comparison
    ("the difference between GANs and VAEs": ``comparison.compared_sides``) when it asks none; else None."""
    asked = _yes_no(text)
    if asked is not None:  # "did GANs come before VAEs?": the two papers it names
        return asked.group("a").strip(), asked.group("b").strip()
    m = EARLIER_OF.search(text) or LATER_OF.search(text)
    if m is None:  # a list put in order ("order these by year: BERT, ResNet, AlexNet"), or a comparison when no order
        end = _end(mended(text)[0])  # in time is asked ("the oldest paper comparing A and B": none)
        if end is None:
            return compared_sides(text)
        listing = end[0] in (OLDEST_FIRST, NEWEST_FIRST, LIST_ORDER) and LISTING.search(text) is not None
        return listed(topic) if listing else None  # "sort papers on vision, language and speech by date": a topic
    return listed(topic) or split_sides(topic, _joined_by_and(text, m))  # "which came first: LSTM, GRU or the ..."


ENDS: tuple[tuple[Gated, First], ...] = (  # tried in this order: the first that matches is the order's end
    (NEWEST_FIRST, "latest"),
    (OLDEST_FIRST, "earliest"),
    (LIST_ORDER, "earliest"),
    (EARLIER_OF, "earliest"),
    (LATER_OF, "latest"),
    (EARLIEST, "earliest"),
    (LATEST, "latest"),
    (FIRST, "earliest"),
    (LATEST_WORK, "latest"),
)


def _end(text: str) -> tuple[Gated, First, re.Match[str]] | None:
    """The end of time ``text`` (its time words mended) names, the pattern that read it and where, or None."""
    for pattern, end in ENDS:
        m = pattern.search(text)
        if m:
            return pattern, end, m
    return None


def read_order(text: str) -> OrderReading | None:
    """The order ``text`` asks for, or None."""
    first: First | None = None
    spans: list[Span] = []
    listed_only, nth = False, 1
    text, at = mended(text)
    read = _end(text)
    if read is not None:
        pattern, first, m = read
        listed_only = pattern in (FIRST, LATEST_WORK)
        spans.extend(_choice_spans(text, m) if pattern in (EARLIER_OF, LATER_OF) else _spans(m))
        place = NTH.search(text, 0, m.start() + len(m.group()) - len(m.group().lstrip()))
        if place and pattern in (EARLIEST, LATEST):  # "the second oldest": counted from that end
            nth = ORDINALS[place.group(1).lower()]
            spans.append(place.span())
    asked = _yes_no(text) if read is None else None
    if asked is not None:  # "did GANs come before VAEs?": a choice between the two, not what came before VAEs
        first = "earliest" if asked.group("early") else "latest"
        between = [(asked.start(), asked.start("a")), (asked.end("a"), asked.start("b"))]
        return OrderReading(first, None, "", tuple((at[a], at[b]) for a, b in between), "topic")
    side, anchor, span = read_relation(text, superlative=first is not None)
    if side is None and first is None:
        sides = compared_sides(text)  # no order asked: a comparison of two things ("GANs vs VAEs"), or nothing
        return OrderReading(None, None, "", (), compared=sides) if sides else None
    if side is not None and span is not None and every_other(anchor):  # "came out before all the others"
        first = first or ("earliest" if side == "before" else "latest")
        side, anchor = None, ""
    elif first is None and side is not None and span is not None and nearest(text, span):
        first = "latest" if side == "before" else "earliest"  # "just before X": the nearest in time first
    tied = side is not None and span is not None and by_a_tie(text, span, anchor)
    if span is not None:
        spans.append(span)
    spans = [(at[start], at[end]) for start, end in spans]  # where they stand in the text as typed
    listed_only = listed_only and side is None
    over = side or "topic"
    return OrderReading(first, side, anchor, tuple(spans), over, listed_only=listed_only, nth=nth, tied=tied)


def _yes_no(text: str) -> re.Match[str] | None:
    """A yes-or-no question of which of two papers came first (``comparison.YES_NO``), unless a side is a step of a
    process or a part of a network ("does weight decay apply before or after the gradient step?", "does batch
    normalization go before or after the activation?": ``steps.a_step``, ``steps.a_position``)."""
    asked = YES_NO.search(text)
    if asked is None or a_step(asked.group("b")) or a_position(text):
        return None
    return asked


def time_words_read(text: str) -> dict[int, tuple[int, str]]:
    """The misspelt words of time order that ``text``'s end of time is read from, by where each starts, with where
    it ends and the word it stands for: "the most recnet paper" reads "recent" there, where "what came after recnet"
    names a paper (a speller would take both for "resnet")."""
    mended_text, at = mended(text)
    read = _end(mended_text)
    if read is None:
        return {}
    start, end = at[read[2].start()], at[read[2].end()]
    fixes = ((m, time_word(m.group())) for m in WORD_RE.finditer(text, start, end))
    return {m.start(): (m.end(), fix) for m, fix in fixes if fix is not None}


def _spans(m: re.Match[str]) -> list[Span]:
    """Where an end of time was read: the whole match, or only its verb and "by date" ("sort the GAN papers by
    date": the words between say what about)."""
    if "verb" in m.re.groupindex and m.group("verb"):
        return [m.span("verb"), m.span("by")]
    return [(m.start(), m.end())]


def _joined_by_and(text: str, m: re.Match[str]) -> bool:
    """Whether the two sides of the choice ``m`` read in ``text`` may be joined by "and": named between "which of"
    and the comparative ("which of BERT and GPT-2 is newer?"), or after a leading "between" ("between BERT and GPT-2,
    which came first?"). Elsewhere "and" joins the words of one side ("which came first, Show and Tell or AlexNet")."""
    return m.group("both") is not None or BETWEEN.search(text) is not None


def _choice_spans(text: str, m: re.Match[str]) -> list[Span]:
    """Where a comparative of time that ends a choice was read: the whole "which ... first" when the text names two
    sides ("which came first, the VAE or GANs?"), all of it but the sides when they stand inside it ("which of BERT
    and GPT-2 is newer?"), else only "which" and the comparative, so the words between say what the order is over
    ("which attention paper came first": the attention papers, oldest first)."""
    if m.group("both") is not None:
        return [(m.start(), m.start("both")), (m.end("both"), m.end())]
    if SIDES.search(text) or BETWEEN.search(text):
        return [(m.start(), m.end())]
    comparative = re.search(r"\S+(?:\s+recent)?$", m.group())
    assert comparative is not None
    return [(m.start(), m.start() + len("which")), (m.start() + comparative.start(), m.end())]
