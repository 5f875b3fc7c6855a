"""Fit the "nothing matches" model on the dev queries' tune half; report it on both halves.

Usage: python scripts/calibrate_no_match.py [--index DIR] [--queries FILE]

For every query: the best cosine of any passage and the share of the query's words the corpus
has (``Scored.features``). (A third feature, the best BM25 score per query word, changed no
decision on either half and took a negative weight: left out.) A logistic regression
(plain Newton steps, a small ridge) separates queries with relevant papers from out-of-scope
ones; queries that name a person or a time of the list are always in scope and left out. The
printed weights are what ``src/papersearch/query/rerank.py`` ships as NO_MATCH_WEIGHTS/BIAS.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from papersearch.query.evaluate import HALVES, load_queries
from papersearch.query.searcher import Searcher

RIDGE = 0.01
IN_SCOPE_MISS = 0.02  # the threshold keeps at most this share of in-scope queries flagged, on the tune half


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", default="index")
    ap.add_argument("--queries", default="tests/data/queries.jsonl")
    args = ap.parse_args()
    s = Searcher.load(Path(args.index))
    rows = []
    for q in load_queries(Path(args.queries)):
        _, _, scored = s.scores(s.request(q.query))
        if not scored.sure:
            rows.append((q.half, q.in_scope, scored.features))
    x = {h: np.array([f for half, _, f in rows if half == h]) for h in HALVES}
    y = {h: np.array([float(ok) for half, ok, _ in rows if half == h]) for h in HALVES}
    w = fit(x["tune"], y["tune"])
    z_in = np.hstack([x["tune"][y["tune"] == 1], np.ones(((y["tune"] == 1).sum(), 1))]) @ w
    # shift the bias so that at most IN_SCOPE_MISS of the tune half's in-scope queries fall below 0.5
    bias = w[-1] - min(0.0, float(np.quantile(z_in, IN_SCOPE_MISS)))
    print(f"NO_MATCH_WEIGHTS = ({', '.join(f'{v:.2f}' for v in w[:-1])})")
    print(f"NO_MATCH_BIAS = {bias:.2f}")
    for h in HALVES:
        z = x[h] @ w[:-1] + bias
        flagged = z < 0
        inside, outside = y[h] == 1, y[h] == 0
        print(
            f"{h:<9} in-scope flagged {flagged[inside].mean():.3f} ({int(flagged[inside].sum())}/{int(inside.sum())}), "
            f"out-of-scope flagged {flagged[outside].mean():.3f} ({int(flagged[outside].sum())}/{int(outside.sum())})"
        )


if __name__ == "__main__":
    main()
