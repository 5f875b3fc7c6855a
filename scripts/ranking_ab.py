"""Ranking CPU of this tree against another commit's, in one process, query by query in turns; results compared.

Usage:
    python scripts/ranking_ab.py --index DIR --against REF [--queries 200] [--rounds 5] [--call answer]

The other commit's ``src/papersearch`` is copied (``git archive``) into a temporary folder as the package
``papersearch_old`` (every import inside the package is relative), and both load the same index. Each
round gives both sides a fresh ``Searcher`` (empty caches), as ``benchlib.bounds.ranking_rows`` does, over
new dev queries (a dev query and a number no cache has seen); every vector is encoded before any is timed,
and each search is timed by the CPU of its thread, the two sides in turns (which goes first alternates), so
a busy machine slows both alike. Prints each side's median over the rounds of its per-round p50, the rounds'
range, the median ratio, and how many results differ (``took_ms`` aside): 0 when a change keeps outputs
identical. ``--call answer`` times and compares ``Searcher.answer`` instead (a search, then the answer composed).
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "data" / "queries.jsonl"


class Shared:
    """A query encoder both sides read: each text encoded once by the real encoder, then replayed."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.vectors: dict[str, np.ndarray] = {}

    def encode_query(self, text: str) -> np.ndarray:
        if text not in self.vectors:
            self.vectors[text] = np.asarray(self.inner.encode_query(text))
        return self.vectors[text]


def old_package(ref: str, into: Path) -> None:
    """``src/papersearch`` of commit ``ref``, as the package ``papersearch_old`` in ``into``."""
    tar = subprocess.run(["git", "archive", ref, "src/papersearch"], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(into, filter="data")
    (into / "src" / "papersearch").rename(into / "papersearch_old")


def queries(n: int) -> list[str]:
    """``n`` dev queries, each with a number no run before used (so new to every cache)."""
    base = [json.loads(line)["query"] for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    token = time.time_ns() % 10**7
    return [f"{base[i % len(base)]} {token}ab{i}" for i in range(n)]


def shown(result: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in result.items() if k != "took_ms"}, sort_keys=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, type=Path)
    parser.add_argument("--against", required=True, help="the commit to compare with (a git ref)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--call", choices=("search", "answer"), default="search", help="what is timed and compared")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ranking-ab-") as tmp:
        old_package(args.against, Path(tmp))
        sys.path.insert(0, tmp)
        sides = {}
        for name, package in (("old", "papersearch_old"), ("new", "papersearch")):
            settings = importlib.import_module(f"{package}.core.settings").Settings
            searcher = importlib.import_module(f"{package}.query.searcher").Searcher
            sides[name] = (searcher, searcher.load(args.index, settings=settings.from_env(index=str(args.index))))
        encoder = Shared(sides["new"][1].encoder)
        texts = queries(args.queries)
        for searcher, base in sides.values():  # every text either side encodes, encoded before any search is timed
            warm = searcher(base.data, base.settings, encoder)
            for q in texts:
                getattr(warm, args.call)(q)
        p50: dict[str, list[float]] = {"old": [], "new": []}
        differ = 0
        for r in range(args.rounds):
            fresh = {name: searcher(base.data, base.settings, encoder) for name, (searcher, base) in sides.items()}
            spent: dict[str, list[float]] = {"old": [], "new": []}
            for i, q in enumerate(texts):
                out = {}
                for name in ("old", "new") if (i + r) % 2 == 0 else ("new", "old"):
                    started = time.thread_time()
                    out[name] = getattr(fresh[name], args.call)(q)
                    spent[name].append(time.thread_time() - started)
                differ += shown(out["old"]) != shown(out["new"])
            for name in p50:
                p50[name].append(statistics.median(spent[name]))
    ratios = [b / a for a, b in zip(p50["old"], p50["new"], strict=True)]
    for name, values in p50.items():
        ms = [v * 1e3 for v in values]
        print(f"{name}: p50 {statistics.median(ms):.3f} ms CPU ({min(ms):.3f}-{max(ms):.3f})")
    print(f"new/old: {statistics.median(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f}), {args.rounds} rounds")
    print(f"results differing: {differ} of {args.rounds * len(texts)}")


if __name__ == "__main__":
    main()
