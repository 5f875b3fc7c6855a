"""Reading paths: a small graph built here for the rules, then the real index through Python, HTTP and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from papersearch.core.errors import NotFoundError, QueryError
from papersearch.core.records import GraphRecord, PaperRecord
from papersearch.core.settings import Settings
from papersearch.query.paths import PathGraph
from papersearch.query.searcher import Searcher
from papersearch.serve.app import create_app

from .conftest import CORPUS, MODEL

RUMELHART, VASWANI = "1986-rumelhart-backpropagation", "2017-vaswani-transformer"
BAHDANAU, MCCULLOCH = "2015-bahdanau-attention", "1943-mcculloch-neural-logic"


def record(pid: str, year: int) -> PaperRecord:
    return {
        "id": pid,
        "year": year,
        "title": pid.upper(),
        "authors": ["A. Writer"],
        "era": "e",
        "era_name": "E",
        "question": "Q?",
        "summary": "S.",
        "concepts": [],
        "references": {"cites": [], "cited_by": [], "external": []},
    }


def small() -> PathGraph:
    """a(1950) <- b(1960, cites) <- d(1980, cites); a <- c(1970, mentions) <- d (mentions); e(1990) stands alone.

    ``a`` names ``b`` in its own summary (an early entry looking ahead): the edge still means b builds on a.
    """
    papers = [record("a", 1950), record("b", 1960), record("c", 1970), record("d", 1980), record("e", 1990)]
    edges = [
        ("a", "b", "cites", "later b"),
        ("c", "a", "mentions", "the idea of a"),
        ("d", "b", "cites", "B says"),
        ("d", "c", "mentions", "c-like"),
    ]
    graph: GraphRecord = {
        "papers": [{"id": p["id"], "year": p["year"], "title": p["title"]} for p in papers],
        "edges": [{"source": s, "target": t, "kind": k, "evidence": ev} for s, t, k, ev in edges],  # type: ignore[typeddict-item]
        "external": [],
    }
    vectors = np.eye(5, 4, dtype=np.float32)
    vectors[4] = np.array([0.6, 0.0, 0.0, 0.8], dtype=np.float32)  # e is nearest in meaning to a
    return PathGraph(papers, graph, vectors)


def test_before_lists_the_strongest_ties_first_then_the_earliest() -> None:
    g = small()
    got = g.reading(3, "before", 8, "v")  # d
    assert [(p["id"], p["strength"]) for p in got["results"]] == [("b", 1.0), ("a", 0.5), ("c", 0.5)]
    assert got["total"] == 3 and got["direction"] == "before" and got["index_version"] == "v"
    a = got["results"][1]  # reached through b (cites, cites) at 1 × 1 × 0.5, not through c (mentions); before c
    assert [(h["earlier"], h["later"], h["kind"], h["evidence"]) for h in a["hops"]] == [
        ("a", "b", "cites", "later b"),
        ("b", "d", "cites", "B says"),
    ]
    assert [p["id"] for p in g.reading(3, "before", 1, "v")["results"]] == ["b"]


def test_after_lists_what_grew_out_of_a_paper_and_hops_run_in_time_order() -> None:
    g = small()
    got = g.reading(0, "after", 8, "v")  # a
    assert [p["id"] for p in got["results"]] == ["b", "c", "d"]
    d = got["results"][2]
    assert [(h["earlier"], h["later"]) for h in d["hops"]] == [("a", "b"), ("b", "d")]
    assert g.reading(4, "after", 8, "v")["results"] == [] and g.reading(4, "before", 8, "v")["total"] == 0


def test_a_chain_follows_the_graph_either_way_in_time() -> None:
    g = small()
    forward = g.chain(0, 3, "v")
    assert forward["found"] and forward["via"] == "graph"
    assert [(s["id"], s["kind"], s["evidence"]) for s in forward["steps"]] == [
        ("a", None, None),
        ("b", "cites", "later b"),
        ("d", "cites", "B says"),
    ]
    back = g.chain(3, 0, "v")
    assert [s["id"] for s in back["steps"]] == ["d", "b", "a"]


def test_without_a_chain_in_the_graph_the_closest_chain_in_meaning_is_marked_as_such() -> None:
    g = small()
    got = g.chain(0, 4, "v")  # a to e: no edge reaches e
    assert not got["found"] and got["via"] == "similarity"
    assert got["steps"][0]["id"] == "a" and got["steps"][-1]["id"] == "e"
    assert all(s["kind"] == "similar" and s["evidence"] is None for s in got["steps"][1:])
    assert got["steps"][-1]["similarity"] == pytest.approx(0.6, abs=1e-4)  # e is closest to a: one step


# ---------------------------------------------------------------- the real index


def test_before_the_transformer_comes_bahdanau_with_its_evidence(searcher: Searcher) -> None:
    got = searcher.path(VASWANI, "before")
    year = {r["id"]: r["year"] for r in searcher.papers()}
    summaries = {r["id"]: r["summary"] for r in searcher.papers()}
    assert got["results"][0]["id"] == BAHDANAU and got["results"][0]["strength"] == 1.0
    assert len(got["results"]) <= 8 and got["total"] >= len(got["results"])
    strengths = [p["strength"] for p in got["results"]]
    assert strengths == sorted(strengths, reverse=True)
    for p in got["results"]:
        assert year[p["id"]] <= 2017 and p["hops"][-1]["later"] == VASWANI and p["hops"][0]["earlier"] == p["id"]
        for hop in p["hops"]:
            assert hop["kind"] in ("cites", "mentions") and year[hop["earlier"]] <= year[hop["later"]]
            assert hop["evidence"] and (
                hop["evidence"] in summaries[hop["later"]] or hop["evidence"] in summaries[hop["earlier"]]
            )
    after = searcher.path(RUMELHART, "after", k=3)
    assert len(after["results"]) == 3 and all(year[p["id"]] >= 1986 for p in after["results"])


def test_a_chain_from_backpropagation_to_the_transformer_runs_through_the_graph(searcher: Searcher) -> None:
    got = searcher.chain(RUMELHART, VASWANI)
    assert got["found"] and got["via"] == "graph" and got["index_version"] == searcher.version
    ids = [s["id"] for s in got["steps"]]
    assert ids[0] == RUMELHART and ids[-1] == VASWANI
    years = [s["year"] for s in got["steps"]]
    assert years == sorted(years)
    edges = {frozenset((e["source"], e["target"])): e for e in searcher.graph()["edges"]}
    for a, b in zip(got["steps"], got["steps"][1:], strict=False):
        edge = edges[frozenset((a["id"], b["id"]))]  # every step is an edge of the graph, as it says
        assert b["kind"] == edge["kind"] and b["evidence"] == edge["evidence"]


def test_where_the_graph_has_no_chain_it_offers_one_by_meaning(searcher: Searcher) -> None:
    got = searcher.chain(MCCULLOCH, VASWANI)
    assert not got["found"] and got["via"] == "similarity"
    assert got["steps"][0]["id"] == MCCULLOCH and got["steps"][-1]["id"] == VASWANI
    assert all(s["kind"] == "similar" and 0 < (s["similarity"] or 0) <= 1 for s in got["steps"][1:])
    years = [s["year"] for s in got["steps"]]
    assert years == sorted(years) and len(set(s["id"] for s in got["steps"])) == len(got["steps"])


def test_bad_path_parameters(searcher: Searcher) -> None:
    with pytest.raises(NotFoundError) as unknown:
        searcher.path("1999-no-such-paper")
    with pytest.raises(NotFoundError) as paper:
        searcher.paper("1999-no-such-paper")
    assert str(unknown.value) == str(paper.value)
    with pytest.raises(QueryError, match="direction must be one of before, after"):
        searcher.path(VASWANI, "sideways")
    with pytest.raises(QueryError, match="k must be"):
        searcher.path(VASWANI, "after", 0)
    with pytest.raises(NotFoundError) as chain:
        searcher.chain(RUMELHART, "1999-no-such-paper")
    assert chain.value.param == "to" and str(chain.value) == str(paper.value)


@pytest.fixture(scope="module")
def client(index_dir: Path, searcher: Searcher) -> Iterator[TestClient]:
    settings = Settings(corpus=CORPUS, index=index_dir, model=MODEL, admin_token=None)
    with TestClient(create_app(settings, searcher, reload_interval=0)) as c:
        yield c


def test_http_paths_are_the_python_paths(client: TestClient, searcher: Searcher) -> None:
    body = client.get(f"/papers/{VASWANI}/path", params={"direction": "before", "k": "3"}).json()
    assert body == searcher.path(VASWANI, "before", 3)
    assert client.get(f"/papers/{VASWANI}/path").json()["direction"] == "before"  # the default
    body = client.get("/path", params={"from": RUMELHART, "to": VASWANI}).json()
    assert body == searcher.chain(RUMELHART, VASWANI)


def test_http_path_errors_say_the_same_words(client: TestClient) -> None:
    unknown = client.get("/papers/1999-no-such-paper").json()["error"]
    for url, param in (
        ("/papers/1999-no-such-paper/path", "id"),
        (f"/path?from=1999-no-such-paper&to={VASWANI}", "from"),
    ):
        r = client.get(url)
        assert r.status_code == 404 and r.json()["error"]["message"] == unknown["message"]
        assert r.json()["error"]["param"] == param
    r = client.get(f"/papers/{VASWANI}/path?direction=sideways")
    assert r.status_code == 422 and r.json()["error"]["param"] == "direction"
    r = client.get(f"/path?from={RUMELHART}")
    assert r.status_code == 422 and r.json()["error"]["param"] == "to"


def path_cli(index_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "papersearch", "path", "--index", str(index_dir), "--corpus", str(CORPUS), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_path_before_after_and_between(index_dir: Path, searcher: Searcher) -> None:
    out = path_cli(index_dir, "--before", VASWANI, "-k", "3")
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert "Read before Attention Is All You Need" in text and BAHDANAU in text and "cites" in text
    body = json.loads(path_cli(index_dir, "--after", RUMELHART, "--json").stdout)
    assert body == searcher.path(RUMELHART, "after")
    out = path_cli(index_dir, RUMELHART, VASWANI)
    assert out.returncode == 0 and "↓" in out.stdout
    out = path_cli(index_dir, MCCULLOCH, VASWANI)
    assert "The graph holds no chain" in " ".join(out.stdout.split()) and "≈" in out.stdout


def test_cli_path_refuses_what_it_cannot_do(index_dir: Path) -> None:
    for args in ([], [RUMELHART], ["--before", VASWANI, RUMELHART], [RUMELHART, VASWANI, "-k", "3"]):
        out = path_cli(index_dir, *args)
        assert out.returncode == 2 and out.stderr.count("\n") == 1 and "papersearch path: error:" in out.stderr, args
    shown = subprocess.run(
        [sys.executable, "-m", "papersearch", "show", "1999-no-such-paper", "--index", str(index_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = path_cli(index_dir, "--before", "1999-no-such-paper")
    assert out.returncode == 1 and out.stderr.splitlines()[-1] == shown.stderr.splitlines()[-1]
