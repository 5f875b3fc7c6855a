"""What a query's time is made of at each size: the million bench's searches, each stage timed, two indexes in turn.

``python -m benchlib.million --stages INDEX [INDEX ...]`` (from ``scripts/``, after ``--encode`` of each index):
opens every index in one process, wraps the functions named in ``STAGES`` with a timer, and runs the bench's
texts (``million.texts``, the vectors looked up as ``--measure`` does) on each index in turn, the first index
changing every text, so the machine's load falls on every size alike. Each stage's time is its wall time (and,
as ``STAGE cpu``, the thread's CPU time: what the machine's other work changes less) inclusive of the stages under it (``read_rows`` is inside ``vectors.search``, inside ``ranking.score``),
counted once however deep it recurses; a stage a query does not reach counts 0. Prints one JSON object: per
index, per stage, the median and the 99th percentile over the timed texts, and the mean.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .million import encoded
from .units import pct

WARM = 50  # texts searched on each index before any is timed


def _targets() -> list[tuple[str, Any, str]]:
    """(stage, owner, attribute) of every function timed: where the query path looks each one up."""
    from papersearch.index import lexical, lexical_engine, record_store, understanding, vectors
    from papersearch.query import candidates, explain, plan, ranking, results, scope, searcher, spelling

    return [
        ("search", searcher.Searcher, "search"),
        ("speller.correct", spelling.Speller, "correct"),
        ("plan.make_plan", results, "make_plan"),
        ("ConceptTable.within", understanding.ConceptTable, "within"),
        ("forms.other_forms", plan, "other_forms"),
        ("Asking.rows", results.Asking, "rows"),
        ("ranking.score", ranking, "score"),
        ("candidates.dense_side", candidates, "dense_side"),
        ("vectors.search", candidates.vectors, "search"),
        ("read_rows (re-scoring)", vectors, "read_rows"),
        ("Engine.top (Tantivy)", lexical_engine.Engine, "top"),
        ("LexicalIndex.top_in (exact)", lexical.LexicalIndex, "top_in"),
        ("LexicalIndex.scores_of (BM25)", lexical.LexicalIndex, "scores_of"),
        ("candidates.rest", candidates, "rest"),
        ("concept_matches", ranking, "concept_matches"),
        ("Ranker._judged (scope)", results.Ranker, "_judged"),
        ("read_rows (sense check)", scope, "read_rows"),
        ("Ranker._ordered", results.Ranker, "_ordered"),
        ("records.many", record_store.RecordStore, "many"),
        ("Explainer.prepare", explain.Explainer, "prepare"),
        ("Explainer.whys", explain.Explainer, "whys"),
    ]


class Timer:
    """Wall time per stage of the query running now (``begin`` starts one, ``end`` returns its stages)."""

    def __init__(self) -> None:
        self._now: dict[str, float] = {}
        self._depth: dict[str, int] = {}

    def begin(self) -> None:
        self._now = {}

    def end(self) -> dict[str, float]:
        return self._now

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth.get(stage, 0):
                return fn(*args, **kwargs)
            self._depth[stage] = 1
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self._depth[stage] = 0
                now = self._now
                now[stage] = now.get(stage, 0.0) + (time.perf_counter() - started) * 1000
                now[f"{stage} cpu"] = now.get(f"{stage} cpu", 0.0) + (time.thread_time() - cpu) * 1000

        return timed


def stages_main(indexes: list[Path], n: int, texts: Callable[[int], list[str]], nprobe: int) -> dict[str, Any]:
    """Every index's stages over ``n`` texts after ``WARM`` warm ones, the indexes in turn (see the module)."""
    os.environ["PAPERSEARCH_NPROBE"] = str(nprobe)

    from papersearch.query.searcher import Searcher
    from papersearch.serve.live import warm_up

    timer = Timer()
    targets = _targets()
    for stage, owner, attr in targets:
        setattr(owner, attr, timer.wrap(stage, getattr(owner, attr)))
    searchers = []
    for index in indexes:
        vectors = encoded(index)
        s = Searcher.load(index, trust_verdict=True)
        s.embed_query = vectors.__getitem__  # type: ignore[method-assign]
        warm_up(s)
        searchers.append(s)
    asked = texts(WARM + n)
    got: list[list[dict[str, float]]] = [[] for _ in indexes]
    load = [os.getloadavg()[0]]
    for i, text in enumerate(asked):
        order = list(range(len(indexes)))
        if i % 2:
            order.reverse()
        for at in order:
            timer.begin()
            out = searchers[at].search(text, k=10)
            if out["cached"]:
                raise SystemExit(f"{text!r} came from the cache")
            if i >= WARM:
                got[at].append(timer.end())
    load.append(os.getloadavg()[0])
    names = [name for stage, _, _ in targets for name in (stage, f"{stage} cpu")]
    report: dict[str, Any] = {"queries": n, "load": load, "sizes": []}
    for index, s, runs in zip(indexes, searchers, got, strict=True):
        table = {}
        for stage in names:
            ms = [r.get(stage, 0.0) for r in runs]
            table[stage] = {"p50": pct(ms, 50), "p99": pct(ms, 99), "mean": float(np.mean(ms))}
        report["sizes"].append({"index": str(index), "papers": len(s.data.records), "stages": table})
    return report
