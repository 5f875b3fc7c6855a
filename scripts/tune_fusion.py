"""Compare fusion strategies on the dev queries (the record behind docs/ranking.md).

Usage: python scripts/tune_fusion.py [--index DIR] [--queries FILE]

Scores every query once (dense passage similarities and BM25), then evaluates each strategy with
nDCG@10 (query/metrics.py), also on two halves of the queries (odd/even ids) to show a choice is not one half's luck.
Uses only the searcher's public face (``correct``, ``embed_query``, ``data``, ``papers``, ``graph``)
and the pure functions of ``papersearch.query.fusion`` (what ships); the alternatives it measured and
did not ship (reciprocal rank fusion, a convex mix, a citation-graph boost) are defined here.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from papersearch.core.records import GraphRecord, PaperRecord
from papersearch.query import fusion
from papersearch.query.evaluate import load_queries
from papersearch.query.metrics import Judged, mean_metrics
from papersearch.query.searcher import Searcher

warnings.filterwarnings("ignore")

NEG = fusion.NEG


# ---------------------------------------------------------------- fusions measured and not shipped


def citation_adjacency(records: Sequence[PaperRecord], graph: GraphRecord) -> list[list[int]]:
    """For each paper row, the rows tied to it by a ``cites`` edge (either way): ``graph_boost``'s input."""
    row = {r["id"]: i for i, r in enumerate(records)}
    adj: list[list[int]] = [[] for _ in records]
    for e in graph["edges"]:
        a, b = row.get(e["source"]), row.get(e["target"])
        if a is not None and b is not None and e["kind"] == "cites":
            adj[a].append(b)
            adj[b].append(a)
    return adj


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1 for the highest score, 2 for the next, ...; ties in row order."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def rrf(
    dense: np.ndarray, lexical: np.ndarray, k: float = 60.0, w_dense: float = 1.0, w_lex: float = 1.0
) -> np.ndarray:
    """Reciprocal rank fusion; a paper with zero BM25 score gets no lexical contribution."""
    out = w_dense / (k + _ranks(dense))
    lex = w_lex / (k + _ranks(lexical))
    out = out + np.where(lexical > 0, lex, 0.0)
    return np.where(np.isfinite(dense), out, NEG)


def convex(dense: np.ndarray, lexical: np.ndarray, alpha: float = 0.7) -> np.ndarray:
    """``alpha`` × dense cosine + (1 − alpha) × BM25 scaled to [0, 1] by the best match of this query."""
    ok = np.isfinite(dense)
    lex = np.where(ok, lexical, 0.0)
    top = float(lex.max()) if lex.size else 0.0
    lex_n = lex / top if top > 0 else lex
    return np.where(ok, alpha * dense + (1 - alpha) * lex_n, NEG)


def graph_boost(scores: np.ndarray, adjacency: list[list[int]], top: int = 5, weight: float = 0.05) -> np.ndarray:
    """Raise papers tied by an edge to the current top hits, in proportion to those hits' scores."""
    ok = np.isfinite(scores)
    if not ok.any():
        return scores
    order = [i for i in np.argsort(-np.where(ok, scores, NEG))[:top] if ok[i]]
    base = np.where(ok, scores, 0.0)
    span = float(base[order[0]] - base[ok].min()) or 1.0
    boost = np.zeros_like(base)
    for i in order:
        for j in adjacency[i]:
            boost[j] += weight * (base[i] - base[ok].min()) / span
    return np.where(ok, scores + boost, NEG)


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


Strategy = Callable[[Scored], np.ndarray]  # one query's scores -> a fused score per paper


def strategies(adj: list[list[int]]) -> list[tuple[str, Strategy]]:
    """Every strategy compared, named as docs/ranking.md's table names it, in its order."""
    out: list[tuple[str, Strategy]] = [("lexical (BM25)", lambda sc: sc.lex)]
    for how in ("max", "max+top2", "max+mean", "passage-max"):
        out.append((f"dense {how}", lambda sc, how=how: sc.dense(how)))
    for how in ("max", "max+top2"):
        for alpha in (0.5, 0.6, 0.7, 0.8, 0.9):
            out.append((f"convex a={alpha} dense={how}", lambda sc, a=alpha, how=how: convex(sc.dense(how), sc.lex, a)))
        for k in (10, 30, 60):
            out.append((f"rrf k={k} dense={how}", lambda sc, k=k, how=how: rrf(sc.dense(how), sc.lex, k)))
    for how in ("max", "max+top2"):
        for w in (0.1, 0.2, 0.3, 0.4, 0.5, 0.7):
            out.append(
                (f"zscore w_lex={w} dense={how}", lambda sc, w=w, how=how: fusion.zscore(sc.dense(how), sc.lex, w))
            )
    for w in (0.02, 0.05, 0.1):
        out.append(
            (
                f"zscore w_lex=0.3 + graph boost w={w}",
                lambda sc, w=w: graph_boost(fusion.zscore(sc.dense("max+top2"), sc.lex, 0.3), adj, weight=w),
            )
        )
    for alpha in (0.7, 0.8):
        for w in (0.02, 0.05, 0.1):
            out.append(
                (
                    f"convex a={alpha} + graph boost w={w}",
                    lambda sc, a=alpha, w=w: graph_boost(convex(sc.dense("max"), sc.lex, a), adj, weight=w),
                )
            )
    return out


def ndcg10(judged: list[Judged]) -> float:
    """nDCG@10 over the queries that have a relevant paper (an out-of-scope query has none)."""
    graded = [(relevant, ranked) for relevant, ranked in judged if any(g >= 1 for g in relevant.values())]
    return mean_metrics(graded, ("ndcg@10",)).get("ndcg@10", 0.0)


def main() -> None:
    """Score every query once, then print each strategy's nDCG@10 overall and on each half."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", default="index")
    ap.add_argument("--queries", default="tests/data/queries.jsonl")
    ap.add_argument("--no-spelling", action="store_true", help="score the queries as typed")
    args = ap.parse_args()
    s = Searcher.load(Path(args.index))
    qs = load_queries(Path(args.queries))
    ids = [r["id"] for r in s.papers()]
    kinds = np.array([p[1] for p in s.data.passages])  # passage rows: [paper id, kind, text]
    cache = [score_query(s, q.query if args.no_spelling else s.correct(q.query), kinds) for q in qs]

    def score(strategy: Strategy) -> tuple[float, float, float]:
        ranked = [[ids[i] for i in np.argsort(-strategy(scored))[:10]] for scored in cache]
        judged = [(q.relevant, r) for q, r in zip(qs, ranked, strict=True)]
        halves = [ndcg10(judged[part::2]) for part in (0, 1)]
        return ndcg10(judged), halves[0], halves[1]

    rows = [(name, score(strategy)) for name, strategy in strategies(citation_adjacency(s.papers(), s.graph()))]
    print(f"{len(qs)} queries; nDCG@10 (all / odd half / even half)")
    for name, (a, h0, h1) in rows:
        print(f"{name:<44} {a:.4f}  {h0:.4f}  {h1:.4f}")


if __name__ == "__main__":
    main()
