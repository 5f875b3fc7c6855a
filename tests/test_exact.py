"""The numpy flat index (index/exact.py) answers as FAISS's flat index over the same rows does."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from papersearch.index import vectors
from papersearch.index.exact import Exact


@pytest.fixture(scope="module")
def rows() -> np.ndarray:
    x = np.random.default_rng(7).standard_normal((3_000, 64)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_the_same_rows_and_cosines_as_faiss(rows: np.ndarray) -> None:
    flat = faiss.IndexFlatIP(rows.shape[1])
    flat.add(rows)
    queries = np.random.default_rng(8).standard_normal((50, 64)).astype(np.float32)
    for q in queries:
        want_s, want_r = vectors.search(flat, q, 20)
        got_s, got_r = vectors.search(Exact(rows), q, 20)
        assert got_r.tolist() == want_r.tolist()
        assert np.allclose(got_s, want_s, atol=1e-5)


def test_filters_by_rows_and_by_a_range_are_exact(rows: np.ndarray) -> None:
    flat = faiss.IndexFlatIP(rows.shape[1])
    flat.add(rows)
    q = np.random.default_rng(9).standard_normal(64).astype(np.float32)
    allowed = np.arange(100, 3_000, 7, dtype=np.int64)
    assert vectors.search(Exact(rows), q, 10, allowed)[1].tolist() == vectors.search(flat, q, 10, allowed)[1].tolist()
    span = (500, 900)
    got = vectors.search(Exact(rows), q, 10, row_range=span)[1]
    assert got.tolist() == vectors.search(flat, q, 10, row_range=span)[1].tolist()
    assert all(span[0] <= r < span[1] for r in got)


def test_more_asked_than_held_gives_every_row_once(rows: np.ndarray) -> None:
    small = Exact(rows[:5])
    scores, found = vectors.search(small, rows[0], 50)
    assert sorted(found.tolist()) == [0, 1, 2, 3, 4] and found[0] == 0 and scores[0] == pytest.approx(1.0, abs=1e-5)
    batch = vectors.search_many(small, rows[:2], 8)
    assert batch.shape == (2, 8) and (batch[:, 5:] == -1).all() and batch[1, 0] == 1


def test_none_asked_gives_none(rows: np.ndarray) -> None:
    """FAISS's answer to k=0: no rows (one query or several), not every row."""
    small = Exact(rows[:5])
    for queries in (rows[:1], rows[:3]):
        scores, found = small.search(queries, 0)
        assert found.shape == (len(queries), 0) and scores.shape == (len(queries), 0)
    assert small.among(rows[0], 0, np.arange(5))[1].tolist() == []


def test_every_row_asked_of_one_query_is_ordered_by_score_then_row(rows: np.ndarray) -> None:
    """One query asking for every row (a small list's every search) gets each row once, best first, tied rows in row
    order, each with its own cosine; as a batch of queries does."""
    held = np.concatenate([rows[:40], rows[:40], rows[40:60]])  # every one of the first 40 rows twice: ties
    exact = Exact(held)
    q = np.random.default_rng(10).standard_normal(64).astype(np.float32)
    scores, found = exact.search(q.reshape(1, -1), len(held))
    assert found.shape == scores.shape == (1, len(held)) and sorted(found[0].tolist()) == list(range(len(held)))
    order = np.lexsort((found[0], -scores[0]))  # by score, then by row: the order they came in
    assert order.tolist() == list(range(len(held)))
    assert np.allclose(scores[0], held[found[0]] @ q, atol=1e-5)
    twins = [(a, b) for a, b in zip(found[0], found[0][1:], strict=False) if b % 40 == a % 40 and max(a, b) < 80]
    assert len(twins) == 40 and all(a < b for a, b in twins)  # each row's twin right after it
    batch_scores, batch = exact.search(np.stack([q, q]), len(held))
    assert batch[0].tolist() == found[0].tolist() and np.allclose(batch_scores[1], scores[0], atol=1e-5)
