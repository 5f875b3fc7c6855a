"""The words of a query that ask rather than say what about: fillers, asides, and instructions to the assistant.

"Explain the vanishing gradient problem", "tell me about GANs", "summarize the AlexNet paper for me":
the instruction ("explain", "tell me about", "for me") names no topic, so neither side of the ranking
nor the answer's choice of sentences should match on it (the explainable-AI text of a visualisation
paper is not about vanishing gradients). ``without_instruction`` cuts an instruction from the start
of a query ("explain", "what's the deal with") and one after its topic ("X explained", "X: describe it") or a
courtesy from its end; ``ASKING`` are words that ask wherever they stand. Pure.
"""

from __future__ import annotations

import re

from ..core.patterns import Gated

# words that ask for papers without saying what about: "what came out in 2015?", "papers from the 80s"
FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "from",
        "for",
        "by",
        "with",
        "about",
        "during",
        "around",
        "between",
        "and",
        "or",
        "any",
        "all",
        "some",
        "what",
        "which",
        "who",
        "when",
        "where",
        "how",
        "were",
        "was",
        "is",
        "are",
        "did",
        "do",
        "does",
        "came",
        "come",
        "out",
        "show",
        "me",
        "list",
        "give",
        "find",
        "paper",
        "papers",
        "work",
        "works",
        "research",
        "publications",
        "published",
        "publish",
        "released",
        "written",
        "appeared",
        "happened",
        "important",
        "key",
        "major",
        "notable",
        "main",
        "big",
        "famous",
        "influential",
        "best",
        "good",
        "great",
        "seminal",
        "landmark",
        "era",
        "eras",
        "period",
        "periods",
        "decade",
        "decades",
        "year",
        "years",
        "age",
        "days",
        "time",
        "times",
        "ai",
        "ml",
        "field",
        "area",
        "anything",
        "everything",
        "something",
        "stuff",
        "thing",
        "things",
        "else",
        "other",
        "new",
        "same",
        "like",
        "kinda",
        "sort",
        "circa",
        "roughly",
        "approximately",
        "please",
        "people",
        "researchers",
        "researcher",
        "folks",
        "someone",
        "anyone",
    ]
)
# with FILLER, the words of a query that is only a time: "what was going on in the 70s?", "anything worth reading from '89?"
ASIDES = FILLER | frozenset(
    [
        "going",
        "happening",
        "there",
        "been",
        "be",
        "has",
        "have",
        "had",
        "get",
        "got",
        "i",
        "you",
        "we",
        "should",
        "could",
        "would",
        "can",
        "read",
        "reading",
        "worth",
        "then",
        "whats",
        "what's",
    ]
)
# words that ask for something without saying what about: "i want the most recent paper", "looking for the oldest one"
REQUESTS = frozenset(
    [
        *("want", "wanna", "need", "looking", "look", "see", "show", "tell", "know", "like", "love", "interested"),
        *("curious", "wondering", "wonder", "please", "thanks", "hey", "hi"),
    ]
)
# a word that only joins the time to the rest ("neural nets in the 1970s"): dropped with the time
TIME_JOINERS = frozenset(["in", "from", "during", "of", "around", "circa", "since", "before", "after", "until"])
# words that ask the assistant for something wherever they stand: never what a query is about
ASKING = frozenset(
    [
        "explain",
        "explains",
        "explained",
        "explaining",
        "explanation",
        "describe",
        "describes",
        "described",
        "description",
        "summarize",
        "summarise",
        "summarized",
        "summarised",
        "summary",
        "overview",
        "rundown",
        "eli5",
        "briefly",
        # "papers that discuss dropout": the list's own "for detailed discussion" is no match for it
        *("discuss", "discusses", "discussed", "discussing", "discussion", "discussions"),
    ]
)

# words that ask who did something first or how it developed (``plan.ORIGIN``, ``plan.HISTORY``): the intent of a
# question, never its topic ("who invented GANs" is about GANs)
CUES = frozenset(
    [
        "invent",
        "invents",
        "invented",
        "inventing",
        "inventor",
        "inventors",
        "invention",
        "introduce",
        "introduces",
        "introduced",
        "introducing",
        "introduction",
        "pioneer",
        "pioneers",
        "pioneered",
        "pioneering",
        "originate",
        "originates",
        "originated",
        "originator",
        "origin",
        "origins",
        "birth",
        "founding",
        "founder",
        "father",
        "history",
        "histories",
        "historical",
        "evolution",
        "evolve",
        "evolves",
        "evolved",
        "evolving",
        "timeline",
        "milestone",
        "milestones",
        "lineage",
        "trajectory",
        "development",
        "develop",
        "developed",
        "progress",
        "progression",
        "first",
        "earliest",
    ]
)

_POLITE = r"(?:(?:please|pls|hey|hi|ok|okay|so|now)[\s,]+)*"
_ASK_YOU = r"(?:(?:can|could|would|will)\s+(?:you|someone|somebody|anyone)\s+(?:please\s+)?)?"
_WANT = (
    r"(?:(?:i'?d|i\s+would|i)\s+(?:like|love|want|wanna|need)\s+(?:you\s+)?(?:to\s+)?(?:better\s+)?"
    r"|help\s+me\s+(?:to\s+)?(?:better\s+)?|let\s+me\s+|i'?m\s+trying\s+to\s+|trying\s+to\s+)?"
)
_NOUN = r"(?:overview|summary|rundown|run-down|explanation|description|intro(?:duction)?|breakdown|primer|recap|eli5)"
# a request for where to start reading, not a question of who was first: "what should I read first about X", "where
# do I start with X", "a good place to start on X"
_READING = (
    r"(?:what|which(?:\s+(?:papers?|ones?|entries|works?))?)\s+(?:should|do|would|must|could|can|to)\s+"
    r"(?:(?:i|we|one|you)\s+)?(?:(?:need|have|ought)\s+to\s+)?(?:read|start\s+with|begin\s+with)(?:\s+first)?"
    r"(?!\s+(?:before|after|prior|next|since|until)\b)"  # "what should I read before X" is an order (``relation``)
    r"|where\s+(?:(?:should|do|would|can|could|to)\s+(?:(?:i|we|one|you)\s+)?)?(?:start|begin)"
    r"(?:\s+(?:reading|learning))?(?:\s+with)?"
    r"|(?:(?:what|which)(?:\s+(?:paper|one|entry))?(?:\s+(?:is|are)|'s|’s)\s+)?(?:an?\s+|the\s+)?(?:best\s+|good\s+)?"
    r"(?:place|point|paper|entry)\s+to\s+(?:start|begin)(?:\s+(?:reading|learning))?(?:\s+with)?"
    r"|(?:an?\s+|the\s+)?(?:best\s+|good\s+)?(?:starting|entry)\s+points?"
    r"|(?:recommend|suggest)\s+(?:me\s+)?(?:(?:some|a\s+few|a|any)\s+)?(?:papers?|reading|something)?"
)
# a request for the papers that treat a topic: "what papers discuss dropout", "papers that cover X", "does the list
# cover X", "is there a paper on X" (the topic is what they treat, not "discuss")
_TREAT = (
    r"(?:discuss(?:es)?|cover(?:s)?|talks?\s+about|deals?\s+with|address(?:es)?|mentions?|(?:is|are)\s+about"
    r"|touch(?:es)?\s+on|says?\s+about)"  # not "study", "explore": the kind of work is part of the topic
)
_PAPERS = r"(?:papers?|works?|entries|articles?|ones|anything|something)"
_LIST = r"(?:the|this|your|my)\s+(?:reading\s+)?list"
_TREATING = (
    rf"(?:(?:what|which)\s+{_PAPERS}(?:\s+(?:in|on|of)\s+{_LIST}|\s+here)?\s+(?:(?:do|does)\s+)?"
    rf"|(?:any\s+|the\s+)?{_PAPERS}(?:\s+(?:in|on|of)\s+{_LIST}|\s+here)?\s+(?:that|which)\s+)(?:{_TREAT})"
    rf"|(?:is|are)\s+there\s+(?:any\s+|an?\s+)?{_PAPERS}(?:\s+(?:in|on)\s+{_LIST}|\s+here)?\s+"
    rf"(?:(?:that\s+|which\s+)?{_TREAT}|on|about)"
    rf"|(?:what\s+|which\s+{_PAPERS}\s+)?(?:does|do|can)\s+(?:{_LIST}|you|it)\s+"
    rf"(?:{_TREAT}|(?:have|hold|include|contain|say)(?:\s+(?:(?:any\s+)?{_PAPERS}\s+)?(?:on|about))?)"
)
_VERB = (  # a request for reading or for the papers on a topic first: "what is the best place to start with X"
    rf"(?:(?:{_READING})(?:\s+(?:about|on|for|in|to\s+(?:learn|understand)(?:\s+about)?))?|{_TREATING}"
    r"|explain(?:\s+to\s+me)?|describe|summari[sz]e|outline|clarify|understand|learn\s+about|know\s+about"
    r"|name|tell\s+me(?:\s+(?:more\s+)?about)?|walk\s+me\s+through|talk\s+me\s+through|teach\s+me(?:\s+about)?"
    r"|what(?:'s|’s|s|\s+is)\s+the\s+deal\s+with|go\s+over|break\s+down|give\s+me\s+(?:an?\s+|the\s+)?(?:quick\s+|short\s+|brief\s+|simple\s+)?"
    + _NOUN
    + r"(?:\s+(?:of|on|about|for))?|(?:an?\s+|the\s+)?(?:quick\s+|short\s+|brief\s+)?"
    + _NOUN
    + r"\s+(?:of|on|about|for)|what\s+(?:is|are|was|were)|what's|whats|eli5(?:\s*:)?)"
)
_INSTRUCTION_WORDS = (  # one of them is in every instruction: its verb, its noun or "what"
    *("explain", "explanation", "describe", "description", "summari", "summary", "outline", "clarify", "understand"),
    *("learn", "know", "tell", "walk", "talk", "teach", "go", "break", "give", "overview", "rundown", "run-down"),
    *("intro", "primer", "recap", "eli5", "what", "name", "which", "where", "start", "recommend", "suggest"),
    *("paper", "work", "entr", "article", "ones", "thing", "there", "does", "do", "can"),
)
# an instruction after the topic: "word embeddings explained", "the attention mechanism: describe it briefly"
_AFTER = (
    r"[\s,:;–—-]*\b(?:(?:explained|described|summari[sz]ed|outlined)"
    r"|(?:explain|describe|summari[sz]e|outline)\s+(?:it|them|this|that|these)(?:\s+(?:to|for)\s+me)?)\b"
)
INSTRUCTION = Gated(_INSTRUCTION_WORDS, rf"^\s*{_POLITE}{_ASK_YOU}{_WANT}{_VERB}\b[\s,:]*", re.IGNORECASE)
_COURTESY = (
    r"[\s,]*\b(?:for\s+me|to\s+me|please|briefly|simply|quickly|in\s+(?:simple|plain|layman'?s?)\s+(?:terms|english|words)"
    r"|in\s+a\s+(?:few|couple(?:\s+of)?)\s+(?:sentences|words|lines)|like\s+i'?m\s+(?:five|5|a\s+beginner)"
    r"|(?:,\s*)?thanks?(?:\s+you)?)\b[\s,]*"
)
COURTESY = Gated(
    (
        "me",
        "please",
        "briefly",
        "simply",
        "quickly",
        "terms",
        "english",
        "words",
        "sentences",
        "lines",
        "like",
        "thank",
    ),
    rf"(?:{_COURTESY})+[?.!]*\s*$",
    re.IGNORECASE,
)
AFTER_TOPIC = Gated(("explain", "describ", "summari", "outline"), rf"{_AFTER}(?:{_COURTESY})*[?.!]*\s*$", re.IGNORECASE)


def without_instruction(text: str) -> str:
    """``text`` less an instruction at its start ("explain", "tell me about", "I'd like to understand"), one after
    its topic ("X explained", "X: describe it") and a courtesy at its end ("for me in a few sentences"); ``text`` itself when nothing is left after them (a query
    that is only "explain" asks about the word)."""
    m = INSTRUCTION.match(text)
    start = m.end() if m else 0
    end = len(text)
    for after in (AFTER_TOPIC, COURTESY):  # "X explained for me": the instruction's start, else the courtesy's
        m = after.search(text, start)
        if m and start < m.start() < end:
            end = m.start()
    rest = text[start:end].strip(" ,;:-–")
    return rest if re.search(r"\w", rest) else text


# a contrast: the words after it say what the question is not about ("the newest paper on real brains instead of
# artificial ones"), up to the end of its clause
CONTRAST = Gated(
    ("instead", "rather", "opposed"),
    r"[\s,;:—–-]*\b(?:instead\s+of|rather\s+than|as\s+opposed\s+to)\b[^,;:?!.]*",
    re.IGNORECASE,
)


def without_contrast(text: str) -> str:
    """``text`` less each contrast and what it sets aside ("real brains instead of artificial ones": "real brains"), so
    the papers about what is set aside do not count as matches; ``text`` itself when nothing would be left."""
    if not CONTRAST.could_match(text):
        return text
    rest = " ".join(CONTRAST.compiled.sub("", text).split()).strip(" ,;:—–-")
    return rest if re.search(r"\w", rest) else text
