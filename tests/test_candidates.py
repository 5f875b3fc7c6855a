"""A query scores its candidates, not the list: the same top ten as a full scan, filters that lose nothing, records
read from the database as the corpus gives them (a long neighbourhood a page at a time, on every face), nothing made
on a first query, no per-paper Python objects.

One synthetic list of 2,000 papers (``scripts/synth_corpus.py``, its bulk file), indexed with random unit vectors
standing in for the model (so the vector index is approximate, as at scale), and queried with fewer candidates
than papers (``LEXICAL_CANDIDATES``, ``vectors.CANDIDATE_ROWS`` lowered), so that the candidate path is the one
exercised; the full scan is the same code with every paper a candidate.
"""

from __future__ import annotations

import hashlib
import shutil
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import synth_corpus
from papersearch.core.kept import Kept
from papersearch.corpus.load import load_corpus
from papersearch.graph.records import corpus_records
from papersearch.index import column_build, matrix, record_store, store, understanding, vectors
from papersearch.index.build import build
from papersearch.index.passages import paper_passages
from papersearch.index.reader import read_version
from papersearch.index.tokens import tokenize
from papersearch.index.understanding import SINGLE_LETTER, ConceptTable, KeySet, NameTable
from papersearch.query import candidates, forms
from papersearch.query.forms import other_forms
from papersearch.query.meaning import paper_vectors
from papersearch.query.results import open_engine
from papersearch.query.searcher import Searcher

from .conftest import MODEL, ROOT

PAPERS = 2000
QUERIES = [line for line in (ROOT / "tests" / "data" / "queries.jsonl").read_text(encoding="utf-8").splitlines()]


class RandomVectors:
    """A random unit vector per text, the same for the same text: the model's shape, none of its cost."""

    dim = 384

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
            out[i] = np.random.default_rng(seed).standard_normal(self.dim, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def _synthetic(index_dir: Path, root: Path, papers: int) -> tuple[Path, Path]:
    """(corpus, index) of ``papers`` synthetic papers in one bulk file, an approximate vector index over their
    passages."""
    corpus = synth_corpus.write_corpus(papers, root / "corpus", seed=5, bulk=True)
    index = root / "index"
    shutil.copytree(index_dir / store.CACHE, index / store.CACHE)  # the ONNX export, not made again
    build(corpus, index, MODEL, embedder_factory=RandomVectors, exact_limit=5000)
    return corpus, index


@pytest.fixture(scope="module")
def synthetic(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _synthetic(index_dir, tmp_path_factory.mktemp("synthetic"), PAPERS)


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fewer candidates than papers: the lexical side's best 60, the dense side's best 200 passages."""
    monkeypatch.setattr(candidates, "LEXICAL_CANDIDATES", 60)
    monkeypatch.setattr(candidates, "EXACT_RANGE", 300)
    monkeypatch.setattr(vectors, "CANDIDATE_ROWS", 200)
    monkeypatch.setattr(vectors, "EXACT_LIMIT", 1000)  # a filter's passages past this: its best 200 only


def _queries(n: int) -> Iterator[str]:
    import json

    for line in QUERIES[:n]:
        yield json.loads(line)["query"]


def _top(searcher: Searcher, q: str, **filters: object) -> tuple[list[str], int]:
    """The top ten ids of a search (bypassing the cache of results) and how many candidates it scored."""
    request = searcher.request(q, k=10, **filters)
    results = searcher._ranker.results(request, searcher.embed_query, searcher.version)
    scored = searcher.scores(request)[2]
    return [h["id"] for h in results["results"]], len(scored.rows)


def _full_scan(searcher: Searcher, q: str, monkeypatch: pytest.MonkeyPatch, **filters: object) -> list[str]:
    with monkeypatch.context() as m:
        m.setattr(candidates, "LEXICAL_CANDIDATES", 10**9)  # every paper a candidate
        ids, scored = _top(searcher, q, **filters)
    assert scored == PAPERS
    return ids


def test_the_top_ten_of_the_candidates_is_the_full_scans(
    synthetic: tuple[Path, Path], narrow: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = Searcher.load(synthetic[1])
    agree = total = 0
    for q in _queries(60):
        ids, scored = _top(searcher, q)
        assert scored < PAPERS / 2  # the candidate path, really
        full = _full_scan(searcher, q, monkeypatch)
        agree += len(set(ids) & set(full))
        total += len(full)
    assert agree / total >= 0.99


@pytest.mark.parametrize(
    "filters",
    [
        {"year_from": 1986, "year_to": 1991},
        {"year_from": 2013},
        {"year_to": 1969},
        {"era": "the-deep-learning-explosion"},
        {"era": "transformers-the-modern-era", "year_from": 2020},
    ],
)
def test_a_filter_never_loses_a_paper_the_full_scan_finds(
    synthetic: tuple[Path, Path], narrow: None, monkeypatch: pytest.MonkeyPatch, filters: dict[str, object]
) -> None:
    searcher = Searcher.load(synthetic[1])
    years = {r["id"]: (r["year"], r["era"]) for r in searcher.papers()}
    lo, hi = filters.get("year_from", 0), filters.get("year_to", 9999)
    for q in _queries(25):
        ids, _ = _top(searcher, q, **filters)
        assert all(lo <= years[i][0] <= hi and filters.get("era", years[i][1]) == years[i][1] for i in ids)  # type: ignore[operator]
        assert ids == _full_scan(searcher, q, monkeypatch, **filters)


def test_records_passages_and_graph_are_the_corpus(synthetic: tuple[Path, Path]) -> None:
    corpus_dir, index = synthetic
    corpus = load_corpus(corpus_dir)
    records, graph = corpus_records(corpus)
    data = read_version(store.version_dir(index))
    assert [data.records[i] for i in (0, 7, PAPERS - 1)] == [records[i] for i in (0, 7, PAPERS - 1)]
    assert list(data.records) == records and data.graph.record() == graph
    assert list(data.passages) == [[p.id, v.kind, v.text] for p in corpus.papers for v in paper_passages(p)]
    assert data.records.row_of(records[123]["id"]) == 123 and data.records.row_of("no-such-paper") is None
    # the vectors a searcher used to make on its first query, made by the build with the same arithmetic
    matrix = np.asarray(data.matrix)
    assert np.array_equal(data.columns.centroids, paper_vectors(matrix, list(data.paper_rows)))
    step = max(1, len(matrix) // column_build.FIELD_SAMPLE)
    field = np.asarray(matrix[::step], dtype=np.float64).mean(axis=0)
    assert np.array_equal(data.columns.field, (field / np.linalg.norm(field)).astype(np.float32))


def test_nothing_is_made_on_the_first_query(synthetic: tuple[Path, Path]) -> None:
    """What a query reads is stored by the build and opened as it is: the query-understanding tables, the list's
    mean vector, the path vectors and links; the vectors and arrays are memory-mapped."""
    searcher = Searcher.load(synthetic[1])
    data, ranker = searcher.data, searcher._ranker
    assert isinstance(ranker._plan_context.names, NameTable)
    assert ranker.scope._field is data.columns.field
    assert isinstance(data.matrix, np.memmap) and isinstance(data.columns.years, np.memmap)
    graph = searcher.path_graph
    assert graph.near.vectors is data.columns.centroids
    assert searcher.search("the perceptron", k=3)["results"]


def test_a_searcher_holds_no_per_paper_python_objects(
    index_dir: Path, synthetic: tuple[Path, Path], tmp_path: Path
) -> None:
    """What a searcher allocates (Python objects and arrays it owns; mapped files are the page cache's) grows with
    the list by far less than the ~17 KB a paper its records, passages and graph once took as Python objects
    (44 KB of RSS): 1,000 papers against 2,000, the same queries, the same bounded caches. What does grow here is
    the vocabulary (words, for BM25 and typo correction: a synthetic list's surnames are new words up to a few
    tens of thousands) and the records of the hits (a paper's neighbourhood lists every paper that cites it)."""

    def held(index: Path) -> int:
        tracemalloc.start()
        searcher = Searcher.load(index)
        for q in _queries(10):
            searcher.search(q, k=10)
        size = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del searcher
        return size

    half = _synthetic(index_dir, tmp_path, PAPERS // 2)[1]
    held(index_dir)  # the modules imported, the query encoder's caches warm
    small, large = held(half), held(synthetic[1])
    assert (large - small) / (PAPERS - PAPERS // 2) < 2500  # bytes a paper


def test_the_records_kept_are_the_most_recently_fetched_few(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The records kept after a fetch are the ``KEPT`` most recently used: bounded by their number, since each lists
    at most ``SHOWN_NEIGHBOURS`` papers a side however many cite it (the paging test below checks that cut)."""
    monkeypatch.setattr(record_store, "KEPT", 3)
    data = read_version(store.version_dir(index_dir))
    records = data.records
    first = records[0]
    assert records[0] is first  # kept: the same object again
    for row in range(1, len(records)):
        assert records[row] is records[row]
    assert list(records._kept) == [len(records) - 3, len(records) - 2, len(records) - 1]
    assert records[0] == first and records[0] is not first  # given up, so fetched again
    data.db.close()


def test_a_small_lists_tables_held_whole_are_those_looked_up(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A table of at most ``HELD_ROWS`` rows is held and read from memory; a larger one is looked up in the database
    key by key: the same people, given names and concept terms, the same matches, for every dev query and term."""
    data = read_version(store.version_dir(index_dir))
    held = ConceptTable(data.db, data.lock), NameTable(data.db, data.lock), KeySet(data.db, data.lock)
    assert held[0]._held is not None and held[1]._held is not None and held[2]._held is not None
    monkeypatch.setattr(understanding, "HELD_ROWS", 0)
    concepts, names, given = ConceptTable(data.db, data.lock), NameTable(data.db, data.lock), KeySet(data.db, data.lock)
    assert concepts._held is None and names._held is None and given._held is None
    assert [held[0][p] for p in range(len(held[0]))] == [concepts[p] for p in range(len(concepts))]
    words = [w.lower() for q in _queries(len(QUERIES)) for w in q.split()]
    keys = [*names, *words, *(key for (key,) in data.db.execute("SELECT key FROM given_names"))]
    assert [(k in held[1], k in held[2]) for k in keys] == [(k in names, k in given) for k in keys]
    assert [held[1][k] for k in names] == [names[k] for k in names] and any(k in given for k in keys)
    texts = [
        *_queries(len(QUERIES)),
        *(" ".join(sorted(concepts[p][1])) + " of deep nets" for p in range(len(concepts))),
    ]
    matched = 0
    for text in texts:
        stems = frozenset(tokenize(text)) | frozenset(SINGLE_LETTER.findall(text.lower()))
        assert held[0].within(stems) == concepts.within(stems), text
        matched += bool(concepts.within(stems))
    assert matched > len(concepts)  # every term matches its own words, and some dev queries match one
    with pytest.raises(IndexError):
        held[0][len(concepts)]


def test_the_neighbours_read_together_are_the_runs_read_one_by_one(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ConceptTable.read_near`` keeps, for each position, the runs each side that a walk from it reads first
    (``forms._side``): the terms the range queries read, the list's first and last included, read no more; and every
    term's other forms are those the terms held in memory give."""
    data = read_version(store.version_dir(index_dir))
    held = ConceptTable(data.db, data.lock)
    assert held._held is not None
    monkeypatch.setattr(understanding, "HELD_ROWS", 0)
    table = ConceptTable(data.db, data.lock)
    n = len(table)
    positions = [0, 1, n // 2, n - 2, n - 1]
    table.read_near(positions, forms.NEAR)
    with monkeypatch.context() as m:
        m.setattr(table, "_all", lambda *_: pytest.fail("read again"))
        for p in positions:
            for run in (slice(max(0, p - forms.NEAR), p), slice(p + 1, p + forms.NEAR + 1)):
                assert table[run] == [held[q] for q in range(run.start, min(run.stop, n))]
    assert table[n : n + forms.NEAR] == [] and len(table[0:0]) == 0
    everything = list(range(n))
    assert other_forms(table, everything) == other_forms([held[p] for p in everything], everything)
    assert other_forms(table, everything)  # the 49 papers' concepts have other forms: the check checks something


def test_a_kept_memo_holds_at_most_its_bound_and_gives_up_the_oldest() -> None:
    kept: Kept[str] = Kept(3)
    for word in ("a", "b", "c"):
        assert kept.put(word, word.upper()) == word.upper()
    kept.put("b", "B2")  # a key kept already: nothing given up
    assert len(kept) == 3 and kept.get("b") == "B2"
    kept.put("d", "D")
    assert len(kept) == 3 and kept.get("a") is None and [kept.get(w) for w in "bcd"] == ["B2", "C", "D"]


def test_a_record_lists_each_sides_strongest_ties_and_pages_the_rest(
    synthetic: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paper built upon by hundreds lists the strongest ``SHOWN_NEIGHBOURS`` of each side and says how many there
    are (each face then carries a hundred, not all); ``Searcher.neighbours`` pages through the whole side in the
    order the graph's rule gives it, each tie once."""
    from papersearch.core import records as record_types

    corpus_dir, index = synthetic
    searcher = Searcher.load(index)
    shown = record_types.SHOWN_NEIGHBOURS
    monkeypatch.setattr(record_types, "SHOWN_NEIGHBOURS", 10**9)  # the corpus's neighbourhoods, whole
    whole = {r["id"]: r["references"] for r in corpus_records(load_corpus(corpus_dir))[0]}
    monkeypatch.undo()
    busiest = max(whole, key=lambda pid: len(whole[pid]["cited_by"]))
    everyone = whole[busiest]["cited_by"]
    assert len(everyone) > shown  # the synthetic list has such a paper: early ones are built upon by hundreds
    refs = searcher.paper(busiest)["references"]
    assert refs["cited_by"] == everyone[:shown] and refs["cited_by_total"] == len(everyone)
    earlier = whole[busiest]["cites"]
    assert refs["cites"] == earlier[:shown] and refs["cites_total"] == len(earlier)
    paged: list[dict[str, object]] = []
    while len(paged) < len(everyone):
        page = searcher.neighbours(busiest, "cited_by", len(paged), 37)
        assert page["total"] == len(everyone) and page["offset"] == len(paged) and page["results"]
        paged += page["results"]
    assert paged == everyone
    assert searcher.neighbours(busiest, "cited_by", len(everyone), 5)["results"] == []


@pytest.mark.browser
@pytest.mark.slow
def test_the_paper_view_loads_the_rest_of_a_long_side_a_page_a_click(
    synthetic: tuple[Path, Path], tmp_path: Path
) -> None:
    """In Chromium against a real uvicorn over the synthetic list: the paper view of a paper built upon by hundreds
    shows the first hundred and a "N more" button that loads the next hundred, then the rest."""
    from playwright.sync_api import expect, sync_playwright

    from .conftest import ARGS, CHROMIUM
    from .conftest_api import running_server

    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (`make browser` installs it)")
    corpus_dir, index = synthetic
    searcher = Searcher.load(index)
    busiest = max(searcher.papers(), key=lambda r: r["references"]["cited_by_total"])
    total = busiest["references"]["cited_by_total"]
    everyone = [
        n["id"]
        for start in range(0, total, 100)
        for n in searcher.neighbours(busiest["id"], "cited_by", start)["results"]
    ]
    assert total > 100 and len(everyone) == total
    with running_server(index, corpus_dir, tmp_path / "server.log") as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server.url}/#/paper/{busiest['id']}")
        row = page.locator(".hood-row", has=page.locator(".hood-label", has_text="Built upon by"))
        shown = row.locator(".hood-items > li a[href^='#/paper/']")
        expect(shown).to_have_count(100, timeout=20_000)
        more = row.locator("button.nb-more")
        while (left := total - shown.count()) > 0:
            expect(more).to_have_text(f"{left} more")
            more.click()
            expect(shown).to_have_count(min(total, total - left + 100), timeout=20_000)
        expect(more).to_have_count(0)
        hrefs = shown.evaluate_all("links => links.map(a => decodeURIComponent(a.getAttribute('href').slice(8)))")
        assert hrefs == everyone and errors == []
        browser.close()


def test_what_a_query_reads_together_is_what_it_read_one_by_one(
    synthetic: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hits' records and passages read in a few statements, a name's papers as arrays, the concept terms found with
    their positions: each the same as the look-ups one at a time, on a fresh reader."""
    _, index = synthetic
    monkeypatch.setattr(understanding, "KEPT_ROWS", 2)  # most names count as a name of many papers
    data, fresh = read_version(store.version_dir(index)), read_version(store.version_dir(index))
    degree = np.asarray(data.columns.degree)
    rows = [int(np.argmax(degree)), 0, 7, PAPERS - 1, 7, 1234]  # the most tied paper (its sides paged), a repeat
    assert data.records.many(rows) == [fresh.records[r] for r in rows]
    spans = [data.paper_rows.span(r) for r in rows[:4]]
    assert data.passages.spans(spans) == [fresh.passages.span(lo, hi) for lo, hi in spans]
    names = NameTable(data.db, data.lock)
    for key in ["no-such-person", *list(names)[:50]]:
        papers, weights = understanding.name_papers(names, key)
        assert (key in names) == bool(len(papers)) and (key in names) == (key in NameTable(fresh.db, fresh.lock))
        if len(papers):
            assert dict(zip(papers.tolist(), weights.tolist(), strict=True)) == NameTable(fresh.db, fresh.lock)[key]
    monkeypatch.setattr(understanding, "KEPT_TERMS", 3)  # a set of stems kept, then given up for the next
    concepts, plain = ConceptTable(data.db, data.lock), ConceptTable(fresh.db, fresh.lock)
    stems = frozenset(s for t in range(0, 300, 7) for s in concepts[t][1])
    found = concepts.within(stems)
    assert found and [concepts[p] for p in found] == [plain[p] for p in found]
    other = frozenset(concepts[301][1])
    assert concepts.within(other) == plain.within(other) and concepts.within(stems) == found  # kept, given up
    assert [concepts[p] for p in found] == [plain[p] for p in found]


def test_reading_the_hits_vectors_ahead_changes_no_result(
    synthetic: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hits' vectors read ahead (as a matrix larger than ``READ_AHEAD_BYTES`` is) give the same results."""
    _, index = synthetic
    plain = Searcher.load(index)
    monkeypatch.setattr(matrix, "READ_AHEAD_BYTES", 0)
    ahead = Searcher.load(index)
    assert ahead._ranker.explainer._ahead and not plain._ranker.explainer._ahead
    for q in _queries(20):
        assert ahead.search(q)["results"] == plain.search(q)["results"]


def test_the_lexical_sides_shortcuts_are_exact(synthetic: tuple[Path, Path]) -> None:
    """The engine searched over the whole list without a range finds what the range finds; a range's kept sample
    scores are ``scores_of`` those rows, kept or not, and every row's are ``scores``, bit for bit; an allowed range's
    first rows are the first of all its rows; one sort finds each paper's first two passages as two ``np.unique``
    do."""
    _, index = synthetic
    data = read_version(store.version_dir(index))
    engine = open_engine(data)
    assert engine is not None
    codes = np.asarray(data.columns.era_codes)
    for era in [None, *range(int(codes.max()) + 1)]:
        for lo, hi in [(0, PAPERS), (PAPERS // 3, PAPERS - 7), (5, 5)]:
            allow = candidates.Allowed(lo, hi, era, codes)
            for n in (0, 1, candidates.FIRST_ROWS, PAPERS):
                assert np.array_equal(allow.first(n), allow.rows()[:n]) and allow.first(n).dtype == np.int64
    for q in list(_queries(40)):
        tokens = data.lexical.tokens(q)
        assert set(engine.top(tokens, 60, None)) == set(engine.top(tokens, 60, (0, PAPERS)))
        every = data.lexical.scores(q)
        assert every.any() == bool(tokens) and data.lexical.scores_of(q, np.arange(PAPERS)).tobytes() == every.tobytes()
        assert np.array_equal(data.lexical.scores_of(q, np.arange(1, PAPERS)), every[1:])
        for first, end, step in [(0, PAPERS, 7), (100, 900, 3)]:
            expected = data.lexical.scores_of(q, np.arange(first, end, step))
            for _ in range(2):  # read, then kept
                assert np.array_equal(data.lexical.sample_scores(q, first, end, step), expected)
    rng = np.random.default_rng(0)
    for _ in range(200):
        papers = rng.integers(0, 30, rng.integers(0, 80))
        uniq, first_at = np.unique(papers, return_index=True)
        later = np.ones(len(papers), dtype=bool)
        later[first_at] = False
        again, second_at = np.unique(papers[np.flatnonzero(later)], return_index=True)
        got = candidates.first_two(papers)
        assert np.array_equal(got[0], uniq) and np.array_equal(got[1], first_at)
        assert np.array_equal(got[0][got[2]], again)
        assert np.array_equal(got[3], np.flatnonzero(later)[second_at])


def test_the_engine_searches_the_words_that_tell_papers_apart(synthetic: tuple[Path, Path]) -> None:
    """The engine is asked for a query's words held by at most half the papers (all of them when none is); a commoner
    word left out of the search costs the lexical side's own best almost nothing: they still hold the exact BM25
    top ten."""
    _, index = synthetic
    data = read_version(store.version_dir(index))
    engine, lex = open_engine(data), data.lexical
    assert engine is not None
    dropped, held, total = 0, 0, 0
    for q in _queries(60):
        tokens = lex.tokens(q)
        words = candidates.informative(lex, tokens)
        df = {t: len(lex.papers_of(lex.vocab[t])) for t in tokens}
        assert all(lex.papers_with(t) == df[t] for t in tokens)
        if any(2 * df[t] <= PAPERS for t in tokens):
            assert words == [t for t in tokens if 2 * df[t] <= PAPERS]
        else:
            assert words == tokens
        dropped += len(words) < len(tokens)
        exact = lex.top_in(q, 10, 0, PAPERS)
        held += int(np.isin(exact, engine.top(words, 60)).sum())
        total += len(exact)
    assert dropped >= 5  # the cut is exercised
    assert held / total >= 0.98
