"""Load-test `/search` on a real uvicorn over loopback: latency and throughput at several concurrencies.

    python scripts/loadtest.py --index index                      # starts a server on a free 127.0.0.1 port
    python scripts/loadtest.py --url http://127.0.0.1:8000         # targets a running one (loopback only)
    python scripts/loadtest.py --index index --json out.json       # also writes the figures as JSON

Queries are the dev set's (tests/data/queries.jsonl): most are repeated (answered from the server's
cache of recent answers after the first time), a fraction are new to the server (a dev query with a number no query has used, which
the speller leaves alone, so it must be encoded). Every level sends a fixed number of requests over
keep-alive connections and stops early at a time cap; a request that does not answer 200 with a whole
body counts as an error. From Python: ``run_load(url)`` and ``cached_vs_new(url)`` return the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import math
import os
import platform
import random
import secrets
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "tests" / "data" / "queries.jsonl"
LEVELS = (1, 8, 32)
REQUESTS_PER_LEVEL = 600
DURATION_CAP = 30.0  # seconds per level at most
NEW_FRACTION = 0.2  # share of queries the server has never seen
TIMEOUT = 10.0  # seconds one request may take before it counts as an error


def dev_queries(path: Path = QUERIES) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["query"] for line in fh if line.strip()]


def loopback_address(url: str) -> tuple[str, int]:
    """(host, port) of an http URL on this machine; anything else is refused."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    ok = host == "localhost"
    with contextlib.suppress(ValueError):
        ok = ok or ipaddress.ip_address(host).is_loopback
    if parts.scheme != "http" or not ok:
        raise SystemExit(f"loadtest: {url} is not http on a loopback address (127.0.0.1, ::1, localhost); refusing")
    return host, parts.port or 80


def _run_token() -> int:
    """A number for this run's never-seen queries: differs per run, so they stay new on a long-running server."""
    return secrets.randbelow(9 * 10**6) + 10**6


def query_mix(n: int, new_fraction: float, seed: int, queries: Sequence[str] | None = None) -> list[tuple[str, bool]]:
    """``n`` (query, is_new) pairs: dev-set queries, and a ``new_fraction`` of never-seen variants."""
    rng = random.Random(seed)
    base = list(queries or dev_queries())
    token = _run_token()
    out = []
    for i in range(n):
        q = rng.choice(base)
        if rng.random() < new_fraction:
            out.append((f"{q} {token}{i}", True))
        else:
            out.append((q, False))
    return out


def _request(host: str, query: str, k: int = 10) -> bytes:
    target = "/search?" + urlencode({"q": query, "k": k})
    return f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: papersearch-loadtest\r\n\r\n".encode()


async def _fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bool]:
    """Send one request on a keep-alive connection; (status, whether the server closes the connection)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (ln.partition(":") for ln in lines[1:] if ln)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, headers.get("connection", "").lower() == "close"


async def _drive(
    host: str, port: int, requests: list[bytes], concurrency: int, duration_cap: float
) -> tuple[list[float], list[str], float]:
    """Send ``requests`` over ``concurrency`` connections; (latencies in s, errors, wall time)."""
    latencies: list[float] = []
    errors: list[str] = []
    it: Iterator[bytes] = iter(requests)
    started = time.perf_counter()
    deadline = started + duration_cap

    async def worker() -> None:
        conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        for request in it:  # one shared iterator: each request is sent once
            if time.perf_counter() > deadline:
                break
            t0 = time.perf_counter()
            try:
                if conn is None:
                    conn = await asyncio.wait_for(asyncio.open_connection(host, port), TIMEOUT)
                status, closing = await asyncio.wait_for(_fetch(*conn, request), TIMEOUT)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as exc:
                errors.append(f"{exc.__class__.__name__}: {exc}")
                if conn is not None:
                    conn[1].close()
                conn = None
                continue
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(f"HTTP {status}")
            if closing:
                conn[1].close()
                conn = None
        if conn is not None:
            conn[1].close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values)) - 1))  # nearest rank
    return sorted_values[rank]


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time a process (all its threads) has used, from /proc; None when unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _summary(
    latencies: list[float], errors: list[str], wall: float, cpu: tuple[float | None, float | None] = (None, None)
) -> dict[str, Any]:
    ms = sorted(x * 1000 for x in latencies)
    used = cpu[1] - cpu[0] if cpu[0] is not None and cpu[1] is not None else None
    return {
        "requests": len(latencies) + sum(1 for e in errors if not e.startswith("HTTP")),
        "errors": len(errors),
        "p50_ms": round(_percentile(ms, 50), 2),
        "p99_ms": round(_percentile(ms, 99), 2),
        "max_ms": round(ms[-1], 2) if ms else float("nan"),
        "rps": round(len(latencies) / wall, 1) if wall > 0 else 0.0,
        "seconds": round(wall, 2),
        # the server's CPU time per answered request: comparable across runs even on a busy machine
        "server_cpu_ms": round(used * 1000 / len(latencies), 2) if used is not None and latencies else None,
        "first_errors": errors[:5],
    }


def _warm(host: str, port: int, queries: Sequence[str]) -> None:
    """Ask every dev query once, so "repeated" queries are cache hits as they would be on a busy server."""
    asyncio.run(_drive(host, port, [_request(host, q) for q in queries], 1, 60.0))


def run_load(
    url: str,
    levels: Sequence[int] = LEVELS,
    requests_per_level: int = REQUESTS_PER_LEVEL,
    duration_cap: float = DURATION_CAP,
    new_fraction: float = NEW_FRACTION,
    seed: int = 0,
    server_pid: int | None = None,
) -> list[dict[str, Any]]:
    """One row per concurrency level: requests, errors, p50/p99/max latency (ms), requests/s, seconds.

    With ``server_pid`` (a process on this machine) each row also has the server's CPU ms per request.
    """
    host, port = loopback_address(url)
    queries = dev_queries()
    _warm(host, port, queries)
    rows = []
    for i, c in enumerate(levels):
        mix = query_mix(requests_per_level, new_fraction, seed + i, queries)
        reqs = [_request(host, q) for q, _ in mix]
        before = cpu_seconds(server_pid)
        latencies, errors, wall = asyncio.run(_drive(host, port, reqs, c, duration_cap))
        rows.append({"concurrency": c, **_summary(latencies, errors, wall, (before, cpu_seconds(server_pid)))})
    return rows


def cached_vs_new(url: str, n: int = 150, seed: int = 99, server_pid: int | None = None) -> dict[str, dict[str, Any]]:
    """At concurrency 1: latency of dev queries already asked (answer cached) against never-seen ones."""
    host, port = loopback_address(url)
    queries = dev_queries()
    _warm(host, port, queries)
    rng = random.Random(seed)
    token = _run_token()
    kinds = {
        "cached": [rng.choice(queries) for _ in range(n)],
        "new": [f"{rng.choice(queries)} {token}{i}" for i in range(n)],
    }
    out = {}
    for kind, qs in kinds.items():
        before = cpu_seconds(server_pid)
        latencies, errors, wall = asyncio.run(_drive(host, port, [_request(host, q) for q in qs], 1, DURATION_CAP))
        out[kind] = _summary(latencies, errors, wall, (before, cpu_seconds(server_pid)))
    return out


# ---------------------------------------------------------------- a server of our own


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(
    index: Path, log: Path, timeout: float = 90.0, env: dict[str, str] | None = None
) -> Iterator[tuple[str, int]]:
    """``python -m papersearch.serve`` (one uvicorn worker) on a free 127.0.0.1 port serving ``index``;
    ``env``: settings of its own (``PAPERSEARCH_*``) on top of this process's environment."""
    port = free_port()
    env = dict(
        os.environ,
        **(env or {}),
        PAPERSEARCH_INDEX=str(index.resolve()),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "papersearch.serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"loadtest: the server exited with {proc.returncode}; see {log}")
            with contextlib.suppress(OSError), urllib.request.urlopen(url + "/health", timeout=2) as r:
                if r.status == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"loadtest: the server did not answer /health within {timeout:.0f} s; see {log}")
            time.sleep(0.2)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}


def table(rows: list[dict[str, Any]]) -> str:
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
