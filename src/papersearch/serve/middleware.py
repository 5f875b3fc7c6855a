"""What every request passes through first: a cap on body size, UTF-8 query strings, security headers."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core.params import RULES
from .errors import error_response

MAX_BODY_BYTES = 64 * 1024
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
NO_CSP_PATHS = ("/docs",)  # Swagger UI's page starts itself with an inline script (its files are served here)


def non_utf8_parameter(query_string: bytes) -> str | None:
    """The name of the first query parameter whose percent-decoded name or value is not UTF-8, if any.

    The framework would decode such bytes to U+FFFD and search for that; refusing says what went wrong.
    """
    for pair in query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8")
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return unquote_to_bytes(name).decode("utf-8", errors="replace")[:40]
    return None


class GuardMiddleware:
    """Refuse request bodies over ``limit`` bytes and query strings that are not UTF-8; add security headers."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        strict = not scope["path"].startswith(NO_CSP_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                if strict:
                    headers += [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY")]
                message["headers"] = headers
            await send(message)

        def too_big() -> JSONResponse:  # built only when needed: this runs on every request
            return error_response(413, f"the request body is larger than {self.limit} bytes; this API takes none")

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
