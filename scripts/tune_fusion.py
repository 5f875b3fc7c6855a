"""Compare fusion strategies on the dev queries (the record behind docs/ranking.md).

Usage: python scripts/tune_fusion.py [--index DIR] [--queries FILE]

Scores every query once (dense passage similarities and BM25), then evaluates each strategy with
ranx nDCG@10, also on two halves of the queries (odd/even ids) to show a choice is not one half's luck.
Uses only the searcher's public face (``correct``, ``embed_query``, ``data``, ``papers``, ``graph``)
and the pure functions of ``papersearch.query.fusion``.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from papersearch.query import fusion
from papersearch.query.evaluate import load_queries
from papersearch.query.searcher import Searcher

warnings.filterwarnings("ignore")


@dataclass(frozen=True)
class Scored:
    """One query's scores per paper: its best, second-best and mean passage similarity, best summary sentence, BM25."""

    best: np.ndarray
    second: np.ndarray  # the best again for a paper with one passage
    mean: np.ndarray
    passage_max: np.ndarray  # best among the summary's sentences only
    lex: np.ndarray

    def dense(self, how: str) -> np.ndarray:
        """A paper's dense score, aggregated from its passages' similarities as ``how`` says."""
        if how == "max":
            return self.best.astype(np.float64)
        if how == "max+top2":  # what ships: 0.85 x best + 0.15 x second (= 0.7 x max + 0.3 x mean of the top two)
            return fusion.best_two(self.best, self.second).astype(np.float64)
        if how == "max+mean":
            return (0.8 * self.best + 0.2 * self.mean).astype(np.float64)
        if how == "passage-max":
            return self.passage_max.astype(np.float64)
        raise ValueError(how)


def score_query(searcher: Searcher, text: str, kinds: np.ndarray) -> Scored:
    data = searcher.data
    sims = data.matrix @ searcher.embed_query(text)
    tops = [np.sort(sims[rows])[::-1] for rows in data.paper_rows]
    return Scored(
        best=np.array([t[0] for t in tops], dtype=np.float32),
        second=np.array([t[min(1, len(t) - 1)] for t in tops], dtype=np.float32),
        mean=np.array([sims[rows].mean() for rows in data.paper_rows], dtype=np.float32),
        passage_max=np.array([sims[rows][kinds[rows] == "summary"].max() for rows in data.paper_rows]),
        lex=data.lexical.scores(text).astype(np.float64),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", default="index")
    ap.add_argument("--queries", default="tests/data/queries.jsonl")
    ap.add_argument("--no-spelling", action="store_true", help="score the queries as typed")
    args = ap.parse_args()
    from ranx import Qrels, Run, evaluate

    s = Searcher.load(Path(args.index))
    qs = load_queries(Path(args.queries))
    ids = [r["id"] for r in s.papers()]
    kinds = np.array([p[1] for p in s.data.passages])  # passage rows: [paper id, kind, text]
    cache = [score_query(s, q.query if args.no_spelling else s.correct(q.query), kinds) for q in qs]

    def score(strategy: Callable[..., np.ndarray]) -> tuple[float, float, float]:  # (Scored) -> fused scores
        run = {}
        for q, scored in zip(qs, cache, strict=True):
            fused = strategy(scored)
            order = np.argsort(-fused)[:10]
            run[q.id] = {ids[i]: float(10 - r) for r, i in enumerate(order)}
        qrels = {q.id: q.relevant for q in qs}
        halves = []
        for part in (0, 1):
            sel = [q.id for j, q in enumerate(qs) if j % 2 == part]
            halves.append(evaluate(Qrels({k: qrels[k] for k in sel}), Run({k: run[k] for k in sel}), "ndcg@10"))
        return float(evaluate(Qrels(qrels), Run(run), "ndcg@10")), float(halves[0]), float(halves[1])

    rows = []
    rows.append(("lexical (BM25)", score(lambda sc: sc.lex)))
    for how in ("max", "max+top2", "max+mean", "passage-max"):
        rows.append((f"dense {how}", score(lambda sc, how=how: sc.dense(how))))
    for how in ("max", "max+top2"):
        for alpha in (0.5, 0.6, 0.7, 0.8, 0.9):
            rows.append(
                (
                    f"convex a={alpha} dense={how}",
                    score(lambda sc, a=alpha, how=how: fusion.convex(sc.dense(how), sc.lex, a)),
                )
            )
        for k in (10, 30, 60):
            rows.append(
                (f"rrf k={k} dense={how}", score(lambda sc, k=k, how=how: fusion.rrf(sc.dense(how), sc.lex, k)))
            )
    for how in ("max", "max+top2"):
        for w in (0.1, 0.2, 0.3, 0.4, 0.5, 0.7):
            rows.append(
                (
                    f"zscore w_lex={w} dense={how}",
                    score(lambda sc, w=w, how=how: fusion.zscore(sc.dense(how), sc.lex, w)),
                )
            )
    adj = fusion.citation_adjacency(s.papers(), s.graph())
    for w in (0.02, 0.05, 0.1):
        rows.append(
            (
                f"zscore w_lex=0.3 + graph boost w={w}",
                score(
                    lambda sc, w=w: fusion.graph_boost(fusion.zscore(sc.dense("max+top2"), sc.lex, 0.3), adj, weight=w)
                ),
            )
        )
    for alpha in (0.7, 0.8):
        for w in (0.02, 0.05, 0.1):
            rows.append(
                (
                    f"convex a={alpha} + graph boost w={w}",
                    score(
                        lambda sc, a=alpha, w=w: fusion.graph_boost(
                            fusion.convex(sc.dense("max"), sc.lex, a), adj, weight=w
                        )
                    ),
                )
            )
    print(f"{len(qs)} queries; nDCG@10 (all / odd half / even half)")
    for name, (a, h0, h1) in rows:
        print(f"{name:<44} {a:.4f}  {h0:.4f}  {h1:.4f}")


if __name__ == "__main__":
    main()
