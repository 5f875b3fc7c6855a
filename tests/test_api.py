"""The HTTP API in-process: every endpoint, every bad input, one error shape, reloads, security headers."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from papersearch.cli.flag_names import in_flags
from papersearch.core.ids import ID_RULE, MAX_ID_CHARS
from papersearch.core.params import MAX_CITE_IDS
from papersearch.core.settings import Settings
from papersearch.index.store import current_version
from papersearch.query.cite import CITE_FORMATS, MEDIA_TYPES, TEXT_STYLES, cite
from papersearch.query.searcher import Searcher
from papersearch.serve.app import WEB_DIR, create_app
from papersearch.serve.run import is_loopback

from .conftest import CORPUS, MODEL

LECUN = "1989-lecun-cnn"
RUMELHART = "1986-rumelhart-backpropagation"
DROPOUT, ACOUSTIC = "2014-srivastava-dropout-simple", "2012-hinton-deep-neural"  # imported, in ``imported``
LECUN_TITLE = "Handwritten Digit Recognition with a Back-Propagation Network"
TOKEN = "test-admin-token-7f3a"


def make_settings(index: Path, corpus: Path = CORPUS, token: str | None = None) -> Settings:
    return Settings(corpus=corpus, index=index, model=MODEL, admin_token=token)


@pytest.fixture(scope="module")
def client(index_dir: Path, searcher: Searcher) -> Iterator[TestClient]:
    app = create_app(make_settings(index_dir), searcher, reload_interval=0)
    with TestClient(app) as c:
        yield c


def get_json(client: TestClient, url: str, status: int = 200) -> Any:
    r = client.get(url)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


# ---------------------------------------------------------------- endpoints


def test_search_ranks_lecun_first_and_names_the_version(client: TestClient, searcher: Searcher) -> None:
    body = get_json(client, "/search?q=convolutional+network+handwritten+digits&k=5")
    assert body["index_version"] == searcher.version
    assert [r["rank"] for r in body["results"]] == [1, 2, 3, 4, 5]
    top = body["results"][0]
    assert (top["id"], top["title"], top["year"]) == (LECUN, LECUN_TITLE, 1989)
    assert top["why"]["sentence"] and {"handwritten", "digits"} <= {t.lower() for t in top["why"]["terms"]}
    assert {n["id"] for n in top["neighbours"]["cites"]} == {
        n["id"] for n in searcher.paper(LECUN)["references"]["cites"]
    }
    assert body["filters"] == {"year_from": None, "year_to": None, "era": None}


def test_a_repeated_search_is_served_from_the_cache_with_the_same_body(client: TestClient) -> None:
    url = "/search?q=who+trained+a+net+to+play+backgammon%3F&k=3&mode=dense"
    first, again = get_json(client, url), get_json(client, url)
    assert (first["cached"], again["cached"]) == (False, True)
    assert again["results"] == first["results"] and again["query"] == first["query"]
    bad = client.get("/search?q=who+trained+a+net+to+play+backgammon%3F&k=3&mode=dense&year_from=1999&year_to=1990")
    assert bad.status_code == 422 and bad.json()["error"]["param"] == "year_from"  # checked before any cache


def test_search_filters_and_modes(client: TestClient) -> None:
    body = get_json(client, "/search?q=learning&k=100&era=deep+learning+explosion&mode=lexical")
    assert body["filters"]["era"] == "the-deep-learning-explosion"
    assert body["results"] and {r["era"] for r in body["results"]} == {"the-deep-learning-explosion"}
    assert all(r["scores"]["dense"] is None for r in body["results"])
    body = get_json(client, "/search?q=learning&k=100&year_from=1986&year_to=1991&mode=dense")
    assert body["results"] and all(1986 <= r["year"] <= 1991 for r in body["results"])
    assert all(r["scores"]["dense"] is not None for r in body["results"])


def test_papers_and_one_paper(client: TestClient, searcher: Searcher) -> None:
    body = get_json(client, "/papers")
    assert body["count"] == len(body["papers"]) == len(searcher.data.records) == 49
    assert set(body["papers"][0]) == {"id", "year", "title", "authors", "era"}
    assert [p["year"] for p in body["papers"]] == sorted(p["year"] for p in body["papers"])
    paper = get_json(client, f"/papers/{LECUN}")
    assert paper == searcher.paper(LECUN)
    assert paper["summary"] and paper["concepts"] and paper["references"]["cited_by"]


def test_a_neighbourhood_side_a_page_at_a_time(client: TestClient, searcher: Searcher) -> None:
    refs = searcher.paper(RUMELHART)["references"]
    assert refs["cited_by_total"] == len(refs["cited_by"]) >= 3 and refs["cites_total"] == len(refs["cites"])
    first = get_json(client, f"/papers/{RUMELHART}/neighbours?side=cited_by&limit=2")
    rest = get_json(client, f"/papers/{RUMELHART}/neighbours?offset=2")  # cited_by by default
    assert first["total"] == rest["total"] == refs["cited_by_total"] and (first["offset"], rest["offset"]) == (0, 2)
    assert first["results"] + rest["results"] == refs["cited_by"] and len(first["results"]) == 2
    assert (
        get_json(client, f"/papers/{LECUN}/neighbours?side=cites")["results"]
        == searcher.paper(LECUN)["references"]["cites"]
    )


def test_similar(client: TestClient) -> None:
    body = get_json(client, f"/papers/{LECUN}/similar?k=3")
    assert body["id"] == LECUN and len(body["results"]) == 3
    assert LECUN not in {r["id"] for r in body["results"]}
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_eras_hold_every_paper_once(client: TestClient, searcher: Searcher) -> None:
    body = get_json(client, "/eras")
    assert body["count"] == len(body["eras"]) == 7
    ids = [pid for e in body["eras"] for pid in e["papers"]]
    assert sorted(ids) == sorted(r["id"] for r in searcher.data.records)
    era_of = {r["id"]: r["era"] for r in searcher.data.records}
    assert all(era_of[pid] == e["id"] for e in body["eras"] for pid in e["papers"])
    assert all(e["intro"] and e["start"] <= e["end"] for e in body["eras"])


def test_graph(client: TestClient, searcher: Searcher) -> None:
    body = get_json(client, "/graph")
    assert body["index_version"] == searcher.version
    assert len(body["edges"]) == searcher.data.manifest["counts"]["edges"] > 0
    ids = {p["id"] for p in body["papers"]}
    assert all(e["source"] in ids and e["target"] in ids for e in body["edges"])


@pytest.mark.parametrize(
    ("fmt", "media", "ext"),
    [
        ("bibtex", "application/x-bibtex", "bib"),
        ("csl-json", "application/vnd.citationstyles.csl+json", "json"),
        ("ris", "application/x-research-info-systems", "ris"),
        ("text", "text/plain", "txt"),
    ],
)
def test_a_paper_is_cited_with_its_formats_media_type_and_a_file_name(
    client: TestClient, searcher: Searcher, fmt: str, media: str, ext: str
) -> None:
    r = client.get(f"/papers/{LECUN}/cite?format={fmt}")
    assert r.status_code == 200 and r.headers["content-type"] == f"{media}; charset=utf-8"
    assert r.headers["content-disposition"] == f'attachment; filename="{LECUN}.{ext}"'
    assert r.text == cite([searcher.paper(LECUN)], fmt) and "LeCun" in r.text
    if fmt == "bibtex":
        assert r.text.startswith(f"@misc{{{LECUN},") and LECUN_TITLE.split()[0] in r.text
    if fmt == "csl-json":
        assert r.json()[0]["id"] == LECUN


def test_several_papers_are_cited_in_the_order_given_each_once(client: TestClient, searcher: Searcher) -> None:
    ids = ["2017-vaswani-transformer", LECUN, "1986-rumelhart-backpropagation", LECUN]
    r = client.get("/cite?ids=" + ",".join(ids) + "&format=ris")
    assert r.status_code == 200 and r.headers["content-disposition"] == 'attachment; filename="references.ris"'
    assert re.findall(r"^ID  - (.+)$", r.text, re.M) == ids[:3]
    short = client.get(f"/cite?ids={LECUN}&format=text&style=short")
    assert short.text == cite([searcher.paper(LECUN)], "text", "short") and short.text.startswith("LeCun, Y., Boser")
    head = client.head(f"/cite?ids={LECUN}")
    assert (
        head.status_code == 200 and head.content == b"" and head.headers["content-type"].startswith("application/x-bib")
    )


def test_an_imported_paper_is_served_and_cited_with_its_identifiers(imported: tuple[Path, Path]) -> None:
    corpus, index = imported
    with TestClient(create_app(make_settings(index, corpus), reload_interval=0)) as c:
        paper = get_json(c, f"/papers/{DROPOUT}")
        assert (paper["question"], paper["summary"], paper["arxiv"]) == ("", "", "1207.0580")
        assert paper["url"] == "https://jmlr.org/papers/v15/srivastava14a.html" and "doi" not in paper
        hinton = get_json(c, f"/papers/{ACOUSTIC}")
        assert hinton["doi"] == "10.1109/MSP.2012.2205597" and hinton["venue"] == "IEEE Signal Processing Magazine"
        bib = c.get(f"/cite?ids={DROPOUT},{ACOUSTIC}").text
        assert "eprint        = {1207.0580}" in bib and "doi     = {10.1109/MSP.2012.2205597}" in bib
        hits = get_json(c, "/search?q=dropout+prevents+overfitting&k=3")["results"]
        assert hits[0]["id"] == DROPOUT and hits[0]["question"] == ""


def test_health_ok(client: TestClient, searcher: Searcher) -> None:
    body = get_json(client, "/health")
    assert body == {
        "status": "ok",
        "index_version": searcher.version,
        "corpus_hash": searcher.data.manifest["corpus_hash"],
        "stale": False,
        "papers": 49,
        "problem": None,
    }


def settled_health(c: TestClient) -> Any:
    """``/health`` once the corpus check has answered: under load it may outlast the wait, and "still being
    checked" is said until it does."""
    settle = time.monotonic() + 60
    while "still being checked" in ((body := get_json(c, "/health"))["problem"] or "") and time.monotonic() < settle:
        time.sleep(0.2)
    return body


def test_health_sees_an_edited_corpus_as_stale(index_dir: Path, searcher: Searcher, corpus_copy: Path) -> None:
    app = create_app(make_settings(index_dir, corpus_copy), searcher, reload_interval=0)
    with TestClient(app) as c:
        assert settled_health(c)["stale"] is False
        path = corpus_copy / "papers" / "1989-lecun-cnn.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nIt also reads zip codes.\n", encoding="utf-8")
        body = settled_health(c)
        assert body["stale"] is True and body["status"] == "ok"
        (corpus_copy / "eras.yaml").write_text("- : broken\n", encoding="utf-8")
        body = settled_health(c)
        assert body["status"] == "degraded" and "staleness" in body["problem"]


# ---------------------------------------------------------------- the one error shape

LONG_ID = "a" * 201
BAD_REQUESTS = [
    ("GET", "/search", 422, "q"),
    ("GET", "/search?q=", 422, "q"),
    ("GET", "/search?q=%20%20%20", 422, "q"),
    ("GET", "/search?q=" + "a" * 501, 422, "q"),
    ("GET", "/search?q=%00%07tab", 422, "q"),
    ("GET", "/search?q=x&k=0", 422, "k"),
    ("GET", "/search?q=x&k=101", 422, "k"),
    ("GET", "/search?q=x&k=abc", 422, "k"),
    ("GET", "/search?q=x&mode=fuzzy", 422, "mode"),
    ("GET", "/search?q=x&era=bronze-age", 422, "era"),
    ("GET", "/search?q=x&year_from=2000&year_to=1990", 422, "year_from"),
    ("GET", "/search?q=x&year_from=20000", 422, "year_from"),
    ("GET", "/search?q=x&year_to=19x9", 422, "year_to"),
    ("GET", "/papers/no-such-paper", 404, "id"),
    ("GET", "/papers/%2e%2e", 422, "id"),
    ("GET", "/papers/..%2F..%2Fetc%2Fpasswd", 404, None),
    ("GET", "/papers/../../etc/passwd", 404, None),
    ("GET", "/papers/" + LONG_ID, 422, "id"),
    ("GET", "/papers/" + "a" * (MAX_ID_CHARS + 1), 422, "id"),  # the corpus could not hold it: not "not found"
    ("GET", "/papers/ab/similar", 422, "id"),
    ("GET", f"/path?from=Bad%20Id&to={LECUN}", 422, "from"),
    ("GET", f"/papers/{'a' * (MAX_ID_CHARS + 1)}/path", 422, "id"),
    ("GET", "/papers/1989-LeCun-CNN", 422, "id"),
    ("GET", "/papers/no-such-paper/similar", 404, "id"),
    ("GET", f"/papers/{LECUN}/similar?k=0", 422, "k"),
    ("GET", f"/papers/{LECUN}/neighbours?side=up", 422, "side"),
    ("GET", f"/papers/{LECUN}/neighbours?offset=-1", 422, "offset"),
    ("GET", f"/papers/{LECUN}/neighbours?limit=101", 422, "limit"),
    ("GET", "/papers/no-such-paper/neighbours", 404, "id"),
    ("GET", "/no/such/route", 404, None),
    ("GET", "/static/no-such-file.js", 404, None),
    ("GET", "/static/../api.py", 404, None),
    ("GET", "/static/%2e%2e/api.py", 404, None),
    ("POST", "/search?q=x", 405, None),
    ("DELETE", "/papers", 405, None),
    ("PUT", "/health", 405, None),
    ("POST", "/admin/reload", 404, None),  # no token configured: the endpoint is off
    ("GET", "/papers/no-such-paper/cite", 404, "id"),
    ("GET", "/papers/1989-LeCun-CNN/cite", 422, "id"),
    ("GET", f"/papers/{LECUN}/cite?format=endnote", 422, "format"),
    ("GET", f"/papers/{LECUN}/cite?format=text&style=apa", 422, "style"),
    ("GET", "/cite", 422, "ids"),
    ("GET", "/cite?ids=", 422, "ids"),
    ("GET", f"/cite?ids={LECUN},,{LECUN}", 422, "ids"),
    ("GET", f"/cite?ids={LECUN},Bad%20Id", 422, "ids"),
    ("GET", f"/cite?ids={LECUN},no-such-paper", 404, "ids"),
    ("GET", "/cite?ids=" + ",".join([LECUN] * 101), 422, "ids"),
    ("GET", f"/cite?ids={LECUN}&format=bibtex&style=x", 422, "style"),
    ("POST", f"/cite?ids={LECUN}", 405, None),
]


@pytest.mark.parametrize(
    ("method", "url", "status", "param"), BAD_REQUESTS, ids=[f"{m} {u[:50]}" for m, u, _, _ in BAD_REQUESTS]
)
def test_every_error_has_one_shape(client: TestClient, method: str, url: str, status: int, param: str | None) -> None:
    r = client.request(method, url)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "type", "message", "param"}
    err = body["error"]
    assert err["status"] == status
    assert re.fullmatch(r"[a-z_]+", err["type"])
    assert isinstance(err["message"], str) and len(err["message"]) > 10
    assert err["param"] == param
    if param:
        assert param in err["message"] or "paper id" in err["message"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_error_messages_say_the_fix(client: TestClient) -> None:
    msg = client.get("/search?q=x&k=abc").json()["error"]["message"]
    assert msg == "k must be a whole number from 1 to 100, not 'abc'"
    msg = client.get(f"/papers/{'a' * (MAX_ID_CHARS + 1)}/similar?k=0").json()["error"]["message"]
    assert msg == f"id must be a paper id: {ID_RULE}, not a text of {MAX_ID_CHARS + 1} characters"  # before k
    assert client.get(f"/papers/{'a' * MAX_ID_CHARS}").status_code == 404  # well formed, and no paper has it
    msg = client.get("/search?q=x&era=bronze-age").json()["error"]["message"]
    assert "origins-of-neural-computation" in msg  # lists the known eras
    assert client.post("/search?q=x").headers["allow"] == "GET"


def test_unhandled_errors_leave_as_a_500_in_the_same_shape(index_dir: Path, searcher: Searcher) -> None:
    app = create_app(make_settings(index_dir), searcher, reload_interval=0)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert r.json() == {
        "error": {"status": 500, "type": "internal_error", "message": r.json()["error"]["message"], "param": None}
    }
    assert "a bug" not in r.text  # no internals leak


def test_request_bodies_are_limited(client: TestClient) -> None:
    r = client.post("/admin/reload", content=b"x" * (65 * 1024))
    assert r.status_code == 413 and r.json()["error"]["type"] == "payload_too_large"
    assert r.headers["x-content-type-options"] == "nosniff"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit still holds
        for _ in range(20):
            yield b"y" * 4096

    r = client.post("/admin/reload", content=chunks())
    assert r.status_code == 413


# ---------------------------------------------------------------- admin reload and hot swap


@pytest.fixture
def admin(index_copy: Path) -> Iterator[tuple[TestClient, Path]]:
    app = create_app(make_settings(index_copy, token=TOKEN), reload_interval=0)
    with TestClient(app) as c:
        yield c, index_copy


def test_admin_reload_needs_the_right_token(admin: tuple[TestClient, Path]) -> None:
    c, _ = admin
    assert c.post("/admin/reload").status_code == 401
    assert c.post("/admin/reload", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert c.post("/admin/reload", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    assert (
        c.post("/admin/reload", headers={"Authorization": ("Bearer " + TOKEN[:-1] + "é").encode()}).status_code == 403
    )
    r = c.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.json()["reloaded"] is False and r.json()["index_version"] == r.json()["previous_version"]


def _copy_version(index: Path, name: str) -> Path:
    src = index / "versions" / current_version(index)
    dst = index / "versions" / name
    shutil.copytree(src, dst)
    return dst


def test_a_broken_new_version_keeps_the_old_one_serving(admin: tuple[TestClient, Path]) -> None:
    c, index = admin
    auth = {"Authorization": f"Bearer {TOKEN}"}
    good = current_version(index)
    served = c.get("/health").json()["index_version"]
    broken = _copy_version(index, "vbroken")
    (broken / "vectors.npy").write_bytes(b"not numpy")
    (index / "CURRENT").write_text("vbroken\n", encoding="utf-8")

    r = c.post("/admin/reload", headers=auth)
    assert r.status_code == 503 and "vbroken" in r.json()["error"]["message"]
    health = c.get("/health").json()
    assert health["status"] == "degraded" and "vbroken" in health["problem"] and health["index_version"] == served
    assert c.get("/search?q=perceptron").json()["index_version"] == served

    (index / "CURRENT").write_text(good + "\n", encoding="utf-8")
    assert c.post("/admin/reload", headers=auth).json()["reloaded"] is False
    assert c.get("/health").json()["status"] == "ok"

    _copy_version(index, "vcopy")
    (index / "CURRENT").write_text("vcopy\n", encoding="utf-8")
    live = c.app.state.live  # type: ignore[attr-defined]
    before = live.searcher
    assert c.post("/admin/reload", headers=auth).json()["reloaded"] is True
    assert live.searcher is not before
    assert live.searcher._encoder is before._encoder  # the model is reused across the swap
    assert c.get("/search?q=convolutional+network+handwritten+digits").json()["results"][0]["id"] == LECUN


def test_the_watcher_swaps_in_a_new_version_by_itself(index_copy: Path, searcher: Searcher) -> None:
    app = create_app(make_settings(index_copy), searcher, reload_interval=0.05)
    with TestClient(app) as c:
        live = app.state.live
        _copy_version(index_copy, "vwatched")
        (index_copy / "CURRENT").write_text("vwatched\n", encoding="utf-8")
        import time

        deadline = time.monotonic() + 20
        while live.searcher is searcher and time.monotonic() < deadline:
            time.sleep(0.05)
        assert live.searcher is not searcher
        assert live.searcher.data.path.name == "vwatched"
        assert c.get("/health").json()["status"] == "ok"


def test_no_index_answers_503_until_one_appears(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path / "missing"), reload_interval=0)
    with TestClient(app) as c:
        r = c.get("/search?q=perceptron")
        assert r.status_code == 503 and r.json()["error"]["type"] == "index_unavailable"
        assert "papersearch index" in r.json()["error"]["message"]
        health = c.get("/health")
        assert health.status_code == 503 and health.json()["status"] == "degraded"


# ---------------------------------------------------------------- the page and security headers


def test_page_has_a_strict_csp_and_no_inline_code(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    html = r.text
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []  # every script is a file
    assert not re.search(r"\sstyle\s*=|<style|\son[a-z]+\s*=|javascript:", html)  # no inline style or handlers
    for name in ("index.html", "app.js", "style.css"):
        text = (WEB_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"(?:src|href)=[\"']?(?:https?:)?//", text), f"{name} loads something remote"
        # the only remote origins named: where a paper's DOI and arXiv id lead, as links a person may follow
        links = {"https://doi.org/", "https://arxiv.org/abs/"} if name == "app.js" else set()
        named = set(re.findall(r"https?://(?!www\.w3\.org/2000/svg)[^\s\"'`]*", text))
        assert named == links, f"{name} names a remote origin: {named - links}"
    assert ".innerHTML" not in (WEB_DIR / "app.js").read_text(encoding="utf-8")


def test_static_files_are_served_from_the_web_folder_only(client: TestClient) -> None:
    r = client.get("/static/app.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")


def test_cors_is_off_unless_configured(
    client: TestClient, index_dir: Path, searcher: Searcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = {"Origin": "https://example.org"}
    assert "access-control-allow-origin" not in client.get("/health", headers=origin).headers
    monkeypatch.setenv("PAPERSEARCH_CORS_ORIGINS", "https://example.org, https://other.example")
    monkeypatch.setenv("PAPERSEARCH_INDEX", str(index_dir))
    with TestClient(create_app(Settings.from_env(), searcher, reload_interval=0)) as c:
        assert c.get("/health", headers=origin).headers["access-control-allow-origin"] == "https://example.org"
        assert "access-control-allow-origin" not in c.get("/health", headers={"Origin": "https://evil.example"}).headers


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    spec = get_json(client, "/openapi.json")
    paths = spec["paths"]
    expected = {
        "/search",
        "/papers",
        "/eras",
        "/papers/{id}",
        "/papers/{id}/similar",
        "/papers/{id}/neighbours",
        "/graph",
        "/health",
        "/admin/reload",
        "/answer",
        "/papers/{id}/path",
        "/path",
        "/papers/{id}/cite",
        "/cite",
    }
    assert set(paths) == expected
    for path in ("/papers/{id}/cite", "/cite"):
        ok = paths[path]["get"]["responses"]["200"]
        assert set(ok["content"]) == set(MEDIA_TYPES.values()) and "Content-Disposition" in ok["headers"]
        assert {p["name"]: p["schema"]["enum"] for p in paths[path]["get"]["parameters"] if "enum" in p["schema"]} == {
            "format": list(CITE_FORMATS),
            "style": list(TEXT_STYLES),
        }
    ids = next(p for p in paths["/cite"]["get"]["parameters"] if p["name"] == "ids")
    assert re.fullmatch(ids["schema"]["pattern"], ",".join([LECUN] * MAX_CITE_IDS))
    assert not re.fullmatch(ids["schema"]["pattern"], ",".join([LECUN] * (MAX_CITE_IDS + 1)))
    assert f"at most {MAX_CITE_IDS}" in paths["/cite"]["get"]["description"]
    search = paths["/search"]["get"]
    assert search["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/SearchResults")
    assert search["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    params = {p["name"]: p for p in search["parameters"]}
    assert params["q"]["required"] and params["q"]["schema"]["maxLength"] == 500
    assert params["k"]["schema"]["maximum"] == 100 and params["mode"]["schema"]["enum"] == [
        "hybrid",
        "dense",
        "lexical",
    ]
    hit = spec["components"]["schemas"]["SearchHit"]["properties"]
    assert {"why", "neighbours", "scores", "era_name"} <= set(hit)


def test_is_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2") and not is_loopback("example.org")


# ---------------------------------------------------------------- property-based: schemathesis over /openapi.json


@pytest.fixture(scope="module")
def api_schema(index_dir: Path, searcher: Searcher) -> Any:
    return schemathesis.openapi.from_asgi(
        "/openapi.json", create_app(make_settings(index_dir), searcher, reload_interval=0)
    )


# (schemathesis.pytest.from_fixture breaks on pytest 9, so each operation gets a plain Hypothesis test)
OPERATIONS = [
    ("GET", "/search"),
    ("GET", "/papers"),
    ("GET", "/eras"),
    ("GET", "/papers/{id}"),
    ("GET", "/papers/{id}/similar"),
    ("GET", "/graph"),
    ("GET", "/health"),
    ("POST", "/admin/reload"),
    ("GET", "/answer"),
    ("GET", "/papers/{id}/path"),
    ("GET", "/path"),
    ("GET", "/papers/{id}/cite"),
    ("GET", "/cite"),
]


WITH_PARAMETERS = [
    op
    for op in OPERATIONS
    if op[1]
    in (
        "/search",
        "/papers/{id}",
        "/papers/{id}/similar",
        "/answer",
        "/papers/{id}/path",
        "/path",
        "/papers/{id}/cite",
        "/cite",
    )
]
FUZZ = [(m, p, GenerationMode.POSITIVE) for m, p in OPERATIONS] + [
    (m, p, GenerationMode.NEGATIVE) for m, p in WITH_PARAMETERS
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("method", "path", "mode"), FUZZ, ids=[f"{m} {p} {g.value}" for m, p, g in FUZZ])
def test_fuzzed_requests_never_fail_or_break_the_schema(
    api_schema: Any, method: str, path: str, mode: GenerationMode
) -> None:
    """No 5xx, every status documented, every body valid against its schema, invalid input always rejected.

    "Schema-valid data is accepted" is not checked: some rules are semantic (an era must exist, a
    year range must not be backwards, a query needs a visible character) and answer 422 by design.
    """
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(mode))
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    def check(case: Any) -> None:
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        assert response.status_code < 500

    check()


def test_docs_page_works_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "https://" not in page.text and "http://" not in page.text  # nothing from a CDN
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css"):
        r = client.get(asset)
        assert r.status_code == 200 and len(r.content) > 10_000
    assert client.get("/redoc").status_code == 404


# ---------------------------------------------------------------- one message per fault, in every face

SAME_FAULTS = [  # (ask arguments, /search query string): the same bad value given to each face
    (["cnn", "-k", "abc"], "q=cnn&k=abc"),
    (["cnn", "-k", "0"], "q=cnn&k=0"),
    (["cnn", "--year-from", "soon"], "q=cnn&year_from=soon"),
    (["cnn", "--year-to", "1700"], "q=cnn&year_to=1700"),
    (["cnn", "--year-from", "2000", "--year-to", "1990"], "q=cnn&year_from=2000&year_to=1990"),
    (["cnn", "--era", "bronze"], "q=cnn&era=bronze"),
    (["   "], "q=%20%20"),
]


@pytest.mark.parametrize(("args", "query"), SAME_FAULTS, ids=[q for _, q in SAME_FAULTS])
def test_cli_and_api_say_the_same_words(client: TestClient, index_dir: Path, args: list[str], query: str) -> None:
    import subprocess
    import sys

    body = client.get("/search?" + query).json()
    assert body["error"]["status"] == 422
    out = subprocess.run(
        [sys.executable, "-m", "papersearch", "ask", "--index", str(index_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode in (1, 2) and out.stderr.count("\n") == 1
    said = in_flags(body["error"]["message"], body["error"]["param"])  # the API's words, with the CLI's names
    assert said in out.stderr, (said, out.stderr)


def test_an_unknown_paper_is_said_alike(client: TestClient, index_dir: Path) -> None:
    import subprocess
    import sys

    body = client.get("/papers/1999-no-such-paper").json()
    assert body["error"]["status"] == 404
    out = subprocess.run(
        [sys.executable, "-m", "papersearch", "show", "1999-no-such-paper", "--index", str(index_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1 and out.stderr == f"error: {body['error']['message']}\n"
