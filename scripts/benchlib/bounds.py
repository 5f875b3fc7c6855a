"""A query's costs against their bound, each measured in the same run as it, the two sides in turns.

A query cannot cost less than encoding it: every floor here is a ratio to that bound, measured in the
same run on the same CPU, so it holds on any machine. The machine is shared, so each measurement and
its bound run alternately (A, B, A, B, ...) and each round gives a ratio; a row shows the medians of
both sides, the median of the rounds' ratios and their range.

- cold ``papersearch ask`` against ``scripts/floor_query.py`` (onnxruntime, tokenizers and numpy, the
  index's ONNX model, one question encoded, the best rows of ``vectors.npy``): CPU and peak RSS;
- new queries at c=8: the server's CPU a request against the encoder alone (one onnxruntime thread,
  in this process) on the texts the service encoded, weighted by the batch sizes it formed (its log);
- a new query at c=1 over HTTP against ``Searcher.search`` (encoder and ranking) in this process, p50; and
  the CPU of both (the server's and the client's against this process's), which a busy machine moves far
  less than it moves the p50s;
- ranking with the query's vector cached against encoding it, p50, query by query;
- ``search_papers`` through the MCP SDK's client against the same new queries over HTTP, p50; and the
  CPU of both (a call's, client and server in this process, against a request's, server and client);
- ``papersearch mcp`` started and first called against a cold ``papersearch ask``.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import numpy as np

from papersearch.core.settings import Settings
from papersearch.encode.onnx_query import OnnxQueryEncoder
from papersearch.index import layout, store
from papersearch.query.searcher import Searcher

from . import load, mcp
from .report import BIN, QUESTION, ROOT, Plan, Report, commands, load_queries, med, run, shown, table
from .units import pct

FLOOR_SCRIPT = ROOT / "scripts" / "floor_query.py"
BATCHES = range(1, 9)  # the batch sizes the encoder alone is timed at (the service forms 1 to 8)
Row = tuple[str, str, str, list[float], str, float | None]  # what, ours, the bound, rounds' ratios, floor, at most


class Recording:
    """A query encoder that keeps every text it encodes and its vector (to replay them, or time them alone)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.vectors: dict[str, np.ndarray] = {}

    def encode_query(self, text: str) -> np.ndarray:
        vec: np.ndarray = self.inner.encode_query(text)
        self.vectors[text] = vec
        return vec


class Replaying:
    """A query encoder that gives back vectors recorded before: ranking with every vector cached."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def encode_query(self, text: str) -> np.ndarray:
        return self.vectors[text]


def new_queries(n: int, tag: str) -> list[str]:
    """``n`` dev queries with a number no run used before: new to every cache, so each is encoded."""
    base = [q["query"] for q in load_queries()]
    token = load.run_token()
    return [f"{base[i % len(base)]} {token}{tag}{i}" for i in range(n)]


def encoded_texts(data: Any, settings: Settings, queries: list[str], encoder: Any) -> dict[str, np.ndarray]:
    """The texts a search of each query encodes (its topic, and what an order names), with their vectors."""
    recording = Recording(encoder)
    searcher = Searcher(data, settings, recording)
    for q in queries:
        searcher.search(q)
    return recording.vectors


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def bounds(report: Report, plan: Plan, work: Path, index: Path) -> None:
    """The section "A query against its bound" and its floors, every ratio measured in this run."""
    rows: list[Row] = []
    rows += cold_rows(plan, index)
    rows += service_rows(plan, work, index)
    rows += ranking_rows(plan, index)
    rows += mcp_rows(plan, work, index)
    cpu = report_cpu()
    body = [
        (what, ours, bound, f"{med(ratios):.2f}× ({min(ratios):.2f}–{max(ratios):.2f})", floor)
        for what, ours, bound, ratios, floor, _ in rows
    ]
    report.add(
        f"## A query against its bound\n\nEach floor as a ratio to the bound a query cannot beat, both measured "
        f"in this run on this CPU ({cpu}), the two sides in turns, {plan.bound_rounds} rounds (the ratio: the "
        "median of the rounds' ratios, and their range). The bound is the encoder: `scripts/floor_query.py` for "
        "a cold query (onnxruntime, tokenizers and numpy, the index's ONNX model, one question, the best rows of "
        "`vectors.npy`: the 25 lines any search must run), and `OnnxQueryEncoder` alone, in this process, for a "
        "warm one. New queries are dev queries with a number no run used (so every one is encoded; its tokens "
        "make them longer than the dev queries themselves). `scripts/benchlib/bounds.py` says how each is "
        "timed.\n\n"
        + commands(
            [
                shown([BIN / "python", FLOOR_SCRIPT, index, QUESTION]),
                shown([BIN / "papersearch", "ask", QUESTION, "--index", index]),
                shown([BIN / "papersearch", "mcp", "--index", index]),
                f"python -m papersearch.serve --index {shown([index])}  (new queries at c=8 and c=1)",
            ]
        )
        + "\n"
        + table(["measure", "papersearch", "the bound, same run", "ratio (range over rounds)", "floor"], body)
    )
    for what, ours, bound, ratios, floor, most in rows:
        if most is None:  # a figure beside the floors, not one
            continue
        shown_bound = bound.split(" (")[0]
        report.floor(
            f"{what} / its bound ({cpu})", floor, f"{med(ratios):.2f}× ({ours} / {shown_bound})", med(ratios) <= most
        )


def report_cpu() -> str:
    """The CPU's model name, as every row names it."""
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def cold_rows(plan: Plan, index: Path) -> list[Row]:
    """Cold ``ask`` and the floor script in turns: CPU seconds and peak RSS, each round a pair."""
    ask = [BIN / "papersearch", "ask", QUESTION, "--index", index]
    floor = [BIN / "python", FLOOR_SCRIPT, index, QUESTION]
    for cmd in (ask, floor):
        run(cmd)  # unmeasured: the page cache holds the model files afterwards
    pairs = []
    for i in range(max(plan.cold_runs, 1) + 2):
        first, second = (ask, floor) if i % 2 == 0 else (floor, ask)
        a, b = run(first), run(second)
        pairs.append((a, b) if first is ask else (b, a))
    cpu = [a.cpu / f.cpu for a, f in pairs]
    rss = [a.rss_mb / f.rss_mb for a, f in pairs]
    ours_cpu, bound_cpu = med([a.cpu for a, _ in pairs]), med([f.cpu for _, f in pairs])
    ours_rss, bound_rss = med([a.rss_mb for a, _ in pairs]), med([f.rss_mb for _, f in pairs])
    return [
        ("cold `ask`, CPU", f"{ours_cpu:.3f} s", f"{bound_cpu:.3f} s (floor script)", cpu, "≤ 1.3×", 1.3),
        ("cold `ask`, peak RSS", f"{ours_rss:.0f} MB", f"{bound_rss:.0f} MB (floor script)", rss, "≤ 1.2×", 1.2),
    ]


def batch_weights(log: str) -> tuple[int, dict[int, float]]:
    """From the server's last "encoded N queries in M runs; runs of 1: a, 2: b, ..." line: the texts it
    encoded, and each batch size's share of them."""
    found = re.findall(r"encoded (\d+) queries in \d+ runs; runs of ([\d:, ]+)", log)
    if not found:
        raise SystemExit("bounds: the server logged no batch sizes at shutdown")
    total, sizes = found[-1]
    runs = {int(size): int(count) for size, count in (pair.split(": ") for pair in sizes.split(", "))}
    return int(total), {size: size * count / int(total) for size, count in runs.items()}


def encoder_alone(encoder: OnnxQueryEncoder, texts: list[str]) -> dict[int, float]:
    """CPU seconds a text of the encoder alone (this thread) at each batch size, over ``texts``."""
    cost = {}
    for size in BATCHES:
        n = len(texts) - len(texts) % size
        started = time.thread_time()
        for i in range(0, n, size):
            encoder.encode_texts(texts[i : i + size])
        cost[size] = (time.thread_time() - started) / max(n, 1)
    return cost


def service_rows(plan: Plan, work: Path, index: Path) -> list[Row]:
    """New queries at c=8 (server CPU against the encoder alone) and at c=1 (HTTP p50 against in process)."""
    settings = Settings.from_env(index=str(index))
    local = Searcher.load(index, settings=settings)  # as the server sets itself up: batching, two threads
    local.search("warm up the encoder")
    alone = OnnxQueryEncoder(store.version_dir(index) / layout.QUERY_ENCODER, threads=1)
    server_cpu: list[float] = []
    curves: list[dict[int, float]] = []
    log = work / "bounds-c8.log"
    with load.served(index, log) as (url, pid):
        host, port = load.loopback_address(url)
        for r in range(plan.bound_rounds):
            queries = new_queries(plan.bound_queries, f"c8r{r}")
            before = load.cpu_seconds(pid)
            lat, errors, wall = asyncio.run(load.drive(host, port, [load.request(host, q) for q in queries], 8, 120))
            summary = load.summary(lat, errors, wall, (before, load.cpu_seconds(pid)))
            if errors:
                raise SystemExit(f"bounds: {len(errors)} errors at c=8: {errors[:3]}")
            server_cpu.append(summary["server_cpu_ms"] / 1000)
            texts = list(encoded_texts(local.data, settings, queries[: max(8, len(queries) // 4)], alone))
            curves.append(encoder_alone(alone, texts))
    texts, weights = batch_weights(log.read_text(encoding="utf-8"))
    per_request = texts / (plan.bound_rounds * plan.bound_queries + 1)  # the server's warm-up query is one more
    bound = [per_request * sum(w * curve[size] for size, w in weights.items() if size in curve) for curve in curves]
    mean_batch = 1 / sum(w / size for size, w in weights.items())
    c1 = http_against_local(plan, work, index, local)
    return [
        (
            "new query at c=8: server CPU a request",
            f"{med(server_cpu) * 1e3:.2f} ms",
            f"{med(bound) * 1e3:.2f} ms (the encoder alone, {per_request:.2f} texts a request in runs of "
            f"{mean_batch:.1f} on average, as the service formed them)",
            [s / b for s, b in zip(server_cpu, bound, strict=True)],
            "≤ 1.3×",
            1.3,
        ),
        *c1,
    ]


def http_cpu(host: str, port: int, pid: int | None, queries: list[str]) -> tuple[list[float], float]:
    """``queries`` at c=1 over HTTP: their latencies, and the CPU seconds a request of the server (from /proc)
    and of this process, the client, together."""
    server, client = load.cpu_seconds(pid), time.process_time()
    lat, errors, _ = asyncio.run(load.drive(host, port, [load.request(host, q) for q in queries], 1, 120))
    client = time.process_time() - client
    after = load.cpu_seconds(pid)
    if errors:
        raise SystemExit(f"bounds: {len(errors)} errors at c=1: {errors[:3]}")
    if server is None or after is None:
        raise SystemExit("bounds: the server's CPU time cannot be read from /proc")
    return lat, (after - server + client) / len(queries)


def searched_cpu(local: Searcher, queries: list[str]) -> tuple[list[float], float]:
    """``Searcher.search`` of each of ``queries`` in this process: seconds each, and CPU seconds a query."""
    cpu = time.process_time()
    spent = [timed(lambda q=q: local.search(q)) for q in queries]
    return spent, (time.process_time() - cpu) / len(queries)


def http_against_local(plan: Plan, work: Path, index: Path, local: Searcher) -> list[Row]:
    """A new query at c=1 over HTTP against ``Searcher.search`` in this process (encoder and ranking): p50, and CPU."""
    n = max(plan.bound_queries // 4, 8)
    http, here, http_cpus, here_cpus = [], [], [], []
    with load.served(index, work / "bounds-c1.log") as (url, pid):
        host, port = load.loopback_address(url)
        for r in range(plan.bound_rounds):
            lat, cpu = http_cpu(host, port, pid, new_queries(n, f"c1r{r}"))
            http.append(pct(lat, 50))
            http_cpus.append(cpu)
            lat, cpu = searched_cpu(local, new_queries(n, f"c1l{r}"))
            here.append(pct(lat, 50))
            here_cpus.append(cpu)
    return [
        (
            "new query at c=1 over HTTP, p50",
            f"{med(http) * 1e3:.2f} ms",
            f"{med(here) * 1e3:.2f} ms (`Searcher.search` in process: encoder and ranking)",
            [h / s for h, s in zip(http, here, strict=True)],
            "≤ 1.2×",
            1.2,
        ),
        (
            "the same, CPU a request (the server's and the client's)",
            f"{med(http_cpus) * 1e3:.2f} ms",
            f"{med(here_cpus) * 1e3:.2f} ms (`Searcher.search` in process, CPU a query)",
            [h / s for h, s in zip(http_cpus, here_cpus, strict=True)],
            "—",
            None,
        ),
    ]


def ranking_rows(plan: Plan, index: Path) -> list[Row]:
    """Ranking with every vector cached against encoding the query, query by query, p50."""
    settings = Settings.from_env(index=str(index))
    base = Searcher.load(index, settings=settings)
    base.search("warm up the encoder")
    encoder = base.encoder
    ranked, encoded = [], []
    for r in range(plan.bound_rounds):
        queries = new_queries(max(plan.bound_queries // 2, 8), f"rk{r}")
        vectors = encoded_texts(base.data, settings, queries, encoder)
        searcher = Searcher(base.data, settings, Replaying(vectors))  # empty caches, every vector at hand
        searcher.search(queries[0])  # the query context is built on the first search
        texts = list(vectors)
        rank, enc = [], []
        for i, q in enumerate(queries[1:]):  # in turns: one ranking, then one of the texts encoded
            text = texts[i % len(texts)]
            rank.append(timed(lambda q=q, s=searcher: s.search(q)))
            enc.append(timed(lambda text=text: encoder.encode_query(text)))
        ranked.append(pct(rank, 50))
        encoded.append(pct(enc, 50))
    return [
        (
            "ranking at 49 papers, vector cached, p50",
            f"{med(ranked) * 1e3:.2f} ms",
            f"{med(encoded) * 1e3:.2f} ms (the encoder, as the service runs it)",
            [a / b for a, b in zip(ranked, encoded, strict=True)],
            "≤ 0.1×",
            0.1,
        )
    ]


def mcp_rows(plan: Plan, work: Path, index: Path) -> list[Row]:
    """``search_papers`` through the SDK's client against HTTP, new queries; ``papersearch mcp`` against ``ask``."""
    n = max(plan.bound_queries // 4, 8)
    through, whole, http, through_cpus, http_cpus = [], [], [], [], []
    with load.served(index, work / "bounds-mcp.log") as (url, pid):
        host, port = load.loopback_address(url)
        for r in range(plan.bound_rounds):
            spent, cpu = anyio.run(mcp.client_calls, index, new_queries(n, f"mcp{r}"))
            through.append(pct(spent, 50))
            through_cpus.append(cpu)
            full = {"neighbours": "full", "detail": "full"}
            whole.append(pct(anyio.run(mcp.client_calls, index, new_queries(n, f"mcf{r}"), full)[0], 50))
            lat, cpu = http_cpu(host, port, pid, new_queries(n, f"mh{r}"))
            http.append(pct(lat, 50))
            http_cpus.append(cpu)
    ask = [BIN / "papersearch", "ask", QUESTION, "--index", index]
    started, cold = [], []
    anyio.run(mcp.stdio_call, index, [])  # unmeasured: the page cache holds the SDK and the model afterwards
    for i in range(max(plan.cold_runs, 1)):
        for side in ("mcp", "ask") if i % 2 == 0 else ("ask", "mcp"):
            if side == "mcp":
                started.append(anyio.run(mcp.stdio_call, index, [])[1])
            else:
                cold.append(run(ask).wall)
    return [
        (
            "MCP `search_papers` through the SDK's client, new queries, p50",
            f"{med(through) * 1e3:.2f} ms",
            f"{med(http) * 1e3:.2f} ms (`GET /search`, c=1)",
            [a / b for a, b in zip(through, http, strict=True)],
            "≤ 1.3×",
            1.3,
        ),
        (
            "the same, CPU a call (client, server and search in one process)",
            f"{med(through_cpus) * 1e3:.2f} ms",
            f"{med(http_cpus) * 1e3:.2f} ms (`GET /search`, c=1, CPU a request: the server's and the client's)",
            [a / b for a, b in zip(through_cpus, http_cpus, strict=True)],
            "—",
            None,
        ),
        (
            "the same, `detail` and `neighbours` full (the HTTP record whole)",
            f"{med(whole) * 1e3:.2f} ms",
            f"{med(http) * 1e3:.2f} ms (`GET /search`, c=1)",
            [a / b for a, b in zip(whole, http, strict=True)],
            "—",
            None,
        ),
        (
            "`papersearch mcp` started and first call answered",
            f"{med(started):.2f} s",
            f"{med(cold):.2f} s (cold `ask`)",
            [a / b for a, b in zip(started, cold, strict=True)],
            "≤ 1.5×",
            1.5,
        ),
    ]
