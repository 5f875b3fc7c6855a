"""The MCP tools on the HTTP service: the SDK's streamable-HTTP transport as one route, ``/mcp``.

``streamable_http`` gives the route to add to the service's app, so that requests reach it through
the service's own middleware (body and head limits, security headers), and the session manager's
lifespan, to run inside the app's. The transport is stateless and answers POSTs in plain JSON: the
tools keep no state between calls and send no notifications, so there are no sessions to hold or
expire and no event stream to open (a GET is refused with 405, as the protocol allows). It refuses
requests whose Host or Origin is not a loopback name (the SDK's DNS-rebinding guard), so ``/mcp``
answers only on this machine, even when the service listens on another address.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route

from ..query.searcher import Searcher
from .server import build_server

PATH = "/mcp"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
LOOPBACK_ONLY = TransportSecuritySettings(
    enable_dns_rebinding_protection=True,
    allowed_hosts=[*LOOPBACK_NAMES, *(f"{name}:*" for name in LOOPBACK_NAMES)],
    allowed_origins=[f"http://{name}{port}" for name in LOOPBACK_NAMES for port in ("", ":*")],
)


@dataclass(frozen=True)
class StreamableMount:
    """What the service adds for ``/mcp``: its route, and the lifespan of the transport's session manager."""

    route: Route
    lifespan: Callable[[], AbstractAsyncContextManager[None]]


def streamable_http(current: Callable[[], Searcher], public: Callable[[str], str], max_body: int) -> StreamableMount:
    """The MCP server over ``current()`` as a route at ``/mcp``; ``public`` and ``max_body`` as the service's own."""
    server = build_server(current, public)
    server.streamable_http_app(  # sets up the session manager; its app is not used, only the manager
        streamable_http_path=PATH,
        json_response=True,
        stateless_http=True,
        max_request_body_size=max_body,
        transport_security=LOOPBACK_ONLY,
    )
    manager = server.session_manager
    return StreamableMount(Route(PATH, StreamableHTTPASGIApp(manager), methods=["POST"]), manager.run)
