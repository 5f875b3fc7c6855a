"""Score a query's candidate papers over an index version (``query.candidates``), and take the top k.

Pure functions of the opened version (no model: the query's vector comes from ``embed``):
``Searcher`` calls them, and so can a script that compares rankings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core.names import name_key
from ..index.lexical_engine import Engine
from ..index.reader import IndexData
from ..index.understanding import name_papers
from . import candidates, fusion, guiding, rerank, spans
from .forms import better_reading, reworded
from .plan import PlanContext, QueryPlan, concept_matches
from .scope import Evidence
from .wording import ASKING, FILLER

ASKED = FILLER | ASKING
PARTITION_FROM = 1_000  # scores (finite) from which ``top_k`` partitions before it sorts


def filter_mask(
    years: np.ndarray, eras: np.ndarray, year_from: int | None, year_to: int | None, era: int | str | None
) -> np.ndarray:
    """Which paper rows pass the hard filters (``eras``: each paper's era, as ``era`` is given: its id or code)."""
    mask = np.ones(len(years), dtype=bool)
    if year_from is not None:
        mask &= years >= year_from
    if year_to is not None:
        mask &= years <= year_to
    if era is not None:
        mask &= eras == era
    return mask


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Rows of the ``k`` highest finite scores, best first; ties keep row order (like a stable sort).

    Partitions before sorting when there are more than ``PARTITION_FROM`` rows, so a query over a million papers
    sorts k of them, not all; a few hundred are sorted whole (the partition costs more than it saves).
    """
    finite = np.isfinite(scores).nonzero()[0]
    if len(finite) > max(k, PARTITION_FROM):
        part = np.argpartition(-scores[finite], k - 1)[:k]
        cut = scores[finite[part]].min()
        finite = finite[scores[finite] >= cut]  # every row tied with the k-th, so ties are broken by row
    top: list[int] = finite[np.argsort(-scores[finite], kind="stable")[:k]].tolist()
    return top


@dataclass(frozen=True)
class Scored:
    """One query's scores of its candidate papers (``rows``, sorted; every array is aligned with it), before the plan
    moves them."""

    rows: np.ndarray  # the candidates' paper rows (``query.candidates``)
    mask: np.ndarray  # the candidates the hard filters let through
    fused: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    qvec: np.ndarray | None
    best_row: np.ndarray
    names: np.ndarray | None  # how strongly each candidate belongs to the people named (plan), or None
    concepts: np.ndarray | None  # how much of each candidate's best-named concept the query names, or None
    best_cosine: float  # of any passage (0 in lexical mode)
    sure: bool  # a name, a time or the list's own order was asked for: some paper answers, whatever else says
    evidence: Evidence | None = None  # what the no-match decision weighs (``scope``), once judged
    confidence: float = 1.0  # that some paper answers the query at all (``scope.confidence``), once judged

    def judged(self, evidence: Evidence, confidence: float, sure: bool) -> Scored:
        """These scores with the no-match verdict (``Ranker._judged``): one record built, the arrays shared (what
        ``dataclasses.replace`` does, without reading the fields' definitions again on every query)."""
        kept = (self.rows, self.mask, self.fused, self.dense, self.lexical, self.qvec, self.best_row, self.names)
        return Scored(*kept, self.concepts, self.best_cosine, sure, evidence, confidence)

    def at(self, rows: np.ndarray) -> np.ndarray:
        """The positions of paper ``rows`` among the candidates (-1 for one that is not)."""
        if not len(self.rows):
            return np.full(len(rows), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.rows, rows), len(self.rows) - 1)
        return np.where(self.rows[at] == rows, at, -1)


@dataclass(frozen=True)
class Query:
    """What ``score`` scores: the text (the plan's topic when there is a plan), how it was read, the mode, the
    papers the filters allow and those the plan asks to be scored besides each side's best."""

    text: str
    plan: QueryPlan | None
    mode: str
    allow: candidates.Allowed
    extra: np.ndarray


def score(
    data: IndexData, engine: Engine | None, ctx: PlanContext | None, q: Query, embed: Callable[[str], np.ndarray]
) -> Scored:
    """Dense, lexical and fused scores of the query's candidates (``query.candidates``).

    With a plan, names are matched as names (not as stemmed words: ``names`` carries them, the
    lexical side no longer sees them), words that only ask for papers are left out of the lexical
    side, and a dense side whose best match is below ``rerank.DENSE_FLOOR`` (nothing close in
    meaning) fades out instead of adding noise.
    """
    plan, mode, allow = q.plan, q.mode, q.allow
    topic = plan.topic if plan is not None else q.text
    lex_text = _lexical_text(topic, plan)
    qvec, side = None, None
    if mode != "lexical":
        qvec = embed(topic)
        side = candidates.dense_side(data, qvec, allow)
    # "cnn" matches "convolutional" too, as well as the query written (``forms``): a second reading, its own candidates
    other_text = reworded(lex_text, plan.forms) if plan is not None and plan.forms else None
    lex_texts = (lex_text, other_text) if other_text else (lex_text,)
    rows = _candidates(data, engine, lex_texts, allow, side, q.extra)
    mask = allow.holds(rows)
    other = _lexical_scores(data, other_text, rows) if other_text else None
    lex = np.where(mask, better_reading(_lexical_scores(data, lex_text, rows), other), 0.0).astype(np.float32)
    if side is not None:
        dense, best_row = side.of(rows, mask)
    else:
        dense, best_row = np.where(mask, 0.0, -np.inf).astype(np.float32), np.full(len(rows), -1, dtype=np.int64)
    names = None
    if plan is not None and plan.names and ctx is not None:
        names = _name_scores(rows, [name_papers(ctx.names, k) for k in plan.names])
    finite = dense[np.isfinite(dense)]
    best_cosine = float(finite.max()) if qvec is not None and finite.size else 0.0
    if mode == "hybrid" and qvec is not None and plain(plan):  # the sides disagree on a paper won by its question form
        dense = guiding.held(data, topic, qvec, rows, dense, best_row, lex)  # (the no-match verdict reads it as it was)
    listed = plan is not None and plan.order is not None and plan.order.over == "list"  # "the oldest paper"
    sure = (names is not None and bool(names.any())) or (plan is not None and plan.only_time) or listed
    others: tuple[fusion.Others | None, fusion.Others | None] = (None, None)
    if mode == "hybrid" and len(rows) < len(data.columns.years):  # every paper a candidate: none outside to weigh
        others = candidates.rest(data.lexical, lex_texts, allow, rows, side).sides()
    if mode == "dense":
        fused = dense.astype(np.float64)
    elif mode == "lexical":
        fused = np.where(mask, lex, -np.inf).astype(np.float64)
    elif plan is None:
        fused = fusion.hybrid(dense.astype(np.float64), lex.astype(np.float64), others)
    else:
        w_dense = min(1.0, best_cosine / rerank.DENSE_FLOOR) ** 2
        fused = fusion.weighted(dense.astype(np.float64), lex.astype(np.float64), w_dense, fusion.LEX_WEIGHT, others)
    concepts = None
    if plan is not None and ctx is not None:
        matched = concept_matches(topic, ctx)
        if matched:
            concepts = np.zeros(len(rows), dtype=np.float64)
            at, found = _positions(rows, np.fromiter(matched, np.int64, len(matched)))
            concepts[at] = np.fromiter((share for _, share in matched.values()), np.float64, len(matched))[found]
    fused = spans.linked(fused, plan, data.columns, rows, qvec is not None)  # a history question: the steps between
    return Scored(rows, mask, fused, dense, lex, qvec, best_row, names, concepts, best_cosine, sure)


def plain(plan: QueryPlan | None) -> bool:
    """Whether a plan asks for a topic alone: no time, person, order in time, origin or history to read (those are
    ranked by their own rules, and a question without a plan is ranked as it was before query understanding). A
    comparison ("GANs vs VAEs") is a topic: it is ranked by relevance, its sides' papers first."""
    return (
        plan is not None
        and plan.intent == "topic"
        and plan.window is None
        and not plan.names
        and (plan.order is None or plan.order.compares)
        and not plan.only_time
    )


def _lexical_text(topic: str, plan: QueryPlan | None) -> str:
    """What the lexical side searches for: the topic less the names it reads as names and the words that only ask."""
    lex_text = topic
    if plan is not None and plan.names:
        lex_text = " ".join(w for w in topic.split() if name_key(w.strip("?,.!;:")) not in plan.names) or topic
    if plan is not None:  # "papers from ... about", "explain": words that ask are not what a query is about
        lex_text = " ".join(w for w in lex_text.split() if w.lower().strip("?,.!;:") not in ASKED) or lex_text
    return lex_text


def _lexical_scores(data: IndexData, text: str, rows: np.ndarray) -> np.ndarray:
    """BM25 scores of ``rows`` for ``text``; every paper a candidate (a small list): all scores, as ``scores_of``
    sums them, without searching each word's postings."""
    lexical = data.lexical
    return lexical.scores(text) if len(rows) == lexical.n_docs else lexical.scores_of(text, rows)


def _candidates(
    data: IndexData,
    engine: Engine | None,
    lex_texts: tuple[str, ...],
    allow: candidates.Allowed,
    side: candidates.DenseSide | None,
    extra: np.ndarray,
) -> np.ndarray:
    """The papers scored: every paper of a small list; every allowed one when a side scores them all anyway (few
    allowed papers, or few of their passages); else the dense side's, the lexical side's best for each reading of
    the query (``lex_texts``), the first allowed rows and ``extra``."""
    n = len(data.columns.years)
    if every_paper(data):  # a small list: every paper, filtered or not (the full scan's arrays)
        return np.arange(n, dtype=np.int64)
    if allow.count <= candidates.LEXICAL_CANDIDATES or (side is not None and side.floor is None):
        found = allow.rows()
        return candidates.union(found, extra) if len(extra) else found
    parts = [allow.first(candidates.FIRST_ROWS), extra]
    for text in lex_texts:
        parts.append(candidates.lexical_best(data.lexical, engine, text, allow, candidates.LEXICAL_CANDIDATES))
    if side is not None:
        parts.append(side.papers)
    return candidates.union(*parts)


def every_paper(data: IndexData) -> bool:
    """Whether every query scores every paper of the version (a small list): no paper is left out to be asked for
    or weighed apart."""
    return len(data.columns.years) <= candidates.LEXICAL_CANDIDATES


def _name_scores(rows: np.ndarray, names: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Per candidate: how strongly it belongs to the named people (``rerank.name_scores``, over the candidates);
    ``names``: each person's papers and weights (``understanding.name_papers``)."""
    out = np.zeros(len(rows), dtype=np.float64)
    for papers, weights in names:  # one person at a time: the same sums in the same order
        at, held = _positions(rows, papers)
        out[at] += weights[held] / len(names)
    return out


def _positions(rows: np.ndarray, papers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions among the sorted ``rows`` of those of ``papers`` that are candidates, and which of ``papers``
    those are: one search for all of them, not one a paper (a common name has thousands)."""
    keys = np.asarray(papers, dtype=np.int64)
    if not len(rows):
        return np.zeros(0, dtype=np.int64), np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(rows, keys), len(rows) - 1)
    held = rows[at] == keys
    return at[held], held
