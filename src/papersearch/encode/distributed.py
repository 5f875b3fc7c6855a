"""Embed passages on a Ray cluster (``papersearch index --ray``): a Ray Data pipeline of encoder actors.

The texts to embed (the build decides which, exactly as for a local build) go into the object
store in blocks of ``BLOCK_TEXTS`` with their row numbers; ``map_batches`` sends the blocks to a pool
of actors, one per CPU unless told otherwise, each loading the model once (``sentence.Embedder``,
so the vectors are the local build's); the vectors come back with their rows and the build writes
each where it belongs, so arrival order does not matter. Everything after the embedding (FAISS,
BM25, checks, the atomic publish) stays local.

A worker whose process or node dies is Ray's to handle: Ray Data's actor pools restart a dead actor
on any node with a free CPU and send its unfinished blocks again (its defaults, ``max_restarts=-1``
and ``max_task_retries=-1``, which this module keeps). An exception raised by the model code itself
is not retried: it ends the build with an ``EncoderError``, and a failed build publishes nothing.

The only module that imports ray, and only when a ``RayEmbedder`` is made.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..core.errors import EncoderError
from .model import cannot_load, resolve_model_path

if TYPE_CHECKING:
    import numpy as np

INSTALL_HINT = "pip install 'papersearch[ray]'"
BLOCK_TEXTS = 256  # texts per block: what one actor call embeds, and what Ray retries when a worker dies
ENCODE_BATCH = 64  # texts per forward pass inside an actor (the local build's batch)
CONNECT_TIMEOUT = 5.0  # seconds to wait for a cluster address to answer at all
SETUP = "every node needs papersearch and the model installed (docs/scale.md)"
_ERROR_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b.*:")


def import_ray() -> ModuleType:
    """The ray package, or an EncoderError saying how to install it."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise EncoderError(
            f"embedding with --ray needs Ray ({exc.name or 'ray'} is not installed): {INSTALL_HINT}"
        ) from None
    return ray


class _Encoder:
    """One Ray actor: loads the model once, then turns blocks of (row, text) into (row, vector)."""

    def __init__(self, model: str) -> None:
        path = resolve_model_path(model)  # this node's copy; ImportError when the bundled model is not installed here
        if os.path.isabs(path) and not os.path.isdir(path):  # say so before spending seconds importing torch
            raise FileNotFoundError(f"model folder {path} not found on node {socket.gethostname()}")
        _check_configs(model, path)  # likewise: a node's broken copy fails in a second, not after the import
        from .sentence import Embedder

        self._embedder = Embedder(model)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self._embedder.encode([str(t) for t in batch["text"]], batch_size=ENCODE_BATCH)
        return {"row": batch["row"], "vector": vectors}


class RayEmbedder:
    """Embeds a build's passages on a Ray cluster; joined (or started) when made, left by ``close``.

    ``address``: None follows Ray's own rule (``RAY_ADDRESS``, else a cluster ``ray start`` began on
    this machine, else a new local one); ``"auto"`` joins an existing cluster or fails; ``"local"``
    always starts a new one; ``host:port`` or ``ray://host:port`` joins that cluster. A process already
    connected to Ray keeps its connection (and ``close`` leaves it open). ``workers``: encoder actors,
    at most (and by default) one per CPU of the cluster.
    """

    def __init__(
        self, model: str, address: str | None = None, workers: int | None = None, verbose: bool = False
    ) -> None:
        ray = import_ray()
        self._ray = ray
        self.model = model
        self._verbose = verbose
        self._owns = not ray.is_initialized()
        if self._owns:
            _check_reachable(address)
            try:
                with _sigterm_kept():
                    ray.init(
                        address=address,
                        logging_level=logging.INFO if verbose else logging.ERROR,
                        log_to_driver=verbose,
                    )
            except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
                where = address or "RAY_ADDRESS, or a new local one"
                raise EncoderError(
                    f"cannot reach a Ray cluster ({where}): {_first_line(exc)}; start one with `ray start --head`, "
                    "or give no address for a local one"
                ) from None
        self._data_log = logging.getLogger("ray.data")
        self._data_log_level = self._data_log.level
        if not verbose:  # `index -q`: Ray Data's plan and progress would be all its output
            self._data_log.setLevel(logging.ERROR)
        cpus = int(ray.cluster_resources().get("CPU", 0))
        if cpus < 1:
            self.close()
            raise EncoderError("the Ray cluster has no CPUs for encoder actors; start its nodes with --num-cpus")
        self.workers = max(1, min(workers or cpus, cpus))
        self.nodes = sum(1 for n in ray.nodes() if n.get("Alive"))

    def describe(self) -> dict[str, Any]:
        """How the vectors were made, for the manifest's ``embedded_with``."""
        return {"engine": "ray", "workers": self.workers, "nodes": self.nodes, "encoder": "sentence-transformers"}

    def encode_stream(self, chunks: Iterable[tuple[np.ndarray, list[str]]]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(rows, vectors) for every (rows, texts) chunk given, in blocks, in no particular order.

        Every chunk is read (into the object store) before the first vectors come back: Ray Data
        plans the pipeline over all of its blocks.
        """
        import pyarrow as pa

        ray = self._ray
        refs = []
        for rows, texts in chunks:
            for lo in range(0, len(texts), BLOCK_TEXTS):
                block = pa.table({"row": rows[lo : lo + BLOCK_TEXTS], "text": texts[lo : lo + BLOCK_TEXTS]})
                refs.append(ray.put(block))
        if not refs:
            return
        ds = ray.data.from_arrow_refs(refs).map_batches(
            _Encoder,
            fn_constructor_args=(self.model,),
            batch_size=BLOCK_TEXTS,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(min_size=1, max_size=self.workers, initial_size=self.workers),
            num_cpus=1,  # Ray then gives each actor's torch one thread (OMP_NUM_THREADS=1)
        )
        ds.context.enable_progress_bars = self._verbose  # Ray Data's own bars: rows, tasks and actors
        try:
            for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
                yield batch["row"], batch["vector"]
        except ray.exceptions.RayError as exc:
            raise EncoderError(f"embedding on the Ray cluster failed: {_first_line(exc)}; {SETUP}") from exc

    def close(self) -> None:
        """Leave the cluster (stopping it when this embedder started it); idempotent."""
        if self._owns and self._ray.is_initialized():
            self._ray.shutdown()
        self._owns = False
        self._data_log.setLevel(self._data_log_level)


def _check_configs(model: str, path: str) -> None:
    """An ``EncoderError`` (``model.cannot_load``'s line, as the ``Embedder`` gives) when the folder's
    ``modules.json`` or ``config.json`` is there and is not JSON: loading reads both, after seconds of importing
    torch, transformers and sentence-transformers, which this spares a node whose copy is broken."""
    for name in ("modules.json", "config.json"):
        file = Path(path) / name
        if not file.is_file():
            continue
        try:
            json.loads(file.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:  # UnicodeDecodeError is a ValueError
            why = f"its {name} on node {socket.gethostname()} is not JSON ({exc.__class__.__name__}: {str(exc)[:80]})"
            raise EncoderError(cannot_load(model, why)) from None


@contextmanager
def _sigterm_kept() -> Iterator[None]:
    """``ray.init`` puts in its own SIGTERM handler (``sys.exit(15)``): where the process had one of its own (the
    command line's, which ends a build as Ctrl-C does, exit 143), that one is put back after. A process with none
    keeps Ray's, which at least runs the exit's cleanups."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread sets handlers (and Ray sets none from another)
        return
    ours = signal.getsignal(signal.SIGTERM)
    try:
        yield
    finally:
        if callable(ours):
            signal.signal(signal.SIGTERM, ours)


def _check_reachable(address: str | None) -> None:
    """A ``host:port`` nothing answers at fails here at once; Ray itself would retry it for minutes."""
    host, sep, port = (address or "").rpartition(":")
    if not sep or not host or "://" in (address or "") or not port.isdigit():
        return  # None, "auto", "local", ray://...: Ray resolves these
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise EncoderError(
            f"nothing answers at {address} ({exc.strerror or exc.__class__.__name__}); start the head there with "
            f"`ray start --head --port={port}`, or give no address for a local cluster"
        ) from None


def _first_line(exc: BaseException) -> str:
    """The root cause of a (Ray) error in one line: a Ray error's text ends with its cause's ``Class: message``."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    causes = [ln for ln in lines if _ERROR_LINE.match(ln)]
    line = causes[-1] if causes else lines[0] if lines else ""
    if not _ERROR_LINE.match(line):
        line = f"{exc.__class__.__name__}: {line}"
    return line[:300]
