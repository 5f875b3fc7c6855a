"""The build's per-paper work in worker processes (``index.pool``): the same results, in the same order, and the same
index, byte for byte, as one process gives."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

import synth_corpus
from benchlib.million import RandomVectors
from papersearch.index import pool, store
from papersearch.index.build import build

from .conftest import MODEL


def _tagged(shared: tuple[str, int], item: int) -> tuple[str, int, int]:
    """A worker's answer: the shared state it inherited, the item's square, and which process made it."""
    tag, offset = shared
    return tag, item * item + offset, os.getpid()


def _fails_on_seven(_: None, item: int) -> int:
    if item == 7:
        raise ValueError("seven")
    return item


def test_the_workers_give_every_result_in_the_order_given_with_the_state_they_inherited() -> None:
    items = list(range(1_000))
    serial = list(pool.in_order(_tagged, ("lexicon", 3), items, 0))
    spread = list(pool.in_order(_tagged, ("lexicon", 3), iter(items), 2, batch=7))  # many batches, several under way
    assert (
        [(i, r[:2]) for i, r in spread]
        == [(i, r[:2]) for i, r in serial]
        == [(i, ("lexicon", i * i + 3)) for i in items]
    )
    assert {r[2] for _, r in serial} == {os.getpid()}
    workers = {r[2] for _, r in spread}  # which worker takes a batch is the scheduler's: one may take them all
    assert os.getpid() not in workers and 1 <= len(workers) <= 2
    assert pool._shared is None  # the build's process does not keep the state it lent


def test_a_failure_in_a_worker_ends_the_work_with_its_error() -> None:
    with pytest.raises(ValueError, match="seven"):
        list(pool.in_order(_fails_on_seven, None, range(100), 2, batch=4))
    assert pool._shared is None


def _killed_on_seven(_: None, item: int) -> int:
    if item == 7:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    return item


def test_a_worker_that_dies_ends_the_work_with_an_error_never_a_wait() -> None:
    """multiprocessing's Pool lost a killed worker's batch and waited for it for ever; the build must fail instead."""
    with pytest.raises(BrokenProcessPool):
        list(pool.in_order(_killed_on_seven, None, range(100), 2, batch=4))
    assert pool._shared is None


def test_a_small_list_is_worked_in_the_build_process() -> None:
    assert pool.workers(pool.POOL_ITEMS - 1) == 0
    assert pool.workers(pool.POOL_ITEMS) in (0, 2)  # two where the machine has two cores or more


@pytest.mark.ray
def test_a_process_joined_to_a_ray_cluster_forks_no_workers() -> None:
    """A caller's own ``ray.init`` (a script that builds on its cluster) leaves gRPC threads that a fork does not carry:
    the build then works every paper in its own process."""
    ray = pytest.importorskip("ray")
    ray.init(
        address="local", num_cpus=1, include_dashboard=False, configure_logging=False
    )  # its own, not a running one
    try:
        assert pool.workers(pool.POOL_ITEMS * 10) == 0
    finally:
        ray.shutdown()
    assert pool.workers(pool.POOL_ITEMS * 10) == (2 if len(os.sched_getaffinity(0)) > 1 else 0)  # left: forks again


def _contents(index: Path) -> dict[str, str]:
    """sha256 of every table of the version's database and of every file but those naming the build (the manifest,
    the check's verdict) and the Tantivy segments' random names (their files are compared by kind)."""
    vdir = store.version_dir(index)
    out: dict[str, str] = {}
    db = sqlite3.connect(f"file:{vdir / 'papers.sqlite'}?mode=ro", uri=True)
    try:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            digest = hashlib.sha256()
            for row in db.execute(f"SELECT * FROM {table}"):
                digest.update(repr(row).encode())
            out[f"table {table}"] = digest.hexdigest()
    finally:
        db.close()
    for path in sorted(vdir.rglob("*")):
        if path.is_file() and path.name not in ("manifest.json", "verified.json", "meta.json", ".managed.json"):
            engine = "engine" in path.parts and path.suffix
            out[f"segment {path.suffix}" if engine else str(path.relative_to(vdir))] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return out


def test_a_build_whose_papers_go_to_workers_writes_the_index_one_process_writes(
    index_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third read (extraction, records, passages), the records' rows and the words for BM25, each by two workers
    a few papers at a time: every table, array and file is the one the build writes alone."""
    corpus = synth_corpus.write_corpus(120, tmp_path / "corpus", seed=5)
    built = {}
    for name, processes in (("alone", 0), ("workers", 2)):
        out = tmp_path / name
        shutil.copytree(index_dir / store.CACHE, out / store.CACHE)  # the ONNX export, not made again
        monkeypatch.setattr(pool, "workers", lambda items, n=processes: n)
        monkeypatch.setattr(pool, "BATCH", 8)
        build(corpus, out, MODEL, embedder_factory=RandomVectors, exact_limit=500)
        built[name] = _contents(out)
    assert len(built["alone"]) > 40 and any(key.startswith("segment") for key in built["alone"])
    assert built["workers"] == built["alone"]
