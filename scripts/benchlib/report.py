"""What every benchmark section shares: the run's plan, the report it fills, and how commands are run.

``Plan`` holds the sizes and repetitions of a run (full or smoke); ``run`` runs a command as a
person would, printing it and returning its wall time, its CPU time and its own peak RSS; ``med``, ``spread``,
``growth``, ``ratio``, ``table`` and ``commands`` turn measurements into the Markdown of
``docs/benchmarks.md``; ``machine`` is its first section and ``write`` puts the file together,
keeping the sections other tools add to it.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from papersearch.index import layout, store

from .units import GB, KB, kib_to_mb

ROOT = Path(__file__).resolve().parents[2]  # the project folder (this file is scripts/benchlib/report.py)
BENCH = ROOT / "scripts" / "bench.py"  # the entry point: helpers that need a process of their own run it again
BIN = Path(sys.executable).parent
QUESTION = "how were deep nets first trained?"
QUERIES = ROOT / "tests" / "data" / "queries.jsonl"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
# how a section's own processes (``python -m benchlib.<module>``) import benchlib: scripts/ first, then
# this process's own path (a checkout's src/ when papersearch is installed from another checkout)
MODULES = {"PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "scripts"), os.environ.get("PYTHONPATH")) if p)}


@dataclass
class Plan:
    """Sizes and repetitions of one run."""

    smoke: bool
    cold_runs: int = 5
    torch_runs: int = 3
    repeats: int = 5
    rebuild_runs: int = 5
    synth_n: int = 10_000
    raw_sample: int = 8192
    xref_sizes: tuple[int, ...] = (1_000, 3_000, 10_000)
    xref_runs: int = 3  # build_graph timings per size; the median is fitted
    ann_n: int = 1_000_000
    held_out: int = 426  # synthetic view vectors kept out of the 1M set, queried with the 74 dev queries
    ann_exact_limit: int = 0  # 0: vectors.EXACT_LIMIT
    full_rebuild: bool = True
    peer: bool = True
    http_runs: int = 3  # load tests of the service, each a fresh server
    http_requests: int = 600  # per concurrency level
    http_levels: tuple[int, ...] = (1, 8, 32)
    ann_trainings: int = 3  # builds of the chosen index, each with its own k-means sample and tuning queries
    bound_rounds: int = 5  # rounds of each measurement and its bound, in turns (benchlib.bounds)
    bound_queries: int = 400  # new queries per round at c=8 (a quarter of them at c=1, in process, over MCP)

    @classmethod
    def for_smoke(cls) -> Plan:
        plan = cls(True, 1, 0, 1, 1, 30, 64, (10, 20), 1, 4000, 26, 1000, False, False, 1, 20, (1, 2), 2)
        plan.bound_rounds, plan.bound_queries = 1, 24
        return plan


@dataclass
class Run:
    cmd: list[str]
    wall: float
    rss_mb: float
    rc: int
    out: str
    err: str
    cpu: float = float("nan")  # user + system seconds of the command and what it waited for


@dataclass
class Report:
    sections: list[str] = field(default_factory=list)
    floors: list[tuple[str, str, str, bool | None]] = field(default_factory=list)  # what, floor, measured, met

    def add(self, text: str) -> None:
        self.sections.append(text.rstrip() + "\n")

    def floor(self, what: str, floor: str, measured: str, met: bool | None) -> None:
        self.floors.append((what, floor, measured, met))


# ------------------------------------------------------------------------------------------ helpers
def shown(cmd: Sequence[object], env: dict[str, str] | None = None) -> str:
    """The command as a person would type it from the project folder."""
    text = shlex.join(str(c) for c in cmd).replace(str(ROOT) + "/", "")
    return " ".join([*(f"{k}={v}" for k, v in (env or {}).items()), text])


def run(cmd: Sequence[object], env: dict[str, str] | None = None, check: bool = True) -> Run:
    """Run a command (printing it) and return its wall time, CPU time and its own peak RSS.

    The RSS comes from /usr/bin/time: a child's rusage straight from wait4 would include this
    process's own memory at the time of the spawn (Linux keeps the high-water mark across exec).
    The CPU time does come from wait4 (user + system, the command's and its waited-for children's).
    """
    print(f"$ {shown(cmd, env)}", flush=True)
    prefix = ["/usr/bin/time", "-f", "@@rss %M"] if Path("/usr/bin/time").exists() else []
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [*prefix, *(str(c) for c in cmd)], stdout=out, stderr=err, env={**ENV, **(env or {})}, cwd=ROOT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    lines = stderr.rstrip("\n").split("\n")
    rss = float("nan")
    if prefix and lines and lines[-1].startswith("@@rss "):
        rss = kib_to_mb(int(lines[-1].split()[1]))
        stderr = "\n".join(lines[:-1])
    cpu = usage.ru_utime + usage.ru_stime
    result = Run([str(c) for c in cmd], wall, rss, proc.returncode, stdout, stderr, cpu)
    if check and proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {shown(cmd, env)}\n{stderr[-3000:]}")
    return result


def med(xs: Sequence[float]) -> float:
    return float(np.median(xs)) if len(xs) else float("nan")


def spread(xs: Sequence[float], scale: float = 1.0, unit: str = "", digits: int = 2) -> str:
    if not xs:
        return "—"
    m, lo, hi = med(xs) * scale, min(xs) * scale, max(xs) * scale
    if len(xs) == 1:
        return f"{m:.{digits}f}{unit}"
    return f"{m:.{digits}f}{unit} ({lo:.{digits}f}–{hi:.{digits}f})"


def growth(sizes: Sequence[int], seconds: Sequence[float]) -> float:
    """The exponent p of seconds ~ size^p: the slope of a least-squares line in log-log (nan if any time is 0)."""
    if min(seconds) <= 0:
        return float("nan")
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b and np.isfinite(a) and np.isfinite(b) else "—"


def table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def commands(runs: Sequence[str]) -> str:
    return "```\n" + "\n".join(dict.fromkeys(runs)) + "\n```\n"


def version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def latest_manifest(index: Path) -> dict[str, Any]:
    """The manifest of the version ``index``'s CURRENT names (checked as a searcher checks it)."""
    return layout.read_manifest(store.version_dir(index))


def load_queries(first_74: bool = False, in_scope: bool = False) -> list[dict[str, Any]]:
    """The dev queries; ``first_74``: only q01-q74, the set the vector index's question recall was defined on
    (the later ones add time-only and out-of-scope queries, which lie far from every vector);
    ``in_scope``: only queries with relevant papers."""
    rows = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [q for q in rows if (not first_74 or q["id"].startswith("q")) and (not in_scope or q["relevant"])]


# ------------------------------------------------------------------------------------------ the file
def machine(report: Report, plan: Plan) -> None:
    """The first section: CPU, memory, OS, library versions, the commit measured and the load at the start."""
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln),
        platform.processor(),
    )
    mem_kib = int(
        next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    )
    libs = [
        "numpy",
        "faiss-cpu",
        "torch",
        "sentence-transformers",
        "transformers",
        "onnxruntime",
        "tokenizers",
        "bm25s",
    ]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    dirty = subprocess.run(["git", "status", "--porcelain", "src"], capture_output=True, text=True, cwd=ROOT).stdout
    rows = [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("RAM", f"{mem_kib * KB / GB:.1f} GiB"),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("libraries", ", ".join(f"{lib} {version(lib)}" for lib in libs)),
        ("code", f"commit {commit.strip()}{' + uncommitted changes in src/' if dirty.strip() else ''}"),
        ("load average at start", " / ".join(f"{x:.2f}" for x in os.getloadavg())),
        ("run", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()) + (" (smoke sizes)" if plan.smoke else "")),
    ]
    report.add("## The machine\n\n" + table(["", ""], rows))


KEPT = "<!-- Sections below this line are not written by scripts/bench.py; it keeps them as they are. -->"


def foreign_sections(out: Path, mine: list[str]) -> str:
    """Sections of an existing file that this script does not write (other tools add theirs)."""
    if not out.is_file():
        return ""
    text = out.read_text(encoding="utf-8")
    if KEPT in text:
        return text.split(KEPT, 1)[1].strip()
    ours = {s.splitlines()[0].split(" at ")[0] for s in mine if s.startswith("## ")}
    ours |= {"## Floors", "## A peer: txtai", "## The vector index", "## The build pipeline"}
    kept = []
    for part in ("\n" + text).split("\n## ")[1:]:
        heading = "## " + part.splitlines()[0]
        if not any(heading.startswith(o) for o in ours):
            kept.append("## " + part.strip())
    return "\n\n".join(kept)


def write(report: Report, out: Path, plan: Plan, started: float) -> None:
    """Write ``out``: the floors table, then every section, then the sections other tools keep in it."""
    floors = table(
        ["what", "floor", "measured", "met"],
        [(w, f, m, "—" if ok is None else ("yes" if ok else "**no**")) for w, f, m, ok in report.floors],
    )
    head = (
        "# Benchmarks\n\n"
        "Written by `scripts/bench.py` (`make bench`); every figure below comes from one run of it and each\n"
        "section shows the commands it ran. The machine is shared: other work may have run at the same time\n"
        "(see the load averages), so spreads matter more than any single figure.\n\n"
        f"Run took {(time.perf_counter() - started) / 60:.1f} min; load average at the end: "
        + " / ".join(f"{x:.2f}" for x in os.getloadavg())
        + ".\n\n## Floors\n\nThe floors the project set, each checked in this run.\n\n"
        + floors
    )
    kept = foreign_sections(out, report.sections)
    out.parent.mkdir(parents=True, exist_ok=True)
    body = head + "\n" + "\n".join(report.sections)
    out.write_text(body + (f"\n{KEPT}\n\n{kept}\n" if kept else ""), encoding="utf-8")
    print(f"wrote {out}")
