"""Cited answers on the real index: verbatim sentences over the whole dev set, the floors on both halves, every face.

Python (``Searcher.answer``), HTTP (``GET /answer`` in-process) and the command line (``papersearch
answer`` as a new process) give the same answer and the same words for a bad parameter as search does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from papersearch.agent.text import answer_text
from papersearch.cli.flag_names import in_flags
from papersearch.core.assistant_records import Answer
from papersearch.core.errors import QueryError
from papersearch.core.records import PaperRecord
from papersearch.core.settings import Settings
from papersearch.query import answer as answering
from papersearch.query import floors as assistant
from papersearch.query import quotes
from papersearch.query.evaluate import HALVES, EvalQuery, load_queries
from papersearch.query.searcher import Searcher
from papersearch.serve.app import create_app

from .conftest import CORPUS, DEV_FILES, MODEL

QUERIES = Path(__file__).parent / "data" / "queries.jsonl"
RUMELHART = "1986-rumelhart-backpropagation"
OUT_OF_SCOPE = "cheap flights to lisbon in march"


@pytest.fixture(scope="module")
def dev(searcher: Searcher) -> list[tuple[EvalQuery, Answer]]:
    """Every query of every dev file with its answer."""
    known = {r["id"] for r in searcher.papers()}
    queries = [q for path in DEV_FILES for q in load_queries(path, known)]
    return [(q, searcher.answer(q.query)) for q in queries]


@pytest.fixture(scope="module")
def client(index_dir: Path, searcher: Searcher) -> Iterator[TestClient]:
    settings = Settings(corpus=CORPUS, index=index_dir, model=MODEL, admin_token=None)
    with TestClient(create_app(settings, searcher, reload_interval=0)) as c:
        yield c


def cli(index_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "papersearch", "answer", "--index", str(index_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


# ---------------------------------------------------------------- the dev set


def test_every_sentence_is_the_lists_own_words_over_the_whole_dev_set(
    dev: list[tuple[EvalQuery, Answer]], searcher: Searcher
) -> None:
    papers = {r["id"]: r for r in searcher.papers()}
    quoted = 0
    for q, a in dev:
        numbers = {s["number"]: s["id"] for s in a["sources"]}
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), q.id
        per_paper: dict[str, int] = {}
        for s in a["sentences"]:
            rec = papers[s["id"]]
            where = rec["summary"] if s["kind"] == "summary" else rec["question"]
            assert s["text"] in where and s["text"].strip() == s["text"] and s["text"], (q.id, s["text"])
            assert numbers[s["source"]] == s["id"] and s["citation"] == answering.citation(rec)
            per_paper[s["id"]] = per_paper.get(s["id"], 0) + 1  # its question counts: at most two from one paper
            quoted += 1
        assert all(n <= quotes.PER_PAPER for n in per_paper.values()), (q.id, per_paper)
        assert a["declined"] == (not a["sentences"]) and (a["declined"] or 1 <= len(a["sentences"]) <= 5)
        assert {s["id"] for s in a["sentences"]} == set(numbers.values())
    assert quoted > 300  # the test read real answers, not refusals


# Floors the held-out half does not reach yet (docs/assistant.md, "where the floors stand"): each is still
# checked, and strict, so the day a change reaches one its test fails until it leaves this set.
UNMET = {
    assistant.OUT_OF_SCOPE.name,
    assistant.IN_SCOPE_FLAGGED.name,  # 3 of 180 with the second blind file (1 of 131 without)
    assistant.ORDER_FIRST.name,
    assistant.CITES_BEST.name,
    assistant.CITES_GRADED.name,
}


@pytest.fixture(scope="module")
def tallies(dev: list[tuple[EvalQuery, Answer]], searcher: Searcher) -> dict[str, dict[str, assistant.Tally]]:
    """Each half's tallies of the assistant's floors (query/floors.py), over every dev file; both are printed."""
    answers = {q.id: a for q, a in dev}
    got = {}
    for half in HALVES:
        queries = [q for q, _ in dev if q.half == half]
        results = {q.id: searcher.search(q.query) for q in queries}  # the answers' own searches, from the cache
        got[half] = assistant.tallies(queries, results, answers)
        print(half, {name: f"{t.hits}/{t.of}" for name, t in got[half].items()})
    return got


@pytest.mark.parametrize(
    "floor",
    [
        pytest.param(
            f, id=f.name, marks=[pytest.mark.xfail(strict=True, raises=AssertionError, reason="floor not met yet")]
        )
        if f.name in UNMET
        else pytest.param(f, id=f.name)
        for f in assistant.FLOORS
    ],
)
def test_each_floor_on_the_held_out_half_of_the_dev_set(
    tallies: dict[str, dict[str, assistant.Tally]], floor: assistant.Floor
) -> None:
    """A floor chosen on the tune half (odd ids) and checked on the held-out half (even ids)."""
    assert floor.holds(tallies["held-out"][floor.name]), (floor.name, tallies["held-out"][floor.name])


def test_in_scope_questions_are_rarely_declined(dev: list[tuple[EvalQuery, Answer]]) -> None:
    inside = [a for q, a in dev if q.in_scope]
    assert sum(a["declined"] for a in inside) / len(inside) <= 0.02


def test_origin_and_history_answers_read_in_time_order(dev: list[tuple[EvalQuery, Answer]], searcher: Searcher) -> None:
    year = {r["id"]: r["year"] for r in searcher.papers()}
    seen = set()
    for _, a in dev:
        if a["declined"] or a["understood"] is None:
            continue
        intent, order = a["understood"]["intent"], a["understood"]["order"]
        around = order is not None and order["over"] in ("before", "after")  # what came before/after a paper
        assert a["order"] == ("time" if intent in ("origin", "history") or around else "relevance")
        years = [year[s["id"]] for s in a["sentences"]]
        if a["order"] == "time":
            assert years == sorted(years), a["query"]
        seen.add(a["order"])
        steps = [s["year"] for s in a["reading_order"]]
        assert steps == sorted(steps), a["query"]
    assert seen == {"time", "relevance"}


def test_the_reading_order_adds_what_the_cited_papers_build_on(
    dev: list[tuple[EvalQuery, Answer]], searcher: Searcher
) -> None:
    earlier = {
        r["id"]: {n["id"]: n for n in r["references"]["cites"]} for r in searcher.papers()
    }  # what each paper builds on, as its neighbourhood says
    added = 0
    for _, a in dev:
        cited = {s["id"]: s["number"] for s in a["sources"]}
        assert {s["id"] for s in a["reading_order"] if s["source"] is not None} == set(cited)
        for step in a["reading_order"]:
            if step["source"] is not None:
                assert step["source"] == cited[step["id"]] and step["kind"] is None
                continue
            added += 1
            assert step["needed_for"] and set(step["needed_for"]) <= set(cited)
            for later in step["needed_for"]:
                tie = earlier[later][step["id"]]
                assert tie["kind"] == step["kind"] or step["kind"] == "cites"
        order = a["understood"]["order"] if a["understood"] else None
        after = order["paper"] if order and order["over"] == "after" and order["paper"] else None
        not_before = searcher.paper(after)["year"] if after else 0  # what came after a paper: nothing older
        for source in cited:  # what it sends a reader to first: the first direct ties of the source's own reading path
            direct = [r["id"] for r in searcher.path(source, "before", 50)["results"] if len(r["hops"]) == 1]
            direct = [pid for pid in direct if pid in earlier[source] and pid not in cited]
            direct = [pid for pid in direct if searcher.paper(pid)["year"] >= not_before]
            chosen = {s["id"] for s in a["reading_order"] if source in s["needed_for"]}
            assert chosen == set(direct[: len(chosen)]) and len(chosen) == min(len(direct), answering.READ_FIRST), (
                a["query"],
                source,
            )
    assert added >= 5  # some answers do send the reader to an earlier entry first


# ---------------------------------------------------------------- one answer, closely


def test_how_were_deep_nets_first_trained(searcher: Searcher) -> None:
    a = searcher.answer("how were deep nets first trained?")
    assert not a["declined"] and a["confidence"] >= 0.9 and a["order"] == "time"
    assert 2 <= len(a["sentences"]) <= 5
    first = a["sources"][0]
    assert first["id"] == RUMELHART and first["number"] == 1
    assert first["citation"] == "(Rumelhart, Hinton & Williams, 1986)"
    assert {"title", "year", "authors", "era", "era_name"} <= set(first)
    assert any("Backpropagation" in s["text"] for s in a["sentences"])
    assert a["reading_order"][0]["id"] == RUMELHART
    assert a["nearest"] == []
    assert assistant.readme_answered(a)  # both milestones: backpropagation (1986) and deep belief networks (2005)
    assert [s["id"] for s in a["sources"]][:2] == list(assistant.README_PAPERS)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("which paper on this list is the oldest one?", "1943-mcculloch-neural-logic"),
        ("what is the newest paper in the list?", "2025-deepseek-deepseek-r1"),
        ("the most recent paper on reinforcement learning", "2025-deepseek-deepseek-r1"),
        ("the earliest paper on recurrent networks", "1990-elman-rnn"),
        # the same ends of time worded otherwise: an order word and what it runs over, read by their structure
        ("the earliest work in the list", "1943-mcculloch-neural-logic"),
        ("which entry dates furthest back?", "1943-mcculloch-neural-logic"),
        ("the least recent paper in the collection", "1943-mcculloch-neural-logic"),
        ("which paper here came out before all the others?", "1943-mcculloch-neural-logic"),
        ("give me the earliest-published paper", "1943-mcculloch-neural-logic"),
        ("what's the most up-to-date paper here?", "2025-deepseek-deepseek-r1"),
        ("what was published most recently among these papers?", "2025-deepseek-deepseek-r1"),
        ("the last paper on the timeline", "2025-deepseek-deepseek-r1"),
        ("which paper immediately preceded BERT?", "2018-radford-gpt-2"),  # the nearest in time on that side
        ("what was published right before DeepSeek-R1", "2022-ouyang-rlhf"),
    ],
)
def test_an_order_question_quotes_the_paper_the_order_puts_first(searcher: Searcher, query: str, first: str) -> None:
    res = searcher.search(query)
    assert res["understood"] is not None and res["understood"]["order"] is not None
    assert res["results"][0]["id"] == first and not res["no_match"]
    a = searcher.answer(query)
    assert not a["declined"] and [s["id"] for s in a["sources"]] == [first]  # that paper, and only it
    unordered = searcher.search(query, ignore=["order"])
    assert unordered["understood"] is not None and unordered["understood"]["order"] is None


def test_what_came_before_or_after_a_paper_is_answered_from_its_neighbourhood(searcher: Searcher) -> None:
    res = searcher.search("what came before the transformer?")
    order = res["understood"]["order"] if res["understood"] else None
    assert order is not None and order["over"] == "before" and order["paper"] == "2017-vaswani-transformer"
    assert res["results"][0]["id"] == "2015-bahdanau-attention"  # the transformer cites it
    assert all(h["year"] <= 2017 for h in res["results"][:5]) and "2017-vaswani-transformer" not in {
        h["id"] for h in res["results"][:5]
    }
    a = searcher.answer("what came before the transformer?")
    cited = [s["id"] for s in a["sources"]]
    assert "2015-bahdanau-attention" in cited and a["order"] == "time"
    transformer = searcher.paper("2017-vaswani-transformer")["references"]
    tied = {n["id"] for n in transformer["cites"] + transformer["cited_by"]}
    assert set(cited[1:]) <= tied  # any other paper it quotes is one the graph ties to the transformer
    for query, anchor in (  # the paper its words name: all its words, its key concept by the longest name
        ("what built on the perceptron?", "1958-rosenblatt-perceptron"),  # not Minsky and Papert's book about it
        ("what happened after the perceptrons book?", "1969-minsky-perceptrons"),
        ("what came before latent diffusion", "2022-rombach-latent-diffusion"),  # not the diffusion model of 2015
        ("what led to deep belief networks", "2005-hinton-deep-belief-networks"),
    ):
        understood = searcher.search(query)["understood"]
        assert understood is not None and understood["order"] is not None, query
        assert understood["order"]["paper"] == anchor, (query, understood["order"])
    after = searcher.answer("what built on the perceptron?")
    assert after["understood"] is not None and after["understood"]["order"]["paper"] == "1958-rosenblatt-perceptron"
    assert after["sources"] and all(s["year"] > 1958 for s in after["sources"])


@pytest.mark.parametrize(
    ("query", "cited"),
    [
        ("which came first, LSTM or the transformer?", ["1997-hochreiter-lstm", "2017-vaswani-transformer"]),
        ("which is newer, LSTM or the transformer?", ["2017-vaswani-transformer", "1997-hochreiter-lstm"]),
        ("which appeared later, AlphaGo or DQN?", ["2016-silver-alphago", "2013-mnih-dqn"]),
    ],
)
def test_a_choice_between_two_papers_quotes_both_in_the_order_asked(
    searcher: Searcher, query: str, cited: list[str]
) -> None:
    """Both sides are quoted, the end of time the question asks for first; neither side is missing from the list."""
    a = searcher.answer(query)
    assert [s["id"] for s in a["sources"]] == cited, query
    assert list(dict.fromkeys(s["id"] for s in a["sentences"])) == cited, query
    assert a["notes"] == [] and not a["declined"]


def test_a_choice_with_a_side_the_list_lacks_says_so_in_its_own_words(searcher: Searcher) -> None:
    """'GloVe' names no paper of the list: the answer quotes word2vec and says, in a line that is not a quote, that
    the list holds nothing on GloVe; a choice whose sides both name papers, or no choice at all, has no such line."""
    a = searcher.answer("which came first, word2vec or GloVe?")
    assert {s["id"] for s in a["sentences"]} == {"2012-mikolov-word2vec"}
    assert a["notes"] == [answering.unlisted("GloVe")] and "GloVe" in a["notes"][0]
    assert all(a["notes"][0] != s["text"] for s in a["sentences"])
    assert searcher.answer("word2vec")["notes"] == []
    # an agent reads the same line, marked as the program's own, between the quotes and the sources
    text = answer_text(a).splitlines()
    assert text.index(f"note (not from the list): {a['notes'][0]}") < text.index("sources:")


def test_a_question_about_a_persons_work_quotes_each_of_their_papers(searcher: Searcher) -> None:
    """ "What did Hinton contribute?" is asked of all of his papers the search puts first, not of his best ranked one
    alone: a sentence from each, the first ranked first; a topic beside the name asks for that topic, not his whole work."""
    hinton = searcher.answer("what did Hinton contribute?")
    cited = [s["id"] for s in hinton["sources"]]
    ranked = [r["id"] for r in searcher.search("what did Hinton contribute?", k=10)["results"]]
    records = {r["id"]: r for r in searcher.papers()}
    assert len(cited) >= 3 and all(any("Hinton" in a for a in records[i]["authors"]) for i in cited)
    assert hinton["order"] == "relevance" and cited[0] == ranked[0] and set(cited) <= set(ranked)
    bengio = searcher.answer("papers by Yoshua Bengio")
    assert len(bengio["sources"]) >= 4 and len({s["id"] for s in bengio["sentences"]}) == len(bengio["sources"])
    assert "2015-vinyals-image-captioning" not in {s["id"] for s in bengio["sources"]}  # Samy Bengio's
    topical = searcher.answer("Hinton's work on backpropagation")
    assert "1981-hinton-distributed-representation" not in {s["id"] for s in topical["sources"]}


def test_declined_and_no_match_agree(searcher: Searcher, dev: list[tuple[EvalQuery, Answer]]) -> None:
    """An answer declines exactly when it says nothing matches: the search's no-match, or no sentence of the papers it
    ranks answers ("fix my car engine": papers near enough to list, none that says anything about it)."""
    engine = searcher.answer("can I use these papers to fix my car engine?")
    assert engine["declined"] and engine["no_match"] and engine["confidence"] < 0.5
    assert not searcher.search("can I use these papers to fix my car engine?")["no_match"]  # why the rule is needed
    assert all(a["declined"] == a["no_match"] for _, a in dev)
    assert any(not a["declined"] for _, a in dev) and any(a["declined"] for _, a in dev)


def test_instruction_words_choose_neither_papers_nor_sentences(searcher: Searcher) -> None:
    """ "Explain" is no topic: the explainable-AI text of Zeiler & Fergus does not answer the vanishing gradient."""
    asked = searcher.answer("Explain the vanishing gradient problem")
    plain = searcher.answer("the vanishing gradient problem")
    assert [s["id"] for s in asked["sources"]] == [s["id"] for s in plain["sources"]]
    assert [s["text"] for s in asked["sentences"]] == [s["text"] for s in plain["sentences"]]
    ranked = [h["id"] for h in searcher.search("Explain the vanishing gradient problem")["results"][:5]]
    assert "2014-zeiler-visualizing-convnets" not in ranked
    for worded in ("the vanishing gradient problem explained", "what's the deal with the vanishing gradient problem"):
        said = searcher.answer(worded)  # an instruction after the topic, or an idiom that asks, is no topic either
        assert [s["text"] for s in said["sentences"]] == [s["text"] for s in plain["sentences"]], worded
    summary = searcher.answer("Summarize the AlexNet paper for me in a few sentences.")
    assert summary["sources"][0]["id"] == "2012-krizhevsky-alexnet"


def test_an_everyday_question_is_declined(searcher: Searcher) -> None:
    """A question whose topic is everyday English the list lacks is declined though a field word matches."""
    for query in ("how do I get my toddler to pay attention at dinner", "best running shoes for marathon training"):
        a = searcher.answer(query)
        assert a["declined"] and a["no_match"] and a["sentences"] == [] and a["nearest"], query


def test_a_question_outside_the_list_is_declined_with_the_nearest_papers(searcher: Searcher) -> None:
    a = searcher.answer(OUT_OF_SCOPE)
    assert a["declined"] and a["sentences"] == [] and a["sources"] == [] and a["reading_order"] == []
    assert a["confidence"] < 0.5 and len(a["nearest"]) == answering.NEAREST
    search = searcher.search(OUT_OF_SCOPE)
    assert [p["id"] for p in a["nearest"]] == [r["id"] for r in search["results"][: answering.NEAREST]]


def test_filters_and_modes_apply_as_in_search(searcher: Searcher) -> None:
    era = "the-deep-learning-explosion"
    a = searcher.answer("how do you train very deep networks", era=era)
    assert a["sources"] and {s["era"] for s in a["sources"]} == {era}
    lexical = searcher.answer("who invented the perceptron", mode="lexical")
    assert not lexical["declined"] and "1958-rosenblatt-perceptron" in {s["id"] for s in lexical["sources"]}
    assert searcher.answer(OUT_OF_SCOPE, mode="lexical")["declined"]
    named = searcher.answer("goodfellow")  # a name: the search is sure of its paper, the answer quotes it
    assert not named["declined"] and named["sources"][0]["id"] == "2014-goodfellow-gan"


@pytest.mark.parametrize(
    "bad",
    [{"k": "abc"}, {"k": 0}, {"mode": "fuzzy"}, {"year_from": 2000, "year_to": 1990}, {"era": "bronze"}, {}],
    ids=["k-text", "k-zero", "mode", "backwards", "era", "empty"],
)
def test_bad_parameters_say_what_search_says(searcher: Searcher, bad: dict[str, Any]) -> None:
    query = "   " if not bad else "cnn"
    with pytest.raises(QueryError) as from_search:
        searcher.search(query, **bad)
    with pytest.raises(QueryError) as from_answer:
        searcher.answer(query, **bad)
    assert (from_answer.value.param, str(from_answer.value)) == (from_search.value.param, str(from_search.value))


@pytest.mark.parametrize(
    ("authors", "cited"),
    [
        (["David E. Rumelhart", "Geoffrey E. Hinton", "Ronald J. Williams"], "(Rumelhart, Hinton & Williams, 1986)"),
        (["Jeffrey L. Elman"], "(Elman, 1986)"),
        (["Léon Bottou", "Patrick Gallinari"], "(Bottou & Gallinari, 1986)"),
        (["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit"], "(Vaswani et al., 1986)"),
        (["Aäron van den Oord", "Oriol Vinyals"], "(van den Oord & Vinyals, 1986)"),
        (["Nando de Freitas"], "(de Freitas, 1986)"),
        (["Yann Le Cun", "Jan ten Brink", "Anne des Rosiers"], "(Le Cun, ten Brink & des Rosiers, 1986)"),
        (["Le Song"], "(Song, 1986)"),
        (["DeepSeek AI", "Daya Guo"], "(DeepSeek AI & Guo, 1986)"),
        (["Google Research", "Daya Guo"], "(Google Research & Guo, 1986)"),  # an organisation, whole
        (["A. Writer", "over 100 additional authors"], "(Writer et al., 1986)"),
    ],
)
def test_citations_name_authors_as_a_reader_expects(authors: list[str], cited: str) -> None:
    record: PaperRecord = {  # only the fields a citation reads matter here
        "id": "1986-x",
        "year": 1986,
        "title": "T",
        "authors": authors,
        "era": "e",
        "era_name": "E",
        "question": "Q?",
        "summary": "S.",
        "concepts": [],
        "references": {"cites": [], "cited_by": [], "external": []},
    }
    assert answering.citation(record) == cited


# ---------------------------------------------------------------- HTTP and the command line


def test_http_answer_is_the_python_answer(client: TestClient, searcher: Searcher) -> None:
    r = client.get("/answer", params={"q": "who invented the perceptron", "k": "5"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    mine = searcher.answer("who invented the perceptron", k=5)
    assert {k: v for k, v in body.items() if k != "took_ms"} == {k: v for k, v in mine.items() if k != "took_ms"}
    declined = client.get("/answer", params={"q": OUT_OF_SCOPE}).json()
    assert declined["declined"] and declined["nearest"]


@pytest.mark.parametrize(
    "query",
    ["q=cnn&k=abc", "q=cnn&mode=fuzzy", "q=cnn&year_from=2000&year_to=1990", "q=cnn&era=bronze", "q=%20", "k=3"],
)
def test_http_answer_has_the_same_errors_as_search(client: TestClient, query: str) -> None:
    search, answer = client.get("/search?" + query), client.get("/answer?" + query)
    assert search.status_code == answer.status_code == 422
    assert search.json() == answer.json()


def test_openapi_documents_answer_with_the_search_parameters(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/answer"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Answer")
    search = {p["name"]: p["schema"] for p in spec["paths"]["/search"]["get"]["parameters"]}
    assert {p["name"]: p["schema"] for p in op["parameters"]} == search


def test_cli_answer_reads_well_and_prints_the_same_json(index_dir: Path, searcher: Searcher) -> None:
    out = cli(index_dir, "how were deep nets first trained?")
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert "(Rumelhart, Hinton & Williams, 1986) [1]" in text
    assert "Sources" in text and "Read in this order" in text and "Learning Representations" in text
    out = cli(index_dir, "who invented the perceptron", "--json", "-k", "5")
    body = json.loads(out.stdout)
    mine = searcher.answer("who invented the perceptron", k=5)
    assert {k: v for k, v in body.items() if k != "took_ms"} == {k: v for k, v in mine.items() if k != "took_ms"}
    out = cli(index_dir, OUT_OF_SCOPE)
    assert out.returncode == 0 and "does not seem to cover this question" in out.stdout


def test_cli_answer_says_the_words_of_the_api_for_a_bad_parameter(client: TestClient, index_dir: Path) -> None:
    body = client.get("/answer?q=cnn&k=abc").json()
    out = cli(index_dir, "cnn", "-k", "abc")
    assert out.returncode == 2 and in_flags(body["error"]["message"], body["error"]["param"]) in out.stderr
    out = cli(index_dir, "cnn", "--era", "bronze")
    body = client.get("/answer?q=cnn&era=bronze").json()
    message = in_flags(body["error"]["message"], body["error"]["param"])  # the API's words, with the CLI's names
    said = f"papersearch answer: error: {message} (see `papersearch answer --help`)\n"
    assert out.returncode == 2 and out.stderr == said  # an era the index lacks is a bad argument, as -k abc is


def test_a_cold_answer_imports_nothing_that_ask_does_not(index_dir: Path) -> None:
    """``answer`` stays as light as ``ask``: numpy, onnxruntime and tokenizers, never torch."""

    def top_level(cmd: str) -> set[str]:
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "papersearch.cli", cmd, "--index", str(index_dir), "cnn"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        lines = [ln.rsplit("|", 1)[1].strip() for ln in proc.stderr.splitlines() if ln.startswith("import time:")]
        return {name.split(".")[0] for name in lines}

    asked, answered = top_level("ask"), top_level("answer")
    assert answered - asked == set()
    assert "onnxruntime" in answered and not {"torch", "sentence_transformers", "transformers"} & answered
