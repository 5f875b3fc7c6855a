"""Whether the list covers a query at all: the calibrated "nothing matches" decision.

The evidence does not depend on how a question is worded:

- **meaning**: the best cosine of any passage (``cosine``), and the cosine with the list's mean passage
  (``field``): a question about a marathon training plan may sit near one passage on training, but far
  from what the list as a whole is about;
- **words**: whether the words that carry the query's topic are the list's own, in the form the query uses or another
  (``forms``: "handwriting" is held by a list that says "handwritten"). A word carries more of
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

The model's inputs overlap (a question about learning the piano sits as near the list in meaning as a casual
description of one of its papers), so one rule stands beside it, stated in the query's own words
(``Evidence.foreign_topic``): a query whose topic is carried by everyday English the list lacks ("piano",
"toddler", "marathon"), where the words it does share with the list are the field's generic ones ("learning",
"network": in many of its papers) or carry little topic, and whose meaning those missing words pull away from
what the list is about, is about something else, however close a generic field word brings it. Rarer words the list
lacks count too when no passage comes near the query in meaning (``RARE_COSINE``): "kalman filters", "lightroom", "a
neuro physiotherapist" are no more the list's than "marathon"; near a passage, such a word is a casual paraphrase's
("the chatbot that thinks before it answers", "a photorealistic picture") and does not count.

A specific word of the list ("adversarial", "encode", "convolutional") keeps the rule aside only when the query
means by it what the list's papers do (``Evidence.sense``): beside what the papers holding it are about (the mean of
their passages), the query is not much further from it than the word alone is. "Adversarial proceedings in bankruptcy court" or "how to encode a birthday
message in morse code" are much further; there the word is everyday English in another sense, and counts as such.

A specific word the list holds only in passing, beside none of the query's other words (``passing``), counts as an
everyday word it lacks when every specific word of the query is one, it holds words the list lacks, and no passage
is near it (``RARE_COSINE``): "how can i learn english faster at home".
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from ..core.kept import Kept
from ..core.text import unaccented
from ..index import lexical, tokens
from ..index.matrix import read_rows
from . import acronyms, english
from .order import LIST_WORDS
from .passing import Passages, in_passing
from .wordforms import forms
from .wording import ASIDES, ASKING, CUES

TOPIC_CEILING = 6.0  # a word this common in everyday English (Zipf) or more carries no topic: "the", "way", "just"
JARGON_CEILING = 3.5  # a word of the list rarer than this in everyday English is the field's own
FIELD_SAMPLE = 20_000  # passages the list's mean vector is taken over, at most
FOREIGN_FULL = 1.0  # a missing word of this topic weight (as common as "five", Zipf 5) or more counts in full
SKIPPED = ASIDES | ASKING | CUES | LIST_WORDS | tokens.STOPWORDS  # words that ask or join, never a topic
# fitted on the tune half of the dev queries (scripts/calibrate_no_match.py): cosine, field, foreign, jargon
NO_MATCH_WEIGHTS = (9.82, 17.35, -4.70, 1.81)
NO_MATCH_BIAS = -0.83
NO_MATCH_BELOW = 0.5
# words only, without vectors: the share of the topic the list holds (``Evidence.held``), fitted the same way
WORDS_WEIGHT = 7.68
WORDS_BIAS = -2.35
# the foreign-topic rule (``Evidence.foreign_topic``): chosen on the tune halves, checked on both folds (docs/ranking.md)
GENERIC_SHARE = 0.25  # a word of the list in more than this share of its papers is the field's generic word
SPECIFIC_BELOW = 1.5  # the rule holds while the topic weight of the list's specific words stays under this
FOREIGN_TOPIC_AT = 0.7  # foreign share plus pull at or above this: the query is about something else
FOREIGN_SLOPE = 10.0  # how fast the confidence falls past FOREIGN_TOPIC_AT (0.5 at it, 0.27 at 0.1 beyond)
# the query this much further from what its specific words' papers are about than those words alone: it means something
# else by them. Three standard deviations under the mean sense of the in-scope tune questions the check reads (0.101,
# sd 0.099: -0.195; -0.18 on one fold, -0.21 on the other); the furthest of them is at -0.145
SENSE_APART = 0.20
SENSE_PAPERS = 64  # the papers a word's sense is read from, at most (evenly spread over those holding it): a
# million-paper list read 256 papers' passages, ~140 ms a question that reached the check; a 49-paper list reads all
KEPT_WORDS = 4096  # words whose facts (``Scope.facts``) and whose papers' mean passage (``Scope._about``) are kept
RARE_COSINE = 0.40  # best cosine under this: the words the list lacks count in ``everyday`` however rare in everyday
# English ("kalman filters", "a neuro physiotherapist"); chosen on the tune half, the middle of the gap between the
# out-of-scope question it catches (0.345) and the in-scope one it spares ("turning a doodle into a photorealistic
# picture", 0.445: "photorealistic" is rarer than everyday English and the list lacks it)
VOWELS = frozenset("aeiouy")
PULL_REACH = 0.35  # more than any pull seen on the tune half (-0.12 to 0.24): below FOREIGN_TOPIC_AT by this, no
# pull can matter, so the query is not encoded again


@dataclass(frozen=True)
class Evidence:
    """What the no-match decision weighs for one query."""

    cosine: float  # the best cosine of any passage (0 without vectors)
    field: float  # the cosine with the list's mean passage (0 without vectors)
    foreign: float  # the topic weight of the heaviest word the list does not hold, up to FOREIGN_FULL (0-1)
    jargon: float  # how far under JARGON_CEILING the rarest word the list holds is (0-3.5)
    held: float  # the share of the query's topic weight in words the list holds (0-1; 0 with no topic word)
    everyday: float = 0.0  # the share of the topic weight in everyday English words the list lacks (0-1); with no
    # passage near the query (``cosine`` under RARE_COSINE), in any word it lacks, however rare in everyday English
    specific: float = 0.0  # the topic weight of words the list holds in at most GENERIC_SHARE of its papers
    pull: float = 0.0  # how much nearer the list's mean passage the query comes without those everyday words
    sense: float = 0.0  # how much nearer what its specific words' papers are about the query comes than those words
    # alone (0: not read)
    topical: bool = True  # some word of the query carries a topic or is the list's own ("?", "the", "x": none)

    def features(self) -> tuple[float, float, float, float]:
        """The model's inputs, in the order of ``NO_MATCH_WEIGHTS``."""
        return (self.cosine, self.field, self.foreign, self.jargon)

    def foreign_topic(self) -> float:
        """How clearly the query is about something the list is not: the share of its topic in everyday words the
        list lacks plus how far those words pull its meaning from the list (negative when they bring it nearer: a
        paraphrase); 0 when the words it shares with the list include the list's own specific ones."""
        if self.specific >= SPECIFIC_BELOW:
            return 0.0
        return self.everyday + self.pull


class WordFacts(NamedTuple):
    """What the no-match evidence reads of one word: its topic weight (``weight``), in how many of the list's papers it
    occurs (``Scope.papers_holding``) and its everyday frequency (``english.zipf``)."""

    weight: float
    papers: int
    zipf: float


def topic_words(text: str) -> list[str]:
    """The words of ``text`` that may carry its topic: lowercase, without accents, digits, stop words and words that
    only ask or join ("explain", "papers", "here", "invented", "history")."""
    return _words_but(text, SKIPPED)


def _words_but(text: str, skipped: frozenset[str]) -> list[str]:
    """The words of ``text``, lowercase and without accents, other than digits and the words in ``skipped``."""
    return [w for w in tokens.TOKEN_RE.findall(unaccented(text)) if not w.isdigit() and w not in skipped]


def weight(word: str) -> float:
    """How much of a topic ``word`` carries: how far under ``TOPIC_CEILING`` its everyday frequency is."""
    return max(0.0, TOPIC_CEILING - max(english.zipf(word), english.RARE))


class Scope:
    """The no-match evidence of one index version: its mean passage vector (made on first use) and its words."""

    def __init__(
        self,
        matrix: np.ndarray,
        words: lexical.LexicalIndex,
        passage_start: np.ndarray,
        field: np.ndarray | None = None,
        passages: Sequence[Sequence[str]] | None = None,
    ) -> None:
        """``matrix``: the version's passage vectors; ``words``: its BM25 index (which words the list holds, and in
        which papers); ``passage_start``: each paper's first passage row (``index.columns``); ``field``: the list's mean passage
        vector when the build stored it (``index.columns``), else made on first use; ``passages``: every passage as [paper id, kind, text],
        for the acronyms the list spells out (``acronyms.Spelt``; without them, an acronym the list lacks is judged as any
        word)."""
        self.matrix = matrix
        self._words = words
        self._passage_start = passage_start
        self._papers = max(1, words.n_docs)
        self._field: np.ndarray | None = field
        self.spells = acronyms.Spelt(passages)
        self._passing = Passages(passages)
        self._sorted: list[str] | None = None
        self._lock = threading.Lock()
        self._facts: Kept[WordFacts] = Kept(KEPT_WORDS)
        self._abouts: Kept[tuple[np.ndarray, float]] = Kept(KEPT_WORDS)

    def field(self) -> np.ndarray:
        """The list's mean passage vector, normalised: what the list as a whole is about (from at most
        ``FIELD_SAMPLE`` rows evenly spread, so a million-passage index costs what a small one does)."""
        with self._lock:
            if self._field is None:
                rows = self.matrix[:: max(1, len(self.matrix) // FIELD_SAMPLE)]
                mean = np.asarray(rows, dtype=np.float64).mean(axis=0)
                self._field = (mean / (np.linalg.norm(mean) or 1.0)).astype(np.float32)
            return self._field

    def facts(self, word: str) -> WordFacts:
        """What the evidence reads of ``word`` (``WordFacts``); the last ``KEPT_WORDS`` words' are kept (a query's words
        come again in other queries, and a version's words never change)."""
        kept = self._facts.get(word)
        if kept is None:
            zipf = english.zipf(word)
            kept = self._facts.put(word, WordFacts(weight(word), self.papers_holding(word), zipf))
        return kept

    def papers_holding(self, word: str) -> int:
        """In how many of the list's papers ``word`` occurs, in its own form or another (``held_ids``): its most
        frequent stem's; 0 when the list lacks it."""
        counts = [len(self._words.papers_of(t)) for t in self.held_ids(word)]
        return max(counts, default=0)

    def held_ids(self, word: str) -> list[int]:
        """The token ids of ``word`` that the list holds: its own stems', else those of the other forms of it the list
        holds (``forms``: "handwriting" is held as "handwritten")."""
        held = self._words.token_ids(word)
        if held:
            return held
        vocab = self._words.vocab
        return [vocab[t] for t in self._other_forms(word)]

    def _other_forms(self, word: str) -> list[str]:
        """The stems of the other forms of ``word`` the list holds (``forms``: "handwriting" as "handwritten")."""
        return [t for stem in tokens.tokenize(word) for t in forms(stem, self._stems())]

    def _stems(self) -> list[str]:
        """The stems the list holds, sorted (made on first use: only a word the list lacks reads them)."""
        with self._lock:
            if self._sorted is None:
                self._sorted = sorted(t for t in self._words.vocab if t)  # already in order: one pass
            return self._sorted

    def _holds_any(self, topic: str) -> bool:
        """Whether the list holds a word of ``topic`` other than a stop word: a query whose words carry no topic weight
        may still name the list's own subject in a word that only asks or is everyday English ("AI", "Go")."""
        return any(self.papers_holding(w) for w in _words_but(topic, tokens.STOPWORDS))

    def evidence(
        self, topic: str, qvec: np.ndarray | None, cosine: float, embed: Callable[[str], np.ndarray] | None = None
    ) -> Evidence:
        """The evidence for a query of topic ``topic`` (its ``topic_words`` weighed), vector ``qvec`` and best cosine
        ``cosine``; ``embed`` encodes the topic without the everyday words the list lacks, for ``Evidence.pull``, and
        each of the list's specific words in it alone, for ``Evidence.sense``."""
        words = topic_words(topic)
        foreign = jargon = held = total = everyday = specific = 0.0
        missing: set[str] = set()
        far = qvec is not None and cosine < RARE_COSINE  # no passage near: a rare word the list lacks is as foreign
        shared: list[tuple[str, float]] = []  # the list's specific words in the query, with their topic weights
        typed = acronyms.typed(topic)
        for w in words:
            w_weight, papers, zipf = self.facts(w)
            spelt = self.spells(typed[w]) if not papers and w in typed else None  # an acronym the list lacks
            total += w_weight
            if papers:
                held += w_weight
                jargon = max(jargon, JARGON_CEILING - min(zipf, JARGON_CEILING))
                if papers <= GENERIC_SHARE * self._papers:
                    specific += w_weight
                    shared.append((w, w_weight))
            else:
                foreign = max(foreign, min(w_weight, FOREIGN_FULL))
                if spelt is False or zipf >= english.EVERYDAY or (not spelt and far and _known(w, zipf)):
                    everyday += w_weight
                    missing.add(w)
        field = float(self.field() @ qvec) if qvec is not None else 0.0
        held, everyday = (part / total if total else 0.0 for part in (held, everyday))
        vector_cosine = cosine if qvec is not None else 0.0
        topical = total > 0.0 or self._holds_any(topic)
        found = Evidence(vector_cosine, field, foreign, jargon, held, everyday, specific, topical=topical)
        if qvec is None or embed is None:
            return found
        far_in = far and missing and fitted(found, False) >= NO_MATCH_BELOW  # read only where it may count
        passing = in_passing(shared, lambda w: self.alone(w, topic)) if far_in else []
        if passing:  # the list's words, but none in the list's sense: as everyday words the list lacks
            moved = sum(w_weight for _, w_weight in passing)
            found = replace(found, everyday=found.everyday + moved / total, specific=found.specific - moved)
            shared = [pair for pair in shared if pair not in passing]
            missing |= {w for w, _ in passing}
        if found.specific >= SPECIFIC_BELOW and missing:
            found, missing = self._other_sense(found, shared, missing, total, qvec, embed)
        if not missing or found.specific >= SPECIFIC_BELOW:
            return found
        if found.everyday < FOREIGN_TOPIC_AT - PULL_REACH or fitted(found, words_only=False) < NO_MATCH_BELOW:
            return found  # the pull cannot change the verdict: the query is not encoded again
        return replace(found, pull=self._pull(topic, missing, words, field, embed))

    def alone(self, word: str, query: str) -> bool:
        """Whether the list holds ``word`` only in passing beside the other specific words of ``query`` (``passing``):
        a generic word of the field ("computer", in 14 papers) beside it says nothing of its sense."""
        own = set(self._held_stems(word))
        others = {t for w in topic_words(query) if self._specific(w) for t in self._held_stems(w)} - own
        return self._passing.alone(own, others, self._rows_holding(word).tolist())

    def _specific(self, word: str) -> bool:
        """Whether ``word`` carries a topic and the list holds it in at most ``GENERIC_SHARE`` of its papers."""
        facts = self.facts(word)
        return facts.weight > 0.0 and 0 < facts.papers <= GENERIC_SHARE * self._papers

    def _held_stems(self, word: str) -> list[str]:
        """The stems of ``word`` the list holds, in its own form or another (``held_ids``)."""
        own = [t for t in tokens.tokenize(word) if t in self._words.vocab]
        return own or self._other_forms(word)

    def _other_sense(
        self,
        found: Evidence,
        shared: list[tuple[str, float]],
        missing: set[str],
        total: float,
        qvec: np.ndarray,
        embed: Callable[[str], np.ndarray],
    ) -> tuple[Evidence, set[str]]:
        """``found`` and ``missing`` as they are when the query uses the list's specific words in ``shared`` as the
        list does; when it uses them in another sense (``Evidence.sense`` at or under ``-SENSE_APART``: "morse
        code", "adversarial proceedings in court"), those of them that are everyday English count as everyday
        words the list lacks, and none as the list's own. Read only when that could change the verdict."""
        plain = [(w, w_weight) for w, w_weight in shared if english.zipf(w) >= english.EVERYDAY]
        everyday = found.everyday + sum(w_weight for _, w_weight in plain) / (total or 1.0)
        if everyday < FOREIGN_TOPIC_AT - PULL_REACH or fitted(found, words_only=False) < NO_MATCH_BELOW:
            return found, missing
        sense = self._sense(qvec, shared, embed)
        if sense > -SENSE_APART:
            return replace(found, sense=sense), missing
        return replace(found, everyday=everyday, specific=0.0, sense=sense), missing | {w for w, _ in plain}

    def _sense(self, qvec: np.ndarray, shared: list[tuple[str, float]], embed: Callable[[str], np.ndarray]) -> float:
        """How much nearer the papers holding each word of ``shared`` the query comes than the word alone does, both
        against what those papers are about as a whole (the mean of their passages), averaged by topic weight: about 0
        or more when the query uses the words as those papers do ("the model that paid attention when translating"),
        well under 0 when it means something else by them ("adversarial proceedings in bankruptcy court"). Read
        against their whole, not their one best passage: a casual question about a paper sits near what it is about,
        while a word alone may match one sentence of it closely ("handwritten" beside a paper on reading zip codes)."""
        apart = weights = 0.0
        for w, w_weight in shared:
            about = self._about(w)
            if about is not None:
                mean, norm = about
                apart += w_weight * float(mean @ (qvec - embed(w))) / norm
                weights += w_weight
        return apart / weights if weights else 0.0

    def _about(self, word: str) -> tuple[np.ndarray, float] | None:
        """What the papers holding ``word`` are about as a whole (the mean of their passages, ``_rows_holding``) and
        its norm (1 for none), or None when no passage holds it; the last ``KEPT_WORDS`` words' are kept."""
        kept = self._abouts.get(word)
        if kept is None:
            rows = self._rows_holding(word)
            if not len(rows):
                return None
            mean = read_rows(self.matrix, rows).mean(axis=0)
            kept = self._abouts.put(word, (mean, float(np.linalg.norm(mean)) or 1.0))
        return kept

    def _rows_holding(self, word: str) -> np.ndarray:
        """The passage rows of the papers holding ``word`` (of at most ``SENSE_PAPERS`` of them, evenly spread)."""
        # each stem's papers thinned before their union: a common word of a million papers is held by 100,000
        held = [_spread(self._words.papers_of(t)) for t in self.held_ids(word)]
        papers = _spread(np.unique(np.concatenate(held))) if held else np.zeros(0, dtype=np.int64)
        starts, ends = self._passage_start[papers], self._passage_start[papers + 1]
        return np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)] or [np.zeros(0, np.int64)])

    def _pull(
        self, topic: str, missing: set[str], words: list[str], field: float, embed: Callable[[str], np.ndarray]
    ) -> float:
        """How much nearer the list's mean passage ``topic`` comes with the words in ``missing`` left out (0 when no
        topic word would be left): a question about learning the piano comes much nearer as "learning", a casual
        "turning one kind of picture into another" moves away as "one kind of into another"."""
        if all(w in missing for w in words):
            return 0.0
        without = " ".join(w for w in tokens.TOKEN_RE.findall(unaccented(topic)) if w not in missing)
        return float(self.field() @ embed(without)) - field


def _known(word: str, zipf: float) -> bool:
    """Whether ``word`` is a word of everyday English, however rare (``RARE_COSINE``): one the frequency table holds
    ("kalman", "lightroom"), with a vowel. A word it lacks may be the field's own coinage or a typo ("photorealistic",
    "minibatch"); one without a vowel is an acronym ("MLPs", "DBN", "gnn") and may stand for words the list spells out
    ("multilayer perceptron", "deep belief network"), which counting its letters cannot see."""
    return zipf > 0.0 and any(c in VOWELS for c in word)


def _spread(papers: np.ndarray) -> np.ndarray:
    """At most ``SENSE_PAPERS`` of ``papers``, evenly spread over them."""
    return papers[:: max(1, -(-len(papers) // SENSE_PAPERS))]


def confidence(evidence: Evidence, sure: bool, words_only: bool) -> float:
    """How sure we are that some paper answers the query (0-1): the fitted model, or for words only the share of
    the topic the list holds, at most 0.5 when the query is about something else (``Evidence.foreign_topic``);
    1 when ``sure`` (a person, a time or the list's own order was asked for); 0 when no word of it carries a
    topic ("?", "the", "x": whatever ranks first was not asked for)."""
    if sure:
        return 1.0
    if not evidence.topical:
        return 0.0
    model = fitted(evidence, words_only)
    beyond = evidence.foreign_topic() - FOREIGN_TOPIC_AT
    if beyond < 0.0:
        return model
    return min(model, 1.0 / (1.0 + math.exp(FOREIGN_SLOPE * beyond)))  # about something else: at most 0.5


def fitted(evidence: Evidence, words_only: bool) -> float:
    """The fitted model's confidence alone: over the four inputs, or for words only the share of the topic held."""
    if words_only:
        z = WORDS_BIAS + WORDS_WEIGHT * evidence.held
    else:
        z = NO_MATCH_BIAS + sum(w * x for w, x in zip(NO_MATCH_WEIGHTS, evidence.features(), strict=True))
    return 1.0 / (1.0 + math.exp(-z))
