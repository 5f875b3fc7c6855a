"""What the service is serving: the live Searcher, swapped whole on reload, and corpus staleness.

A background thread polls the index's CURRENT pointer; a new version is loaded and warmed up
beside the old one, then swapped in as one reference. Requests in flight keep the Searcher they
started with. Every file of the new version is hashed before it is swapped in, whatever verdict an
earlier check left (``index.integrity``). A version that fails to load is not swapped in: the old
one keeps serving and the problem is reported on /health.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from ..core.errors import IndexStateError
from ..core.settings import Settings
from ..corpus.files import Signature, corpus_signature
from ..index import reader, store
from ..index.check import corpus_state
from ..query.searcher import Searcher

log = logging.getLogger("papersearch.serve.app")
WARM_UP_QUERY = "how were deep networks first trained?"
CORPUS_CHECK_WAIT = 0.5  # seconds a /health request waits for a changed corpus to be checked


def _same_model(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two versions' queries are encoded alike: the same model, and an int8 graph in both or in neither."""

    def int8(m: dict[str, Any]) -> bool:
        entry = m.get("query_encoder")
        return isinstance(entry, dict) and bool(entry.get("int8_file"))

    return bool(a.get("model")) and a.get("model") == b.get("model") and int8(a) == int8(b)


def warm_up(searcher: Searcher) -> None:
    """Load the query encoder and run one search, so the first reader does not wait for either."""
    searcher.search(WARM_UP_QUERY, k=1)


class LiveIndex:
    """The Searcher being served, replaced whole when the index's CURRENT pointer names a new version.

    Reads never lock: ``searcher`` is one attribute read. Only reloads are serialised.
    """

    def __init__(self, settings: Settings, searcher: Searcher | None = None) -> None:
        """The index of ``settings`` (as the entry point read them); ``searcher``: a version already loaded."""
        self.index_dir = settings.index
        self.settings = settings
        self._searcher = searcher
        self._name = searcher.data.path.name if searcher else None  # the version folder served
        self._reload_lock = threading.Lock()
        self._failed: str | None = None  # a version that failed to load; retried only when forced
        self.problem: str | None = None

    @property
    def searcher(self) -> Searcher:
        s = self._searcher
        if s is None:
            raise IndexStateError(self.problem or f"no index is loaded from {self.index_dir}; run `papersearch index`")
        return s

    @property
    def loaded(self) -> Searcher | None:
        return self._searcher

    def refresh(self, force: bool = False) -> bool:
        """Load the version CURRENT names if it is not the one served; True when a new one was swapped in."""
        with self._reload_lock:
            old = self._searcher
            serving = f"; still serving {old.version}" if old else ""
            try:
                name = store.current_version(self.index_dir)
            except IndexStateError as exc:
                self.problem = f"{exc}{serving}"
                return False
            if old is not None and self._name == name:
                self.problem = None
                return False
            if name == self._failed and not force:
                return False
            try:
                data = reader.read_version(store.version_dir(self.index_dir, name), self.settings, trust_verdict=False)
                encoder = (
                    old.loaded_encoder if old is not None and _same_model(old.data.manifest, data.manifest) else None
                )
                new = Searcher(data, self.settings, encoder)
                warm_up(new)
            except Exception as exc:  # a reload must never take the service down
                self._failed = name
                self.problem = f"index version {name} could not be loaded ({exc}){serving}"
                log.warning("reload failed: %s", self.problem)
                return False
            self._searcher, self._name, self._failed, self.problem = new, name, None, None
            log.info("now serving index version %s (was %s)", name, old.version if old else "none")
            return True

    def watch(self, stop: threading.Event, interval: float) -> None:
        """Poll CURRENT every ``interval`` seconds until ``stop`` is set (run in a daemon thread)."""
        while not stop.wait(interval):
            try:
                self.refresh()
            except Exception:  # keep watching whatever happens
                log.exception("index watcher error")


@dataclass
class _CorpusCheck:
    """One computation of the corpus state, for the files as they were when it started."""

    key: Signature
    done: threading.Event = field(default_factory=threading.Event)
    result: tuple[str | None, str | None] = (None, None)


class CorpusWatch:
    """Whether the corpus still hashes to what an index was built from; recomputed only when files change.

    A change is noticed by ``stat`` alone (``corpus_signature`` opens nothing, so a FIFO cannot
    block it). The corpus is then loaded in a background thread, one load at a time; a caller waits
    at most ``wait`` seconds for it and otherwise gets the last known state, so a slow or stuck load
    never holds up a /health request, nor the ones after it.
    """

    def __init__(self, corpus_dir: FsPath, wait: float = CORPUS_CHECK_WAIT) -> None:
        self.corpus_dir = corpus_dir
        self.wait = wait
        self._lock = threading.Lock()
        self._running: _CorpusCheck | None = None
        self._known: _CorpusCheck | None = None

    def state(self) -> tuple[str | None, str | None]:
        """``index.check.corpus_state`` of the corpus: (hash, None) or (None, why it cannot be computed)."""
        check = self._check_for(corpus_signature(self.corpus_dir))
        check.done.wait(self.wait)
        with self._lock:
            if self._known is not None:
                return self._known.result
        return None, "the corpus is still being checked; ask again in a moment"

    def _check_for(self, key: Signature) -> _CorpusCheck:
        """The check for ``key``: the one known or running, or a new one (only when none is running)."""
        with self._lock:
            if self._known is not None and self._known.key == key:
                return self._known
            running = self._running
            if running is not None and (running.key == key or not running.done.is_set()):
                return running
            check = _CorpusCheck(key)
            self._running = check
        threading.Thread(target=self._run, args=(check,), name="corpus-check", daemon=True).start()
        return check

    def _run(self, check: _CorpusCheck) -> None:
        try:
            check.result = corpus_state(self.corpus_dir)
        except Exception as exc:  # the loader reports problems, never raises; keep /health answering if it does
            log.exception("corpus check failed")
            check.result = (None, f"the corpus check failed ({type(exc).__name__})")
        with self._lock:
            self._known = check
        check.done.set()
