"""The MCP face of the error tree: a failed tool call comes back as a tool error in the HTTP API's words.

A ``PapersearchError`` raised under a tool becomes an ``is_error`` result whose text is the core's
message, the same the HTTP API's error body carries for the same input. Messages that quote no
client input (not ``quotes_input``: a missing or damaged index) pass through ``public`` first: the
service writes its paths relative to the index folder there, as its HTTP errors do. Arguments the SDK refuses before
a tool runs (one missing, or not text where text is needed) are said in the same words and style,
and so are ids that break the paper-id rule (``check_ids``) and text holding a lone surrogate,
which the stdio transport's screen answers before the SDK, which cannot read it, sees the call
(``invalid_text``).
A message names the tool's own argument where the HTTP API's parameter is named otherwise
(``query`` and ``question`` for ``q``, ``from_id`` and ``to_id`` for ``from``, ``to`` and a path's ``id``:
``as_argument``), and an argument a tool does not take is refused by name (``unknown_argument``).
Anything else is a crash, left to the SDK: a generic message to the client, the traceback in the log.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from pydantic import ValidationError

from ..core.errors import PapersearchError, QueryError
from ..core.params import INVALID_CHARACTERS, RULES, check_id, check_query, not_taken, renamed
from .jsonrpc import holds_surrogate

REQUIRED = {  # what a required argument takes, said when it is missing
    "query": RULES["q"],
    "id": "the id of a paper of the list, like 1989-lecun-cnn; search_papers and list_eras give them",
    "ids": RULES["ids"],
}
ID_NOT_TEXT = "the id must be text, like 1989-lecun-cnn"
ID_ARGUMENTS = {"id": "id", "from_id": "from", "to_id": "to"}  # a tool's id argument -> the HTTP API's parameter
QUERY_ARGUMENTS = ("query", "question")


ARGUMENTS_OF = {  # tool -> the HTTP API's parameter -> the tool's argument, where their names differ
    "search_papers": {"q": "query"},
    "answer_question": {"q": "question"},
    "reading_path": {"from": "from_id", "to": "to_id"},
}


def error_text(
    exc: BaseException | None, tool: str, arguments: Mapping[str, Any], public: Callable[[str], str]
) -> str | None:
    """The tool error's text for what a tool raised (``exc``, the SDK error's cause); None for a crash."""
    if isinstance(exc, PapersearchError):
        message = str(exc)
        return as_argument(message, exc.param, tool, arguments) if exc.quotes_input else public(message)
    if isinstance(exc, ValidationError):
        return argument_text(exc, arguments)
    return None


def as_argument(message: str, param: str | None, tool: str, arguments: Mapping[str, Any]) -> str:
    """``message``, which names the HTTP API's ``param`` first, naming ``tool``'s own argument instead."""
    if param is None:
        return message
    if tool == "reading_path" and param == "id":  # a path's one paper: GET /papers/{id}/path
        name = "from_id" if arguments.get("from_id") is not None else "to_id"
    else:
        name = ARGUMENTS_OF.get(tool, {}).get(param, param)
    return renamed(message, param, name)


def unknown_argument(tool: str, arguments: Mapping[str, Any], takes: Collection[str]) -> str | None:
    """The tool error for the first argument ``tool`` does not take (it would be ignored); None when there is none."""
    unknown = next((name for name in arguments if name not in takes), None)
    if unknown is None:
        return None
    return str(not_taken(unknown, tool, takes, "argument"))


def argument_text(error: ValidationError, arguments: Mapping[str, Any]) -> str:
    """What was wrong with the arguments the SDK refused, in the core's words where it has them."""
    first = error.errors()[0]
    name = ".".join(str(part) for part in first["loc"]) or "arguments"
    if first["type"] == "missing":
        return str(QueryError(name, f"{name} is required: {REQUIRED.get(name, 'see the input schema')}"))
    if name in QUERY_ARGUMENTS:  # typed as text so that the SDK leaves a query that looks like JSON alone
        try:
            check_query(arguments.get(name))
        except QueryError as exc:
            return renamed(str(exc), "q", name)
    if name == "id":
        return str(QueryError("id", ID_NOT_TEXT))
    return str(QueryError(name, str(first["msg"])))


def check_ids(arguments: Mapping[str, Any]) -> None:
    """QueryError, in the HTTP API's words for its parameter, for an id argument that breaks the paper-id rule."""
    for name in ID_ARGUMENTS:
        value = arguments.get(name)
        if isinstance(value, str):  # any other type is the SDK's to refuse (ID_NOT_TEXT)
            check_id(id_parameter(name, arguments), value)


def id_parameter(name: str, arguments: Mapping[str, Any]) -> str:
    """The HTTP API's parameter for a tool's id argument: a path's one paper is the ``id`` of ``/papers/{id}/path``."""
    if ("from_id" in arguments) != ("to_id" in arguments):
        return "id"
    return ID_ARGUMENTS[name]


def invalid_text(arguments: object) -> str | None:
    """The tool error for arguments that hold a lone surrogate, which is no character; None when they hold none.

    A query or question is refused by the query check, in the HTTP API's words for ``q``; an id by the
    paper-id rule; any other argument as holding characters no face takes, under its own name.
    """
    if not isinstance(arguments, Mapping):
        return None
    for name, value in arguments.items():
        if holds_surrogate(name):
            return str(QueryError("arguments", f"an argument's name {INVALID_CHARACTERS}"))
        if not holds_surrogate(value):
            continue
        try:
            if name in QUERY_ARGUMENTS:
                check_query(value)
            if name in ID_ARGUMENTS and isinstance(value, str):
                check_id(id_parameter(name, arguments), value)
        except QueryError as exc:
            return renamed(str(exc), exc.param or name, name)
        return str(QueryError(name, f"{name} {INVALID_CHARACTERS}"))
    return None
