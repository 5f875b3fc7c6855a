"""Search: ranking quality, filters, `why` and neighbours, the JSON shape, and bad input."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import typing
from collections import Counter
from pathlib import Path

import pytest

from papersearch.core.errors import QueryError
from papersearch.core.params import SearchRequest
from papersearch.core.records import PassageKind
from papersearch.query.evaluate import HALVES, evaluate, load_queries, report

from .conftest import DEV_FILES

QUERIES = Path(__file__).parent / "data" / "queries.jsonl"
BLIND = [f for f in DEV_FILES if f != QUERIES]  # each written from the corpus alone (query/evaluate.py)
# each old kind's hybrid nDCG@10 over the whole file when the blind queries joined the dev set: none may fall
TODAY = {"era": 0.8341, "history": 0.7810, "keyword": 0.9365, "name": 0.9872, "origin": 0.9311}
TODAY |= {"paraphrase": 0.7266, "question": 0.8835, "thematic": 0.7645, "time": 0.9295, "typo": 0.9827}
TODAY |= {"xref-name": 0.9567}
# the hybrid figure measured when the ranking was chosen (docs/ranking.md); a regression fails here
HYBRID_NDCG_FLOOR = 0.84


def test_dev_set_covers_every_kind_of_question() -> None:
    qs = load_queries(QUERIES)
    assert len(qs) >= 50
    assert "how were deep nets first trained?" in {q.query for q in qs}
    assert all(3 in q.relevant.values() for q in qs if q.in_scope)
    kinds = Counter(q.type for q in qs)
    assert kinds["time"] + kinds["era"] >= 15 and kinds["name"] >= 10 and kinds["origin"] >= 10
    assert kinds["history"] >= 10 and kinds["out-of-scope"] >= 15
    assert all(not q.relevant for q in qs if q.type == "out-of-scope")
    ids = Counter(q.id for q in qs)
    assert len(BLIND) >= 2
    for path in BLIND:
        blind = load_queries(path)
        kinds = Counter(q.type for q in blind)
        assert kinds["out-of-scope"] >= 30 and all(q.near for q in blind if not q.in_scope)
        assert kinds["order"] >= 15 and kinds["instruction"] >= 15 and kinds["before-after"] >= 15
        assert kinds["paraphrase"] >= 30 and kinds["history"] >= 15
        assert all(q.cite and set(q.cite) <= set(q.relevant) for q in blind if q.in_scope)  # what an answer must quote
        ids.update(q.id for q in blind)
    assert max(ids.values()) == 1  # no id in two files


def test_hybrid_beats_both_and_does_not_regress(searcher) -> None:  # type: ignore[no-untyped-def]
    """The fusion itself, on the first 74 queries with query understanding off: as measured when it was chosen."""
    first = [q for q in load_queries(QUERIES, {r["id"] for r in searcher.data.records}) if q.id.startswith("q")]
    scores = evaluate(searcher, first, understand=False)
    print(json.dumps(scores))
    hybrid, dense, lexical = (scores[m]["ndcg@10"] for m in ("hybrid", "dense", "lexical"))
    assert hybrid >= HYBRID_NDCG_FLOOR
    assert hybrid >= dense + 0.03 and hybrid >= lexical + 0.03


def test_known_answers(searcher) -> None:  # type: ignore[no-untyped-def]
    top = searcher.search("convolutional network reads handwritten digits", k=3)["results"][0]
    assert top["id"] == "1989-lecun-cnn"
    assert "handwritten digits" in top["why"]["sentence"]
    assert {"handwritten", "digits"} <= {t.lower() for t in top["why"]["terms"]}
    assert "Convolutional Neural Network" in top["why"]["concepts"]
    assert top["why"]["matched_passage"] in typing.get_args(PassageKind)  # the kind of passage closest in meaning
    cites = {n["id"]: n for n in top["neighbours"]["cites"]}
    assert cites["1959-hubel-visual-cortex"]["kind"] == "cites"
    assert "Hubel and Wiesel" in cites["1959-hubel-visual-cortex"]["evidence"]
    assert "2016-silver-alphago" in {n["id"] for n in top["neighbours"]["cited_by"]}
    assert top["neighbours"]["external"] == [{"ref": "Fukushima 1980", "evidence": "Also see Fukushima (1980)"}]
    werbos = searcher.search("Werbos", k=1, mode="lexical")["results"][0]
    assert werbos["id"] == "1986-rumelhart-backpropagation" and werbos["why"]["matched_passage"] is None


def test_typos_are_corrected_against_the_corpus(searcher) -> None:  # type: ignore[no-untyped-def]
    res = searcher.search("reccurent nets that lern grammer", k=3)
    assert res["corrected_query"] == "recurrent nets that learn grammar"
    assert res["results"][0]["id"] == "1990-elman-rnn"


def test_everyday_words_are_not_typos() -> None:
    from papersearch.query.spelling import Speller

    speller = Speller({"deep": 5, "learning": 9, "read": 2, "convolutional": 4, "grammar": 1, "recurrent": 3})
    for query in ("a trick to keep a net small", "gradually cleaning up static", "a head start"):
        assert speller.correct(query) == query  # "keep" is English, not a typo of "deep"
    assert speller.correct("Convolutoinal reccurent grammer") == "convolutional recurrent grammar"
    assert speller.correct("onvolutional") == "onvolutional"  # candidates share the first letter


def test_a_repeated_search_is_answered_from_the_cache(searcher) -> None:  # type: ignore[no-untyped-def]
    first = searcher.search("sparse coding in the visual cortex", k=4)
    hits = searcher.result_hits
    again = searcher.search("  sparse coding in the   visual cortex ", k=4)
    assert searcher.result_hits == hits + 1 and again["cached"] and not first["cached"]
    assert {k: v for k, v in again.items() if k not in ("took_ms", "cached")} == {
        k: v for k, v in first.items() if k not in ("took_ms", "cached")
    }
    other = searcher.search("sparse coding in the visual cortex", k=4, mode="dense")  # other options: searched
    assert not other["cached"] and searcher.result_hits == hits + 1


def test_one_checked_request_travels_whole(searcher) -> None:  # type: ignore[no-untyped-def]
    """A face builds one SearchRequest and passes it; Python keywords are checked into the same record."""
    text = "papers from the 1990s about sequences"
    asked = searcher.request(text, k="3", era="depth problem", ignore="time", understand="no")
    assert asked == SearchRequest(text, k=3, era="solving-the-depth-problem", understand=False, ignore=("time",))
    first = searcher.search(asked)
    again = searcher.search(f"  {text} ", k=3, era="Solving the Depth Problem", ignore=["time"], understand=False)
    assert again["cached"] and {k: v for k, v in again.items() if k not in ("took_ms", "cached")} == {
        k: v for k, v in first.items() if k not in ("took_ms", "cached")
    }
    question = searcher.request("how were deep nets first trained?", k=5, mode="dense")
    answer = {k: v for k, v in searcher.answer(question).items() if k != "took_ms"}
    assert answer["sentences"] and answer == {
        k: v for k, v in searcher.answer(question.query, k="5", mode="dense").items() if k != "took_ms"
    }
    with pytest.raises(TypeError):  # a request holds its options: none besides
        searcher.search(asked, k=5)
    with pytest.raises(TypeError):  # options by keyword only: two of them cannot trade places
        SearchRequest.check(text, searcher.data.eras, 5)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        asked.k = 5  # type: ignore[misc]


def test_the_readme_python_example_runs(index_dir: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    code = readme.split("From Python:", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict[str, object] = {}
    exec(code.replace('"index"', repr(str(index_dir))), scope)
    hits = scope["hits"]
    assert isinstance(hits, dict) and len(hits["results"]) == 5 and hits["query"] == "how were deep nets first trained?"


def test_filters_apply_before_ranking(searcher) -> None:  # type: ignore[no-untyped-def]
    res = searcher.search("transformers and language models", k=5, year_from=1986, year_to=1991)
    assert len(res["results"]) == 5
    assert all(1986 <= r["year"] <= 1991 for r in res["results"])
    era = searcher.search("neural networks", k=10, era="Solving the Depth Problem")
    assert {r["era"] for r in era["results"]} == {"solving-the-depth-problem"}
    assert len(era["results"]) == 5  # the era holds exactly five papers
    assert era["filters"]["era"] == "solving-the-depth-problem"


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"query": "   "}, "q"),
        ({"query": "x" * 501}, "q"),
        ({"query": "a\x00b"}, "q"),
        ({"query": "cnn", "k": 0}, "k"),
        ({"query": "cnn", "k": 10_000}, "k"),
        ({"query": "cnn", "mode": "fuzzy"}, "mode"),
        ({"query": "cnn", "era": "bronze age"}, "era"),
        ({"query": "cnn", "year_from": 2000, "year_to": 1990}, "year_from"),
        ({"query": "cnn", "year_from": 20000}, "year_from"),
    ],
)
def test_bad_input_is_a_clear_error(searcher, kwargs: dict[str, object], param: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError) as exc:
        searcher.search(**kwargs)
    assert exc.value.param == param and len(str(exc.value)) > len(param) + 10


def run_ask(index_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "papersearch.cli", "ask", "--index", str(index_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ask_json_shape(index_dir: Path) -> None:
    out = run_ask(index_dir, "how were deep nets first trained?", "-k", "4", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"query", "mode", "results"} <= set(data) and data["mode"] == "hybrid" and len(data["results"]) == 4
    r = data["results"][0]
    assert {"id", "title", "year", "authors", "era", "question", "score", "why", "neighbours"} <= set(r)
    assert {"sentence", "terms", "concepts"} <= set(r["why"])
    assert {"cites", "cited_by", "external", "cites_total", "cited_by_total"} == set(r["neighbours"])
    scores = [x["score"] for x in data["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["", "--json"], "query is empty"),
        (["cnn", "-k", "0"], "k must be a whole number from 1 to 100, not '0'"),
        (["cnn", "-k", "many"], "k must be a whole number"),
        (["cnn", "--mode", "fuzzy"], "invalid choice"),
        (["cnn", "--era", "bronze"], "unknown era"),
        (["cnn", "--year-from", "2000", "--year-to", "1990"], "backwards"),
    ],
)
def test_ask_bad_arguments_print_one_line(index_dir: Path, args: list[str], words: str) -> None:
    out = run_ask(index_dir, *args)
    assert out.returncode in (1, 2)
    assert words in out.stderr and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_show_prints_the_neighbourhood(index_dir: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "papersearch.cli", "show", "2017-vaswani-transformer", "--index", str(index_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0
    assert (
        "builds on" in out.stdout
        and "Neural Machine Translation by Jointly Learning to Align and Translate" in out.stdout
    )
    assert "built upon by" in out.stdout and "BERT" in out.stdout


@pytest.mark.parametrize("seed", range(20))
def test_top_k_equals_a_stable_full_sort(seed: int) -> None:
    import numpy as np

    from papersearch.query.ranking import top_k

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300 if seed % 2 else 3_000))  # sorted whole, and partitioned first (PARTITION_FROM)
    scores = rng.integers(0, 6, n).astype(np.float64)  # many ties
    scores[rng.random(n) < 0.3] = -np.inf  # filtered out
    for k in (1, 3, 10, n + 5):
        full = [int(i) for i in np.argsort(-scores, kind="stable") if np.isfinite(scores[i])][:k]
        assert top_k(scores, k) == full


# ---------------------------------------------------------------- query understanding (docs/ranking.md)

# each kind's hybrid nDCG@10 before query understanding existed; none may fall by more than 0.01
BEFORE = {"keyword": 0.9286, "paraphrase": 0.7266, "question": 0.8761, "thematic": 0.7565, "typo": 0.9827}
BEFORE |= {"xref-name": 0.9198, "era": 0.6349}


@pytest.fixture(scope="module")
def understood(searcher):  # type: ignore[no-untyped-def]
    return report(searcher, load_queries(QUERIES, {r["id"] for r in searcher.data.records}))


def test_understanding_raises_the_whole_dev_set(understood) -> None:  # type: ignore[no-untyped-def]
    print(json.dumps({"modes": understood.modes, "kinds": understood.kinds, "halves": understood.halves}))
    assert understood.modes["hybrid"]["ndcg@10"] >= 0.88
    for kind, today in TODAY.items():  # reading instructions and order moved no old kind down
        assert understood.kinds[kind]["ndcg@10"] >= today, (kind, understood.kinds_by_half)
    assert understood.kinds["name"]["ndcg@10"] >= 0.97
    time, era = understood.kinds["time"], understood.kinds["era"]
    n_time, n_era = understood.counts["time"], understood.counts["era"]
    assert (time["ndcg@10"] * n_time + era["ndcg@10"] * n_era) / (n_time + n_era) >= 0.85  # the time/era kind
    for kind, before in BEFORE.items():
        assert understood.kinds[kind]["ndcg@10"] >= before - 0.01, kind


def test_the_readme_example_finds_both_ways_deep_nets_were_first_trained(searcher) -> None:  # type: ignore[no-untyped-def]
    top = [h["id"] for h in searcher.search("how were deep nets first trained?", k=3)["results"]]
    assert {"1986-rumelhart-backpropagation", "2005-hinton-deep-belief-networks"} <= set(top), top


def test_out_of_scope_queries_are_told_apart(understood) -> None:  # type: ignore[no-untyped-def]
    assert understood.no_match["recall"] >= 0.90  # out-of-scope queries flagged
    assert understood.no_match["in_scope_flagged"] <= 0.02


@pytest.fixture(scope="module")
def both_files(searcher):  # type: ignore[no-untyped-def]
    """Every query of every dev file with its hybrid search."""
    known = {r["id"] for r in searcher.data.records}
    queries = [q for path in DEV_FILES for q in load_queries(path, known)]
    return queries, {q.id: searcher.search(q.query) for q in queries}


def _flagged(both_files, half: str, in_scope: bool) -> float:  # type: ignore[no-untyped-def]
    """The share of ``half``'s in-scope (or out-of-scope) queries whose search says nothing matches."""
    queries, results = both_files
    chosen = [q for q in queries if q.half == half and q.in_scope == in_scope]
    share = sum(results[q.id]["no_match"] for q in chosen) / len(chosen)
    print(half, "in-scope" if in_scope else "out-of-scope", "flagged", round(share, 3))
    return share


def _unmet(*halves: str) -> list[object]:
    """Each half, those of ``halves`` marked as not reaching their floor yet: still checked, and strict, so a change
    that reaches one fails its test until the mark goes (docs/assistant.md, "where the floors stand")."""
    mark = pytest.mark.xfail(strict=True, raises=AssertionError, reason="floor not met yet")
    return [pytest.param(h, marks=[mark]) if h in halves else h for h in HALVES]


# The tune half reaches the out-of-scope floor (43 of 45) with the foreign-topic rule (query/scope.py); the held-out
# half does not yet (39 of 45): its misses are not of the kind the rule reads.
@pytest.mark.parametrize("half", _unmet("held-out"))
def test_out_of_scope_queries_are_flagged_on_each_half(both_files, half: str) -> None:  # type: ignore[no-untyped-def]
    """Out-of-scope queries (everyday questions sharing a word with the field among them) flagged: the model is
    fitted on the tune half (scripts/calibrate_no_match.py) and checked on the held-out half."""
    assert _flagged(both_files, half, in_scope=False) >= 0.95


@pytest.mark.parametrize("half", _unmet("held-out"))  # 3 of 180 with the second blind file
def test_in_scope_queries_are_rarely_flagged_on_each_half(both_files, half: str) -> None:  # type: ignore[no-untyped-def]
    """In-scope queries flagged "nothing matches": at most 1 in 100 on either half."""
    assert _flagged(both_files, half, in_scope=True) <= 0.01


def test_an_everyday_question_that_shares_a_field_word_is_flagged(searcher) -> None:  # type: ignore[no-untyped-def]
    """Its topic words are everyday English the list lacks; "attention", "network", "training" match."""
    for query in (
        "how do I get my toddler to pay attention at dinner",
        "how to set up a home wifi network with two routers",
        "best running shoes for marathon training",
        "sourdough starter feeding schedule",
    ):
        res = searcher.search(query)
        assert res["no_match"] and res["confidence"] < 0.5, query
        assert res["results"], query  # the nearest papers are still listed
    kept = searcher.search("how does attention let a network align words in translation")
    assert not kept["no_match"] and kept["results"][0]["id"] == "2015-bahdanau-attention"


def test_words_only_search_has_a_confidence_of_its_own(searcher) -> None:  # type: ignore[no-untyped-def]
    """The README's lexical example finds language models and says so; words the list lacks still say no match."""
    res = searcher.search("language models", year_from=1990, year_to=2005, mode="lexical")
    assert not res["no_match"] and res["results"][0]["id"] == "2003-bengio-neural-language-model"
    assert searcher.search("best pizza in naples", mode="lexical")["no_match"]


def test_a_query_outside_the_list_says_so_and_still_lists_the_nearest(searcher) -> None:  # type: ignore[no-untyped-def]
    res = searcher.search("best pizza in Naples", k=3)
    assert res["no_match"] and res["confidence"] < 0.5 and len(res["results"]) == 3
    inside = searcher.search("convolutional networks for handwritten digits", k=3)
    assert not inside["no_match"] and inside["confidence"] > 0.9


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Larochelle", "2010-vincent-denoising-autoencoders"),  # a co-author: his one paper, not noise
        ("Welling", "2013-kingma-vae"),  # a name that stems like "well"
        ("Linnainmaa", "1986-rumelhart-backpropagation"),  # named only in a cross-reference
    ],
)
def test_a_bare_name_finds_its_paper(searcher, query: str, first: str) -> None:  # type: ignore[no-untyped-def]
    res = searcher.search(query, k=3)
    assert res["understood"]["names"] == [query] and res["results"][0]["id"] == first


def test_a_time_only_query_lists_the_papers_of_that_time(searcher) -> None:  # type: ignore[no-untyped-def]
    res = searcher.search("what came out in 2015?", k=6)
    assert res["understood"]["years"] == [2015, 2015] and not res["no_match"]
    assert [h["year"] for h in res["results"]] == [2015] * 6


def test_a_time_window_is_a_soft_prior_and_understanding_can_be_turned_off(searcher) -> None:  # type: ignore[no-untyped-def]
    res = searcher.search("papers from the 1990s about sequences", k=3)
    assert res["understood"]["years"] == [1990, 1999] and res["understood"]["soft"]
    top = res["results"][:3]
    assert 1990 <= top[0]["year"] <= 1999 and sum(1990 <= h["year"] <= 1999 for h in top) >= 2
    assert "1997-hochreiter-lstm" in {h["id"] for h in top}
    loose = searcher.search("recurrent networks after 2010", k=10)
    assert any(h["year"] < 2010 for h in loose["results"])  # soft: earlier papers still follow
    off = searcher.search("papers from the 1990s about sequences", k=3, understand=False)
    assert off["understood"] is None and off["results"][0]["id"] != res["results"][0]["id"]
    without_time = searcher.search("papers from the 1990s about sequences", k=3, ignore=["time"])
    assert without_time["understood"]["years"] is None
