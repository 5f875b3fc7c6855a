"""A sharded vector index (docs/scale.md, "Serving at 2.5 M papers: a plan", steps 2 and 3), measured.

``shards`` writes N real-shaped vectors and the queries as ``ann`` does (``ann.real_shaped``), then runs
this module again in processes of their own (``python -m benchlib.shards`` with ``PYTHONPATH=scripts``),
each printing JSON:

- ``--build DIR`` (``build_main``): the unsharded index as ``vectors.build`` makes it (seed 0: cells from
  ``vectors.ivf_lists(N)``, float16 codes, each vector in two cells, nprobe tuned), then S shards of
  contiguous row ranges, each ``vectors.ivf`` over its rows with that index's trained quantizer and the
  rows' global numbers as ids; the exact top 10 of every query. All saved in DIR.
- ``--load FILE`` (``load_main``): one index file alone; the RSS before and after reading it, and the peak.
- ``--search DIR`` (``search_main``): the S shards in ``faiss.IndexShards(dim, threaded=True,
  successive_ids=False)`` and the unsharded index in one process, the same nprobe on all; single queries
  through ``vectors.search``, interleaved; recall@10 against exact search; whether both give the same rows.

Run alone (from ``scripts/``): ``PYTHONPATH=. python -m benchlib.shards --vectors FILE.npy`` (a real-shaped
matrix already written, e.g. ``build/bench/ann/vectors.npy``, with ``queries.npy`` and ``kinds.json``
beside it) or ``--index DIR`` (a synthetic index: the vectors are made from its view vectors); ``--n``,
``--shards``, ``--nprobe``. It prints the section.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from .ann import NOISE, real_shaped
from .report import MODULES, ROOT, Plan, Report, commands, machine, ratio, run, shown, table
from .units import MB, pct, process_mb

N = 1_000_000  # vectors, as in the ann section
SMOKE_N = 20_000
SHARDS = 3
ROUNDS = 3  # timed passes over the queries at k=10
WIDE_QUERIES = 100  # queries also timed at k = vectors.CANDIDATE_ROWS (what Searcher asks an approximate index for)


# ------------------------------------------------------------------------------------------ the section
def shards(report: Report, plan: Plan, work: Path, source_index: Path, index: Path) -> None:
    """The section: real-shaped vectors from ``source_index``'s view vectors (the synthetic pipeline's index
    in a full run) and the dev questions encoded by ``index``'s query encoder, then the shards measured."""
    d = _fresh(work / "shards")
    n = SMOKE_N if plan.smoke else N
    source = made_from(d, source_index, index, n, plan.held_out)
    prepare(d, d / "vectors.npy", d / "queries.npy", n, SHARDS, 0, 1 if plan.smoke else ROUNDS)
    report.add(measure(d, source))


def made_from(d: Path, source_index: Path, index: Path, n: int, held_out: int) -> str:
    """Write the vectors and queries into ``d`` as the ``ann`` section does; returns the text saying how."""
    made = real_shaped(source_index, index, n, held_out, d)
    return (
        f"The vectors are made as the `ann` section makes them: the {made.sources:,} view vectors of the index\n"
        f"`{source_index.name}` (real all-MiniLM-L6-v2 embeddings), less {made.held_out} held out, each reused"
        f" ~{n // made.base:,} times with\nGaussian noise of norm {NOISE} and renormalised (median cosine to its"
        f" source {made.cosine:.3f})."
    )


def _fresh(d: Path) -> Path:
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    return d


def prepare(d: Path, vectors_path: Path, queries: Path, n: int, count: int, nprobe: int, rounds: int) -> None:
    """Write ``d/setup.json``, what the helper processes read: the files, sizes and settings of a run."""
    kinds_path = queries.parent / "kinds.json"
    kinds = json.loads(kinds_path.read_text(encoding="utf-8")) if kinds_path.is_file() else {}
    n_queries = len(np.load(queries, mmap_mode="r"))
    dev = int(kinds.get("dev", 0))
    setup = {
        "vectors": str(vectors_path),
        "queries": str(queries),
        "dev": dev,
        "views": n_queries - dev,
        "n": n,
        "shards": count,
        "nprobe": nprobe,  # 0: tuned as vectors.build tunes it
        "rounds": rounds,
    }
    (d / "setup.json").write_text(json.dumps(setup, indent=1), encoding="utf-8")


def measure(d: Path, source: str) -> str:
    """Build, load each file alone, search; each a process of its own. Returns the section's Markdown."""
    setup = _read(d / "setup.json")
    env = dict(MODULES)
    me = [sys.executable, "-m", "benchlib.shards"]
    cmds: list[str] = []

    def helper(*args: object) -> tuple[dict[str, Any], float, float]:
        cmd = [*me, *args]
        r = run(cmd, env=env)
        cmds.append(shown(cmd, {"PYTHONPATH": "scripts"}))
        return json.loads(r.out.strip().splitlines()[-1]), r.wall, r.rss_mb

    built, build_wall, build_rss = helper("--build", d)
    names = [f"shard-{s}" for s in range(setup["shards"])] + ["unsharded"]
    loaded = {name: helper("--load", d / f"{name}.faiss")[0] for name in names}
    cmd = [*me, "--search", d]
    searched = json.loads(run(cmd, env={**env, "OMP_NUM_THREADS": "1"}).out.strip().splitlines()[-1])
    cmds.append(shown(cmd, {"PYTHONPATH": "scripts", "OMP_NUM_THREADS": "1"}))
    return _section(setup, built, (build_wall, build_rss), loaded, searched, cmds, source)


# ------------------------------------------------------------------------------------------ the Markdown
def _section(
    setup: dict[str, Any],
    built: dict[str, Any],
    build_run: tuple[float, float],
    loaded: dict[str, dict[str, Any]],
    searched: dict[str, Any],
    cmds: list[str],
    source: str,
) -> str:
    wide = f"k={searched['wide_k']:,}"
    sizes = ["index", "rows", "vectors stored", "file MB", "RSS after load MB", "index RSS MB", "peak RSS MB"]
    speed = ["index", "p50 ms", "p99 ms", f"p50 ms {wide}", f"p99 ms {wide}", "recall@10", "questions", "views"]
    same = ["same top-10 rows", "same order", f"same rows at {wide}", "p50 vs unsharded", "p99 vs unsharded"]
    return (
        f"## Sharded vector index at {setup['n']:,} vectors\n\n"
        + _build_text(setup, built, build_run, source)
        + commands(cmds)
        + "\n"
        + table([*sizes, "fill s", "index RSS vs unsharded"], _size_rows(built, loaded))
        + _search_text(setup, searched)
        + table([*speed, *same], _speed_rows(searched))
    )


def _build_text(setup: dict[str, Any], built: dict[str, Any], build_run: tuple[float, float], source: str) -> str:
    tuned = (
        f"tuned on the unsharded index as `vectors.build` tunes it (its estimate\n{built['tuned_recall']:.4f},"
        f" lower bound {built['tuned_low']:.4f})"
        if setup["nprobe"] == 0
        else "fixed"
    )
    cells_by = {"hnsw": "an HNSW graph over the centroids", "flat": "a flat scan of the centroids"}[built["cells_by"]]
    return (
        "docs/scale.md's plan (steps 2 and 3) measured: one coarse quantizer, shards that share it, searched\n"
        f"together by FAISS's `IndexShards`, against the unsharded index on the same cells.\n{source}\n\n"
        f"The unsharded index is built as `vectors.build` builds it (seed 0): {built['nlist']:,} k-means cells,\n"
        f"{cells_by} picking the ones a query scans, float16 codes, each vector in {built['copies']} cells\n"
        f"(SOAR spilling); training and filling took {built['unsharded_seconds']:.1f} s on {os.cpu_count()}"
        f" cores.\nThen {setup['shards']} shards by contiguous row ranges, each `vectors.ivf` over its rows with"
        "\nthe unsharded index's trained quantizer (no k-means of its own) and the rows' global numbers as ids"
        f"\n(`first_id`), filled with the same spilling.\nnprobe {built['nprobe']} on every index, {tuned}.\n"
        f"The build process took {build_run[0]:.0f} s (tuning {built['tune_seconds']:.1f} s, the exact top 10 of"
        f" the queries {built['exact_seconds']:.1f} s), peak RSS\n{build_run[1]:,.0f} MB.\n\n"
        "Each file is then read by `vectors.load` alone in a fresh process that reads its own VmRSS and VmHWM\n"
        '(`/proc/self/status`); "index RSS" is the RSS after the load less the RSS before it (the interpreter,\n'
        'numpy and faiss); the "together" row adds up the separate processes. MB = 2^20 bytes throughout.\n'
        "Baseline: the unsharded index.\n\n"
    )


def _search_text(setup: dict[str, Any], searched: dict[str, Any]) -> str:
    if setup["dev"]:
        queries = (
            f"the {setup['dev']} dev-set questions (encoded by the query encoder) and the {setup['views']}"
            " held-out view vectors"
        )
    else:
        queries = f"the {setup['views']} queries of `{Path(setup['queries']).name}`"
    rounds = f"{searched['rounds']} round{'s' if searched['rounds'] != 1 else ''}"
    return (
        f"\nIn one fresh process: the {setup['shards']} shard files in `faiss.IndexShards(dim, threaded=True,"
        " successive_ids=False)`\n(one search thread per shard) and the unsharded index; `OMP_NUM_THREADS=1`,"
        " so each scans with one\nFAISS thread as the searcher does. RSS after loading the shards"
        f" {searched['rss_shards_mb']:,.0f} MB, with the unsharded index too {searched['rss_both_mb']:,.0f} MB.\n"
        f"Queries: {queries},\none at a time through `vectors.search` as `Searcher` calls it: k=10 over all of"
        f" them, {rounds}, and\nk={searched['wide_k']:,} over the first {searched['wide_queries']}; the two"
        " indexes interleaved query by query, the order alternating.\nRecall@10: the rows found whose exact"
        ' similarity reaches the exact 10th (ties count). "Same": the share\nof queries for which the sharded'
        " index returned the unsharded index's rows (as a set; then in the same\norder too). Load average"
        f" during the timing: {' – '.join(f'{x:.2f}' for x in searched['load'])} on {os.cpu_count()} cores.\n\n"
    )


def _size_rows(built: dict[str, Any], loaded: dict[str, dict[str, Any]]) -> list[tuple[str, ...]]:
    whole = loaded["unsharded"]
    rows = []
    for s, part in enumerate(built["shards"]):
        lo, hi = part["rows"]
        got = loaded[f"shard-{s}"]
        rows.append(_size_row(f"shard {s} (rows {lo:,}–{hi - 1:,})", hi - lo, got, part["seconds"], whole))
    parts = [loaded[f"shard-{s}"] for s in range(len(built["shards"]))]
    together = {key: sum(p[key] for p in parts) for key in ("ntotal", "file_mb", "rss_mb", "index_rss_mb", "hwm_mb")}
    fill = sum(p["seconds"] for p in built["shards"])
    rows.append(_size_row(f"the {len(parts)} shards together", built["n"], together, fill, whole))
    rows.append(_size_row("**unsharded** (train and fill)", built["n"], whole, built["unsharded_seconds"], whole))
    return rows


def _size_row(name: str, n_rows: int, got: dict[str, Any], seconds: float, whole: dict[str, Any]) -> tuple[str, ...]:
    return (
        name,
        f"{n_rows:,}",
        f"{got['ntotal']:,}",
        f"{got['file_mb']:,.1f}",
        f"{got['rss_mb']:,.0f}",
        f"{got['index_rss_mb']:,.0f}",
        f"{got['hwm_mb']:,.0f}",
        f"{seconds:.1f}",
        ratio(got["index_rss_mb"], whole["index_rss_mb"]),
    )


def _speed_rows(searched: dict[str, Any]) -> list[tuple[str, ...]]:
    base = searched["indexes"]["unsharded"]
    rows = []
    for name, label in (("unsharded", "**unsharded**"), ("sharded", f"`IndexShards`, {searched['shards']} shards")):
        r = searched["indexes"][name]
        same = [f"{r[k]:.3f}" if name != "unsharded" else "—" for k in ("same_rows", "same_order", "same_wide")]
        rows.append(
            (
                label,
                f"{r['p50_ms']:.2f}",
                f"{r['p99_ms']:.2f}",
                f"{r['p50_ms_wide']:.2f}",
                f"{r['p99_ms_wide']:.2f}",
                f"{r['recall']['all']:.4f}",
                f"{r['recall']['questions']:.4f}",
                f"{r['recall']['views']:.4f}",
                *same,
                ratio(r["p50_ms"], base["p50_ms"]),
                ratio(r["p99_ms"], base["p99_ms"]),
            )
        )
    return rows


# ------------------------------------------------------------------------------------------ the helpers
def ranges(n: int, count: int) -> list[tuple[int, int]]:
    """``count`` contiguous row ranges [lo, hi) covering ``n`` rows, as even as can be."""
    cuts = [n * s // count for s in range(count + 1)]
    return list(itertools.pairwise(cuts))


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _matrix(setup: dict[str, Any]) -> np.ndarray:
    """The first ``n`` rows of the run's vectors, in memory as the searcher holds them."""
    return np.array(np.load(setup["vectors"], mmap_mode="r")[: setup["n"]], dtype=np.float32)


def build_main(d: Path) -> None:
    """``--build DIR``: the unsharded index, the shards on its cells, nprobe, the exact top 10; prints JSON."""
    import faiss

    from papersearch.index import nprobe as nprobe_tuning
    from papersearch.index import recall as measure
    from papersearch.index import vectors

    setup = _read(d / "setup.json")
    x = _matrix(setup)
    n = len(x)
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # building uses every core, as vectors.build does
    rng = np.random.default_rng(0)  # the seed and the draws of vectors.build(x, seed=0)
    t = time.perf_counter()
    whole = vectors.ivf(x, vectors.ivf_lists(n), "fp16", rng)
    whole_seconds = time.perf_counter() - t
    parts = []
    for s, (lo, hi) in enumerate(ranges(n, setup["shards"])):
        # before tuning: the quantizer must pick cells for the shards' rows as it did for the unsharded index's
        t = time.perf_counter()
        part = vectors.ivf(x[lo:hi], whole.nlist, "fp16", np.random.default_rng(1 + s), whole.quantizer, first_id=lo)
        parts.append({"rows": [lo, hi], "ntotal": int(part.ntotal), "seconds": time.perf_counter() - t})
        faiss.write_index(part, str(d / f"shard-{s}.faiss"))
        del part
    t = time.perf_counter()
    nprobe, recall, low = int(setup["nprobe"]), float("nan"), float("nan")
    if not nprobe:
        per_blend = measure.RECALL_QUERIES // len(measure.BLENDS)
        tuning = np.vstack([measure.blended_queries(x, per_blend, rng, blend) for blend in measure.BLENDS])
        nprobe, recall, low = nprobe_tuning.tune_nprobe(whole, x, tuning, vectors.TARGET_RECALL)
    vectors.set_nprobe(whole, nprobe)
    tune_seconds = time.perf_counter() - t
    faiss.write_index(whole, str(d / "unsharded.faiss"))
    t = time.perf_counter()
    exact, _ = measure.exact_neighbours(x, np.load(setup["queries"]), 10)
    np.save(d / "exact.npy", exact)
    out = {
        "n": n,
        "nlist": int(whole.nlist),
        "cells_by": vectors.cells_by(whole),
        "copies": vectors.copies(whole.nlist),
        "nprobe": nprobe,
        "tuned_recall": recall,
        "tuned_low": low,
        "unsharded_seconds": whole_seconds,
        "tune_seconds": tune_seconds,
        "exact_seconds": time.perf_counter() - t,
        "shards": parts,
    }
    (d / "built.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(json.dumps(out))


def load_main(path: Path) -> None:
    """``--load FILE``: read one index file as the searcher does; prints its size and this process's RSS."""
    import faiss  # noqa: F401  (imported before the baseline, as every searcher imports it)

    from papersearch.index import vectors

    before, _ = process_mb()
    index = vectors.load(path, {"type": "ivf"})
    rss, hwm = process_mb()
    out = {
        "ntotal": int(index.ntotal),
        "file_mb": path.stat().st_size / MB,
        "rss_before_mb": before,
        "rss_mb": rss,
        "index_rss_mb": rss - before,
        "hwm_mb": hwm,
    }
    print(json.dumps(out))


def search_main(d: Path) -> None:
    """``--search DIR``: the shards in ``IndexShards`` and the unsharded index, timed interleaved; prints JSON."""
    import faiss

    from papersearch.index import vectors

    setup, built = _read(d / "setup.json"), _read(d / "built.json")
    info = {"type": "ivf", "params": {"nprobe": built["nprobe"]}}
    parts = [vectors.load(d / f"shard-{s}.faiss", info) for s in range(setup["shards"])]
    fs: Any = faiss  # the SWIG stubs know only IndexShards(d)
    sharded = fs.IndexShards(parts[0].d, True, False)  # threaded=True, successive_ids=False: the global row ids
    for part in parts:
        sharded.add_shard(part)
    rss_shards, _ = process_mb()
    indexes = {"unsharded": vectors.load(d / "unsharded.faiss", info), "sharded": sharded}
    rss_both, _ = process_mb()
    x = np.load(setup["vectors"], mmap_mode="r")  # only the rows found are read, to judge recall
    q = np.load(setup["queries"])
    wide_k, n_wide = vectors.CANDIDATE_ROWS, min(len(q), WIDE_QUERIES)
    for i in range(len(q)):  # a warm-up pass
        for index in indexes.values():
            vectors.search(index, q[i], 10)
    load = [os.getloadavg()[0]]
    lat = _timed(indexes, q, 10, setup["rounds"])
    wide = _timed(indexes, q[:n_wide], wide_k, 1)
    load.append(os.getloadavg()[0])
    exact = np.load(d / "exact.npy")
    results = {}
    for name, (seconds, found) in lat.items():
        base_found, wide_found = lat["unsharded"][1], wide[name][1]
        results[name] = {
            "p50_ms": pct(seconds, 50) * 1e3,
            "p99_ms": pct(seconds, 99) * 1e3,
            "p50_ms_wide": pct(wide[name][0], 50) * 1e3,
            "p99_ms_wide": pct(wide[name][0], 99) * 1e3,
            "recall": _recalls(x, q, found, exact, setup["dev"]),
            "same_rows": _share(found, base_found, ordered=False),
            "same_order": _share(found, base_found, ordered=True),
            "same_wide": _share(wide_found, wide["unsharded"][1], ordered=False),
        }
    out = {
        "shards": setup["shards"],
        "rounds": setup["rounds"],
        "wide_k": wide_k,
        "wide_queries": n_wide,
        "rss_shards_mb": rss_shards,
        "rss_both_mb": rss_both,
        "load": load,
        "indexes": results,
    }
    print(json.dumps(out))


def _timed(
    indexes: dict[str, Any], q: np.ndarray, k: int, rounds: int
) -> dict[str, tuple[list[float], list[np.ndarray]]]:
    """Each index's single-query times over ``rounds`` passes and the rows of the first pass, the indexes
    interleaved query by query, which goes first alternating, so that load affects all alike."""
    from papersearch.index import vectors

    out: dict[str, tuple[list[float], list[np.ndarray]]] = {name: ([], []) for name in indexes}
    names = list(indexes)
    for r in range(rounds):
        for i in range(len(q)):
            for name in names if (i + r) % 2 == 0 else names[::-1]:
                t = time.perf_counter()
                rows = vectors.search(indexes[name], q[i], k)[1]
                out[name][0].append(time.perf_counter() - t)
                if r == 0:
                    out[name][1].append(rows)
    return out


def _recalls(x: np.ndarray, q: np.ndarray, found: list[np.ndarray], exact: np.ndarray, dev: int) -> dict[str, float]:
    """Recall@10 of the rows ``found`` for each query: over all queries, the questions, the held-out views."""
    from papersearch.index import recall

    sims = np.full((len(q), 10), -np.inf, dtype=np.float32)
    for i, rows in enumerate(found):
        sims[i, : len(rows)] = recall.exact_similarities(x, q[i : i + 1], rows[None, :10])[0]
    return {
        "all": recall.recall_at_10(sims, exact),
        "questions": recall.recall_at_10(sims[:dev], exact[:dev]) if dev else float("nan"),
        "views": recall.recall_at_10(sims[dev:], exact[dev:]) if dev < len(q) else float("nan"),
    }


def _share(found: list[np.ndarray], base: list[np.ndarray], ordered: bool) -> float:
    """The share of queries whose rows equal the baseline's (as sets, or in the same order too)."""
    if ordered:
        same = [np.array_equal(a, b) for a, b in zip(found, base, strict=True)]
    else:
        same = [set(a.tolist()) == set(b.tolist()) for a, b in zip(found, base, strict=True)]
    return float(np.mean(same))


# ------------------------------------------------------------------------------------------ run alone
def main(argv: list[str] | None = None) -> int:
    """This section alone: the machine, then the section, printed as Markdown."""
    ap = argparse.ArgumentParser(description="The sharded vector index benchmark alone.")
    source = ap.add_mutually_exclusive_group()
    source.add_argument(
        "--vectors", type=Path, help="a real-shaped (N, 384) float32 .npy, e.g. build/bench/ann/vectors.npy"
    )
    source.add_argument(
        "--index", type=Path, help="a synthetic index: real-shaped vectors are made from its view vectors"
    )
    ap.add_argument(
        "--queries", type=Path, help="queries .npy (default: queries.npy beside --vectors; kinds.json beside it)"
    )
    ap.add_argument("--n", type=int, help=f"vectors (default {N:,}, or all of --vectors if fewer; --smoke {SMOKE_N:,})")
    ap.add_argument("--shards", type=int, default=SHARDS)
    ap.add_argument("--nprobe", type=int, default=0, help="cells a query scans (default: tuned as vectors.build does)")
    ap.add_argument("--smoke", action="store_true", help=f"{SMOKE_N:,} vectors, one timed round")
    ap.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument("--build", type=Path, metavar="DIR", help=argparse.SUPPRESS)
    ap.add_argument("--load", type=Path, metavar="FILE", help=argparse.SUPPRESS)
    ap.add_argument("--search", type=Path, metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    helpers = {"build": build_main, "load": load_main, "search": search_main}
    for name, fn in helpers.items():
        if getattr(args, name):
            fn(getattr(args, name).resolve())
            return 0
    if not (args.vectors or args.index):
        ap.error("give --vectors FILE.npy (a real-shaped matrix) or --index DIR (a synthetic index)")
    d = args.workdir.resolve() / "shards"
    if args.vectors and d in args.vectors.resolve().parents:
        ap.error(f"--vectors lies in {d}, which this run empties first: copy it elsewhere or give another --workdir")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    plan = Plan.for_smoke() if args.smoke else Plan(smoke=False)
    report = Report()
    machine(report, plan)
    _fresh(d)
    rounds = 1 if args.smoke else ROUNDS
    if args.index:
        n = args.n or (SMOKE_N if args.smoke else N)
        text = made_from(d, args.index.resolve(), args.index.resolve(), n, plan.held_out)
        prepare(d, d / "vectors.npy", d / "queries.npy", n, args.shards, args.nprobe, rounds)
    else:
        vectors_path = args.vectors.resolve()
        queries = (args.queries or vectors_path.parent / "queries.npy").resolve()
        if not queries.is_file():
            ap.error(f"no queries at {queries}: give --queries FILE.npy")
        n = min(args.n or (SMOKE_N if args.smoke else N), len(np.load(vectors_path, mmap_mode="r")))
        text = f"The vectors: the first {n:,} rows of `{args.vectors}`; the queries: `{queries}`."
        prepare(d, vectors_path, queries, n, args.shards, args.nprobe, rounds)
    report.add(measure(d, text))
    print("\n".join(report.sections))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
