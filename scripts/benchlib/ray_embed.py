"""Embedding on Ray: the build's embedding throughput locally and on Ray with one and two workers.

``ray_embed`` builds one synthetic corpus of ``plan.synth_n`` papers four times, each build a
process of its own (``python -m benchlib.ray_embed --measure ...``, which prints JSON), in pairs
that share the same cores, one pair right after the other so that both see the same load: the
local path on every core against Ray with two encoder actors, then the local path on one thread
against Ray with one actor. Ray runs on a local cluster the build starts (``--ray local``), one CPU
per actor. Throughput is texts embedded over the build's model-loading and embedding steps
together, so Ray's figure pays for starting the cluster and loading the model in every actor:
that is part of what Ray costs. The ONNX export cache of the first build is copied into the
others, so no build exports the model again. Run alone (from ``scripts/``):
``python -m benchlib.ray_embed [--papers N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from papersearch.index import layout, store

from .report import MODULES, ROOT, Plan, Report, commands, machine, ratio, run, shown, table

MODEL = "bundled:all-MiniLM-L6-v2"
# (name, engine, workers, extra environment); pairs at equal cores follow each other
RUNS = (
    ("local, every core", "local", 0, {}),
    ("Ray, 2 workers", "ray", 2, {}),
    ("local, 1 thread", "local", 0, {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}),
    ("Ray, 1 worker", "ray", 1, {}),
)
PAIRS = (("Ray, 2 workers", "local, every core"), ("Ray, 1 worker", "local, 1 thread"))
OVERHEAD_FLOOR = 0.15


def ray_embed(report: Report, plan: Plan, work: Path, cache: Path | None = None) -> dict[str, float]:
    """The four builds of one synthetic corpus and the ratios between them; returns Ray's overheads."""
    n = plan.synth_n
    corpus = work / f"synth-{n}"  # the pipeline section's, when it has written it
    cmds = []
    if not (corpus / "papers").is_dir():
        cmd = [sys.executable, ROOT / "scripts" / "synth_corpus.py", n, "--out", corpus, "--seed", "0"]
        cmds.append(shown(run(cmd).cmd))
    results: dict[str, dict[str, Any]] = {}
    for i, (name, engine, workers, env) in enumerate(RUNS):
        index = work / f"ray-embed-{n}-{i}"
        shutil.rmtree(index, ignore_errors=True)
        if cache is not None and cache.is_dir():
            shutil.copytree(cache, index / store.CACHE)
        cmd = [sys.executable, "-m", "benchlib.ray_embed", "--measure", engine, workers, corpus, index]
        done = run(cmd, env={**MODULES, **env})
        cmds.append(shown(cmd, {"PYTHONPATH": "scripts", **env}))
        res = json.loads(done.out.strip().splitlines()[-1])
        res.update(wall=done.wall, rss_mb=done.rss_mb)
        results[name] = res
        cache = index / store.CACHE  # the first build's export serves the rest
        shutil.rmtree(index / store.VERSIONS, ignore_errors=True)  # keep the disk use to one index at a time
    base = results["local, every core"]
    rows = []
    for name, res in results.items():
        rows.append(
            (
                name,
                res["cores"],
                f"{res['texts']:,}",
                f"{res['load_s']:.1f}",
                f"{res['embed_s']:.1f}",
                f"{res['rate']:.1f}",
                ratio(res["rate"], base["rate"]),
                f"{res['wall']:.1f}",
                f"{res['rss_mb']:.0f}",
            )
        )
    overheads = {a: 1 - results[a]["rate"] / results[b]["rate"] for a, b in PAIRS}
    pairs = [(f"{a} / {b}", ratio(results[a]["rate"], results[b]["rate"]), f"{overheads[a]:.1%}") for a, b in PAIRS]
    report.add(
        f"## Embedding on Ray at {n:,} synthetic papers\n\n"
        '`papersearch.index.build` with and without `ray=RayOptions("local", workers)` (`index --ray local`),\n'
        "each build a process of its own on the same corpus. Throughput: texts embedded over the build's\n"
        "`load_model` + `embed` steps (for Ray: starting a local cluster, an actor per worker loading the\n"
        "model, the Ray Data pipeline). Peak RSS is the driver's own (Ray's actors are processes of their\n"
        "own). Baseline: the local path on every core.\n\n"
        + commands(cmds)
        + "\n"
        + table(
            [
                "embedding",
                "cores",
                "texts",
                "load s",
                "embed s",
                "texts/s",
                "vs local",
                "build wall s",
                "driver peak RSS MB",
            ],
            rows,
        )
        + "\nAt equal cores (overhead = 1 − Ray's throughput / local's):\n\n"
        + table(["pair", "throughput ratio", "Ray's overhead"], pairs)
    )
    worst = overheads["Ray, 2 workers"]
    report.floor(
        f"Ray's overhead at equal cores (2 workers vs local, {n:,} papers)",
        f"≤ {OVERHEAD_FLOOR:.0%}",
        f"{worst:.1%}",
        worst <= OVERHEAD_FLOOR,
    )
    return overheads


def measure_main(engine: str, workers: int, corpus: Path, index: Path) -> None:
    """``--measure``: one build, locally or on a local Ray cluster; prints its figures as JSON."""
    from papersearch.index.build import build
    from papersearch.index.embedding import RayOptions

    ray = RayOptions("local", workers or None) if engine == "ray" else None
    report = build(corpus, index, MODEL, ray=ray)
    manifest = json.loads((store.version_dir(index) / layout.MANIFEST).read_text(encoding="utf-8"))
    if engine == "ray":
        cores = manifest["embedded_with"]["workers"]
    else:  # the threads torch really used (read after the build, so torch's import stays in its steps)
        torch = sys.modules.get("torch")
        cores = torch.get_num_threads() if torch is not None else int(os.environ.get("OMP_NUM_THREADS") or 1)
    load, embed = report.stages["load_model"], report.stages["embed"]
    out = {
        "engine": engine,
        "cores": cores,
        "texts": report.embedded_passages,
        "load_s": load,
        "embed_s": embed,
        "rate": report.embedded_passages / (load + embed),
        "embedded_with": manifest["embedded_with"],
        "stages": report.stages,
    }
    print(json.dumps(out))


def main(argv: list[str] | None = None) -> int:
    """This section alone: the machine, then the Ray figures, printed as Markdown."""
    ap = argparse.ArgumentParser(description="The Ray embedding benchmark alone.")
    ap.add_argument("--papers", type=int, default=10_000, help="synthetic papers (default 10000)")
    ap.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument("--cache", type=Path, help="an index's .cache folder (its ONNX export) to start from")
    ap.add_argument("--measure", nargs=4, metavar=("ENGINE", "WORKERS", "CORPUS", "INDEX"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        engine, workers, corpus, index = args.measure
        measure_main(engine, int(workers), Path(corpus), Path(index))
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    plan = Plan(smoke=False, synth_n=args.papers)
    report = Report()
    machine(report, plan)
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    overheads = ray_embed(report, plan, work, args.cache)
    print("\n".join(report.sections))
    print(
        table(
            ["what", "floor", "measured", "met"],
            [(w, f, m, "yes" if ok else "**no**") for w, f, m, ok in report.floors],
        )
    )
    print(overheads, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
