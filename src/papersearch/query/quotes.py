"""The sentences an answer quotes: which are quotable, how each scores for one question, which are picked.

Candidates are the summary sentences (and guiding questions) of the best ranked papers, taken word for word. Each is
scored by its own vector from the index against the query's (no extra encoding), by the share of the query's words it
holds (weighted by rarity) and by its paper's rank; then picked by maximal marginal relevance, so that a second
sentence adds something the first did not say, at most ``PER_PAPER`` from one paper. The weights were chosen on the
tune half of the dev queries (docs/assistant.md has the figures for both halves).

Pure: functions of the index and one search's results; ``answer.compose`` puts them in an answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..core.records import Intent, SearchResults
from ..index import tokens
from ..index.reader import IndexData
from .explain import query_stems
from .wording import ASKING

CANDIDATE_PAPERS = 3  # sentences come from this many of the best ranked papers...
HISTORY_PAPERS = 3  # ...or this many for a history question, whose answer spans the years...
ORIGIN_PAPERS = 3  # ...or an origin question
MAX_SENTENCES = 5
MIN_SENTENCES = 2
PER_PAPER = 2
W_DENSE = 1.0  # a sentence's score: cosine with the query...
W_LEX = 0.5  # ...plus this times the rarity-weighted share of the query's words it holds...
W_RANK = 0.3  # ...plus this times its paper's place in the ranking (1 for the first paper, falling to 0)
QUESTION_WEIGHT = 0.8  # a guiding question counts this share of its score: it frames, a summary answers
MMR_LAMBDA = 0.7  # relevance against novelty: the similarity to a sentence already chosen costs 0.3 of it
KEEP_NEW = 0.85  # a sentence that cites one more paper must score this share of the best sentence (history too)...
ORIGIN_KEEP_NEW = 0.8  # ...or this share for an origin question, whose milestones may be more than one paper
KEEP_MORE = 0.6  # ...one more from a paper already cited this share (it adds words, not a source)


@dataclass(frozen=True)
class Candidate:
    """A sentence an answer may quote, scored for one question."""

    row: int  # passage row
    paper: int  # paper row
    text: str
    kind: str  # summary or question
    score: float
    support: float  # meaning and words only, without the paper's rank


class Sentences:
    """The sentences an answer may quote, per paper: passage rows that are a summary sentence or the question
    word for word (never a window cut from a long sentence, nor the title with concepts), and their stems."""

    def __init__(self, data: IndexData) -> None:
        self.data = data
        self._rows: dict[int, list[tuple[int, str, frozenset[str]]]] = {}
        df = np.diff(data.lexical.indptr).astype(np.float64)
        n = float(data.lexical.n_docs)
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5))

    def of(self, paper: int) -> list[tuple[int, str, frozenset[str]]]:
        """(passage row, kind, stems) of each quotable sentence of one paper, in the order of its summary."""
        hit = self._rows.get(paper)
        if hit is None:
            rec = self.data.records[paper]
            hit = []
            for r in sorted(int(x) for x in self.data.paper_rows[paper]):
                _, kind, text = self.data.passages[r]
                if (kind == "summary" and text in rec["summary"]) or (kind == "question" and text == rec["question"]):
                    hit.append((r, kind, frozenset(tokens.tokenize(text))))
            self._rows[paper] = hit  # one writer wins a race; both computed the same list
        return hit

    def weights(self, stems: list[str]) -> dict[str, float]:
        """Each query stem the corpus holds, weighted by its rarity (BM25's idf).

        Words the corpus lacks are left out (counting them as the rarest declined one more in-scope tune
        question and caught no out-of-scope one: docs/assistant.md)."""
        vocab = self.data.lexical.vocab
        out: dict[str, float] = {}
        for s in stems:
            t = vocab.get(s)
            if t is not None and t < len(self.idf):
                out[s] = float(self.idf[t])
        return out


def topic_stems(topic: str) -> list[str]:
    """The stems a sentence is matched on: those of the topic's content words, less the words that only ask
    (``wording.ASKING``: "papers that discuss dropout" is not matched by a sentence's "for detailed discussion")."""
    return [stem for stem, word in query_stems(topic).items() if word.lower() not in ASKING]


def papers_for(intent: Intent) -> int:
    """How many of the best ranked papers an answer to a question of ``intent`` quotes from."""
    return {"history": HISTORY_PAPERS, "origin": ORIGIN_PAPERS}.get(intent, CANDIDATE_PAPERS)


def keep_new_for(intent: Intent, asked: bool) -> float:
    """The share of the best sentence's score a sentence that cites one more paper must reach (``pick``): none when
    the question asks for its papers (an order's), else ``ORIGIN_KEEP_NEW`` for an origin question, ``KEEP_NEW``."""
    return 0.0 if asked else ORIGIN_KEEP_NEW if intent == "origin" else KEEP_NEW


def candidates(
    data: IndexData,
    sentences: Sentences,
    results: SearchResults,
    qvec: np.ndarray | None,
    topic: str,
    papers: int = CANDIDATE_PAPERS,
    also: frozenset[int] = frozenset(),
) -> list[Candidate]:
    """Every quotable sentence of the best ``papers`` ranked papers, scored; and of the papers (rows) in ``also``
    wherever they rank (a question may ask for a paper the search sets aside: the one a lineage leads to), with no
    share of the rank's weight when they are not among the best."""
    hits = results["results"][:papers]
    weights = sentences.weights(topic_stems(topic))
    total = sum(weights.values())
    priors: dict[int, float] = {}
    for hit in hits:
        paper = data.records.row_of(hit["id"])
        if paper is not None:
            priors.setdefault(paper, 1.0 - (hit["rank"] - 1) / max(len(hits), 1))
    for paper in sorted(also):
        priors.setdefault(paper, 0.0)
    out: list[Candidate] = []
    for paper, prior in priors.items():
        rows = sentences.of(paper)
        if not rows:
            continue
        cos = data.matrix[[r for r, _, _ in rows]] @ qvec if qvec is not None else np.zeros(len(rows))
        for (row, kind, stems), c in zip(rows, cos, strict=True):
            lex = sum(w for s, w in weights.items() if s in stems) / total if total else 0.0
            support = W_DENSE * float(c) + W_LEX * lex
            score = support + W_RANK * prior
            if kind == "question":
                support, score = support * QUESTION_WEIGHT, score * QUESTION_WEIGHT
            out.append(Candidate(row, paper, data.passages[row][2], kind, score, support))
    return out


def pick(
    data: IndexData,
    found: list[Candidate],
    keep_new: float = KEEP_NEW,
    leading: frozenset[int] = frozenset(),
    per_paper: int = PER_PAPER,
) -> list[Candidate]:
    """Summary sentences by maximal marginal relevance (at most ``per_paper`` from one paper, ``MAX_SENTENCES`` in
    all). A paper's guiding question asks rather than answers ("How can a deep network learn?"), so it is quoted
    only where its paper has no summary sentence left to give the answer its ``MIN_SENTENCES``.

    ``leading``: papers (rows) cited whatever their best sentence scores: the ranking's head
    (``answer_sources.head``)."""
    chosen: list[Candidate] = []
    left = sorted((c for c in found if c.kind == "summary"), key=lambda c: (-c.score, c.row))
    cited: dict[int, int] = {}
    while left and len(chosen) < MAX_SENTENCES:
        best, best_value = None, -math.inf
        for c in left:
            if cited.get(c.paper, 0) >= per_paper:
                continue
            overlap = max((float(data.matrix[c.row] @ data.matrix[o.row]) for o in chosen), default=0.0)
            value = MMR_LAMBDA * c.score - (1 - MMR_LAMBDA) * overlap
            if value > best_value:
                best, best_value = c, value
        if best is None:
            break
        left.remove(best)
        share = KEEP_MORE if best.paper in cited else 0.0 if best.paper in leading else keep_new
        if not chosen or best.score >= share * chosen[0].score:
            chosen.append(best)
            cited[best.paper] = cited.get(best.paper, 0) + 1
    if len(chosen) < MIN_SENTENCES:  # a second sentence from a paper already cited (its question last), however
        more = [c for c in found if cited.get(c.paper, per_paper) < per_paper and c not in chosen]  # it scores
        chosen += sorted(more, key=lambda c: (c.kind != "summary", -c.score, c.row))[: MIN_SENTENCES - len(chosen)]
    return chosen


def arrange(data: IndexData, chosen: list[Candidate], by_time: bool) -> list[Candidate]:
    """Each paper's sentences together and in the order of its summary (its question first); the papers by year
    (``by_time``) or by their best sentence."""
    first: dict[int, int] = {}
    for i, c in enumerate(chosen):
        first.setdefault(c.paper, i)
    if by_time:
        return sorted(chosen, key=lambda c: (data.records[c.paper]["year"], first[c.paper], c.row))
    return sorted(chosen, key=lambda c: (first[c.paper], c.row))
