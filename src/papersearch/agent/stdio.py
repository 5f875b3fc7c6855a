"""``papersearch mcp``: the MCP server on standard input and output, over a live index.

The index loads (and warms up) in a thread while the SDK is imported, so the first call does not
wait for both in turn; both run without the cyclic garbage collector, as a command of the CLI starts
(``cli.main``): they make ~10^5 objects that live as long as the server, and sweeping them again and
again as they are made was ~4% of the SDK's import. A watcher thread then polls the index's CURRENT pointer, as the HTTP
service does, so a newly published version answers the next call without a restart. Without a
loadable index the server still starts: each call says what is wrong until an index appears.
Standard output carries the protocol alone; logs go to standard error.
"""

from __future__ import annotations

import gc
import threading
from typing import Protocol

from ..query.searcher import Searcher
from . import require_sdk


class LiveSource(Protocol):
    """The live index the server reads (``serve.live.LiveIndex``): one Searcher, swapped whole on reload."""

    @property
    def searcher(self) -> Searcher:
        """The Searcher being served; IndexStateError (saying why) when none could be loaded."""
        ...

    def refresh(self, force: bool = False) -> bool:
        """Load the version CURRENT names if it is not the one served."""
        ...

    def watch(self, stop: threading.Event, interval: float) -> None:
        """Poll CURRENT every ``interval`` seconds until ``stop`` is set."""
        ...


def serve_stdio(live: LiveSource, interval: float) -> None:
    """Serve the MCP tools on stdin/stdout until the client closes them; ``interval``: seconds between reload checks."""
    require_sdk()
    collecting, built = gc.isenabled(), threading.Event()
    gc.disable()

    def load() -> None:
        try:
            live.refresh(True)
        finally:
            built.wait()  # the collector comes back once the index is loaded and the server built
            if collecting:
                gc.enable()

    loading = threading.Thread(target=load, name="papersearch-index-load", daemon=True)
    loading.start()
    from .server import build_server  # the SDK imports while the index loads

    def current() -> Searcher:
        loading.join()  # a call that arrives during the first load waits for it
        return live.searcher

    stop = threading.Event()
    watcher = threading.Thread(target=live.watch, args=(stop, interval), name="papersearch-index-watch", daemon=True)
    if interval > 0:
        watcher.start()
    try:
        server = build_server(current)
        built.set()
        server.run("stdio")
    finally:
        built.set()
        stop.set()
