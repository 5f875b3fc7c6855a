"""The stdio transport of ``papersearch mcp``: the SDK's own, with the JSON-RPC screen (``jsonrpc``) in front.

The SDK's ``stdio_server`` keeps what it does well: it owns standard output while it serves (file
descriptor 1 points at standard error, so stray output cannot corrupt the protocol) and writes
every reply. Its input is ``ScreenedLines`` instead of its own reader, which decodes with
replacement characters and drops what it cannot read: the raw bytes of standard input, line by
line, each screened first. A line the screen passes goes on to the SDK as text; one it answers is
answered through the SDK's writer, so replies never interleave.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, BinaryIO, cast

import anyio
import anyio.to_thread
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from mcp.types import jsonrpc_message_adapter

from .errors import invalid_text
from .jsonrpc import MAX_LINE_BYTES, Reply, Screened, screen, too_long


class ScreenedLines:
    """Standard input as the SDK reads it (an async iterable of text lines), each line screened on the way."""

    def __init__(self, source: BinaryIO) -> None:
        self.source = source
        self.replies: Any = None  # the SDK's write stream, once the transport is open
        self.open = anyio.Event()

    def bind(self, replies: Any) -> None:
        """Send the screen's answers on ``replies``, the stream the SDK writes to standard output from."""
        self.replies = replies
        self.open.set()

    async def __aiter__(self) -> AsyncIterator[str]:
        while (line := await self.read_line()) != b"":
            screened = Screened(reply=too_long()) if line is None else screen(line, invalid_text)
            if screened.reply is not None and not await self.answer(screened.reply):
                return
            if screened.text is not None:
                yield screened.text

    async def read_line(self) -> bytes | None:
        """The next line, newline included (``b""`` at the end of input); None for one over ``MAX_LINE_BYTES``,
        which is skipped to its end without being held."""
        line = await self._read(MAX_LINE_BYTES + 1)
        if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
            return line
        while (rest := await self._read(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
            pass
        return None

    async def _read(self, limit: int) -> bytes:
        return await anyio.to_thread.run_sync(self.source.readline, limit, abandon_on_cancel=True)

    async def answer(self, reply: Reply) -> bool:
        """Write ``reply`` through the SDK's writer; False once the transport has closed."""
        await self.open.wait()
        try:
            await self.replies.send(SessionMessage(jsonrpc_message_adapter.validate_python(reply)))
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):
            return False
        return True


@asynccontextmanager
async def screened_stdio(source: BinaryIO | None = None) -> AsyncIterator[tuple[Any, Any]]:
    """The SDK's stdio transport (its read and write streams) over ``source`` (standard input) screened."""
    lines = ScreenedLines(source if source is not None else sys.stdin.buffer)
    async with stdio_server(stdin=cast(Any, lines)) as (read_stream, write_stream):
        lines.bind(write_stream)
        yield read_stream, write_stream
