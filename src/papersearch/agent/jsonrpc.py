"""JSON-RPC 2.0 to the letter, one line of the stdio transport at a time (pure: bytes in, a verdict out).

The MCP SDK's stdio transport reads each line as one of its own message types and silently drops
a line it cannot read, so a client whose request is garbage, not UTF-8, of another ``jsonrpc``
version, with an id of the wrong type or holding a lone surrogate (which the SDK's JSON parser
refuses, and its writer could not echo) waits forever. ``screen`` reads each line first and either
passes it on, a message the SDK reads as what it is, or answers it as the specification asks:

- not UTF-8, not JSON (``NaN`` included), nested too deep to read: ``-32700`` parse error, id null;
- JSON that is no valid request (not an object, a batch: MCP has none since 2025-06-18, no or
  another ``jsonrpc``, a method that is not text, params that are not structured, an id that is
  neither text nor an integer) or that the SDK cannot read (a member other than params holding a
  lone surrogate or nested deeper than ``MAX_DEPTH``): ``-32600`` invalid request, with the id
  when it can be read;
- params that are an array (MCP's methods take named ones), hold a lone surrogate or nest deeper
  than ``MAX_DEPTH``: ``-32602`` invalid params; a lone surrogate in a method's name: ``-32601``;
- a lone surrogate in a ``tools/call``'s arguments: the tool error the arguments' check gives
  (``errors.invalid_text``), in the HTTP API's words.

A well-formed notification is never answered, whatever it holds; a response to the server (a
message with ``result`` or ``error`` and no ``method``) neither: it passes on when it holds no
surrogate, and is dropped otherwise. An id that cannot be read is answered as ``null``, which is
what JSON-RPC prescribes; an id the SDK's types cannot hold (a fraction, a boolean, text with a lone
surrogate) is such an id. A blank line is no message and gets no answer; a line over
``MAX_LINE_BYTES`` is refused unread (``-32600``, id null).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602
MAX_LINE_BYTES = 1 << 20  # a longer line is refused unread: tool arguments are a few hundred characters
MAX_DEPTH = 100  # nesting the SDK's JSON parser reads (it stops at 200), and more than any MCP message needs
JSON_SPACE = b" \t\r\n"
SURROGATE = re.compile("[\ud800-\udfff]")
Reply = dict[str, Any]


@dataclass(frozen=True)
class Screened:
    """What to do with one line: pass ``text`` on to the SDK, send ``reply`` instead, or neither (no answer)."""

    text: str | None = None
    reply: Reply | None = None


class InvalidMessageError(Exception):
    """A message answered with a JSON-RPC error instead of being passed on."""

    def __init__(self, code: int, message: str, ident: int | str | None = None) -> None:
        super().__init__(message)
        self.code, self.ident = code, ident


def error_reply(ident: int | str | None, code: int, message: str) -> Reply:
    """A JSON-RPC error response."""
    return {"jsonrpc": "2.0", "id": ident, "error": {"code": code, "message": message}}


def screen(line: bytes, invalid_arguments: Callable[[object], str | None]) -> Screened:
    """The verdict on one line of input (its newline included or not).

    ``invalid_arguments`` says, for a ``tools/call``'s arguments that hold a lone surrogate, the
    tool error to answer with (or None to answer ``-32602``).
    """
    body = line.strip(JSON_SPACE)
    if not body:
        return Screened()
    if len(body) > MAX_LINE_BYTES:
        return Screened(reply=too_long())
    try:
        return _screen(body, invalid_arguments)
    except InvalidMessageError as refused:
        return Screened(reply=error_reply(refused.ident, refused.code, str(refused)))


def too_long() -> Reply:
    """The answer to a line over ``MAX_LINE_BYTES``, which is not read (so its id is not known)."""
    return error_reply(None, INVALID_REQUEST, f"Invalid Request: a message is at most {MAX_LINE_BYTES} bytes")


def _screen(body: bytes, invalid_arguments: Callable[[object], str | None]) -> Screened:
    message = parse(body)
    if isinstance(message, list):
        raise InvalidMessageError(
            INVALID_REQUEST, "Invalid Request: batches (JSON arrays) are not supported; send one message a line"
        )
    if not isinstance(message, dict):
        raise InvalidMessageError(INVALID_REQUEST, "Invalid Request: a message must be a JSON object")
    if "method" not in message and ("result" in message or "error" in message):
        return Screened() if holds_surrogate(message) else Screened(text=body.decode())  # a response: never answered
    ident = readable_id(message)
    check_envelope(message, ident)
    try:
        answer = check_content(message, ident, invalid_arguments)
    except InvalidMessageError:
        if "id" not in message:  # a notification: never answered
            return Screened()
        raise
    if answer is not None:
        return Screened(reply=answer) if "id" in message else Screened()
    return Screened(text=body.decode())


def parse(body: bytes) -> object:
    """The JSON value of a line; a parse error (id null) when it is not UTF-8 or not strict JSON."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidMessageError(
            PARSE_ERROR, f"Parse error: the line is not UTF-8 (invalid byte at offset {exc.start})"
        ) from None
    try:
        return json.loads(text, parse_constant=_not_json)
    except RecursionError:
        raise InvalidMessageError(PARSE_ERROR, "Parse error: the message nests too deep to read") from None
    except ValueError as exc:  # JSONDecodeError, NaN and Infinity, an integer too long to read
        raise InvalidMessageError(PARSE_ERROR, f"Parse error: {str(exc).splitlines()[0][:120]}") from None


def _not_json(constant: str) -> object:
    raise ValueError(f"{constant} is not JSON")


def readable_id(message: dict[str, Any]) -> int | str | None:
    """The message's id if it is one MCP allows and can be echoed (an integer, or text without a lone surrogate)."""
    ident = message.get("id")
    if isinstance(ident, int) and not isinstance(ident, bool):
        return ident
    if isinstance(ident, str) and not holds_surrogate(ident):
        return ident
    return None


def check_envelope(message: dict[str, Any], ident: int | str | None) -> None:
    """What makes a JSON object a request or a notification: ``jsonrpc`` "2.0", a method, an id, structured params."""
    if message.get("jsonrpc") != "2.0":
        raise InvalidMessageError(INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be "2.0"', ident)
    if "method" not in message:
        raise InvalidMessageError(
            INVALID_REQUEST,
            "Invalid Request: a message needs a method (or, as a response, a result or an error)",
            ident,
        )
    if not isinstance(message["method"], str):
        raise InvalidMessageError(INVALID_REQUEST, "Invalid Request: the method must be a string", ident)
    if "id" in message and ident is None:
        raise InvalidMessageError(
            INVALID_REQUEST, "Invalid Request: the id must be an integer or a string of characters (no lone surrogate)"
        )
    if not isinstance(message.get("params", {}), dict | list):
        raise InvalidMessageError(INVALID_REQUEST, "Invalid Request: params must be an object", ident)


def check_content(
    message: dict[str, Any], ident: int | str | None, invalid_arguments: Callable[[object], str | None]
) -> Reply | None:
    """A well-formed request's method and params, as far as the SDK can read them; a tool error's reply, or None."""
    params = message.get("params", {})
    if isinstance(params, list):
        raise InvalidMessageError(
            INVALID_PARAMS, "Invalid params: params must be an object (MCP's methods take named parameters)", ident
        )
    if depth(params) > MAX_DEPTH:
        raise InvalidMessageError(INVALID_PARAMS, f"Invalid params: params nest deeper than {MAX_DEPTH} levels", ident)
    if depth(message) > MAX_DEPTH:
        raise InvalidMessageError(
            INVALID_REQUEST, f"Invalid Request: a member nests deeper than {MAX_DEPTH} levels", ident
        )
    if holds_surrogate(message["method"]):
        raise InvalidMessageError(METHOD_NOT_FOUND, "Method not found: its name holds a lone surrogate", ident)
    if holds_surrogate({k: v for k, v in message.items() if k != "params"}):
        raise InvalidMessageError(
            INVALID_REQUEST, "Invalid Request: a member holds a lone surrogate, which is not a character", ident
        )
    if not holds_surrogate(params):
        return None
    arguments = params.get("arguments")
    rest = {k: v for k, v in params.items() if k != "arguments"}
    text = invalid_arguments(arguments) if message["method"] == "tools/call" and not holds_surrogate(rest) else None
    if text is None:
        raise InvalidMessageError(
            INVALID_PARAMS, "Invalid params: a text holds a lone surrogate, which is not a character", ident
        )
    result = {"content": [{"type": "text", "text": text}], "isError": True}
    return {"jsonrpc": "2.0", "id": ident, "result": result}


def holds_surrogate(value: object) -> bool:
    """Whether any text in ``value`` (keys included) holds a lone surrogate: JSON's ``\\ud800`` escapes decode to them."""
    return any(SURROGATE.search(text) for text in _texts(value))


def depth(value: object) -> int:
    """How deep arrays and objects nest in ``value`` (a scalar is 0)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _texts(value: object) -> Iterator[str]:
    """Every text in ``value``, object keys included, without recursion (a line may nest a thousand deep)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            yield from node.keys()
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
