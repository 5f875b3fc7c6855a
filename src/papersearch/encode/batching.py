"""Encode concurrent queries together: one model run for every query that is waiting, not one each.

A server answering many new questions at once spends most of its CPU in the encoder, and a run
over eight short texts costs far less than eight runs. ``BatchingEncoder`` wraps any encoder that
can encode a list of texts: the first caller runs at once with its own text (no added wait, so a
lone query is as fast as before); callers that arrive while a run is in progress queue up, and
when it ends one of them runs the whole queue (up to ``max_batch``) for all. This is group
commit: batches form only when there is load, and their size follows it.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Protocol

import numpy as np


class ListEncoder(Protocol):
    """An encoder that turns a list of texts into an (n, dim) array of unit vectors in one run."""

    def encode_texts(self, texts: list[str]) -> np.ndarray: ...


@dataclass
class _Waiting:
    text: str
    woken: threading.Condition  # on the batcher's lock: only this caller waits on it
    vector: np.ndarray | None = None
    error: Exception | None = None
    done: bool = False


class BatchingEncoder:
    """A thread-safe query encoder that encodes the queries waiting at the same time in one run.

    A run's end wakes only whom it concerns: its callers, and the oldest still waiting, who runs the
    queue next (each caller waits on its own condition; one shared one woke every waiter at every run).
    """

    def __init__(self, inner: ListEncoder, max_batch: int) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, not {max_batch}")
        self.inner = inner
        self.max_batch = max_batch
        self._queue: list[_Waiting] = []
        self._running = False
        self._lock = threading.Lock()
        self.runs = 0  # model runs so far, and the texts they encoded: their ratio is the mean batch
        self.texts = 0
        self.sizes: Counter[int] = Counter()  # runs by the texts each encoded

    def encode_query(self, text: str) -> np.ndarray:
        """One query as a (dim,) float32 unit vector, encoded with whatever else is waiting."""
        with self._lock:
            me = _Waiting(text, threading.Condition(self._lock))
            self._queue.append(me)
            while not me.done:
                if self._running:  # someone is encoding: wait for my result, or my turn to run the queue
                    me.woken.wait()
                    continue
                self._run_queue()
        return self._result(me)

    def _run_queue(self) -> None:
        """Encode the oldest waiting texts (up to ``max_batch``) in one run, the lock released meanwhile;
        then wake their callers, and the next in the queue to run it. Called with the lock held."""
        batch = self._queue[: self.max_batch]  # oldest first; the caller's may wait for the next run
        del self._queue[: self.max_batch]
        self._running = True
        vectors: np.ndarray | None = None
        error: Exception | None = None
        self._lock.release()
        try:
            vectors = self.inner.encode_texts([w.text for w in batch])
        except Exception as exc:  # every waiter of this run gets it; nobody is left waiting
            error = exc
        finally:
            self._lock.acquire()
            for i, w in enumerate(batch):
                w.vector = None if vectors is None else vectors[i]
                w.error = None if vectors is not None else error or RuntimeError("the query encoder was interrupted")
                w.done = True
                w.woken.notify()
            self.runs += 1
            self.texts += len(batch)
            self.sizes[len(batch)] += 1
            self._running = False
            if self._queue:
                self._queue[0].woken.notify()

    @staticmethod
    def _result(me: _Waiting) -> np.ndarray:
        if me.error is not None:
            raise me.error
        assert me.vector is not None
        return me.vector


def batch_sizes(encoder: object) -> str | None:
    """How a batching encoder ran ("1200 queries in 268 runs; runs of 1: 3, 2: 10, ..."); None for any other."""
    if not isinstance(encoder, BatchingEncoder) or not encoder.runs:
        return None
    sizes = ", ".join(f"{size}: {runs}" for size, runs in sorted(encoder.sizes.items()))
    return f"{encoder.texts} queries in {encoder.runs} runs; runs of {sizes}"
