"""Every setting in one place: paths, the model, service options and speed knobs, read and checked once.

``Settings.from_env()`` reads the ``PAPERSEARCH_*`` environment variables (and the ``--corpus`` /
``--index`` flags, which win) and raises :class:`SettingsError` naming the variable and what it
accepts, so a bad value stops start-up instead of surfacing later as a client's mistake. Nothing
else in the package reads the environment; nothing but the entry points writes it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from .errors import SettingsError
from .flags import read_flag

DEFAULT_MODEL = "bundled:all-MiniLM-L6-v2"
QueryEncoderChoice = Literal["auto", "onnx", "torch"]
ENCODER_CHOICES: tuple[QueryEncoderChoice, ...] = ("auto", "onnx", "torch")
QueryPrecision = Literal["int8", "fp32"]
PRECISIONS: tuple[QueryPrecision, ...] = ("int8", "fp32")
Choice = TypeVar("Choice", bound=str)

MAX_THREADS = 256  # onnxruntime and FAISS start every thread asked for: 999999 hung a query while its memory grew
MAX_QUERY_BATCH = 1024  # texts one ONNX run may pad together, at most
QUERY_BATCH = 16  # a bound on one ONNX run's texts, so one run never pads a long queue to its longest query

# name -> what it sets; README's configuration table is checked against this (tests/test_structure.py)
VARIABLES = {
    "PAPERSEARCH_CORPUS": "corpus folder",
    "PAPERSEARCH_INDEX": "index folder",
    "PAPERSEARCH_MODEL": "a sentence-transformers folder or hub name",
    "PAPERSEARCH_ADMIN_TOKEN": "bearer token for POST /admin/reload",
    "PAPERSEARCH_CORS_ORIGINS": "comma-separated allowed origins",
    "PAPERSEARCH_RELOAD_INTERVAL": "seconds between checks of the index pointer",
    "PAPERSEARCH_QUERY_ENCODER": "auto, onnx or torch",
    "PAPERSEARCH_ORT_THREADS": "onnxruntime threads per query",
    "PAPERSEARCH_QUERY_BATCH": "new queries a service encodes together, at most (1: each alone)",
    "PAPERSEARCH_QUERY_PRECISION": "int8 or fp32: which of the index's ONNX graphs encodes queries",
    "PAPERSEARCH_NPROBE": "cells an IVF index scans per query",
    "PAPERSEARCH_EF_SEARCH": "search breadth of an HNSW index",
    "PAPERSEARCH_FAISS_THREADS": "FAISS threads per query",
    "PAPERSEARCH_MCP": "serve the MCP tools at /mcp on the HTTP service",
    "PAPERSEARCH_HEADER_TIMEOUT": "seconds a connection has to send a request's head",
    "PAPERSEARCH_MAX_IDLE_CONNECTIONS": "connections waiting for a request's head, at most",
}
HEADER_TIMEOUT = 10.0  # seconds from a connection's start, or its last answer, to the end of the next request's head
MAX_IDLE_CONNECTIONS = 512  # beyond, the longest-waiting one is closed (and at most half the open-file limit)


@dataclass(frozen=True)
class Settings:
    """Where the corpus and index live, which model embeds, how the service and queries run."""

    corpus: Path = field(default_factory=lambda: Path("corpus").resolve())  # ./corpus, where the command runs
    index: Path = field(default_factory=lambda: Path("index").resolve())
    model: str = DEFAULT_MODEL
    admin_token: str | None = None
    cors_origins: tuple[str, ...] = ()
    reload_interval: float = 1.0
    query_encoder: QueryEncoderChoice = "auto"
    ort_threads: int | None = None  # None: 2 (1 on one core) for a service's lone query, else 1
    query_batch: int = QUERY_BATCH  # concurrent new queries encoded in one run (encode/batching.py)
    query_precision: QueryPrecision = "fp32"  # fp32: the model's own vectors; int8: about half the CPU a query
    nprobe: int | None = None  # None: as tuned at build time
    ef_search: int | None = None
    faiss_threads: int = 1
    mcp: bool = False  # the HTTP service also serves the MCP tools at /mcp
    header_timeout: float = HEADER_TIMEOUT  # a connection that sends no whole request head in this time is closed
    max_idle_connections: int = MAX_IDLE_CONNECTIONS  # connections waiting for a request head, new or kept alive

    @classmethod
    def from_env(
        cls, corpus: str | Path | None = None, index: str | Path | None = None, env: Mapping[str, str] | None = None
    ) -> Settings:
        """Read and check every ``PAPERSEARCH_*`` variable; ``corpus``/``index`` (flags) override theirs."""
        env = os.environ if env is None else env

        def get(name: str) -> str:
            return env.get(name, "").strip()

        return cls(
            corpus=Path(corpus or get("PAPERSEARCH_CORPUS") or "corpus").resolve(),
            index=Path(index or get("PAPERSEARCH_INDEX") or "index").resolve(),
            model=get("PAPERSEARCH_MODEL") or DEFAULT_MODEL,
            admin_token=get("PAPERSEARCH_ADMIN_TOKEN") or None,
            cors_origins=tuple(o.strip() for o in get("PAPERSEARCH_CORS_ORIGINS").split(",") if o.strip()),
            reload_interval=_seconds(
                "PAPERSEARCH_RELOAD_INTERVAL", get("PAPERSEARCH_RELOAD_INTERVAL"), 1.0, means=" (never check)"
            ),
            query_encoder=_one_of(
                "PAPERSEARCH_QUERY_ENCODER",
                get("PAPERSEARCH_QUERY_ENCODER").lower(),
                ENCODER_CHOICES,
                "auto",
                "to pick automatically",
            ),
            ort_threads=_count("PAPERSEARCH_ORT_THREADS", get("PAPERSEARCH_ORT_THREADS"), MAX_THREADS),
            query_batch=_count("PAPERSEARCH_QUERY_BATCH", get("PAPERSEARCH_QUERY_BATCH"), MAX_QUERY_BATCH)
            or QUERY_BATCH,
            query_precision=_one_of(
                "PAPERSEARCH_QUERY_PRECISION",
                get("PAPERSEARCH_QUERY_PRECISION").lower(),
                PRECISIONS,
                "fp32",
                "for fp32",
            ),
            nprobe=_count("PAPERSEARCH_NPROBE", get("PAPERSEARCH_NPROBE")),
            ef_search=_count("PAPERSEARCH_EF_SEARCH", get("PAPERSEARCH_EF_SEARCH")),
            faiss_threads=_count("PAPERSEARCH_FAISS_THREADS", get("PAPERSEARCH_FAISS_THREADS"), MAX_THREADS) or 1,
            mcp=_flag("PAPERSEARCH_MCP", get("PAPERSEARCH_MCP").lower()),
            header_timeout=_seconds(
                "PAPERSEARCH_HEADER_TIMEOUT", get("PAPERSEARCH_HEADER_TIMEOUT"), HEADER_TIMEOUT, 0.1, 3600
            ),
            max_idle_connections=_count("PAPERSEARCH_MAX_IDLE_CONNECTIONS", get("PAPERSEARCH_MAX_IDLE_CONNECTIONS"))
            or MAX_IDLE_CONNECTIONS,
        )

    def query_threads(self, one_shot: bool = False) -> int:
        """onnxruntime threads for queries: the setting, else one for a one-shot query, else two (one on one core).

        Two: an 11-token query took 5.0 ms instead of 8.6 on two idle cores, and 10.0 instead of 10.9
        with the other core busy; more only add synchronisation for a text this short. A one-shot
        query gains nothing from a second thread while the index loads beside it.
        """
        if self.ort_threads:
            return self.ort_threads
        return 1 if one_shot else min(2, os.cpu_count() or 1)

    def query_batch_threads(self) -> int:
        """onnxruntime threads for a service's runs of several concurrent queries: the setting, else one.

        A batch forms only when requests wait for the encoder, so the other core is busy with theirs: a
        second thread there bought no throughput and cost ~5% more CPU a query (docs/benchmarks.md).
        """
        return self.ort_threads or 1


def _count(name: str, raw: str, high: int | None = None) -> int | None:
    """A whole number from 1 (to ``high``), or None when unset."""
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1 or (high is not None and int(raw) > high):
        within = f" from 1 to {high:,}" if high is not None else ", 1 or more"
        raise SettingsError(name, raw, f"a whole number{within}; unset it for the default")
    return int(raw)


def _seconds(name: str, raw: str, default: float, low: float = 0, high: float = 86_400, means: str = "") -> float:
    """A number of seconds from ``low`` to ``high`` (``means``: what ``low`` does, said in the error), or ``default``."""
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not low <= value <= high:
        raise SettingsError(name, raw, f"a number of seconds from {low:g}{means} to {high:g}")
    return value


def _one_of(name: str, raw: str, choices: tuple[Choice, ...], default: Choice, unset: str) -> Choice:
    """``raw`` if it is one of ``choices``, ``default`` when empty; else a SettingsError saying what ``unset`` does."""
    if not raw:
        return default
    if raw not in choices:
        raise SettingsError(name, raw, f"one of {', '.join(choices)}; unset it {unset}")
    return choices[choices.index(raw)]


def _flag(name: str, raw: str) -> bool:
    """A yes/no variable: a word of ``core.flags``; unset or empty means no."""
    flag = read_flag(raw) if raw else False
    if flag is None:
        raise SettingsError(name, raw, "1 or 0 (also true/false, yes/no, on/off)")
    return flag
