"""JSON-RPC 2.0 to the letter on ``papersearch mcp``'s standard input: every request answered once, no crash.

A table of malformed lines, each with the error the specification names for it; then ten thousand
lines of garbage, invalid UTF-8, wrong ``jsonrpc`` versions, missing or mistyped fields, lone
surrogates, huge ids and mutated valid calls written raw to the server, each with the answer JSON-RPC
2.0 prescribes (``expected``, the specification's rule written here on its own); then random tool
calls through the SDK's own client. Every message with an id gets exactly one reply with that id, a
message whose id cannot be read one with id null, a notification or a response none, and the server
still answers and exits cleanly at the end.
"""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from mcp.types import CallToolResult

from papersearch.agent.errors import invalid_text
from papersearch.agent.jsonrpc import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    MAX_LINE_BYTES,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    screen,
)
from papersearch.core.errors import QueryError
from papersearch.core.ids import ID_RULE
from papersearch.core.params import RULES
from papersearch.core.settings import Settings
from papersearch.query.searcher import Searcher
from papersearch.serve.app import create_app

from .conftest import CORPUS, MODEL, ROOT
from .test_mcp import LECUN, PAPERSEARCH, TRANSFORMER, server_env, stdio_session, text_of

SURROGATE = "\ud800"
NOTHING = object()  # a field the mutation removes
# (line, the error code of the reply, the reply's id); a code of None: no reply at all
TABLE: list[tuple[bytes, int | None, object]] = [
    (b"garbage", PARSE_ERROR, None),
    (b"\xff\xfe{}", PARSE_ERROR, None),
    (b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"q":"\xed\xa0\x80"}}', PARSE_ERROR, None),
    (b'{"jsonrpc":"2.0","id":2,"method":"ping"', PARSE_ERROR, None),
    (b'{"jsonrpc":"2.0","id":3,"method":"ping","params":{"x":NaN}}', PARSE_ERROR, None),
    (b"\xef\xbb\xbf" + b'{"jsonrpc":"2.0","id":4,"method":"ping"}', PARSE_ERROR, None),
    (b'{"jsonrpc":"1.0","id":5,"method":"ping"}', INVALID_REQUEST, 5),
    (b'{"id":6,"method":"ping"}', INVALID_REQUEST, 6),
    (b'{"jsonrpc":"2.0","id":"seven","method":7}', INVALID_REQUEST, "seven"),
    (b'{"jsonrpc":"2.0","id":8}', INVALID_REQUEST, 8),
    (b'{"jsonrpc":"2.0","id":9,"method":"ping","params":"x"}', INVALID_REQUEST, 9),
    (b'{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', INVALID_REQUEST, None),
    (b'{"jsonrpc":"2.0","id":1.5,"method":"ping"}', INVALID_REQUEST, None),
    (b'{"jsonrpc":"2.0","id":true,"method":"ping"}', INVALID_REQUEST, None),
    (b'{"jsonrpc":"2.0","id":null,"method":"ping"}', INVALID_REQUEST, None),
    (b'{"jsonrpc":"2.0","id":"\\ud800","method":"ping"}', INVALID_REQUEST, None),
    (b'{"jsonrpc":"1.0","method":"notifications/initialized"}', INVALID_REQUEST, None),
    (b'[{"jsonrpc":"2.0","id":10,"method":"ping"}]', INVALID_REQUEST, None),
    (b"[]", INVALID_REQUEST, None),
    (b"42", INVALID_REQUEST, None),
    (b'{"jsonrpc":"2.0","id":11,"method":"ping","params":[1]}', INVALID_PARAMS, 11),
    (b'{"jsonrpc":"2.0","id":12,"method":"tools/list","params":{"cursor":"\\udc00"}}', INVALID_PARAMS, 12),
    (b'{"jsonrpc":"2.0","id":13,"method":"ping","params":' + b"[" * 150 + b"]" * 150 + b"}", INVALID_PARAMS, 13),
    (b'{"jsonrpc":"2.0","id":18,"method":"ping","x":' + b"[" * 300 + b"]" * 300 + b"}", INVALID_REQUEST, 18),
    (b'{"jsonrpc":"2.0","id":19,"method":"ping","x":"\\ud800"}', INVALID_REQUEST, 19),
    (b'{"jsonrpc":"2.0","id":14,"method":"ping\\ud800"}', METHOD_NOT_FOUND, 14),
    (b"x" * (MAX_LINE_BYTES + 10), INVALID_REQUEST, None),
    (b'{"jsonrpc":"2.0","method":"notifications/whatever","params":[1]}', None, None),
    (b'{"jsonrpc":"2.0","method":"notifications/initialized","params":{"x":"\\ud800"}}', None, None),
    (b'{"jsonrpc":"2.0","id":17,"error":{"code":1,"message":"\\ud800"}}', None, None),
    (b"", None, None),
    (b" \t\r", None, None),
]
SDK_TABLE: list[tuple[bytes, int | None, object]] = [  # well-formed requests the SDK itself refuses
    (b'{"jsonrpc":"2.0","id":15,"method":"no/such/method"}', METHOD_NOT_FOUND, 15),
    (b'{"jsonrpc":"2.0","id":22,"method":"tools/call","params":{}}', INVALID_PARAMS, 22),
]
PASSED = [  # lines the SDK reads as they are (it answers the requests, and nothing else)
    b'{"jsonrpc":"2.0","id":16,"result":{}}',
    b'{"jsonrpc":"2.0","id":20,"method":"ping"}\r\n',
    b'{"jsonrpc":"2.0","id":"21","method":"tools/call","params":{"name":"search_papers","arguments":{"query":"x"}}}',
    b'{"jsonrpc":"2.0","method":"notifications/initialized"}',
    b'{"jsonrpc":"2.0","id":99999999999999999999999999999,"method":"ping","extra":1}',
]
SURROGATE_CALLS = [  # (tool, arguments holding a lone surrogate, what the tool error says)
    ("search_papers", {"query": f"cnn {SURROGATE}"}, "query: the query contains control or invalid characters"),
    ("answer_question", {"question": SURROGATE}, "question: the query contains control or invalid characters"),
    (
        "reading_path",
        {"from_id": SURROGATE},
        str(QueryError("from_id", f"from_id must be a paper id: {ID_RULE}, not {SURROGATE!r}")),
    ),
    ("search_papers", {"query": "cnn", "era": SURROGATE}, "era contains control or invalid characters"),
    (
        "search_papers",
        {"query": "cnn", SURROGATE: 1},
        "arguments: an argument's name contains control or invalid characters",
    ),
    ("get_paper", {"id": SURROGATE}, str(QueryError("id", f"{RULES['id']}, not {SURROGATE!r}"))),  # the id rule's words
]


def request(ident: object, tool: str, arguments: dict[str, Any]) -> bytes:
    """A ``tools/call`` line; lone surrogates are written as JSON's escapes (``ensure_ascii``)."""
    call = {"jsonrpc": "2.0", "id": ident, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    return json.dumps(call).encode()


@pytest.mark.parametrize(("line", "code", "ident"), TABLE, ids=[repr(line[:40]) for line, _, _ in TABLE])
def test_each_malformed_line_gets_the_error_json_rpc_names_for_it(line: bytes, code: int | None, ident: object) -> None:
    screened = screen(line, invalid_text)
    assert screened.text is None
    if code is None:
        assert screened.reply is None
    else:
        assert screened.reply is not None and screened.reply["id"] == ident
        assert screened.reply["error"]["code"] == code and screened.reply["error"]["message"]


@pytest.mark.parametrize("line", PASSED)
def test_a_well_formed_message_passes_to_the_sdk_as_it_came(line: bytes) -> None:
    screened = screen(line, invalid_text)
    assert screened.reply is None and screened.text == line.strip().decode()


@pytest.mark.parametrize(("tool", "arguments", "said"), SURROGATE_CALLS)
def test_a_lone_surrogate_in_an_argument_is_a_tool_error(tool: str, arguments: dict[str, Any], said: str) -> None:
    screened = screen(request(7, tool, arguments), invalid_text)
    assert screened.reply == {
        "jsonrpc": "2.0",
        "id": 7,
        "result": {"content": [{"type": "text", "text": said}], "isError": True},
    }


# ---- ten thousand lines, raw, to the real server ----------------------------------------------------------------


def expected(line: bytes) -> object:
    """JSON-RPC 2.0's answer to one line: an id (or None for ``"id": null``), or ``NOTHING`` for no answer at all."""
    body = line.strip(b" \t\r\n")
    if not body:
        return NOTHING
    try:
        message = json.loads(body.decode("utf-8"), parse_constant=not_json)
    except (ValueError, RecursionError):
        return None
    if not isinstance(message, dict) or len(body) > MAX_LINE_BYTES:
        return None
    if "method" not in message and ("result" in message or "error" in message):
        return NOTHING  # a response: never answered
    ident = message.get("id")
    readable = (isinstance(ident, int) and not isinstance(ident, bool)) or (
        isinstance(ident, str) and not any("\ud800" <= ch <= "\udfff" for ch in ident)
    )
    valid = (
        message.get("jsonrpc") == "2.0"
        and isinstance(message.get("method"), str)
        and ("id" not in message or readable)
        and isinstance(message.get("params", {}), dict | list)
    )
    if valid and "id" not in message:
        return NOTHING  # a notification: never answered
    return ident if readable else None


def not_json(constant: str) -> object:
    raise ValueError(f"{constant} is not JSON")  # NaN and Infinity, which Python's json reads


QUERIES = ["convolutional networks", "cnn 🫨", "attention", "who first trained deep nets", "cnn \ue000", "bayes"]
CALLS: list[tuple[str, dict[str, Any] | None]] = [
    ("ping", None),
    ("tools/list", {}),
    ("resources/list", {}),
    ("resources/templates/list", {}),
    ("resources/read", {"uri": f"paper://{LECUN}"}),
    ("tools/call", {"name": "list_eras", "arguments": {}}),
    ("tools/call", {"name": "get_paper", "arguments": {"id": LECUN}}),
    ("tools/call", {"name": "similar_papers", "arguments": {"id": LECUN, "k": 3}}),
    ("tools/call", {"name": "reading_path", "arguments": {"to_id": TRANSFORMER}}),
    ("tools/call", {"name": "search_papers", "arguments": {"query": "attention", "k": 2}}),
]
ODD_VALUES: list[object] = [
    None, 0, -1, 1.5, 10**40, 1e300, True, "", "x" * 600, "a\x01b", SURROGATE, f"ok{SURROGATE}", "🫨", "\ue000",
    [], [1, [2, [3]]], {}, {"a": SURROGATE}, {SURROGATE: 1}, "\u202e", "\x00",
]  # fmt: skip


def a_call(rng: random.Random, ident: object) -> dict[str, Any]:
    method, params = rng.choice(CALLS)
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": ident, "method": method}
    if params is not None:
        message["params"] = json.loads(json.dumps(params))
    if method == "tools/call" and params and params["name"] == "search_papers":
        message["params"]["arguments"]["query"] = rng.choice(QUERIES)
    return message


def mutated(rng: random.Random, n: int) -> bytes:
    """One fuzzed line, from a valid call with the unique id ``n`` (or ids made unique from it)."""
    message = a_call(rng, n if n % 2 else f"id-{n}")
    kind = rng.randrange(16)
    if kind == 0:
        return message_bytes(message)
    if kind == 1:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40))).replace(b"\n", b"")
    if kind == 2:
        text = message_bytes(message)
        return text[: rng.randrange(len(text))]
    if kind == 3:
        text = message_bytes(message)
        at = rng.randrange(len(text))
        return text[:at] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"]) + text[at:]
    if kind == 4:
        return set_field(message, "jsonrpc", rng.choice([NOTHING, "1.0", 2.0, None, "2", "2.0 "]))
    if kind == 5:
        odd = [NOTHING, None, 1.5, 1.0, True, {}, [n], 10**40 + n, -n, f"{n}{SURROGATE}", f"{n}-" + "x" * 900]
        return set_field(message, "id", rng.choice(odd))
    if kind == 6:
        return set_field(message, "method", rng.choice([NOTHING, 5, None, ["ping"], f"no/{n}", "", f"ping{SURROGATE}"]))
    if kind == 7:
        if rng.random() < 0.3:  # nested 5, 150 or 1,200 deep, written out (json.dumps stops before 1,000)
            deep = rng.choice([5, 150, 1200])
            return set_field(message, "params", "DEEP").replace(b'"DEEP"', b"[" * deep + b"{}" + b"]" * deep)
        return set_field(message, "params", rng.choice([NOTHING, None, 5, "x", [1], [], {}]))
    if kind == 8:
        arguments = message.get("params", {}).get("arguments") if isinstance(message.get("params"), dict) else None
        if isinstance(arguments, dict):
            arguments[rng.choice(["query", "k", "id", "mode", "era", "year_from", "to_id", "zzz"])] = rng.choice(
                ODD_VALUES
            )
        return message_bytes(message)
    if kind == 9:
        message.pop("id")
        return message_bytes(message)  # a notification
    if kind == 10:
        reply = rng.choice(
            [{"result": {}}, {"error": {"code": 1, "message": "x"}}, {"result": 5}, {"error": SURROGATE}]
        )
        return message_bytes({"jsonrpc": "2.0", "id": message["id"], **reply})
    if kind == 11:
        return message_bytes(rng.choice([[message], [], [message, message], 5, "x", None, True]))
    if kind == 12:
        return rng.choice([b"", b"   ", b"\t", message_bytes(message) + b"\r", b"  " + message_bytes(message)])
    if kind == 13:
        return message_bytes(message)[:-1] + b',"id":' + json.dumps(f"dup-{n}").encode() + b"}"
    if kind == 14:
        return b"\xef\xbb\xbf" + message_bytes(message)
    return set_field(message, rng.choice(["params", "result", "error", "extra"]), rng.choice(ODD_VALUES))


def message_bytes(value: object) -> bytes:
    return json.dumps(value).encode()  # ensure_ascii: a lone surrogate is written as its escape


def set_field(message: dict[str, Any], name: str, value: object) -> bytes:
    changed = {k: v for k, v in message.items() if k != name}
    if value is not NOTHING:
        changed[name] = value
    return message_bytes(changed)


class RawServer:
    """``papersearch mcp`` fed raw lines from a thread, its replies collected by another."""

    def __init__(self, index: Path, errlog: Path) -> None:
        self.process = subprocess.Popen(
            [str(PAPERSEARCH), "mcp", "--index", str(index)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errlog.open("w"),
            env=server_env(),
            cwd=ROOT,
        )
        self.replies: list[dict[str, Any]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.replies.append(json.loads(line))

    def send(self, lines: list[bytes]) -> None:
        assert self.process.stdin is not None
        for line in lines:
            self.process.stdin.write(line + b"\n")
        self.process.stdin.flush()

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.replies) < count and time.monotonic() < deadline and self.process.poll() is None:
            time.sleep(0.05)
        time.sleep(0.5)  # a reply too many would arrive now

    def call(self, line: bytes, ident: object) -> dict[str, Any]:
        """One request's reply, sent after everything else."""
        before = len(self.replies)
        self.send([line])
        self.wait_for(before + 1, 60)
        return next(r for r in self.replies[before:] if r.get("id") == ident)


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_ten_thousand_raw_lines_each_get_the_answer_json_rpc_prescribes(
    index_dir: Path, searcher: Searcher, tmp_path: Path
) -> None:
    rng = random.Random(28)
    server = RawServer(index_dir, tmp_path / "stderr.log")
    init = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "fuzz", "version": "1"}}
    hello = server.call(message_bytes({"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": init}), "init")
    assert hello["result"]["serverInfo"]["name"] == "papersearch"
    server.send([b'{"jsonrpc":"2.0","method":"notifications/initialized"}'])

    table = [line for line, _, _ in TABLE + SDK_TABLE]
    surrogates = [request(f"s{i}", tool, arguments) for i, (tool, arguments, _) in enumerate(SURROGATE_CALLS)]
    lines = table + surrogates + [mutated(rng, n) for n in range(1000, 11_000)]
    wanted = [expected(line) for line in lines]
    before, started = len(server.replies), time.monotonic()
    server.send(lines)
    server.wait_for(before + sum(w is not NOTHING for w in wanted), 180)
    took = time.monotonic() - started

    got = Counter(json.dumps(r.get("id")) for r in server.replies if r.get("id") != "init")
    want = Counter(json.dumps(w) for w in wanted if w is not NOTHING)
    assert len(lines) >= 10_000
    assert got == want, f"unanswered {want - got}, unexpected {got - want}"
    assert all(("result" in r) != ("error" in r) and r["jsonrpc"] == "2.0" for r in server.replies)
    by_id = {json.dumps(r["id"]): r for r in server.replies if r["id"] is not None}
    for line, code, ident in TABLE + SDK_TABLE:
        if code is not None and ident is not None:
            assert by_id[json.dumps(ident)]["error"]["code"] == code, line
    for i, (_, _, said) in enumerate(SURROGATE_CALLS):
        assert by_id[json.dumps(f"s{i}")]["result"] == {"content": [{"type": "text", "text": said}], "isError": True}
    emoji = [r for r in server.replies if "cnn 🫨" in json.dumps(r.get("result", {}), ensure_ascii=False)]
    assert emoji and all(not r["result"].get("isError") for r in emoji)  # a Unicode 15 emoji is text

    alive = server.call(request("after", "search_papers", {"query": "attention", "k": 1}), "after")
    assert alive["result"]["structuredContent"]["results"] and not alive["result"].get("isError")
    assert server.process.poll() is None
    server.process.stdin.close()  # type: ignore[union-attr]
    assert server.process.wait(timeout=30) == 0
    print(f"{len(lines)} lines answered in {took:.1f} s")  # a figure to read; wait_for's limit is the hang guard

    app = create_app(Settings(corpus=CORPUS, index=index_dir, model=MODEL), searcher, reload_interval=0)
    with TestClient(app) as client:  # a query the HTTP API refuses for its characters, in the same words
        http = client.get("/search", params={"q": "cnn \x01"}).json()["error"]["message"]
    assert http == "q" + SURROGATE_CALLS[0][2].removeprefix("query")  # the tool names its argument, query


# ---- the SDK's own client --------------------------------------------------------------------------------------

GOOD, BAD = 0, 1
SDK_ARGUMENTS: dict[str, tuple[list[object], list[object]]] = {  # (values a tool takes, values it refuses); no lone
    # surrogate among them: the SDK client's own writer cannot send one
    "query": (["attention", "cnn 🫨", "cnn \ue000", '{"a": 1}'], ["", "a\x01b", "x" * 600, 5, ["cnn"], None]),
    "question": (["how were deep nets first trained?", "🫨"], ["", 3]),
    "k": ([1, 3, 100, "2"], [0, 101, "many", 1.5, [3], True, 10**30]),
    "mode": (["hybrid", "dense", "lexical"], ["fuzzy", 1]),
    "era": ([None, "deep learning explosion"], ["no such era", 5, "x" * 300]),
    "year_from": ([None, 1990, "1990"], [1700, "soon"]),
    "year_to": ([None, 2005], [3000]),
    "id": ([LECUN], ["no-such-paper", "", "x" * 300, 7, ["x"]]),
    "from_id": ([None, LECUN], ["", "x" * 300]),
    "to_id": ([None, TRANSFORMER], ["no-such-paper"]),
    "direction": (["before", "after"], ["sideways"]),
    "ids": (
        [[LECUN], f"{LECUN},{TRANSFORMER}", [TRANSFORMER, LECUN, TRANSFORMER]],
        ["", [], ["no-such-paper"], 7, [LECUN] * 101],
    ),
    "format": (["bibtex", "csl-json", "ris", "text"], ["endnote", 3]),
    "style": (["harvard", "short"], ["apa"]),
    "neighbours": (["ids", "full"], ["titles", 3]),
    "detail": (["brief", "full"], ["all", 1]),
    "side": (["cites", "cited_by"], ["up", 1]),
    "offset": ([0, 2, "1", 10**9], [-1, "first", 1.5, 10**9 + 1]),
    "limit": ([1, 100, "3"], [0, 101, "all"]),
}
SDK_TOOLS = {  # tool -> (its arguments, those it requires)
    "search_papers": (["query", "k", "mode", "era", "year_from", "year_to", "neighbours", "detail"], ["query"]),
    "answer_question": (["question", "k"], ["question"]),
    "get_paper": (["id"], ["id"]),
    "similar_papers": (["id", "k"], ["id"]),
    "paper_neighbours": (["id", "side", "offset", "limit"], ["id"]),
    "reading_path": (["from_id", "to_id", "direction", "k"], []),
    "list_eras": ([], []),
    "cite_papers": (["ids", "format", "style"], ["ids"]),
    "no_such_tool": (["query"], []),
}


def sdk_call(rng: random.Random) -> tuple[str, dict[str, object], bool]:
    """A random tool call and whether it must fail: a refused value, a required argument left out, no such tool."""
    tool = rng.choice(list(SDK_TOOLS))
    names, required = SDK_TOOLS[tool]
    arguments, fails = {}, tool == "no_such_tool"
    for name in names:
        if rng.random() < 0.3:
            fails |= name in required
            continue
        kind = GOOD if rng.random() < 0.6 else BAD
        arguments[name] = rng.choice(SDK_ARGUMENTS[name][kind])
        fails |= kind == BAD
    if tool == "cite_papers" and "style" in arguments:
        fails |= arguments.get("format", "bibtex") != "text"  # a style is for text alone: refused with another
    if tool == "reading_path":
        ends = [arguments.get("from_id"), arguments.get("to_id")]
        fails |= ends == [None, None]  # a path needs one paper at least; direction and k are checked even for a chain
        if ends.count(None) == 1 and arguments.get("direction") is not None:  # one end says the direction
            fails |= arguments["direction"] != ("before" if ends[0] is None else "after")
    return tool, arguments, fails


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_random_calls_through_the_sdk_client_are_each_answered(index_dir: Path, tmp_path: Path) -> None:
    rng = random.Random(15)
    calls = [sdk_call(rng) for _ in range(600)]

    async def run() -> list[CallToolResult]:
        answers = []
        async with stdio_session(index_dir, tmp_path / "stderr.log") as session:
            for tool, arguments, _ in calls:
                with anyio.fail_after(30):
                    answers.append(await session.call_tool(tool, arguments))
                    if len(answers) % 50 == 0:
                        await session.send_ping()
        return answers

    answers = anyio.run(run)
    assert len(answers) == len(calls)
    assert sum(fails for _, _, fails in calls) > 100 and sum(not fails for _, _, fails in calls) > 100
    for (tool, arguments, fails), result in zip(calls, answers, strict=True):
        assert result.is_error is fails, (tool, arguments, result.content)
        assert text_of(result), (tool, arguments)
        if not fails and tool == "search_papers":
            assert result.structured_content is not None and "results" in result.structured_content
