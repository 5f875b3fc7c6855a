"""Score papers for one query vector over an index version: filters, dense scores per paper, top k.

Pure functions of the loaded arrays (no I/O, no model): ``Searcher`` calls them, and so can a
script that compares rankings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core.names import name_key
from ..index import vectors
from ..index.reader import IndexData
from . import fusion, rerank
from .plan import PlanContext, QueryPlan, concept_matches
from .scope import Evidence
from .wording import ASKING, FILLER

ASKED = FILLER | ASKING


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


def dense_scores(data: IndexData, qvec: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per paper: its dense score (``fusion.best_two`` of its passages; -inf when masked) and its best row.

    Up to ``vectors.EXACT_LIMIT`` candidate rows every row is scored. Beyond that only the best
    ``vectors.CANDIDATE_ROWS`` are retrieved; an allowed paper none of whose passages is among them
    scores the lowest retrieved similarity (an upper bound of its own) and has no best row.
    """
    n = len(data.records)
    allowed_rows = None if mask.all() else np.flatnonzero(mask[data.row_paper])
    total = len(data.matrix) if allowed_rows is None else len(allowed_rows)
    best = np.full(n, -np.inf, dtype=np.float32)
    best_row = np.full(n, -1, dtype=np.int64)
    if total == 0:
        return best, best_row
    limit = total if total <= vectors.EXACT_LIMIT else vectors.CANDIDATE_ROWS
    sims, rows = vectors.search(data.faiss_index, qvec, limit, allowed_rows, data.matrix)
    if limit < total and len(sims):
        best[mask] = sims[-1]
    papers = data.row_paper[rows]
    # rows come best first, so the first time a paper appears is its best passage, the next its second
    first = np.unique(papers, return_index=True)[1]
    best[papers[first]] = sims[first]
    best_row[papers[first]] = rows[first]
    second = best.copy()
    if limit < total and len(sims):  # every paper has two passages or more (question, title): an unretrieved
        second[papers[first]] = sims[-1]  # second one scores below the last row retrieved
    rest = np.setdiff1d(np.arange(len(rows)), first, assume_unique=True)
    second_idx = np.unique(papers[rest], return_index=True)[1]
    second[papers[rest][second_idx]] = sims[rest][second_idx]
    return fusion.best_two(best, second).astype(np.float32), best_row


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Rows of the ``k`` highest finite scores, best first; ties keep row order (like a stable sort).

    Partitions before sorting, so a query over a million papers sorts k of them, not all.
    """
    finite = np.flatnonzero(np.isfinite(scores))
    if len(finite) > k:
        part = np.argpartition(-scores[finite], k - 1)[:k]
        cut = scores[finite[part]].min()
        finite = finite[scores[finite] >= cut]  # every row tied with the k-th, so ties are broken by row
    order = finite[np.argsort(-scores[finite], kind="stable")][:k]
    return [int(i) for i in order]


@dataclass(frozen=True)
class Scored:
    """One query's scores per paper, before the plan moves them."""

    mask: np.ndarray  # the papers the hard filters let through
    fused: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    qvec: np.ndarray | None
    best_row: np.ndarray
    names: np.ndarray | None  # how strongly each paper belongs to the people named (plan), or None
    concepts: np.ndarray | None  # how much of each paper's best-named concept the query names, or None
    best_cosine: float  # of any passage (0 in lexical mode)
    sure: bool  # a name, a time or the list's own order was asked for: some paper answers, whatever else says
    evidence: Evidence | None = None  # what the no-match decision weighs (``scope``), once judged
    confidence: float = 1.0  # that some paper answers the query at all (``scope.confidence``), once judged


def score(
    data: IndexData,
    ctx: PlanContext | None,
    plan: QueryPlan | None,
    text: str,
    mode: str,
    mask: np.ndarray,
    embed: Callable[[str], np.ndarray],
) -> Scored:
    """Dense, lexical and fused scores of every paper for ``text`` (the plan's topic when there is a plan).

    With a plan, names are matched as names (not as stemmed words: ``names`` carries them, the
    lexical side no longer sees them), words that only ask for papers are left out of the lexical
    side, and a dense side whose best match is below ``rerank.DENSE_FLOOR`` (nothing close in
    meaning) fades out instead of adding noise.
    """
    topic = plan.topic if plan is not None else text
    lex_text = topic
    names = None
    if plan is not None and plan.names and ctx is not None:
        names = rerank.name_scores(len(mask), [ctx.names[k] for k in plan.names])
        lex_text = " ".join(w for w in topic.split() if name_key(w.strip("?,.!;:")) not in plan.names) or topic
    if plan is not None:  # "papers from ... about", "explain": words that ask are not what a query is about
        lex_text = " ".join(w for w in lex_text.split() if w.lower().strip("?,.!;:") not in ASKED) or lex_text
    lex = np.where(mask, data.lexical.scores(lex_text), 0.0).astype(np.float32)
    qvec = None
    dense = np.where(mask, 0.0, -np.inf).astype(np.float32)
    best_row = np.full(len(mask), -1, dtype=np.int64)
    if mode != "lexical":
        qvec = embed(topic)
        dense, best_row = dense_scores(data, qvec, mask)
    finite = dense[np.isfinite(dense)]
    best_cosine = float(finite.max()) if qvec is not None and finite.size else 0.0
    listed = plan is not None and plan.order is not None and plan.order.over == "list"  # "the oldest paper"
    sure = (names is not None and bool(names.any())) or (plan is not None and plan.only_time) or listed
    if mode == "dense":
        fused = dense.astype(np.float64)
    elif mode == "lexical":
        fused = np.where(mask, lex, -np.inf).astype(np.float64)
    elif plan is None:
        fused = fusion.hybrid(dense.astype(np.float64), lex.astype(np.float64))
    else:
        w_dense = min(1.0, best_cosine / rerank.DENSE_FLOOR) ** 2
        fused = fusion.weighted(dense.astype(np.float64), lex.astype(np.float64), w_dense, fusion.LEX_WEIGHT)
    concepts = None
    if plan is not None and ctx is not None:
        matched = concept_matches(topic, ctx)
        if matched:
            concepts = np.zeros(len(mask), dtype=np.float64)
            for row, (_, share) in matched.items():
                concepts[row] = share
    return Scored(mask, fused, dense, lex, qvec, best_row, names, concepts, best_cosine, sure)
