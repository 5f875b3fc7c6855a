"""What every request passes through first: limits on its head and body, UTF-8 query strings, HEAD, security headers.

The limits on the request line and headers are enforced twice: by ``run.HeadLimitedProtocol`` while
uvicorn parses them (so that a 64 MB header is refused after 16 KB, not held in memory), and here,
for any other server the app runs under. Both answer with the one error body.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from http import HTTPStatus
from urllib.parse import unquote_to_bytes

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core.params import RULES
from .errors import error_document, error_response

MAX_BODY_BYTES = 64 * 1024
MAX_TARGET_BYTES = 16 * 1024  # the path and query of the request line (a 500-character query is at most 6 KB)
MAX_HEADER_BYTES = 16 * 1024  # every header line together, as ``header_bytes`` counts them
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
NO_CSP_PATHS = ("/docs",)  # Swagger UI's page starts itself with an inline script (its files are served here)
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
STRICT_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY")]
TARGET_TOO_LONG = f"the request's path and query are longer than {MAX_TARGET_BYTES} bytes; shorten the query"
HEADERS_TOO_LARGE = f"the request's headers are larger than {MAX_HEADER_BYTES} bytes in all; send fewer or shorter ones"


def header_bytes(name: bytes, value: bytes) -> int:
    """What one header line counts towards ``MAX_HEADER_BYTES``: ``name: value`` and its line end."""
    return len(name) + len(value) + 4


def raw_error_response(status: int, message: str, extra: Iterable[tuple[bytes, bytes]] = ()) -> bytes:
    """The one error body as a whole HTTP/1.1 response that closes the connection, for the protocol layer."""
    body = json.dumps(error_document(status, message), ensure_ascii=False, separators=(",", ":")).encode()
    headers = [
        *extra,
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *SECURITY_HEADERS,
        *STRICT_HEADERS,
    ]
    head = f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n".encode()
    return head + b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n" + body


def non_utf8_parameter(query_string: bytes) -> str | None:
    """The name of the first query parameter whose percent-decoded name or value is not UTF-8, if any.

    The framework would decode such bytes to U+FFFD and search for that; refusing says what went wrong.
    The whole string is tried first, in one go: the separators are ASCII, which no multi-byte character
    holds, so it is UTF-8 once decoded exactly when every name and value is, and nearly every query is.
    """
    try:
        unquote_to_bytes(query_string.replace(b"+", b" ")).decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    for pair in query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8")
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return unquote_to_bytes(name).decode("utf-8", errors="replace")[:40]
    return None


def head_refusal(scope: Scope) -> tuple[int, str] | None:
    """(414 or 431, why) when the request line or headers pass their limits; None for nearly every request."""
    if len(scope.get("raw_path") or b"") + len(scope.get("query_string", b"")) > MAX_TARGET_BYTES:
        return 414, TARGET_TOO_LONG
    if sum(header_bytes(name, value) for name, value in scope["headers"]) > MAX_HEADER_BYTES:
        return 431, HEADERS_TOO_LARGE
    return None


class GuardMiddleware:
    """Refuse oversized heads, bodies over ``limit`` bytes and query strings that are not UTF-8; answer HEAD
    as GET without a body; add security headers."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        strict = not scope["path"].startswith(NO_CSP_PATHS)
        is_head = scope["method"] == "HEAD"
        if is_head:  # every GET endpoint answers HEAD: the same status and headers, no body
            scope = dict(scope, method="GET")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += SECURITY_HEADERS
                if strict:
                    headers += STRICT_HEADERS
                message["headers"] = headers
            elif is_head and message.get("body"):
                message = dict(message, body=b"")
            await send(message)

        def too_big() -> JSONResponse:  # built only when needed: this runs on every request
            return error_response(413, f"the request body is larger than {self.limit} bytes; this API takes none")

        refusal = head_refusal(scope)
        if refusal is not None:
            await error_response(*refusal)(scope, receive, send_with_headers)
            return
        bad = non_utf8_parameter(scope.get("query_string", b""))
        if bad is not None:
            text = f"the query parameter {bad!r} is not valid UTF-8 once percent-decoded; encode text as UTF-8"
            await error_response(422, text, bad if bad in RULES else None)(scope, receive, send_with_headers)
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
