"""The assistant's speed: cited answers (cold, warm in-process, over HTTP) and reading paths.

``assistant`` runs the four measurements below on the real corpus's index and adds one section and
its floors to the report: a cold ``papersearch answer`` against a cold ``papersearch ask`` (the same
imports, the same index load), and a cold ``papersearch cite`` (the records alone) against it too; ``Searcher.answer`` against ``Searcher.search`` in one warm process;
``GET /answer`` against ``GET /search`` at concurrency 1 on a fresh uvicorn; and ``Searcher.path`` /
``Searcher.chain`` against ``Searcher.similar``. Every row names its baseline, measured in the same run.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import load
from .report import (
    BIN,
    QUESTION,
    ROOT,
    Plan,
    Report,
    commands,
    load_queries,
    med,
    ratio,
    run,
    shown,
    spread,
    table,
)
from .units import pct


def assistant(report: Report, plan: Plan, work: Path, index: Path) -> None:
    """Cold, warm and HTTP answers, a cold cite, and path queries: one section of the report and five floors."""
    cold = cold_answer(plan, index)
    warm = warm_answer(plan, index)
    http = http_answer(plan, work, index)
    paths = path_queries(plan, index)
    report.add(
        "## The assistant: cited answers and reading paths\n\n"
        "Cold: `papersearch answer`, `papersearch cite` and `papersearch ask` as new processes, one unmeasured run\n"
        "of each first (the model files are then in the page cache); baseline: `ask`. Warm: `Searcher.answer` and\n"
        "`Searcher.search` over the dev queries in one process, each searcher with empty caches (every query\n"
        "new, so each is encoded); baseline: `search`. HTTP: one uvicorn on loopback, concurrency 1 over one\n"
        "keep-alive connection, the dev queries with a number no query used (new to the server); baseline:\n"
        "`/search`. Paths: every paper's `before` and `after` lists and chains between random pairs, warm;\n"
        "baseline: `Searcher.similar` of the same papers.\n\n"
        + commands(cold["commands"] + http["commands"])
        + "\n"
        + table(["what", "p50", "p99 / range", "samples", "vs baseline"], cold["rows"] + warm["rows"] + http["rows"])
        + "\n"
        + table(["path query", "p50 ms", "p99 ms", "samples", "vs similar"], paths["rows"])
    )
    report.floor("cold `papersearch answer`", "≤ 0.5 s", f"{cold['wall']:.2f} s", cold["wall"] <= 0.5)
    cite = cold["cite"]
    report.floor(
        "cold `papersearch cite` (three papers, BibTeX)",
        "no slower than cold `ask`",
        f"{cite['wall']:.2f} s (ask {cite['ask']:.2f} s)",
        cite["wall"] <= cite["ask"],
    )
    report.floor("warm `answer`, in-process (p50, new queries)", "≤ 10 ms", f"{warm['p50']:.2f} ms", warm["p50"] <= 10)
    report.floor("warm `GET /answer`, c=1 (p50, new queries)", "≤ 15 ms", f"{http['p50']:.2f} ms", http["p50"] <= 15)
    report.floor("a path query (p50, slowest kind)", "≤ 2 ms", f"{paths['p50']:.3f} ms", paths["p50"] <= 2)


CITED = ("1986-rumelhart-backpropagation", "1989-lecun-cnn", "2017-vaswani-transformer")  # a cold `cite`'s papers


def cold_answer(plan: Plan, index: Path) -> dict[str, Any]:
    """Wall time of `papersearch answer`, `papersearch cite` and `papersearch ask` as new processes."""
    cmds: dict[str, list[object]] = {
        name: [BIN / "papersearch", name, QUESTION, "--index", index] for name in ("ask", "answer")
    }
    cmds["cite"] = [BIN / "papersearch", "cite", *CITED, "--index", index]
    walls: dict[str, list[float]] = {}
    for name, cmd in cmds.items():
        run(cmd)  # unmeasured: the page cache holds the model files afterwards
        walls[name] = [run(cmd).wall for _ in range(max(plan.cold_runs, 1))]
    base = med(walls["ask"])
    rows = [
        (f"cold `papersearch {name}`", f"{med(w):.2f} s", spread(w, unit=" s"), len(w), ratio(med(w), base))
        for name, w in walls.items()
    ]
    cite = {"wall": med(walls["cite"]), "ask": base}
    return {"wall": med(walls["answer"]), "cite": cite, "rows": rows, "commands": [shown(c) for c in cmds.values()]}


def _timed(calls: list[Callable[[], object]]) -> list[float]:
    out = []
    for call in calls:
        t = time.perf_counter()
        call()
        out.append(time.perf_counter() - t)
    return out


def warm_answer(plan: Plan, index: Path) -> dict[str, Any]:
    """``Searcher.answer`` against ``Searcher.search``, new queries each, and answers asked again."""
    from papersearch.query.searcher import Searcher

    queries = [q["query"] for q in load_queries()][: 30 if plan.smoke else None]
    print(f"$ python: Searcher.load({shown([index])}).answer(q) for {len(queries)} dev queries", flush=True)
    baseline = Searcher.load(index)
    baseline.search("warm up the encoder")
    searched = _timed([lambda q=q: baseline.search(q) for q in queries])
    searcher = Searcher.load(index, encoder=baseline.loaded_encoder)  # the same warm encoder, empty caches
    searcher.answer("warm up the sentences and the graph")
    answered = _timed([lambda q=q: searcher.answer(q) for q in queries])
    again = _timed([lambda q=q: searcher.answer(q) for _ in range(plan.repeats) for q in queries])
    base = pct(searched, 50)
    rows = [
        (label, f"{pct(xs, 50) * 1e3:.2f} ms", f"{pct(xs, 99) * 1e3:.2f} ms", len(xs), ratio(pct(xs, 50), base))
        for label, xs in (
            ("warm `Searcher.search`, new query (baseline)", searched),
            ("warm `Searcher.answer`, new query", answered),
            ("warm `Searcher.answer`, asked again (ranking cached)", again),
        )
    ]
    return {"p50": pct(answered, 50) * 1e3, "rows": rows}


def http_answer(plan: Plan, work: Path, index: Path) -> dict[str, Any]:
    """``GET /answer`` and ``GET /search`` at concurrency 1 on a fresh server, every query new to it."""
    queries = [q["query"] for q in load_queries()][: 30 if plan.smoke else None]
    n = max(20, min(plan.http_requests, 300))
    rng = random.Random(7)
    picked = [rng.choice(queries) for _ in range(n)]
    cmd = f"python -m papersearch.serve --index {shown([index])}  (GET /answer and /search, c=1)"
    print(f"$ {cmd}", flush=True)
    out: dict[str, dict[str, Any]] = {}
    with load.served(index, work / "assist-server.log") as (url, pid):
        host, port = load.loopback_address(url)
        warm = [load.request(host, q, path=p) for p in ("/search", "/answer") for q in queries]
        asyncio.run(load.drive(host, port, warm, 1, 120.0))  # every code path warm, the dev queries cached
        for path in ("/search", "/answer"):
            token = load.run_token()
            reqs = [load.request(host, f"{q} {token}{i}", path=path) for i, q in enumerate(picked)]
            before = load.cpu_seconds(pid)
            latencies, errors, wall = asyncio.run(load.drive(host, port, reqs, 1, 120.0))
            out[path] = load.summary(latencies, errors, wall, (before, load.cpu_seconds(pid)))
        reqs = [load.request(host, q, path="/answer") for q in picked]  # the dev queries again: their ranking is cached
        latencies, errors, wall = asyncio.run(load.drive(host, port, reqs, 1, 120.0))
        out["again"] = load.summary(latencies, errors, wall)
    base = out["/search"]["p50_ms"]
    rows = [
        (
            label,
            f"{r['p50_ms']:.2f} ms",
            f"{r['p99_ms']:.2f} ms ({r['errors']} errors)",
            r["requests"],
            ratio(r["p50_ms"], base),
        )
        for label, r in (
            ("`GET /search`, c=1, new query (baseline)", out["/search"]),
            ("`GET /answer`, c=1, new query", out["/answer"]),
            ("`GET /answer`, c=1, asked before (ranking cached)", out["again"]),
        )
    ]
    errors = sum(r["errors"] for r in out.values())
    return {"p50": out["/answer"]["p50_ms"] if not errors else float("inf"), "rows": rows, "commands": [cmd]}


def path_queries(plan: Plan, index: Path) -> dict[str, Any]:
    """Every paper's reading lists and random chains (through the graph or by meaning), warm."""
    from papersearch.query.searcher import Searcher

    searcher = Searcher.load(index)
    ids = [r["id"] for r in searcher.papers()]
    rng = random.Random(11)
    pairs = [(rng.choice(ids), rng.choice(ids)) for _ in range(200)]
    searcher.path(ids[0])
    for a, b in pairs:  # once, unmeasured: sort the pairs by what the graph holds
        searcher.chain(a, b)
    found = [(a, b) for a, b in pairs if searcher.chain(a, b)["found"]]
    by_meaning = [(a, b) for a, b in pairs if (a, b) not in found]
    reps = max(plan.repeats, 1)
    similar = _timed([lambda i=i: searcher.similar(i, 8) for _ in range(reps) for i in ids])
    kinds = {
        "`path(id, 'before')`": _timed([lambda i=i: searcher.path(i, "before") for _ in range(reps) for i in ids]),
        "`path(id, 'after')`": _timed([lambda i=i: searcher.path(i, "after") for _ in range(reps) for i in ids]),
        f"`chain(a, b)`, through the graph ({len(found)} pairs)": _timed(
            [lambda p=p: searcher.chain(*p) for _ in range(reps) for p in found]
        ),
        f"`chain(a, b)`, by meaning ({len(by_meaning)} pairs)": _timed(
            [lambda p=p: searcher.chain(*p) for _ in range(reps) for p in by_meaning]
        ),
    }
    base = pct(similar, 50)
    rows = [
        ("`similar(id, 8)` (baseline)", f"{base * 1e3:.3f}", f"{pct(similar, 99) * 1e3:.3f}", len(similar), "1.00×")
    ]
    rows += [
        (label, f"{pct(xs, 50) * 1e3:.3f}", f"{pct(xs, 99) * 1e3:.3f}", len(xs), ratio(pct(xs, 50), base))
        for label, xs in kinds.items()
        if xs
    ]
    return {"p50": max(pct(xs, 50) for xs in kinds.values() if xs) * 1e3, "rows": rows}


# ---------------------------------------------------------------- choosing the answer's weights (not timed)

GRID = {  # the weights of query/quotes.py that were chosen on the tune half, and the values tried
    "W_LEX": (0.4, 0.5, 0.7, 1.0),
    "W_RANK": (0.1, 0.2, 0.3),
    "KEEP_NEW": (0.8, 0.85, 0.9),
    "CANDIDATE_PAPERS": (3, 4, 5),
    "KEEP_MORE": (0.6, 0.75),
}
HISTORY_GRID = {"HISTORY_PAPERS": (3, 4, 5, 6)}
ASKED = ("question", "origin", "history")


def answer_figures(searcher: Any, queries: list[Any], half: str | None = None) -> dict[str, float]:
    """The floors' figures on the dev queries (or one half of them): grade-3 cited, only graded cited, declines."""
    chosen = [q for q in queries if half is None or q.half == half]
    asked, outside, inside = [], [], []
    for q in chosen:
        a = searcher.answer(q.query)
        cited = {s["id"] for s in a["sources"]}
        if q.type in ASKED:
            asked.append(
                (
                    any(q.relevant.get(i, 0) == 3 for i in cited),
                    bool(cited) and all(q.relevant.get(i, 0) >= 1 for i in cited),
                )
            )
        (inside if q.in_scope else outside).append(a["declined"])
    return {
        "grade3": sum(g for g, _ in asked) / max(len(asked), 1),
        "graded": sum(o for _, o in asked) / max(len(asked), 1),
        "declined_out": sum(outside) / max(len(outside), 1),
        "declined_in": sum(inside) / max(len(inside), 1),
    }


def _plateau(
    grid: dict[str, tuple[Any, ...]], scores: dict[tuple[Any, ...], tuple[float, float]], point: tuple[Any, ...]
) -> float:
    """The mean score of ``point``'s neighbours in the grid (one step along one parameter)."""
    near = []
    for i, values in enumerate(grid.values()):
        j = values.index(point[i])
        near += [scores[(*point[:i], values[k], *point[i + 1 :])][0] for k in (j - 1, j + 1) if 0 <= k < len(values)]
    return sum(near) / len(near)


def tune(index: Path) -> None:
    """Choose the answer's weights on the tune half and print both halves' figures.

    Every point of ``GRID`` (then ``HISTORY_GRID``, on history questions) is scored on the tune half: both
    floors met, then the most answers citing a grade-3 paper plus those citing only graded papers; ties go to
    the point whose grid neighbours score best (the middle of a plateau), then to the fewest in-scope
    questions declined. ``SENTENCE_FLOOR`` is then set just under the weakest best sentence of an in-scope
    tune question that the search itself does not flag, so that it declines no question the list covers.
    """
    import itertools
    import math

    from papersearch.query import answer, quotes
    from papersearch.query.evaluate import load_queries as load_eval
    from papersearch.query.searcher import Searcher

    searcher = Searcher.load(index)
    queries = load_eval(ROOT / "tests" / "data" / "queries.jsonl")
    for grid, kinds in ((GRID, None), (HISTORY_GRID, ("history",))):
        subset = [q for q in queries if kinds is None or q.type in kinds]
        scores: dict[tuple[Any, ...], tuple[float, float]] = {}
        for point in itertools.product(*grid.values()):
            for name, value in zip(grid, point, strict=True):
                setattr(quotes, name, value)
            f = answer_figures(searcher, subset, "tune")
            met = f["grade3"] >= 0.9 and f["graded"] >= 0.8
            scores[point] = (f["grade3"] + f["graded"] if met else 0.0, -f["declined_in"])
        best = max(scores, key=lambda p: (scores[p][0], _plateau(grid, scores, p), scores[p][1]))
        for name, value in zip(grid, best, strict=True):
            setattr(quotes, name, value)
        print(dict(zip(grid, best, strict=True)), f"tune score {scores[best][0]:.3f}")
    weakest = math.inf
    for q in queries:
        if q.half != "tune" or not q.in_scope:
            continue
        results = searcher.search(q.query)
        plan = searcher.plan(results["corrected_query"] or results["query"])
        if results["no_match"] or plan.names or plan.only_time:
            continue
        found = quotes.candidates(
            searcher.data, searcher.sentences, results, searcher.embed_query(plan.topic), plan.topic
        )
        weakest = min(weakest, max(c.support for c in found))
    answer.SENTENCE_FLOOR = math.floor(weakest * 100) / 100 - 0.01
    print(
        f"SENTENCE_FLOOR {answer.SENTENCE_FLOOR:.2f} (the weakest in-scope tune question's best sentence: {weakest:.3f})"
    )
    for half in ("tune", "held-out"):
        print(half, {k: round(v, 3) for k, v in answer_figures(searcher, queries, half).items()})


if __name__ == "__main__":  # cd scripts && python -m benchlib.assist INDEX: choose the answer's weights
    tune(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "index"))
