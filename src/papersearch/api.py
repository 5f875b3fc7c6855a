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
import hmac
import ipaddress
import logging
import os
import sys
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import __version__, store
from .corpus import load_corpus
from .errors import IndexStateError, PapersearchError, QueryError
from .search import MAX_K, MAX_QUERY_CHARS, YEAR_MAX, YEAR_MIN, IndexData, Searcher
from .settings import Settings

log = logging.getLogger("papersearch.api")

WEB_DIR = FsPath(__file__).parent / "web"
MAX_BODY_BYTES = 64 * 1024
MAX_ID_CHARS = 200
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
WARM_UP_QUERY = "how were deep networks first trained?"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
NO_CSP_PATHS = ("/docs", "/redoc")  # FastAPI's interactive docs load Swagger UI / ReDoc from a CDN
Mode = Literal["hybrid", "dense", "lexical"]
PaperId = Annotated[
    str, Path(min_length=1, max_length=MAX_ID_CHARS, pattern=ID_PATTERN, description="a paper id, like 1989-lecun-cnn")
]


# ---------------------------------------------------------------- response models


class ErrorDetail(BaseModel):
    status: int = Field(description="the HTTP status, repeated")
    type: str = Field(description="a stable machine name: invalid_parameter, not_found, index_unavailable, ...")
    message: str = Field(description="what was wrong and how to fix it")
    param: str | None = Field(description="the parameter at fault, when one is")


class ErrorBody(BaseModel):
    error: ErrorDetail


class Neighbour(BaseModel):
    id: str
    title: str
    year: int
    kind: str = Field(description="cites (named explicitly) or mentions (an idea of the paper)")
    evidence: str = Field(description="the words of the summary that make the link")


class ExternalRef(BaseModel):
    ref: str
    evidence: str


class Neighbourhood(BaseModel):
    cites: list[Neighbour] = Field(description="earlier papers of the list this one builds on")
    cited_by: list[Neighbour] = Field(description="later papers of the list that build on this one")
    external: list[ExternalRef] = Field(description="works outside the list the summary refers to")


class Scores(BaseModel):
    dense: float | None = Field(description="cosine of the best matching view; null in lexical mode")
    lexical: float = Field(description="BM25 score")


class Why(BaseModel):
    sentence: str = Field(description="the summary sentence closest to the query")
    terms: list[str] = Field(description="query words the paper contains (stemmed match)")
    concepts: list[str] = Field(description="the paper's concepts the query names")
    matched_view: str | None = Field(description="which view of the paper matched best (title, question, passage, ...)")


class SearchHit(BaseModel):
    rank: int
    id: str
    title: str
    year: int
    authors: list[str]
    era: str
    era_name: str
    question: str
    score: float
    scores: Scores
    why: Why
    neighbours: Neighbourhood


class Filters(BaseModel):
    year_from: int | None
    year_to: int | None
    era: str | None = Field(description="the era id the filter resolved to")


class SearchResponse(BaseModel):
    query: str = Field(description="the query with its whitespace collapsed")
    corrected_query: str | None = Field(default=None, description="the query with typos corrected, when it was searched for instead")
    mode: Mode
    k: int
    filters: Filters
    index_version: str = Field(description="the index version that answered")
    took_ms: float
    results: list[SearchHit]


class PaperBrief(BaseModel):
    id: str
    year: int
    title: str
    authors: list[str]
    era: str


class PaperList(BaseModel):
    count: int
    index_version: str
    papers: list[PaperBrief]


class Concept(BaseModel):
    name: str
    aliases: list[str]


class Paper(BaseModel):
    id: str
    year: int
    title: str
    authors: list[str]
    era: str
    era_name: str
    question: str
    summary: str
    concepts: list[Concept]
    references: Neighbourhood


class Era(BaseModel):
    id: str
    name: str
    start: int
    end: int
    intro: str
    papers: list[str] = Field(description="ids of the era's papers, by year")


class EraList(BaseModel):
    count: int
    index_version: str
    eras: list[Era]


class SimilarHit(BaseModel):
    id: str
    title: str
    year: int
    era: str
    score: float


class SimilarResponse(BaseModel):
    id: str
    index_version: str
    results: list[SimilarHit]


class GraphPaper(BaseModel):
    id: str
    year: int
    title: str


class GraphEdge(BaseModel):
    source: str = Field(description="the paper whose summary makes the reference")
    target: str
    kind: str
    evidence: str


class GraphExternal(BaseModel):
    paper: str
    ref: str
    evidence: str


class Graph(BaseModel):
    index_version: str
    papers: list[GraphPaper]
    edges: list[GraphEdge]
    external: list[GraphExternal]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    index_version: str | None = Field(description="the version being served")
    corpus_hash: str | None = Field(description="the corpus hash the served version was built from")
    stale: bool = Field(description="true when the corpus changed since the served version was built")
    papers: int
    problem: str | None = Field(description="why the status is degraded")


class ReloadResult(BaseModel):
    reloaded: bool
    index_version: str
    previous_version: str


# ---------------------------------------------------------------- the live index


def _same_model(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a.get("model")) and a.get("model") == b.get("model")


def warm_up(searcher: Searcher) -> None:
    """Load the query encoder and run one search, so the first reader does not wait for either."""
    searcher.search(WARM_UP_QUERY, k=1)


class LiveIndex:
    """The Searcher being served, replaced whole when the index's CURRENT pointer names a new version.

    Reads never lock: ``searcher`` is one attribute read. Only reloads are serialised.
    """

    def __init__(self, index_dir: FsPath, searcher: Searcher | None = None) -> None:
        self.index_dir = index_dir
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
                data = IndexData.load_dir(store.version_dir(self.index_dir, name))
                encoder = old._encoder if old is not None and _same_model(old.data.manifest, data.manifest) else None
                new = Searcher(data, encoder)
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

    def content_hash(self) -> tuple[str | None, str | None]:
        """(hash, None) or (None, why it cannot be computed)."""
        with self._lock:
            key = self._signature()
            if key != self._key:
                try:
                    self._result = (load_corpus(self.corpus_dir).content_hash(), None)
                except PapersearchError as exc:
                    first = str(exc).splitlines()[:3]
                    self._result = (None, f"cannot judge staleness: {' '.join(s.strip() for s in first)}")
                self._key = key
            return self._result


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
    "id": (f"a paper id must be 1 to {MAX_ID_CHARS} lowercase letters, digits and dashes, like 1989-lecun-cnn", "GET /papers lists them"),
}


def error_response(
    status: int, message: str, param: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {
        "error": {"status": status, "type": HTTP_TYPES.get(status, "http_error"), "message": message, "param": param}
    }
    return JSONResponse(body, status_code=status, headers=headers)


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


class GuardMiddleware:
    """Refuse request bodies over ``limit`` bytes and add security headers to every response."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_big = error_response(413, f"the request body is larger than {self.limit} bytes")
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await too_big(scope, receive, send)
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
                await too_big(scope, receive, send)
                return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        strict = not scope["path"].startswith(NO_CSP_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                if strict:
                    headers += [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, replay, send_with_headers)


# ---------------------------------------------------------------- the app

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "no paper has that id"},
    422: {"model": ErrorBody, "description": "a parameter is invalid; `param` names it"},
    503: {"model": ErrorBody, "description": "no index could be loaded"},
}


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def create_app(
    settings: Settings | None = None, searcher: Searcher | None = None, reload_interval: float | None = None
) -> FastAPI:
    """The FastAPI app; loads the index (unless ``searcher`` is given) and warms up on startup."""
    settings = settings or Settings.from_env()
    interval = reload_interval if reload_interval is not None else _env_float("PAPERSEARCH_RELOAD_INTERVAL", 1.0)
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
    )
    app.state.live = live
    install_error_handlers(app)
    origins = [o.strip() for o in os.environ.get("PAPERSEARCH_CORS_ORIGINS", "").split(",") if o.strip()]
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET"], allow_headers=["Accept"])
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(GuardMiddleware)

    @app.get("/search", response_model=SearchResponse, responses=ERRORS, tags=["search"])
    def search(
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
    ) -> dict[str, Any]:
        """Rank papers for a question; filters apply before ranking. Each hit says why it matched."""
        return live.searcher.search(q, k=k, mode=mode, year_from=year_from, year_to=year_to, era=era)

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
