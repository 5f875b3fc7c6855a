"""Fit the "nothing matches" model on the dev queries' tune half; report it on both halves.

Usage: python scripts/calibrate_no_match.py [--index DIR] [--queries FILE ...] [--halves tune] [--folds]

``--folds`` checks the model by cross-validation inside the tune half: fitted on the queries whose number is 1
mod 4, reported on those 3 mod 4, and the other way round; the held-out half is left alone.

For every query that does not name a person, a time or the list's own order (those are always in
scope): the evidence ``query/scope.py`` weighs (``Scored.evidence``): the best cosine of any passage,
the cosine with the list's mean passage, the topic weight of the heaviest word the list does not
hold, and how rare in everyday English the rarest word it holds is. A logistic regression (plain
Newton steps, a small ridge) separates queries with relevant papers from out-of-scope ones; its
bias is then moved so that no in-scope query of the tune half is flagged (``MARGIN``: a bootstrap over
the tune half found that a margin beyond the lowest in-scope query flags as many unseen in-scope
queries, about 1.4 in 100, and passes more out-of-scope ones). Words only (lexical mode) is fitted the same way on one input, the share of the query's topic
weight in words the list holds (adding the heaviest word it lacks and the rarest it has caught fewer
out-of-scope tune queries once the bias keeps in-scope ones). The printed constants are what ``src/papersearch/query/scope.py`` ships.

``--sense`` prints instead where ``scope.SENSE_APART`` comes from: three standard deviations under the mean sense of
the in-scope tune queries the check reads (``Evidence.sense``), by fold and together.

Each line also counts the queries flagged with the foreign-topic rule beside the model (``Evidence.foreign_topic``
at or above ``FOREIGN_TOPIC_AT``: everyday English the list lacks carries the topic), as the search decides;
``--rule-at`` reports it at other thresholds.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

from papersearch.query import scope
from papersearch.query.evaluate import HALVES, load_queries
from papersearch.query.searcher import Searcher

RIDGE = 0.01
MARGIN = 0.0  # the bias leaves every in-scope tune query at least this far (in log-odds) on the in-scope side
WORDS_MISS = 0.05  # words only: the bias lets this share of in-scope tune queries fall below (some share no word)
QUERIES = ("tests/data/queries.jsonl", "tests/data/queries_blind.jsonl")


def fit(x: np.ndarray, y: np.ndarray, steps: int = 50) -> np.ndarray:
    """Logistic regression weights (bias last) by Newton's method with a small ridge."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + RIDGE * w
        hess = (xb.T * (p * (1 - p))) @ xb + RIDGE * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def calibrated(x: np.ndarray, y: np.ndarray, miss: float, margin: float) -> tuple[np.ndarray, float]:
    """Weights fitted on (x, y), and the bias moved so that at most ``miss`` of the in-scope rows fall below
    ``margin``."""
    w = fit(x, y)
    z_in = np.sort(x[y == 1] @ w[:-1] + w[-1])
    return w[:-1], w[-1] - min(0.0, float(z_in[int(miss * len(z_in))]) - margin)


Row = tuple[str, bool, tuple[float, ...], float]  # half (or fold), in scope, the model's inputs, foreign topic


def features(s: Searcher, paths: list[str], mode: str) -> list[Row]:
    """(half, in scope, features, foreign topic) of every query the search is not sure of, in ``mode``; with
    ``--folds``, the tune half's fold ("fold 1", "fold 3") in place of the half."""
    known = {r["id"] for r in s.papers()}
    rows = []
    for path in paths:
        for q in load_queries(Path(path), known):
            _, _, scored = s.scores(s.request(q.query, mode=mode))
            if not scored.sure and scored.evidence is not None:
                e = scored.evidence
                inputs = e.features() if mode != "lexical" else (e.held,)
                rows.append((_part(q.id, q.half), q.in_scope, inputs, e.foreign_topic()))
    return rows


FOLDS: list[str] = []  # set by --folds: the tune half's two parts, by query number mod 4


def _part(qid: str, half: str) -> str:
    """The query's half, or with ``--folds`` its fold of the tune half."""
    if not FOLDS or half != "tune":
        return half
    return f"fold {int(''.join(ch for ch in qid if ch.isdigit())) % 4}"


def report(
    name: str,
    rows: list[Row],
    halves: tuple[str, ...],
    miss: float,
    margin: float,
    fit_on: str = "tune",
) -> None:
    """Fit on ``fit_on`` (the tune half, or one fold of it); print the constants and how many queries each of
    ``halves`` flags, by the model alone and with the foreign-topic rule beside it."""
    parts = {half for half, _, _, _ in rows}
    x = {h: np.array([f for half, _, f, _ in rows if half == h]) for h in parts}
    y = {h: np.array([float(ok) for half, ok, _, _ in rows if half == h]) for h in parts}
    foreign = {h: np.array([t for half, _, _, t in rows if half == h]) for h in parts}
    w, bias = calibrated(x[fit_on], y[fit_on], miss, margin)
    w, bias = np.round(w, 2), math.ceil(bias * 100) / 100  # as shipped: rounded, the bias toward in scope
    print(f"{name}, fitted on {fit_on}: weights ({', '.join(f'{v:.2f}' for v in w)}), bias {bias:.2f}")
    for h in halves:
        model = x[h] @ w + bias < 0
        for label, flagged in (("model", model), ("+ rule", model | (foreign[h] >= RULE_AT[0]))):
            inside, outside = y[h] == 1, y[h] == 0
            print(
                f"  {h:<9} {label:<7} in-scope flagged {flagged[inside].mean():.3f} "
                f"({int(flagged[inside].sum())}/{int(inside.sum())}), out-of-scope flagged "
                f"{flagged[outside].mean():.3f} ({int(flagged[outside].sum())}/{int(outside.sum())})"
            )


RULE_AT = [scope.FOREIGN_TOPIC_AT]  # set by --rule-at


def sense_line(s: Searcher, paths: list[str]) -> None:
    """Print where ``scope.SENSE_APART`` comes from: the sense (``Evidence.sense``) of the tune half's in-scope
    queries the check reads, by fold and together, with three standard deviations under its mean."""
    known = {r["id"] for r in s.papers()}
    read: dict[str, list[float]] = {"fold 1": [], "fold 3": []}
    for path in paths:
        for q in load_queries(Path(path), known):
            if q.half != "tune" or not q.in_scope:
                continue
            _, _, scored = s.scores(s.request(q.query))
            if not scored.sure and scored.evidence is not None and scored.evidence.sense != 0.0:
                read[f"fold {int(''.join(ch for ch in q.id if ch.isdigit())) % 4}"].append(scored.evidence.sense)
    for name, values in (*read.items(), ("tune", read["fold 1"] + read["fold 3"])):
        v = np.array(values)
        print(
            f"sense, {name}: {len(v)} read, mean {v.mean():.3f}, sd {v.std(ddof=1):.3f}, "
            f"mean - 3 sd {v.mean() - 3 * v.std(ddof=1):.3f}, furthest {v.min():.3f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", default="index")
    ap.add_argument("--queries", nargs="+", default=list(QUERIES))
    ap.add_argument("--halves", nargs="+", default=list(HALVES), choices=HALVES, help="the halves to report")
    ap.add_argument("--folds", action="store_true", help="cross-validate inside the tune half instead")
    ap.add_argument("--rule-at", type=float, default=scope.FOREIGN_TOPIC_AT, help="the foreign-topic rule's threshold")
    ap.add_argument("--sense", action="store_true", help="where the sense check's line comes from, instead")
    args = ap.parse_args()
    RULE_AT[0] = args.rule_at
    s = Searcher.load(Path(args.index))
    if args.sense:
        sense_line(s, args.queries)
        return
    halves = tuple(args.halves)
    if args.folds:
        FOLDS.append("on")
        for name, mode, miss in (("hybrid", "hybrid", 0.0), ("words only", "lexical", WORDS_MISS)):
            rows = features(s, args.queries, mode)
            for fit_on, other in (("fold 1", "fold 3"), ("fold 3", "fold 1")):
                report(name, rows, (other,), miss, MARGIN if mode == "hybrid" else 0.0, fit_on)
        return
    report("hybrid (cosine, field, foreign, jargon)", features(s, args.queries, "hybrid"), halves, 0.0, MARGIN)
    report("words only (held)", features(s, args.queries, "lexical"), halves, WORDS_MISS, 0.0)


if __name__ == "__main__":
    main()
