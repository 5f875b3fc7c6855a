"""The ranking's shortcuts give what the general path gives: a small list's dense scores taken as the dense side holds
them (``candidates.DenseSide.of``), and a hit's concepts skipped when the query shares no stem with any (``explain``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from papersearch.query import candidates, ranking
from papersearch.query.explain import Explainer, _concepts, query_stems
from papersearch.query.searcher import Searcher

QUERIES = ("generative adversarial networks", "who trained deep belief nets layer by layer?", "attention translation")


@pytest.mark.parametrize("query", QUERIES)
def test_a_small_lists_dense_scores_are_the_dense_sides_read_candidate_by_candidate(
    searcher: Searcher, query: str
) -> None:
    data = searcher.data
    assert ranking.every_paper(data)
    allow = searcher._ranker.allowed()
    text = searcher.plan(query).topic
    side = candidates.dense_side(data, searcher.embed_query(text), allow)
    rows = np.arange(len(data.columns.years), dtype=np.int64)
    dense, best = side.looked_up(rows, allow.holds(rows))  # the general path, paper by paper
    query_ = ranking.Query(text, searcher.plan(query), "hybrid", allow, np.zeros(0, dtype=np.int64))
    scored = ranking.score(data, None, None, query_, searcher.embed_query)
    assert len(side.papers) == len(rows)  # the shortcut's case: every paper has passages, no filter
    assert scored.best_row.tolist() == best.tolist()
    assert np.isfinite(dense).all() and scored.best_cosine == float(dense.max())


def test_a_small_lists_dense_side_by_its_paper_table_is_the_searched_one(searcher: Searcher) -> None:
    data = searcher.data
    allow = searcher._ranker.allowed()
    table = candidates.PaperRows.of(data.faiss_index, np.asarray(data.columns.passage_start))
    assert table is not None
    assert candidates.dense_side(data, data.matrix[0], allow).papers is table.papers  # no filter: the table's side
    matrix = np.asarray(data.matrix)
    rng = np.random.default_rng(7)
    asked = [*matrix, *rng.standard_normal((50, matrix.shape[1])).astype(np.float32), np.zeros(matrix.shape[1])]
    for qvec in asked:  # every passage as a query (its own row best), random ones, and one where every cosine ties
        got, want = table.side(np.asarray(qvec, dtype=np.float32)), candidates.searched(data, qvec, allow)
        assert got.papers.tolist() == want.papers.tolist() and got.floor is want.floor is None
        assert got.best_row.tolist() == want.best_row.tolist()
        assert got.score.dtype == want.score.dtype and got.score.tobytes() == want.score.tobytes()


def test_a_filtered_query_still_reads_the_dense_side_candidate_by_candidate(searcher: Searcher) -> None:
    results = searcher.search("generative adversarial networks", year_from=2014, k=49)
    assert results["results"] and all(hit["year"] >= 2014 for hit in results["results"])
    assert all(hit["scores"]["dense"] is not None for hit in results["results"])
    whole = {
        hit["id"]: hit["scores"]["dense"] for hit in searcher.search("generative adversarial networks", k=49)["results"]
    }
    for hit in results["results"]:  # the general path (a filter) and the shortcut read the same scores, paper by paper
        assert hit["scores"]["dense"] == pytest.approx(whole[hit["id"]], abs=1e-6), hit["id"]


def test_a_papers_concepts_are_those_sharing_a_stem_with_the_query(index_dir: Path, searcher: Searcher) -> None:
    explainer = Explainer(searcher.data)
    rows = list(range(len(searcher.data.columns.years)))
    explainer.prepare(rows, searcher.data.records.many(rows))
    named = 0
    for query in (*QUERIES, "convolutional networks for images", "nothing shared here at all"):
        asked = frozenset(query_stems(query))
        for row in rows:
            words = explainer._paper_words(row)
            every = [name for name, stems in words.concepts if not stems.isdisjoint(asked)]
            assert _concepts(words, asked) == every
            named += bool(every)
    assert named  # some query names some paper's concept: the comparison is not of empty lists only


def test_a_paper_table_that_would_be_mostly_padding_is_not_made() -> None:
    """One paper of many passages among papers of one would pad every other row of the table (``PADDED_AT_MOST``
    cells a passage row at most): the rows are searched instead; an even list gets its table."""
    from papersearch.index.exact import Exact

    matrix = np.eye(40, dtype=np.float32)
    skewed = np.array([0, 1, 2, 3, 4, 5, 40])  # five papers of one passage, one of 35: 6 x 35 cells for 40 rows
    even = np.arange(0, 41, 4)  # ten papers of four
    assert candidates.PaperRows.of(Exact(matrix), skewed) is None
    table = candidates.PaperRows.of(Exact(matrix), even)
    assert table is not None and table.table.shape == (10, 4)
