"""Whether the list names the compound term a query asks about, or only holds its words apart.

"Graph neural networks", "support vector machines": each word is the list's own ("graph" in Bottou's graph of
computation modules, "vector" in word2vec's vectors, "neural networks" everywhere), so words and meaning alike find
a paper, and an answer quoted it with confidence. But no paper says the term itself: the words never stand together,
in that order, as the name of one thing. A query that is nothing but such a term (``term``: two to four words in a
row, every other word of it one that only asks or joins: "does the list cover graph neural networks?", "how do
support vector machines work") asks about something the list does not hold (``unnamed``).

The words are compared as the index holds them (``tokens.tokenize``: stems, stop words dropped), so "network of
neurons" holds "neural network" no more than the list does, and "recurrent nets" is held where the list says
"recurrent net". Only the papers holding every word of the term are read (``papers_of``), at most ``READ_PAPERS``
of them: a term whose words that many papers share is taken as named.

Pure: functions of the index version and the query's words.
"""

from __future__ import annotations

import re

import numpy as np

from ..core.text import unaccented
from ..index import tokens
from ..index.reader import IndexData
from . import english
from .scope import SKIPPED

TERM_WORDS = (2, 4)  # a compound term: this many words in a row, at least and at most
PHRASE = re.compile(r"[,;:.!?()\[\]—–]+")  # where a phrase of a passage ends
GENERIC = frozenset(["problem", "problems", "idea", "ideas", "concept", "concepts", "approach", "approaches"])
GENERIC |= frozenset(["technique", "techniques", "method", "methods"])  # words that say what kind of thing a term
# names, not which ("the vanishing gradient problem", "the grandmother cell idea"): no part of the term
NEAR = 1  # a term's words count as said together within this many more words than it has, in any order
READ_PAPERS = 64  # papers holding every word of a term that are read for it; more: the term is taken as named


def term(topic: str) -> list[str] | None:
    """The words of ``topic`` when they are one compound term of everyday words (``TERM_WORDS`` words in a row,
    every other word one that only asks or joins, ``scope.SKIPPED``, or says what kind of thing it is, ``GENERIC``),
    lowercase and without accents; else None. Everyday words in a row read as one name ("support vector machines");
    the field's own words in a row are keywords ("batchnorm internal covariate shift"), each searched on its own."""
    runs: list[list[str]] = [[]]
    for word in tokens.TOKEN_RE.findall(unaccented(topic).lower()):
        if word in GENERIC:
            continue
        if word in SKIPPED or word.isdigit():
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(word)
    runs = [run for run in runs if run]
    low, high = TERM_WORDS
    if len(runs) != 1 or not low <= len(runs[0]) <= high or not all(english.everyday(w) for w in runs[0]):
        return None
    return runs[0]


def unnamed(data: IndexData, words: list[str]) -> bool:
    """Whether the list holds every one of ``words`` but never all of them together, in that order, as one term
    (stems in a row in one of its passages, stop words aside). False when a word is not the list's at all: the
    search's own no-match evidence weighs a word the list lacks."""
    stems = tokens.tokenize(" ".join(words))
    if len(stems) < 2:
        return False
    lexical = data.lexical
    papers: np.ndarray | None = None
    for stem in dict.fromkeys(stems):
        token = lexical.vocab.get(stem)
        if token is None or token + 1 >= len(lexical.indptr):
            return False
        held = lexical.papers_of(token)
        papers = held if papers is None else np.intersect1d(papers, held, assume_unique=True)
    if papers is None or len(papers) > READ_PAPERS:
        return False
    return not any(_says(data, int(p), stems) for p in papers)


def _says(data: IndexData, paper: int, stems: list[str]) -> bool:
    """Whether one of the paper's passages holds every one of ``stems`` in one phrase (``PHRASE`` ends it), within
    ``len(stems) + NEAR`` words in a row, in any order ("learning representations" says "representation learning";
    "modular neural networks, computation graph" says no "graph neural network")."""
    wanted = set(stems)
    span = len(stems) + NEAR
    for row in data.paper_rows[paper]:
        for phrase in PHRASE.split(data.passages[int(row)][2]):
            held = tokens.tokenize(phrase)
            if any(wanted <= set(held[i : i + span]) for i in range(max(1, len(held) - span + 1))):
                return True
    return False
