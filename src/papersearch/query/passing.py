"""Words a list holds only in passing: as often as everyday English would put them in its papers by chance.

"Strength" (Zipf 4.8) in one of 49 papers is what everyday English gives a list of ~59 distinct words a paper; so is
"fashion" ("in a similar fashion"). Such a word is no more the list's than one it lacks (``scope``), unless a paper
holding it has it in its title, which says what that paper is about ("eye" in "What the Frog's Eye Tells the Frog's
Brain"). "Training" in 20 of the 49 is far beyond chance: the field's own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from ..index import tokens

# a word the list holds counts in ``scope``'s ``foreign`` as one it lacks when everyday English, at its frequency, would
# put it in as many of the list's papers as hold it this often or more by chance; chosen on the tune half and the probe
# of docs/assistant.md (session 42): 0.01-0.2 flag the same tune questions
CHANCE = 0.05


def by_chance(papers: int, zipf: float, per_paper: float, of: int) -> bool:
    """Whether everyday English, at frequency ``zipf`` and ``per_paper`` words a paper, would put a word in ``papers``
    of ``of`` papers or more at least ``CHANCE`` of the time ("strength", Zipf 4.8, in 1 of 49 papers: expected in
    0.9; "training", 5.1, in 20: expected in 1.5). A word the frequency table lacks is never expected by chance."""
    if not papers or not zipf:
        return False
    share = 1.0 - math.exp(-per_paper * 10.0 ** (zipf - 9.0))  # of papers holding it by chance
    return at_least(papers, of * share) >= CHANCE


def at_least(count: int, expected: float) -> float:
    """The chance that a Poisson count of mean ``expected`` is ``count`` or more (``count`` at least 1): its terms from
    ``count`` up, each from the one before, until they no longer add to the sum."""
    if count <= expected:
        return 1.0  # at least about a half: as good as certain beside ``CHANCE``
    term = math.exp(count * math.log(expected) - expected - math.lgamma(count + 1)) if expected > 0.0 else 0.0
    total, k = 0.0, count
    while term > total * 1e-12:
        total += term
        k += 1
        term *= expected / k
    return total


def in_a_title(
    word: str, papers: Iterable[np.ndarray], passage_start: np.ndarray, passages: Sequence[Sequence[str]]
) -> bool:
    """Whether the title passage (title and concept names) of one of ``papers`` (rows; each paper's passages run from
    ``passage_start[p]``; ``passages`` as [paper id, kind, text]) holds ``word``. Read only for a word held by chance,
    so in a few papers (``scope`` reads at most ``SENSE_PAPERS`` of them)."""
    stems = set(tokens.tokenize(word))
    for held in papers:
        for paper in held.tolist():
            for row in range(int(passage_start[paper]), int(passage_start[paper + 1])):
                _, kind, text = passages[row]
                if kind == "title" and stems & set(tokens.tokenize(text)):
                    return True
    return False
