"""The units every benchmark reports in, defined once: one megabyte, one percentile, a process's memory.

``MB`` is 2^20 bytes, the unit the kernel's memory figures (KiB in ``/proc`` and ``/usr/bin/time``) divide
into evenly and the one the memory floors were set in; file sizes use it too, so a file and the memory it
takes are comparable. ``pct`` is numpy's default percentile (linear interpolation between the two nearest
samples), for latencies from the load tests and from in-process timings alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

KB = 2**10
MB = 2**20
GB = 2**30


def pct(xs: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``xs``, interpolated between samples; nan for no samples."""
    return float(np.percentile(xs, q)) if len(xs) else float("nan")


def kib_to_mb(kib: float) -> float:
    """A figure the kernel gives in KiB (``/proc/*/status``, ``/usr/bin/time -f %M``) in ``MB``."""
    return kib * KB / MB


def process_mb(pid: int | str = "self") -> tuple[float, float]:
    """A process's resident memory now and its peak (``VmRSS``, ``VmHWM``), in MB; this process by default."""
    lines = Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines()
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    return kib_to_mb(int(fields["VmRSS"].split()[0])), kib_to_mb(int(fields["VmHWM"].split()[0]))
