"""How an import's cost grows with its entries: the scale figure the import tests no longer time.

Usage: python scripts/bench_import.py [--sizes 2000,10000] [--rounds 3] [--into files|bulk] [--tmp DIR]

Each round imports a BibTeX file of N entries with one broken entry at 3/5 of it (as the tests write
it) twice into an empty corpus: once all-or-nothing (refused, nothing written) and once skipping the
bad entry (N papers written). The sizes run interleaved, round after round, in this one process;
the table gives each size's median seconds a 1,000 entries and its ratio to the smallest size's,
so 1.0 is linear growth and 5.0 at 5 times the entries would be quadratic.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from papersearch.core.errors import ImportFileError
from papersearch.corpus.import_plan import ImportOptions, Into
from papersearch.corpus.imports import run_import

ROOT = Path(__file__).resolve().parents[1]


def bibtex(good: int) -> str:
    """``good`` valid entries and one with an unclosed brace at 3/5 of them."""
    entries = [
        f"@article{{k{i}, title={{Paper number {i}}}, author={{Example, Ann}}, year={{2013}}}}\n" for i in range(good)
    ]
    entries.insert(good * 3 // 5, "@article{broken, title={Unclosed {brace}, author={Ann Example}, year={2013}\n")
    return "".join(entries)


def one_round(good: int, work: Path, into: Into) -> tuple[float, float]:
    """Seconds of the refused import and of the one that skips the bad entry, into a fresh empty corpus."""
    shutil.rmtree(work, ignore_errors=True)
    corpus = work / "corpus"
    (corpus / "papers").mkdir(parents=True)
    shutil.copy(ROOT / "corpus" / "eras.yaml", corpus / "eras.yaml")
    source = work / "many.bib"
    source.write_text(bibtex(good), encoding="utf-8")
    started = time.perf_counter()
    try:
        run_import(source, corpus, ImportOptions(into=into))
        raise SystemExit("the broken entry was not refused")
    except ImportFileError:
        refused = time.perf_counter() - started
    started = time.perf_counter()
    plan = run_import(source, corpus, ImportOptions(on_error="skip_bad", into=into))
    skipped = time.perf_counter() - started
    if plan.counts()["add"] != good:
        raise SystemExit(f"{plan.counts()['add']} added, not {good}")
    return refused, skipped


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print the machine, the command and the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000", help="entries a file, comma-separated (default 2000,10000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--into", choices=["files", "bulk"], default="files")
    parser.add_argument("--tmp", type=Path, default=None, help="where to write the corpora (default: the temp dir)")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    into: Into = "bulk" if args.into == "bulk" else "files"
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"
    )
    print(f"load average at start: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("command: python " + " ".join([Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])]))
    times: dict[int, list[tuple[float, float]]] = {n: [] for n in sizes}
    with tempfile.TemporaryDirectory(dir=args.tmp, prefix="bench-import-") as tmp:
        for _ in range(args.rounds):
            for n in sizes:
                times[n].append(one_round(n, Path(tmp) / str(n), into))
    base = sizes[0]

    def per_k(n: int, which: int) -> float:
        return statistics.median(t[which] for t in times[n]) / n * 1000

    print(f"\n{'entries':>8} {'refused s/1k':>13} {'ratio':>6} {'skip-bad s/1k':>14} {'ratio':>6}")
    for n in sizes:
        refused, skipped = per_k(n, 0), per_k(n, 1)
        print(
            f"{n:>8} {refused:>13.3f} {refused / per_k(base, 0):>6.2f} "
            f"{skipped:>14.3f} {skipped / per_k(base, 1):>6.2f}"
        )
    print(f"\n(medians of {args.rounds} interleaved rounds; ratios against {base} entries, measured in this run)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
