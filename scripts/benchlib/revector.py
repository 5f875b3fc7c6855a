"""A shortcut for measuring a new vector index at scale: an index version whose vector index alone is rebuilt.

A million papers take 100 minutes to build, most of it spent on what the vector index does not depend on
(the graph, BM25, the records). ``revector(SRC, DST)`` makes a new index folder ``DST`` whose one version
hard-links every file of ``SRC``'s version (no extra disk) but ``vectors.faiss``, which the current code's
own builder (``ivf_file.build_file``, what the build's faiss stage calls) writes from the version's float32
matrix, in a process of its own timed by ``/usr/bin/time -v`` (its seconds and peak RSS). The manifest is
``SRC``'s with the new ``vector_index`` entry, the faiss stage's seconds, a ``revectored_from`` note (this
is a shortcut, not a build) and every file described again by ``layout.describe_files`` (linked files keep
their recorded sha256); then the version is published (``store.publish``) and checked in full as a
service's load checks it, which also records the verdict a trusted load relies on.

Linking a file moves its change time, so ``SRC``'s own verdict no longer vouches for the linked files: its
next trusted load hashes them once again. Run from ``scripts/``: ``python -m benchlib.million --revector
SRC DST`` (under ``flock /tmp/m1m.lock`` for the million-paper index).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .report import MODULES

SKIPPED = ("manifest.json", "verified.json", "vectors.faiss")  # not linked: written anew


def revector(src: Path, dst: Path) -> dict[str, Any]:
    """``DST``: ``SRC``'s version with its vector index rebuilt by the current code (see the module); returns the
    IVF stage's figures and the new manifest entry."""
    from papersearch.index import layout, store
    from papersearch.index.reader import check_version
    from papersearch.index.writer import write_json

    svdir = store.version_dir(src)
    manifest = layout.read_manifest(svdir)
    version = store.new_version_name()
    bdir = dst / f".revector-{version}"
    if store.named_version(dst) is not None:
        raise SystemExit(f"{dst} already holds an index; give a new folder")
    bdir.mkdir(parents=True)
    try:
        _link_all_but_the_vector_index(svdir, bdir)
        stage = _ivf_stage(svdir / layout.VECTORS, bdir / layout.VECTOR_INDEX)
        manifest["version"] = version
        manifest["vector_index"] = stage["vector_index"]
        manifest["build_stages"] = {**manifest.get("build_stages", {}), "faiss": stage["seconds"]}
        manifest["revectored_from"] = {"index": str(src.resolve()), "version": svdir.name, "by": "benchlib.revector"}
        manifest["files"] = layout.describe_files(bdir, svdir, manifest["files"])
        manifest.pop("checksum", None)
        manifest["checksum"] = layout.manifest_checksum(manifest)
        write_json(bdir / layout.MANIFEST, manifest)
        store.publish(dst, bdir, version)
    except BaseException:
        shutil.rmtree(bdir, ignore_errors=True)
        raise
    for name in ("queries.json", "queries.npy"):  # the query vectors ``--measure`` looks up
        if (src / name).is_file() and not (dst / name).exists():
            os.link(src / name, dst / name)
    started = time.perf_counter()
    check_version(store.version_dir(dst))  # every file hashed, as a service's load does; records the verdict
    return {**stage, "check_seconds": round(time.perf_counter() - started, 1), "version": version}


def _link_all_but_the_vector_index(svdir: Path, bdir: Path) -> None:
    """Hard-link every file of the version folder ``svdir`` into ``bdir`` but those written anew (``SKIPPED``)."""
    for path in sorted(svdir.rglob("*")):
        rel = path.relative_to(svdir)
        if path.is_dir():
            (bdir / rel).mkdir(parents=True, exist_ok=True)
        elif rel.as_posix() not in SKIPPED:
            (bdir / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(path, bdir / rel)


def _ivf_stage(matrix: Path, out: Path) -> dict[str, Any]:
    """``ivf_main`` in a child process under ``/usr/bin/time -v``: its manifest entry, seconds and peak RSS."""
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "benchlib.million", "--ivf", str(matrix), str(out)]
    env = {**os.environ, **MODULES}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"the IVF stage failed ({done.returncode}):\n{done.stderr[-3000:]}")
    info = json.loads(done.stdout.strip().splitlines()[-1])
    peak_kb = next(int(line.split(":")[1]) for line in done.stderr.splitlines() if "Maximum resident" in line)
    return {**info, "peak_rss_mb": round(peak_kb / 1024, 1)}


def ivf_main(matrix: Path, out: Path) -> None:
    """``--ivf``: the build's own faiss stage over a version's ``vectors.npy``; prints its entry and seconds."""
    from papersearch.index import ivf_file
    from papersearch.index.matrix import MatrixFile

    started = time.perf_counter()
    with MatrixFile(matrix) as m:
        info = ivf_file.build_file(m, out)
    print(json.dumps({"vector_index": info, "seconds": round(time.perf_counter() - started, 1)}))


COMPARE_QUERIES = 200
RESCORED = (10, 20, 50, 100, 200)  # best rows re-scored exactly, tried on the 8-bit index


def compare(fp16: Path, sq8: Path, n: int = COMPARE_QUERIES, rounds: int = 3) -> dict[str, Any]:
    """``--compare FP16 SQ8``: two versions of one matrix whose vector indexes differ only in their codes, searched
    by FAISS alone with one thread at the measured nprobe: whether their cells are the same, ms a query (rounds
    interleaved, medians), and recall@10 against exact search of the first ``n`` looked-up query vectors, the
    8-bit index's with each number of its best rows re-scored (``RESCORED``)."""
    import faiss
    import numpy as np

    from papersearch.index import layout, recall, store, vectors

    from .million import NPROBE

    dirs = {"fp16": store.version_dir(fp16), "8bit": store.version_dir(sq8)}
    infos = {k: layout.read_manifest(d)["vector_index"] for k, d in dirs.items()}
    ix = {k: vectors.load(d / layout.VECTOR_INDEX, infos[k], nprobe=NPROBE) for k, d in dirs.items()}
    same = bool(np.array_equal(*(i.quantizer.reconstruct_n(0, i.nlist) for i in ix.values())))
    matrix = np.load(dirs["fp16"] / layout.VECTORS, mmap_mode="r")
    queries = np.ascontiguousarray(np.load(fp16 / "queries.npy")[:n], dtype=np.float32)
    exact, _ = recall.exact_neighbours(matrix, queries, 10)
    ms: dict[str, list[float]] = {k: [] for k in ix}
    out: dict[str, Any] = {"same_cells": same, "queries": n, "nprobe": NPROBE}
    for _ in range(rounds):
        for name, index in ix.items():
            started = time.perf_counter()
            found = index.search(queries, 2 * max(RESCORED))
            ms[name].append((time.perf_counter() - started) * 1000 / n)
            if name == "fp16":
                rows = np.stack([vectors.unique_rows(s, r, 10)[1] for s, r in zip(*found, strict=True)])
                out["recall_fp16"] = recall.recall_at_10(recall.exact_similarities(matrix, queries, rows), exact)
    for rows_rescored in RESCORED:
        vectors.RESCORE_ROWS = rows_rescored
        rows = vectors.search_many(ix["8bit"], queries, 10, matrix)
        out[f"recall_8bit_rescored_{rows_rescored}"] = recall.recall_at_10(
            recall.exact_similarities(matrix, queries, rows), exact
        )
    out.update({f"ms_{k}": sorted(v)[len(v) // 2] for k, v in ms.items()}, threads=faiss.omp_get_max_threads())
    return out
