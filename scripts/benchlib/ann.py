"""The vector index at scale: flat against the chosen approximate index on a million real-shaped vectors.

``ann`` makes the vectors (the synthetic pipeline's real embeddings, reused with noise) and the
queries (the dev questions and held-out vectors) with ``real_shaped`` (``shards`` makes its own
with it too), then runs ``bench.py --ann flat|ivf DIR`` in
processes of their own (``ann_main``, which builds, times and measures recall, and prints JSON) for
their peak memory, and writes the section and the 1M floor from what they print.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from papersearch.core.settings import Settings
from papersearch.index import layout, store

from .report import BENCH, Plan, Report, commands, load_queries, ratio, run, shown, table
from .units import GB, MB, pct

NOISE = 0.3  # norm of the perturbation added to a real vector before renormalising: cosine to it ~0.96


@dataclass
class RealShaped:
    """What ``real_shaped`` wrote: the view vectors it drew on, how many it reused, the queries' kinds, and
    the median cosine of a noisy vector to its source."""

    sources: int
    base: int
    dim: int
    dev: int
    held_out: int
    cosine: float


def real_shaped(synth_index: Path, index: Path, n: int, held_out: int, d: Path) -> RealShaped:
    """Write ``d/vectors.npy``: ``n`` real-shaped vectors, the view vectors of ``synth_index`` (real
    embeddings) less ``held_out``, each reused with noise of norm ``NOISE`` and renormalised; and
    ``d/queries.npy``: the dev questions encoded by ``index``'s query encoder, then the held-out vectors
    (how many of each: ``d/kinds.json``). Seeded: the same files every time."""
    from papersearch.query.searcher import Searcher

    real = np.load(store.version_dir(synth_index) / layout.VECTORS)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(real))
    held = order[:held_out]
    base = real[np.sort(order[held_out:])]
    searcher = Searcher.load(index)
    dev = np.stack([searcher.embed_query(q["query"]) for q in load_queries(first_74=True)])
    queries = np.ascontiguousarray(np.vstack([dev, real[held]]), dtype=np.float32)
    np.save(d / "queries.npy", queries)
    (d / "kinds.json").write_text(json.dumps({"dev": len(dev), "views": int(held_out)}), encoding="utf-8")
    vectors_path = d / "vectors.npy"
    print(f"$ python: {n:,} vectors = {len(base):,} real ones, each reused with noise of norm {NOISE}", flush=True)
    out = np.lib.format.open_memmap(vectors_path, mode="w+", dtype=np.float32, shape=(n, real.shape[1]))
    for lo in range(0, n, 100_000):
        hi = min(n, lo + 100_000)
        x = base[np.arange(lo, hi) % len(base)]
        x = x + rng.standard_normal(x.shape, dtype=np.float32) * (NOISE / np.sqrt(x.shape[1]))
        out[lo:hi] = x / np.linalg.norm(x, axis=1, keepdims=True)
    out.flush()
    del out
    cos = float(np.median(np.sum(np.load(vectors_path, mmap_mode="r")[: len(base)][:2000] * base[:2000], axis=1)))
    return RealShaped(len(real), len(base), real.shape[1], len(dev), held_out, cos)


def ann(report: Report, plan: Plan, work: Path, synth_index: Path, index: Path) -> None:
    """Flat vs the chosen approximate index on real-shaped vectors, in processes of their own."""
    from papersearch.index import vectors

    d = work / "ann"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    made = real_shaped(synth_index, index, plan.ann_n, plan.held_out, d)
    results = {}
    cmds = []
    for kind in ("flat", "ivf"):
        cmd = [sys.executable, BENCH, "--ann", kind, d]
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
    report.add(
        f"## The vector index at {plan.ann_n:,} vectors\n\n"
        f"Real shape, not uniform noise: the {made.sources:,} view vectors of the synthetic pipeline's index\n"
        f"(real all-MiniLM-L6-v2 embeddings), less {plan.held_out} held out, each reused"
        f" ~{plan.ann_n // made.base} times with Gaussian noise of norm {NOISE} and renormalised (median cosine\n"
        f"to its source {made.cosine:.3f}). Queries: the {made.dev} dev-set questions encoded by the query encoder and\n"
        f"the {plan.held_out} held-out view vectors, one at a time (k=10; k=2000 is what `Searcher` asks an\n"
        f"approximate index for), through `vectors.search` as `Searcher` calls it. Recall@10: the rows found\n"
        f"whose exact similarity reaches the flat index's 10th (ties count), on all queries, the questions, the held-out\n"
        f"views. The chosen index is `vectors.build` itself: nlist from the size, nprobe tuned at build time\n"
        f"(its own estimate: {ivf['build_recall']:.4f}, lower bound {ivf['build_recall_low']:.4f}, on\n"
        f"`{ivf['measured_on']}`). The alternatives are built\n"
        f"in the same process: the same cells with each vector in its nearest cell only (the index before\n"
        f"spilling), and the choice before that (4 x sqrt(N) cells chosen by comparing the query with every\n"
        f"centroid, one cell per vector, nprobe 64); all hold float16. Latencies of the IVF indexes\n"
        f"are interleaved (each one's {made.dev + plan.held_out} queries in turn, three rounds), one FAISS thread.\n"
        f"Peak RSS of the two processes: flat {flat['rss']:.0f} MB, IVF (the {plan.ann_n * made.dim * 4 / GB:.1f} GB matrix in memory as the\n"
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


# ------------------------------------------------------------------------------------------ the --ann process
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

    from papersearch.index import recall, vectors

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
    faiss.omp_set_num_threads(Settings.from_env().faiss_threads)  # as a loaded index searches
    for c in candidates:
        suffix = "" if c["name"] == "chosen" else f"-{c['params']['nlist']}-{c['params']['copies'] > 1}"
        c["size_mb"] = (d / f"{kind}{suffix}.faiss").stat().st_size / MB

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
            found[i, : len(rows)] = recall.exact_similarities(x, q[i : i + 1], rows[None, :])[0]
        return {
            "recall_at_10": recall.recall_at_10(found, exact),
            "recall_dev": recall.recall_at_10(found[:n_dev], exact[:n_dev]),
            "recall_views": recall.recall_at_10(found[n_dev:], exact[n_dev:]),
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
        faiss.omp_set_num_threads(Settings.from_env().faiss_threads)
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
