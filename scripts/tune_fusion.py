"""Compare fusion strategies on the dev queries (the record behind docs/ranking.md).

Usage: python scripts/tune_fusion.py [--index DIR] [--queries FILE]

Scores every query once (dense view similarities and BM25), then evaluates each strategy with
ranx nDCG@10, also on two halves of the queries (odd/even ids) to show a choice is not one half's luck.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np

from papersearch import fusion
from papersearch.evaluate import load_queries
from papersearch.search import Searcher

warnings.filterwarnings("ignore")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", default="index")
    ap.add_argument("--queries", default="tests/data/queries.jsonl")
    ap.add_argument("--no-spelling", action="store_true", help="score the queries as typed")
    args = ap.parse_args()
    from ranx import Qrels, Run, evaluate

    s = Searcher.load(Path(args.index))
    qs = load_queries(Path(args.queries))
    n = len(s.data.records)
    ids = [r["id"] for r in s.data.records]
    kinds = np.array([v[1] for v in s.data.views])
    cache = []
    for q in qs:
        text = s._speller.correct(q.query) if not args.no_spelling else q.query
        qv = s.embed_query(text)
        sims = s.data.matrix @ qv
        lex = s.data.lexical.scores(text).astype(np.float64)
        per_paper = [sims[rows] for rows in s.data.paper_rows]
        kind_rows = [kinds[rows] for rows in s.data.paper_rows]
        cache.append((per_paper, kind_rows, lex))

    def dense_of(per_paper, kind_rows, how):  # type: ignore[no-untyped-def]
        out = np.zeros(n)
        for i, (v, k) in enumerate(zip(per_paper, kind_rows, strict=True)):
            srt = np.sort(v)[::-1]
            if how == "max":
                out[i] = srt[0]
            elif how == "max+top2":
                out[i] = 0.7 * srt[0] + 0.3 * srt[: min(2, len(srt))].mean()
            elif how == "max+mean":
                out[i] = 0.8 * srt[0] + 0.2 * v.mean()
            elif how == "passage-max":
                out[i] = v[k == "passage"].max()
        return out

    def score(strategy) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
        run = {}
        for q, (pp, kr, lex) in zip(qs, cache, strict=True):
            fused = strategy(pp, kr, lex)
            order = np.argsort(-fused)[:10]
            run[q.id] = {ids[i]: float(10 - r) for r, i in enumerate(order)}
        qrels = {q.id: q.relevant for q in qs}
        halves = []
        for part in (0, 1):
            sel = [q.id for j, q in enumerate(qs) if j % 2 == part]
            halves.append(evaluate(Qrels({k: qrels[k] for k in sel}), Run({k: run[k] for k in sel}), "ndcg@10"))
        return float(evaluate(Qrels(qrels), Run(run), "ndcg@10")), float(halves[0]), float(halves[1])

    rows = []
    rows.append(("lexical (BM25)", score(lambda pp, kr, lex: lex)))
    for how in ("max", "max+top2", "max+mean", "passage-max"):
        rows.append((f"dense {how}", score(lambda pp, kr, lex, how=how: dense_of(pp, kr, how))))
    for how in ("max", "max+top2"):
        for alpha in (0.5, 0.6, 0.7, 0.8, 0.9):
            rows.append(
                (
                    f"convex a={alpha} dense={how}",
                    score(lambda pp, kr, lex, a=alpha, how=how: fusion.convex(dense_of(pp, kr, how), lex, a)),
                )
            )
        for k in (10, 30, 60):
            rows.append(
                (
                    f"rrf k={k} dense={how}",
                    score(lambda pp, kr, lex, k=k, how=how: fusion.rrf(dense_of(pp, kr, how), lex, k)),
                )
            )
    for how in ("max", "max+top2"):
        for w in (0.1, 0.2, 0.3, 0.4, 0.5, 0.7):
            rows.append(
                (
                    f"zscore w_lex={w} dense={how}",
                    score(lambda pp, kr, lex, w=w, how=how: fusion.zscore(dense_of(pp, kr, how), lex, w)),
                )
            )
    adj = Searcher._build_adjacency(s)
    for w in (0.02, 0.05, 0.1):
        rows.append(
            (
                f"zscore w_lex=0.3 + graph boost w={w}",
                score(
                    lambda pp, kr, lex, w=w: fusion.graph_boost(
                        fusion.zscore(dense_of(pp, kr, "max+top2"), lex, 0.3), adj, weight=w
                    )
                ),
            )
        )
    for alpha in (0.7, 0.8):
        for w in (0.02, 0.05, 0.1):
            rows.append(
                (
                    f"convex a={alpha} + graph boost w={w}",
                    score(
                        lambda pp, kr, lex, a=alpha, w=w: fusion.graph_boost(
                            fusion.convex(dense_of(pp, kr, "max"), lex, a), adj, weight=w
                        )
                    ),
                )
            )
    print(f"{len(qs)} queries; nDCG@10 (all / odd half / even half)")
    for name, (a, h0, h1) in rows:
        print(f"{name:<44} {a:.4f}  {h0:.4f}  {h1:.4f}")


if __name__ == "__main__":
    main()
