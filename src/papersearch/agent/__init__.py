"""The MCP face: papersearch's tools for agents, over the same live index as the CLI and the HTTP API.

``tools`` holds the tools (names, descriptions and argument schemas written for a model to read)
over the one ``Searcher`` façade; ``text`` their short renderings for clients that read only text;
``errors`` turns the error tree into tool errors with the HTTP API's words; ``server`` builds the
``MCPServer`` (tools and the ``paper://{id}`` resource); ``stdio`` runs it for ``papersearch mcp``
and ``http`` mounts it at ``/mcp`` on the service. Only these modules import the ``mcp`` SDK, and
only when an MCP entry point runs; ``require_sdk`` (which imports nothing) says how to install it.
"""

from __future__ import annotations

from importlib import metadata

from ..core.errors import PapersearchError

SDK_MAJOR = 2  # the MCPServer API; pyproject's `mcp` extra pins mcp>=2.3,<3
INSTALL = "install it with `.venv/bin/pip install -e '.[mcp]'` (or `make dev`)"


def require_sdk() -> None:
    """Raise PapersearchError, saying how to install it, unless the MCP SDK (2.x) is installed."""
    try:
        found = metadata.version("mcp")
    except metadata.PackageNotFoundError:
        raise PapersearchError(f"the MCP server needs the optional `mcp` package (2.x); {INSTALL}") from None
    if found.split(".")[0] != str(SDK_MAJOR):
        raise PapersearchError(f"the MCP server needs the `mcp` package 2.x, not {found}; {INSTALL}")
