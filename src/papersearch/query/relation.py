"""A relation to one paper read from the words: what came before or after it, and the words that name it.

"what came before X", "what should I read before X", "what followed X", "after X, what came next", "the last paper
published before X" (only beside a superlative), "X's predecessors", "which papers cite X", "X - what came
afterwards?" (a pronoun or a side at the end refers to the paper named ahead); a verb of one table read by the part
the paper plays in it ("what did X build on / replace / lead to", "what enabled X", "the seq2seq paper built on what",
"papers that X relies on"); a noun of a side after the paper's words ("AlexNet's ancestors", "Radford 2018
successors"); a side and a paper alone ("before alexnet?"). ``read_relation`` says on which side of X to look and the
words that name X (the anchor, which the ranker searches for); an anchor that is a year or a decade is a time
(``timewords`` reads it). ``order.read_order`` reads it beside an end of time.
"""

from __future__ import annotations

import re
from typing import Literal

from ..core.patterns import DIGIT, Gated
from .periods import ERA_WORD, Span
from .steps import a_position, a_step, parts_beside
from .timewords import WORD_NUMBERS

Side = Literal["before", "after"]
Role = Literal["subject", "object"]  # the part the paper plays in a verb's relation (``_VERB``)

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
        "ancest",
        "lineage",
    ),
    rf"\b(?:(?:came|come|comes|coming|was|were)\s+(?:out\s+)?{_SOON}(?:before|prior\s+to)|happened\s+{_SOON}before"
    rf"|{_NEXT}(?:before|prior\s+to)"
    r"|(?:read|study|know|learn|understand|cover)\s+(?:first\s+)?(?:before|prior\s+to)"
    r"|led\s+(?:up\s+)?to|lead\s+(?:up\s+)?to|leading\s+up\s+to|pav(?:ed|es|e|ing)\s+the\s+way\s+for|preced(?:ed|es|ing)"
    r"|(?:precursors?|predec+es+ors?|forerunners?|antecedents?|prerequisites?|ancestors?|ancestry|lineage)\s+(?:of|to|for)|influences\s+(?:on|behind)"
    r"|what\s+(?:inspired|influenced|shaped|motivated|prompted)|(?:foundations?|groundwork)\s+for"
    rf"|(?:was|were|is|are)\s+there\s+{_SOON}(?:before|prior\s+to)|{_PEOPLE}{_SOON}(?:before|prior\s+to)"
    rf"|{_SAID}{_SOON}(?:before|prior\s+to)|(?:older|earlier)\s+than|predat(?:e|ed|es|ing))\s+" + _ANCHOR,
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
        "heir",
        "offshoot",
        "legacy",
    ),
    rf"\b(?:(?:came|come|comes|coming)\s+(?:out\s+|next\s+)?{_SOON}(?:after|since)|happened\s+{_SOON}(?:after|since)"
    rf"|{_NEXT}after|next(?:\s+(?:paper|one|entry|step|thing)(?:\s+(?:on|in)\s+the\s+(?:timeline|list))?)?\s+after"
    r"|(?:later|subsequent)\s+(?:papers?|work|entries)\s+(?:that\s+)?(?:cite|cites|cited|mention|mentions|build\s+on)"
    # "which paper follows from X", "what follows from the X paper": a paper that follows from a paper came after it
    # ("what follows from the universal approximation theorem" asks for a consequence, no paper)
    r"|(?:papers?|works?|ones|entries|research)\s+(?:that\s+|which\s+)?follow(?:s|ed)?\s+from"
    r"|follow(?:s|ed)?\s+from(?=\s+[^?.!;,]*\b(?:paper|work|article)\b)"
    r"|follow(?:ed|ing)(?:\s+up)?(?:\s+on)?|follows(?:\s+up)?(?:\s+on)?(?!\s+from\b)|succe(?:eded|eds|eding)|(?:built|builds|build|building)\s+(?:on|upon)"
    r"|(?:grew|came|sprang|spun|emerged)\s+out\s+of|in\s+the\s+wake\s+of|(?:replaced|superseded|supplanted)"
    rf"|(?:was|were|is|are)\s+there\s+{_SOON}(?:after|since)|{_PEOPLE}{_SOON}(?:after|since)"
    r"|(?:inspired|influenced|enabled|spawned|sparked|triggered|made\s+possible)\s+by"
    r"|(?:successors?|descendants?|follow[\s-]?ups?|heirs?|offshoots?|legacy)\s+(?:of|to|on)"
    rf"|{_SAID}{_SOON}(?:after|since)|(?:later|newer|more\s+recent)\s+than)\s+" + _ANCHOR,
    re.IGNORECASE,
)
PUBLISHED = Gated(  # "the last paper (published) before X": a relation only beside a superlative
    ("before", "after", "prior", "since"),
    r"\b(?:published|written|released|appeared|out|paper|entry|one|article)\s+(?P<side>before|after|prior\s+to|since)\s+"
    + _ANCHOR,
    re.IGNORECASE,
)
# what a paper did to others, by the verb: with the paper its subject ("what did X build on", "what did attention
# replace", "the seq2seq paper built on what") the verb says on which side the others lie; with the paper its object
# ("what enabled X", "papers that extended GANs") the other side. One table of verbs, not one pattern per wording.
# the subject came later than what the verb names: what X built on, replaced, cited came before X. These say so with
# the paper either side of them ("what did X build on", "papers that built on X")...
_EARLIER_EITHER = (
    r"(?:build|built|building|builds|rely|relies|relying)\s+(?:up)?on"
    r"|(?:grow|grew|emerge|emerged|stem|stemmed|spring|sprang|evolve|evolved|develop|developed|descend|descended"
    r"|derive|derived|inherit|inherited)\s+(?:out\s+of|from)"
    r"|cite|cited|cites|reference|referenced|replace|replaced|replaces|supersede|superseded|supersedes|supplant"
    r"|supplanted|extend|extended|extends|succeed|succeeded"
)
# ...these only with the paper their subject ("what did CLIP combine", "what does the BERT paper draw from"): with the
# paper their object they say a topic as often as a time ("papers that combine CNNs and RNNs", "which papers mention
# attention", "papers that draw on neuroscience", "papers based on attention", "papers that follow the encoder-decoder
# design")
_EARLIER_SUBJECT = (
    r"(?:rest|rests|resting|draw|draws|drawing|drew|depend|depends|depending|based|founded|improve|improved|improves"
    r"|improving)\s+(?:up)?on"
    r"|(?:come|came|borrow|borrowed|learn|learned|learnt|draw|draws|drew|drawing|take|takes|took)\s+(?:out\s+of|from)"
    r"|combine|combined|combines|merge|merged|merges|unify|unified|unifies|mention|follow|followed"
)
_EARLIER = f"{_EARLIER_EITHER}|{_EARLIER_SUBJECT}"
_LATER = (  # the subject came earlier than what the verb names: what X led to, enabled, inspired came after X
    r"lead(?:\s+up)?\s+to|led(?:\s+up)?\s+to|make\s+possible|made\s+possible|enable|enabled|inspire|inspired|influence"
    r"|influenced|spawn|spawned|pave\s+the\s+way\s+for|paved\s+the\s+way\s+for|give\s+rise\s+to|gave\s+rise\s+to"
    r"|open\s+up|opened\s+up|kick\s+off|kicked\s+off|trigger|triggered|spark|sparked|unlock|unlocked|precede|preceded"
    r"|motivate|motivated|prompt|prompted|shape|shaped|lead|led"  # "what did X lead" (to, next, on)
)
_VERB = rf"(?P<verb>(?P<earlier>{_EARLIER})|{_LATER})"
_OBJECT_VERB = rf"(?P<verb>(?P<earlier>{_EARLIER_EITHER})|{_LATER})"  # the paper the verb's object
_VERB_GATE = (
    *("on", "from", "out", "cite", "mention", "referenc", "replac", "supersed", "supplant", "extend", "follow"),
    *("combine", "merge", "unif"),
    *("succeed", "lead", "led", "possible", "enable", "inspire", "influence", "spawn", "pave", "rise", "open"),
    *("kick", "trigger", "spark", "unlock", "preced", "motivat", "prompt", "shape"),
)
# "what did the transformer build on?", "what did X lead to", "what has BERT influenced", "which earlier work does
# X rest on", "what did attention replace": the paper the subject
DID = Gated(
    _VERB_GATE,
    r"\b(?:what|which)(?:\s+[\w'’-]+){0,2}?\s+(?:did|has|have|does|do|is|was)\s+(?P<anchor>[^?.!;,]*[^?.!;,\s])\s+"
    + _VERB
    + r"\b",
    re.IGNORECASE,
)
# "where did the LSTM paper lead?", "where has backprop led since": what came after it ("where did X come from" asks
# for an origin)
WHERE_LED = Gated(
    ("lead", "led"),
    r"\bwhere\s+(?:did|has|have|does|do)\s+(?P<anchor>[^?.!;,]*[^?.!;,\s])\s+(?:lead|led)\b",
    re.IGNORECASE,
)
# "the papers that seq2seq relies on", "work BERT builds upon", "the seq2seq paper built on what": the paper the
# subject, the question's end after the verb ("papers that built on GANs": the object, not this)
RESTS_ON = Gated(
    _VERB_GATE,
    r"(?:\b(?:papers?|work|works|ones|entries|research|ideas?|what)\s+(?:that\s+|which\s+)?(?P<anchor>[^?.!;,]*?"
    r"[^?.!;,\s])\s+(?:(?:is|was|are|were)\s+)?"
    + _VERB
    + r"|^\s*(?:so\s+)?(?P<ahead>[^?.!;,]*?[^?.!;,\s])\s+(?:(?:is|was|are|were)\s+)?"
    + _VERB.replace("?P<verb>", "?P<verb2>").replace("?P<earlier>", "?P<earlier2>")
    + r"\s+(?:what|which(?:\s+[\w'’-]+)?|whom))(?=\s*(?:[?.!;,:]|$|for\s+(?:my|our|a|an)\b))",  # "... for my thesis"
    re.IGNORECASE,
)
# "what enabled the transformer?", "which papers extended GANs", "what made AlexNet possible": the paper the object
DONE_TO = Gated(
    _VERB_GATE,
    r"\b(?:what|which|papers?|work|works|ones|entries|research|anything|everything)(?:\s+[\w'’-]+){0,2}?\s+"
    r"(?:that\s+|which\s+)?(?:(?:has|have|had)\s+)?" + _OBJECT_VERB + r"\s+" + _ANCHOR,
    re.IGNORECASE,
)
PICKED_UP = Gated(  # "who picked up where the denoising autoencoder paper left off?": what came after it
    ("left", "leave"),
    r"\b(?:pick|picks|picked|picking|take|takes|took|taking|carry|carries|carried|carrying)\s+(?:up|on)\s+where\s+"
    r"(?P<anchor>[^?.!;,]*?[^?.!;,\s])\s+(?:left|leaves|leave)\s+off\b",
    re.IGNORECASE,
)
MADE_POSSIBLE = Gated(  # "what made AlexNet possible": what came before it
    ("possible",),
    r"\b(?:what|which)(?:\s+[\w'’-]+){0,2}?\s+(?:made|make|makes|making)\s+(?P<anchor>[^?.!;,]*?[^?.!;,\s])\s+possible\b",
    re.IGNORECASE,
)
# "ResNet's predecessors", "what were CLIP's influences?", "the transformer's successors": a side named by a noun
_KIN_BEFORE = (
    r"predec+es+ors?|precursors?|forerunners?|antecedents?|prerequisites?|influences|inspirations?|roots|ancestors?"
    r"|ancestry|lineage|parents?"
)
_KIN_AFTER = r"successors?|descendants?|follow[\s-]?ups?|legacy|offspring|heirs?|offshoots?|children|progeny"
_KIN_GATE = (
    *("pre", "ancest", "lineage", "parent", "forerunner", "antecedent", "influence", "inspiration", "roots"),
    *("succe", "descendant", "follow", "legacy", "offspring", "heir", "offshoot", "children", "progeny"),
)
POSSESSIVE = Gated(
    _KIN_GATE,
    r"(?:^|[?.!;:,–—]\s*|\s-\s)(?:(?:what|which|who)(?:\s+(?:were|are|was|is))?\s+)?(?:the\s+)?"
    r"(?P<anchor>[^?.!;:,–—\s][^?.!;:,–—]*?)['’]s?\s+"
    rf"(?:(?P<before>{_KIN_BEFORE})|(?P<after>{_KIN_AFTER}))\b",
    re.IGNORECASE,
)
# "Radford 2018 successors", "alexnet ancestors?": a side named by a noun at the end, after the paper's words
KIN_AT_END = Gated(  # not "children", "parents", "progeny": "tree nodes with parents", "nodes and their children"
    _KIN_GATE,
    r"^\s*(?:(?:what|which|who)(?:\s+(?:were|are|was|is))?\s+)?(?:the\s+)?(?P<anchor>[^?.!;:,–—\s][^?.!;:,–—]*?)\s+"
    rf"(?!(?:parents?|children|progeny)\b)(?:(?P<before>{_KIN_BEFORE})|(?P<after>{_KIN_AFTER}))\s*[?.!]*\s*$",
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
# the whole question a side and a paper: "before alexnet?", "after GPT-2?", "pre-transformer", "so, post BERT?"
BARE = Gated(
    ("before", "after", "prior", "since", "pre", "post"),
    r"^\s*(?:(?:and|so|ok|okay|what|anything|papers?|stuff|work|research)\W+){0,2}"
    r"(?:(?P<side>before|after|prior\s+to|since)\s+(?!(?:when|what|which|who|how|why|where)\b)"
    r"|(?P<prefix>pre|post)[\s-]+(?=[^\s?.!;,]+\s*[?.!]*\s*$)(?![a-z]+(?:ed|ing)\b)(?!(?:hoc|norm)\b))"
    r"(?P<anchor>[^?.!;,]*[^?.!;,\s])\s*[?.!]*\s*$",  # "pre-transformer", "post-BERT"; not "pre-trained word vectors"
    re.IGNORECASE,
)
# a clause joined after the paper's words that says more of the same relation: "papers that predate BERT and shaped it"
AND_ALSO = re.compile(r"\s+and\s+[\w'’-]+(?:\s+[\w'’-]+)?\s+(?:it|them|this|that|him|her)$", re.IGNORECASE)
ET_AL = re.compile(r"\bet\s+al\.", re.IGNORECASE)
WH = re.compile(r"^(?:what|which|whom|who)$", re.IGNORECASE)  # "the seq2seq paper built on what": no anchor
IN_ORDER = re.compile(
    r"\s+in\s+(?:(?:time|date|chronological)\s+)?order$", re.IGNORECASE
)  # "what came before X in order"
DECADE = re.compile(  # "the 1980s", "late-80s", "'90s", "the nineties"
    r"(?<!\w)(?:(?:1[89]|20)?\d0|['’]\d0)['’]?s\b|\b(?:" + "|".join(WORD_NUMBERS) + r")\b", re.IGNORECASE
)
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
    r"|with|and|to|what|which|is|are|was|were)\b)"
    r"|^\W*(?:1[89]\d\d|20\d\d)s?(?![\w'’-])",  # "post-2019 papers on X", "pre-2003 language models": a year first
    re.IGNORECASE,
)


def every_other(anchor: str) -> bool:
    """Whether a relation's anchor is every other paper ("came out before all the others"): an end of time instead."""
    return EVERY_OTHER.search(anchor) is not None


def read_relation(text: str, superlative: bool) -> tuple[Side | None, str, Span | None]:
    """The side and the anchor's words of a relation to one paper, and where it was read."""
    if a_position(text):  # "should dropout come before or after batch norm?": where a part goes, not when
        return None, "", None
    text = ET_AL.sub(lambda m: m.group()[:-1] + " ", text)  # "Sutskever et al. 2014": the same length, no full stop
    patterns: list[tuple[Gated, Side | Role | None]] = [
        (LEADING, None),
        (DID, "subject"),
        (WHERE_LED, "after"),
        (RESTS_ON, "subject"),
        (CITED_IN, "before"),
        (CITED_BY, "after"),
        (MADE_POSSIBLE, "before"),
        (PICKED_UP, "after"),
        (RESPONSE, None),
        (POSSESSIVE, None),
        (KIN_AT_END, None),
        (BEFORE, "before"),
        (AFTER, "after"),
        (DONE_TO, "object"),
        (BARE, None),
    ]
    if superlative:
        patterns.append((PUBLISHED, None))
    for pattern, side in patterns:
        m = pattern.search(text)
        if m is None:
            continue
        group = "anchor" if m.group("anchor") is not None or "ahead" not in m.re.groupindex else "ahead"
        if _timed(m.group(group)) or WH.match(m.group(group)):  # "after 2015" is a time, read as one
            continue
        if a_step(m.group(group)) or parts_beside(m.group(group), text[m.end() :]):  # a step of a process, no paper
            continue  # ("after training, how do I evaluate a GAN?", "what does the generator learn from the discriminator")
        said = _said(m, side)
        anchor = " ".join(AND_ALSO.sub("", IN_ORDER.sub("", m.group(group).strip())).split())
        if PRONOUN.match(anchor):  # "the transfer learning paper: what did it influence?"
            ahead = LEAD_IN.match(text[: m.start(group)])
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
    decade anywhere in it ("what came out of the late-80s backprop boom"), or a period by a word that ends it ("work
    before the deep learning era", "what happened after the first AI winter")."""
    last = anchor.split()[-1:]
    period = bool(last) and ERA_WORD.search(last[0].strip("?.!,;:")) is not None
    return YEAR_ONLY.match(anchor) is not None or DECADE.search(anchor) is not None or period


def nearest(text: str, span: Span) -> bool:
    """Whether the relation read at ``span`` asks for the paper nearest in time: a word of nearness in it or just
    before it ("right after X", "which paper immediately preceded X", "the next paper after X")."""
    return any(m.end() > span[0] for m in NEXT_IN_TIME.finditer(text[: span[1]]))


def _said(m: re.Match[str], side: Side | Role | None) -> Side:
    """The side a relation read by ``m`` names: the pattern's own (``side``), the verb's for the part the paper plays
    in it (``Role``), or the one its words say (``_side``)."""
    if side == "subject" or side == "object":
        return _role_side(m, side)
    return side if side is not None else _side(m)


def _role_side(m: re.Match[str], role: Role) -> Side:
    """The side of a verb's relation (``_VERB``): with the paper its subject, the side the verb names (what X built
    on came before X); with the paper its object, the other (what built on X came after it)."""
    earlier = bool(m.group("earlier") or ("earlier2" in m.re.groupindex and m.group("earlier2")))
    return "before" if earlier == (role == "subject") else "after"


def _side(m: re.Match[str]) -> Side:
    """The side a pattern that reads it from its words names: its group ``side`` ("before", "prior to", "after",
    "since") or which of its groups ``before`` and ``after`` matched."""
    if "side" in m.re.groupindex:
        side = m.group("side") or ("prefix" in m.re.groupindex and m.group("prefix")) or ""
        return "before" if side.lower().startswith(("before", "prior", "pre")) else "after"
    return "before" if m.group("before") or ("background" in m.re.groupindex and m.group("background")) else "after"
