"""The code before and after a change in one process, on the same searches: CPU time per stage, rounds interleaved.

``python -m benchlib.ab OLD_SRC OLD_INDEX NEW_INDEX [OLD_INDEX NEW_INDEX ...]`` (from ``scripts/``): OLD_SRC is a
folder holding the code before as ``papersearch/`` (``git archive SHA src | tar -x -C DIR`` gives ``DIR/src``), loaded
as a package of another name beside this checkout's ``papersearch``; each pair of indexes is one list as each code
reads it (the same corpus, built or carried over to each code's format); both codes look up the query vectors
``million --encode`` stored beside the after's index. Every searcher is opened in this process; each of the bench's texts
(``million.texts``) is searched on every index, the code before and after in turns whose order flips every text, so
the machine's load (shared, 5-20) falls on both alike. ``--rounds`` splits the timed texts into consecutive rounds:
each stage's median CPU time (``time.thread_time``) is reported per round, and the median and spread over them.
Every search's whole answer (but ``took_ms`` and ``cached``) is hashed: the two codes must give the same answers.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from .million import NPROBE, encoded, texts
from .stages import WARM, Timer
from .units import pct

OLD = "papersearch_before"  # the name the code before is imported as
STAGES = (  # (stage, module, owner or "", attribute): what each code's query path looks up
    ("search", "query.searcher", "Searcher", "search"),
    ("ranking.score", "query.ranking", "", "score"),
    ("vectors.search", "query.candidates", "vectors", "search"),
    ("Engine.top (Tantivy)", "index.lexical_engine", "Engine", "top"),
    ("LexicalIndex.top_in (exact)", "index.lexical", "LexicalIndex", "top_in"),
    ("LexicalIndex.scores_of (BM25)", "index.lexical", "LexicalIndex", "scores_of"),
    ("candidates.rest", "query.candidates", "", "rest"),
    ("plan.make_plan", "query.results", "", "make_plan"),
    ("plan._named", "query.plan", "", "_named"),
    ("ConceptTable.within", "index.understanding", "ConceptTable", "within"),
    ("records.many", "index.record_store", "RecordStore", "many"),
    ("Explainer.prepare", "query.explain", "Explainer", "prepare"),
    ("Explainer.whys", "query.explain", "Explainer", "whys"),
)


def load_before(src: Path) -> ModuleType:
    """The package in ``src/papersearch`` imported as ``OLD`` (its imports within itself are all relative)."""
    init = src / "papersearch" / "__init__.py"
    spec = importlib.util.spec_from_file_location(OLD, init, submodule_search_locations=[str(init.parent)])
    if spec is None or spec.loader is None:
        raise SystemExit(f"no package at {init}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[OLD] = module
    spec.loader.exec_module(module)
    return module


def wrap(timer: Timer, package: str) -> None:
    """Time every stage of ``STAGES`` in ``package``'s modules."""
    for stage, name, owner, attr in STAGES:
        module = importlib.import_module(f"{package}.{name}")
        target = getattr(module, owner) if owner else module
        setattr(target, attr, timer.wrap(stage, getattr(target, attr)))


def opened(package: str, index: Path, vectors: dict[str, np.ndarray]) -> Any:
    """A searcher of ``package`` over ``index``, its query vectors looked up in ``vectors``, warmed up as a service
    is."""
    searcher = importlib.import_module(f"{package}.query.searcher").Searcher.load(index, trust_verdict=True)
    searcher.embed_query = vectors.__getitem__
    importlib.import_module(f"{package}.serve.live").warm_up(searcher)
    return searcher


def digest(out: dict[str, Any]) -> str:
    """A search's whole answer, but how long it took and whether it was cached."""
    body = {k: v for k, v in out.items() if k not in ("took_ms", "cached")}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def ab_main(src: Path, pairs: list[tuple[Path, Path]], n: int, rounds: int) -> dict[str, Any]:
    """Every pair's stages, before and after, over ``n`` texts after ``WARM`` (see the module)."""
    os.environ["PAPERSEARCH_NPROBE"] = str(NPROBE)
    load_before(src)
    timer = Timer()
    for package in (OLD, "papersearch"):
        wrap(timer, package)
    searchers = []
    for old, new in pairs:  # both codes look up the vectors stored beside the after's index: the same for a text
        vectors = encoded(new)
        searchers.append((opened(OLD, old, vectors), opened("papersearch", new, vectors)))
    got: list[tuple[list[dict[str, float]], list[dict[str, float]]]] = [([], []) for _ in pairs]
    differ = [0 for _ in pairs]
    load = [os.getloadavg()[0]]
    for i, text in enumerate(texts(WARM + n)):
        for at, pair in enumerate(searchers):
            outs: list[str] = ["", ""]
            for side in (0, 1) if (i + at) % 2 else (1, 0):
                timer.begin()
                out = pair[side].search(text, k=10)
                if out["cached"]:
                    raise SystemExit(f"{text!r} came from the cache")
                if i >= WARM:
                    got[at][side].append(dict(timer.end()))
                outs[side] = digest(out)
            differ[at] += outs[0] != outs[1]
    load.append(os.getloadavg()[0])
    report: dict[str, Any] = {"queries": n, "rounds": rounds, "load": load, "sizes": []}
    for (old, new), searcher, runs, diff in zip(pairs, searchers, got, differ, strict=True):
        table: dict[str, Any] = {}
        for stage, *_ in STAGES:
            key = f"{stage} cpu"
            sides = []
            for side in runs:
                ms = [r.get(key, 0.0) for r in side]
                per = [pct(part, 50) for part in np.array_split(np.array(ms), rounds)]
                sides.append({"p50": pct(ms, 50), "mean": float(np.mean(ms)), "p99": pct(ms, 99), "rounds": per})
            table[stage] = {
                "before": sides[0],
                "after": sides[1],
                "p50 after/before": sides[1]["p50"] / sides[0]["p50"] if sides[0]["p50"] else None,
            }
        papers = len(searcher[1].data.records)
        report["sizes"].append(
            {"before": str(old), "after": str(new), "papers": papers, "differ": diff, "stages": table}
        )
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="The code before and after a change, in one process.")
    ap.add_argument("src", type=Path, help="a folder holding the code before as papersearch/")
    ap.add_argument("indexes", type=Path, nargs="+", help="pairs: the index the code before reads, then the after's")
    ap.add_argument("--queries", type=int, default=400, help="timed texts (WARM more are searched first)")
    ap.add_argument("--rounds", type=int, default=4, help="consecutive rounds the timed texts are split into")
    args = ap.parse_args(argv)
    if len(args.indexes) % 2:
        ap.error("indexes come in pairs: before, after")
    pairs = list(zip(args.indexes[::2], args.indexes[1::2], strict=True))
    print(json.dumps(ab_main(args.src, pairs, args.queries, args.rounds), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
