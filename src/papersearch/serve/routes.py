"""The HTTP endpoints, at module level: each reads the live index through the one ``Searcher`` façade.

Parameters arrive as the text a URL holds and are checked by ``core.params`` alone (the same check,
and the same words, as the command line and the MCP tools): ``search_request`` builds the one
``SearchRequest`` of /search and /answer, and paper ids are checked by the searcher. Their schemas
(in ``schemas``) only document them, as exactly as a JSON Schema can.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import Match, Route
from starlette.types import Scope

from ..core.assistant_records import Answer, Chain, ReadingList
from ..core.errors import IndexStateError, NotFoundError, QueryError
from ..core.params import (
    DEFAULT_K,
    DEFAULT_PATH_K,
    DIRECTIONS,
    MAX_OFFSET,
    RULES,
    SIDES,
    SearchRequest,
    check_id,
    lone_end_direction,
)
from ..core.records import SHOWN_NEIGHBOURS, NeighbourPage, PaperRecord, SearchResults, SimilarResults
from ..query.searcher import Searcher
from .errors import public_folders, public_text
from .live import CorpusWatch, LiveIndex
from .parameters import check_given
from .schemas import (
    K_SCHEMA,
    PAPER_ID,
    PAPER_ID_TEXT,
    SEARCH_PARAMETERS,
    EraList,
    ErrorBody,
    GraphResponse,
    Health,
    PaperList,
    ReloadResult,
)

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "no paper has that id"},
    422: {"model": ErrorBody, "description": "a parameter is invalid; `param` names it"},
    503: {"model": ErrorBody, "description": "no index could be loaded"},
}


def known_parameters(request: Request) -> None:
    """A dependency of every documented endpoint: its query holds only the parameters its route declares, once."""
    route = request.scope.get("route")
    if isinstance(route, APIRoute) and route.include_in_schema:  # the web page's route takes any query
        check_given(request.query_params, [p.alias for p in route.dependant.query_params], route.path)


router = APIRouter(dependencies=[Depends(known_parameters)])  # a parameter an endpoint does not take is refused


def _shown_as(schema: dict[str, Any], description: str) -> Callable[[dict[str, Any]], None]:
    """What a parameter's schema shows in place of FastAPI's: it is read as text, and checked by ``core.params``."""

    def replace(s: dict[str, Any]) -> None:
        s.clear()
        s.update(schema, description=description)

    return replace


def _documented(schema: dict[str, Any], description: str, alias: str | None = None) -> Any:
    """A query parameter read as text (and checked by ``core.params``) whose schema shows what it accepts."""
    return Query(json_schema_extra=_shown_as(schema, description), description=description, alias=alias)


# a paper id in the path, read as text and checked by core.params (through the searcher), as everywhere
PaperId = Annotated[str, Path(json_schema_extra=_shown_as(PAPER_ID, PAPER_ID_TEXT), description=PAPER_ID_TEXT)]


def _live(request: Request) -> LiveIndex:
    live: LiveIndex = request.app.state.live
    return live


def _searcher(request: Request) -> Searcher:
    return _live(request).searcher


def json_response(data: Any) -> Response:
    """``data`` serialised once as it is, for hot endpoints whose dicts already have their response_model's shape.

    FastAPI would validate the dict against the model and serialise it again, in a second trip to the
    thread pool; the bytes are the same (tests/test_reliability.py checks), the model still documents it.
    orjson writes them as pydantic would (compact, UTF-8, NaN and infinities as null), in a third of the time.
    For a new search or answer it runs on the worker thread that made ``data``, while it is still in the CPU's
    caches, and not on the event loop when it wakes.
    """
    return Response(orjson.dumps(data), media_type="application/json")


SEARCH_NAMES = tuple(p["name"] for p in SEARCH_PARAMETERS)  # what /search and /answer take


def search_request(request: Request) -> SearchRequest:
    """The one request of /search and /answer, built from the URL's text and checked once by ``core.params``.

    Read from the query string directly: FastAPI's per-parameter machinery cost more than the rest of a cached
    answer. ``SEARCH_PARAMETERS`` documents them; one it does not, or one given twice, is refused.
    """
    given = request.query_params
    check_given(given, SEARCH_NAMES, request.scope["path"])
    q = given.get("q")
    if q is None:
        raise QueryError("q", f"q is required: {RULES['q']}")
    return _searcher(request).request(
        q,
        k=given.get("k", str(DEFAULT_K)),
        mode=given.get("mode", "hybrid"),
        year_from=given.get("year_from"),
        year_to=given.get("year_to"),
        era=given.get("era"),
        understand=given.get("understand", "true"),
        ignore=given.get("ignore") or (),
    )


SEARCH_DOCS = {"parameters": SEARCH_PARAMETERS}


@router.get("/search", response_model=SearchResults, responses=ERRORS, tags=["search"], openapi_extra=SEARCH_DOCS)
async def search(request: Request) -> Response:
    """Rank papers for a question; filters apply before ranking. Each hit says why it matched, and
    ``understood`` how the query was read (each part can be taken back with ``ignore``)."""
    asked = search_request(request)
    searcher = _searcher(request)
    # a repeated question is a dictionary lookup, answered here; ranking a new one (CPU work) goes to a
    # worker thread so that the event loop keeps serving, and its response is made there, after the search
    results = searcher.cached(asked)
    if results is not None:
        return json_response(results)
    return await run_in_threadpool(lambda: json_response(searcher.search(asked)))


@router.get("/answer", response_model=Answer, responses=ERRORS, tags=["search"], openapi_extra=SEARCH_DOCS)
async def answer(request: Request) -> Response:
    """A cited answer: a few sentences of the reading list, word for word, each with its source, and an order to
    read the sources in; or, when the list does not cover the question, the nearest papers (``declined``).
    The same parameters and errors as /search; the sentences come from its best ranked papers."""
    asked = search_request(request)
    searcher = _searcher(request)
    return await run_in_threadpool(lambda: json_response(searcher.answer(asked)))


class PlainGet(Route):
    """A GET endpoint served by Starlette alone, ahead of the FastAPI route of the same path that documents it.

    FastAPI's own work for each request (solving the endpoint's dependencies, its exit stack and request
    wrapper) was more than a quarter of the app's CPU on a cached /search (~70 of ~250 µs); an endpoint
    that takes only the request needs none of it. The errors it raises reach the same handlers; a request
    with another method does not match here and goes on to the documented route, which refuses it as before.
    """

    def __init__(self, path: str, endpoint: Callable[[Request], Any]) -> None:
        super().__init__(path, endpoint, methods=["GET"], include_in_schema=False)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        return (match, child) if match is Match.FULL else (Match.NONE, {})


def plain_routes() -> list[Route]:
    """The busiest endpoints, /search and /answer, as ``PlainGet`` routes: to be matched before the documented ones."""
    return [PlainGet("/search", search), PlainGet("/answer", answer)]


@router.get("/papers/{id}/path", response_model=ReadingList, responses=ERRORS, tags=["papers"])
def reading_path(
    request: Request,
    id: PaperId,
    direction: Annotated[
        str,
        _documented(
            {"type": "string", "enum": list(DIRECTIONS)},
            "before: what to read first (what it builds on); after: what grew out of it",
        ),
    ] = "before",
    k: Annotated[str, _documented(K_SCHEMA, "how many papers, in reading order")] = str(DEFAULT_PATH_K),
) -> ReadingList:
    """What to read before a paper, or after it, through the cross-reference graph: each paper with the hops that
    tie it (edge kind and the summary's words, or nearness in meaning): chains of citations first, then what it
    mentions, then the closest in meaning."""
    return _searcher(request).path(id, direction, k)


@router.get("/path", response_model=Chain | ReadingList, responses=ERRORS, tags=["papers"])
def chain(
    request: Request,
    source: Annotated[
        str | None, _documented(PAPER_ID, "the id of the paper to start from; alone: what grew out of it", alias="from")
    ] = None,
    target: Annotated[
        str | None, _documented(PAPER_ID, "the id of the paper to reach; alone: what to read before it", alias="to")
    ] = None,
) -> Chain | ReadingList:
    """With ``from`` and ``to``: a chain of papers from one entry to another, each step with its edge kind and
    evidence; where the graph has no chain, ``found`` is false and the chain fills its gaps by meaning (kind
    ``similar``). With one end alone, as the CLI and the MCP tool read it: ``to`` is a path to that paper (what to
    read before it, ending at it), ``from`` a path from it (what grew out of it): the reading list of
    ``/papers/{id}/path`` (its first ``DEFAULT_PATH_K``, of ``total``; that endpoint's ``k`` shows more)."""
    if source is not None and target is not None:
        return _searcher(request).chain(source, target)
    if source is None and target is None:
        raise QueryError("from", "from is required: give from and to for a chain, or one of them for a path")
    end: Literal["from", "to"] = "to" if target is not None else "from"
    paper = check_id(end, target if target is not None else source)  # refused under the name the client gave
    try:
        return _searcher(request).path(paper, lone_end_direction(end))
    except NotFoundError as exc:
        exc.param = end
        raise


@router.get("/papers", response_model=PaperList, responses=ERRORS, tags=["papers"])
def papers(request: Request) -> StreamingResponse:
    """Every paper, by year."""
    s = _searcher(request)
    keep = ("id", "year", "title", "authors", "era")
    items = ({f: r[f] for f in keep} for r in s.papers())  # type: ignore[literal-required]
    head = {"count": len(s.papers()), "index_version": s.version}
    return _streamed(head, [("papers", items)], {})


@router.get("/eras", response_model=EraList, responses=ERRORS, tags=["papers"])
def eras(request: Request) -> dict[str, Any]:
    """The eras of the reading list, each with its introduction and its papers' ids (for a timeline)."""
    s = _searcher(request)
    items = s.eras()
    return {"count": len(items), "index_version": s.version, "eras": items}


@router.get("/papers/{id}", response_model=PaperRecord, responses=ERRORS, tags=["papers"])
def paper(request: Request, id: PaperId) -> PaperRecord:
    """One paper's full record: summary, concepts and its neighbourhood in the cross-reference graph."""
    return _searcher(request).paper(id)


@router.get("/papers/{id}/similar", response_model=SimilarResults, responses=ERRORS, tags=["papers"])
def similar(
    request: Request,
    id: PaperId,
    k: Annotated[str, _documented(K_SCHEMA, "how many results")] = str(DEFAULT_K),
) -> SimilarResults:
    """The papers closest in meaning to one paper."""
    return _searcher(request).similar(id, k)


@router.get("/papers/{id}/neighbours", response_model=NeighbourPage, responses=ERRORS, tags=["papers"])
def neighbours(
    request: Request,
    id: PaperId,
    side: Annotated[
        str,
        _documented(
            {"type": "string", "enum": list(SIDES)},
            "cites: the earlier papers it builds on; cited_by: the later papers that build on it",
        ),
    ] = "cited_by",
    offset: Annotated[
        str, _documented({"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, "where the page starts (0: first)")
    ] = "0",
    limit: Annotated[
        str, _documented({"type": "integer", "minimum": 1, "maximum": SHOWN_NEIGHBOURS}, "how many ties, at most")
    ] = str(SHOWN_NEIGHBOURS),
) -> NeighbourPage:
    """One side of a paper's neighbourhood a page at a time, strongest ties first: a paper's record lists each
    side's first 100 and says how many there are; this pages through the rest."""
    return _searcher(request).neighbours(id, side, offset, limit)


@router.get("/graph", response_model=GraphResponse, responses=ERRORS, tags=["papers"])
def graph(request: Request) -> StreamingResponse:
    """The whole cross-reference graph: papers, edges between them, and references outside the list."""
    s = _searcher(request)
    g = s.graph_parts()
    return _streamed(
        {}, [("papers", g.papers()), ("edges", g.edges()), ("external", g.external())], {"index_version": s.version}
    )


STREAMED = 500  # list items a chunk of a streamed response holds


def _streamed(head: dict[str, Any], lists: list[tuple[str, Iterable[Any]]], tail: dict[str, Any]) -> StreamingResponse:
    """A JSON object of ``head``'s fields, then ``lists`` (each read as it is sent: a list of a million papers is
    never held whole), then ``tail``'s fields: the bytes the response model's JSONResponse would send."""

    def text(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def chunks() -> Iterator[bytes]:
        parts = [f"{text(k)}:{text(v)}" for k, v in head.items()]
        yield ("{" + ",".join(parts) + ("," if parts else "")).encode()
        for n, (key, items) in enumerate(lists):
            yield (("," if n else "") + text(key) + ":[").encode()
            batch: list[str] = []
            for i, item in enumerate(items):
                batch.append(("," if i else "") + text(item))
                if len(batch) >= STREAMED:
                    yield "".join(batch).encode()
                    batch = []
            yield ("".join(batch) + "]").encode()
        yield ("".join("," + f"{text(k)}:{text(v)}" for k, v in tail.items()) + "}").encode()

    return StreamingResponse(chunks(), media_type="application/json")


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "no index is loaded"}},
    tags=["service"],
)
def health(request: Request) -> JSONResponse:
    """Which version is served, whether the corpus changed since it was built, and any reload problem."""
    live = _live(request)
    corpus: CorpusWatch = request.app.state.corpus
    s = live.loaded
    if s is None:
        body: Health = {
            "status": "degraded",
            "index_version": None,
            "corpus_hash": None,
            "stale": False,
            "papers": 0,
            "problem": _public(request, live.problem),
        }
        return JSONResponse(body, status_code=503)
    status = s.status(corpus.state())
    problem = live.problem or status["problem"]
    return JSONResponse({**status, "status": "degraded" if problem else "ok", "problem": _public(request, problem)})


def _public(request: Request, text: str | None) -> str | None:
    """A problem as a client may read it: paths of this machine written relative to the index or corpus."""
    return None if text is None else public_text(text, public_folders(request.app.state.settings))


@router.post(
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
    request: Request,
    authorization: Annotated[str | None, Header(description="Bearer <PAPERSEARCH_ADMIN_TOKEN>")] = None,
) -> dict[str, Any]:
    """Load the version the index's CURRENT pointer names now, without waiting for the watcher."""
    _authorise(request.app.state.settings.admin_token, authorization)
    live = _live(request)
    previous = live.searcher.version
    reloaded = live.refresh(force=True)
    if live.problem and not reloaded:
        raise IndexStateError(live.problem)  # errors.on_papersearch writes its paths relative to the index
    return {"reloaded": reloaded, "index_version": live.searcher.version, "previous_version": previous}


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


@router.get("/", include_in_schema=False)
def index_page(request: Request) -> FileResponse:
    return FileResponse(request.app.state.web_dir / "index.html", headers={"Cache-Control": "no-cache"})
