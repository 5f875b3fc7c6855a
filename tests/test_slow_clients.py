"""Connections that send nothing, or a request head a byte at a time, against the real server on 127.0.0.1.

Each is closed once ``PAPERSEARCH_HEADER_TIMEOUT`` has passed (a short one here) — after a 408 if
part of a head came — and no more than ``PAPERSEARCH_MAX_IDLE_CONNECTIONS`` wait at once, the
longest-waiting closed first, so they cannot use up the server's file descriptors; all along, a
normal client keeps getting answers: while every slow connection is still held open, not only once
they are dropped. How fast it is served then is a speed figure, for a benchmark, not a limit here.
"""

from __future__ import annotations

import os
import selectors
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest

from .conftest import CORPUS
from .conftest_api import Server, running_server

pytestmark = pytest.mark.slow

TIMEOUT = 1.5  # seconds, the header timeout the servers here run with
SLACK = 2.5  # seconds a loaded 2-core machine may add before a timed-out connection is seen closed
QUERIES = ["convolutional networks", "attention", "backpropagation", "reinforcement learning", "word vectors"]
DRIP = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4000


def connect(server: Server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.setblocking(False)
    return sock


def served(client: httpx.Client, count: int = 0, until: float = 0.0) -> list[float]:
    """When each of a normal client's searches was answered (monotonic time; ``count`` of them, or as many as fit
    before ``until``)."""
    times: list[float] = []
    while len(times) < count or time.monotonic() < until:
        response = client.get("/search", params={"q": QUERIES[len(times) % len(QUERIES)], "k": 3})
        times.append(time.monotonic())
        assert response.status_code == 200, response.text
    return times


def watch(socks: list[socket.socket], until: float) -> tuple[dict[int, float], dict[int, bytes]]:
    """When the server closed each socket (monotonic time), and what it sent on it first, watched until ``until``."""
    closed: dict[int, float] = {}
    got: dict[int, bytes] = {}
    with selectors.DefaultSelector() as selector:
        for i, sock in enumerate(socks):
            selector.register(sock, selectors.EVENT_READ, i)
        while len(closed) < len(socks) and time.monotonic() < until:
            for key, _ in selector.select(timeout=0.1):
                i = key.data
                try:
                    data = socks[i].recv(65536)
                except (ConnectionResetError, BrokenPipeError):
                    data = b""
                if data:
                    got[i] = got.get(i, b"") + data
                else:
                    closed[i] = time.monotonic()
                    selector.unregister(socks[i])
    return closed, got


def drip(socks: list[socket.socket], stop: threading.Event, every: float = 0.2) -> None:
    """Send each socket the next byte of a never-ending header, every ``every`` seconds, until it is closed."""
    sent = 0
    while not stop.is_set() and sent < len(DRIP):
        for sock in socks:
            with suppress(OSError):
                sock.send(DRIP[sent : sent + 1])
        sent += 1
        stop.wait(every)


@contextmanager
def slow_server(tmp_path: Path, index_dir: Path, timeout: float, idle: int) -> Iterator[Server]:
    env = {"PAPERSEARCH_HEADER_TIMEOUT": str(timeout), "PAPERSEARCH_MAX_IDLE_CONNECTIONS": str(idle)}
    with running_server(index_dir, CORPUS, tmp_path / "server.log", env) as server:
        yield server


@pytest.mark.timeout(120)
def test_silent_and_dripping_connections_are_closed_at_the_header_timeout_while_a_client_is_served(
    index_dir: Path, tmp_path: Path
) -> None:
    with slow_server(tmp_path, index_dir, TIMEOUT, 2000) as server, httpx.Client(base_url=server.url) as client:
        served(client, 20)  # the cache and the connection warm up

        silent = [connect(server) for _ in range(300)]
        dripping = [connect(server) for _ in range(30)]
        opened = time.monotonic()
        in_time = connect(server)  # a whole request, sent slowly, but within the timeout
        stop = threading.Event()
        dripper = threading.Thread(target=drip, args=(dripping, stop), daemon=True)
        dripper.start()
        for i in range(0, len(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"), 4):
            in_time.send(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"[i : i + 4])
            time.sleep(0.05)
        result: list[tuple[dict[int, float], dict[int, bytes]]] = []
        watcher = threading.Thread(
            target=lambda: result.append(watch([*silent, *dripping], opened + TIMEOUT + SLACK)), daemon=True
        )
        watcher.start()
        under_attack = served(client, 100, until=opened + TIMEOUT + 0.5)
        watcher.join()
        stop.set()
        dripper.join()
        in_time.setblocking(True)
        answer = in_time.recv(65536)

    closed, got = result[0]
    assert len(closed) == len(silent) + len(dripping), f"{len(silent) + len(dripping) - len(closed)} still open"
    waited = sorted(closed[i] - opened for i in closed)
    assert waited[0] >= TIMEOUT - 0.3 and waited[-1] <= TIMEOUT + SLACK, (waited[0], waited[-1])
    assert not any(i in got for i in range(len(silent)))  # nothing sent, closed without a word
    for i in range(len(silent), len(silent) + len(dripping)):  # part of a head sent: told why, in the one body
        assert got[i].startswith(b"HTTP/1.1 408 Request Timeout\r\n") and b'"type":"request_timeout"' in got[i]
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    # served beside them, not after them: a server that waited on a slow connection would answer nothing before
    # the first was dropped at the header timeout (~1 s after these searches began)
    assert sum(t < waited[0] + opened for t in under_attack) >= 3, (len(under_attack), waited[0])
    for sock in [*silent, *dripping, in_time]:
        sock.close()


@pytest.mark.timeout(120)
def test_idle_connections_past_the_cap_close_the_oldest_and_the_server_holds_no_more(
    index_dir: Path, tmp_path: Path
) -> None:
    cap = 40
    with slow_server(tmp_path, index_dir, 60, cap) as server, httpx.Client(base_url=server.url) as client:
        served(client, 20)
        descriptors = len(os.listdir(f"/proc/{server.process.pid}/fd"))

        idle = [connect(server) for _ in range(400)]
        closed, _ = watch(idle, time.monotonic() + 3)  # the evicted ones are closed at once; wait for no more
        held = len(os.listdir(f"/proc/{server.process.pid}/fd"))
        with httpx.Client(base_url=server.url) as newcomer:  # a new connection is served, evicting one more
            assert newcomer.get("/health").status_code == 200
        served(client, 200)  # each answered (200 OK) with the oldest gone and the cap's worth still held

    assert len(idle) - len(closed) <= cap
    assert set(range(len(idle) - cap + 1, len(idle))) <= set(range(len(idle))) - set(closed)  # the newest stay
    assert held <= descriptors + cap + 5, (descriptors, held)
    for sock in idle:
        sock.close()
