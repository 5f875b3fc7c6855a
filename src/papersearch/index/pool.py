"""Per-paper work of a build spread over the machine's cores, its results given back in the input's order.

A build's per-paper steps (extracting a paper's references and cutting its passages, a record's
query-understanding rows and stems, its words for BM25) are pure functions of the paper and of what
the build made before them (the lexicon): one core's Python, the largest part of a large build.
``in_order`` runs such a function in worker processes forked from the build, a batch of papers at a
time, and yields each item with its result in the order given, so what the build writes is the same,
byte for byte, as when one process does it all (``tests/test_scale_pool.py``). What the function
needs besides the item (``shared``) is inherited by the fork, not sent: the lexicon is large. At most
``AHEAD`` batches a worker are under way, so nothing waits in memory for a slow writer.

Below ``POOL_ITEMS`` items, or with one core, the work runs in the build's own process: forking costs
more than a small list's work, and tests that build small indexes fork nothing.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

POOL_ITEMS = 5_000  # from this many items up, the work goes to worker processes
BATCH = 256  # items sent to a worker at a time (a few hundred papers: the pickling's overhead stays small)
AHEAD = 4  # batches under way per worker: enough to keep them busy while the build writes

_shared: Any = None  # what the work needs besides its item, set before the workers fork (they inherit it)


def workers(items: int) -> int:
    """How many worker processes ``items`` items are worth: the cores (at most two), or none below ``POOL_ITEMS``, and
    none while this process is joined to a Ray cluster (a caller's own ``ray.init``: its gRPC threads do not survive
    a fork, and a child could hang on a lock one of them held)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if items < POOL_ITEMS or cores < 2 or _in_ray():
        return 0
    return min(2, cores)


def _in_ray() -> bool:
    """Whether this process has joined a Ray cluster (without importing Ray when nothing has)."""
    ray = sys.modules.get("ray")
    return ray is not None and bool(ray.is_initialized())


def in_order(
    work: Callable[[S, T], R], shared: S, items: Iterable[T], processes: int, batch: int | None = None
) -> Generator[tuple[T, R], None, None]:
    """(item, ``work(shared, item)``) for every item, in order; ``processes`` worker processes do the work (none: this
    process does), ``batch`` items at a time (``BATCH``). ``work`` must be a module's function (the workers find it by
    name). A worker that dies (killed, out of memory) ends the build with ``BrokenProcessPool``, never a wait; the
    workers leave Ctrl-C to the build, which cancels what is left."""
    if processes < 1:
        for item in items:
            yield item, work(shared, item)
        return
    from concurrent.futures import ProcessPoolExecutor

    global _shared
    _shared = shared
    gc.collect()
    gc.freeze()  # the inherited objects stay out of the workers' collections: their pages are not copied for it
    size = batch or BATCH
    context = multiprocessing.get_context("fork")
    workers = ProcessPoolExecutor(processes, mp_context=context, initializer=_leave_interrupts)
    try:
        pending: deque[tuple[list[T], Future[list[R]]]] = deque()
        source = iter(items)
        while chunk := list(islice(source, size)):
            pending.append((chunk, workers.submit(_run, work, chunk)))  # the first forks every worker
            _shared = None  # the workers hold it now; this process keeps its own reference
            if len(pending) >= processes * AHEAD:
                yield from _done(pending.popleft())
        while pending:
            yield from _done(pending.popleft())
    finally:
        workers.shutdown(wait=True, cancel_futures=True)
        _shared = None
        gc.unfreeze()


def _leave_interrupts() -> None:
    """In a worker: Ctrl-C is the build's to handle (it cancels the rest), not a traceback from each worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(work: Callable[[Any, T], R], chunk: list[T]) -> list[R]:
    """In a worker: ``work`` over one batch, with the shared state the fork gave it."""
    return [work(_shared, item) for item in chunk]


def _done(entry: tuple[list[T], Future[list[R]]]) -> Generator[tuple[T, R], None, None]:
    chunk, result = entry
    yield from zip(chunk, result.result(), strict=True)
