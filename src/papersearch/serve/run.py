"""Run the service: load the index, say where it listens (and warn off loopback), hand over to uvicorn."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from collections.abc import Callable

from ..core.errors import PapersearchError
from ..core.settings import Settings
from ..query.searcher import Searcher
from .app import create_app


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    settings: Settings | None = None, host: str = "127.0.0.1", port: int = 8000, echo: Callable[[str], None] = print
) -> None:
    """Load the index (raising IndexStateError if there is none), print the address, run uvicorn."""
    import uvicorn

    settings = settings or Settings.from_env()
    searcher = Searcher.load(settings.index, settings=settings)
    app = create_app(settings, searcher)
    shown = f"[{host}]" if ":" in host else host
    echo(f"papersearch: serving index {searcher.version} ({len(searcher.papers())} papers) at http://{shown}:{port}/")
    echo(f"papersearch: API documentation at http://{shown}:{port}/docs")
    if not is_loopback(host):
        echo(
            f"WARNING: listening on {host}, not a loopback address: anyone who can reach this machine can use the service"
        )
    uvicorn.run(app, host=host, port=port, workers=1, server_header=False, log_level="info")


def main(argv: list[str] | None = None) -> int:
    """``python -m papersearch.serve``: the service alone, configured by the environment."""
    parser = argparse.ArgumentParser(prog="python -m papersearch.serve", description="Serve papersearch over HTTP.")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)"
    )
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled model is a local folder: never ask a hub
    try:
        serve(Settings.from_env(), args.host, args.port)
    except PapersearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
