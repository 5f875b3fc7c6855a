"""The HTTP face of the error tree: each ``PapersearchError`` and framework error leaves as one JSON body.

``{"error": {status, type, message, param}}``. This module alone knows which status each error
class means; the message is the core's own words, the same the CLI prints, except that paths of
the server's machine are written relative to the index or corpus folder (``public_text``): the
command line shows where a file is, a client of the service learns nothing about the machine.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..core.errors import (
    CorpusError,
    EncoderError,
    IndexStateError,
    InputFileError,
    NotFoundError,
    PapersearchError,
    QueryError,
    SettingsError,
)
from ..core.params import RULES, shown
from ..core.settings import Settings

log = logging.getLogger("papersearch.api")
STATUS: dict[type[PapersearchError], int] = {  # most specific first
    QueryError: 422,
    NotFoundError: 404,
    IndexStateError: 503,
    CorpusError: 503,
    SettingsError: 500,  # a misconfigured server is never the client's mistake
    EncoderError: 503,
    InputFileError: 400,
}
HTTP_TYPES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    414: "uri_too_long",
    422: "invalid_parameter",
    431: "headers_too_large",
    500: "internal_error",
    503: "index_unavailable",
}


def status_of(exc: PapersearchError) -> int:
    return next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)


# an absolute POSIX path not inside a word, a relative path or a URL ("https://host/x" keeps its "/x")
ABSOLUTE_PATH = re.compile(r"(?<![\w.~:/-])/[^\s'\"`()\[\]{},;:]*")
PATH_END = r"(?![^/\s'\"`()\[\]{},;:])"  # a folder's name ends here, not inside a longer name


def error_document(status: int, message: str, param: str | None = None) -> dict[str, Any]:
    """The one error body: ``{"error": {status, type, message, param}}``."""
    return {
        "error": {"status": status, "type": HTTP_TYPES.get(status, "http_error"), "message": message, "param": param}
    }


def error_response(
    status: int, message: str, param: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_document(status, message, param), status_code=status, headers=headers)


def public_folders(settings: Settings) -> dict[str, Path]:
    """The folders whose paths a client may see, by the name it sees: ``index/...``, ``corpus/...``."""
    folders = {"index": settings.index, "corpus": settings.corpus}
    if settings.model.startswith("/"):  # a model given as a folder rather than a name
        folders["model"] = Path(settings.model)
    return folders


def public_text(text: str, folders: Mapping[str, Path]) -> str:
    """``text`` without an absolute path of this machine, for a status or error body.

    A path in one of ``folders`` is written from that folder's public name (``index/versions/v1/vectors.npy``,
    ``corpus/papers/x.md``); any other absolute path is cut to its last part (``/usr/lib/x.so`` → ``x.so``).
    """
    spelled = {(str(path), name) for name, path in folders.items()}
    spelled |= {(str(path.resolve()), name) for name, path in folders.items()}
    for path, name in sorted(spelled, key=lambda p: -len(p[0])):  # the deepest folder first
        if path != "/":
            text = re.sub(re.escape(path) + PATH_END, name, text)
    return ABSOLUTE_PATH.sub(lambda m: m.group().rstrip("/").rpartition("/")[2] or "(a folder)", text)


def validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    """What the framework found wrong with a parameter or header, in the core's words where it has them."""
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(x) for x in first.get("loc", ())]
    param = loc[-1] if len(loc) >= 2 else None
    if param is None:
        return str(first.get("msg", "invalid request")), None
    rule = RULES.get(param, f"{param} is invalid ({first.get('msg', '')})")
    if first.get("type") == "missing":
        return str(QueryError(param, f"{param} is required: {rule}")), param
    return str(QueryError(param, f"{rule}, not {shown(first.get('input'))}")), param


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as the one JSON body; nothing a client sends should reach the 500 handler."""

    async def on_papersearch(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, PapersearchError)
        status = status_of(exc)
        if status >= 500:
            log.warning("%s %s: %s", request.method, request.url.path, exc)  # the log keeps the full paths
        message = str(exc)
        if not exc.quotes_input:  # a message that quotes no client input may name this machine's files
            message = public_text(message, public_folders(request.app.state.settings))
        return error_response(status, message, exc.param)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        message, param = validation_message(exc)
        return error_response(422, message, param)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        messages = {
            404: f"no such page or endpoint: {request.url.path[:200]}; see /docs for the API",
            405: f"{request.method} is not allowed on {request.url.path[:200]}",
        }
        message = str(exc.detail)
        if message == HTTPStatus(exc.status_code).phrase:  # raised by the framework, not by this package
            message = messages.get(exc.status_code, message)
        return error_response(exc.status_code, message, None, dict(exc.headers or {}))

    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal error; it has been logged — please report it")

    app.add_exception_handler(PapersearchError, on_papersearch)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)
