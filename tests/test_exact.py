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
