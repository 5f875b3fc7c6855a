"""The MCP server: a warm tool call in process, and ``papersearch mcp`` started and first called.

``mcp_server`` times ``search_papers`` over the dev queries, new and repeated, three ways in one
process, one way after the other: ``Searcher.search`` itself (the baseline), the server's own
``call_tool`` (arguments, the search, the result and its check against the output schema), and a
whole call through the SDK's client (JSON-RPC over memory streams, the client's own check of the
result against the schema). Each way has a ``Searcher`` of its own, so that none answers from
another's cache, and all share one query encoder: three ONNX sessions' thread pools would spin
against each other on two cores (a new query took 13 ms instead of 3), as calls of the three ways
in turn did beside the one pool's spinning threads (10 ms). It then starts ``papersearch mcp`` as an agent's client would, several times, and
times the start, the handshake and the first call, against a cold ``papersearch ask`` of the same
question; and times warm calls over that process's pipes. Run alone (from ``scripts/``):
``python -m benchlib.mcp --index DIR [--smoke]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import anyio

from .report import (
    BIN,
    QUESTION,
    Plan,
    Report,
    commands,
    load_queries,
    machine,
    med,
    ratio,
    run,
    shown,
    spread,
    table,
)
from .units import pct

STDIO_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def _ms(xs: list[float], q: float) -> str:
    return f"{pct(xs, q) * 1e3:.2f}"


async def _warm(index: Path, queries: list[str], repeats: int) -> dict[str, dict[str, list[float]]]:
    """Seconds per call for each way (direct, server, client), new queries then repeated ones."""
    from mcp import Client

    from papersearch.agent.server import build_server
    from papersearch.query.searcher import Searcher

    direct = Searcher.load(index)
    direct.search("warm up the encoder and the caches")

    def sibling() -> Searcher:  # caches of its own, the same query encoder (one ONNX session, one thread pool)
        searcher = Searcher.load(index, encoder=direct.loaded_encoder)
        searcher.search("warm up the caches")
        return searcher

    by_server, by_client = sibling(), sibling()
    server = build_server(lambda: by_server)
    times: dict[str, dict[str, list[float]]] = {w: {"new": [], "repeated": []} for w in ("direct", "server", "client")}
    async with Client(build_server(lambda: by_client), mode="legacy") as client:
        await client.list_tools()  # the client reads the output schemas once
        await client.call_tool("search_papers", {"query": "warm up the client"})

        async def call(way: str, q: str) -> None:
            if way == "direct":
                direct.search(q)
            elif way == "server":
                assert not getattr(await server.call_tool("search_papers", {"query": q}), "is_error", True), q
            else:
                assert not (await client.call_tool("search_papers", {"query": q})).is_error, q

        for kind, rounds in (("new", 1), ("repeated", repeats)):
            for way, spent in times.items():  # one way at a time (see the module's docstring)
                for _ in range(rounds):
                    for q in queries:
                        t = time.perf_counter()
                        await call(way, q)
                        spent[kind].append(time.perf_counter() - t)
    return times


async def stdio_call(index: Path, queries: list[str]) -> tuple[float, float, list[float]]:
    """One ``papersearch mcp``: seconds to the end of the handshake, to the first call's answer; then warm calls."""
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    env = STDIO_ENV | ({"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {})
    params = StdioServerParameters(command=str(BIN / "papersearch"), args=["mcp", "--index", str(index)], env=env)
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        async with stdio_client(params, errlog=quiet) as streams, ClientSession(*streams) as session:
            await session.initialize()
            ready = time.perf_counter() - started
            first = await session.call_tool("search_papers", {"query": QUESTION})
            answered = time.perf_counter() - started
            assert not first.is_error, first.content
            warm = []
            for q in queries:
                t = time.perf_counter()
                await session.call_tool("search_papers", {"query": q})
                warm.append(time.perf_counter() - t)
    return ready, answered, warm


async def client_calls(
    index: Path, queries: list[str], arguments: dict[str, Any] | None = None
) -> tuple[list[float], float]:
    """Seconds each ``search_papers`` of ``queries`` takes through the SDK's client (JSON-RPC in memory), over a
    ``Searcher`` of its own set up as a service sets up its own; ``arguments`` besides the query. Also the
    process's CPU seconds a call (client, server and search all run here), the calls alone."""
    from mcp import Client

    from papersearch.agent.server import build_server
    from papersearch.query.searcher import Searcher

    searcher = Searcher.load(index)
    spent = []
    async with Client(build_server(lambda: searcher), mode="legacy") as client:
        await client.list_tools()  # the client reads the output schemas once
        await client.call_tool("search_papers", {"query": "warm up the encoder and the client"})
        cpu = time.process_time()
        for q in queries:
            t = time.perf_counter()
            assert not (await client.call_tool("search_papers", {"query": q, **(arguments or {})})).is_error, q
            spent.append(time.perf_counter() - t)
        cpu = time.process_time() - cpu
    return spent, cpu / max(len(queries), 1)


def mcp_server(report: Report, plan: Plan, index: Path) -> dict[str, float]:
    """The section "The MCP server" and its floors; returns the figures the floors were judged on."""
    queries = [q["query"] for q in load_queries()][: plan.bound_queries if plan.smoke else None]
    print(
        f"$ python: search_papers through build_server(Searcher.load({shown([index])})) for {len(queries)} dev queries"
    )
    warm = anyio.run(_warm, index, queries, plan.repeats)
    base = {kind: pct(warm["direct"][kind], 50) for kind in ("new", "repeated")}
    labels = {
        "direct": "`Searcher.search` (baseline)",
        "server": "`MCPServer.call_tool` (the server alone)",
        "client": "through the SDK's client (JSON-RPC in memory)",
    }
    rows = [
        (labels[way], kind, len(xs), _ms(xs, 50), _ms(xs, 99), ratio(pct(xs, 50), base[kind]))
        for kind in ("new", "repeated")
        for way, by_kind in warm.items()
        for xs in [by_kind[kind]]
    ]
    cmd = [BIN / "papersearch", "mcp", "--index", index]
    ask = [BIN / "papersearch", "ask", QUESTION, "--index", index]
    starts: list[tuple[float, float]] = []
    piped: list[float] = []
    runs = max(1, plan.cold_runs)
    anyio.run(stdio_call, index, queries[:2])  # unmeasured: the page cache holds the model files afterwards
    for i in range(runs):
        print(f"$ {shown(cmd)}  (an MCP client: start, initialize, call search_papers; run {i + 1} of {runs})")
        ready, answered, warm_calls = anyio.run(stdio_call, index, queries)
        starts.append((ready, answered))
        piped += warm_calls
    run(ask)
    cold = [run(ask).wall for _ in range(runs)]
    first = [a for _, a in starts]
    start_rows = [
        ("`papersearch mcp`: started, handshake done", spread([r for r, _ in starts], unit=" s"), runs, "—"),
        (
            "`papersearch mcp`: first `search_papers` answered",
            spread(first, unit=" s"),
            runs,
            ratio(med(first), med(cold)),
        ),
        ("`papersearch ask` (baseline: a cold one-shot query)", spread(cold, unit=" s"), runs, "1.00×"),
    ]
    report.add(
        "## The MCP server\n\n"
        f"`search_papers` in one warm process over the {len(queries)} dev queries, each once (new), then all of them\n"
        f"{plan.repeats} more times (repeated, answered from the cache of recent answers); three ways, one after the\n"
        "other, each over a `Searcher` of its own (one query encoder for the three). Baseline: `Searcher.search`\n"
        "itself. The server's share is its `call_tool` (arguments, search, result, its check against the output\n"
        "schema); a call through the SDK's client adds JSON-RPC messages and the client's own check of the result\n"
        "against the output schema (`jsonschema`, in Python: ~2 ms for ten hits in brief, the default;\n"
        "~4 ms with `detail: full`).\n\n"
        + table(["way", "query", "calls", "p50 ms", "p99 ms", "p50 vs baseline"], rows)
        + f"\n`papersearch mcp` started by the SDK's stdio client, {runs} times after one unmeasured run: until the\n"
        "handshake is done, and until the first `search_papers` is answered; baseline: a cold `papersearch ask`\n"
        "of the same question. Then the dev queries as warm calls over the process's pipes.\n\n"
        + commands([shown(cmd), shown(ask)])
        + "\n"
        + table(["", "wall s, median (range)", "runs", "vs baseline"], start_rows)
        + "\nWarm `search_papers` over the pipes of `papersearch mcp`, new queries:"
        f" p50 {_ms(piped, 50)} ms, p99 {_ms(piped, 99)} ms ({len(piped)} calls).\n"
    )
    server_new, client_new = pct(warm["server"]["new"], 50) * 1e3, pct(warm["client"]["new"], 50) * 1e3
    # its floors are ratios to the HTTP API and to a cold ask, in the same run (section "A query against its bound")
    return {"server_new_p50_ms": server_new, "client_new_p50_ms": client_new, "stdio_first_s": med(first)}


def main(argv: list[str] | None = None) -> int:
    """This section alone: the machine, then the MCP figures, printed as Markdown."""
    ap = argparse.ArgumentParser(description="The MCP server's benchmark alone.")
    ap.add_argument("--index", type=Path, required=True, help="an index of the real corpus")
    ap.add_argument("--smoke", action="store_true", help="one start, one repeat")
    args = ap.parse_args(argv)
    plan = Plan.for_smoke() if args.smoke else Plan(smoke=False)
    report = Report()
    machine(report, plan)
    figures: dict[str, Any] = mcp_server(report, plan, args.index.resolve())
    print("\n".join(report.sections))
    print(
        table(
            ["what", "floor", "measured", "met"],
            [(w, f, m, "yes" if ok else "**no**") for w, f, m, ok in report.floors],
        )
    )
    print(figures, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
