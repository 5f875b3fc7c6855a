"""Load on a real uvicorn over loopback: requests sent over keep-alive connections, timed, summarised.

Shared by ``scripts/loadtest.py`` (the command) and the benchmark's HTTP sections (``query``,
``assist``). ``served`` starts ``python -m papersearch.serve`` on a free 127.0.0.1 port; ``drive``
sends prepared requests (``request``) over some connections and returns their latencies and errors;
``summary`` turns those into the figures every section reports (p50/p99 by ``units.pct``, requests/s,
the server's CPU per request); ``run_load`` and ``cached_vs_new`` are the two measurements of
``scripts/loadtest.py``. Queries are the dev set's; a query "new" to the server carries a number no
earlier run used (``run_token``), which the speller leaves alone, so it must be encoded.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from .report import QUERIES, ROOT
from .units import pct

LEVELS = (1, 8, 32)
REQUESTS_PER_LEVEL = 600
DURATION_CAP = 30.0  # seconds per level at most
NEW_FRACTION = 0.2  # share of queries the server has never seen
TIMEOUT = 10.0  # seconds one request may take before it counts as an error


def dev_queries(path: Path = QUERIES) -> list[str]:
    """The text of every dev query, in file order."""
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


def run_token() -> int:
    """A number for this run's never-seen queries: differs per run, so they stay new on a long-running server."""
    return secrets.randbelow(9 * 10**6) + 10**6


def query_mix(n: int, new_fraction: float, seed: int, queries: Sequence[str] | None = None) -> list[tuple[str, bool]]:
    """``n`` (query, is_new) pairs: dev-set queries, and a ``new_fraction`` of never-seen variants."""
    rng = random.Random(seed)
    base = list(queries or dev_queries())
    token = run_token()
    out = []
    for i in range(n):
        q = rng.choice(base)
        if rng.random() < new_fraction:
            out.append((f"{q} {token}{i}", True))
        else:
            out.append((q, False))
    return out


def request(host: str, query: str, k: int = 10, path: str = "/search") -> bytes:
    """One keep-alive GET of ``path`` (``/search`` or ``/answer``) for ``query``, as bytes."""
    target = f"{path}?" + urlencode({"q": query, "k": k})
    return f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: papersearch-loadtest\r\n\r\n".encode()


async def _fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> tuple[int, bool]:
    """Send one request on a keep-alive connection; (status, whether the server closes the connection)."""
    writer.write(data)
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


async def drive(
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
        for data in it:  # one shared iterator: each request is sent once
            if time.perf_counter() > deadline:
                break
            t0 = time.perf_counter()
            try:
                if conn is None:
                    conn = await asyncio.wait_for(asyncio.open_connection(host, port), TIMEOUT)
                status, closing = await asyncio.wait_for(_fetch(*conn, data), TIMEOUT)
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


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time a process (all its threads) has used, from /proc; None when unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(
    latencies: list[float], errors: list[str], wall: float, cpu: tuple[float | None, float | None] = (None, None)
) -> dict[str, Any]:
    """The figures of one batch from ``drive``: requests, errors, p50/p99/max ms, requests/s, seconds, and
    the server's CPU ms per answered request when ``cpu`` holds its CPU seconds before and after."""
    ms = sorted(x * 1000 for x in latencies)
    used = cpu[1] - cpu[0] if cpu[0] is not None and cpu[1] is not None else None
    return {
        "requests": len(latencies) + sum(1 for e in errors if not e.startswith("HTTP")),
        "errors": len(errors),
        "p50_ms": round(pct(ms, 50), 2),
        "p99_ms": round(pct(ms, 99), 2),
        "max_ms": round(ms[-1], 2) if ms else float("nan"),
        "rps": round(len(latencies) / wall, 1) if wall > 0 else 0.0,
        "seconds": round(wall, 2),
        # the server's CPU time per answered request: comparable across runs even on a busy machine
        "server_cpu_ms": round(used * 1000 / len(latencies), 2) if used is not None and latencies else None,
        "first_errors": errors[:5],
    }


def _warm(host: str, port: int, queries: Sequence[str]) -> None:
    """Ask every dev query once, so "repeated" queries are cache hits as they would be on a busy server."""
    asyncio.run(drive(host, port, [request(host, q) for q in queries], 1, 60.0))


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
        reqs = [request(host, q) for q, _ in mix]
        before = cpu_seconds(server_pid)
        latencies, errors, wall = asyncio.run(drive(host, port, reqs, c, duration_cap))
        rows.append({"concurrency": c, **summary(latencies, errors, wall, (before, cpu_seconds(server_pid)))})
    return rows


def cached_vs_new(url: str, n: int = 150, seed: int = 99, server_pid: int | None = None) -> dict[str, dict[str, Any]]:
    """At concurrency 1: latency of dev queries already asked (answer cached) against never-seen ones."""
    host, port = loopback_address(url)
    queries = dev_queries()
    _warm(host, port, queries)
    rng = random.Random(seed)
    token = run_token()
    kinds = {
        "cached": [rng.choice(queries) for _ in range(n)],
        "new": [f"{rng.choice(queries)} {token}{i}" for i in range(n)],
    }
    out = {}
    for kind, qs in kinds.items():
        before = cpu_seconds(server_pid)
        latencies, errors, wall = asyncio.run(drive(host, port, [request(host, q) for q in qs], 1, DURATION_CAP))
        out[kind] = summary(latencies, errors, wall, (before, cpu_seconds(server_pid)))
    return out


# ---------------------------------------------------------------- a server of our own


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
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
