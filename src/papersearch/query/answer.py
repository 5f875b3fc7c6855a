"""Cited answers: a few sentences of the reading list that answer a question, their sources, and an order to read them.

Nothing here writes prose: the sentences are quoted word for word (``quotes``: how they are scored and picked), the
papers an answer must cite come from the ranking (``answer_sources``). Origin and history questions read in time
order, others best first. When the search says nothing matches, or no sentence scores ``SENTENCE_FLOOR`` on meaning
and words, the answer declines and lists the nearest papers instead. The floor was chosen on the tune half of the dev
queries (docs/assistant.md has the figures for both halves).

Pure: ``compose`` is a function of the index version, one search's results and the query vector.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..core.assistant_records import Answer, AnswerSentence, AnswerSource, ReadingStep
from ..core.names import cited_name, named_authors
from ..core.records import Intent, Order, PaperBrief, PaperRecord, SearchResults
from ..index.reader import IndexData
from ..index.tokens import tokenize
from .answer_sources import AUTHOR_PAPERS, Choice, asked_for, authored, choice, head, unearned
from .hits import et_al_field, kind_fields
from .paths import PathGraph
from .plan import QueryPlan
from .quotes import PER_PAPER, Candidate, Sentences, arrange, candidates, keep_new_for, papers_for, pick
from .restate import restate
from .routes import KIND_RANK
from .topical import carrying_words

SENTENCE_FLOOR = 0.30  # below this (meaning + words, no rank) the best sentence answers nothing: decline
CONFIDENCE_SCALE = 0.05  # support above the floor that takes the answer's confidence from 0.5 to 0.73
READ_FIRST = 2  # entries each cited paper builds on, at most, in the reading order
NEAREST = 5  # papers listed when the answer declines
TIME_ORDERED: frozenset[Intent] = frozenset(["origin", "history"])
SPANS: frozenset[Intent] = frozenset(["history"])  # a question over a span of papers: its topic's words are shared


def citation(rec: PaperRecord) -> str:
    """The paper as a citation: "(Rumelhart, Hinton & Williams, 1986)", "(Vaswani et al., 2017)"; "et al." for more
    than three authors, a count of unnamed ones ("over 100 additional authors"), or a record's ``et_al``."""
    names, unnamed = named_authors(rec["authors"], bool(rec.get("et_al")))
    more = unnamed or len(names) > 3
    surnames = [cited_name(a) for a in names[: 1 if more else 3]] or ["Anonymous"]
    if more:
        who = f"{surnames[0]} et al."
    elif len(surnames) == 1:
        who = surnames[0]
    else:
        who = ", ".join(surnames[:-1]) + " & " + surnames[-1]
    return f"({who}, {rec['year']})"


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
    puts first (``answer_sources.asked_for``), whatever else scores higher; a choice between two papers, or a comparison
    of two, quotes both, in the order asked, and says in a line of its own (``notes``) which side the list holds no
    paper for.
    """
    topic = plan.topic if plan else results["corrected_query"] or results["query"]
    intent: Intent = plan.intent if plan else "topic"
    order = results["understood"]["order"] if results["understood"] else None
    chose = choice(results)
    asked, papers, leading, per_paper = _wanted(data, results, plan, topic, intent, order, chose)
    sure = (plan is not None and (bool(plan.names) or plan.only_time)) or asked is not None
    topic = restate(data, sentences, topic, _quoted_papers(data, results, papers, leading))
    found = candidates(data, sentences, results, qvec, topic, papers, also=leading)
    if asked is not None:
        found = [c for c in found if data.records[c.paper]["id"] in asked]
    support = max((c.support for c in found), default=0.0)
    declined, sure_of = _declines(results, found, support, sure, words_only=qvec is None)
    by_time = intent in TIME_ORDERED or (order is not None and order["over"] in ("before", "after"))
    keep_new = keep_new_for(intent, asked is not None)
    if asked is None and intent not in SPANS and not declined:  # a source must hold a word of the question of its own
        aside = unearned(data, sentences, results, topic, papers)
        found = [c for c in found if c.paper not in aside] or found
    picked = [] if declined else pick(data, found, keep_new, leading, per_paper)
    chosen = _as_chosen(data, arrange(data, picked, by_time), chose)
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
        "no_match": declined,
        "confidence": confidence(sure_of, support, sure or qvec is None),
        "order": "time" if by_time else "relevance",
        "sentences": _quoted(data, chosen, numbers, cites),
        "sources": _sources(data, numbers, cites),
        "reading_order": reading_order(data, graph, numbers, _not_before(data, order)),
        "nearest": _nearest(results) if declined else [],
        "notes": [unlisted(words, chose.compared) for words in chose.unlisted] if chose else [],
    }


def _quoted_papers(data: IndexData, results: SearchResults, papers: int, leading: frozenset[int]) -> list[int]:
    """The rows an answer may quote from, best ranked first: the best ``papers`` ranked, then those in ``leading``."""
    ranked = [p for h in results["results"][:papers] if (p := data.records.row_of(h["id"])) is not None]
    return ranked + sorted(leading.difference(ranked))


class Wanted(NamedTuple):
    """What a question asks its answer to cite, before any sentence is scored."""

    asked: set[str] | None  # the papers it asks for, by id (an order's, a choice's, a person's); None: any
    papers: int  # how many of the best ranked papers the answer quotes from
    leading: frozenset[int]  # the rows cited whatever their best sentence scores
    per_paper: int  # sentences from one paper, at most


def _wanted(
    data: IndexData,
    results: SearchResults,
    plan: QueryPlan | None,
    topic: str,
    intent: Intent,
    order: Order | None,
    chose: Choice | None,
) -> Wanted:
    """The papers a question asks for: a choice's sides, an order's first (``asked_for``), a person's work
    (``authored``: a sentence from each of their papers), or for an origin or history question the ranking's head."""
    anchor = data.records.row_of(order["paper"]) if order is not None and order["paper"] else None
    anchor_year = data.records[anchor]["year"] if anchor is not None else None
    asked = set(chose.named) if chose and chose.named else asked_for(results, order, anchor_year)
    by_person = authored(results, plan.names, topic) if plan is not None and asked is None else None
    if by_person:
        return Wanted(by_person, AUTHOR_PAPERS, _rows(data, sorted(by_person)), 1)
    papers = papers_for(intent)
    first = results["results"][0]["id"] if results["results"] else None
    if asked is not None and anchor is not None and plan is not None and first and _lineage(data, plan, first):
        asked.add(data.records[anchor]["id"])  # "how did attention lead to transformers": the transformer too
        return Wanted(asked, papers, frozenset([anchor]), PER_PAPER)
    head_rows = _rows(data, head(results, papers)) if intent in TIME_ORDERED and asked is None else frozenset()
    return Wanted(asked, papers, head_rows, PER_PAPER)


def _lineage(data: IndexData, plan: QueryPlan, first: str) -> bool:
    """Whether a question of what came before a paper names what led to it as well ("how did attention lead to
    transformers?", "how did recurrent nets lead to LSTMs"): words of its own besides those that name the paper,
    which the ``first`` ranked paper's title or summary holds (what led there is that paper: "so what exactly led to
    the transformer?" names nothing), so the answer follows the line from one to the other and cites both ends
    ("what led to the transformer?" names only the paper: what came before it answers that)."""
    o = plan.order
    if o is None or o.side != "before" or o.first is not None:  # "the paper just before X" asks for one paper
        return False
    own = set(carrying_words(plan.topic)) - set(carrying_words(o.anchor))
    row = data.records.row_of(first)
    if not own or row is None:
        return False
    rec = data.records[row]
    return bool(set(tokenize(" ".join(own))) & set(tokenize(f"{rec['title']} {rec['summary']}")))


def unlisted(words: str, compared: bool = False) -> str:
    """The answer's own line for a side of a choice (or a comparison: ``compared``) that names no paper of the list:
    the list cannot place it (or quote anything about that side)."""
    if compared:
        return f"The reading list holds no paper on “{words}”, so the answer quotes nothing about that side."
    return f"The reading list holds no paper on “{words}”, so it cannot say when that came."


def _as_chosen(data: IndexData, chosen: list[Candidate], chose: Choice | None) -> list[Candidate]:
    """``chosen`` with the papers a choice names in the order it asks for (the earliest first, or the latest), each
    paper's sentences kept together; ``chosen`` itself for any other question."""
    if chose is None or not chose.named:
        return chosen
    place = {paper_id: i for i, paper_id in enumerate(chose.named)}
    return sorted(chosen, key=lambda c: place.get(data.records[c.paper]["id"], len(place)))


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
    out: list[AnswerSource] = []
    for p, n in numbers.items():
        rec = data.records[p]
        source: AnswerSource = {
            "number": n,
            "id": rec["id"],
            "title": rec["title"],
            "year": rec["year"],
            "authors": rec["authors"],
            "era": rec["era"],
            "era_name": rec["era_name"],
            "citation": cites[p],
            **et_al_field(rec),
            **kind_fields(rec),
        }
        out.append(source)
    return out


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


def _not_before(data: IndexData, order: Order | None) -> int | None:
    """The year of the paper a question of what came after it names: its reading order holds nothing older."""
    if order is None or order["over"] != "after" or not order["paper"]:
        return None
    row = data.records.row_of(order["paper"])
    return data.records[row]["year"] if row is not None else None


def reading_order(
    data: IndexData, graph: PathGraph, numbers: dict[int, int], not_before: int | None = None
) -> list[ReadingStep]:
    """The cited papers and the entries they build on directly (``READ_FIRST`` each, strongest first), by year.

    Strongest as a reading path ranks them (``paths``): a citation before a mention, then the entry closest in
    meaning to the cited paper (seq2seq before LeCun's CNN for Bahdanau's attention, both mentioned). An entry
    several cited papers build on is listed once, with the strongest tie (a citation over a mention). ``not_before``:
    a year no entry read first may precede (what came after a paper: "what came after AlexNet" lists nothing older
    than AlexNet, whatever ResNet builds on).
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
        links = [
            link
            for link in graph.earlier[p]
            if link.other not in numbers and (not_before is None or data.records[link.other]["year"] >= not_before)
        ]
        links.sort(key=lambda link: (KIND_RANK[link.kind], -graph.near.similarity(p, link.other), link.other))
        for link in links[:READ_FIRST]:
            first = steps.setdefault(link.other, step(link.other, None))
            first["needed_for"].append(data.records[p]["id"])
            if first["kind"] is None or (link.kind == "cites" and first["kind"] != "cites"):
                first["kind"], first["evidence"] = link.kind, link.evidence
    return sorted(steps.values(), key=lambda s: (s["year"], s["source"] is not None, s["id"]))
