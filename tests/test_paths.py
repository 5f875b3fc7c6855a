"""Reading paths: a small graph built here for the rules, then the real index through Python, HTTP, MCP and the CLI.

The real index is checked for properties, not for lists written out: over every paper, no route passes through a
mention where citations alone reach the same paper (nor by meaning where the graph does), what chains of citations
reach comes first, and every step by meaning goes one way in time, never across more than ``MAX_GAP`` years while
the list holds a paper in between.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from papersearch.core.assistant_records import Chain, ReadingList
from papersearch.core.errors import NotFoundError, QueryError
from papersearch.core.params import MAX_K
from papersearch.core.records import GraphRecord, PaperRecord
from papersearch.core.settings import Settings
from papersearch.query.meaning import MAX_GAP
from papersearch.query.paths import PathGraph
from papersearch.query.routes import NEAR_FLOOR
from papersearch.query.searcher import Searcher
from papersearch.serve.app import create_app

from .conftest import CORPUS, MODEL

RUMELHART, VASWANI = "1986-rumelhart-backpropagation", "2017-vaswani-transformer"
BAHDANAU, MCCULLOCH = "2015-bahdanau-attention", "1943-mcculloch-neural-logic"
DEEPSEEK = "2025-deepseek-deepseek-r1"


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


def path_graph(years: dict[str, int], edges: list[tuple[str, str, str, str]], vectors: np.ndarray) -> PathGraph:
    papers = [record(pid, year) for pid, year in years.items()]
    graph: GraphRecord = {
        "papers": [{"id": p["id"], "year": p["year"], "title": p["title"]} for p in papers],
        "edges": [{"source": s, "target": t, "kind": k, "evidence": ev} for s, t, k, ev in edges],  # type: ignore[typeddict-item]
        "external": [],
    }
    return PathGraph(papers, graph, vectors)


def small() -> PathGraph:
    """a(1950) <- b(1960, cites) <- d(1980, cites); a <- c(1970, mentions) <- d (mentions); e(1990): no edge.

    ``a`` names ``b`` in its own summary (an early entry looking ahead): the extraction stores that edge as b
    building on a (``graph.extract.oriented``), and a path graph reads edges as stored.
    """
    edges = [
        ("b", "a", "cites", "later b"),
        ("c", "a", "mentions", "the idea of a"),
        ("d", "b", "cites", "B says"),
        ("d", "c", "mentions", "c-like"),
    ]
    vectors = np.eye(5, 4, dtype=np.float32)
    vectors[4] = np.array([0.6, 0.0, 0.0, 0.8], dtype=np.float32)  # e is near a and d in meaning
    return path_graph({"a": 1950, "b": 1960, "c": 1970, "d": 1980, "e": 1990}, edges, vectors)


def test_before_lists_chains_of_citations_first_then_what_the_paper_mentions() -> None:
    g = small()
    got = g.reading(3, "before", 8, "v")  # d
    assert [(p["id"], p["tie"]) for p in got["results"]] == [("b", "cites"), ("a", "cites"), ("c", "mentions")]
    assert got["total"] == 3 and got["direction"] == "before" and got["index_version"] == "v"
    a = got["results"][1]  # through b (cites, cites), not through c (mentions, mentions)
    assert [(h["earlier"], h["later"], h["kind"], h["evidence"]) for h in a["hops"]] == [
        ("a", "b", "cites", "later b"),
        ("b", "d", "cites", "B says"),
    ]
    assert [p["id"] for p in g.reading(3, "before", 1, "v")["results"]] == ["b"]


def test_after_lists_what_grew_out_of_a_paper_and_hops_run_in_time_order() -> None:
    g = small()
    got = g.reading(0, "after", 8, "v")  # a
    assert [(p["id"], p["tie"]) for p in got["results"]] == [
        ("b", "cites"),
        ("d", "cites"),
        ("c", "mentions"),
        ("e", "similar"),  # no edge reaches e: one small step by meaning from d does
    ]
    assert [(h["earlier"], h["later"]) for h in got["results"][1]["hops"]] == [("a", "b"), ("b", "d")]
    assert [(h["earlier"], h["later"], h["kind"]) for h in got["results"][3]["hops"]][-1] == ("d", "e", "similar")
    assert g.reading(4, "after", 8, "v")["results"] == []


def test_where_no_edge_reaches_a_paper_its_list_steps_back_by_meaning_then_follows_the_graph() -> None:
    g = small()
    got = g.reading(4, "before", 8, "v")  # e: no edge; d (1980) is within 15 years and near in meaning
    assert got["results"][0]["id"] == "d" and {p["tie"] for p in got["results"]} == {"similar"}
    first = got["results"][0]["hops"]
    assert first == [{"earlier": "d", "later": "e", "kind": "similar", "evidence": None, "similarity": 0.8}]
    b = next(p for p in got["results"] if p["id"] == "b")  # one step by meaning, then the graph's citation
    assert [(h["earlier"], h["later"], h["kind"]) for h in b["hops"]] == [("b", "d", "cites"), ("d", "e", "similar")]


def test_a_chain_follows_the_graph_either_way_in_time_by_citations_before_mentions() -> None:
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


def test_a_chain_follows_the_graph_as_far_as_it_goes_and_fills_the_gap_by_meaning() -> None:
    got = small().chain(0, 4, "v")  # a to e: the graph reaches d, and e is one small step on from d
    assert not got["found"] and got["via"] == "similarity"
    assert [(s["id"], s["kind"]) for s in got["steps"]] == [
        ("a", None),
        ("b", "cites"),
        ("d", "cites"),
        ("e", "similar"),
    ]
    assert got["steps"][-1]["similarity"] == pytest.approx(0.8, abs=1e-4) and got["steps"][-1]["evidence"] is None


def test_a_step_just_below_the_floor_is_not_near_on_every_face_though_it_rounds_to_the_floor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The verdict is the chain's own (``sensible``, each step's ``near``), made on the raw cosine the route's cost
    used: a step of cosine 0.09996 shows as 0.1, and the CLI and MCP text, which judged the rounded figure, called the
    chain one "by meaning" while its cost counted the step as a gap; the JSON said nothing."""
    from papersearch.agent.text import chain_text
    from papersearch.cli.render import show_chain

    near = NEAR_FLOOR - 4e-5
    vectors = np.array([[1.0, 0.0], [near, np.sqrt(1 - near**2)]], dtype=np.float32)
    got = path_graph({"a": 1950, "b": 1960}, [], vectors).chain(0, 1, "v")
    assert got["steps"][1]["similarity"] == NEAR_FLOOR and got["steps"][1]["near"] is False
    assert got["sensible"] is False and got["steps"][0]["near"] is None
    assert chain_text(got).startswith("the list holds no sensible chain") and "[not near in meaning]" in chain_text(got)
    show_chain(got)
    assert "The list holds no sensible chain" in capsys.readouterr().out
    assert small().chain(0, 4, "v")["sensible"] and small().chain(0, 4, "v")["steps"][-1]["near"] is True


def test_a_chain_by_meaning_crosses_no_more_than_fifteen_years_while_papers_lie_between() -> None:
    years = {"p1950": 1950, "p1960": 1960, "p1970": 1970, "p1990": 1990, "p2000": 2000}
    vectors = np.ones((5, 3), dtype=np.float32) / np.sqrt(3)  # all alike: nothing pulls a step further
    got = path_graph(years, [], vectors).chain(0, 4, "v")
    assert [s["year"] for s in got["steps"]] == [1950, 1960, 1970, 1990, 2000]  # 1970 -> 1990: nothing between
    assert not got["found"] and all(s["kind"] == "similar" for s in got["steps"][1:])


# ---------------------------------------------------------------- the real index: properties over every paper


class Oriented:
    """The real graph as stored (each edge's source builds on its target), read here from the graph record on its own (not through PathGraph)."""

    def __init__(self, searcher: Searcher) -> None:
        self.year = {r["id"]: r["year"] for r in searcher.papers()}
        ranked: dict[tuple[str, str], tuple[bool, str, str]] = {}
        for e in searcher.graph()["edges"]:
            s, t = e["source"], e["target"]
            earlier, later = t, s  # as stored: the source builds on the target
            rank = e["kind"] != "cites"  # a citation first; of two of a kind, the first stored
            if (earlier, later) not in ranked or rank < ranked[(earlier, later)][0]:
                ranked[(earlier, later)] = (rank, e["kind"], e["evidence"])
        self.edges = {pair: (kind, evidence) for pair, (_, kind, evidence) in ranked.items()}  # (earlier, later) ->

    def reach(self, start: str, direction: str, kinds: set[str], years: tuple[int, int] = (0, 9999)) -> set[str]:
        """Every paper a chain of edges of ``kinds`` reaches from ``start`` in ``direction`` within ``years``."""
        seen, todo = {start}, [start]
        while todo:
            here = todo.pop()
            for (earlier, later), (kind, _) in self.edges.items():
                there = earlier if direction == "before" and later == here else None
                there = later if direction == "after" and earlier == here else there
                if there and kind in kinds and there not in seen and years[0] <= self.year[there] <= years[1]:
                    seen.add(there)
                    todo.append(there)
        return seen - {start}

    def small_step(self, a: str, b: str) -> bool:
        """A step by meaning from ``a`` to ``b``: one way in time, and across more than ``MAX_GAP`` years only when
        the list holds no paper in between."""
        lo, hi = sorted((self.year[a], self.year[b]))
        return hi - lo <= MAX_GAP or not any(lo < y < hi for y in self.year.values())


@pytest.fixture(scope="module")
def oriented(searcher: Searcher) -> Oriented:
    return Oriented(searcher)


def every_list(searcher: Searcher) -> Iterator[ReadingList]:
    for r in searcher.papers():
        for direction in ("before", "after"):
            yield searcher.path(r["id"], direction, MAX_K)


def test_every_list_takes_the_strongest_links_that_reach_each_entry(searcher: Searcher, oriented: Oriented) -> None:
    for got in every_list(searcher):
        direction, ids = got["direction"], [p["id"] for p in got["results"]]
        strong = oriented.reach(got["id"], direction, {"cites"})
        graph = oriented.reach(got["id"], direction, {"cites", "mentions"})
        assert got["total"] == len(ids) <= MAX_K and len(set(ids)) == len(ids) and got["id"] not in ids
        assert set(ids[: len(strong)]) == strong, (got["id"], direction)  # chains of citations first, all of them
        assert graph <= set(ids)
        if any(p["tie"] == "time" for p in got["results"]):  # nothing else reaches a paper that way: by time
            assert not graph and all(p["tie"] == "time" for p in got["results"]), (got["id"], direction)
            continue
        for p in got["results"]:
            kinds = {h["kind"] for h in p["hops"]}
            assert p["tie"] == ("similar" if "similar" in kinds else "mentions" if "mentions" in kinds else "cites")
            assert p["tie"] == "cites" or p["id"] not in strong, (got["id"], p["id"])  # no mention where cites reach
            assert p["tie"] != "similar" or p["id"] not in graph, (got["id"], p["id"])  # no meaning where edges do


def test_every_hop_of_every_list_is_an_edge_or_a_small_step_by_meaning(searcher: Searcher, oriented: Oriented) -> None:
    for got in every_list(searcher):
        for p in got["results"]:
            hops = p["hops"]
            ends = (p["id"], got["id"]) if got["direction"] == "before" else (got["id"], p["id"])
            assert (hops[0]["earlier"], hops[-1]["later"]) == ends
            assert all(x["later"] == y["earlier"] for x, y in itertools.pairwise(hops))
            for h in hops:
                if h["kind"] == "time":  # the list's papers nearest in time, one hop each, not tied
                    assert len(hops) == 1 and h["evidence"] is None and h["similarity"] is None, h
                    assert oriented.year[h["earlier"]] < oriented.year[h["later"]], h
                elif h["kind"] == "similar":
                    assert oriented.year[h["earlier"]] < oriented.year[h["later"]], h
                    assert oriented.small_step(h["earlier"], h["later"]) and h["evidence"] is None
                    assert h["similarity"] is not None and 0 < h["similarity"] <= 1
                else:
                    assert oriented.edges[(h["earlier"], h["later"])] == (h["kind"], h["evidence"]), h


def check_chain(got: Chain, oriented: Oriented) -> None:
    source, target = got["source"], got["target"]
    years = [s["year"] for s in got["steps"]]
    assert got["steps"][0]["id"] == source and got["steps"][-1]["id"] == target
    assert years == sorted(years) or years == sorted(years, reverse=True)
    assert len({s["id"] for s in got["steps"]}) == len(years)
    by_meaning = [s for s in got["steps"][1:] if s["kind"] == "similar"]
    assert got["found"] == (not by_meaning) and got["via"] == ("graph" if got["found"] else "similarity")
    assert all((s["near"] is None) == (s["kind"] != "similar") for s in got["steps"])
    assert got["sensible"] == all(s["near"] is not False for s in by_meaning)
    for a, b in itertools.pairwise(got["steps"]):
        if b["kind"] == "similar":
            assert oriented.small_step(a["id"], b["id"]) and b["evidence"] is None, (source, target, b)
        else:
            edge = oriented.edges.get((a["id"], b["id"])) or oriented.edges.get((b["id"], a["id"]))
            assert edge == (b["kind"], b["evidence"]), (source, target, b)
    direction = "after" if years[0] <= years[-1] else "before"
    span = (min(years[0], years[-1]), max(years[0], years[-1]))
    if years[0] != years[-1] and target in oriented.reach(source, direction, {"cites", "mentions"}, span):
        assert got["found"], (source, target)  # the graph holds a chain: no step by meaning
    if years[0] != years[-1] and target in oriented.reach(source, direction, {"cites"}, span):
        assert {s["kind"] for s in got["steps"][1:]} == {"cites"}, (source, target)  # citations only


def test_every_chain_prefers_the_graph_and_fills_gaps_in_small_steps(searcher: Searcher, oriented: Oriented) -> None:
    ids = sorted(oriented.year, key=lambda i: (oriented.year[i], i))
    for i, source in enumerate(ids):
        for target in ids[i + 1 :]:
            check_chain(searcher.chain(source, target), oriented)
    for source, target in ((VASWANI, RUMELHART), (DEEPSEEK, MCCULLOCH), (BAHDANAU, "1989-lecun-cnn")):
        check_chain(searcher.chain(source, target), oriented)  # back in time too


def test_before_the_transformer_comes_bahdanau_and_lstm_is_reached(searcher: Searcher) -> None:
    got = searcher.path(VASWANI, "before")
    ids = [p["id"] for p in got["results"]]
    assert ids[0] == BAHDANAU and got["results"][0]["tie"] == "cites" and len(ids) == 8 < got["total"]
    year = {r["id"]: r["year"] for r in searcher.papers()}
    assert all(year[i] <= 2017 for i in ids)
    assert "1997-hochreiter-lstm" in ids  # cites seq2seq, which Bahdanau's summary mentions
    assert any(p["tie"] == "similar" for p in got["results"])  # and by meaning where no edge reaches
    after = searcher.path(RUMELHART, "after", k=3)
    assert len(after["results"]) == 3 and all(year[p["id"]] >= 1986 for p in after["results"])


def test_from_mcculloch_and_pitts_to_deepseek_the_chain_says_it_steps_by_meaning(searcher: Searcher) -> None:
    got = searcher.chain(MCCULLOCH, DEEPSEEK)
    assert not got["found"] and got["via"] == "similarity"
    assert any(s["kind"] in ("cites", "mentions") for s in got["steps"])  # the graph where it reaches
    assert all(s["kind"] != "similar" or 0 < (s["similarity"] or 0) <= 1 for s in got["steps"][1:])
    years = [s["year"] for s in got["steps"]]
    assert years == sorted(years) and max(b - a for a, b in itertools.pairwise(years)) < 64


def test_a_chain_from_backpropagation_to_the_transformer_runs_through_the_graph(searcher: Searcher) -> None:
    got = searcher.chain(RUMELHART, VASWANI)
    assert got["found"] and got["via"] == "graph" and got["index_version"] == searcher.version


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


def test_every_entry_can_be_shown_through_k_on_every_face(
    client: TestClient, searcher: Searcher, index_dir: Path
) -> None:
    longest = max(every_list(searcher), key=lambda got: got["total"])
    one, direction, total = longest["id"], longest["direction"], longest["total"]
    assert total > 8 and total <= MAX_K  # more than the default, and within the limit k may reach
    body = client.get(f"/papers/{one}/path", params={"direction": direction, "k": str(total)}).json()
    assert len(body["results"]) == total == body["total"]
    out = path_cli(index_dir, f"--{direction}", one, "-k", str(total))
    assert out.returncode == 0 and f"{total} of {total}" in out.stdout, out.stderr
    pytest.importorskip("mcp")
    from papersearch.agent.tools import PaperTools

    end = {"from_id" if direction == "after" else "to_id": one}  # a path from a paper, or to it
    called = PaperTools(lambda: searcher).reading_path(**end, k=total)
    assert called.structured_content is not None and len(called.structured_content["results"]) == total


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
    r = client.get("/path")
    assert r.status_code == 422 and r.json()["error"]["param"] == "from" and "from is required" in r.text
    for end in ("from", "to"):  # one end alone is refused and not found under the name the client gave
        r = client.get(f"/path?{end}=Bad")
        assert r.status_code == 422 and r.json()["error"]["param"] == end and f"{end} must be a paper id" in r.text
        r = client.get(f"/path?{end}=1999-no-such-paper")
        assert r.status_code == 404 and r.json()["error"] == {**unknown, "param": end}


def test_http_path_with_one_end_reads_as_the_cli_and_mcp_read_it(client: TestClient, searcher: Searcher) -> None:
    """``to`` alone is what to read before that paper, ``from`` alone what grew out of it, as ``path --to``/``--from``
    and the MCP tool's ``to_id``/``from_id`` read them; it was a 422 "from is required"."""
    assert client.get(f"/path?to={VASWANI}").json() == searcher.path(VASWANI, "before")
    assert client.get(f"/path?from={RUMELHART}").json() == searcher.path(RUMELHART, "after")


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


def test_a_path_with_one_end_reads_as_that_end_says_on_every_face(index_dir: Path, searcher: Searcher) -> None:
    """A path *to* a paper is what to read before it, ending at it; *from* one, what grew out of it: the CLI's
    --to and --from say so as the MCP tool's to_id and from_id do."""
    to = path_cli(index_dir, "--to", VASWANI, "-k", "3")
    assert to.returncode == 0 and to.stdout == path_cli(index_dir, "--before", VASWANI, "-k", "3").stdout
    last = to.stdout.rstrip().splitlines()[-1]
    assert last.startswith("then 2017  Attention Is All You Need") and VASWANI in last  # it ends at the paper
    body = json.loads(path_cli(index_dir, "--from", RUMELHART, "--json").stdout)
    assert body == searcher.path(RUMELHART, "after")
    after = path_cli(index_dir, "--after", RUMELHART).stdout
    assert "then " not in after.rstrip().splitlines()[-1]  # a path from a paper starts there: no closing line
    pytest.importorskip("mcp")
    from papersearch.agent.tools import PaperTools

    tools = PaperTools(lambda: searcher)
    for called, direction in (
        (tools.reading_path(to_id=VASWANI), "before"),
        (tools.reading_path(from_id=RUMELHART), "after"),
    ):
        assert called.structured_content is not None and called.structured_content["direction"] == direction
    text = tools.reading_path(to_id=VASWANI).content[0]
    assert "to read before it (a path ending at it)" in getattr(text, "text", "")


def test_a_chain_back_in_time_says_each_tie_the_right_way_round(index_dir: Path) -> None:
    """From a newer paper to an older one each paper is cited by the one above it, not the other way: BERT builds
    on the Transformer, and the Transformer mentions Elman's recurrent networks, whichever end the chain starts at."""
    back = [ln.strip() for ln in path_cli(index_dir, "2019-devlin-bert", "1990-elman-rnn").stdout.splitlines()]
    ahead = [ln.strip() for ln in path_cli(index_dir, "1990-elman-rnn", "2019-devlin-bert").stdout.splitlines()]
    ties = [ln for ln in back if ln.startswith(("↑", "↓"))]
    assert ties and all(ln.startswith("↑ the paper above ") and "the one below" in ln for ln in ties), back
    said = [ln for ln in ahead if ln.startswith(("↑", "↓"))]
    assert said and all(ln.startswith("↓ the paper below ") for ln in said), ahead
    assert sorted(ln.split(":", 1)[1] for ln in ties) == sorted(ln.split(":", 1)[1] for ln in said)  # the same ties


def test_a_step_by_meaning_goes_only_to_a_paper_near_in_meaning(searcher: Searcher) -> None:
    """No reading list offers a paper by a step to one barely nearer than the list's average pair (Kohonen 1972 at
    0.04 as the one thing to read before backpropagation); a chain takes several near steps rather than one jump to a
    paper not near (AlexNet to latent diffusion went in one step at -0.15)."""
    ids = [p["id"] for p in searcher.papers()]
    for pid, direction in itertools.product(ids, ("before", "after")):
        for entry in searcher.path(pid, direction, MAX_K)["results"]:
            steps = [h["similarity"] for h in entry["hops"] if h["kind"] == "similar"]
            assert all(sim is not None and sim >= NEAR_FLOOR for sim in steps), (pid, direction, entry["id"], steps)
    steps = searcher.path(RUMELHART, "before", MAX_K)["results"]  # nothing in the graph, nothing near in meaning:
    assert [p["tie"] for p in steps] == ["time"] * 7  # the seven papers before it, nearest in time first
    assert [p["year"] for p in steps] == sorted((p["year"] for p in steps), reverse=True) and steps[0]["year"] == 1981
    chain = searcher.chain("2012-krizhevsky-alexnet", "2022-rombach-latent-diffusion")
    meaning = [s["similarity"] for s in chain["steps"] if s["kind"] == "similar"]
    assert len(chain["steps"]) >= 3 and all(sim is not None and sim >= NEAR_FLOOR for sim in meaning), chain["steps"]


def test_a_chain_with_a_gap_nothing_near_fills_says_so(index_dir: Path, searcher: Searcher) -> None:
    """Where neither the graph nor papers near in meaning lead all the way, every face says the list holds no sensible
    chain and marks the gap, rather than calling it a step "by meaning"."""
    source, target = "2003-bengio-neural-language-model", "2015-sohl-dickstein-diffusion-models"
    chain = searcher.chain(source, target)
    assert any(s["kind"] == "similar" and (s["similarity"] or 0) < NEAR_FLOOR for s in chain["steps"])
    assert not chain["sensible"] and [s["near"] for s in chain["steps"]].count(False) >= 1
    out = path_cli(index_dir, source, target)
    assert (
        out.returncode == 0
        and "The list holds no sensible chain" in out.stdout
        and "≉ not near in meaning" in out.stdout
    )
    near = path_cli(index_dir, "2012-krizhevsky-alexnet", "2022-rombach-latent-diffusion").stdout
    assert "≉" not in near and "no sensible chain" not in near
    pytest.importorskip("mcp")
    from papersearch.agent.tools import PaperTools

    text = getattr(PaperTools(lambda: searcher).reading_path(from_id=source, to_id=target).content[0], "text", "")
    assert text.startswith(f"the list holds no sensible chain from {source}") and "[not near in meaning]" in text


def test_cli_path_refuses_what_it_cannot_do(index_dir: Path) -> None:
    for args in (
        [],
        [RUMELHART],
        ["--before", VASWANI, RUMELHART],
        [RUMELHART, VASWANI, "-k", "3"],
        ["--to", VASWANI, "--from", RUMELHART],
    ):
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


def test_the_nearest_in_a_window_are_what_a_stable_sort_of_all_gives_ties_included() -> None:
    """``Nearness.nearest`` takes the best few of a window without sorting it all: the same papers in the same order
    as a stable sort of every cosine, where many are equal too."""
    from papersearch.query.meaning import _best

    rng = np.random.default_rng(7)
    for trial in range(300):
        sims = rng.integers(0, 6, size=int(rng.integers(0, 40))).astype(np.float32) / 5  # many equal values
        m = int(rng.integers(0, 8))
        order = np.argsort(-sims, kind="stable")[:m]
        assert _best(sims, m) == [(int(t), float(sims[t])) for t in order], trial


def test_a_list_out_of_time_order_reads_as_the_same_list_in_time_order() -> None:
    """Windows of a list kept in time order are read as slices of its vectors, others row by row: both give the same
    reading lists and chains; entries tied in every other way come in the order of their ids, wherever they lie."""
    rng = np.random.default_rng(3)
    years = {f"p{i:02d}": 1950 + 2 * (i // 3) for i in range(30)}  # three papers a year: ties in time
    edges = [(f"p{i:02d}", f"p{i - 4:02d}", "cites", f"ev {i}") for i in range(4, 30, 5)]
    edges += [("p20", tied, "cites", "all three") for tied in ("p12", "p10", "p11")]
    vectors = rng.normal(size=(30, 8)).astype(np.float32)
    vectors[10] = vectors[11] = vectors[
        12
    ]  # equal in meaning and year, each cited by p20: only the id tells them apart
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ordered = path_graph(years, edges, vectors)
    shuffled_ids = list(years)[::-1]
    shuffled = path_graph({p: years[p] for p in shuffled_ids}, edges, vectors[::-1].copy())
    assert ordered.near._in_order and not shuffled.near._in_order
    rows = {p: i for i, p in enumerate(years)}
    back = {p: i for i, p in enumerate(shuffled_ids)}
    different = {"p10", "p11", "p12"}  # a step by meaning to one of three equal papers takes the first row
    compared = 0
    for pid in set(years) - different:
        for direction in ("before", "after"):
            a = ordered.reading(rows[pid], direction, 30, "v")  # type: ignore[arg-type]
            b = shuffled.reading(back[pid], direction, 30, "v")  # type: ignore[arg-type]
            if not different & {e["id"] for e in a["results"] + b["results"]}:
                assert a == b, (pid, direction)
                compared += 1
    assert compared >= 20, compared
    for graph, row in ((ordered, rows["p20"]), (shuffled, back["p20"])):
        first = [e["id"] for e in graph.reading(row, "before", 3, "v")["results"]]
        assert first == ["p10", "p11", "p12"], first


def test_the_nearest_found_many_at_once_are_those_found_one_by_one() -> None:
    """``Nearness.prefetch`` reads a year's window once for all its papers: each paper's nearest are the papers and
    cosines ``nearest`` finds for it alone, either way in time."""
    from papersearch.query.meaning import Nearness

    rng = np.random.default_rng(11)
    years = np.sort(rng.integers(1940, 2026, size=400))
    vectors = rng.normal(size=(400, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    rows = sorted(rng.choice(400, size=150, replace=False).tolist())
    for direction in ("before", "after"):
        alone, together = Nearness(vectors, years), Nearness(vectors, years)
        together.prefetch(rows, direction, 4)  # type: ignore[arg-type]
        for r in rows:
            mine = together._nearest[(r, direction, 4, None)]
            theirs = alone.nearest(r, direction, 4)  # type: ignore[arg-type]
            assert [p for p, _ in mine] == [p for p, _ in theirs], (r, direction)
            assert np.allclose([s for _, s in mine], [s for _, s in theirs], atol=1e-6)
