"""What a request's URL may hold: each endpoint's own parameters, each once; and where a slash redirect points.

A parameter an endpoint does not take, or one given twice, changed nothing a client could see (FastAPI and
Starlette read the last of a repeated one and ignore the rest), so a misspelt filter looked applied. Each is
refused in the one error body, naming it. The web page and static files take any query. A redirect that
adds or drops a trailing slash points at the path alone, whatever the ``Host`` header says.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from papersearch.core.settings import Settings
from papersearch.query.searcher import Searcher
from papersearch.serve.app import create_app

from .conftest import CORPUS, MODEL

LECUN = "1989-lecun-cnn"
SEARCH_TAKES = "q, k, mode, year_from, year_to, era, understand, ignore"


@pytest.fixture(scope="module")
def client(index_dir: Path, searcher: Searcher) -> Iterator[TestClient]:
    app = create_app(Settings(corpus=CORPUS, index=index_dir, model=MODEL), searcher, reload_interval=0)
    with TestClient(app) as c:
        yield c


def refused(client: TestClient, url: str, param: str, message: str) -> None:
    r = client.get(url, follow_redirects=False)
    assert r.status_code == 422, (url, r.text)
    assert r.json() == {"error": {"status": 422, "type": "invalid_parameter", "message": message, "param": param}}, url


@pytest.mark.parametrize(
    ("url", "param", "message"),
    [
        ("/search?q=cnn&year=1990", "year", f"year: not a parameter of /search, which takes {SEARCH_TAKES}"),
        ("/answer?q=cnn&limit=3", "limit", f"limit: not a parameter of /answer, which takes {SEARCH_TAKES}"),
        ("/search?Q=cnn", "Q", f"Q: not a parameter of /search, which takes {SEARCH_TAKES}"),  # names are exact
        (
            f"/papers/{LECUN}/similar?k=3&mode=dense",
            "mode",
            "mode: not a parameter of /papers/{id}/similar, which takes k",
        ),
        (
            f"/cite?ids={LECUN}&style=short&fmt=text",
            "fmt",
            "fmt: not a parameter of /cite, which takes ids, format, style",
        ),
        ("/path?from=a&target=b", "target", "target: not a parameter of /path, which takes from, to"),
        (f"/papers/{LECUN}?detail=full", "detail", "detail: not a parameter of /papers/{id}, which takes none"),
        ("/health?verbose", "verbose", "verbose: not a parameter of /health, which takes none"),
        ("/eras?x=" + "y" * 10, "x", "x: not a parameter of /eras, which takes none"),
        (
            "/search?q=cnn&" + "n" * 60 + "=1",
            "n" * 40,
            "n" * 40 + f": not a parameter of /search, which takes {SEARCH_TAKES}",
        ),
    ],
)
def test_a_parameter_an_endpoint_does_not_take_is_refused_by_name(
    client: TestClient, url: str, param: str, message: str
) -> None:
    refused(client, url, param, message)


@pytest.mark.parametrize(
    ("url", "param", "times"),
    [
        ("/search?q=a&q=b", "q", 2),
        ("/answer?q=cnn&k=3&k=4&k=5", "k", 3),
        ("/search?q=cnn&mode=dense&mode=", "mode", 2),  # an empty value is a value
        ("/search?q=cnn&%71=rnn", "q", 2),  # %71 is q
        (f"/papers/{LECUN}/similar?k=1&k=1", "k", 2),  # even the same value: one of them is a mistake
        (f"/cite?ids={LECUN}&ids=2017-vaswani-transformer", "ids", 2),
    ],
)
def test_a_parameter_given_twice_is_refused_not_read_last(client: TestClient, url: str, param: str, times: int) -> None:
    refused(client, url, param, f"{param}: given {times} times; give each parameter once")


def test_the_parameters_an_endpoint_takes_still_work_and_the_page_takes_any_query(client: TestClient) -> None:
    every = "q=cnn&k=2&mode=hybrid&year_from=1980&year_to=2000&era=&understand=true&ignore=time"
    assert client.get(f"/search?{every}").json()["k"] == 2
    assert client.get(f"/papers/{LECUN}/neighbours?side=cites&offset=0&limit=2").status_code == 200
    assert client.get(f"/papers/{LECUN}/path?direction=after&k=2").status_code == 200
    assert client.get(f"/papers/{LECUN}/cite?format=text&style=short").status_code == 200
    assert client.get("/search?q=cnn&").status_code == 200  # an empty pair is no parameter
    for url in ("/?utm_source=x&utm_source=y", "/static/app.js?v=2"):  # the page and its files are not the API
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("path", [f"/cite?ids={LECUN}", f"/papers/{LECUN}/cite?"])
@pytest.mark.parametrize("fmt", ["", "&format=bibtex", "&format=ris", "&format=csl-json"])
def test_a_style_with_a_format_that_has_none_is_refused(client: TestClient, path: str, fmt: str) -> None:
    assert client.get(path + fmt).status_code == 200
    name = fmt.partition("=")[2] or "bibtex"
    message = f"style: a style is for format text alone, not {name}; leave style out, or ask for text"
    for style in ("short", "harvard"):  # the default too: given, it says the client expects it to apply
        refused(client, f"{path}{fmt}&style={style}", "style", message)
    assert client.get(f"{path}&format=text&style=short").status_code == 200


@pytest.mark.parametrize(
    ("asked", "location"),
    [
        ("/search/?q=cnn&k=2", "/search?q=cnn&k=2"),
        ("/answer/?q=cnn", "/answer?q=cnn"),
        (f"/papers/{LECUN}/", f"/papers/{LECUN}"),
        (f"/papers/{LECUN}/similar/?k=3", f"/papers/{LECUN}/similar?k=3"),
        ("/eras/", "/eras"),
        ("/search/?q=caf%C3%A9", "/search?q=caf%C3%A9"),
    ],
)
def test_a_slash_redirect_points_at_the_path_alone_whatever_the_host_header(
    client: TestClient, asked: str, location: str
) -> None:
    for host in (None, "evil.example", "evil.example:8080"):
        headers = {"Host": host} if host else {}
        r = client.get(asked, headers=headers, follow_redirects=False)
        assert r.status_code == 307 and r.headers["location"] == location, (asked, host, r.headers)
        assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get(asked).status_code == 200  # followed, it answers


@pytest.mark.parametrize("asked", ["/nowhere/", "/nowhere", "//search/", "//eras", "/papers/a/b/c/"])
def test_a_path_no_route_matches_with_or_without_its_slash_is_a_404(client: TestClient, asked: str) -> None:
    r = client.get(
        "http://testserver" + asked, headers={"Host": "evil.example"}, follow_redirects=False
    )  # "//x": a path
    assert r.status_code == 404 and "location" not in r.headers, (asked, r.headers)
    assert r.json()["error"]["type"] == "not_found"


@pytest.mark.parametrize(
    ("asked", "location"), [("/papers/a%3Fb/", "/papers/a%3Fb"), ("/papers/a%23b/", "/papers/a%23b")]
)
def test_a_slash_redirect_keeps_the_path_as_it_was_sent(client: TestClient, asked: str, location: str) -> None:
    """An escaped "?" or "#" in the path stays escaped: decoded, it would turn the rest into a query or a fragment."""
    r = client.get(asked, follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == location


def test_a_parameter_without_a_name_is_said_as_such(client: TestClient) -> None:
    r = client.get("/eras?=1")
    assert r.status_code == 422
    assert r.json()["error"]["message"] == "a parameter without a name is not one of /eras, which takes none"
