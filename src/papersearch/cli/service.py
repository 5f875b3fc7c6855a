"""Serving: ``serve`` (the HTTP service and web page) and ``mcp`` (the MCP tools on stdin/stdout).

Both run over the settings ``main`` read once; uvicorn and the MCP SDK are imported only here.
"""

from __future__ import annotations

import argparse

from ..core.settings import Settings
from .arguments import Command, port


def serve_arguments(s: argparse.ArgumentParser) -> None:
    """``serve [--host HOST] [--port PORT]``."""
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=port, default=8000, help="port (default 8000)")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch serve``: the HTTP service and web page, until interrupted."""
    from ..serve.run import serve

    serve(settings, host=args.host, port=args.port)
    return 0


def cmd_mcp(args: argparse.Namespace, settings: Settings) -> int:
    """The MCP server on stdin/stdout over the live index (the SDK is imported only here)."""
    from ..agent.stdio import serve_stdio
    from ..serve.live import LiveIndex

    serve_stdio(LiveIndex(settings), settings.reload_interval)
    return 0


COMMANDS = (
    Command(
        "serve",
        "start the HTTP service and web page",
        "Serve the API and web page with uvicorn. Binds 127.0.0.1 unless told otherwise.",
        cmd_serve,
        serve_arguments,
        handles_term=True,
    ),
    Command(
        "mcp",
        "serve the search tools to an agent over MCP (stdio)",
        "Run an MCP server on standard input and output for an agent's client (search_papers, get_paper, "
        "similar_papers, answer_question, reading_path, list_eras and the resource paper://{id}); a newly built "
        "index is served without a restart. See README, Use from an agent.",
        cmd_mcp,
        reads=frozenset({"index"}),
        handles_term=True,
    ),
)
