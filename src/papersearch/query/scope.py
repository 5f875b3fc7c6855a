"""Whether the list covers a query at all: the calibrated "nothing matches" decision.

The evidence does not depend on how a question is worded:

- **meaning**: the best cosine of any passage (``cosine``), and the cosine with the list's mean passage
  (``field``): a question about a marathon training plan may sit near one passage on training, but far
  from what the list as a whole is about;
- **words**: whether the words that carry the query's topic are the list's own. A word carries more of
  a topic the rarer it is in everyday English (``english.zipf``): "the", "way" carry none, "training"
  little, "marathon" much. ``foreign`` says whether a topic word is missing from the list (everyday English
  absent from the list: "marathon", "toddler", "cabling", "sourdough"), by the weight of the heaviest such
  word up to ``FOREIGN_FULL`` (one such word says it as well as several); ``jargon`` says
  how rare in everyday English the rarest word the list does hold is ("perceptron", "rlhf": the field's
  own words, which the encoder may not know).

A logistic model over the four, fitted on the tune half of the dev queries (``scripts/calibrate_no_match.py``),
gives the confidence that some paper answers the query; a query that names a person or a time of the
list, or asks for the list's oldest or newest paper, is sure. Words-only (lexical) search has no vectors:
its confidence weighs the words alone (``words_only``).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..core.text import unaccented
from ..index import lexical
from . import english
from .order import LIST_WORDS
from .wording import ASIDES, ASKING, CUES

TOPIC_CEILING = 6.0  # a word this common in everyday English (Zipf) or more carries no topic: "the", "way", "just"
JARGON_CEILING = 3.5  # a word of the list rarer than this in everyday English is the field's own
FIELD_SAMPLE = 20_000  # passages the list's mean vector is taken over, at most
FOREIGN_FULL = 1.0  # a missing word of this topic weight (as common as "five", Zipf 5) or more counts in full
SKIPPED = ASIDES | ASKING | CUES | LIST_WORDS | lexical.STOPWORDS  # words that ask or join, never a topic
# fitted on the tune half of the dev queries (scripts/calibrate_no_match.py): cosine, field, foreign, jargon
NO_MATCH_WEIGHTS = (9.82, 17.35, -4.70, 1.81)
NO_MATCH_BIAS = -0.83
NO_MATCH_BELOW = 0.5
# words only, without vectors: the share of the topic the list holds (``Evidence.held``), fitted the same way
WORDS_WEIGHT = 7.68
WORDS_BIAS = -2.35


@dataclass(frozen=True)
class Evidence:
    """What the no-match decision weighs for one query."""

    cosine: float  # the best cosine of any passage (0 without vectors)
    field: float  # the cosine with the list's mean passage (0 without vectors)
    foreign: float  # the topic weight of the heaviest word the list does not hold, up to FOREIGN_FULL (0-1)
    jargon: float  # how far under JARGON_CEILING the rarest word the list holds is (0-3.5)
    held: float  # the share of the query's topic weight in words the list holds (0-1; 0 with no topic word)

    def features(self) -> tuple[float, float, float, float]:
        """The model's inputs, in the order of ``NO_MATCH_WEIGHTS``."""
        return (self.cosine, self.field, self.foreign, self.jargon)


def topic_words(text: str) -> list[str]:
    """The words of ``text`` that may carry its topic: lowercase, without accents, digits, stop words and words that
    only ask or join ("explain", "papers", "here", "invented", "history")."""
    return [w for w in lexical.TOKEN_RE.findall(unaccented(text)) if not w.isdigit() and w not in SKIPPED]


zipf = lru_cache(maxsize=8192)(english.zipf)  # a query's topic words are weighed more than once, and come again


def weight(word: str) -> float:
    """How much of a topic ``word`` carries: how far under ``TOPIC_CEILING`` its everyday frequency is."""
    return max(0.0, TOPIC_CEILING - max(zipf(word), english.RARE))


class Scope:
    """The no-match evidence of one index version: its mean passage vector (made on first use) and its words."""

    def __init__(self, matrix: np.ndarray, vocab: dict[str, int], field: np.ndarray | None = None) -> None:
        """``matrix``: the version's passage vectors; ``vocab``: its BM25 vocabulary (stem -> token id); ``field``:
        the list's mean passage vector when the build stored it (``index.columns``), else made on first use."""
        self.matrix = matrix
        self.vocab = vocab
        self._field: np.ndarray | None = field
        self._lock = threading.Lock()

    def field(self) -> np.ndarray:
        """The list's mean passage vector, normalised: what the list as a whole is about (from at most
        ``FIELD_SAMPLE`` rows evenly spread, so a million-passage index costs what a small one does)."""
        with self._lock:
            if self._field is None:
                rows = self.matrix[:: max(1, len(self.matrix) // FIELD_SAMPLE)]
                mean = np.asarray(rows, dtype=np.float64).mean(axis=0)
                self._field = (mean / (np.linalg.norm(mean) or 1.0)).astype(np.float32)
            return self._field

    def evidence(self, words: list[str], qvec: np.ndarray | None, cosine: float) -> Evidence:
        """The evidence for a query of topic ``words`` (``topic_words``), vector ``qvec`` and best cosine ``cosine``."""
        foreign = jargon = held = total = 0.0
        for w in words:
            w_weight = weight(w)
            total += w_weight
            if any(self.vocab.get(stem) is not None for stem in lexical.tokenize(w)):
                held += w_weight
                jargon = max(jargon, JARGON_CEILING - min(zipf(w), JARGON_CEILING))
            else:
                foreign = max(foreign, min(w_weight, FOREIGN_FULL))
        field = float(self.field() @ qvec) if qvec is not None else 0.0
        return Evidence(cosine if qvec is not None else 0.0, field, foreign, jargon, held / total if total else 0.0)


def confidence(evidence: Evidence, sure: bool, words_only: bool) -> float:
    """How sure we are that some paper answers the query (0-1): the fitted model, or for words only the share of
    the topic the list holds; 1 when ``sure`` (a person, a time or the list's own order was asked for)."""
    if sure:
        return 1.0
    if words_only:
        z = WORDS_BIAS + WORDS_WEIGHT * evidence.held
    else:
        z = NO_MATCH_BIAS + sum(w * x for w, x in zip(NO_MATCH_WEIGHTS, evidence.features(), strict=True))
    return 1.0 / (1.0 + math.exp(-z))
