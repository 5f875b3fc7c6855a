"""Index builds: rebuilds of the real corpus, the build pipeline at scale, and cross-reference extraction.

``real_index`` sets up a writable copy of the corpus and its index; ``rebuilds`` times
``papersearch index`` full, after a one-paper edit and unchanged; ``pipeline`` runs the whole build
on a synthetic corpus in a process of its own (``bench.py --pipeline``, which is ``pipeline_main``)
against the raw encoder interleaved with it (``_Interleaved``); ``xref_scaling`` fits how corpus
loading and graph extraction grow with the corpus.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from papersearch.index import store

from .report import (
    BENCH,
    BIN,
    ROOT,
    Plan,
    Report,
    Run,
    commands,
    growth,
    latest_manifest,
    med,
    ratio,
    run,
    shown,
    spread,
    table,
)

MODEL = "bundled:all-MiniLM-L6-v2"
EDIT_PAPER = "1991-krogh-weight-decay.md"


def export_cache(work: Path, given: Path | None) -> Path:
    """``given``, or the ONNX export cache of the real corpus built once under ``work`` (for sections run alone)."""
    if given is not None:
        return given
    _, index, _ = real_index(work, None)
    return index / store.CACHE


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


def rebuilds(report: Report, plan: Plan, corpus: Path, index: Path, first: Run | None) -> dict[str, float]:
    """`papersearch index` of the real corpus: full (`--force`), after a one-paper edit, and unchanged."""
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
    if (index / store.CACHE).is_dir():  # the ONNX export of this model, made by the first build: not measured again
        shutil.copytree(index / store.CACHE, out / store.CACHE)
    cmd = [sys.executable, BENCH, "--pipeline", corpus, out, "--raw-sample", plan.raw_sample]
    build = run(cmd)
    res = json.loads(build.out.strip().splitlines()[-1])
    stages = res["stages"]
    pipe_rate = res["embedded_passages"] / res["pipeline_seconds"]
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
                ("papers / passages embedded", f"{res['papers']:,} / {res['embedded_passages']:,}"),
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
    from papersearch.corpus.load import load_corpus
    from papersearch.graph.extract import build_graph

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


# ------------------------------------------------------------------------------------------ the --pipeline process
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
        self.embedder.encode(part, batch_size=64)  # the encoder alone: SentenceTransformer.encode, nothing around it
        self.raw_seconds += time.perf_counter() - t
        self.raw_texts += len(part)
        return np.asarray(self.embedder.encode(texts, batch_size=batch_size))


def pipeline_main(corpus: Path, index: Path, raw_sample: int) -> None:
    """``--pipeline``: indexer.build, with raw-encoder slices interleaved with its batches."""
    from papersearch.corpus.fields import parse_paper
    from papersearch.encode.sentence import Embedder
    from papersearch.index import build as indexer
    from papersearch.index.embedding import EMBED_BATCH
    from papersearch.index.passages import paper_passages

    embedder = Embedder(MODEL)
    files = sorted((corpus / "papers").glob("*.md"))
    rng = random.Random(0)
    texts = []
    for f in rng.sample(files, min(len(files), max(1, raw_sample // 4))):  # a sample of papers, parsed alone
        paper = parse_paper(f.read_text(encoding="utf-8"), f.name, [])
        texts += [p.text for p in paper_passages(paper)] if paper else []
    sample = rng.sample(texts, min(raw_sample, len(texts)))
    embedder.encode(sample[:64])  # warm the model up
    timed = _Interleaved(embedder, sample, min(2048, len(sample)))
    report = indexer.build(corpus, index, MODEL, embedder_factory=lambda: timed)
    m = latest_manifest(index)
    out = {
        "papers": report.papers,
        "embedded_passages": report.embedded_passages,
        "stages": report.stages,
        "pipeline_seconds": report.stages["embed"] - timed.raw_seconds,
        "seconds": report.seconds,
        "raw_texts": timed.raw_texts,
        "raw_seconds": timed.raw_seconds,
        "embed_batch": EMBED_BATCH,
        "vector_index": m["vector_index"],
    }
    print(json.dumps(out))
