"""A connection's writes of one turn of the event loop sent as one: a response's head and body in one system call.

uvicorn writes a response's status line and headers, then its body, each straight to the socket: two
``send`` calls and two TCP segments a response, on loopback each also waking the client. ``HeldWrites``
stands in for the connection's transport: the bytes written during one turn of the loop are kept in
order and written together at the end of that turn (``loop.call_soon``), so a head and the body that
follows it at once leave as one. Nothing else changes: the same bytes in the same order, flushed
before the connection is closed or half-closed, dropped only where the transport would drop them.
"""

from __future__ import annotations

import asyncio
from typing import Any


class HeldWrites:
    """``transport`` with the writes of one turn of ``loop`` joined into one (every other call goes straight to it)."""

    __slots__ = ("held", "loop", "transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self.loop = loop
        self.held: list[bytes] | None = None  # written during this turn, not yet sent

    def write(self, data: bytes) -> None:
        if self.held is None:
            self.held = [bytes(data)]
            self.loop.call_soon(self.flush)
        else:
            self.held.append(bytes(data))

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(data)

    def flush(self) -> None:
        """Send what this turn wrote, as one write; nothing once the connection is closing (it would be lost)."""
        held, self.held = self.held, None
        if held and not self.transport.is_closing():
            self.transport.write(held[0] if len(held) == 1 else b"".join(held))

    def get_write_buffer_size(self) -> int:
        return self.transport.get_write_buffer_size() + sum(map(len, self.held or ()))

    def write_eof(self) -> None:
        self.flush()
        self.transport.write_eof()

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def abort(self) -> None:
        self.held = None
        self.transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)
