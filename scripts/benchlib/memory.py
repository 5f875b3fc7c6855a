"""Bounded memory: the build's peak memory and time at 10,000, 30,000 and 100,000 synthetic papers.

``bounded_memory`` builds a synthetic corpus of each size (``scripts/synth_corpus.py``, seed 0) in a
process of its own (``python -m benchlib.memory --measure CORPUS INDEX``, which prints JSON), for its
peak RSS, and before it runs the baseline in a process of its own too: a plain ``load_corpus`` of the
same folder (``--load CORPUS``), which holds every parsed paper, as the build did before it streamed.

"Without embedding": the build is ``papersearch.index.build.build`` with every step but one, and
``UnitVectors`` stands in for the model: every passage gets the same one-dimensional unit vector, at
no cost, so the vector stage (``vectors.npy``, an exact FAISS index) holds 4 bytes a passage instead
of the model's 1,536 (which at 100,000 papers would be 1 GB of vectors, memory-mapped). Everything
else is the real build: reading and checking the corpus, the lexicon, the graph, passages, records,
BM25, the spelling vocabulary, checksums, the check of what was written, and publishing. The query
encoder is linked from the ONNX export cache of a real build, as on any rebuild (exporting it
imports torch). Time is the build's own (its report's seconds); its growth exponent is the slope of
log time against log size. Run alone (from ``scripts/``):
``python -m benchlib.memory [--papers 10000 30000 100000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from array import array
from pathlib import Path

import numpy as np

from papersearch.index import store

from .report import MODULES, ROOT, Plan, Report, commands, growth, machine, ratio, run, shown, table
from .units import KB, MB

MODEL = "bundled:all-MiniLM-L6-v2"
SIZES = (10_000, 30_000, 100_000)
SMOKE_SIZES = (100, 300, 900)
RSS_FLOOR_MB, RSS_FLOOR_AT = 300, 100_000
GROWTH_FLOOR = 1.1
SAMPLE_S = 0.005  # how often the measuring process reads its own RSS, for each step's peak


class UnitVectors:
    """The stand-in for the model: the same one-dimensional unit vector for every passage, at no cost."""

    dim = 1

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        return np.ones((len(texts), 1), dtype=np.float32)


def bounded_memory(
    report: Report, plan: Plan, work: Path, cache: Path, sizes: tuple[int, ...] | None = None
) -> dict[str, float]:
    """Baseline and build at each size, each in a process of its own; adds the section and the two floors."""
    sizes = sizes or (SMOKE_SIZES if plan.smoke else SIZES)
    env = dict(MODULES)
    cmds, rows, results = [], [], []
    for n in sizes:
        corpus = work / f"synth-{n}"  # the pipeline section's, when it has written this size
        if not (corpus / "papers").is_dir():
            gen = [sys.executable, ROOT / "scripts" / "synth_corpus.py", n, "--out", corpus, "--seed", "0"]
            cmds.append(shown(run(gen).cmd))
        load_cmd = [sys.executable, "-m", "benchlib.memory", "--load", corpus]
        base = run(load_cmd, env=env)
        index = work / f"memory-{n}"
        shutil.rmtree(index, ignore_errors=True)
        if cache.is_dir():
            shutil.copytree(cache, index / store.CACHE)  # copy2 keeps the times the export cache checks
        build_cmd = [sys.executable, "-m", "benchlib.memory", "--measure", corpus, index]
        built = run(build_cmd, env=env)
        shutil.rmtree(index, ignore_errors=True)  # one index on disk at a time
        cmds += [shown(load_cmd, {"PYTHONPATH": "scripts"}), shown(build_cmd, {"PYTHONPATH": "scripts"})]
        res = json.loads(built.out.strip().splitlines()[-1])
        res.update(rss_mb=built.rss_mb, wall=built.wall, base_rss_mb=base.rss_mb)
        res["base_s"] = json.loads(base.out.strip().splitlines()[-1])["seconds"]
        results.append(res)
        top = max(res["stage_peaks"], key=lambda k: res["stage_peaks"][k])
        rows.append(
            (
                f"{n:,}",
                f"{res['views']:,}",
                f"{base.rss_mb:.0f}",
                f"{res['base_s']:.1f}",
                f"{built.rss_mb:.0f}",
                top,
                ratio(built.rss_mb, base.rss_mb),
                f"{res['seconds']:.1f}",
                f"{res['seconds'] / n * 1000:.2f}",
            )
        )
    first, last = results[0], results[-1]
    exponent = growth([r["papers"] for r in results], [r["seconds"] for r in results])
    per_paper = (last["rss_mb"] - first["rss_mb"]) * MB / KB / max(1, last["papers"] - first["papers"])
    steps = [(k, f"{v:.2f}", f"{last['stage_peaks'].get(k, float('nan')):.0f}") for k, v in last["stages"].items()]
    report.add(
        f"## Bounded memory: the build at {', '.join(f'{n:,}' for n in sizes)} synthetic papers\n\n"
        "`papersearch.index.build` without embedding, each build a process of its own: `UnitVectors` stands in\n"
        "for the model and gives every passage the same one-dimensional unit vector, at no cost, so the vector\n"
        "stage (`vectors.npy`, an exact FAISS index) holds 4 bytes a passage instead of the model's 1,536;\n"
        "every other step is the real build (corpus read and checked, lexicon, graph, passages, records, BM25,\n"
        "vocabulary, checksums, the check of what was written, publishing). The query encoder is linked from\n"
        "the ONNX export cache, as on any rebuild. Baseline, run just before each build on the same folder:\n"
        "a plain `load_corpus`, which holds every parsed paper (the build's first step until it streamed).\n"
        f"Time is the build's own; growth exponent (slope of log time over log size): **{exponent:.2f}**.\n"
        f"Peak RSS grows by {per_paper:.2f} KB a paper from {first['papers']:,} to {last['papers']:,}.\n\n"
        + commands(cmds)
        + "\n"
        + table(
            [
                "papers",
                "passages",
                "load_corpus peak RSS MB",
                "load_corpus s",
                "build peak RSS MB",
                "step at the peak",
                "build / load_corpus RSS",
                "build s",
                "build ms a paper",
            ],
            rows,
        )
        + f"\nSteps of the {last['papers']:,}-paper build (seconds; peak RSS while each ran, sampled every"
        f" {SAMPLE_S * 1000:.0f} ms):\n\n" + table(["step", "seconds", "peak RSS MB"], steps)
    )
    judged = last["papers"] >= RSS_FLOOR_AT
    report.floor(
        f"build without embedding at {RSS_FLOOR_AT:,} papers, peak RSS",
        f"≤ {RSS_FLOOR_MB} MB",
        f"{last['rss_mb']:.0f} MB at {last['papers']:,}",
        last["rss_mb"] <= RSS_FLOOR_MB if judged else None,
    )
    report.floor(
        f"build time growth, {first['papers']:,} → {last['papers']:,} papers",
        f"exponent ≤ {GROWTH_FLOOR}",
        f"{exponent:.2f}",
        exponent <= GROWTH_FLOOR if judged else None,
    )
    return {"exponent": exponent, "rss_mb": last["rss_mb"]}


class _Sampler(threading.Thread):
    """This process's RSS read every ``SAMPLE_S``: the largest of each 50 ms, to find each step's peak."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.started, self.peaks, self.running = time.perf_counter(), array("d"), True
        self._page = os.sysconf("SC_PAGE_SIZE") / MB

    def run(self) -> None:
        with open("/proc/self/statm") as fh:
            while self.running:
                fh.seek(0)
                rss = int(fh.read().split()[1]) * self._page
                slot = int((time.perf_counter() - self.started) / 0.05)
                while len(self.peaks) <= slot:
                    self.peaks.append(0.0)
                self.peaks[slot] = max(self.peaks[slot], rss)
                time.sleep(SAMPLE_S)

    def peak(self, start: float, end: float) -> float:
        lo, hi = int(start / 0.05), int(end / 0.05) + 1
        return max(self.peaks[lo:hi], default=float("nan"))


def measure_main(corpus: Path, index: Path) -> None:
    """``--measure``: one build without embedding; prints its figures and each step's peak RSS as JSON."""
    from papersearch.index.build import build

    sampler = _Sampler()
    sampler.start()
    begun = time.perf_counter() - sampler.started
    report = build(corpus, index, MODEL, embedder_factory=UnitVectors, exact_limit=2**62)
    sampler.running = False
    sampler.join()
    peaks, at = {}, begun
    for step, seconds in report.stages.items():
        peaks[step] = sampler.peak(at, at + seconds)
        at += seconds
    out = {
        "papers": report.papers,
        "views": report.embedded_passages,
        "seconds": report.seconds,
        "stages": report.stages,
        "stage_peaks": peaks,
    }
    print(json.dumps(out))


def load_main(corpus: Path) -> None:
    """``--load``: the baseline, a plain ``load_corpus`` (every parsed paper held); prints its time as JSON."""
    from papersearch.corpus.load import load_corpus

    started = time.perf_counter()
    loaded = load_corpus(corpus)
    print(json.dumps({"papers": len(loaded.papers), "seconds": time.perf_counter() - started}))


def main(argv: list[str] | None = None) -> int:
    """This section alone: the machine, then the figures, printed as Markdown."""
    ap = argparse.ArgumentParser(description="The bounded-memory benchmark alone.")
    ap.add_argument("--papers", type=int, nargs="+", default=list(SIZES), help="synthetic corpus sizes")
    ap.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument(
        "--cache", type=Path, help="an index's .cache folder (its ONNX export); else a real build makes one"
    )
    ap.add_argument("--measure", nargs=2, type=Path, metavar=("CORPUS", "INDEX"), help=argparse.SUPPRESS)
    ap.add_argument("--load", type=Path, metavar="CORPUS", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        measure_main(*args.measure)
        return 0
    if args.load:
        load_main(args.load)
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    plan = Plan(smoke=False)
    report = Report()
    machine(report, plan)
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    from .build import export_cache

    cache = export_cache(work, args.cache)
    bounded_memory(report, plan, work, cache, tuple(sorted(args.papers)))
    print("\n".join(report.sections))
    print(
        table(
            ["what", "floor", "measured", "met"],
            [(w, f, m, "—" if ok is None else ("yes" if ok else "**no**")) for w, f, m, ok in report.floors],
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
