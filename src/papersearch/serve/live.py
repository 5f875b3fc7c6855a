"""What the service is serving: the live Searcher, swapped whole on reload, and corpus staleness.

A background thread polls the index's CURRENT pointer; a new version is loaded and warmed up
beside the old one, then swapped in as one reference. Requests in flight keep the Searcher they
started with. A version that fails to load is not swapped in: the old one keeps serving and the
problem is reported on /health.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path as FsPath
from typing import Any

from ..core.errors import IndexStateError
from ..core.settings import Settings
from ..index import layout, store
from ..index.check import corpus_state
from ..query.searcher import Searcher

log = logging.getLogger("papersearch.serve.app")
WARM_UP_QUERY = "how were deep networks first trained?"


def _same_model(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a.get("model")) and a.get("model") == b.get("model")


def warm_up(searcher: Searcher) -> None:
    """Load the query encoder and run one search, so the first reader does not wait for either."""
    searcher.search(WARM_UP_QUERY, k=1)


class LiveIndex:
    """The Searcher being served, replaced whole when the index's CURRENT pointer names a new version.

    Reads never lock: ``searcher`` is one attribute read. Only reloads are serialised.
    """

    def __init__(self, index_dir: FsPath, searcher: Searcher | None = None, settings: Settings | None = None) -> None:
        self.index_dir = index_dir
        self.settings = settings or Settings.from_env()
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
                data = layout.read_version(store.version_dir(self.index_dir, name), self.settings)
                encoder = (
                    old.loaded_encoder if old is not None and _same_model(old.data.manifest, data.manifest) else None
                )
                new = Searcher(data, encoder, self.settings)
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


class CorpusWatch:
    """Whether the corpus still hashes to what an index was built from; recomputed only when files change."""

    def __init__(self, corpus_dir: FsPath) -> None:
        self.corpus_dir = corpus_dir
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._result: tuple[str | None, str | None] = (None, None)

    def _signature(self) -> tuple[Any, ...]:
        paths = [self.corpus_dir / "eras.yaml", *sorted((self.corpus_dir / "papers").glob("*.md"))]
        sig: list[tuple[str, int | None, int | None]] = []
        for p in paths:
            try:
                st = p.stat()
                sig.append((p.name, st.st_mtime_ns, st.st_size))
            except OSError:
                sig.append((p.name, None, None))
        return tuple(sig)

    def state(self) -> tuple[str | None, str | None]:
        """``index.check.corpus_state`` of the corpus: (hash, None) or (None, why it cannot be computed)."""
        with self._lock:
            key = self._signature()
            if key != self._key:
                self._result = corpus_state(self.corpus_dir)
                self._key = key
            return self._result
