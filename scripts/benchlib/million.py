"""A million papers served from one machine: one ``Searcher`` at 10,000 to 1,000,000 synthetic papers, measured.

For each size: a synthetic corpus in one bulk file (``scripts/synth_corpus.py N --bulk``, seed 0); an
index built in a process of its own (``python -m benchlib.million --build CORPUS INDEX``, its peak RSS
from ``/usr/bin/time``) by the real ``papersearch.index.build`` with ``RandomVectors`` standing in for
the model (a random unit 384-d vector per passage, seeded by its text: the vectors and the IVF index
have their real size, and no hour goes into the model; the query encoder is linked from the ONNX
export cache of a real build); the query vectors encoded beforehand by the version's own ONNX encoder,
in a process of their own (``--encode``); then, in a fresh process (``--measure INDEX``, which prints
JSON):

- start-up: ``Searcher.load`` trusting the verdict of the build's full check (what every file's
  sha256 was when the build checked it), and then a load that hashes every file (a service's);
- the service's start after the load (its one warm-up search, ``serve.live.warm_up``: a service
  answers no one before it; timed on its own as ``warm_up_ms``, what a first query costs without it),
  the first query after that start, then ``QUERIES`` hybrid searches with the query vectors looked
  up (the index's own cost), each text new (a number appended), none answered from a cache;
- memory after them (``RssAnon``, ``VmRSS``), then again once the real query encoder is open and
  has answered a few queries (what a service holds);
- recall@10 of the hybrid top ten against a full scan of both sides (the same code with every
  paper a candidate) over ``RECALL_QUERIES`` of the texts.

Random vectors have no clusters, so the nprobe tuned at build time means nothing; queries scan
``NPROBE`` cells, what the index tuned to on a million real-shaped vectors (docs/benchmarks.md).
Run alone (from ``scripts/``): ``python -m benchlib.million [--papers 10000 1000000]``. Indexes stay in
the work folder (``million-N``); a later run on the same corpus reuses them (the build says so).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from .report import MODULES, ROOT, Plan, Report, commands, growth, load_queries, machine, ratio, run, shown, table
from .units import GB, KB, MB, pct

MODEL = "bundled:all-MiniLM-L6-v2"
SIZES = (10_000, 100_000, 300_000, 1_000_000)
SMOKE_SIZES = (300, 900)
DIM = 384
NPROBE = 64
QUERIES = 1_000
RECALL_QUERIES = 200
ENCODER_QUERIES = 20  # searches with the real query encoder before the service's memory is read
FLOORS = {"anon_gb": 2.0, "rss_gb": 8.0, "p50": 2.0, "p99": 4.0, "first": 3.0, "load_s": 10.0, "build_gb": 4.0}
FLOORS.update(growth=1.1, recall=0.99)


class RandomVectors:
    """The stand-in for the model: a random unit vector per text, the same for the same text, at little cost."""

    dim = DIM

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
            out[i] = np.random.default_rng(seed).standard_normal(DIM, dtype=np.float32)
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


def texts(n: int) -> list[str]:
    """``n`` query texts, each new: the dev and blind queries in turn, each time with another number appended (six
    digits: never read as a year)."""
    base = [q["query"] for q in load_queries()]
    blind = ROOT / "tests" / "data" / "queries_blind.jsonl"
    base += [json.loads(line)["query"] for line in blind.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [f"{base[i % len(base)]} {100_000 + i}" for i in range(n)]


def million(report: Report, plan: Plan, work: Path, cache: Path, sizes: tuple[int, ...] | None = None) -> None:
    """Build, encode and measure at each size, each step a process of its own; adds the section and its floors."""
    sizes = tuple(sorted(sizes or (SMOKE_SIZES if plan.smoke else SIZES)))
    env = dict(MODULES)
    cmds: list[str] = []
    results = []
    for n in sizes:
        corpus = work / f"synth-{n}-bulk"
        if not (corpus / "papers.jsonl").is_file():
            gen = [sys.executable, ROOT / "scripts" / "synth_corpus.py", n, "--out", corpus, "--seed", "0", "--bulk"]
            cmds.append(shown(run(gen).cmd))
        index = work / f"million-{n}"
        if cache.is_dir() and not (index / ".cache").exists():  # copy2 keeps the times the export cache checks
            shutil.copytree(cache, index / ".cache", ignore=shutil.ignore_patterns(".tmp-*"))
        steps = [["--build", corpus, index], ["--encode", index], ["--measure", index]]
        if plan.smoke:  # the texts encoded are the texts measured: fewer of both
            steps[1] += ["--queries", 40]
            steps[2] += ["--queries", 40, "--recall", 10]
        outs = []
        for step in steps:
            cmd = [sys.executable, "-m", "benchlib.million", *step]
            outs.append(run(cmd, env=env))
            cmds.append(shown(cmd, {"PYTHONPATH": "scripts"}))
        res = json.loads(outs[2].out.strip().splitlines()[-1])
        res["build"] = {**json.loads(outs[0].out.strip().splitlines()[-1]), "rss_mb": outs[0].rss_mb}
        results.append(res)
        (work / "million.json").write_text(json.dumps(results, indent=1), encoding="utf-8")  # each size as it ends
    report.add(section(results, cmds))
    floors(report, results)


def _row(r: dict[str, Any]) -> tuple[str, ...]:
    b = r["build"]
    return (
        f"{r['papers']:,}",
        f"{r['passages']:,}",
        f"{b['seconds']:,.0f}" + (" (reused)" if b.get("unchanged") else ""),
        "—" if b.get("unchanged") else f"{b['rss_mb'] / KB:.2f}",
        f"{r['disk_gb']:.1f}",
        f"{r['load_s']:.2f} / {r['load_hashed_s']:.1f}",
        f"{r['first_ms']:.1f}",
        f"{r['p50']:.1f} / {r['p99']:.1f}",
        f"{r['anon_mb'] / KB:.2f} / {r['rss_mb'] / KB:.2f}",
        f"{r['anon_encoder_mb'] / KB:.2f} / {r['rss_encoder_mb'] / KB:.2f}",
        f"{r['recall']:.4f}",
    )


def section(results: list[dict[str, Any]], cmds: list[str]) -> str:
    """The section's Markdown: every size's figures, the commands, the machine's load while measuring."""
    head = [
        "papers",
        "passages",
        "build s",
        "build peak RSS GB",
        "disk GB",
        "load s: verdict / every file hashed",
        "first query ms",
        "p50 / p99 ms",
        "RssAnon / RSS GB after the queries",
        "the same with the query encoder open",
        "recall@10 vs full scan",
    ]
    last = results[-1]
    loads = ", ".join(f"{r['papers']:,}: {r['load'][0]:.1f}–{r['load'][1]:.1f}" for r in results)
    sizes = ", ".join(f"{r['papers']:,}" for r in results)
    return (
        f"## A million papers: one `Searcher` at {sizes} papers\n\n"
        "Measured, not extrapolated (`scripts/benchlib/million.py`): each index is the real build of a synthetic\n"
        "bulk corpus with random unit 384-d vectors standing in for the model; a fresh process loads it and runs\n"
        f"{last['queries']:,} hybrid searches (k=10), each text new, the query vectors looked up (encoded beforehand by\n"
        f"the version's ONNX encoder), nprobe {last['nprobe']}, one FAISS thread. Memory is read from `/proc/self/status`\n"
        "after those searches, then again once the real query encoder has answered a few (a service's). Recall\n"
        f"compares the top ten with a full scan of both sides over {last['recall_queries']} of the texts. Load averages\n"
        f"while measuring (the machine is shared: 2 cores): {loads}.\n\n"
        + table(head, [_row(r) for r in results])
        + "\n"
        + commands(cmds)
    )


def floors(report: Report, results: list[dict[str, Any]]) -> None:
    """The floors of the million section, judged on the smallest and largest sizes measured."""
    small, big = results[0], results[-1]
    at = f"at {big['papers']:,}"
    rep = report.floor
    rep(
        f"service RssAnon after the queries {at}",
        "≤ 2 GB",
        f"{big['anon_encoder_mb'] / KB:.2f} GB",
        big["anon_encoder_mb"] / KB <= FLOORS["anon_gb"],
    )
    rep(
        f"service RSS after the queries {at}",
        "≤ 8 GB",
        f"{big['rss_encoder_mb'] / KB:.2f} GB",
        big["rss_encoder_mb"] / KB <= FLOORS["rss_gb"],
    )
    for q, key in (("p50", "p50"), ("p99", "p99")):
        rep(
            f"hybrid {q} {at} / {small['papers']:,} (vectors looked up)",
            f"≤ {FLOORS[key]:.0f}×",
            f"{big[q]:.1f} / {small[q]:.1f} ms = {ratio(big[q], small[q])}",
            big[q] <= FLOORS[key] * small[q],
        )
    rep(
        f"first query after start {at} / a warm query",
        "≤ 3×",
        f"{big['first_ms']:.1f} / {big['p50']:.1f} ms = {ratio(big['first_ms'], big['p50'])} (the service's warm-up "
        f"search, its start's last step: {big.get('warm_up_ms', float('nan')):.1f} ms)",
        big["first_ms"] <= FLOORS["first"] * big["p50"],
    )
    rep(
        f"start-up (load) {at}",
        "≤ 10 s",
        f"{big['load_s'] + big.get('warm_up_ms', 0) / 1000:.2f} s with the warm-up search (hashing every file: "
        f"{big['load_hashed_s']:.1f} s)",
        big["load_s"] + big.get("warm_up_ms", 0) / 1000 <= FLOORS["load_s"],
    )
    built = [r for r in results if not r["build"].get("unchanged")]
    if big in built:
        rep(
            f"build peak RSS {at}",
            "≤ 4 GB",
            f"{big['build']['rss_mb'] / KB:.2f} GB",
            big["build"]["rss_mb"] / KB <= FLOORS["build_gb"],
        )
    exponent = growth([r["papers"] for r in results], [r["build"]["seconds"] for r in results])
    rep("build time growth exponent", "≤ 1.1", f"{exponent:.2f}", exponent <= FLOORS["growth"])
    rep(f"recall@10 against a full scan {at}", "≥ 0.99", f"{big['recall']:.4f}", big["recall"] >= FLOORS["recall"])


# ------------------------------------------------------------------------------------------ the processes
def build_main(corpus: Path, index: Path) -> None:
    """``--build``: the real build with random vectors; prints its figures as JSON."""
    from papersearch.index import layout, store
    from papersearch.index.build import build

    report = build(corpus, index, MODEL, embedder_factory=RandomVectors)
    manifest = layout.read_manifest(store.version_dir(index))
    seconds = manifest["build_seconds"] if report.unchanged else report.seconds
    out = {"papers": report.papers, "seconds": seconds, "unchanged": report.unchanged}
    stages = {"stages": manifest.get("build_stages", {}), "cpu_stages": report.cpu_stages}  # CPU: this run's alone
    print(json.dumps({**out, **stages, "vector_index": manifest["vector_index"]}))


def encode_main(index: Path, n: int) -> None:
    """``--encode``: every vector the searches of ``texts(n)`` ask for (their topics, the words that name a paper an
    order is about), by the version's own query encoder, into ``queries.json`` and ``queries.npy`` beside the index."""
    os.environ["PAPERSEARCH_NPROBE"] = str(NPROBE)
    from papersearch.query.searcher import Searcher
    from papersearch.serve.live import warm_up

    searcher = Searcher.load(index, trust_verdict=True)
    asked: dict[str, np.ndarray] = {}
    real = searcher.embed_query
    searcher.embed_query = lambda text: asked.setdefault(text, real(text))  # type: ignore[method-assign]
    warm_up(searcher)  # the vectors of the service's own warm-up search too (``measure`` starts as a service does)
    for text in texts(n):
        searcher.scores(searcher.request(text, k=10))
    (index / "queries.json").write_text(json.dumps(list(asked)), encoding="utf-8")
    np.save(index / "queries.npy", np.stack(list(asked.values())))
    print(json.dumps({"queries": n, "vectors": len(asked)}))


def encoded(index: Path) -> dict[str, np.ndarray]:
    """The vectors ``--encode`` stored beside ``index``, by the text they encode: what a search there looks up."""
    known = json.loads((index / "queries.json").read_text(encoding="utf-8"))
    return dict(zip(known, np.load(index / "queries.npy"), strict=True))


def _status() -> dict[str, float]:
    """This process's RssAnon and VmRSS, in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return {key: int(fields[key].split()[0]) * KB / MB for key in ("RssAnon", "VmRSS")}


def measure_main(index: Path, n: int, n_recall: int) -> None:
    """``--measure``: load, the first query, ``n`` timed searches, memory, recall; prints JSON."""
    os.environ["PAPERSEARCH_NPROBE"] = str(NPROBE)
    from papersearch.index import store
    from papersearch.query import candidates
    from papersearch.query.searcher import Searcher
    from papersearch.serve.live import warm_up

    asked = texts(n)
    vectors = encoded(index)
    started = time.perf_counter()
    searcher = Searcher.load(index, trust_verdict=True)
    load_s = time.perf_counter() - started
    searcher.embed_query = vectors.__getitem__  # type: ignore[method-assign]
    started = time.perf_counter()
    warm_up(searcher)  # what a service does before it answers anyone (``serve.live``): its start-up's last step
    warm_up_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    searcher.search(asked[0], k=10)
    first_ms = (time.perf_counter() - started) * 1000
    load = [os.getloadavg()[0]]
    times, cached = [], 0
    for text in asked[1:]:
        started = time.perf_counter()
        cached += int(searcher.search(text, k=10)["cached"])
        times.append((time.perf_counter() - started) * 1000)
    load.append(os.getloadavg()[0])
    if cached:
        raise SystemExit(f"{cached} answers came from the cache")
    after = _status()
    del searcher.embed_query  # the real query encoder, as a service holds it
    for text in texts(n + ENCODER_QUERIES)[n:]:
        searcher.search(text, k=10)
    service = _status()
    recall = _recall(searcher, candidates, asked[:n_recall], vectors)
    data = searcher.data
    vdir = store.version_dir(index)
    disk = sum(p.stat().st_size for p in vdir.rglob("*") if p.is_file()) / GB
    del searcher
    started = time.perf_counter()
    Searcher.load(index)  # a service's load: every file hashed, whatever the verdict
    hashed_s = time.perf_counter() - started
    out = {"papers": len(data.records), "passages": len(data.passages), "nprobe": NPROBE, "queries": n}
    out.update(recall_queries=n_recall, load_s=load_s, load_hashed_s=hashed_s, warm_up_ms=warm_up_ms, first_ms=first_ms)
    out.update(load=load)
    out.update(p50=pct(times, 50), p99=pct(times, 99), mean=float(np.mean(times)), recall=recall, disk_gb=disk)
    out.update(anon_mb=after["RssAnon"], rss_mb=after["VmRSS"])
    out.update(anon_encoder_mb=service["RssAnon"], rss_encoder_mb=service["VmRSS"])
    print(json.dumps(out))


def _recall(searcher: Any, candidates: Any, asked: list[str], vectors: dict[str, np.ndarray]) -> float:
    """Mean share of the full scan's hybrid top ten that the candidate path's top ten holds."""
    ranker, found = searcher._ranker, []
    for text in asked:
        request = searcher.request(text, k=10)
        fast = ranker.results(request, vectors.__getitem__, "v")["results"]
        keep = candidates.LEXICAL_CANDIDATES
        candidates.LEXICAL_CANDIDATES = 10**12  # every paper a candidate: the full scan
        try:
            full = ranker.results(request, vectors.__getitem__, "v")["results"]
        finally:
            candidates.LEXICAL_CANDIDATES = keep
        ids = {h["id"] for h in full}
        found.append(len(ids & {h["id"] for h in fast}) / max(1, len(ids)))
    return float(np.mean(found))


def main(argv: list[str] | None = None) -> int:
    """This section alone: the machine, then the figures, printed as Markdown."""
    ap = argparse.ArgumentParser(description="The million-paper serving benchmark alone.")
    ap.add_argument("--papers", type=int, nargs="+", help=f"synthetic corpus sizes (default {SIZES})")
    ap.add_argument("--smoke", action="store_true", help=f"tiny sizes {SMOKE_SIZES}, few queries")
    ap.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument(
        "--cache", type=Path, help="an index's .cache folder (its ONNX export); else a real build makes one"
    )
    ap.add_argument("--build", nargs=2, type=Path, metavar=("CORPUS", "INDEX"), help=argparse.SUPPRESS)
    ap.add_argument("--encode", type=Path, metavar="INDEX", help=argparse.SUPPRESS)
    ap.add_argument("--measure", type=Path, metavar="INDEX", help=argparse.SUPPRESS)
    ap.add_argument(
        "--stages",
        nargs="+",
        type=Path,
        metavar="INDEX",
        help="each stage of a query timed over every INDEX in turn, in one process (benchlib.stages; after --encode)",
    )
    ap.add_argument(
        "--revector",
        nargs=2,
        type=Path,
        metavar=("SRC", "DST"),
        help="a new index DST: SRC's version with only its vector index rebuilt by this code (benchlib.revector)",
    )
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("FP16", "SQ8"), help=argparse.SUPPRESS)
    ap.add_argument("--ivf", nargs=2, type=Path, metavar=("MATRIX", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--queries", type=int, default=QUERIES, help=argparse.SUPPRESS)
    ap.add_argument("--recall", type=int, default=RECALL_QUERIES, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.revector:
        from .revector import revector

        print(json.dumps(revector(*args.revector)))
    elif args.compare:
        from .revector import compare

        print(json.dumps(compare(*args.compare)))
    elif args.ivf:
        from .revector import ivf_main

        ivf_main(*args.ivf)
    elif args.build:
        build_main(*args.build)
    elif args.encode:
        encode_main(args.encode, args.queries)
    elif args.measure:
        measure_main(args.measure, args.queries, args.recall)
    elif args.stages:
        from .stages import stages_main

        print(json.dumps(stages_main(args.stages, args.queries, texts, NPROBE)))
    else:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        plan = Plan.for_smoke() if args.smoke else Plan(smoke=False)
        report = Report()
        machine(report, plan)
        work = args.workdir.resolve()
        work.mkdir(parents=True, exist_ok=True)
        from .build import export_cache

        million(report, plan, work, export_cache(work, args.cache), tuple(args.papers) if args.papers else None)
        print("\n".join(report.sections))
        print(
            table(
                ["what", "floor", "measured", "met"],
                [(w, f, m, "yes" if ok else "**no**") for w, f, m, ok in report.floors],
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
