"""Hostile HTTP against a real uvicorn at 127.0.0.1: every schemathesis check, malformed requests, oversized heads.

The floors, tried for real: a run of at least 20,000 answered requests in which no answer is
a 5xx and no connection that owed an answer ends without it (each test below counts its own answers
and asserts its share, and the shares add up to the 20,000); request heads over 16 KB refused with
the one JSON error body (431, or 414 for the request line) while the server's memory stays flat,
even for a 64 MB header; HEAD on every GET endpoint; no absolute path of the machine in a status or
error body; an OpenAPI schema that says what ``/search`` accepts. All traffic goes to 127.0.0.1 and
every loop is bounded in count and time. docs/reliability.md maps each promise to its test here.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import socket
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import requests
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, reject, settings
from schemathesis import GenerationMode

from papersearch.core.errors import QueryError
from papersearch.core.params import PLAN_PARTS, check_flag, check_ignore, check_query, resolve_era
from papersearch.core.settings import Settings
from papersearch.index import store
from papersearch.query.searcher import Searcher
from papersearch.serve import middleware, schemas
from papersearch.serve.app import create_app
from papersearch.serve.errors import public_text

from .conftest import ADMIN_TOKEN, CORPUS, MODEL
from .conftest_api import Server, running_server

TOKEN = ADMIN_TOKEN  # the shared server's (conftest.server)
FLOOR = 20_000  # answered requests over the whole file: the sum of the shares in SHARES
# a path of this machine: a slash not inside a word, a URL or a relative path, then a name and another slash
ABSOLUTE_PATH = re.compile(r"(?<![\w.~:/-])/[\w.@+-]+/")


@dataclass
class Tally:
    """What one test sent: answers received, and every 5xx or connection dropped without its answer."""

    answered: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, run: str) -> None:
        """No 5xx and no drop, and at least this run's share of the floor answered."""
        assert self.failures == [], self.failures[:10]
        assert self.answered >= SHARES[run], (run, self.answered, SHARES[run])


@pytest.fixture
def tally() -> Tally:
    return Tally()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def port_of(server: Server) -> int:
    parts = urlsplit(server.url)
    assert parts.hostname == "127.0.0.1" and parts.port
    return parts.port


# ---------------------------------------------------------------- a raw HTTP/1.1 client that owns every byte


def read_answers(sock: socket.socket, heads: list[bool], deadline: float) -> tuple[list[Answer], str]:
    """Up to ``len(heads)`` whole responses (``heads[i]``: the i-th answers a HEAD, so has no body), then
    how the connection ended: "eof", "reset", "open" (still open after the answers) or "timeout"."""
    answers: list[Answer] = []
    buf = b""
    while True:
        while len(answers) < len(heads) and (end := buf.find(b"\r\n\r\n")) >= 0:
            lines = buf[:end].decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ")[1])
            fields = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
            size = 0 if heads[len(answers)] or status < 200 else int(fields.get("content-length", "0"))
            if len(buf) < end + 4 + size:
                break
            if status >= 200:  # a 100 Continue comes before the answer
                answers.append(Answer(status, fields, buf[end + 4 : end + 4 + size]))
            buf = buf[end + 4 + size :]
        left = max(0.01, deadline - time.monotonic())
        sock.settimeout(min(5.0, left) if len(answers) == len(heads) else left)  # then the end, promptly
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            return answers, "open" if len(answers) == len(heads) else "timeout"
        except ConnectionResetError:
            return answers, "reset"
        if not chunk:
            return answers, "eof" if not buf else "eof with partial bytes"
        buf += chunk


def exchange(
    tally: Tally,
    port: int,
    data: bytes | Iterable[bytes],
    heads: list[bool],
    half_close: bool = True,
    timeout: float = 20,
) -> tuple[list[Answer], str]:
    """Send ``data`` on a new connection (then half-close it), read the answers due; tally them.

    A connection that owed answers counts as dropped when it ends (reset, closed or silent) before
    they all arrive; a connection that owed none must close cleanly, with no byte sent.
    """
    deadline = time.monotonic() + timeout
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            for chunk in [data] if isinstance(data, bytes) else data:
                sock.sendall(chunk)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError) as exc:  # the answers may still be readable
            tally.failures.append(f"the server stopped reading before the request ended: {exc!r}")
        answers, ending = read_answers(sock, heads, deadline)
    tally.answered += len(answers)
    tally.failures += [f"{a.status}: {a.body[:200]!r}" for a in answers if a.status >= 500]
    if len(answers) < len(heads) or (not heads and ending != "eof"):
        sent = data[:80] if isinstance(data, bytes) else b"(streamed)"
        tally.failures.append(f"{len(answers)} of {len(heads)} answers, then {ending}: {sent!r}")
    return answers, ending


def assert_error_shape(answer: Answer, status: int) -> None:
    assert answer.status == status, answer
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    body = json.loads(answer.body)
    assert set(body) == {"error"} and set(body["error"]) == {"status", "type", "message", "param"}
    assert body["error"]["status"] == status and re.fullmatch(r"[a-z_]+", body["error"]["type"])
    assert len(body["error"]["message"]) > 10


def get(path: str, method: bytes = b"GET", extra: bytes = b"") -> bytes:
    """One request as bytes: the request line, Host, ``extra`` header lines, the blank line."""
    return method + b" " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + b"\r\n"


# ---------------------------------------------------------------- oversized heads: refused, memory flat


def memory_mb(pid: int, field_name: str) -> float:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        pytest.skip("reading a process's memory needs Linux's /proc")
    line = next(ln for ln in status.read_text().splitlines() if ln.startswith(field_name + ":"))
    return int(line.split()[1]) / 1024


def header_request(total: int) -> bytes:
    """A GET /health whose header lines count exactly ``total`` bytes (name, ': ', value, CRLF each)."""
    host = b"Host: 127.0.0.1\r\n"
    pad = total - len(host) - len(b"X-Pad: \r\n")
    return b"GET /health HTTP/1.1\r\n" + host + b"X-Pad: " + b"p" * pad + b"\r\n\r\n"


def test_the_head_limits_are_exact(server: Server, tally: Tally) -> None:
    port, limit = port_of(server), middleware.MAX_HEADER_BYTES
    (ok,), _ = exchange(tally, port, header_request(limit), [False])
    assert ok.status == 200
    (refused,), ending = exchange(tally, port, header_request(limit + 1), [False])
    assert_error_shape(refused, 431)
    assert ending == "eof"
    assert json.loads(refused.body)["error"]["type"] == "headers_too_large"
    target = "/papers/" + "a" * (middleware.MAX_TARGET_BYTES - len("/papers/"))
    (long_id,), _ = exchange(tally, port, get(target), [False])
    assert_error_shape(long_id, 422)  # the id is checked, so the line itself was read
    (too_long,), _ = exchange(tally, port, get(target + "a"), [False])
    assert_error_shape(too_long, 414)
    tally.check("limits")


def sixty_four_mb_header() -> Iterator[bytes]:
    yield b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
    chunk = b"b" * (1 << 20)
    for _ in range(64):
        yield chunk
    yield b"\r\n\r\n"


OVERSIZED: list[tuple[str, Any, int]] = [
    ("16 KB + 1 of headers", header_request(middleware.MAX_HEADER_BYTES + 1), 431),
    ("one 2 MB header", b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: " + b"a" * (2 << 20) + b"\r\n\r\n", 431),
    ("20,000 headers", get("/health", extra=b"".join(b"X-%d: v\r\n" % i for i in range(20_000))), 431),
    ("a 1 MB request line", get("/search?q=" + "q" * (1 << 20)), 414),
    ("one 64 MB header, in 1 MB chunks", sixty_four_mb_header, 431),
]


@pytest.mark.timeout(120)
def test_oversized_heads_are_refused_and_the_server_does_not_grow(server: Server, tally: Tally) -> None:
    """Each is answered with the one error body, read whole by the server and dropped; peak memory stays put."""
    port, pid = port_of(server), server.process.pid
    assert httpx.get(server.url + "/search", params={"q": "warm up"}, timeout=10).status_code == 200
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # start the peak (VmHWM) from the current size
    except OSError:
        pytest.skip("resetting a process's peak memory needs Linux 4.0+")
    before = memory_mb(pid, "VmRSS")
    started = time.monotonic()
    for _ in range(3):
        for label, data, status in OVERSIZED:
            (answer,), ending = exchange(tally, port, data() if callable(data) else data, [False], timeout=60)
            assert_error_shape(answer, status)
            assert ending == "eof", label  # every byte was read (no reset), then the server closed
    peak = memory_mb(pid, "VmHWM")
    assert peak - before < 8, f"the server grew from {before:.0f} MB to a peak of {peak:.0f} MB"
    assert time.monotonic() - started < 60
    assert httpx.get(server.url + "/health", timeout=10).json()["status"] == "ok"
    tally.check("oversized")


def test_a_refusal_waits_for_the_answers_before_it(server: Server, tally: Tally) -> None:
    """Pipelined: a new search (slow), then a request with 20 KB of headers (and more), or a body that is not
    HTTP: the search is answered, then the refusal, then the connection closes."""
    port = port_of(server)
    data = get("/search?q=pipelined+search+before+a+refusal") + header_request(20_000) + get("/health")
    answers, ending = exchange(tally, port, data, [False, False], half_close=False)
    assert [a.status for a in answers] == [200, 431] and ending == "eof"
    assert json.loads(answers[0].body)["results"]
    broken_body = get("/admin/reload", method=b"POST", extra=b"Transfer-Encoding: chunked\r\n") + b"zz\r\n"
    answers, ending = exchange(
        tally, port, get("/search?q=a+search+before+a+broken+body") + broken_body, [False, False]
    )
    assert [a.status for a in answers] == [200, 400] and ending == "eof"
    tally.check("pipelined refusal")


# ---------------------------------------------------------------- malformed requests over raw sockets

H = b"Host: 127.0.0.1\r\n"
MALFORMED: list[tuple[str, bytes, set[int]]] = [  # (what, bytes, the statuses that may answer)
    ("garbage", b"GARBAGE\r\n\r\n", {400}),
    ("a method alone", b"GET\r\n\r\n", {400}),
    ("no version (HTTP/0.9)", b"GET /health\r\n\r\n", {200}),
    ("HTTP/0.9", b"GET /health HTTP/0.9\r\n\r\n", {200}),
    ("HTTP/1.0 without Host", b"GET /health HTTP/1.0\r\n\r\n", {200}),
    ("HTTP/1.2", b"GET /health HTTP/1.2\r\n" + H + b"\r\n", {400}),
    ("HTTP/9.9", b"GET /health HTTP/9.9\r\n" + H + b"\r\n", {400}),
    ("bare LF", b"GET /health HTTP/1.1\nHost: x\n\n", {400}),
    ("lone CR", b"GET /health HTTP/1.1\rHost: x\r\r", {400}),
    ("NUL in the target", b"GET /he\x00alth HTTP/1.1\r\n" + H + b"\r\n", {400}),
    ("NUL in a header", get("/health", extra=b"X-A: a\x00b\r\n"), {400}),
    ("DEL in a header", get("/health", extra=b"X-A: a\x7fb\r\n"), {400}),
    ("a lowercase method", get("/health", method=b"get"), {400}),
    ("an unknown method", get("/health", method=b"FROB"), {400}),
    ("a bad character in the method", get("/health", method=b"G@T"), {400}),
    ("TRACE", get("/health", method=b"TRACE"), {405}),
    ("OPTIONS", get("/search", method=b"OPTIONS"), {405}),
    ("an HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", {400}),
    ("a TLS hello", bytes.fromhex("16030100a5010000a10303") + bytes(40), {400}),
    ("bad percent-encoding in the query", get("/search?q=%zz%"), {200}),
    ("bad percent-encoding in the path", get("/papers/%zz"), {422}),
    ("percent-encoded bytes that are not UTF-8", get("/%ff%fe"), {404}),
    ("a space in the target", b"GET /he alth HTTP/1.1\r\n" + H + b"\r\n", {400}),
    ("an absolute-form target", get("http://127.0.0.1/health"), {200}),
    ("an asterisk target", get("*", method=b"OPTIONS"), {404}),
    ("CONNECT", get("127.0.0.1:80", method=b"CONNECT"), {400}),
    ("a header without a colon", b"GET /health HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n", {400}),
    ("a space before a colon", b"GET /health HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n", {400}),
    ("a folded header", get("/health", extra=b"X-A: a\r\n b\r\n"), {400}),
    ("bytes over 127 in a header", get("/health", extra=b"X-A: \xff\xfe\r\n"), {200}),
    ("a Content-Length of letters", get("/admin/reload", method=b"POST", extra=b"Content-Length: abc\r\n"), {400}),
    (
        "two Content-Lengths",
        get("/admin/reload", method=b"POST", extra=b"Content-Length: 1\r\nContent-Length: 2\r\n"),
        {400},
    ),
    (
        "Content-Length and chunked",
        get("/admin/reload", method=b"POST", extra=b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n")
        + b"0\r\n\r\n",
        {400},
    ),
    (
        "a bad chunk size",
        get("/admin/reload", method=b"POST", extra=b"Transfer-Encoding: chunked\r\n") + b"zz\r\nab\r\n0\r\n\r\n",
        {400},
    ),
    ("an unknown transfer coding", get("/admin/reload", method=b"POST", extra=b"Transfer-Encoding: gzip\r\n"), {400}),
    ("an overflowing Content-Length", get("/health", extra=b"Content-Length: 100000000000000000000\r\n"), {400}),
    ("a WebSocket upgrade", get("/health", extra=b"Connection: Upgrade\r\nUpgrade: websocket\r\n"), {200}),
    ("an h2c upgrade", get("/health", extra=b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"), {200}),
    (
        "Expect: 100-continue",
        get("/admin/reload", method=b"POST", extra=b"Expect: 100-continue\r\nContent-Length: 5\r\n") + b"hello",
        {401},
    ),
    (
        "a body over the limit",
        get("/admin/reload", method=b"POST", extra=b"Content-Length: 70000\r\n") + b"x" * 70_000,
        {413},
    ),
    ("HEAD", get("/search?q=perceptron", method=b"HEAD"), {200}),
]
INCOMPLETE = [  # sent, then the client closes: no answer is due, the server must close cleanly
    b"GET /health HTT",
    b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    b"GET /search?q=" + b"x" * 4000,
    get("/admin/reload", method=b"POST", extra=b"Content-Length: 100\r\n") + b"0123456789",
    b"\r\n\r\n",
    b"",
]
PIPELINE = [  # answers due in order: (request, answers a HEAD, status)
    (get("/health"), False, 200),
    (get("/search?q=perceptron&k=3"), False, 200),
    (get("/papers/1989-lecun-cnn"), False, 200),
    (get("/papers/no-such-paper/similar"), False, 404),
    (get("/search?q=x&k=0"), False, 422),
    (get("/eras", method=b"HEAD"), True, 200),
    (get("/static/app.js"), False, 200),
]


@pytest.mark.timeout(120)
@pytest.mark.fuzz
def test_malformed_requests_are_answered_with_no_5xx_and_no_drop(server: Server, tally: Tally) -> None:
    port = port_of(server)
    for _ in range(60):
        for what, data, statuses in MALFORMED:
            answers, ending = exchange(tally, port, data, [data.startswith(b"HEAD ")])
            assert answers and answers[0].status in statuses and ending == "eof", (what, answers, ending)
            if answers[0].status >= 400 and not data.startswith(b"HEAD "):
                assert_error_shape(answers[0], answers[0].status)
        for data in INCOMPLETE:
            exchange(tally, port, data, [])
    for n in range(150):  # keep-alive, pipelined 35 deep, and once in ten ended by garbage
        requests_ = [PIPELINE[(n + i) % len(PIPELINE)] for i in range(35)]
        tail = b"\x16GARBAGE\r\n\r\n" if n % 10 == 0 else b""
        heads = [h for _, h, _ in requests_] + ([False] if tail else [])
        answers, _ = exchange(tally, port, b"".join(r for r, _, _ in requests_) + tail, heads)
        assert [a.status for a in answers] == [s for _, _, s in requests_] + ([400] if tail else [])
    tally.check("malformed")


RANDOM_JUNK = 9000  # requests of random bytes, each a new connection


@pytest.mark.timeout(150)
@pytest.mark.fuzz
def test_random_bytes_and_mutated_requests_never_get_a_5xx_or_a_drop(server: Server, tally: Tally) -> None:
    """Random bytes (never a method's first letter: a 400 is due) and valid requests with bytes flipped."""
    port, rng = port_of(server), random.Random(20261130)
    not_a_method = bytes(b for b in range(256) if not (65 <= b <= 90 or b in (10, 13)))
    for _ in range(RANDOM_JUNK):
        junk = bytes([rng.choice(not_a_method)]) + rng.randbytes(rng.randrange(0, 300))
        (answer,), _ = exchange(tally, port, junk, [False])
        assert_error_shape(answer, 400)
    templates = [r for r, head, _ in PIPELINE if not head]  # a HEAD answer has no body to read
    for _ in range(3000):
        data = bytearray(rng.choice(templates))
        for _ in range(rng.randrange(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        # the answer may be any status below 500, or none when the flip left the head unfinished
        with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
            sock.sendall(bytes(data))
            sock.shutdown(socket.SHUT_WR)
            answers, ending = read_answers(sock, [False] * 3, time.monotonic() + 20)  # a flip may split it in two
        tally.answered += len(answers)
        assert ending == "eof", (bytes(data), answers, ending)
        assert all(a.status < 500 for a in answers), (bytes(data), answers)
    tally.check("random")


# ---------------------------------------------------------------- schemathesis, every check, over loopback


@dataclass
class Api:
    schema: Any
    eras: list[Any]
    era_enum: set[str]


@pytest.fixture(scope="module")
def api(server: Server) -> Api:
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    eras = httpx.get(server.url + "/eras", timeout=10).json()["eras"]
    era = next(p for p in schema.raw_schema["paths"]["/search"]["get"]["parameters"] if p["name"] == "era")
    return Api(schema, eras, set(era["schema"]["enum"]))


def unstated_rule(case: Any, api: Api) -> str | None:
    """The rule of ``core.params`` that a JSON Schema cannot state and ``case`` meets, if any.

    The parameters' descriptions state these; everything else the schema says exactly. Positive
    cases: a backwards year range (one parameter against another). Negative cases: an era outside
    the enum that is still a part of one era's id or name, which the server accepts (as the command
    line does). A positive citation case that gives a style is sent as format text (``as_text_if_styled``).
    """
    if case.operation.path in ("/cite", "/papers/{id}/cite"):
        as_text_if_styled(case)
        return None
    if case.operation.path == "/path":  # one end or both, each optional alone: neither is refused (from is required)
        ends = case.query or {}
        if case.meta.generation.mode == GenerationMode.POSITIVE and not (ends.get("from") or ends.get("to")):
            return "neither end of a path"
        return None
    if case.operation.path not in ("/search", "/answer"):
        return None
    query = case.query or {}
    if case.meta.generation.mode == GenerationMode.POSITIVE:
        lo, hi = (str(query.get(name, "")) for name in ("year_from", "year_to"))
        if lo.isdigit() and hi.isdigit() and int(lo) > int(hi):
            return "year_from after year_to"
        return None
    era = query.get("era")
    era = era[-1] if isinstance(era, list) and era else era  # a repeated parameter (refused as repeated)
    if isinstance(era, str) and era not in api.era_enum and len(era) <= 200:
        try:
            resolve_era(era, api.eras)
            return "a part of one era's id or name"
        except QueryError:
            return None
    return None


def as_text_if_styled(case: Any) -> None:
    """A positive citation case that gives a style asks for format text, the one format that has a style: the
    server refuses a style with another (a rule between two parameters, which a JSON Schema cannot state)."""
    if case.meta.generation.mode == GenerationMode.POSITIVE and isinstance(case.query, dict) and "style" in case.query:
        case.query["format"] = "text"


# a hang guard (each request has 15 s), not a speed figure: under 30 s in a quiet fresh-clone run, it ran past 60 s
# beside Ray's first build with the machine at load 17
@pytest.mark.timeout(300)
@pytest.mark.slow
def test_schemathesis_coverage_phase_with_every_check(server: Server, api: Api, tally: Tally) -> None:
    """Boundary values, missing and unexpected parameters, unsupported methods: all checks pass."""
    session, sent, unstated = requests.Session(), 0, []
    try:
        for result in api.schema.get_all_operations():
            operation = result.ok()
            config = api.schema.config.generation_for(operation=operation)
            modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
            for case in api.schema.iter_coverage_cases(operation, generation_modes=modes, generation_config=config):
                if (rule := unstated_rule(case, api)) is not None:
                    unstated.append(rule)
                    continue
                response = case.call_and_validate(session=session, timeout=15)
                assert response.status_code < 500
                sent += 1
    finally:
        session.close()
    tally.answered += sent
    assert len(unstated) < 10, (sent, unstated)
    tally.check("coverage")


# (method, path, mode, examples): every operation, negative where the schema can be broken. /search has the
# most parameters and gets the most cases; 1,000 each way (derandomized: the same cases every run) keep it
# the largest share, twice any other operation's, and the file over its floor, while the whole suite stays
# under ten minutes: hypothesis's generation is most of its time (1,500 each way were 90 s of one worker here)
FUZZ = [
    ("GET", "/search", GenerationMode.POSITIVE, 1000),
    ("GET", "/search", GenerationMode.NEGATIVE, 1000),
    ("GET", "/papers/{id}", GenerationMode.POSITIVE, 500),
    ("GET", "/papers/{id}", GenerationMode.NEGATIVE, 500),
    ("GET", "/papers/{id}/similar", GenerationMode.POSITIVE, 500),
    ("GET", "/papers/{id}/similar", GenerationMode.NEGATIVE, 500),
    ("POST", "/admin/reload", GenerationMode.POSITIVE, 400),
    ("GET", "/answer", GenerationMode.POSITIVE, 300),
    ("GET", "/answer", GenerationMode.NEGATIVE, 300),
    ("GET", "/papers/{id}/path", GenerationMode.POSITIVE, 300),
    ("GET", "/papers/{id}/path", GenerationMode.NEGATIVE, 300),
    ("GET", "/path", GenerationMode.POSITIVE, 300),
    ("GET", "/path", GenerationMode.NEGATIVE, 300),
    ("GET", "/papers/{id}/cite", GenerationMode.POSITIVE, 300),
    ("GET", "/papers/{id}/cite", GenerationMode.NEGATIVE, 300),
    ("GET", "/cite", GenerationMode.POSITIVE, 300),
    ("GET", "/cite", GenerationMode.NEGATIVE, 300),
    *(("GET", path, GenerationMode.POSITIVE, 1) for path in ("/papers", "/eras", "/graph", "/health")),
]


@pytest.mark.timeout(900)  # a hang guard (a request has 15 s): /search takes 30-50 s alone, 270 s on a busy machine
@pytest.mark.parametrize(
    ("method", "path", "mode", "examples"), FUZZ, ids=[f"{m} {p} {g.value}" for m, p, g, _ in FUZZ]
)
@pytest.mark.fuzz
def test_schemathesis_fuzz_with_every_check(
    api: Api, tally: Tally, method: str, path: str, mode: GenerationMode, examples: int
) -> None:
    """Generated requests over one keep-alive connection; every built-in check (positive data accepted,
    negative data rejected, statuses and bodies as documented, no 5xx) on every answer."""
    operation = api.schema[path][method]
    session, sent = requests.Session(), []

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def check(case: Any) -> None:
        if unstated_rule(case, api) is not None:
            reject()
        response = case.call_and_validate(session=session, timeout=15)
        sent.append(response.status_code)
        assert response.status_code < 500

    try:
        check()
    finally:
        session.close()
    tally.answered += len(sent)
    tally.check(f"fuzz {method} {path} {mode.value}")


# ---------------------------------------------------------------- HEAD, methods, the schema, in process


@pytest.fixture(scope="module")
def client(index_dir: Path, searcher: Searcher) -> Iterator[TestClient]:
    settings_ = Settings(corpus=CORPUS, index=index_dir, model=MODEL, admin_token=None)
    with TestClient(create_app(settings_, searcher, reload_interval=0)) as c:
        yield c


GET_PAGES = [
    "/search?q=perceptron",
    "/papers",
    "/eras",
    "/papers/1989-lecun-cnn",
    "/papers/1989-lecun-cnn/similar?k=3",
    "/graph",
    "/health",
    "/openapi.json",
    "/",
    "/docs",
    "/static/app.js",
    "/docs-assets/swagger-ui.css",
    "/papers/no-such-paper",
]


@pytest.mark.parametrize("path", GET_PAGES)
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    if path == "/health":  # under load the corpus check may outlast the wait: "still being checked" is said first
        settle = time.monotonic() + 60
        while "still being checked" in (client.get(path).json()["problem"] or "") and time.monotonic() < settle:
            time.sleep(0.2)
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code and head.content == b""
    for name in ("content-type", "content-security-policy", "x-content-type-options", "allow"):
        assert head.headers.get(name) == got.headers.get(name), name
    if path.startswith("/search"):  # each answer says how long it took: its length varies by a byte or two
        assert int(head.headers["content-length"]) > 1000
    else:
        assert head.headers.get("content-length") == got.headers.get("content-length")  # none when gzip streams


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "PATCH", "DELETE", "TRACE"])
def test_other_methods_get_405_with_allow_and_the_one_body(client: TestClient, method: str) -> None:
    for path in ("/search?q=x", "/health", "/papers/1989-lecun-cnn"):
        r = client.request(method, path)
        assert r.status_code == 405 and r.headers["allow"] == "GET"
        assert r.json()["error"]["type"] == "method_not_allowed" and method in r.json()["error"]["message"]


def test_the_middleware_refuses_oversized_heads_under_any_server(client: TestClient) -> None:
    """In process (no uvicorn protocol in front): the same limits, the same body."""
    r = client.get("/health", headers={"X-Pad": "p" * middleware.MAX_HEADER_BYTES})
    assert r.status_code == 431 and r.json()["error"]["type"] == "headers_too_large"
    r = client.get("/search?q=" + "q" * middleware.MAX_TARGET_BYTES)
    assert r.status_code == 414 and r.json()["error"]["type"] == "uri_too_long"
    assert client.get("/health", headers={"X-Pad": "p" * 1000}).status_code == 200


def test_the_schema_lists_the_eras_of_the_index_served(client: TestClient, searcher: Searcher) -> None:
    params = {
        p["name"]: p["schema"] for p in client.get("/openapi.json").json()["paths"]["/search"]["get"]["parameters"]
    }
    eras = searcher.eras()
    assert params["era"]["enum"] == [e["id"] for e in eras] + [e["name"] for e in eras] + [""]
    assert params["k"]["default"] == 10 and params["year_from"]["anyOf"][1] == {**schemas.EMPTY}
    other = [{**eras[0], "id": "a-new-era", "name": "A New Era"}]  # what a reload to another index would give
    schema = schemas.live_openapi(client.app.openapi(), other)  # type: ignore[attr-defined]
    era = next(p for p in schema["paths"]["/search"]["get"]["parameters"] if p["name"] == "era")
    assert era["schema"]["enum"] == ["a-new-era", "A New Era", ""]


def test_the_query_pattern_says_what_check_query_accepts() -> None:
    """For every character of the Basic Multilingual Plane, alone and between letters; surrogates, which
    UTF-8 cannot carry (so no URL holds one), are the documented exception."""
    pattern = re.compile(schemas.QUERY["pattern"])
    for code in range(0x10000):
        for text in (chr(code), f"a{chr(code)}b"):
            try:
                check_query(text)
                accepted = True
            except QueryError:
                accepted = False
            if unicodedata.category(chr(code)) == "Cs":
                assert not accepted, hex(code)
            else:
                assert bool(pattern.search(text)) == accepted, (hex(code), text)


def accepts(check: Any, value: str) -> bool:
    try:
        check(value)
        return True
    except QueryError:
        return False


def test_the_flag_and_ignore_patterns_say_what_the_checks_accept() -> None:
    flag, ignore = re.compile(schemas.FLAG["pattern"]), re.compile(schemas.IGNORE["pattern"])
    spaces = ["", " ", "\t", "\x1c", "\u3000", "\xa0"]
    words = [*schemas.FLAG_WORDS, "TRUE", "Yes", "oFF", "", "truee", "t rue", "2", "yeſ", "\u212aeep", "nO\x00"]
    for word in words:
        for pad in spaces:
            text = pad + word + pad
            assert bool(flag.search(text)) == accepts(lambda v: check_flag("understand", v), text), repr(text)
    pieces = [*PLAN_PARTS, "", " ", "Time", "nam es", "times", "\u3000names"]
    for a in pieces:
        for b in pieces:
            for text in (a, f"{a},{b}", f"{a}, {b},", f",{a},,{b} "):
                assert bool(ignore.search(text)) == accepts(check_ignore, text), repr(text)


def test_understand_and_ignore_reach_the_searcher(client: TestClient) -> None:
    url = "/search?q=papers+from+the+late+1980s+about+handwriting"
    assert client.get(url).json()["understood"]["time"]
    assert client.get(url + "&ignore=time").json()["understood"]["time"] is None
    assert client.get(url + "&understand=0").json()["understood"] is None  # not read at all
    assert client.get(url + "&ignore=when").json()["error"]["param"] == "ignore"


# ---------------------------------------------------------------- no path of the machine in a body


def test_public_text_writes_paths_from_the_folders_the_client_may_name(tmp_path: Path) -> None:
    folders = {"index": tmp_path / "index", "corpus": tmp_path / "corpus"}
    damaged = f"{tmp_path}/index/versions/v2/vectors.npy is damaged; faiss said /opt/faiss/io.cpp:42"
    assert public_text(damaged, folders) == "index/versions/v2/vectors.npy is damaged; faiss said io.cpp:42"
    assert public_text(f"no index at {tmp_path}/index-old", folders) == "no index at index-old"
    assert public_text(f"error: {tmp_path}/corpus: corpus folder not found", folders) == (
        "error: corpus: corpus folder not found"
    )
    unchanged = "papers/x.md: front matter: see https://example.org/a/b and/or `papersearch index`"
    assert public_text(unchanged, folders) == unchanged


def assert_no_machine_path(text: str, *paths: Path) -> None:
    for path in (*paths, Path.home(), Path(__file__).resolve().parents[1]):
        assert str(path) not in text, text
    assert not ABSOLUTE_PATH.search(text), text


def test_no_index_answers_without_a_path(tmp_path: Path) -> None:
    missing = tmp_path / "missing-index"
    settings_ = Settings(corpus=tmp_path / "no-corpus", index=missing, model=MODEL, admin_token=None)
    with TestClient(create_app(settings_, reload_interval=0)) as c:
        search, health = c.get("/search?q=perceptron"), c.get("/health")
    assert search.status_code == 503 and "index" in search.json()["error"]["message"]
    assert health.status_code == 503 and health.json()["problem"]
    for r in (search, health):
        assert_no_machine_path(r.text, tmp_path)


@pytest.mark.timeout(120)
def test_a_damaged_version_is_reported_without_a_path(index_copy: Path, tmp_path: Path) -> None:
    env = {"PAPERSEARCH_RELOAD_INTERVAL": "0.2", "PAPERSEARCH_ADMIN_TOKEN": TOKEN}
    good = store.current_version(index_copy)
    with running_server(index_copy, CORPUS, tmp_path / "server.log", env) as s, httpx.Client(base_url=s.url) as c:
        damaged = index_copy / store.VERSIONS / "v-damaged"
        shutil.copytree(index_copy / store.VERSIONS / good, damaged)
        vectors = damaged / "vectors.npy"
        data = bytearray(vectors.read_bytes())
        data[len(data) // 2] ^= 0x5A  # same size, another byte
        vectors.write_bytes(bytes(data))
        (index_copy / ".CURRENT.tmp").write_text("v-damaged\n", encoding="utf-8")
        (index_copy / ".CURRENT.tmp").replace(index_copy / store.POINTER)
        deadline = time.monotonic() + 30
        while c.get("/health").json()["status"] != "degraded":
            assert time.monotonic() < deadline, "the damage was not reported"
            time.sleep(0.1)
        health = c.get("/health")
        reload = c.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
        assert str(index_copy) in s.output()  # the server's log keeps the full path, for its operator
    problem = health.json()["problem"]
    assert health.status_code == 200 and "index/versions/v-damaged/vectors.npy" in problem and good in problem
    assert reload.status_code == 503 and "index/versions/v-damaged/vectors.npy" in reload.json()["error"]["message"]
    for r in (health, reload):
        assert_no_machine_path(r.text, index_copy, tmp_path)


# ---------------------------------------------------------------- the floor, over the whole file

SHARES = {  # answers each test must receive (all without a 5xx or a drop): together, the floor
    "limits": 4,
    "oversized": 15,
    "pipelined refusal": 4,
    "malformed": 60 * len(MALFORMED) + 150 * 35 + 15,  # every request owes one answer
    "random": RANDOM_JUNK,  # every random junk owes one 400; a mutated request may owe none
    "coverage": 151,
    # hypothesis may stop short of max_examples (a small space, rejected cases): at least half of them
    **{f"fuzz {m} {p} {g.value}": max(1, n // 2) for m, p, g, n in FUZZ},
}


def test_the_shares_add_up_to_the_floor() -> None:
    """Each test above asserts its share; when they all pass, the file answered at least the floor."""
    runs = {"limits", "oversized", "pipelined refusal", "malformed", "random", "coverage"}
    assert set(SHARES) == runs | {f"fuzz {m} {p} {g.value}" for m, p, g, _ in FUZZ}
    assert sum(SHARES.values()) >= FLOOR, sum(SHARES.values())
