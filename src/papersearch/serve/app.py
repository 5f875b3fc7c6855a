"""The FastAPI app: JSON endpoints over a live index, the web page, and reloads without restart.

A background thread watches the index's CURRENT pointer and swaps in a new ``Searcher`` as one
reference (``live``); each request takes that reference once, so a request in flight finishes on
the version it started with. Endpoints are in ``routes`` (citations in ``citations``), errors become JSON in ``errors``. With
``PAPERSEARCH_MCP=1`` the MCP tools (``agent``) answer at ``/mcp`` over the same live index, behind
the same middleware; the MCP SDK is imported only then.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match, Router
from starlette.types import Receive, Scope, Send

from .. import __version__
from ..core.settings import Settings
from ..encode.batching import batch_sizes
from ..query.searcher import Searcher
from .citations import router as citations
from .errors import install_error_handlers, public_folders, public_text
from .live import CorpusWatch, LiveIndex, warm_up
from .middleware import MAX_BODY_BYTES, GuardMiddleware
from .routes import plain_routes, router
from .schemas import live_openapi

log = logging.getLogger("papersearch.api")
WEB_DIR = Path(__file__).parents[1] / "web"


def install_docs(app: FastAPI) -> None:
    """Interactive API docs at /docs with Swagger UI's files served by the app itself (works offline)."""
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="papersearch API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )


class SlashRedirect:
    """The router's answer when no route matches: a redirect to the same path with its trailing slash taken
    away (or added) where a route matches that, else the 404.

    Starlette's own redirect wrote its ``Location`` whole, from the request's ``Host`` header (a request for
    ``/search/`` sent to ``Host: evil.example`` was sent on to ``http://evil.example/search``); this one
    writes the path and query alone, which the client reads against the address it asked.
    """

    def __init__(self, router: Router) -> None:
        self.router = router
        router.redirect_slashes = False  # this takes its place

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        location = self.location(scope) if scope["type"] == "http" else None
        if location is None:
            await self.router.not_found(scope, receive, send)
        else:  # the bytes as the client sent them: RedirectResponse would quote the text again
            await Response(status_code=307, headers={"location": location})(scope, receive, send)

    def location(self, scope: Scope) -> str | None:
        path: str = scope["path"]
        if path in ("", "/"):
            return None
        twin = path.rstrip("/") if path.endswith("/") else path + "/"
        if twin.startswith(("//", "/\\")):  # would read as another host's address
            return None
        moved = dict(scope, path=twin)
        if not any(route.matches(moved)[0] is not Match.NONE for route in self.router.routes):
            return None
        raw: bytes = scope.get("raw_path") or path.encode()  # as sent: "/papers/a%3Fb/", not the decoded "a?b"
        moved_raw = raw.rstrip(b"/") if raw.endswith(b"/") else raw + b"/"
        query: bytes = scope.get("query_string", b"")
        return (moved_raw + (b"?" + query if query else b"")).decode("latin-1")


def install_live_openapi(app: FastAPI, live: LiveIndex) -> None:
    """/openapi.json built from FastAPI's schema and the index being served, once per index version."""
    framework_schema = app.openapi
    built: dict[str | None, dict[str, Any]] = {}

    def openapi() -> dict[str, Any]:
        searcher = live.loaded
        version = searcher.version if searcher is not None else None
        if version not in built:
            built.clear()
            built[version] = live_openapi(framework_schema(), searcher.eras() if searcher is not None else None)
        return built[version]

    app.openapi = openapi  # type: ignore[method-assign]


def install_mcp(app: FastAPI, live: LiveIndex, settings: Settings) -> Callable[[], AbstractAsyncContextManager[None]]:
    """The MCP tools at /mcp, over ``live``; returns the transport's lifespan, to run inside the app's.

    Added as a route of the app, so that /mcp passes through the same middleware as every endpoint;
    errors that quote no client input have their paths written as the HTTP errors write them.
    """
    from ..agent import require_sdk

    require_sdk()  # a missing SDK stops start-up with one line saying how to install it
    from ..agent.http import streamable_http

    mcp = streamable_http(
        lambda: live.searcher, lambda text: public_text(text, public_folders(settings)), MAX_BODY_BYTES
    )
    app.router.routes.append(mcp.route)
    return mcp.lifespan


def create_app(settings: Settings, searcher: Searcher | None = None, reload_interval: float | None = None) -> FastAPI:
    """The FastAPI app over ``settings`` (read once by the entry point); loads the index (unless ``searcher`` is
    given) and warms up on startup."""
    interval = reload_interval if reload_interval is not None else settings.reload_interval
    live = LiveIndex(settings, searcher)
    mcp_lifespan: Callable[[], AbstractAsyncContextManager[None]] = nullcontext  # /mcp's, set below when on

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        if live.loaded is None:
            await anyio.to_thread.run_sync(live.refresh, True)
        if live.loaded is not None:
            await anyio.to_thread.run_sync(warm_up, live.loaded)
        else:
            log.error("serving without an index: %s", live.problem)
        stop = threading.Event()
        watcher = threading.Thread(
            target=live.watch, args=(stop, interval), name="papersearch-index-watch", daemon=True
        )
        if interval > 0:
            watcher.start()
        try:
            async with mcp_lifespan():
                yield
        finally:
            stop.set()
            if watcher.is_alive():
                watcher.join(timeout=5)
            encoded = batch_sizes(live.loaded.loaded_encoder) if live.loaded is not None else None
            if encoded:  # how concurrent new queries shared the encoder's runs (scripts/benchlib reads it)
                log.info("encoded %s", encoded)

    app = FastAPI(
        title="papersearch",
        version=__version__,
        summary="Semantic search over the Fundamental AI Papers reading list, with its cross-reference graph.",
        lifespan=lifespan,
        docs_url=None,  # served below from the swagger-ui-bundle package: no CDN
        redoc_url=None,
    )
    _install(app, live, settings)
    if settings.mcp:
        mcp_lifespan = install_mcp(app, live, settings)
    return app


def _install(app: FastAPI, live: LiveIndex, settings: Settings) -> None:
    """The app's state, error handlers, middleware, routes, static files and documentation."""
    app.state.live = live
    app.state.corpus = CorpusWatch(settings.corpus)
    app.state.settings = settings
    app.state.web_dir = WEB_DIR
    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET"], allow_headers=["Accept"]
        )
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(GuardMiddleware)
    app.include_router(router)
    app.router.routes[:0] = plain_routes()  # matched first: FastAPI's routes of the same paths document them
    app.include_router(citations)
    app.router.default = SlashRedirect(app.router)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    install_docs(app)
    install_live_openapi(app, live)
