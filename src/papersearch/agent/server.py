"""The MCP server: the SDK's high-level ``MCPServer`` (mcp 2.x) with papersearch's tools and resources.

``build_server(current)`` registers every tool of ``tools.TOOLS`` and the ``paper://{id}``
resource over ``current``, which returns the ``Searcher`` of the index version being served, so a
newly published version answers the next call. ``PaperServer`` adds three things to the SDK's
server: a failed call (an id that breaks the paper-id rule, or an argument the tool does not take,
included) comes back as a tool error in the HTTP API's words, naming the tool's own argument
(``errors``), instead of the SDK's "Error executing tool ..." or nothing;
``resources/list`` lists the papers of the live index; and on stdio every message is screened
before the SDK reads it (``wire``), so each request gets its answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp.shared.exceptions import MCPError
from mcp.types import INTERNAL_ERROR, CallToolResult, InputRequiredResult, Resource, TextContent

from .. import __version__
from ..core.errors import NotFoundError, PapersearchError, QueryError
from ..core.records import PaperRecord
from ..query.searcher import Searcher
from .errors import as_argument, check_ids, error_text, unknown_argument
from .tools import build_tools
from .wire import screened_stdio

INSTRUCTIONS = (
    "papersearch searches the Fundamental AI Papers reading list: landmark papers of artificial intelligence "
    "from 1943 on, each with a summary and its place in a citation graph of the list. Start with search_papers "
    "for a question; get_paper gives one paper's whole summary and neighbourhood (also the resource paper://{id}); "
    "similar_papers widens around a paper; answer_question quotes the list's own sentences, cited; reading_path "
    "says what to read before or after a paper, or links two; list_eras gives the eras search_papers can filter "
    "by. Answers come only from the list: when a search says no_match, or an answer is declined, the list does "
    "not cover the question."
)
PAPER_MIME = "application/json"


def _same(text: str) -> str:
    return text


class PaperServer(MCPServer[Any]):
    """``MCPServer`` that answers a failed tool call with papersearch's own message and lists the live papers."""

    def __init__(self, current: Callable[[], Searcher], public: Callable[[str], str] = _same) -> None:
        tools = build_tools(current)
        super().__init__(
            "papersearch",
            title="papersearch",
            instructions=INSTRUCTIONS,
            version=__version__,
            log_level="WARNING",
            tools=tools,
        )
        self.takes = {
            tool.name: tuple(tool.parameters.get("properties", ())) for tool in tools
        }  # each tool's arguments
        self.current = current
        self.public = public
        self.resource(
            "paper://{id}",
            name="paper",
            title="A paper of the reading list",
            description="One paper by its id, with its neighbourhood: the record get_paper returns, as JSON.",
            mime_type=PAPER_MIME,
        )(self.read_paper)

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        """The SDK's call, with the errors of papersearch (and refused arguments) said in the HTTP API's words."""
        takes = self.takes.get(name)
        unknown = None if takes is None else unknown_argument(name, arguments, takes)  # None: no such tool
        if unknown is not None:
            return tool_error(unknown)
        try:
            check_ids(arguments)
            return await super().call_tool(name, arguments, context)
        except QueryError as exc:
            return tool_error(as_argument(str(exc), exc.param, name, arguments))
        except ToolError as exc:
            text = error_text(exc.__cause__, name, arguments, self.public)
            if text is None:  # an unknown tool, or a crash: the SDK words and logs it
                raise
            return tool_error(text)

    async def run_stdio_async(self) -> None:
        """Serve on standard input and output through the SDK's stdio transport, screened (``wire``)."""
        low = self._lowlevel_server
        async with screened_stdio() as (read_stream, write_stream):
            await low.run(read_stream, write_stream, low.create_initialization_options())

    async def list_resources(self) -> list[Resource]:
        """Every paper of the index being served, as ``paper://{id}``, besides any resource registered."""
        try:
            papers = await anyio.to_thread.run_sync(lambda: self.current().papers())
        except PapersearchError as exc:
            raise MCPError(code=INTERNAL_ERROR, message=self.public(str(exc))) from exc
        listed = [
            Resource(
                uri=f"paper://{r['id']}",
                name=r["id"],
                title=f"{r['title']} ({r['year']})",
                description=r["question"],
                mime_type=PAPER_MIME,
            )
            for r in papers
        ]
        return [*await super().list_resources(), *listed]

    def read_paper(self, id: str) -> str:
        """The resource ``paper://{id}``: the paper's record as JSON, as get_paper's structured content."""
        try:
            record: PaperRecord = self.current().paper(id)
        except NotFoundError as exc:
            raise ResourceNotFoundError(str(exc)) from exc
        except PapersearchError as exc:
            raise ResourceError(self.public(str(exc))) from exc
        return json.dumps(record, ensure_ascii=False)


def tool_error(text: str) -> CallToolResult:
    """A tool call's failure, said in ``text``."""
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


def build_server(current: Callable[[], Searcher], public: Callable[[str], str] = _same) -> PaperServer:
    """The MCP server over ``current()``; ``public`` rewrites the text of errors that quote no client input."""
    return PaperServer(current, public)
