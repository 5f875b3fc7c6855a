"""The MCP server through the SDK's own client: over stdio (``papersearch mcp`` as a subprocess) and over
streamable HTTP (``/mcp`` on a real uvicorn on 127.0.0.1).

Every tool is called with good and bad arguments and checked against the HTTP API's answer for the same
input: the same records (same ids, same order) and, for a bad call, the same message. The SDK stays out
of ``ask`` and of a service without ``/mcp``; a new index version is picked up without a restart.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, Tool

from papersearch.agent import require_sdk
from papersearch.core.errors import PapersearchError, SettingsError
from papersearch.core.ids import ID_RULE
from papersearch.core.params import MAX_CITE_IDS, MAX_K, MAX_QUERY_CHARS, MODES, RULES
from papersearch.core.settings import Settings
from papersearch.index.build import build
from papersearch.query.searcher import Searcher
from papersearch.serve.app import create_app

from .conftest import CORPUS, MODEL, ROOT
from .conftest_api import running_server

PAPERSEARCH = Path(sys.executable).parent / "papersearch"
LECUN = "1989-lecun-cnn"
TOOLS = {
    "search_papers",
    "get_paper",
    "paper_neighbours",
    "similar_papers",
    "list_eras",
    "answer_question",
    "reading_path",
    "cite_papers",
}
BACKPROP, TRANSFORMER = "1986-rumelhart-backpropagation", "2017-vaswani-transformer"
CITE_STYLE_REFUSED = "style: a style is for format text alone, not bibtex; leave style out, or ask for text"
Get = Callable[[str, dict[str, Any]], tuple[int, Any]]  # (path, query) -> (status, JSON body) from the HTTP API

GOOD: list[tuple[str, dict[str, Any]]] = [  # (tool, arguments)
    ("search_papers", {"query": "how were deep nets first trained?"}),
    ("search_papers", {"query": "convolutoinal nets for digits", "k": 3}),
    ("search_papers", {"query": "language models", "k": 5, "mode": "lexical", "year_from": 1990, "year_to": 2005}),
    ("search_papers", {"query": "generative models", "mode": "dense", "era": "deep learning explosion"}),
    ("search_papers", {"query": "best pizza in naples", "k": 2}),
    ("search_papers", {"query": "how were deep nets first trained?", "neighbours": "full"}),
    ("search_papers", {"query": "how were deep nets first trained?", "detail": "full"}),
    ("search_papers", {"query": "backpropagation", "k": 3, "detail": "full", "neighbours": "full"}),
    ("get_paper", {"id": LECUN}),
    ("similar_papers", {"id": LECUN, "k": 5}),
    ("paper_neighbours", {"id": BACKPROP}),
    ("paper_neighbours", {"id": LECUN, "side": "cites", "offset": 1, "limit": 2}),
    ("list_eras", {}),
    ("answer_question", {"question": "how were deep nets first trained?"}),
    ("answer_question", {"question": "best pizza in naples"}),  # declined, with the nearest papers
    ("reading_path", {"to_id": TRANSFORMER}),  # a path to it: what to read before it, ending at it
    ("reading_path", {"from_id": BACKPROP, "k": 3}),  # a path from it: what grew out of it
    ("reading_path", {"from_id": BACKPROP, "direction": "after", "k": 3}),  # the same, said twice
    ("reading_path", {"from_id": BACKPROP, "to_id": TRANSFORMER}),
    ("cite_papers", {"ids": [LECUN]}),
    ("cite_papers", {"ids": [TRANSFORMER, LECUN, TRANSFORMER], "format": "ris"}),
    ("cite_papers", {"ids": f"{BACKPROP},{LECUN}", "format": "text", "style": "short"}),
    ("cite_papers", {"ids": [BACKPROP], "format": "csl-json"}),
]
BAD: list[tuple[str, dict[str, Any]]] = [
    ("search_papers", {"query": ""}),
    ("search_papers", {"query": " \t "}),
    ("search_papers", {"query": "x" * (MAX_QUERY_CHARS + 1)}),
    ("search_papers", {"query": "cnn", "k": 0}),
    ("search_papers", {"query": "cnn", "k": MAX_K + 1}),
    ("search_papers", {"query": "cnn", "k": "abc"}),
    ("search_papers", {"query": "cnn", "mode": "fuzzy"}),
    ("search_papers", {"query": "cnn", "era": "no such era"}),
    ("search_papers", {"query": "cnn", "year_from": "soon"}),
    ("search_papers", {"query": "cnn", "year_from": 2005, "year_to": 1990}),
    ("get_paper", {"id": "no-such-paper"}),
    ("get_paper", {"id": "a" * 122}),  # longer than any id can be: the id rule, not "not found"
    ("get_paper", {"id": "1989-LeCun-CNN"}),
    ("similar_papers", {"id": "no-such-paper"}),
    ("similar_papers", {"id": "under_score"}),
    ("similar_papers", {"id": LECUN, "k": 0}),
    ("similar_papers", {"id": LECUN, "k": "many"}),
    ("paper_neighbours", {"id": "no-such-paper"}),
    ("paper_neighbours", {"id": LECUN, "side": "sideways"}),
    ("paper_neighbours", {"id": LECUN, "offset": -1}),
    ("paper_neighbours", {"id": LECUN, "limit": 0}),
    ("answer_question", {"question": ""}),
    ("answer_question", {"question": "cnn", "k": 0}),
    ("reading_path", {"from_id": "no-such-paper", "to_id": TRANSFORMER}),
    ("reading_path", {"from_id": "Bad Id", "to_id": TRANSFORMER}),
    ("reading_path", {"to_id": "ab"}),
    ("reading_path", {"from_id": BACKPROP, "to_id": "no-such-paper"}),
    ("reading_path", {"from_id": "x" * 201, "to_id": TRANSFORMER}),  # breaks the id rule: not "no paper with id"
    ("search_papers", {"query": "cnn \x01"}),
    ("reading_path", {"to_id": "no-such-paper"}),
    ("reading_path", {"to_id": TRANSFORMER, "direction": "sideways"}),
    ("reading_path", {"to_id": TRANSFORMER, "k": 0}),
    ("cite_papers", {"ids": ["no-such-paper"]}),
    ("cite_papers", {"ids": [LECUN, "Bad Id"]}),
    ("cite_papers", {"ids": ""}),
    ("cite_papers", {"ids": [LECUN] * (MAX_CITE_IDS + 1)}),
    ("cite_papers", {"ids": [LECUN], "format": "endnote"}),
    ("cite_papers", {"ids": [LECUN], "format": "text", "style": "apa"}),
    ("cite_papers", {"ids": [LECUN], "style": "short"}),  # bibtex has no style: refused, not ignored
    ("cite_papers", {"ids": [LECUN], "format": "ris", "style": "harvard"}),
    ("answer_question", {"question": " "}),
    ("reading_path", {"from_id": "ab"}),  # one paper: the HTTP API's id, the tool's from_id
    ("reading_path", {"from_id": BACKPROP, "to_id": "Bad Id"}),
]


def http_request(tool: str, arguments: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The HTTP API's request (path, query) for the same input as a tool call."""
    if tool == "cite_papers":
        ids = arguments["ids"]
        return "/cite", {**arguments, "ids": ids if isinstance(ids, str) else ",".join(ids)}
    if tool == "reading_path":
        if "from_id" in arguments and "to_id" in arguments:
            return "/path", {"from": arguments["from_id"], "to": arguments["to_id"]}
        one = arguments.get("from_id", arguments.get("to_id"))
        query = {k: v for k, v in arguments.items() if k in ("direction", "k")}
        return f"/papers/{one}/path", {"direction": "after" if "from_id" in arguments else "before", **query}
    if tool == "answer_question":
        return "/answer", {"q" if name == "question" else name: value for name, value in arguments.items()}
    query = {"q" if name == "query" else name: value for name, value in arguments.items() if name != "id"}
    query.pop("neighbours", None)  # how the tool shows each hit's neighbourhood: the API gives it whole
    query.pop("detail", None)  # how much of each hit the tool shows: the API gives all of it
    paths = {
        "search_papers": "/search",
        "get_paper": "/papers/{id}",
        "similar_papers": "/papers/{id}/similar",
        "paper_neighbours": "/papers/{id}/neighbours",
    }
    return paths.get(tool, "/eras").format(id=arguments.get("id")), query


# arguments a URL cannot carry (a number for text, nothing at all), and what the tool says
MCP_ONLY: list[tuple[str, dict[str, Any], str]] = [
    ("search_papers", {}, f"query is required: the query must be 1 to {MAX_QUERY_CHARS} characters of text"),
    ("search_papers", {"query": 42}, "query: the query must be text"),
    ("answer_question", {"question": 3}, "question: the query must be text"),
    ("answer_question", {"question": ""}, "question: the query is empty; type a few words"),
    # an argument a tool does not take is named, not ignored (the unknown tool is said first)
    (
        "search_papers",
        {"query": "cnn", "year": 1990},
        "year: not an argument of search_papers, which takes query, k, mode, era, year_from, year_to, neighbours, "
        "detail",
    ),
    ("get_paper", {"id": LECUN, "q": "cnn"}, "q: not an argument of get_paper, which takes id"),
    ("list_eras", {"era": "x"}, "era: not an argument of list_eras, which takes none"),
    (
        "cite_papers",
        {"ids": [LECUN], "styles": "short"},
        "styles: not an argument of cite_papers, which takes ids, format, style",
    ),
    ("cite_papers", {"ids": [LECUN], "style": "short"}, CITE_STYLE_REFUSED),
    ("reading_path", {"from_id": "x"}, "from_id must be a paper id: " + ID_RULE + ", not 'x'"),
    ("reading_path", {"to_id": "Bad Id"}, "to_id must be a paper id: " + ID_RULE + ", not 'Bad Id'"),
    (
        "reading_path",
        {"from_id": "Bad Id", "to_id": TRANSFORMER},
        "from_id must be a paper id: " + ID_RULE + ", not 'Bad Id'",
    ),
    ("search_papers", {"query": "cnn", "k": [3]}, f"k must be a whole number from 1 to {MAX_K}, not [3]"),
    ("search_papers", {"query": "cnn", "neighbours": "titles"}, "neighbours must be one of ids, full, not 'titles'"),
    ("search_papers", {"query": "cnn", "detail": "all"}, "detail must be one of brief, full, not 'all'"),
    ("search_papers", {"query": "cnn", "detail": 2}, "detail must be one of brief, full, not 2"),
    (
        "get_paper",
        {},
        "id is required: the id of a paper of the list, like 1989-lecun-cnn; search_papers and list_eras give them",
    ),
    ("get_paper", {"id": 7}, "id: the id must be text, like 1989-lecun-cnn"),
    ("cite_papers", {}, f"ids is required: {RULES['ids']}"),
    ("cite_papers", {"ids": 7}, f"{RULES['ids']}, not 7"),
    ("cite_papers", {"ids": [LECUN, 7]}, f"{RULES['ids']}, not 7"),
    ("similar_papers", {"id": [LECUN]}, "id: the id must be text, like 1989-lecun-cnn"),
    ("no_such_tool", {}, "Unknown tool: no_such_tool"),
    (
        "reading_path",
        {},
        "from_id: give from_id and to_id for a chain, or one of them for a path from or to that paper",
    ),
    # one end says the direction: the other way is refused, not one of the two dropped
    (
        "reading_path",
        {"to_id": TRANSFORMER, "direction": "after"},
        "direction: a path to a paper is what to read before it (ending at it), not after; for what to read after "
        "it, give it as the path's from end",
    ),
    (
        "reading_path",
        {"from_id": BACKPROP, "direction": "before"},
        "direction: a path from a paper is what to read after it (starting at it), not before; for what to read "
        "before it, give it as the path's to end",
    ),
    # a chain takes no direction or k (GET /path has neither), yet a wrong one is named, not ignored
    (
        "reading_path",
        {"from_id": BACKPROP, "to_id": TRANSFORMER, "direction": "sideways"},
        "direction must be one of before, after, not 'sideways'",
    ),
    (
        "reading_path",
        {"from_id": BACKPROP, "to_id": TRANSFORMER, "k": 0},
        f"k must be a whole number from 1 to {MAX_K}, not 0",
    ),
]


@dataclass
class Seen:
    """What a client saw of one server, in the order of GOOD, BAD and MCP_ONLY."""

    tools: dict[str, Tool] = field(default_factory=dict)
    good: list[CallToolResult] = field(default_factory=list)
    bad: list[CallToolResult] = field(default_factory=list)
    mcp_only: list[CallToolResult] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    resource: str = ""
    missing_resource: str = ""
    after: CallToolResult | None = None  # a good call after every bad one: the server is still there


async def exercise(session: ClientSession) -> Seen:
    seen = Seen(tools={t.name: t for t in (await session.list_tools()).tools})
    for tool, arguments in GOOD:
        seen.good.append(await session.call_tool(tool, arguments))
    for tool, arguments in BAD:
        seen.bad.append(await session.call_tool(tool, arguments))
    for tool, arguments, _ in MCP_ONLY:
        seen.mcp_only.append(await session.call_tool(tool, arguments))
    seen.resources = [str(r.uri) for r in (await session.list_resources()).resources]
    seen.templates = [t.uri_template for t in (await session.list_resource_templates()).resource_templates]
    content = (await session.read_resource(f"paper://{LECUN}")).contents[0]
    seen.resource = getattr(content, "text", "")
    try:
        await session.read_resource("paper://no-such-paper")
    except MCPError as exc:
        seen.missing_resource = exc.error.message
    seen.after = await session.call_tool("search_papers", {"query": "attention", "k": 1})
    return seen


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The stdio server's environment on top of the SDK's default one (which passes no PAPERSEARCH_* on)."""
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **(extra or {})}
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


@asynccontextmanager
async def stdio_session(index: Path, errlog: Path, extra: dict[str, str] | None = None) -> AsyncIterator[ClientSession]:
    """``papersearch mcp --index INDEX`` as a subprocess, through the SDK's stdio client; stderr goes to ``errlog``."""
    params = StdioServerParameters(
        command=str(PAPERSEARCH), args=["mcp", "--index", str(index)], env=server_env(extra), cwd=ROOT
    )
    with errlog.open("w", encoding="utf-8") as err:
        async with stdio_client(params, errlog=err) as streams, ClientSession(streams[0], streams[1]) as session:
            await session.initialize()
            yield session


@asynccontextmanager
async def http_session(url: str) -> AsyncIterator[ClientSession]:
    async with streamable_http_client(url) as streams, ClientSession(streams[0], streams[1]) as session:
        await session.initialize()
        yield session


def comparable(body: dict[str, Any]) -> dict[str, Any]:
    """A body without what differs from one call to the next (its timing, whether it came from the cache)."""
    return {k: v for k, v in body.items() if k not in ("took_ms", "cached")}


def by_id(body: dict[str, Any]) -> dict[str, Any]:
    """A /search body as search_papers gives it by default: each hit's neighbourhood as the ids of the papers on
    each side, in the API's order, the number of works outside the list and each side's total; every other field
    as it is."""

    def ids(refs: dict[str, Any]) -> dict[str, Any]:
        return {side: [n["id"] for n in refs[side]] for side in ("cites", "cited_by")} | {
            "external": len(refs["external"]),
            "cites_total": refs["cites_total"],
            "cited_by_total": refs["cited_by_total"],
        }

    return {**body, "results": [{**hit, "neighbours": ids(hit["neighbours"])} for hit in body["results"]]}


def brief(body: dict[str, Any]) -> dict[str, Any]:
    """A /search body as search_papers gives it by default: each hit's id, title, year, era, score, the sentence of
    its why and its neighbourhood; every field outside the hits as it is."""
    kept = ("id", "title", "year", "era", "score", "neighbours")
    hits = [{**{k: hit[k] for k in kept}, "why": {"sentence": hit["why"]["sentence"]}} for hit in body["results"]]
    return {**body, "results": hits}


def as_searched(body: dict[str, Any], arguments: dict[str, Any]) -> dict[str, Any]:
    """A /search body as search_papers gives it for ``arguments``: in brief unless ``detail`` is full, each
    neighbourhood by id unless ``neighbours`` is."""
    if arguments.get("neighbours") != "full":
        body = by_id(body)
    return body if arguments.get("detail") == "full" else brief(body)


def as_sent(message: str, tool: str, arguments: dict[str, Any]) -> str:
    """The HTTP API's message as the tool says it: the tool echoes a number it was sent as a number,
    where a URL, which carries only text, has it quoted ("not 0" for "not '0'"); and it names its own
    argument where the API's parameter has another name (``query`` for ``q``, ``from_id`` for ``from``)."""
    for value in arguments.values():
        if isinstance(value, int):
            message = message.replace(repr(str(value)), str(value))
    one = "from_id" if "from_id" in arguments else "to_id"  # GET /papers/{id}/path's id
    names = {
        "search_papers": {"q": "query"},
        "answer_question": {"q": "question"},
        "reading_path": {"from": "from_id", "to": "to_id", "id": one},
    }
    for param, name in names.get(tool, {}).items():
        if message.startswith((f"{param}:", f"{param} ")):
            return name + message[len(param) :]
    return message


def json_get(client: httpx.Client) -> Get:
    """GET from the HTTP API (a TestClient is an httpx.Client too): (status, JSON body)."""

    def get(path: str, query: dict[str, Any]) -> tuple[int, Any]:
        r = client.get(path, params=query)
        return r.status_code, r.json() if r.headers["content-type"].startswith("application/json") else r

    return get


def text_of(result: CallToolResult) -> str:
    assert len(result.content) == 1 and result.content[0].type == "text"
    return result.content[0].text


def check_against_http(seen: Seen, get: Get) -> None:
    """Every observation of ``seen`` against the HTTP API's answer for the same input."""
    assert set(seen.tools) == TOOLS
    for tool in seen.tools.values():
        assert tool.description and len(tool.description) > 80, tool.name
        assert tool.input_schema["type"] == "object" and tool.output_schema, tool.name
        assert tool.annotations is not None and tool.annotations.read_only_hint is True
    search = seen.tools["search_papers"].input_schema
    assert search["required"] == ["query"]
    assert search["properties"]["k"] | {"minimum": 1, "maximum": MAX_K, "default": 10} == search["properties"]["k"]
    assert search["properties"]["mode"]["enum"] == list(MODES)
    assert {"query", "k", "mode", "era", "year_from", "year_to", "neighbours", "detail"} == set(search["properties"])
    assert search["properties"]["neighbours"]["enum"] == ["ids", "full"]
    assert search["properties"]["detail"]["enum"] == ["brief", "full"]

    for (tool, arguments), result in zip(GOOD, seen.good, strict=True):
        status, body = get(*http_request(tool, arguments))
        assert status == 200, (tool, arguments, body)
        assert result.is_error is False, (tool, arguments, text_of(result))
        data = result.structured_content
        if tool == "cite_papers":  # the API's body is the references themselves, in the format's media type
            assert data is not None and text_of(result) == data["text"] == body.text and body.text, arguments
            assert body.headers["content-type"] == data["media_type"] + "; charset=utf-8"
            assert data["ids"] == list(dict.fromkeys(re.findall(r"[a-z0-9][a-z0-9-]+", str(arguments["ids"]))))
            continue
        assert data is not None, (tool, arguments)
        if tool == "search_papers":
            body = as_searched(body, arguments)  # by default each hit in brief, its neighbourhood by id
        assert comparable(data) == comparable(body), (tool, arguments)
        if tool == "search_papers":
            assert [r["id"] for r in data["results"]] == [r["id"] for r in body["results"]]
            assert all(r["id"] in text_of(result) for r in body["results"])
        elif tool == "get_paper":
            assert text_of(result).startswith(f"{LECUN}: {body['title']}")
        elif tool == "answer_question":
            assert [x["id"] for x in data["sentences"]] == [x["id"] for x in body["sentences"]]
            assert all(x["text"] in text_of(result) for x in body["sentences"])
            assert data["declined"] == (arguments["question"] == "best pizza in naples")
        elif tool == "reading_path":
            steps = data["steps"] if "steps" in data else data["results"]
            assert [x["id"] for x in steps] == [x["id"] for x in (body.get("steps") or body["results"])] and steps
            assert all(x["id"] in text_of(result) for x in steps)
        elif tool == "similar_papers":
            assert [line.split(":")[0].split(". ")[1] for line in text_of(result).splitlines()[1:]] == [
                r["id"] for r in body["results"]
            ]
        elif tool == "paper_neighbours":
            assert [line.split(":")[0] for line in text_of(result).splitlines()[1:]] == [
                n["id"] for n in body["results"]
            ]
            assert text_of(result).startswith(f"{arguments['id']} ") and f"of {body['total']}" in text_of(result)
        else:
            assert [line.split(" ")[0] for line in text_of(result).splitlines()] == [e["id"] for e in body["eras"]]

    for (tool, arguments), result in zip(BAD, seen.bad, strict=True):
        status, body = get(*http_request(tool, arguments))
        assert status in (404, 422), (tool, arguments, body)
        assert result.is_error is True and result.structured_content is None
        assert text_of(result) == as_sent(body["error"]["message"], tool, arguments), (tool, arguments)

    for (tool, arguments, expected), result in zip(MCP_ONLY, seen.mcp_only, strict=True):
        assert result.is_error is True and text_of(result) == expected, (tool, arguments)

    status, papers = get("/papers", {})
    assert seen.resources == [f"paper://{p['id']}" for p in papers["papers"]]
    assert seen.templates == ["paper://{id}"]
    assert json.loads(seen.resource) == get(f"/papers/{LECUN}", {})[1]
    assert seen.missing_resource == get("/papers/no-such-paper", {})[1]["error"]["message"]
    assert seen.after is not None and seen.after.is_error is False


@pytest.mark.timeout(180)
def test_stdio_server_answers_as_the_http_api_does(index_dir: Path, searcher: Searcher, tmp_path: Path) -> None:
    async def run() -> Seen:
        async with stdio_session(index_dir, tmp_path / "stderr.log") as session:
            return await exercise(session)

    seen = anyio.run(run)
    app = create_app(Settings(corpus=CORPUS, index=index_dir, model=MODEL), searcher, reload_interval=0)
    with TestClient(app) as client:
        check_against_http(seen, json_get(client))
    errors = (tmp_path / "stderr.log").read_text(encoding="utf-8")
    assert "Traceback" not in errors, errors


@pytest.mark.timeout(180)
@pytest.mark.slow
def test_streamable_http_on_the_service_answers_as_its_http_api_does(index_dir: Path, tmp_path: Path) -> None:
    with (
        running_server(index_dir, CORPUS, tmp_path / "server.log", {"PAPERSEARCH_MCP": "1"}) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):

        async def run() -> Seen:
            async with http_session(server.url + "/mcp") as session:
                return await exercise(session)

        check_against_http(anyio.run(run), json_get(client))

        # /mcp goes through the service's middleware: security headers, the body limit, the one error body
        call = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        posted = client.post("/mcp", json=call, headers={"Accept": "application/json, text/event-stream"})
        assert posted.headers["x-content-type-options"] == "nosniff"
        stream = client.get("/mcp", headers={"Accept": "text/event-stream"})
        assert stream.status_code == 405 and stream.json()["error"]["type"] == "method_not_allowed"
        assert client.post("/mcp", content=b"x" * 70_000).status_code == 413
        # loopback only: a request addressed to another name (DNS rebinding) or from another origin is refused
        assert client.post("/mcp", json=call, headers={"Host": "papers.example.com"}).status_code == 421
        assert client.post("/mcp", json=call, headers={"Origin": "https://evil.example"}).status_code == 403
        assert "Traceback" not in server.output()


IMPORTS = """
import sys
from papersearch.cli import main
from papersearch.core.settings import Settings
from papersearch.serve.app import create_app

{action}
print(sorted({{m.split(".")[0] for m in sys.modules}} & {{"mcp", "mcp_types"}}))
"""


@pytest.mark.parametrize(
    "action",
    [
        "main(['ask', 'convolutional networks', '-k', '2', '--index', INDEX])",
        "create_app(Settings(index=INDEX))",
    ],
)
def test_the_sdk_stays_out_of_ask_and_of_a_service_without_mcp(action: str, index_dir: Path) -> None:
    code = IMPORTS.format(action=action.replace("INDEX", repr(str(index_dir))))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERSEARCH_")} | {"HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_mcp_is_off_by_default_and_a_bad_setting_names_the_variable(index_dir: Path, searcher: Searcher) -> None:
    assert Settings.from_env(env={}).mcp is False
    assert Settings.from_env(env={"PAPERSEARCH_MCP": "1"}).mcp is True
    with pytest.raises(SettingsError, match=r"PAPERSEARCH_MCP='maybe' is not valid: 1 or 0"):
        Settings.from_env(env={"PAPERSEARCH_MCP": "maybe"})
    with TestClient(create_app(Settings(corpus=CORPUS, index=index_dir), searcher, reload_interval=0)) as client:
        r = client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        assert r.status_code == 404 and r.json()["error"]["message"].startswith("no such page or endpoint: /mcp")


def test_over_http_without_an_index_a_tool_says_what_the_api_says_without_the_servers_paths(tmp_path: Path) -> None:
    """A stateless call in plain JSON-RPC (no handshake needed) to the in-process app, on a loopback name."""
    app = create_app(Settings(corpus=CORPUS, index=tmp_path / "no-index", mcp=True), reload_interval=0)
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "list_eras", "arguments": {}}}
    with TestClient(app, base_url="http://127.0.0.1") as client:
        r = client.post("/mcp", json=call, headers={"Accept": "application/json, text/event-stream"})
        api = client.get("/eras")
    assert r.status_code == 200 and r.json()["result"]["isError"] is True
    assert api.status_code == 503
    [content] = r.json()["result"]["content"]
    assert (
        content["text"]
        == api.json()["error"]["message"]
        == ("no index at index (missing CURRENT); run `papersearch index` to rebuild it")
    )


def test_without_the_sdk_the_mcp_entry_points_say_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, index_dir: Path, searcher: Searcher
) -> None:
    def version(name: str) -> str:
        if name == "mcp":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    real = metadata.version
    monkeypatch.setattr(metadata, "version", version)
    hint = re.escape("install it with `.venv/bin/pip install -e '.[mcp]'` (or `make dev`)")
    with pytest.raises(PapersearchError, match=rf"^the MCP server needs the optional `mcp` package \(2.x\); {hint}$"):
        require_sdk()
    with pytest.raises(PapersearchError, match=hint):  # the service with /mcp on stops at start-up
        create_app(Settings(corpus=CORPUS, index=index_dir, mcp=True), searcher)
    monkeypatch.setattr(metadata, "version", lambda name: "1.26.0" if name == "mcp" else real(name))
    with pytest.raises(PapersearchError, match=rf"needs the `mcp` package 2.x, not 1.26.0; {hint}$"):
        require_sdk()


EDITED = "1989-lecun-cnn"
NEW_WORD = "quokkatron"  # in no paper until the test adds it


@pytest.mark.timeout(240)
@pytest.mark.slow
def test_the_stdio_server_serves_a_new_index_version_without_restart(
    index_copy: Path, corpus_copy: Path, tmp_path: Path
) -> None:
    async def run() -> tuple[str, str, CallToolResult]:
        async with stdio_session(
            index_copy, tmp_path / "stderr.log", {"PAPERSEARCH_RELOAD_INTERVAL": "0.3"}
        ) as session:
            first = (await session.call_tool("list_eras", {})).structured_content
            assert first is not None
            path = corpus_copy / "papers" / f"{EDITED}.md"
            text = path.read_text(encoding="utf-8")
            path.write_text(text.rstrip("\n") + f" The network was later nicknamed the {NEW_WORD}.\n", encoding="utf-8")
            report = await anyio.to_thread.run_sync(lambda: build(corpus_copy, index_copy, MODEL))
            deadline = time.monotonic() + 60
            while True:
                answer = await session.call_tool(
                    "search_papers", {"query": NEW_WORD, "mode": "lexical", "k": 1, "detail": "full"}
                )
                data = answer.structured_content
                if (data and data["index_version"] == report.version) or time.monotonic() > deadline:
                    return first["index_version"], report.version, answer
                await anyio.sleep(0.2)

    old, new, answer = anyio.run(run)
    assert new != old
    data = answer.structured_content
    assert data is not None and data["index_version"] == new
    assert data["results"][0]["id"] == EDITED and data["results"][0]["scores"]["lexical"] > 0


@pytest.mark.timeout(120)
def test_the_stdio_server_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    async def run() -> list[CallToolResult]:
        async with stdio_session(tmp_path / "no-index", tmp_path / "stderr.log") as session:
            return [
                await session.call_tool(name, arguments)
                for name, arguments in [("list_eras", {}), ("get_paper", {"id": LECUN})]
            ]

    for result in anyio.run(run):  # the server answered both: it did not die on the first
        assert result.is_error is True
        assert "no index at" in text_of(result) and "run `papersearch index`" in text_of(result)


def readme_snippet() -> dict[str, Any]:
    """The client configuration in README's "Use from an agent" section."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Use from an agent", 1)[1]
    config: dict[str, Any] = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    return config


@pytest.mark.timeout(120)
def test_a_client_configured_from_the_readme_lists_and_calls_every_tool(index_dir: Path, tmp_path: Path) -> None:
    server = readme_snippet()["mcpServers"]["papersearch"]
    assert server["command"] == "/path/to/papersearch/.venv/bin/papersearch"  # this checkout's own, below
    env = {k: v.replace("/path/to/papersearch/index", str(index_dir)) for k, v in server["env"].items()}
    params = StdioServerParameters(command=str(PAPERSEARCH), args=server["args"], env=server_env(env))
    calls = {
        "search_papers": {"query": "how were deep nets first trained?", "k": 2},
        "get_paper": {"id": LECUN},
        "similar_papers": {"id": LECUN, "k": 2},
        "paper_neighbours": {"id": BACKPROP, "limit": 2},
        "list_eras": {},
        "answer_question": {"question": "how were deep nets first trained?"},
        "reading_path": {"from_id": BACKPROP, "to_id": TRANSFORMER},
        "cite_papers": {"ids": [LECUN]},
    }

    async def run() -> tuple[list[str], dict[str, CallToolResult], CallToolResult]:
        with (tmp_path / "stderr.log").open("w") as err:
            async with stdio_client(params, errlog=err) as streams, ClientSession(*streams) as session:
                await session.initialize()
                names = [t.name for t in (await session.list_tools()).tools]
                results = {name: await session.call_tool(name, arguments) for name, arguments in calls.items()}
                return names, results, await session.call_tool("search_papers", {"query": "cnn", "k": 500})

    names, results, refused = anyio.run(run)
    assert sorted(names) == sorted(calls)
    assert all(r.is_error is False and r.structured_content for r in results.values())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    version = readme.split("(hybrid, index ", 1)[1].split(")", 1)[0]  # the example's; this index has its own
    search = results["search_papers"]
    assert search.structured_content is not None
    shown = text_of(search).replace(search.structured_content["index_version"], version).splitlines()
    assert "← content (text):\n  " + "\n  ".join(shown[:2]) + "\n" in readme
    assert refused.is_error is True and f"isError: true, content (text): {text_of(refused)}\n" in readme


def variants(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every place in ``value`` with a null, an object and a string put there instead: (path, replacement)."""
    places = [(path, new) for new in (None, {}, "x")] if path else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, inner in items:
        places += variants(inner, (*path, key))
    return places


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = replaced(value[path[0]], path[1:], new)
    return copy


def same_verdicts(pydantic_s: dict[str, Any], published: dict[str, Any], result: dict[str, Any]) -> None:
    """Both schemas take ``result``, and judge each variant of it (a null, an object, a string) alike."""
    import jsonschema

    checks = [jsonschema.Draft202012Validator(s) for s in (pydantic_s, published)]
    verdicts = []
    for path, new in variants(result):
        instance = replaced(result, path, new)
        verdict = [v.is_valid(instance) for v in checks]
        assert verdict[0] == verdict[1], (path, new)
        verdicts.append((new is None, verdict[0]))
    assert all(v.is_valid(result) for v in checks)
    assert (True, True) in verdicts and (True, False) in verdicts and (False, False) in verdicts


def test_the_output_schema_takes_a_null_where_pydantic_does_and_nothing_else_more(searcher: Searcher) -> None:
    from papersearch.agent.lean import lean, search_schema
    from papersearch.agent.schemas import inline_refs, nullable_types

    pydantic_s = inline_refs(search_schema())
    published = nullable_types(pydantic_s)
    assert json.dumps(published).count("anyOf") == 1  # a hit's neighbours, by id or whole: two shapes
    understood = published["properties"]["understood"]
    assert understood["type"] == ["object", "null"] and "how the query was read" in understood["description"]
    assert "shown to the person" in understood["description"]  # the record's own words kept beside the field's
    passage = published["properties"]["results"]["items"]["properties"]["why"]["properties"]["matched_passage"]
    assert passage["enum"] == ["question", "title", "summary", None]
    res = searcher.search("who first trained deep belief nets, 2006", k=3)
    for detail, neighbours in (("brief", "ids"), ("full", "ids"), ("full", "full")):
        same_verdicts(pydantic_s, published, lean(res, detail, neighbours))


def test_a_brief_hit_must_hold_its_brief_fields_and_may_hold_the_rest(searcher: Searcher) -> None:
    import jsonschema

    from papersearch.agent.lean import BRIEF, lean, search_schema
    from papersearch.agent.schemas import published

    check = jsonschema.Draft202012Validator(published(search_schema()))
    res = searcher.search("who first trained deep belief nets, 2006", k=3)
    short, whole = lean(res), lean(res, "full")
    first = res["results"][0]
    assert list(short["results"][0]) == list(BRIEF) and short["results"][0]["why"] == {
        "sentence": first["why"]["sentence"]
    }
    assert list(whole["results"][0]) == list(first) and len(first) > len(BRIEF)
    assert check.is_valid(short) and check.is_valid(whole)
    for name in BRIEF:
        hit = {k: v for k, v in short["results"][0].items() if k != name}
        assert not check.is_valid({**short, "results": [hit]}), name
    no_sentence = {**short["results"][0], "why": {}}
    assert not check.is_valid({**short, "results": [no_sentence]})
    wrong_rank = {**whole["results"][0], "rank": "first"}  # a field of the full hit is still checked when present
    assert not check.is_valid({**whole, "results": [wrong_rank]})


def test_answers_and_reading_paths_are_judged_by_the_published_schema_as_by_pydantics(searcher: Searcher) -> None:
    from pydantic import TypeAdapter

    from papersearch.agent.schemas import inline_refs
    from papersearch.agent.tools import build_tools
    from papersearch.core.assistant_records import Answer, Chain, ReadingList

    tools = {t.name: t.fn_metadata.output_schema for t in build_tools(lambda: searcher)}
    answer = inline_refs(TypeAdapter(Answer).json_schema())
    path = inline_refs({"type": "object", **TypeAdapter(ReadingList | Chain).json_schema()})
    assert json.dumps(tools["answer_question"]).count("anyOf") == 0 < json.dumps(answer).count("anyOf")
    same_verdicts(answer, tools["answer_question"], dict(searcher.answer("how were deep nets first trained?", k=3)))
    same_verdicts(path, tools["reading_path"], dict(searcher.chain(BACKPROP, TRANSFORMER)))
    same_verdicts(path, tools["reading_path"], dict(searcher.path(LECUN, "before", 3)))


def test_a_tool_that_returns_one_record_has_its_results_checked_against_it_by_the_sdk() -> None:
    from papersearch.agent.tools import TOOLS, build_tools
    from papersearch.core.records import PaperRecord

    def no_index() -> Searcher:
        raise AssertionError("building the tools reads no index")

    checked = {t.name: t.fn_metadata.output_model for t in build_tools(no_index)}
    assert set(checked) == set(TOOLS)
    assert checked["get_paper"] is PaperRecord
    assert checked["search_papers"] is None  # by id or whole: the published schema says which, not one record
    assert checked["reading_path"] is None  # one of two records
    assert all(model is not None for name, model in checked.items() if name not in ("search_papers", "reading_path"))


def test_a_repeated_search_is_answered_without_a_worker_thread_and_a_new_one_on_one(searcher: Searcher) -> None:
    """As GET /search: with every worker thread taken, a cached search still answers, a new one waits for a thread."""
    import anyio.to_thread

    from papersearch.agent.tools import PaperTools

    tools = PaperTools(lambda: searcher)
    query = "who first trained deep belief nets, 2006"
    expected = searcher.search(query)  # now in the cache of recent results

    async def run() -> tuple[dict[str, Any], bool]:
        await tools.search_papers(query)  # the first call resolves the index on a worker (it may wait for a load)
        limiter = anyio.to_thread.current_default_thread_limiter()
        taken = [object() for _ in range(int(limiter.total_tokens))]
        for borrower in taken:
            await limiter.acquire_on_behalf_of(borrower)
        try:
            with anyio.fail_after(10):
                repeated = await tools.search_papers(query)
            with anyio.move_on_after(0.5) as waited:
                await tools.search_papers(f"{query} and nothing cached")
            return repeated.structured_content or {}, waited.cancelled_caught
        finally:
            for borrower in taken:
                limiter.release_on_behalf_of(borrower)

    repeated, new_one_waited = anyio.run(run)
    assert repeated["cached"] is True and [h["id"] for h in repeated["results"]] == [
        h["id"] for h in expected["results"]
    ]
    assert new_one_waited  # a new query is ranked on a worker thread, never on the event loop
