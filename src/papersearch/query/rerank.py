"""How a query plan moves the fused scores: names, a time window, origin and history intents.

Pure functions of aligned per-paper arrays (``-inf`` where a hard filter removed a paper). The
weights are in units of the fused score (a sum of z-scores) and were chosen on one half of the
dev queries; docs/ranking.md has the figures for both halves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .plan import QueryPlan

NAME_BOOST = 4.0  # a paper by (or citing) a person the query names rises above papers that merely match words
CONCEPT_BOOST = 0.5  # a paper one of whose key concepts the query names
CONCEPT_BOOST_ORIGIN = 1.0  # the same, when the query asks who introduced something
TIME_BOOST = 2.5  # a paper inside the asked-for time rises above those outside; relevance orders within
TIME_HALF_LIFE = 1.0  # years outside the window over which that boost halves
ORIGIN_CANDIDATES = 6  # an origin question prefers the earliest of this many best papers...
ORIGIN_MARGIN = 1.5  # ...that score within this much of the best
ORIGIN_BOOST = 1.0
ORIGIN_SOURCES = 5  # ...and the entries that its best this many papers cite...
ORIGIN_SOURCE_BOOST = 1.0  # ...rise this much for each of them that cites it: where the topic came from
HISTORY_SPREAD = 0.3  # a history question: each pick costs the papers of its year this much...
HISTORY_YEARS = 3.0  # ...and those n years away exp(-n / HISTORY_YEARS) of it
DENSE_FLOOR = 0.3  # below this best cosine nothing is close in meaning: the dense side is noise


def apply(
    fused: np.ndarray,
    plan: QueryPlan,
    years: np.ndarray,
    degree: np.ndarray,
    names: np.ndarray | None,
    concepts: np.ndarray | None,
) -> np.ndarray:
    """The fused scores moved by what the plan read: names and concepts, then the time, then the intent."""
    out = fused.astype(np.float64)
    if names is not None:
        out = np.where(np.isfinite(out), out + NAME_BOOST * names, out)
    if concepts is not None:
        boost = CONCEPT_BOOST_ORIGIN if plan.intent == "origin" else CONCEPT_BOOST
        out = np.where(np.isfinite(out), out + boost * concepts, out)
    w = plan.window
    if w is not None:
        out = (
            only_time(out, years, w.start, w.end, degree) if plan.only_time else time_prior(out, years, w.start, w.end)
        )
    if plan.intent == "origin" and not plan.only_time:
        out = origin_prior(out, years)
        out = cited_sources(out, plan.builds_on)
    return out


def name_scores(n: int, names: list[dict[int, float]]) -> np.ndarray:
    """Per paper: how strongly it belongs to the named people (mean over the names, each 0-1)."""
    out = np.zeros(n, dtype=np.float64)
    for rows in names:
        for row, weight in rows.items():
            out[row] += weight / len(names)
    return out


def time_prior(fused: np.ndarray, years: np.ndarray, start: int, end: int) -> np.ndarray:
    """Papers inside ``start``-``end`` rank above the rest, relevance still ordering within each side.

    Papers just outside get a share that halves every ``TIME_HALF_LIFE`` years, so a window with
    no paper in it (the first AI winter) still prefers the papers nearest to it.
    """
    distance = np.maximum(start - years, years - end).clip(min=0).astype(np.float64)
    prior = (
        TIME_BOOST * np.power(0.5, distance / TIME_HALF_LIFE) if TIME_HALF_LIFE > 0 else TIME_BOOST * (distance == 0)
    )
    return np.where(np.isfinite(fused), fused + prior, fused)


def only_time(fused: np.ndarray, years: np.ndarray, start: int, end: int, degree: np.ndarray) -> np.ndarray:
    """A query that is only a time: the papers of that time, the most central in the graph first."""
    inside = (years >= start) & (years <= end)
    distance = np.maximum(start - years, years - end).clip(min=0)
    centrality = degree / (degree.max() or 1)
    score = np.where(inside, 1.0 + centrality, 1.0 / (1.0 + distance))
    return np.where(np.isfinite(fused), score, fused)


def origin_prior(fused: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Of the best few papers (those close to the best), the earliest rises: who did it first."""
    ok = np.flatnonzero(np.isfinite(fused))
    if len(ok) == 0:
        return fused
    top = ok[np.argsort(-fused[ok], kind="stable")[:ORIGIN_CANDIDATES]]
    close = top[fused[top] >= fused[top[0]] - ORIGIN_MARGIN]
    if len(close) < 2:
        return fused
    span = float(years[close].max() - years[close].min()) or 1.0
    out = fused.copy()
    out[close] += ORIGIN_BOOST * (years[close].max() - years[close]) / span
    return out


def cited_sources(fused: np.ndarray, builds_on: Sequence[Iterable[int]]) -> np.ndarray:
    """The earlier entries that the best few papers cite rise, one step for each that cites them.

    "How were deep nets first trained?" finds the denoising autoencoders of 2010, which cite the deep
    belief networks of 2005 that they set out to simplify: where a topic came from is what its
    papers build on.
    """
    ok = np.flatnonzero(np.isfinite(fused))
    if len(ok) == 0 or not builds_on:
        return fused
    top = ok[np.argsort(-fused[ok], kind="stable")[:ORIGIN_SOURCES]]
    credit = np.zeros(len(fused), dtype=np.float64)
    for row in top:
        for source in builds_on[row]:
            credit[source] += 1.0
    return np.where(np.isfinite(fused), fused + ORIGIN_SOURCE_BOOST * credit, fused)


def spread_over_time(fused: np.ndarray, years: np.ndarray, k: int) -> list[int]:
    """The top ``k`` rows, chosen one at a time; each pick costs the papers near it in time a little.

    A history question then covers the years instead of piling up one stretch of them; the cost
    fades with the distance in years (``HISTORY_YEARS``), so neighbours of a pick are hit most.
    """
    ok = np.isfinite(fused)
    taken: list[int] = []
    penalty = np.zeros(len(fused), dtype=np.float64)
    for _ in range(min(k, int(ok.sum()))):
        adjusted = np.where(ok, fused - penalty, -np.inf)
        adjusted[taken] = -np.inf
        best = int(np.argmax(adjusted))
        taken.append(best)
        penalty += HISTORY_SPREAD * np.exp(-np.abs(years - years[best]) / HISTORY_YEARS)
    return taken
