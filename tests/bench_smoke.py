"""Running ``scripts/bench.py --smoke`` for a test: some of its sections, into a temporary folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

QUERY_SECTIONS = ("bounds", "cold", "warm", "http", "newq", "assist", "mcp", "rebuilds")
SCALE_SECTIONS = ("pipeline", "ann", "shards", "xrefs", "memory", "million")


def bench_smoke(index_dir: Path, tmp_path: Path, sections: tuple[str, ...]) -> tuple[str, str]:
    """(the report written, what the bench printed) of a smoke run of ``sections`` over a copy of ``index_dir``."""
    out = tmp_path / "benchmarks.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench.py"),
            "--smoke",
            "--only",
            ",".join(sections),
            "--index",
            str(index_dir),
            "--workdir",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,  # a guard against a hang: 70 s alone here, 190-250 s on a busy machine
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out.read_text(encoding="utf-8"), proc.stdout


def assert_sections(text: str, out: str, headings: tuple[str, ...]) -> None:
    """The report holds each of ``headings`` and its tables, and the run printed the commands it ran."""
    for heading in ("## Floors\n", *headings):
        assert heading in text, heading
    assert text.count("\n| ") > 20 and "$ " in out
