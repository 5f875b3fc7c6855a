"""What a relation's words say beyond its side: whether the side is said by a tie between papers ("papers influenced
by X", "X's successors") or by time alone ("what came after X"), and whether its anchor names a topic in everyday
words ("recurrent networks") or a paper ("the LSTM paper", "LSTMs"). Pure, from the text; ``order`` reads them beside
``relation.read_relation`` and ``results`` weighs them (``ordering.around``).
"""

from __future__ import annotations

import re

from ..core.patterns import Gated
from . import english
from .periods import Span

# words that name a paper rather than a topic in a relation's anchor: "the LSTM paper", "Goodfellow's GAN", "Bengio
# 2003", "Sutskever et al."
PAPER_SAID = re.compile(
    r"\b(?:paper|papers|work|article|study|publication)\b|\w['’]s?(?:\s|$)|\b(?:1[89]|20)\d\d\b|\bet\s+al\b",
    re.IGNORECASE,
)


# the words that say a side by a tie between papers, not by time alone: "papers influenced by X", "what built on X",
# "X's successors", "the legacy of X", "which papers cite X" (against "what came after X", "published before X")
TIE_WORDS = Gated(
    (
        *("inspir", "influenc", "buil", "cite", "citing", "referenc", "succe", "descend", "follow-up", "follow up"),
        *("followups", "followup", "legacy", "offspring", "heir", "offshoot", "predec", "precursor", "forerunner"),
        *("antecedent", "ancest", "lineage", "lead", "led", "enabl", "spawn", "spark", "trigger", "pav", "rise"),
        *("rel", "rest", "draw", "drew", "based", "extend", "replac", "supersed", "supplant", "shape", "motivat"),
        *("prompt", "roots", "borrow", "derive", "inherit", "grew", "stem", "possible", "improv", "combin"),
    ),
    r"\b(?:inspir|influenc|buil[dt]|cit(?:e|es|ed|ing)\b|referenc|succe(?:ed|ss)|descend|follow[\s-]?ups?\b|legacy"
    r"|offspring|heirs?\b|offshoots?|predec+es+or|precursor|forerunner|antecedent|ancest|lineage|lead|led\b|enabl"
    r"|spawn|spark|trigger|pav(?:e|ed|es|ing)\s+the\s+way|rise\s+to|rel(?:y|ies|ied|ying)\s+on|rest(?:s|ed|ing)?\s+on"
    r"|draw|drew|based\s+on|extend|replac|supersed|supplant|shap(?:e|ed|es)\b|motivat|prompt|roots\b|borrow"
    r"|derive|inherit|grew|stem|made\s+possible|make\s+possible|improv|combin)",
    re.IGNORECASE,
)


def by_a_tie(text: str, span: Span, anchor: str) -> bool:
    """Whether the relation read at ``span`` of ``text`` says its side by a tie between papers ("papers influenced by
    X", "X's successors": ``TIE_WORDS``) rather than by time alone ("what came after X", "published before X"): an
    order in time over it runs over the papers tied to X, not every paper on that side. The words of the ``anchor``
    itself say nothing of the tie ("papers after A Simple Weight Decay Can Improve Generalization": "Improve")."""
    said = text[span[0] : span[1]]
    at = said.lower().find(anchor.lower()) if anchor else -1
    if at >= 0:
        said = said[:at] + " " + said[at + len(anchor) :]
    return TIE_WORDS.search(said) is not None


def a_topic(anchor: str) -> bool:
    """Whether a relation's anchor names a topic in everyday words ("recurrent networks", "transfer learning") rather
    than a paper: by a word that says so ("the LSTM paper", "Goodfellow's GAN", "Bengio 2003"), or by a name of its
    own ("LSTMs", "DeepSeek R1", "BERT": a coined word, an acronym). What came after a topic is what the question
    says of it, weighed as the question's own words are ("what superseded recurrent networks")."""
    words = [w for w in re.findall(r"[\w'’-]+", anchor) if w.lower() not in ("the", "a", "an")]
    plain = all(english.everyday(w.lower()) and not w.isupper() for w in words)
    return bool(words) and plain and PAPER_SAID.search(anchor) is None
