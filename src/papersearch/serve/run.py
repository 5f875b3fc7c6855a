"""Run the service: check its address, load the index, say where it listens (and warn off loopback), hand over to uvicorn.

uvicorn parses requests with httptools, which has no limit of its own on a request's head: a
64 MB header was read, copied and held whole (and the server grew by ~120 MB) before the app saw
it. ``HeadLimitedProtocol`` counts the request line and headers while they are parsed and refuses
them at ``middleware.MAX_TARGET_BYTES`` / ``MAX_HEADER_BYTES`` with the one JSON error body; a
request that is not HTTP at all gets that body too (400), instead of uvicorn's line of plain text.

Nor does uvicorn bound the time a head takes: its keep-alive timeout ends at a connection's first
byte and never starts on a new one, so a connection that sends nothing, or a header a byte every
few seconds, stayed open for ever, and enough of them used up the process's file descriptors. The
protocol gives each head ``Settings.header_timeout`` seconds from the connection's start or the
last answer on it, and holds at most ``Settings.max_idle_connections`` connections waiting for one:
a new one beyond closes the one that has waited longest, so a client that sends its request is
served however many idle ones there are.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import ipaddress
import os
import resource
import socket
import sys
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

import httptools
import uvicorn
from httptools import HttpParserCallbackError as CallbackError
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.server import ServerState

from ..core.errors import PapersearchError
from ..core.settings import HEADER_TIMEOUT, MAX_IDLE_CONNECTIONS, Settings
from ..query.searcher import Searcher
from .access_log import log_config
from .app import create_app
from .middleware import (
    HEADERS_TOO_LARGE,
    MAX_HEADER_BYTES,
    MAX_TARGET_BYTES,
    TARGET_TOO_LONG,
    header_bytes,
    raw_error_response,
)
from .writes import HeldWrites

if TYPE_CHECKING:
    from uvicorn._types import ASGI3Application

# bytes fed to the parser while one head is unfinished, beyond which it is refused even before a header
# line ends (httptools holds an unfinished header value whole): both limits and room for spaces
MAX_HEAD_BYTES = MAX_TARGET_BYTES + MAX_HEADER_BYTES + 4096
DRAIN_IDLE_SECONDS = 5.0  # after a refusal, how long to wait for more of the request before closing
DRAIN_MAX_SECONDS = 30.0  # and how long at most to read and drop it, so the client reads the answer, not a reset
# each server's connections waiting for a request head, the longest-waiting first
WAITING: weakref.WeakKeyDictionary[ServerState, dict[HeadLimitedProtocol, None]] = weakref.WeakKeyDictionary()


class _HeadRefusedError(Exception):
    """Raised from a parser callback to stop parsing a head that passed a limit."""


class HeadLimitedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bounded request head, and answers for every request that is due one.

    A refusal (a head over its limit, or bytes that are not HTTP/1.1) is sent after the responses to
    the requests before it on the connection, with ``connection: close``; then the rest of the
    request is read and dropped for a while (as nginx's lingering close does), so that closing does
    not reset the connection before the client has read the answer. Nothing of a refused request
    is kept. A client that half-closes the connection after its requests still gets their answers
    (uvicorn would close at once and drop them). A head that is not whole ``head_timeout`` seconds
    after the connection opened or its last answer was sent is not waited for: the connection is
    closed, after a 408 if part of the head came; so is the longest-waiting connection when more
    than ``max_waiting`` wait.
    """

    head_timeout: ClassVar[float] = HEADER_TIMEOUT
    max_waiting: ClassVar[int] = MAX_IDLE_CONNECTIONS

    @classmethod
    def configured(cls, head_timeout: float, max_waiting: int) -> type[HeadLimitedProtocol]:
        """The protocol with its own header timeout and cap on waiting connections (uvicorn takes a class)."""
        limits = {"head_timeout": head_timeout, "max_waiting": max_waiting}
        return cast("type[HeadLimitedProtocol]", type(cls.__name__, (cls,), limits))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.url = b""
        self._header_bytes = 0  # header lines of the current request, as middleware.header_bytes counts them
        self._unfinished = 0  # bytes fed in chunks that held nothing but the current, unfinished head
        self._in_head = True  # no request body is being read: between requests, or inside a head
        self._head_ended = False  # a head or a message ended during the current feed
        self._running: RequestResponseCycle | None = None  # the request whose app runs (later ones wait)
        self._refusal: tuple[int, str] | None = None
        self._answered = False
        self._client_done = False  # the client closed its side: close once what is due is sent
        self._drain_deadline = 0.0
        self._drain_timer: asyncio.TimerHandle | None = None
        self._head_timer: asyncio.TimerHandle | None = None  # while the connection waits for a request head
        self._held: HeldWrites  # the transport as uvicorn writes to it, set when the connection is made

    # ---------------------------------------------------------------- parser callbacks
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        self._in_head = True

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_TARGET_BYTES:
            self._refusal = (414, TARGET_TOO_LONG)
            raise _HeadRefusedError

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += header_bytes(name, value)
        if self._header_bytes > MAX_HEADER_BYTES:
            self._refusal = (431, HEADERS_TOO_LARGE)
            raise _HeadRefusedError
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head, self._head_ended, self._unfinished = False, True, 0
        self._stop_waiting()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_ended = True, True

    # ---------------------------------------------------------------- the connection
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's
        self._held = HeldWrites(transport, self.loop)  # a response's head and body in one write (module writes)
        super().connection_made(cast("asyncio.Transport", self._held))
        self._await_head()

    def data_received(self, data: bytes) -> None:
        if self._refusal is not None:  # the rest of a refused request: dropped unread
            self._drain()
            return
        self._unset_keepalive_if_required()
        self._head_ended = False
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:  # the service speaks HTTP/1.1 alone (uvicorn runs with ws="none"):
            if self.cycle is not None:  # the request is answered as a plain one, and the connection then closed,
                self.cycle.keep_alive = False  # since the parser reads nothing after an upgrade
            return
        except httptools.HttpParserError as exc:
            if self._refusal is None:  # a callback's own error (a target httptools cannot split) has no reason
                reason = "its request line cannot be read" if isinstance(exc, CallbackError) else str(exc)[:120]
                self._refusal = (400, f"the request is not valid HTTP/1.1 ({reason}); see /docs for the API")
            self._refuse()
            return
        if self._in_head and not self._head_ended:
            self._unfinished += len(data)
            if self._unfinished > MAX_HEAD_BYTES:
                self._refusal = (414, TARGET_TOO_LONG) if len(self.url) > MAX_TARGET_BYTES else (431, HEADERS_TOO_LARGE)
                self._refuse()

    def eof_received(self) -> bool | None:  # type: ignore[override]  # uvicorn narrows asyncio's bool | None
        """Keep the connection open to send what is due, when the client has sent every request whole.

        What this turn of the loop wrote goes to the socket first: the transport closes itself when this
        returns None, and would drop it.
        """
        self._held.flush()
        if not self._answered and (self._refusal is not None or (self._in_head and not self._idle())):
            self._client_done = True
            return True
        return None  # the transport closes; a request still reading its body sees a disconnect

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: ASGI3Application) -> None:
        self._running = cycle
        super()._start_asgi_task(cycle, app)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._refusal is not None and not self._answered:
            self._refuse()
        elif self._client_done and self._idle():
            self.transport.close()
        elif self._idle() and not self.transport.is_closing():
            self._await_head()  # kept alive: the next request's head has its time from now

    def connection_lost(self, exc: Exception | None) -> None:
        if self._drain_timer is not None:
            self._drain_timer.cancel()
        self._stop_waiting()
        super().connection_lost(exc)

    def _await_head(self) -> None:
        """Start the clock on the next request head; when more than ``max_waiting`` wait, close the oldest."""
        self._stop_waiting()
        waiting = WAITING.setdefault(self.server_state, {})
        waiting[self] = None
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)
        while len(waiting) > self.max_waiting:
            next(iter(waiting))._close_waiting(answer=False)

    def _stop_waiting(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        WAITING.get(self.server_state, {}).pop(self, None)

    def _head_timed_out(self) -> None:
        self._head_timer = None
        self._close_waiting(answer=self._unfinished > 0)  # a client that sent part of a head is told why

    def _close_waiting(self, answer: bool) -> None:
        """Close a connection that is waiting for a head, with a 408 if ``answer``."""
        self._stop_waiting()
        if self.transport.is_closing():
            return
        if answer:
            message = f"the request's head did not arrive whole within {self.head_timeout:g} s"
            self.logger.warning("408: %s", message)
            self.transport.write(raw_error_response(408, message, self.server_state.default_headers))
        self.transport.close()

    def _idle(self) -> bool:
        """No response is being made or waiting its turn."""
        running = self._running
        return (running is None or running.response_complete or running.disconnected) and not self.pipeline

    def _refuse(self) -> None:
        """Answer the refusal once the responses before it are sent; then drain and close."""
        assert self._refusal is not None
        if self._answered or self.transport.is_closing():
            return
        broken = None if self._in_head else self.cycle  # a request whose head was read, and its body not
        queued = next((item for item in self.pipeline if item[0] is broken), None)
        if queued is not None:
            self.pipeline.remove(queued)
        elif broken is not None and not broken.response_complete:
            broken.disconnected = True  # its app sees a disconnect; what it sends is dropped
            broken.message_event.set()
        if not self._idle():
            return  # on_response_complete calls again
        self._answered = True
        self._stop_waiting()  # the drain has limits of its own
        self._unset_keepalive_if_required()
        status, message = self._refusal
        self.logger.warning("%s: %s", status, message)
        self.transport.write(raw_error_response(status, message, self.server_state.default_headers))
        if self._client_done or not self.transport.can_write_eof():
            self.transport.close()
            return
        self.transport.write_eof()  # the client sees the answer and the end; what it still sends is dropped
        self.flow.resume_reading()
        self._drain_deadline = self.loop.time() + DRAIN_MAX_SECONDS
        self._drain()

    def _drain(self) -> None:
        if not self._answered:
            return
        if self._drain_timer is not None:
            self._drain_timer.cancel()
        wait = min(DRAIN_IDLE_SECONDS, self._drain_deadline - self.loop.time())
        if wait <= 0:
            self.transport.close()
        else:
            self._drain_timer = self.loop.call_later(wait, self.transport.close)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, echo: Callable[[str], None] = print) -> None:
    """Check the address (PapersearchError if it cannot be listened on), load the index (IndexStateError if there
    is none), print the address, run uvicorn.

    ``settings``: read once by the entry point (``papersearch serve`` or ``python -m papersearch.serve``). The
    address is tried before anything is said, so that nothing says "serving" of a port another program holds.
    """
    check_address(host, port)
    searcher = Searcher.load(settings.index, settings=settings)
    app = create_app(settings, searcher)
    shown = f"[{host}]" if ":" in host else host
    echo(f"papersearch: serving index {searcher.version} ({len(searcher.papers())} papers) at http://{shown}:{port}/")
    echo(f"papersearch: API documentation at http://{shown}:{port}/docs")
    if not is_loopback(host):
        echo(
            f"WARNING: listening on {host}, not a loopback address: anyone who can reach this machine can use the service"
        )
    waiting = min(settings.max_idle_connections, open_file_limit() // 2)
    protocol = HeadLimitedProtocol.configured(settings.header_timeout, waiting)
    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=1,
        server_header=False,
        log_config=log_config(),
        log_level="info",
        http=protocol,
        ws="none",
    )


def check_address(host: str, port: int) -> None:
    """PapersearchError, in one line, when ``host``:``port`` cannot be listened on: bound as uvicorn binds it
    (``SO_REUSEADDR``, so a port whose last connections are closing is free), then let go for uvicorn to take.

    A program that takes the port in the moment between is refused by uvicorn itself, as before.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                why = f"port {port} on {host} is in use by another program; stop it, or choose another port with --port"
            else:
                why = f"cannot listen on {host} port {port}: {exc.strerror or exc}; check --host and --port"
            raise PapersearchError(why) from exc


def open_file_limit() -> int:
    """How many files (connections included) this process may hold open: its soft limit."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


def main(argv: list[str] | None = None) -> int:
    """``python -m papersearch.serve``: the service alone, configured by the environment."""
    parser = argparse.ArgumentParser(prog="python -m papersearch.serve", description="Serve papersearch over HTTP.")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)"
    )
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled model is a local folder: never ask a hub
    try:
        serve(Settings.from_env(), args.host, args.port)
    except PapersearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
