"""Acronyms in a query, and whether the list spells one out: "GNN" names a thing of the field the list may lack.

An acronym the list does not write as a word is still the list's when some run of its words, in a row, has those
initials: "DBN" is spelt by "deep belief networks", "NER" by "named entity recognition", "LSTM" by "Long Short-Term
Memory" (a hyphen parts two words), "RLHF" by "Reinforcement Learning from Human Feedback" (a stop word between is
passed over). One that no run of the list's words spells ("GNN", "SVMs", "HMM") names something the list lacks,
however near in meaning the encoder, which does not know it, puts it. A word is read as an acronym when it is typed
in capitals ("GNNs", "SVM": ``ACRONYM``; not when the whole query is) or has no vowel ("gnn",
"svms") and is no everyday word ("hmm", "pls"); either way, of 2 to 5 letters besides a plural's "s".
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence

from ..index.tokens import STOPWORDS
from . import english

# "RL", "GANs", "RNN's", "CNNs'": typed in capitals, perhaps plural or possessive (the one rule for an acronym as typed)
ACRONYM = re.compile(r"^([A-Z]{2,5})(?:s|['’]s|s['’])?$")
WORD = re.compile(r"[^\W\d_]+")  # a word's letters: "Short-Term" is two words, "R-CNN" two
CLAUSE = re.compile(r"[.,;:!?()\[\]\"“”]")  # a run of initials does not cross these
VOWELS = frozenset("aeiouy")
LETTERS = (2, 5)  # an acronym's letters, fewest and most (``ACRONYM``: 2-5)
SPELL_SAMPLE = 20_000  # passages the acronyms the list spells out are read from, at most (evenly spread): a 49-paper
# list has 233, all read (~10 ms); at a million papers a first acronym costs ~1 s, as the speller's first word does
LOWER_LETTERS = 3  # a word without a vowel typed in lowercase is an acronym from this many letters ("gnn"; "vs" is not)


def initials(word: str, shouted: bool = False) -> str | None:
    """The initials ``word`` (as typed) stands for, lowercase and singular ("GNNs": "gnn", "svm": "svm"), or None when
    it is no acronym. ``shouted``: the whole query is typed in capitals, words and all, so capitals say nothing."""
    capitals = bool(ACRONYM.match(word)) and not shouted
    if not capitals and not _lower_acronym(word):
        return None
    if capitals:
        letters = word.removesuffix("s")  # "GNNs"; an "S" typed in capitals is the acronym's own ("RBS")
    else:
        letters = word[:-1] if word[-1] in "sS" and len(word) > LETTERS[0] + 1 else word  # "svms", "HMMS"
    low, high = LETTERS
    return letters.lower() if low <= len(letters) <= high else None


def _lower_acronym(word: str) -> bool:
    """Whether ``word``, not typed in capitals, reads as an acronym: Latin letters with no vowel, at least
    ``LOWER_LETTERS`` of them, and no everyday word of English (chat's "hmm", "pls", "btw", "idk" are words; "gnn",
    "svms" are not). A word of another script has no vowel of these ("что" is a word, not an acronym)."""
    if not (word.isascii() and word.isalpha()) or len(word) < LOWER_LETTERS:
        return False
    return not any(c in VOWELS for c in word.lower()) and english.zipf(word.lower()) < english.EVERYDAY


def typed(text: str) -> dict[str, str]:
    """Each word of ``text`` (lowercase, as ``scope.topic_words`` gives it) that is typed as an acronym, with the
    initials it stands for (``initials``)."""
    shouted = not any(c.islower() for c in text) and len(WORD.findall(text)) > 1  # "WHAT IS DEEP LEARNING"
    out: dict[str, str] = {}
    for word in WORD.findall(text):
        found = initials(word, shouted)
        if found is not None:
            out[word.lower()] = found
    return out


def _run_words(clause: str) -> list[str]:
    """The words of ``clause`` as typed, less stop words: the words a run of initials is read over."""
    return [w for w in WORD.findall(clause) if w.lower() not in STOPWORDS]


def spelt(texts: Iterable[str]) -> frozenset[str]:
    """The initials of every run of ``LETTERS`` words in a row of ``texts`` (stop words passed over, a run kept within
    one clause): the acronyms these texts spell out."""
    low, high = LETTERS
    out: set[str] = set()
    for text in texts:
        for clause in CLAUSE.split(text):
            firsts = "".join(w[0].lower() for w in _run_words(clause))
            for at in range(len(firsts) - low + 1):
                out.update(firsts[at : at + n] for n in range(low, min(high, len(firsts) - at) + 1))
    return frozenset(out)


def spelling(initials: str, texts: Iterable[str]) -> str | None:
    """The first run of words in ``texts`` that spells ``initials`` (``spelt``), as typed and without the stop words
    passed over ("dbn": "Deep Belief Network"); None when none does. Initials of four letters or more ending in "s"
    ("DBNS" typed in capitals) are read as a plural first: the run that spells them less the "s" lies inside any run
    that spells them all ("named entity recognition separately" spells "ners"), so it is the one that says what they
    stand for; three ("TTS") are not, as two letters are spelt by chance far too often. A run of two words spells
    only in capitals ("Neural Network"; "graphical notation neural" does not spell "NN", nor "Turing test" "TT")."""
    plural = initials.endswith("s") and len(initials) > LETTERS[0] + 1
    wanted = [initials[:-1], initials] if plural else [initials]
    clauses = [_run_words(clause) for text in texts for clause in CLAUSE.split(text)]
    for letters in wanted:
        for words in clauses:
            firsts = "".join(w[0].lower() for w in words)
            at = firsts.find(letters)
            while at >= 0:
                run = words[at : at + len(letters)]
                if len(run) > LETTERS[0] or all(w[0].isupper() for w in run):
                    return " ".join(run)
                at = firsts.find(letters, at + 1)
    return None


class Spelt:
    """``spelt(initials)``: whether some run of the list's words has ``initials`` (``spelt``: "dbn", "ner"), or they
    less a last "s" ("DBNS" typed in capitals), read from at most ``SPELL_SAMPLE`` of its passages, evenly spread, on
    first use; None without passages. Thread-safe: the first call reads the passages under the lock (~10 ms for the
    49 papers, ~1 s at a million), and a concurrent query with an acronym waits for it."""

    def __init__(self, passages: Sequence[Sequence[str]] | None) -> None:
        """``passages``: every passage of the list as [paper id, kind, text] (``index.record_store.PassageStore``)."""
        self._passages = passages
        self._spelt: frozenset[str] | None = None
        self._lock = threading.Lock()

    def __call__(self, initials: str) -> bool | None:
        if self._passages is None:
            return None
        with self._lock:
            if self._spelt is None:
                passages = self._passages
                step = max(1, -(-len(passages) // SPELL_SAMPLE))
                self._spelt = spelt(passages[row][-1] for row in range(0, len(passages), step))
            plural = initials.endswith("s") and len(initials) > LETTERS[0]  # "DBNS": "DBN"s, typed in capitals
            return initials in self._spelt or (plural and initials[:-1] in self._spelt)
