"""The texts a paper is indexed as: for vectors its question, title with concepts and summary sentences; for BM25 one text.

The model reads at most 256 word pieces; a sentence longer than ``MAX_WORDS`` words is cut into
overlapping windows so that nothing is lost.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..core.models import Paper
from ..core.records import PaperRecord, PassageKind
from .tokens import tokenize

MAX_WORDS = 150  # ~200 word pieces, safely under the model's 256
_ABBREV = r"(?<!\bU\.S\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bet al\.)(?<!\bvs\.)(?<!\b[A-Z]\.)"
# the end mark first: the abbreviations' look-behinds are then tried only after a ".", "!" or "?", not at every character
SENTENCE_END = re.compile(r"(?<=[.!?])" + _ABBREV + r"[”\"’)]?\s+(?=[A-Z“\"(])")


@dataclass(frozen=True)
class Passage:
    paper_id: str
    kind: PassageKind
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


def paper_passages(paper: Paper) -> list[Passage]:
    """The passages of one paper, in a stable order: its question, its title with concepts, its sentences."""
    out = [Passage(paper.id, "question", paper.question)] if paper.question else []  # an imported paper has none
    concepts = "; ".join(c.name + (f" ({', '.join(c.aliases)})" if c.aliases else "") for c in paper.concepts)
    out.append(Passage(paper.id, "title", f"{paper.title}. {concepts}".strip()))
    for sentence in split_sentences(paper.summary):
        out.extend(Passage(paper.id, "summary", w) for w in _windows(sentence))
    return out


def lexical_text(record: PaperRecord) -> str:
    """The text BM25 indexes for a paper: every field a reader might search by name."""
    parts = [record["title"], " ".join(record["authors"]), record["question"], record["summary"]]
    for c in record["concepts"]:
        parts.append(" ".join([c["name"], *c["aliases"]]))
    parts.extend(x["ref"] for x in record["references"]["external"])
    return "\n".join(parts)


def why_stems(record: PaperRecord) -> str:
    """The stems ``why`` finds a query's words among, for a paper: those of its title, question, summary and authors
    (as one JSON list, the text ``why`` read them from), each once, sorted and space-separated. Made at build time
    and stored (the database's ``stems``): a query's hits would otherwise each be tokenised again."""
    text = json.dumps([record["title"], record["question"], record["summary"], record["authors"]], ensure_ascii=False)
    return " ".join(sorted(set(tokenize(text))))
