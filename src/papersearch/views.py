"""The texts each paper is embedded as: its question, its summary's passages, its title with concepts.

The model reads at most 256 word pieces; a sentence longer than ``MAX_WORDS`` words is cut into
overlapping windows so that nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import Paper

MAX_WORDS = 150  # ~200 word pieces, safely under the model's 256
_ABBREV = r"(?<!\bU\.S\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bet al\.)(?<!\bvs\.)(?<!\b[A-Z]\.)"
SENTENCE_END = re.compile(_ABBREV + r"(?<=[.!?])[”\"’)]?\s+(?=[A-Z“\"(])")


@dataclass(frozen=True)
class View:
    paper_id: str
    kind: str  # "question", "title", or "passage"
    text: str


def split_sentences(text: str) -> list[str]:
    """Split a summary into sentences, keeping abbreviations such as "U.S." and "et al." intact."""
    parts = [s.strip() for s in SENTENCE_END.split(text.strip())]
    return [p for p in parts if p]


def _windows(sentence: str) -> list[str]:
    words = sentence.split()
    if len(words) <= MAX_WORDS:
        return [sentence]
    step = MAX_WORDS - 20
    return [" ".join(words[i : i + MAX_WORDS]) for i in range(0, len(words) - 20, step)]


def paper_views(paper: Paper) -> list[View]:
    """The views of one paper, in a stable order."""
    views = [View(paper.id, "question", paper.question)]
    concepts = "; ".join(c.name + (f" ({', '.join(c.aliases)})" if c.aliases else "") for c in paper.concepts)
    views.append(View(paper.id, "title", f"{paper.title}. {concepts}".strip()))
    for sentence in split_sentences(paper.summary):
        views.extend(View(paper.id, "passage", w) for w in _windows(sentence))
    return views
