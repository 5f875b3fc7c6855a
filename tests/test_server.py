"""A real uvicorn on 127.0.0.1: it answers, and a rebuilt index is served without a restart or a failed request."""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest
from uvicorn.logging import AccessFormatter

from papersearch.index.build import build
from papersearch.serve.access_log import AccessLine, log_config

from .conftest import MODEL, copy_index
from .conftest_api import running_server

pytestmark = pytest.mark.slow

TOKEN = "server-test-token-4d1c9e"
EDITED = "1989-lecun-cnn"
NEW_WORD = "quokkatron"  # in no paper until the test adds it
QUERIES = ["convolutional network handwritten digits", "how were deep nets first trained?", "attention", "perceptron"]


class Hammer(threading.Thread):
    """Sends bounded searches until stopped; records every failure and every index version that answered."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.versions: list[str] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as client:
            i = 0
            while not self.stop.is_set() and i < 5000:
                q = QUERIES[i % len(QUERIES)]
                try:
                    r = client.get("/search", params={"q": q, "k": 5})
                    if r.status_code != 200 or not r.json()["results"]:
                        self.failures.append(f"{q}: {r.status_code} {r.text[:200]}")
                    else:
                        self.versions.append(r.json()["index_version"])
                except httpx.HTTPError as exc:
                    self.failures.append(f"{q}: {exc!r}")
                i += 1


@pytest.mark.timeout(180)
def test_a_rebuilt_index_is_served_without_restart_or_failures(index_dir: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    index = tmp_path / "index"
    shutil.copytree(Path(__file__).resolve().parents[1] / "corpus", corpus)
    copy_index(index_dir, index)
    env = {"PAPERSEARCH_RELOAD_INTERVAL": "0.5", "PAPERSEARCH_ADMIN_TOKEN": TOKEN}
    with (
        running_server(index, corpus, tmp_path / "server.log", env) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        assert f"at {server.url}/" in server.output()  # it printed where it listens
        client.get("/search", params={"q": "access log"})
        assert '"GET /search?q=access+log HTTP/1.1" 200 OK' in server.output()  # one access line a request

        first = client.get("/search", params={"q": "convolutional network handwritten digits"}).json()
        old_version = first["index_version"]
        assert first["results"][0]["id"] == EDITED
        before = client.get("/search", params={"q": NEW_WORD, "mode": "lexical"}).json()
        assert all(r["scores"]["lexical"] == 0 for r in before["results"])

        hammer = Hammer(server.url)
        hammer.start()
        try:
            path = corpus / "papers" / f"{EDITED}.md"
            text = path.read_text(encoding="utf-8")
            path.write_text(text.rstrip("\n") + f" The network was later nicknamed the {NEW_WORD}.\n", encoding="utf-8")
            assert client.get("/health").json()["stale"] is True

            report = build(corpus, index, MODEL)
            assert report.version != old_version and report.embedded_papers == 1

            deadline = time.monotonic() + 30
            answer = client.get("/search", params={"q": NEW_WORD, "mode": "lexical"}).json()
            while answer["index_version"] == old_version and time.monotonic() < deadline:
                time.sleep(0.1)
                answer = client.get("/search", params={"q": NEW_WORD, "mode": "lexical"}).json()
            time.sleep(1.0)  # keep the hammer going on the new version for a moment
        finally:
            hammer.stop.set()
            hammer.join(timeout=20)

        assert answer["index_version"] == report.version
        assert answer["results"][0]["id"] == EDITED and answer["results"][0]["scores"]["lexical"] > 0
        health = client.get("/health").json()
        assert health == {**health, "status": "ok", "index_version": report.version, "stale": False, "problem": None}

        assert hammer.failures == []
        assert len(hammer.versions) >= 20
        assert hammer.versions[0] == old_version and hammer.versions[-1] == report.version

        # the admin endpoint works over the network, and the token never reaches the log
        assert client.post("/admin/reload", headers={"Authorization": "Bearer nope"}).status_code == 403
        ok = client.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and ok.json()["index_version"] == report.version
        assert TOKEN not in server.output()
    log = server.output()  # the service's own lines are in its log, in uvicorn's format
    assert f"INFO:     now serving index version {report.version} (was {old_version})" in log
    assert re.search(r"INFO:     encoded \d+ queries in \d+ runs; runs of 1: \d+", log), log[-2000:]


@pytest.mark.parametrize("status", [200, 404, 422, 503, 599])
@pytest.mark.parametrize("colours", [False, True])
def test_the_access_line_is_uvicorns_word_for_word(status: int, colours: bool) -> None:
    """``AccessLine`` writes each request's line as uvicorn's own formatter does, for any status, in colour or not."""
    fmt = log_config()["formatters"]["access"]["fmt"]
    ours, theirs = AccessLine(fmt, use_colors=colours), AccessFormatter(fmt, use_colors=colours)
    args = ("127.0.0.1:50123", "GET", "/search?q=how+were+deep+nets+first+trained%3F&k=10", "1.1", status)

    def record() -> logging.LogRecord:
        return logging.LogRecord("uvicorn.access", logging.INFO, "h.py", 1, '%s - "%s %s HTTP/%s" %d', args, None)

    assert ours.format(record()) == theirs.format(record())
    assert ours.format(record()).startswith('INFO:     127.0.0.1:50123 - "GET /search?q=') or colours


def test_the_writes_of_one_turn_of_the_loop_leave_together_and_in_order() -> None:
    """A head and its body leave as one write at the turn's end; close and half-close send what is held first."""
    import asyncio
    import socket

    from papersearch.serve.writes import HeldWrites

    async def run(end: str) -> bytes:
        loop = asyncio.get_running_loop()
        ours, peer = socket.socketpair()
        transport, _ = await loop.connect_accepted_socket(asyncio.Protocol, ours)
        held = HeldWrites(transport, loop)  # type: ignore[arg-type]  # a socket's transport is a Transport
        held.write(b"HTTP/1.1 200 OK\r\n\r\n")
        held.write(b"body")
        peer.setblocking(False)
        with pytest.raises(BlockingIOError):  # nothing has left during the turn
            peer.recv(100)
        if end == "close":
            held.close()
        elif end == "eof":
            held.write_eof()
        await asyncio.sleep(0.05)  # the turn ends (and the transport closes, when told to)
        peer.settimeout(5)
        got = peer.recv(100)
        assert end == "turn" or peer.recv(100) == b""  # then the end of the stream, when it was closed
        transport.close()
        peer.close()
        return got

    for end in ("turn", "close", "eof"):
        assert asyncio.run(run(end)) == b"HTTP/1.1 200 OK\r\n\r\nbody", end
