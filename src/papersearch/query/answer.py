"""Cited answers: a few sentences of the reading list that answer a question, their sources, and an order to read them.

Nothing here writes prose. Candidates are the summary sentences (and guiding questions) of the best
ranked papers, taken word for word. Each is scored by its own vector from the index against the
query's (no extra encoding), by the share of the query's words it holds (weighted by rarity) and by
its paper's rank; then picked by maximal marginal relevance, so that a second sentence adds
something the first did not say, at most ``PER_PAPER`` from one paper. Origin and history
questions cite the ranking's head (the papers the search scores level with the first, ``head``) and read
in time order, others best first. When the search says nothing matches, or no
sentence scores ``SENTENCE_FLOOR`` on meaning and words, the answer declines and lists the nearest
papers instead. The weights and the floor were chosen on the tune half of the dev queries
(docs/assistant.md has the figures for both halves).

Pure: ``compose`` is a function of the index version, one search's results and the query vector.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ..core.assistant_records import Answer, AnswerSentence, AnswerSource, ReadingStep
from ..core.names import cited_name
from ..core.records import Intent, Order, PaperBrief, PaperRecord, SearchResults
from ..index import lexical
from ..index.reader import IndexData
from .explain import query_stems
from .paths import KIND_RANK, PathGraph
from .plan import QueryPlan

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
SENTENCE_FLOOR = 0.30  # below this (meaning + words, no rank) the best sentence answers nothing: decline
CONFIDENCE_SCALE = 0.05  # support above the floor that takes the answer's confidence from 0.5 to 0.73
READ_FIRST = 2  # entries each cited paper builds on, at most, in the reading order
NEAREST = 5  # papers listed when the answer declines
RELATED_PAPERS = 3  # what came before or after a paper: the first ranked, and those of this many the graph ties to it
HEAD_SPREAD = 0.27  # a further paper stands level with the first when its search score is this close to the first's,
HEAD_DEPTH = 10  # as a share of the drop from the first ranked paper to the one this many down
TIME_ORDERED: frozenset[Intent] = frozenset(["origin", "history"])


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
                    hit.append((r, kind, frozenset(lexical.tokenize(text))))
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


def citation(rec: PaperRecord) -> str:
    """The paper as a citation: "(Rumelhart, Hinton & Williams, 1986)", "(Vaswani et al., 2017)"."""
    names = [a for a in rec["authors"] if not re.match(r"(?i)(over|and|plus)\s+\d+|others|et al", a)]
    more = len(names) != len(rec["authors"]) or len(names) > 3
    surnames = [cited_name(a) for a in names[: 1 if more else 3]] or ["Anonymous"]
    if more:
        who = f"{surnames[0]} et al."
    elif len(surnames) == 1:
        who = surnames[0]
    else:
        who = ", ".join(surnames[:-1]) + " & " + surnames[-1]
    return f"({who}, {rec['year']})"


def candidates(
    data: IndexData,
    sentences: Sentences,
    results: SearchResults,
    qvec: np.ndarray | None,
    topic: str,
    papers: int = CANDIDATE_PAPERS,
) -> list[Candidate]:
    """Every quotable sentence of the best ``papers`` ranked papers, scored."""
    hits = results["results"][:papers]
    weights = sentences.weights(list(query_stems(topic)))
    total = sum(weights.values())
    out: list[Candidate] = []
    for hit in hits:
        paper = data.records.row_of(hit["id"])
        if paper is None:
            continue
        rows = sentences.of(paper)
        if not rows:
            continue
        cos = data.matrix[[r for r, _, _ in rows]] @ qvec if qvec is not None else np.zeros(len(rows))
        prior = 1.0 - (hit["rank"] - 1) / max(len(hits), 1)
        for (row, kind, stems), c in zip(rows, cos, strict=True):
            lex = sum(w for s, w in weights.items() if s in stems) / total if total else 0.0
            support = W_DENSE * float(c) + W_LEX * lex
            score = support + W_RANK * prior
            if kind == "question":
                support, score = support * QUESTION_WEIGHT, score * QUESTION_WEIGHT
            out.append(Candidate(row, paper, data.passages[row][2], kind, score, support))
    return out


def pick(
    data: IndexData, found: list[Candidate], keep_new: float = KEEP_NEW, leading: frozenset[int] = frozenset()
) -> list[Candidate]:
    """Summary sentences by maximal marginal relevance (at most ``PER_PAPER`` from one paper, ``MAX_SENTENCES`` in
    all), then a cited paper's guiding question where it matches better than the sentences chosen from it.

    ``leading``: papers (rows) cited whatever their best sentence scores: the ranking's head (``head``)."""
    chosen: list[Candidate] = []
    left = sorted((c for c in found if c.kind == "summary"), key=lambda c: (-c.score, c.row))
    per_paper: dict[int, int] = {}
    while left and len(chosen) < MAX_SENTENCES:
        best, best_value = None, -math.inf
        for c in left:
            if per_paper.get(c.paper, 0) >= PER_PAPER:
                continue
            overlap = max((float(data.matrix[c.row] @ data.matrix[o.row]) for o in chosen), default=0.0)
            value = MMR_LAMBDA * c.score - (1 - MMR_LAMBDA) * overlap
            if value > best_value:
                best, best_value = c, value
        if best is None:
            break
        left.remove(best)
        share = KEEP_MORE if best.paper in per_paper else 0.0 if best.paper in leading else keep_new
        if not chosen or best.score >= share * chosen[0].score:
            chosen.append(best)
            per_paper[best.paper] = per_paper.get(best.paper, 0) + 1
    if len(chosen) < MIN_SENTENCES:  # a second sentence from a paper already cited (its question last), however
        more = [c for c in found if per_paper.get(c.paper, PER_PAPER) < PER_PAPER and c not in chosen]  # it scores
        chosen += sorted(more, key=lambda c: (c.kind != "summary", -c.score, c.row))[: MIN_SENTENCES - len(chosen)]
    for q in sorted((c for c in found if c.kind == "question" and c not in chosen), key=lambda c: -c.score):
        own = [c for c in chosen if c.paper == q.paper]
        if not own or q.score <= max(c.score for c in own):
            continue
        if len(own) >= PER_PAPER:  # it takes the place of the paper's weakest: still at most two from one paper
            chosen.remove(min(own, key=lambda c: c.score))
            chosen.append(q)  # it asks what the user asked: it leads its paper's sentences
        elif len(own) < PER_PAPER and len(chosen) < MAX_SENTENCES:
            chosen.append(q)
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


def compose(
    data: IndexData,
    sentences: Sentences,
    graph: PathGraph,
    results: SearchResults,
    plan: QueryPlan | None,
    qvec: np.ndarray | None,
) -> Answer:
    """The cited answer to one search (``results``, read as ``plan``): its sentences, sources and reading order,
    or a refusal. ``qvec``: the query's vector (None in lexical mode: words only).

    A query that names a person or a time of the list leaves the search sure of its papers, so no sentence
    needs to clear ``SENTENCE_FLOOR``: "goodfellow" is answered by what the list says of his paper. So does a
    question about order ("the oldest paper", "what came after the GAN paper"): it quotes the papers the order
    puts first (``asked_for``), whatever else scores higher.
    """
    topic = plan.topic if plan else results["corrected_query"] or results["query"]
    intent: Intent = plan.intent if plan else "topic"
    order = results["understood"]["order"] if results["understood"] else None
    asked = asked_for(results, order)
    sure = (plan is not None and (bool(plan.names) or plan.only_time)) or asked is not None
    papers = {"history": HISTORY_PAPERS, "origin": ORIGIN_PAPERS}.get(intent, CANDIDATE_PAPERS)
    found = candidates(data, sentences, results, qvec, topic, papers)
    if asked is not None:
        found = [c for c in found if data.records[c.paper]["id"] in asked]
    support = max((c.support for c in found), default=0.0)
    declined, sure_of = _declines(results, found, support, sure, words_only=qvec is None)
    by_time = intent in TIME_ORDERED or (order is not None and order["over"] in ("before", "after"))
    keep_new = 0.0 if asked is not None else ORIGIN_KEEP_NEW if intent == "origin" else KEEP_NEW
    leading = _rows(data, head(results, papers)) if intent in TIME_ORDERED and asked is None else frozenset()
    chosen = [] if declined else arrange(data, pick(data, found, keep_new, leading), by_time)
    numbers: dict[int, int] = {}  # paper row -> its source number, in the order the answer first cites it
    for c in chosen:
        numbers.setdefault(c.paper, len(numbers) + 1)
    cites = {p: citation(data.records[p]) for p in numbers}
    return {
        "query": results["query"],
        "corrected_query": results["corrected_query"],
        "understood": results["understood"],
        "index_version": results["index_version"],
        "took_ms": 0.0,
        "declined": declined,
        "no_match": results["no_match"],
        "confidence": confidence(sure_of, support, sure or qvec is None),
        "order": "time" if by_time else "relevance",
        "sentences": _quoted(data, chosen, numbers, cites),
        "sources": _sources(data, numbers, cites),
        "reading_order": reading_order(data, graph, numbers),
        "nearest": _nearest(results) if declined else [],
    }


def level(results: SearchResults, papers: int) -> list[str]:
    """The ids of the best ``papers`` ranked, after the first, that the search puts level with it: each one's score
    lies within ``HEAD_SPREAD`` of the drop from the first to the ``HEAD_DEPTH``-th ranked paper.

    The drop to the tenth scales the gap to each query's own spread of scores (fused scores are z-scores, and a
    question about order shifts them all), so the same share reads a close head on any query, however worded.
    """
    hits = results["results"][:HEAD_DEPTH]
    if len(hits) < 2:
        return []
    top, drop = hits[0]["score"], hits[0]["score"] - hits[-1]["score"]
    return [h["id"] for h in hits[1:papers] if top - h["score"] <= HEAD_SPREAD * drop]


def head(results: SearchResults, papers: int) -> list[str]:
    """The ranking's head, by id: the first ranked paper and those of the best ``papers`` level with it (``level``).

    An origin or history question asks for its milestones, and the ranking, not how one sentence is worded, says
    which papers stand together at the top: the answer cites each of them.
    """
    hits = results["results"]
    return [hits[0]["id"], *level(results, papers)] if hits else []


def asked_for(results: SearchResults, order: Order | None) -> set[str] | None:
    """The papers a question about order asks for, by id, or None for any other question: the paper the order puts
    first ("the oldest paper", "the last paper before Minsky's book"); for what came before or after a paper, also
    the next best ranked papers (of ``RELATED_PAPERS``) that the graph ties to it directly and the search puts level
    with the first (``level``): a tied neighbour far behind is no answer to what came before or after."""
    hits = results["results"]
    if order is None or not hits or (order["over"] in ("before", "after") and order["paper"] is None):
        return None
    asked = {hits[0]["id"]}
    if order["first"] is None:
        close = set(level(results, RELATED_PAPERS))
        for hit in hits[1:RELATED_PAPERS]:
            tied = hit["neighbours"]["cites"] + hit["neighbours"]["cited_by"]
            if hit["id"] in close and any(n["id"] == order["paper"] for n in tied):
                asked.add(hit["id"])
    return asked


def _rows(data: IndexData, ids: list[str]) -> frozenset[int]:
    """The paper rows of ``ids`` (an id the index lacks is left out)."""
    return frozenset(p for p in (data.records.row_of(i) for i in ids) if p is not None)


def _declines(
    results: SearchResults, found: list[Candidate], support: float, sure: bool, words_only: bool
) -> tuple[bool, float]:
    """Whether the answer declines, and the search's confidence the answer's starts from.

    Words only (lexical mode): sentences have no meaning score to clear ``SENTENCE_FLOOR`` with, so the search's
    words-only verdict decides, and a sentence must hold a word of the query.
    """
    weak = support <= 0.0 if words_only else support < SENTENCE_FLOOR
    declined = results["no_match"] or (weak and not sure)
    return declined or not found, results["confidence"]


def _quoted(
    data: IndexData, chosen: list[Candidate], numbers: dict[int, int], cites: dict[int, str]
) -> list[AnswerSentence]:
    """The chosen sentences as the answer quotes them, each with its source's number and citation."""
    return [
        {
            "text": c.text,
            "kind": "question" if c.kind == "question" else "summary",
            "source": numbers[c.paper],
            "id": data.records[c.paper]["id"],
            "citation": cites[c.paper],
            "score": round(c.score, 4),
        }
        for c in chosen
    ]


def _sources(data: IndexData, numbers: dict[int, int], cites: dict[int, str]) -> list[AnswerSource]:
    """The cited papers, numbered as the sentences refer to them."""
    return [
        {
            "number": n,
            "id": (rec := data.records[p])["id"],
            "title": rec["title"],
            "year": rec["year"],
            "authors": rec["authors"],
            "era": rec["era"],
            "era_name": rec["era_name"],
            "citation": cites[p],
        }
        for p, n in numbers.items()
    ]


def _nearest(results: SearchResults) -> list[PaperBrief]:
    """The best ranked papers, listed in place of an answer that declines."""
    return [
        {"id": h["id"], "year": h["year"], "title": h["title"], "authors": h["authors"], "era": h["era"]}
        for h in results["results"][:NEAREST]
    ]


def confidence(search: float, support: float, sure: bool) -> float:
    """How sure the answer is: the search's calibrated confidence, capped (unless the query named a person or a
    time) by how far the best sentence clears ``SENTENCE_FLOOR``: 0.5 at the floor, 0.95 at 0.15 above it."""
    if sure:
        return round(search, 4)
    sentence = 1.0 / (1.0 + math.exp(-(support - SENTENCE_FLOOR) / CONFIDENCE_SCALE))
    return round(min(search, sentence), 4)


def reading_order(data: IndexData, graph: PathGraph, numbers: dict[int, int]) -> list[ReadingStep]:
    """The cited papers and the entries they build on directly (``READ_FIRST`` each, strongest first), by year.

    Strongest as a reading path ranks them (``paths``): a citation before a mention, then the entry closest in
    meaning to the cited paper (seq2seq before LeCun's CNN for Bahdanau's attention, both mentioned). An entry
    several cited papers build on is listed once, with the strongest tie (a citation over a mention).
    """

    def step(p: int, source: int | None) -> ReadingStep:
        rec = data.records[p]
        return {
            "id": rec["id"],
            "title": rec["title"],
            "year": rec["year"],
            "source": source,
            "needed_for": [],
            "kind": None,
            "evidence": None,
        }

    steps = {p: step(p, n) for p, n in numbers.items()}
    for p in numbers:
        links = [link for link in graph.earlier[p] if link.other not in numbers]
        links.sort(key=lambda link: (KIND_RANK[link.kind], -graph.near.similarity(p, link.other), link.other))
        for link in links[:READ_FIRST]:
            first = steps.setdefault(link.other, step(link.other, None))
            first["needed_for"].append(data.records[p]["id"])
            if first["kind"] is None or (link.kind == "cites" and first["kind"] != "cites"):
                first["kind"], first["evidence"] = link.kind, link.evidence
    return sorted(steps.values(), key=lambda s: (s["year"], s["source"] is not None, s["id"]))
