"""Serving at scale: what one loaded ``Searcher`` holds, and how fast it answers, on synthetic corpora.

1 M papers (6.6 M vectors: a 10 GB float32 matrix and about 10 GB of IVF) do not fit this machine,
so ``serving`` measures at sizes that do (10,000 and 100,000 papers by default) and extrapolates
linearly to 1,000,000 (a least-squares line), saying so. For each size: a synthetic corpus
(``scripts/synth_corpus.py``, seed 0); an index built in a process of its own
(``python -m benchlib.serving --build CORPUS INDEX``) by the real
``papersearch.index.build`` with ``RandomVectors`` standing in for the model: a random unit 384-d
float32 vector per passage, seeded from the passage's text, so ``vectors.npy`` and the IVF index
have the real shape and size without hours in the model (the query encoder is linked from the ONNX
export cache of a real build, as in ``benchlib.memory``). Then, in a fresh process
(``--measure INDEX``, which prints JSON): ``Searcher.load`` with the RSS (VmRSS, VmHWM) read after
each part ``reader.read_version`` loads, then hybrid ``search(q, k=10)`` over the dev queries, each
with a fresh number appended so no cache answers, once with the real ONNX query encoder and once
with the query vectors looked up from a table filled beforehand (the index's cost alone).

Random vectors are the worst case for an IVF index (no clusters), so the nprobe tuned at build time
means nothing here; queries scan ``NPROBE`` cells, what the index tuned to on a million real-shaped
vectors (docs/benchmarks.md). Run alone (from ``scripts/``):
``python -m benchlib.serving [--papers 10000 100000] [--cache INDEX/.cache]``. The indexes stay in the
work folder (``serving-N``): a later run on the same corpus reuses them and only measures again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from papersearch.index import integrity, layout, reader, store

from .report import MODULES, ROOT, Plan, Report, commands, load_queries, machine, run, shown, table
from .units import KB, MB, pct, process_mb

MODEL = "bundled:all-MiniLM-L6-v2"
SIZES = (10_000, 100_000)
SMOKE_SIZES = (200, 600)
TARGET = 1_000_000  # papers the figures are extrapolated to
DIM = 384
NPROBE = 64  # cells an IVF query scans: as tuned on a million real-shaped vectors (docs/benchmarks.md)
BUSY_LOAD = 1.5  # a load average above this while timing (the timing itself is ~1): latencies not publishable
ROUNDS = 2  # timed passes over the dev queries, each with fresh numbers
FILES = (
    layout.VECTORS,
    layout.VECTOR_INDEX,
    layout.LEXICAL,
    layout.DATABASE,
    layout.COLUMNS,
    layout.VOCABULARY,
    layout.QUERY_ENCODER,
)


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


def serving(
    report: Report, plan: Plan, work: Path, cache: Path, sizes: tuple[int, ...] | None = None
) -> dict[str, float]:
    """Build and measure a searcher at each size, each build and each measurement a process of its own;
    adds the section. Returns the extrapolated searcher RSS (MB) and p50 (ms) at ``TARGET`` papers."""
    sizes = tuple(sorted(sizes or (SMOKE_SIZES if plan.smoke else SIZES)))
    env = dict(MODULES)
    cmds: list[str] = []
    results = []
    started = time.perf_counter()
    for n in sizes:
        corpus = work / f"synth-{n}"  # the pipeline's and the memory section's, when they wrote this size
        if not (corpus / "papers").is_dir():
            gen = [sys.executable, ROOT / "scripts" / "synth_corpus.py", n, "--out", corpus, "--seed", "0"]
            cmds.append(shown(run(gen).cmd))
        index = work / f"serving-{n}"  # kept: a later run with the same corpus reuses it (the build says so)
        if cache.is_dir():  # copy2 keeps the times the export cache checks
            shutil.copytree(cache, index / store.CACHE, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".tmp-*"))
        build_cmd = [sys.executable, "-m", "benchlib.serving", "--build", corpus, index]
        built = run(build_cmd, env=env)
        measure_cmd = [sys.executable, "-m", "benchlib.serving", "--measure", index]
        if plan.smoke:
            measure_cmd += ["--queries", 20, "--rounds", 1]
        measured = run(measure_cmd, env=env)
        cmds += [shown(build_cmd, {"PYTHONPATH": "scripts"}), shown(measure_cmd, {"PYTHONPATH": "scripts"})]
        res = json.loads(measured.out.strip().splitlines()[-1])
        res["build"] = json.loads(built.out.strip().splitlines()[-1])
        res["build"].update(rss_mb=built.rss_mb, wall=built.wall)
        res["disk"] = disk_sizes(store.version_dir(index))
        res["wall"] = measured.wall
        results.append(res)
    (work / "serving.json").write_text(json.dumps(results, indent=1), encoding="utf-8")  # the raw figures
    seconds = time.perf_counter() - started
    figures = _figures(results)
    report.add(_section(sizes, results, figures, cmds, seconds))
    return {"rss_mb_at_1m": figures["RSS after loading"][1], "p50_ms_at_1m": figures["p50 hybrid, ONNX encoder"][1]}


def disk_sizes(vdir: Path) -> dict[str, float]:
    """MB on disk of each file (a folder: its files together) of one version."""
    out = {}
    for name in FILES:
        path = vdir / name
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path] if path.is_file() else []
        out[name] = sum(p.stat().st_size for p in files) / MB
    out["whole version"] = sum(p.stat().st_size for p in vdir.rglob("*") if p.is_file()) / MB
    return out


def extrapolate(papers: list[int], values: list[float], base: float = 0.0) -> tuple[float, float]:
    """(growth a paper, value at ``TARGET`` papers) of a straight line: least squares through the sizes
    measured, or through (0, ``base``) and the one size when there is only one."""
    if len(papers) > 1:
        slope, intercept = np.polyfit(papers, values, 1)
    else:
        slope, intercept = (values[0] - base) / papers[0], base
    return float(slope), float(intercept + slope * TARGET)


def _figures(results: list[dict[str, Any]]) -> dict[str, tuple[float, float, list[float], str]]:
    """Each figure's (growth a paper, extrapolation to TARGET, value at each size, unit).

    With one size, what does not grow with the corpus (the query encoder, the interpreter and its
    libraries) is the line's value at 0 papers; with more, the fitted line finds it."""
    papers = [r["papers"] for r in results]
    first = results[0]
    rows: dict[str, tuple[list[float], float, str]] = {}  # name -> values, value at 0 papers, unit
    encoder_disk = first["disk"][layout.QUERY_ENCODER]
    for name in [*FILES, "whole version"]:
        zero = {layout.QUERY_ENCODER: encoder_disk, "whole version": encoder_disk}.get(name, 0.0)
        rows[f"disk: {name}"] = ([r["disk"][name] for r in results], zero, "MB")
    for label in results[-1]["step_mb"]:
        values = [r["step_mb"].get(label, 0.0) for r in results]
        rows[f"memory: {label}"] = (values, values[0] if label == ENCODER_STEP else 0.0, "MB")
    for name in results[-1]["arrays"]:
        rows[f"nbytes: {name}"] = ([r["arrays"][name] for r in results], 0.0, "MB")
    base, encoder = first["rss_before_mb"], first["step_mb"][ENCODER_STEP]
    for key, name, zero in (
        ("rss_loaded_mb", "RSS after loading", base),
        ("hwm_loaded_mb", "peak RSS while loading", base),
        ("rss_plan_mb", "RSS after opening the query encoder and building the plan context", base + encoder),
        ("rss_end_mb", "RSS after the queries", base + encoder),
        ("hwm_end_mb", "peak RSS", base + encoder),
    ):
        rows[name] = ([r[key] for r in results], zero, "MB")
    rows["seconds to load"] = ([r["load_s"] for r in results], 0.0, "s")
    rows["seconds to build the plan context"] = ([r["plan_s"] for r in results], 0.0, "s")
    for mode, label in (("encoder", "ONNX encoder"), ("lookup", "vectors looked up")):
        for q in ("p50", "p99"):
            rows[f"{q} hybrid, {label}"] = ([r["latency"][mode][q] for r in results], 0.0, "ms")
    out = {}
    for name, (values, zero, unit) in rows.items():
        slope, at = (0.0, float(np.mean(values))) if name in FIXED else extrapolate(papers, values, zero)
        out[name] = (slope, at, values, unit)
    return out


def _section(
    sizes: tuple[int, ...],
    results: list[dict[str, Any]],
    figures: dict[str, tuple[float, float, list[float], str]],
    cmds: list[str],
    seconds: float,
) -> str:
    last = results[-1]
    fit = "a least-squares line through the sizes measured" if len(sizes) > 1 else "a line through the one size"
    loads = [x for r in results for x in r["load"]]
    busy = max(loads) > BUSY_LOAD
    warn = " **(machine busy: not publishable)**" if busy else ""

    def rows(prefix: str, strip: bool = True) -> list[tuple[str, ...]]:
        out = []
        for name, (slope, at, values, unit) in figures.items():
            if name.startswith(prefix):
                per = f"{slope * MB / KB:.2f} KB" if unit == "MB" else f"{slope * 1000:.3f} {unit} per 1,000 papers"
                label = name[len(prefix) :] if strip else name
                out.append((label, *(f"{v:,.1f}" for v in values), per, f"**{at:,.0f}** {unit}"))
        return out

    def at(name: str) -> float:
        return figures[name][1]

    cols = ["", *(f"{n:,} papers" for n in sizes), "growth a paper", f"extrapolated to {TARGET:,}"]
    json_parts = [f"memory: {name}" for name in (layout.PAPERS, layout.PASSAGES, layout.GRAPH, "manifest.json")]
    json_parts.append(f"memory: {layout.VOCABULARY}")
    todo = [
        ("searcher RSS after loading: matrix + IVF + BM25 + records", f"{at('RSS after loading'):,.0f} MB"),
        (
            "the same once serving (query encoder, plan context, queries)",
            f"{at('RSS after the queries'):,.0f} MB",
        ),
        (
            "of which `vectors.npy` + `vectors.faiss`",
            f"{at('memory: ' + STEPS['read_matrix']) + at('memory: ' + STEPS['read_vector_index']):,.0f} MB",
        ),
        (
            "BM25 arrays (`lexical/`): on disk / RSS",
            f"{at('disk: lexical'):,.0f} / {at('memory: ' + STEPS['read_checked_lexical']):,.0f} MB",
        ),
        (
            f"`{layout.PAPERS}` + `{layout.PASSAGES}` in memory (Python objects)",
            f"{at('memory: ' + layout.PAPERS) + at('memory: ' + layout.PASSAGES):,.0f} MB",
        ),
        (
            "every JSON file in memory (+ `graph.json`, manifest, vocabulary)",
            f"{sum(at(k) for k in json_parts):,.0f} MB",
        ),
        (
            f"p50 / p99 hybrid query, ONNX encoder{warn}",
            f"{at('p50 hybrid, ONNX encoder'):,.0f} / {at('p99 hybrid, ONNX encoder'):,.0f} ms",
        ),
        (
            f"p50 / p99 hybrid query, vectors looked up{warn}",
            f"{at('p50 hybrid, vectors looked up'):,.0f} / {at('p99 hybrid, vectors looked up'):,.0f} ms",
        ),
    ]
    vinfo = last["vector_index"]
    builds = table(
        ["papers", "passages", "passages a paper", "build s", "build peak RSS MB", "measuring s"],
        [
            (
                f"{r['papers']:,}",
                f"{r['views']:,}",
                f"{r['views'] / r['papers']:.2f}",
                f"{r['build']['seconds']:.0f}" + (" (an earlier run's: reused)" if r["build"]["unchanged"] else ""),
                "—" if r["build"]["unchanged"] else f"{r['build']['rss_mb']:,.0f}",
                f"{r['wall']:.0f}",
            )
            for r in results
        ],
    )
    first = ", ".join(f"{r['first_query_ms']:,.0f}" for r in results)
    return (
        f"## Serving at scale: one `Searcher` at {', '.join(f'{n:,}' for n in sizes)} synthetic papers\n\n"
        "What one process holds to serve a version, and how fast it answers, measured at sizes that fit this\n"
        f"machine; the last column is **a linear extrapolation** to {TARGET:,} papers ({fit}, what does not\n"
        "grow with the corpus taken as fixed), not a measurement. Each index is the real\n"
        "`papersearch.index.build` of a synthetic corpus (`scripts/synth_corpus.py`, seed 0) with `RandomVectors`\n"
        "standing in for the model: a random unit 384-d float32 vector per passage, seeded from its text, so\n"
        "`vectors.npy` and the IVF index have the real shape and size (builds: the table at the end).\n"
        f"Vector index at the largest size: `{json.dumps(vinfo.get('params', vinfo))}`.\n"
        + (
            "Random vectors have no clusters, so the nprobe tuned at build time means nothing here; queries scan\n"
            f"**{last['nprobe']}** cells, what the index tuned to on a million real-shaped vectors."
            if vinfo.get("type") == "ivf"
            else "At these sizes the index is exact: every query scans every vector."
        )
        + " A fresh process per size loads\n"
        "`Searcher.load(index)` and reads its own VmRSS and VmHWM (`/proc/self/status`) around each part\n"
        "`reader.read_version` loads; rows of the part-by-part table are the RSS each part added, in MB of\n"
        "2^20 bytes (`nbytes` rows: the arrays' own sizes). Latency: `search(q, k=10)` (hybrid) over the\n"
        f"{last['queries']} dev queries, each with a fresh number appended so that no cache answers, "
        f"timed rounds: {last['rounds']},\n"
        "after a warm-up, one FAISS thread, once with the real query encoder "
        f"({last['encoder']}) and once with\n"
        "the query vectors looked up from a table filled beforehand (the index's own cost), interleaved query\n"
        f"by query. The first query, after the encoder was opened and the plan context built, took {first} ms.\n"
        f"Load average during the timed queries: {' – '.join(f'{x:.2f}' for x in loads)} on "
        f"{os.cpu_count()} cores{warn}.\n"
        "Latency is extrapolated linearly in papers too: BM25, fusion and the rerank scan every paper, while\n"
        "the IVF scan grows about as √N at a fixed nprobe and the query encoder not at all.\n"
        f"The section took {seconds / 60:.1f} min.\n\n"
        + commands(cmds)
        + "\nThe figures docs/scale.md lists as still to measure, extrapolated:\n\n"
        + table(["", f"at {TARGET:,} papers ({fit})"], todo)
        + "\nOn disk (MB):\n\n"
        + table(cols, rows("disk: "))
        + "\nIn memory, part by part as `Searcher.load` loads (RSS added, MB):\n\n"
        + table(cols, rows("memory: ") + rows("nbytes: ", strip=False))
        + "\nThe whole process (MB, s):\n\n"
        + table(cols, rows("RSS", False) + rows("peak RSS", False) + rows("seconds", False))
        + f"\nHybrid queries (ms){warn}:\n\n"
        + table(cols, rows("p50", False) + rows("p99", False))
        + "\nThe builds (a process each) and the measuring processes:\n\n"
        + builds
    )


# ------------------------------------------------------------------------------------------ the helpers
def build_main(corpus: Path, index: Path) -> None:
    """``--build``: the real build with random vectors; prints its figures and the vector index's as JSON."""
    from papersearch.index.build import build

    report = build(corpus, index, MODEL, embedder_factory=RandomVectors)
    manifest = layout.read_manifest(store.version_dir(index))
    out = {
        "papers": report.papers,
        "views": manifest["counts"]["passages"],
        "seconds": manifest["build_seconds"] if report.unchanged else report.seconds,
        "unchanged": report.unchanged,
        "embedded_with": manifest.get("embedded_with"),
        "stages": manifest.get("build_stages", {}),
        "vector_index": manifest.get("vector_index", {}),
    }
    print(json.dumps(out))


ENCODER_STEP = "then, on the first query: the query encoder opened"
PLAN_STEP = "then, on the first query: the plan context built (names, eras, concepts)"
FIXED = {f"disk: {layout.QUERY_ENCODER}", f"memory: {ENCODER_STEP}"}  # do not grow with the corpus: their mean
MANIFEST_STEPS = ("read_manifest", "read_json")  # of layout; verify_files of integrity; the others of reader
STEPS = {  # the functions read_version calls (besides read_json, named by its file)
    "read_manifest": "manifest.json",
    "verify_files": "file checks (sizes and every file's checksum)",
    "read_records": layout.PAPERS,
    "read_passages": layout.PASSAGES,
    "read_graph": layout.GRAPH,
    "read_matrix": "vectors.npy (float32 matrix)",
    "read_vector_index": "vectors.faiss (FAISS index)",
    "read_checked_lexical": "lexical/ (BM25 arrays and vocabulary)",
}


class _Steps:
    """Wraps the functions ``reader.read_version`` calls, to read the RSS each one adds (the outermost call only)."""

    def __init__(self) -> None:
        self.added: dict[str, float] = {}
        self.depth = 0
        for name in [*STEPS, "read_json"]:
            module = layout if name in MANIFEST_STEPS else integrity if name == "verify_files" else reader
            setattr(module, name, self._wrap(name, getattr(module, name)))

    def _wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.depth += 1
            before = process_mb()[0]
            try:
                return fn(*args, **kwargs)
            finally:
                self.depth -= 1
                if self.depth == 0:
                    label = Path(args[0]).name if name == "read_json" else STEPS[name]
                    self.added[label] = self.added.get(label, 0.0) + process_mb()[0] - before

        return wrapped


def measure_main(index: Path, rounds: int, n_queries: int | None, nprobe: int) -> None:
    """``--measure``: load a searcher part by part, then time hybrid queries two ways; prints JSON."""
    os.environ["PAPERSEARCH_NPROBE"] = str(nprobe)
    import faiss  # noqa: F401  (imported before the baseline, as every searcher imports it)

    from papersearch.query.searcher import Searcher

    rss_before, _ = process_mb()
    steps = _Steps()
    started = time.perf_counter()
    searcher = Searcher.load(index)
    load_s = time.perf_counter() - started
    rss_loaded, hwm_loaded = process_mb()
    data = searcher.data
    step_mb = dict(steps.added)
    step_mb["the rest of read_version (row maps) and Searcher (id map, speller, explainer)"] = (
        rss_loaded - rss_before - sum(steps.added.values())
    )
    lex = data.lexical
    arrays = {
        "matrix": data.matrix.nbytes / MB,
        "BM25 data + indices + indptr": (lex.data.nbytes + lex.indices.nbytes + lex.indptr.nbytes) / MB,
        "row_paper + paper_rows": (data.row_paper.nbytes + sum(r.nbytes for r in data.paper_rows)) / MB,
    }
    queries = [q["query"] for q in load_queries()][:n_queries]

    def text(q: int, round_: int) -> str:  # six digits: never read as a year
        return f"{queries[q]} {100_000 * (round_ + 1) + q}"

    before = process_mb()[0]
    _ = searcher.encoder  # opened on the first query
    rss_encoder = process_mb()[0]
    step_mb[ENCODER_STEP] = rss_encoder - before
    t = time.perf_counter()
    searcher.plan(queries[0])  # the plan context is built on the first query
    plan_s = time.perf_counter() - t
    rss_plan = process_mb()[0]
    step_mb[PLAN_STEP] = rss_plan - rss_encoder
    t = time.perf_counter()
    first = searcher.search(text(0, 2 * rounds), k=10)
    first_ms = (time.perf_counter() - t) * 1000
    looked_up: dict[str, np.ndarray] = {}
    real = searcher.embed_query
    searcher.embed_query = lambda s: looked_up.setdefault(s, real(s))  # type: ignore[method-assign,assignment]
    for r in range(rounds):  # the warm-up: every text the lookup runs will ask for, scored and encoded
        for q in range(len(queries)):
            searcher.scores(searcher.request(text(q, rounds + r)))
    del searcher.embed_query
    times: dict[str, list[float]] = {"encoder": [], "lookup": []}
    cached = int(first["cached"])
    load_start = os.getloadavg()[0]
    for r in range(rounds):  # the two ways interleaved, query by query, so both see the same load
        for q in range(len(queries)):
            for mode, s in (("encoder", text(q, r)), ("lookup", text(q, rounds + r))):
                if mode == "lookup":
                    searcher.embed_query = looked_up.__getitem__  # type: ignore[method-assign,assignment]
                t = time.perf_counter()
                answer = searcher.search(s, k=10)
                times[mode].append((time.perf_counter() - t) * 1000)
                cached += int(answer["cached"])
                if mode == "lookup":
                    del searcher.embed_query
    rss_end, hwm_end = process_mb()
    if cached:
        raise SystemExit(f"{cached} answers came from the cache")
    out = {
        "papers": len(data.records),
        "views": len(data.passages),
        "vector_index": data.manifest.get("vector_index", {}),
        "nprobe": nprobe,
        "load_s": load_s,
        "rss_before_mb": rss_before,
        "rss_loaded_mb": rss_loaded,
        "hwm_loaded_mb": hwm_loaded,
        "rss_plan_mb": rss_plan,
        "plan_s": plan_s,
        "rss_end_mb": rss_end,
        "hwm_end_mb": hwm_end,
        "step_mb": step_mb,
        "arrays": arrays,
        "first_query_ms": first_ms,
        "queries": len(queries),
        "rounds": rounds,
        "encoder": f"{type(searcher.encoder).__name__}, {searcher.settings.query_precision}",
        "latency": {m: {"p50": pct(v, 50), "p99": pct(v, 99), "mean": float(np.mean(v))} for m, v in times.items()},
        "load": [load_start, os.getloadavg()[0]],  # 1-minute load average when the timed queries began and ended
    }
    print(json.dumps(out))


def main(argv: list[str] | None = None) -> int:
    """This section alone: the machine, then the figures, printed as Markdown."""
    ap = argparse.ArgumentParser(description="The serving-at-scale benchmark alone.")
    ap.add_argument("--papers", type=int, nargs="+", help=f"synthetic corpus sizes (default {SIZES})")
    ap.add_argument("--smoke", action="store_true", help=f"tiny sizes {SMOKE_SIZES}, few queries")
    ap.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument(
        "--cache", type=Path, help="an index's .cache folder (its ONNX export); else a real build makes one"
    )
    ap.add_argument("--build", nargs=2, type=Path, metavar=("CORPUS", "INDEX"), help=argparse.SUPPRESS)
    ap.add_argument("--measure", type=Path, metavar="INDEX", help=argparse.SUPPRESS)
    ap.add_argument("--rounds", type=int, default=ROUNDS, help=argparse.SUPPRESS)
    ap.add_argument("--queries", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--nprobe", type=int, default=NPROBE, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.build:
        build_main(*args.build)
        return 0
    if args.measure:
        measure_main(args.measure, args.rounds, args.queries, args.nprobe)
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    plan = Plan.for_smoke() if args.smoke else Plan(smoke=False)
    report = Report()
    machine(report, plan)
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    from .build import export_cache

    cache = export_cache(work, args.cache)
    serving(report, plan, work, cache, tuple(args.papers) if args.papers else None)
    print("\n".join(report.sections))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
