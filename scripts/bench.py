"""Speed and scale benchmarks: runs every measurement and writes docs/benchmarks.md.

Usage:
    python scripts/bench.py                  # the full run, `make bench` (about 25 minutes)
    python scripts/bench.py --smoke --index DIR --out FILE   # tiny sizes, under a minute (tests)
    python scripts/bench.py --only http,assist,mcp --out FILE  # some sections only

Every measurement prints the command it runs. Figures are medians of several runs with their
range; each table states its baseline, measured in the same run, and the ratios against it.
Helpers that must run in a process of their own (for their peak memory) are this script again
with ``--pipeline`` or ``--ann``. The sections live in ``scripts/benchlib/``; this file only
parses the flags and runs them in order.
"""

from __future__ import annotations

import argparse
import compileall
import time
from pathlib import Path

import papersearch
from benchlib.ann import ann, ann_main
from benchlib.assist import assistant
from benchlib.bounds import bounds
from benchlib.build import pipeline, pipeline_main, real_index, rebuilds, xref_scaling
from benchlib.mcp import mcp_server
from benchlib.memory import bounded_memory
from benchlib.million import million
from benchlib.peer import peer
from benchlib.query import cold_ask, http_service, new_queries, warm_search
from benchlib.ray_embed import ray_embed
from benchlib.report import ROOT, Plan, Report, machine, write
from benchlib.shards import shards
from papersearch.index import store

SECTIONS = (
    "bounds",
    "cold",
    "warm",
    "http",
    "newq",
    "assist",
    "mcp",
    "rebuilds",
    "pipeline",
    "ray",
    "xrefs",
    "memory",
    "million",
    "ann",
    "shards",
    "peer",
)


def compile_package() -> None:
    """Write the bytecode of every papersearch module, as an install does (pip compiles what it installs).

    A checkout run with PYTHONDONTWRITEBYTECODE set (or never run before) has none, and each command it
    starts compiles the ~70 modules a query imports again: ~0.1 s of CPU a cold ``ask`` on an AMD EPYC,
    its bound 1.57x instead of 1.28x. What is timed is the command as installed, not the compiler.
    """
    compileall.compile_dir(Path(papersearch.__file__).parent, quiet=1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="tiny sizes and single runs (for the test suite)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument("--index", type=Path, help="copy this index of the real corpus instead of building one")
    ap.add_argument("--no-peer", action="store_true", help="skip txtai")
    ap.add_argument("--papers", type=int, help="synthetic papers for the pipeline (default 10000)")
    ap.add_argument(
        "--only",
        type=lambda t: set(t.split(",")),
        default=set(SECTIONS),
        metavar="SECTIONS",
        help=f"run only these sections, comma-separated: {','.join(SECTIONS)} (default: all)",
    )
    ap.add_argument("--pipeline", nargs=2, type=Path, metavar=("CORPUS", "INDEX"), help=argparse.SUPPRESS)
    ap.add_argument("--raw-sample", type=int, default=8192, help=argparse.SUPPRESS)
    ap.add_argument("--ann", nargs=2, metavar=("KIND", "DIR"), help=argparse.SUPPRESS)
    ap.add_argument("--exact-limit", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--trainings", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.pipeline:
        pipeline_main(args.pipeline[0], args.pipeline[1], args.raw_sample)
        return 0
    if args.ann:
        ann_main(args.ann[0], Path(args.ann[1]), args.exact_limit, args.trainings)
        return 0
    started = time.perf_counter()
    compile_package()
    plan = Plan.for_smoke() if args.smoke else Plan(smoke=False)
    if args.no_peer:
        plan.peer = False
    if args.papers:
        plan.synth_n = args.papers
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    report = Report()
    machine(report, plan)
    only = args.only
    if only - set(SECTIONS):
        ap.error(f"--only: unknown sections {sorted(only - set(SECTIONS))}; choose from {', '.join(SECTIONS)}")
    corpus, index, first = real_index(work, args.index)
    if "bounds" in only:
        bounds(report, plan, work, index)
    cold = cold_ask(report, plan, index) if "cold" in only or "peer" in only else {}
    warm = warm_search(report, plan, index, "Warm in-process search (real corpus)") if only & {"warm", "peer"} else {}
    if warm:
        report.floor(
            "query understanding's cost, warm (p50)", "≤ 0.3 ms", f"{warm['plan_ms']:.3f} ms", warm["plan_ms"] <= 0.3
        )
    if "http" in only:
        http_service(report, plan, work, index)
    if "newq" in only:
        new_queries(report, plan, work, index)
    if "assist" in only:
        assistant(report, plan, work, index)
    if "mcp" in only:
        mcp_server(report, plan, index)
    rb = rebuilds(report, plan, corpus, index, first) if only & {"rebuilds", "peer"} else {}
    synth_index = None
    if only & {"pipeline", "ann"} or ("shards" in only and not plan.smoke):
        synth_index = pipeline(report, plan, work, index)
        warm_search(report, plan, synth_index, f"Warm in-process search at {plan.synth_n:,} synthetic papers")
        if "ann" in only:
            ann(report, plan, work, synth_index, index)
    if "shards" in only:  # alone in a smoke run, its vectors come from the real index: no pipeline to wait for
        shards(report, plan, work, synth_index or index, index)
    if "ray" in only and not plan.smoke:  # starts Ray clusters: minutes, not for the suite's smoke run
        ray_embed(report, plan, work, index / store.CACHE)
    if "xrefs" in only:
        xref_scaling(report, plan, work)
    if "memory" in only:
        bounded_memory(report, plan, work, index / store.CACHE)
    if "million" in only:
        million(report, plan, work, index / store.CACHE)
    if plan.peer and "peer" in only:
        mine = {"full": rb["full"], "cold": cold["cold"], "cold_rss": cold["cold_rss"], "p50": warm["new_p50"]}
        peer(report, plan, work, mine, index)
    write(report, args.out, plan, started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
