"""The MCP tools: names, descriptions and argument schemas written for a model to read, over the one ``Searcher``.

Each tool is a method of ``PaperTools`` whose docstring is its description and whose signature is
its input schema (the arguments' types, schemas and descriptions are in ``arguments``); ``TOOLS`` lists
them with their titles, so a new tool is a method and one line (``build_tools`` makes the SDK's tools
of them). Arguments reach ``core.params`` as the client sent
them (the schemas only document what the check accepts): a search's become one ``SearchRequest``
and a paper id is checked by the searcher, so a bad one is refused with the same words as the CLI
and the HTTP API. A result is the same typed record the HTTP body holds, as structured content,
plus a short text rendering.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

import anyio.to_thread
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from typing_extensions import TypedDict

from ..core.assistant_records import Answer, Chain, ReadingList
from ..core.errors import QueryError
from ..core.params import (
    DEFAULT_K,
    DEFAULT_PATH_K,
    check_direction,
    check_k,
    check_style_applies,
    lone_end_direction,
)
from ..core.records import SHOWN_NEIGHBOURS, EraPapers, NeighbourPage, PaperRecord, SearchResults, SimilarResults
from ..query.cite import MEDIA_TYPES, CiteRequest
from ..query.searcher import Searcher
from .arguments import (
    CiteFormat,
    CiteStyle,
    DetailArgument,
    DirectionArgument,
    Era,
    FromId,
    Ids,
    K,
    Limit,
    ModeArgument,
    NeighboursArgument,
    Offset,
    PaperId,
    PathK,
    Query,
    SideArgument,
    ToId,
    YearFrom,
    YearTo,
)
from .lean import NeighbourIds, check_detail, check_neighbours, lean, search_schema
from .schemas import published, record_schemas
from .text import (
    answer_text,
    chain_text,
    eras_text,
    neighbours_text,
    paper_text,
    reading_text,
    search_text,
    similar_text,
)


class EraList(TypedDict):
    """The eras of the reading list, as GET /eras gives them."""

    count: int
    index_version: str
    eras: list[EraPapers]


class Citations(TypedDict):
    """Papers written as references: the body GET /cite answers with (``text``), its format and media type."""

    format: str
    media_type: str
    ids: list[str]
    """the papers cited, in order, each once"""
    text: str


def result(record: Mapping[str, Any], text: str) -> CallToolResult:
    """A tool's answer: the record as structured content, and its short rendering as text."""
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=dict(record))


class PaperTools:
    """The tools, each answering from the index version being served when it is called (``current``)."""

    def __init__(self, current: Callable[[], Searcher]) -> None:
        self.current = current
        self._current_answered = False  # whether current() has returned once (it may wait for a first load)

    async def search_papers(
        self,
        query: Query,
        k: K = DEFAULT_K,
        mode: ModeArgument = "hybrid",
        era: Era = None,
        year_from: YearFrom = None,
        year_to: YearTo = None,
        neighbours: NeighboursArgument = "ids",
        detail: DetailArgument = "brief",
    ) -> Annotated[CallToolResult, SearchResults]:
        """Find the papers of the Fundamental AI Papers reading list (landmark AI papers from 1943 on) that
        answer a question or match keywords, best first.

        Each result gives the paper's id, title, year and era, its score, `why` it matched (the sentence of
        its summary closest to the query) and its neighbourhood in the list's citation graph (`neighbours`:
        `cites` are the ids of the earlier papers it builds on, `cited_by` of the later ones built on it;
        `neighbours="full"` gives each tie's title, year and evidence too); `detail="full"` adds its rank,
        authors, era name, guiding question and the scores and words behind the match. `understood`
        says how the query was read. When `no_match` is true nothing in the list really answers the
        question and the results are only the nearest papers: say so rather than rely on them. Use
        get_paper with an id for a paper's whole summary.
        """

        def search(cached_only: bool) -> CallToolResult | None:
            searcher = self.current()
            self._current_answered = True
            asked = searcher.request(query, k=k, mode=mode, era=era, year_from=year_from, year_to=year_to)
            by, much = check_neighbours(neighbours), check_detail(detail)
            res = searcher.cached(asked) if cached_only else searcher.search(asked)
            return None if res is None else result(lean(res, much, by), search_text(res))

        # as GET /search: a repeated question is a dictionary lookup, answered here; a new one is ranked on a
        # worker thread (the hop the SDK would make for every call), so that the event loop keeps serving. Not
        # before current() has answered once: until then it may wait for the index to load (papersearch mcp)
        answered = search(cached_only=True) if self._current_answered else None
        if answered is not None:
            return answered
        ranked = await anyio.to_thread.run_sync(search, False)
        assert ranked is not None  # a search always has results
        return ranked

    def get_paper(self, id: PaperId) -> Annotated[CallToolResult, PaperRecord]:
        """One paper of the reading list by its id: title, year, authors, era, the question it answered,
        its whole summary, its key concepts, and its neighbourhood in the citation graph.

        `references.cites` lists the earlier papers of the list it builds on, `references.cited_by` the
        later ones that build on it, each with the words of the summary that tie them, the strongest
        first and at most 100 (`cites_total` and `cited_by_total` say how many; paper_neighbours pages
        through the rest);
        `references.external` lists works outside the list that its summary cites. The same record is
        the resource paper://{id}.
        """
        rec = self.current().paper(id)
        return result(rec, paper_text(rec))

    def paper_neighbours(
        self, id: PaperId, side: SideArgument = "cited_by", offset: Offset = 0, limit: Limit = SHOWN_NEIGHBOURS
    ) -> Annotated[CallToolResult, NeighbourPage]:
        """One side of a paper's neighbourhood in the citation graph, a page at a time, strongest ties first.

        get_paper lists the first 100 papers on each side and says how many there are (`cites_total`,
        `cited_by_total`); for a paper built upon by more, page through the rest with `offset`.
        """
        page = self.current().neighbours(id, side, offset, limit)
        return result(page, neighbours_text(page))

    def similar_papers(self, id: PaperId, k: K = DEFAULT_K) -> Annotated[CallToolResult, SimilarResults]:
        """The papers of the reading list closest in meaning to one paper (by id), best first, each with
        its cosine score. Good for widening a reading list around a paper; get_paper shows how papers
        are actually tied by citation.
        """
        res = self.current().similar(id, k)
        return result(res, similar_text(res))

    def answer_question(
        self,
        question: Query,
        k: K = DEFAULT_K,
        mode: ModeArgument = "hybrid",
        era: Era = None,
        year_from: YearFrom = None,
        year_to: YearTo = None,
    ) -> Annotated[CallToolResult, Answer]:
        """Answer a question with two to five sentences quoted word for word from the reading list's own
        summaries, each with its citation and source number, plus the numbered sources and an order to
        read them in (`reading_order`: the cited papers and the entries they build on, earliest first).

        Nothing in `sentences` is written by the program: quote them as they are. When `declined` is true
        the list does not cover the question; `nearest` then lists the closest papers, and you should say
        the list does not answer it. `k` is how many ranked papers the answer may draw on.
        """
        searcher = self.current()
        asked = searcher.request(question, k=k, mode=mode, era=era, year_from=year_from, year_to=year_to)
        res = searcher.answer(asked)
        return result(res, answer_text(res))

    def reading_path(
        self,
        from_id: FromId = None,
        to_id: ToId = None,
        direction: DirectionArgument = None,
        k: PathK = DEFAULT_PATH_K,
    ) -> Annotated[CallToolResult, ReadingList | Chain]:
        """Reading paths through the reading list's citation graph.

        With both `from_id` and `to_id`: a chain of papers leading from one to the other, each step with
        how it ties to the one before (`cites`, `mentions`, and the summary's words); when the graph
        holds no chain, `found` is false and the chain fills its gaps by meaning, those steps marked
        `similar`. With `to_id` alone: a path to that paper, the papers to read before it (what it builds
        on), ending at it; with `from_id` alone: a path from it, what grew out of it. Either way chains of
        citations first, then what it mentions, then the closest in meaning (each entry's `tie`); at most
        `k` of `total`. `direction` (before or after) may say the same; the other way is an error.
        """
        searcher = self.current()
        if direction is not None:
            check_direction(direction)  # a wrong value is named even where a chain does not use it
        check_k(k)
        if from_id is not None and to_id is not None:
            chain = searcher.chain(from_id, to_id)
            return result(chain, chain_text(chain))
        if from_id is None and to_id is None:
            raise QueryError(
                "from_id", "give from_id and to_id for a chain, or one of them for a path from or to that paper"
            )
        end: Literal["from", "to"] = "to" if to_id is not None else "from"
        reading = searcher.path(str(to_id if end == "to" else from_id), lone_end_direction(end, direction), k)
        return result(reading, reading_text(reading))

    def cite_papers(
        self, ids: Ids, format: CiteFormat = "bibtex", style: CiteStyle = None
    ) -> Annotated[CallToolResult, Citations]:
        """Papers of the reading list written as references, to paste into a document or a reference
        manager: BibTeX (the default), CSL-JSON, RIS, or a formatted reference in a named style.

        The text content is the references exactly as GET /cite returns them; `text` in the structured
        content holds the same. Cite the papers you used: their ids come from search_papers, get_paper,
        answer_question (its sources) and reading_path.
        """
        request = CiteRequest.check(ids, format) if style is None else CiteRequest.check(ids, format, style)
        check_style_applies(request.format, style is not None)  # as GET /cite: a style with bibtex is refused
        text = self.current().cite(request)
        body: Citations = {
            "format": request.format,
            "media_type": MEDIA_TYPES[request.format],
            "ids": list(dict.fromkeys(request.ids)),
            "text": text,
        }
        return result(body, text)

    def list_eras(self) -> Annotated[CallToolResult, EraList]:
        """The eras the reading list is divided into, in order: each era's id, name, first and last year,
        introduction and the ids of its papers. An era's id or name is what search_papers' `era` takes.
        """
        searcher = self.current()
        eras = searcher.eras()
        body: EraList = {"count": len(eras), "index_version": searcher.version, "eras": eras}
        return result(body, eras_text(eras))


TOOLS = {  # tool name (a method of PaperTools) -> its title
    "search_papers": "Search the reading list",
    "get_paper": "One paper and its neighbourhood",
    "paper_neighbours": "One side of a paper's neighbourhood, a page at a time",
    "similar_papers": "Papers like one paper",
    "list_eras": "The eras of the reading list",
    "answer_question": "A cited answer from the reading list",
    "reading_path": "What to read before, after or between papers",
    "cite_papers": "Papers as references (BibTeX, CSL-JSON, RIS, text)",
}
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)


def build_tools(current: Callable[[], Searcher]) -> list[Tool]:
    """Every tool of ``TOOLS`` as the SDK's ``Tool`` over ``current()``: read-only, output schemas self-contained.

    The output schemas are made here, all in one pass (``schemas.record_schemas``), not by the SDK one tool
    at a time; a tool that returns one record has the SDK check its results against it, as the SDK would
    have set it up.
    """
    tools = PaperTools(current)
    methods = {name: getattr(tools, name) for name in TOOLS}
    records = {name: returned(method) for name, method in methods.items()}
    made = record_schemas([*records.values(), NeighbourIds])  # a search's hits may hold neighbours by id
    schemas = dict(zip(TOOLS, made[:-1], strict=True))
    built = []
    for name, title in TOOLS.items():
        method, record, schema = methods[name], records[name], schemas[name]
        description = inspect.cleandoc(method.__doc__ or "")
        tool = Tool.from_function(
            method, name=name, title=title, description=description, annotations=READ_ONLY, structured_output=False
        )
        checked: Any = record
        if name == "search_papers":  # hits with their neighbourhoods by id, or whole (module lean)
            schema, checked = search_schema(schema), None
        elif typing.get_origin(record) in (typing.Union, types.UnionType):
            # one of several records (reading_path): an object that is any one of them, as the HTTP API returns
            # it, where the SDK would nest it under "result"
            schema, checked = {"type": "object", **schema}, None
        update = {"output_schema": published(schema), "output_model": checked, "wrap_output": False}
        tool.fn_metadata = tool.fn_metadata.model_copy(update=update)  # the SDK reads it when the tools are listed
        built.append(tool)
    return built


def returned(method: Callable[..., Any]) -> Any:
    """The record a tool returns, as its annotation names it: ``Annotated[CallToolResult, Record]``."""
    return typing.get_args(typing.get_type_hints(method, include_extras=True)["return"])[1]
