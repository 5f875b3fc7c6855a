"""The HTTP service: JSON endpoints over a live index, the web page, and reloads without restart.

The HTTP layer only translates: the core raises ``PapersearchError`` subclasses and this module
turns each, and every framework error, into one JSON body ``{"error": {status, type, message,
param}}``. A background thread watches the index's CURRENT pointer and swaps in a new
``Searcher`` as one reference; each request takes that reference once, so a request in flight
finishes on the version it started with.

Run it with ``python -m papersearch.api [--host H] [--port P]`` or :func:`serve`.
"""

from __future__ import annotations

import argparse
import functools
import hmac
import ipaddress
import logging
import sys
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path as FsPath
from typing import Annotated, Any
from urllib.parse import unquote_to_bytes

import pydantic_core
from fastapi import FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import __version__
from .api_models import (
    EraList,
    ErrorBody,
    Graph,
    Health,
    Mode,
    Paper,
    PaperList,
    ReloadResult,
    SearchResponse,
    SimilarResponse,
)
from .errors import IndexStateError, PapersearchError, QueryError
from .live import CorpusWatch, LiveIndex, warm_up
from .search import MAX_K, MAX_QUERY_CHARS, YEAR_MAX, YEAR_MIN, Searcher
from .settings import Settings

log = logging.getLogger("papersearch.api")

WEB_DIR = FsPath(__file__).parent / "web"
MAX_BODY_BYTES = 64 * 1024
MAX_ID_CHARS = 200
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
NO_CSP_PATHS = ("/docs",)  # Swagger UI's page starts itself with an inline script (its files are served here)
PaperId = Annotated[
    str, Path(min_length=1, max_length=MAX_ID_CHARS, pattern=ID_PATTERN, description="a paper id, like 1989-lecun-cnn")
]


# ---------------------------------------------------------------- errors and middleware

HTTP_TYPES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    422: "invalid_parameter",
    500: "internal_error",
    503: "index_unavailable",
}
MUST: dict[str, tuple[str, str]] = {  # parameter -> (the rule, where to look)
    "q": (f"q must be 1 to {MAX_QUERY_CHARS} characters of text", "type a question or a few words"),
    "k": (f"k must be a whole number from 1 to {MAX_K}", ""),
    "mode": ("mode must be one of hybrid, dense, lexical", ""),
    "year_from": (f"year_from must be a year from {YEAR_MIN} to {YEAR_MAX}", ""),
    "year_to": (f"year_to must be a year from {YEAR_MIN} to {YEAR_MAX}", ""),
    "era": ("era must be an era id or name of at most 200 characters", "GET /eras lists them"),
    "id": (
        f"a paper id must be 1 to {MAX_ID_CHARS} lowercase letters, digits and dashes, like 1989-lecun-cnn",
        "GET /papers lists them",
    ),
}


def error_response(
    status: int, message: str, param: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {
        "error": {"status": status, "type": HTTP_TYPES.get(status, "http_error"), "message": message, "param": param}
    }
    return JSONResponse(body, status_code=status, headers=headers)


def json_response(data: Any) -> Response:
    """``data`` serialised once as it is, for hot endpoints whose dicts already have their response_model's shape.

    FastAPI would validate the dict against the model and serialise it again, in a second trip to the
    thread pool; the bytes are the same (tests/test_reliability.py checks), the model still documents it.
    """
    return Response(pydantic_core.to_json(data, inf_nan_mode="null"), media_type="application/json")


def _shown(value: Any) -> str:
    if isinstance(value, str) and len(value) > 40:
        return f"a text of {len(value)} characters"
    return repr(value)


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(x) for x in first.get("loc", ())]
    param = loc[-1] if len(loc) >= 2 else None
    if param is None:
        return str(first.get("msg", "invalid request")), None
    rule, hint = MUST.get(param, (f"{param} is invalid ({first.get('msg', '')})", ""))
    if first.get("type") == "missing":
        message = f"{param} is required: {rule}"
    else:
        message = f"{rule}, not {_shown(first.get('input'))}"
    return message + (f"; {hint}" if hint else ""), param


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as the one JSON body; nothing a client sends should reach the 500 handler."""

    async def on_papersearch(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, PapersearchError)
        status = 422 if isinstance(exc, QueryError) else exc.status
        if status >= 500:
            log.warning("%s %s: %s", request.method, request.url.path, exc)
        return error_response(status, str(exc), getattr(exc, "param", None))

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        message, param = _validation_message(exc)
        return error_response(422, message, param)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        messages = {
            404: f"no such page or endpoint: {request.url.path[:200]}; see /docs for the API",
            405: f"{request.method} is not allowed on {request.url.path[:200]}",
        }
        message = str(exc.detail)
        if message == HTTPStatus(exc.status_code).phrase:  # raised by the framework, not by this module
            message = messages.get(exc.status_code, message)
        return error_response(exc.status_code, message, None, dict(exc.headers or {}))

    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal error; it has been logged — please report it")

    app.add_exception_handler(PapersearchError, on_papersearch)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)


def non_utf8_parameter(query_string: bytes) -> str | None:
    """The name of the first query parameter whose percent-decoded name or value is not UTF-8, if any.

    The framework would decode such bytes to U+FFFD and search for that; refusing says what went wrong.
    """
    for pair in query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8")
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return unquote_to_bytes(name).decode("utf-8", errors="replace")[:40]
    return None


class GuardMiddleware:
    """Refuse request bodies over ``limit`` bytes and query strings that are not UTF-8; add security headers."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        strict = not scope["path"].startswith(NO_CSP_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                if strict:
                    headers += [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY")]
                message["headers"] = headers
            await send(message)

        def too_big() -> JSONResponse:  # built only when needed: this runs on every request
            return error_response(413, f"the request body is larger than {self.limit} bytes; this API takes none")

        bad = non_utf8_parameter(scope.get("query_string", b""))
        if bad is not None:
            text = f"the query parameter {bad!r} is not valid UTF-8 once percent-decoded; encode text as UTF-8"
            await error_response(422, text, bad if bad in MUST else None)(scope, receive, send_with_headers)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await too_big()(scope, receive, send_with_headers)
            return
        messages: list[Message] = []
        size, more = 0, True
        while more:  # bodies are small or absent; buffer up to the limit, then replay
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
            if size > self.limit:
                await too_big()(scope, receive, send_with_headers)
                return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send_with_headers)


# ---------------------------------------------------------------- the app

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "no paper has that id"},
    422: {"model": ErrorBody, "description": "a parameter is invalid; `param` names it"},
    503: {"model": ErrorBody, "description": "no index could be loaded"},
}


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


def create_app(
    settings: Settings | None = None, searcher: Searcher | None = None, reload_interval: float | None = None
) -> FastAPI:
    """The FastAPI app; loads the index (unless ``searcher`` is given) and warms up on startup."""
    settings = settings or Settings.from_env()
    interval = reload_interval if reload_interval is not None else settings.reload_interval
    live = LiveIndex(settings.index, searcher)
    corpus = CorpusWatch(settings.corpus)

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
            yield
        finally:
            stop.set()
            if watcher.is_alive():
                watcher.join(timeout=5)

    app = FastAPI(
        title="papersearch",
        version=__version__,
        summary="Semantic search over the Fundamental AI Papers reading list, with its cross-reference graph.",
        lifespan=lifespan,
        docs_url=None,  # served below from the swagger-ui-bundle package: no CDN
        redoc_url=None,
    )
    app.state.live = live
    install_error_handlers(app)
    origins = list(settings.cors_origins)
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET"], allow_headers=["Accept"])
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(GuardMiddleware)

    @app.get("/search", response_model=SearchResponse, responses=ERRORS, tags=["search"])
    async def search(
        q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description="the question or keywords")],
        k: Annotated[int, Query(ge=1, le=MAX_K, description="how many results")] = 10,
        mode: Annotated[
            Mode, Query(description="hybrid (meaning + words), dense (meaning) or lexical (words)")
        ] = "hybrid",
        year_from: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)] = None,
        year_to: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)] = None,
        era: Annotated[
            str | None, Query(max_length=200, description="an era id or name, or a unique part of one")
        ] = None,
    ) -> Response:
        """Rank papers for a question; filters apply before ranking. Each hit says why it matched."""
        searcher = live.searcher
        options: dict[str, Any] = {"k": k, "mode": mode, "year_from": year_from, "year_to": year_to, "era": era}
        # a repeated question is a dictionary lookup, answered here; ranking a new one (CPU work) goes to a
        # worker thread so that the event loop keeps serving
        answer = searcher.cached(q, **options) or await run_in_threadpool(
            functools.partial(searcher.search, q, **options)
        )
        return json_response(answer)

    @app.get("/papers", response_model=PaperList, responses=ERRORS, tags=["papers"])
    def papers() -> dict[str, Any]:
        """Every paper, by year."""
        s = live.searcher
        keep = ("id", "year", "title", "authors", "era")
        items = [{f: r[f] for f in keep} for r in s.data.records]
        return {"count": len(items), "index_version": s.version, "papers": items}

    @app.get("/eras", response_model=EraList, responses=ERRORS, tags=["papers"])
    def eras() -> dict[str, Any]:
        """The eras of the reading list, each with its introduction and its papers' ids (for a timeline)."""
        s = live.searcher
        members: dict[str, list[str]] = {}
        for r in s.data.records:
            members.setdefault(r["era"], []).append(r["id"])
        items = [{**e, "papers": members.get(e["id"], [])} for e in s.data.eras]
        return {"count": len(items), "index_version": s.version, "eras": items}

    @app.get("/papers/{id}", response_model=Paper, responses=ERRORS, tags=["papers"])
    def paper(id: PaperId) -> dict[str, Any]:
        """One paper's full record: summary, concepts and its neighbourhood in the cross-reference graph."""
        return live.searcher.paper(id)

    @app.get("/papers/{id}/similar", response_model=SimilarResponse, responses=ERRORS, tags=["papers"])
    def similar(id: PaperId, k: Annotated[int, Query(ge=1, le=MAX_K)] = 10) -> dict[str, Any]:
        """The papers closest in meaning to one paper."""
        return live.searcher.similar(id, k)

    @app.get("/graph", response_model=Graph, responses=ERRORS, tags=["papers"])
    def graph() -> dict[str, Any]:
        """The whole cross-reference graph: papers, edges between them, and references outside the list."""
        s = live.searcher
        return {"index_version": s.version, **s.data.graph}

    @app.get(
        "/health",
        response_model=Health,
        responses={503: {"model": Health, "description": "no index is loaded"}},
        tags=["service"],
    )
    def health() -> JSONResponse:
        """Which version is served, whether the corpus changed since it was built, and any reload problem."""
        s = live.loaded
        if s is None:
            body = Health(
                status="degraded", index_version=None, corpus_hash=None, stale=False, papers=0, problem=live.problem
            )
            return JSONResponse(body.model_dump(), status_code=503)
        built_from = s.data.manifest.get("corpus_hash")
        now, corpus_problem = corpus.content_hash()
        problem = live.problem or corpus_problem
        body = Health(
            status="degraded" if problem else "ok",
            index_version=s.version,
            corpus_hash=built_from,
            stale=now is not None and now != built_from,
            papers=len(s.data.records),
            problem=problem,
        )
        return JSONResponse(body.model_dump())

    @app.post(
        "/admin/reload",
        response_model=ReloadResult,
        tags=["service"],
        responses={
            401: {"model": ErrorBody, "description": "no `Authorization: Bearer` header"},
            403: {"model": ErrorBody, "description": "wrong token"},
            404: {"model": ErrorBody, "description": "admin endpoints are off (no PAPERSEARCH_ADMIN_TOKEN)"},
            503: {"model": ErrorBody, "description": "the current index version cannot be loaded"},
        },
    )
    def reload(
        authorization: Annotated[str | None, Header(description="Bearer <PAPERSEARCH_ADMIN_TOKEN>")] = None,
    ) -> dict[str, Any]:
        """Load the version the index's CURRENT pointer names now, without waiting for the watcher."""
        _authorise(settings.admin_token, authorization)
        previous = live.searcher.version
        reloaded = live.refresh(force=True)
        if live.problem and not reloaded:
            raise IndexStateError(live.problem)
        return {"reloaded": reloaded, "index_version": live.searcher.version, "previous_version": previous}

    @app.get("/", include_in_schema=False)
    def index_page() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    install_docs(app)
    return app


def _authorise(token: str | None, header: str | None) -> None:
    if not token:
        raise HTTPException(404, "admin endpoints are off; set PAPERSEARCH_ADMIN_TOKEN to turn them on")
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise HTTPException(
            401, "send the admin token as `Authorization: Bearer <token>`", {"WWW-Authenticate": "Bearer"}
        )
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(403, "the admin token is wrong")


# ---------------------------------------------------------------- running it


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
    searcher = Searcher.load(settings.index)
    app = create_app(settings, searcher)
    shown = f"[{host}]" if ":" in host else host
    echo(
        f"papersearch: serving index {searcher.version} ({len(searcher.data.records)} papers) at http://{shown}:{port}/"
    )
    echo(f"papersearch: API documentation at http://{shown}:{port}/docs")
    if not is_loopback(host):
        echo(
            f"WARNING: listening on {host}, not a loopback address: anyone who can reach this machine can use the service"
        )
    uvicorn.run(app, host=host, port=port, workers=1, server_header=False, log_level="info")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m papersearch.api", description="Serve papersearch over HTTP.")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)"
    )
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        serve(Settings.from_env(), args.host, args.port)
    except PapersearchError as exc:
        print(f"{exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
