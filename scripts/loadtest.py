"""Load-test `/search` on a real uvicorn over loopback: latency and throughput at several concurrencies.

    python scripts/loadtest.py --index index                      # starts a server on a free 127.0.0.1 port
    python scripts/loadtest.py --url http://127.0.0.1:8000         # targets a running one (loopback only)
    python scripts/loadtest.py --index index --json out.json       # also writes the figures as JSON

Queries are the dev set's (tests/data/queries.jsonl): most are repeated (answered from the server's
cache of recent answers after the first time), a fraction are new to the server (a dev query with a number no query has used, which
the speller leaves alone, so it must be encoded). Every level sends a fixed number of requests over
keep-alive connections and stops early at a time cap; a request that does not answer 200 with a whole
body counts as an error. From Python: ``benchlib.load.run_load(url)`` and ``cached_vs_new(url)`` return
the figures (the benchmark's HTTP sections use them too).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shlex
import sys
from pathlib import Path
from typing import Any

from benchlib.load import DURATION_CAP, LEVELS, NEW_FRACTION, REQUESTS_PER_LEVEL, cached_vs_new, run_load, served
from benchlib.report import ROOT


def machine() -> dict[str, Any]:
    """The CPU, its cores, Python and the OS: printed and written with the figures."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}


def table(rows: list[dict[str, Any]]) -> str:
    """The rows of ``run_load`` as a plain-text table."""
    head = f"{'concurrency':>11} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'req/s':>8}"
    lines = [head + f" {'server CPU ms/req':>18}"]
    for r in rows:
        cpu = "" if r["server_cpu_ms"] is None else f"{r['server_cpu_ms']:.2f}"
        lines.append(
            f"{r['concurrency']:>11} {r['requests']:>9} {r['errors']:>7} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f}"
            f" {r['max_ms']:>8.2f} {r['rps']:>8.1f} {cpu:>18}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Both measurements against ``--url`` or a server of our own; the figures with the machine and command."""
    levels = tuple(int(x) for x in args.levels.split(","))
    if not all(1 <= c <= 256 for c in levels):
        raise SystemExit("loadtest: each level must be from 1 to 256 connections")

    def measure(url: str, pid: int | None) -> dict[str, Any]:
        load_before = os.getloadavg()[0]
        rows = run_load(url, levels, args.requests, args.duration_cap, args.new_fraction, server_pid=pid)
        cache = cached_vs_new(url, n=args.cache_requests, server_pid=pid)
        load = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        return {"url": url, "load_average": load, "levels": rows, "cached_vs_new": cache}

    if args.url:
        result = measure(args.url, args.server_pid)
    else:
        with served(Path(args.index), Path(args.log)) as (url, pid):
            result = measure(url, pid)
    return {"machine": machine(), "command": shlex.join([Path(sys.executable).name, *sys.argv]), **result}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index", default=os.environ.get("PAPERSEARCH_INDEX", str(ROOT / "index")), help="index to serve")
    p.add_argument("--url", help="target a running server instead (http://127.0.0.1:PORT; loopback only)")
    p.add_argument("--server-pid", type=int, help="with --url: the server's process id, to report its CPU per request")
    p.add_argument("--levels", default=",".join(map(str, LEVELS)), help="concurrency levels (default 1,8,32)")
    p.add_argument("--requests", type=int, default=REQUESTS_PER_LEVEL, help="requests per level")
    p.add_argument("--duration-cap", type=float, default=DURATION_CAP, help="seconds per level at most")
    p.add_argument("--new-fraction", type=float, default=NEW_FRACTION, help="share of never-seen queries")
    p.add_argument("--cache-requests", type=int, default=150, help="requests of each kind for cached vs new")
    p.add_argument("--log", default="/tmp/papersearch-loadtest-server.log", help="where the server's output goes")
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)
    if not 1 <= args.requests <= 100_000:
        p.error("--requests must be from 1 to 100000")
    if not 0 < args.duration_cap <= 600:
        p.error("--duration-cap must be from 0 to 600 seconds")
    result = run(args)
    m = result["machine"]
    print(f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}")
    print(f"command: {result['command']}")
    print(f"load:    {result['load_average'][0]} before, {result['load_average'][1]} after (1-minute load average)")
    print(f"target:  {result['url']} (GET /search, k=10, {args.new_fraction:.0%} never-seen queries)\n")
    print(table(result["levels"]))
    print("\nconcurrency 1, cached vs new queries:")
    for kind, r in result["cached_vs_new"].items():
        cpu = "" if r["server_cpu_ms"] is None else f", server CPU {r['server_cpu_ms']:.2f} ms/request"
        print(f"  {kind:<6} p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms  ({r['requests']} requests{cpu})")
    cached, new = result["cached_vs_new"]["cached"]["p50_ms"], result["cached_vs_new"]["new"]["p50_ms"]
    if cached > 0:
        print(f"  a repeated query is {new / cached:.1f}x faster than a new one (p50)")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    errors = sum(r["errors"] for r in result["levels"]) + sum(r["errors"] for r in result["cached_vs_new"].values())
    for r in result["levels"]:
        for e in r["first_errors"]:
            print(f"error at c={r['concurrency']}: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
