"""A history question's missing steps: the papers tied to its best few, by citation or by meaning.

One query vector of "how did we get from word vectors to chatbots" finds the ends and the papers that speak
of both, not the milestones between them: the Transformer says neither "word vectors" nor "chatbots". Those
steps are tied to the papers the question does find: GPT-2 cites the Transformer, the denoising autoencoders
cite the deep belief networks, and a step lies near its neighbours in meaning. So for a history question each
candidate rises by how strongly it is tied to the head of the ranking, its best ``HEAD`` papers:

- by the graph: a citation 1, a mention 0.5 (``ordering.TIE``, as "what came before X" weighs them), summed
  over the head, so a paper cited by two of them, one on the path between them, rises most;
- by meaning: how much nearer the head its paper vector is (the mean cosine with the head's, ``centroids``)
  than the average of the best ``POOL`` papers, in standard deviations, only upwards: a milestone of
  another kind (AlexNet among language models, in a question about scaling up) does not fall for being unlike
  the rest.

The lift is counted in standard deviations of the question's best scores, so it means the same in every mode
(a sum of z-scores, or dense cosines alone). The head's own papers are lifted by each other alike, so papers that
agree with one another stay on top. Pure: a function of the fused scores, the plan and the index's columns.
Measured: docs/ranking.md (seventh pass).
"""

from __future__ import annotations

import numpy as np

from ..index.columns import Columns, Lists
from .ordering import edge_weights, strongest
from .plan import QueryPlan

HEAD = 5  # the best this many papers are the steps the question's words found (as an origin question's sources)
LINK_BOOST = 1.0  # a paper cited by one of them rises this many standard deviations of the scores, a mention half
MEANING_BOOST = 0.5  # ...and this many per standard deviation it is nearer the head in meaning than the average
POOL = 64  # only the best this many papers are lifted, and their scores' spread is the unit: the same papers and
# the same unit whether the candidates are a few hundred (a large list) or every paper (a full scan, a small list)


def linked(fused: np.ndarray, plan: QueryPlan | None, columns: Columns, rows: np.ndarray, meaning: bool) -> np.ndarray:
    """``fused`` (aligned with the sorted candidate paper ``rows``) with a history question's papers lifted by their
    ties to its head (with ``meaning``: by meaning too; words-only search has no vectors); any other question's
    scores as they are."""
    if plan is None or plan.intent != "history" or plan.only_time or plan.order is not None:
        return fused
    ok = np.flatnonzero(np.isfinite(fused))
    if len(ok) < 2:
        return fused
    best = ok[np.argsort(-fused[ok], kind="stable")[:POOL]]  # positions among the candidates, best first
    head, pool = best[:HEAD], np.sort(best)
    lift = np.zeros(len(rows), dtype=np.float64)
    lift[pool] = LINK_BOOST * cited(columns, rows, head)[pool]
    if meaning:
        lift += MEANING_BOOST * nearer(columns.arrays["centroids"], rows, head, pool)
    return np.where(np.isfinite(fused), fused + lift * float(fused[best].std()), fused)  # in the pool's own spread


def cited(columns: Columns, rows: np.ndarray, head: np.ndarray) -> np.ndarray:
    """Per candidate: its graph ties to the ``head`` papers (positions among ``rows``), summed over them."""
    credit = np.zeros(len(rows), dtype=np.float64)
    for at in head:
        papers, weights = ties(columns, int(rows[at]))
        if not len(papers):
            continue
        where = np.minimum(np.searchsorted(rows, papers), len(rows) - 1)
        held = rows[where] == papers
        credit[where[held]] += weights[held]
    return credit


def ties(columns: Columns, row: int) -> tuple[np.ndarray, np.ndarray]:
    """The papers one edge ties to paper ``row``, earlier or later (sorted, each once), and each one's strongest
    edge's weight: numpy over the edge columns, so a hub's hundred thousand edges cost no Python loop."""
    others, weights = [], []
    for side in ("earlier", "later"):
        start = columns.arrays[f"{side}_start"]
        others.append(np.asarray(Lists(start, columns.arrays[side])[row], dtype=np.int64))
        weights.append(edge_weights(Lists(start, columns.arrays[f"{side}_kind"])[row]))
    other, weight = np.concatenate(others), np.concatenate(weights)
    keep = other != row
    return strongest(other[keep], weight[keep])


def nearer(vectors: np.ndarray, rows: np.ndarray, head: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Per candidate: how much nearer in meaning to the ``head`` papers it is than the ``ok`` candidates' average
    (its mean cosine with theirs, its own left out, in standard deviations), 0 when it is not nearer or not of
    ``ok`` (sorted positions, the head among them: only their vectors are read)."""
    own = np.asarray(vectors[rows[ok]], dtype=np.float64)
    cosines = own @ own[np.searchsorted(ok, head)].T
    cosines[np.searchsorted(ok, head), np.arange(len(head))] = np.nan  # a head paper is not tied to itself
    mean = np.nanmean(cosines, axis=1) if len(head) > 1 else np.nan_to_num(cosines[:, 0])
    mean = np.nan_to_num(mean)
    spread = float(mean.std()) or 1.0
    out = np.zeros(len(rows), dtype=np.float64)
    out[ok] = np.maximum((mean - float(mean.mean())) / spread, 0.0)
    return out
