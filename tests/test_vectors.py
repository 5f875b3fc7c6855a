"""The IVF index's 8-bit codes: its best rows re-scored exactly from the float32 matrix, recall kept, and a version
built with float16 codes still read and searched as it was built."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from papersearch.index import matrix, recall, store, vectors
from papersearch.index.build import build
from papersearch.query.searcher import Searcher

from .conftest import MODEL
from .test_scale import _real_ish


def test_an_8bit_index_rescores_its_best_rows_exactly_and_keeps_the_recall_of_float16(
    index_dir: Path, tmp_path: Path
) -> None:
    x = _real_ish(index_dir, 4000)
    index, info = vectors.build(x, exact_limit=1000)
    assert info["params"]["storage"] == "8bit" and info["params"]["rescored_rows"] == vectors.RESCORE_ROWS
    assert vectors.rescores(index) and index.code_size == x.shape[1]  # a byte a dimension: half of float16's
    queries = _real_ish(index_dir, 200, seed=1)
    for q in queries[:20]:
        scores, rows = vectors.search(index, q, 10, vectors=x)
        assert len(set(rows.tolist())) == 10
        np.testing.assert_allclose(scores, x[rows] @ q, rtol=0, atol=1e-6)  # float32 dot products, not 8-bit ones
        assert np.all(np.diff(scores) <= 0)
        approx = vectors.search(index, q, 10)[0]  # without the matrix: the codes' own scores, off by more
        assert np.abs(approx - x[vectors.search(index, q, 10)[1]] @ q).max() > 1e-5
    # asked for more rows than are re-scored: the re-scored ones first, the rest never above them, best first
    scores, rows = vectors.search(index, queries[0], 3 * vectors.RESCORE_ROWS, vectors=x)
    head = vectors.RESCORE_ROWS
    assert len(rows) == 3 * head and len(set(rows.tolist())) == 3 * head and np.all(np.diff(scores) <= 0)
    np.testing.assert_allclose(scores[:head], x[rows[:head]] @ queries[0], rtol=0, atol=1e-6)
    # from the mapped matrix a search reads the rows it re-scores with pread (a view of it: through the mapping)
    np.save(tmp_path / "v.npy", x)
    mapped = np.load(tmp_path / "v.npy", mmap_mode="r")
    some = np.array([3, 0, 3989, 17])
    assert np.array_equal(matrix.read_rows(mapped, some), x[some])
    assert np.array_equal(matrix.read_rows(mapped[10:], some), x[10:][some])
    assert matrix.read_rows(mapped, some[:0]).shape == (0, x.shape[1])  # no row asked: none read
    mapped_scores, mapped_rows = vectors.search(index, queries[1], 10, vectors=mapped)
    assert mapped_rows.tolist() == vectors.search(index, queries[1], 10, vectors=x)[1].tolist()
    np.testing.assert_allclose(mapped_scores, x[mapped_rows] @ queries[1], rtol=0, atol=1e-6)
    # recall@10 against exact search, with float16 codes in the very same cells as the reference
    exact, _ = recall.exact_neighbours(x, queries, 10)
    fp16 = vectors.ivf(x, index.nlist, "fp16", np.random.default_rng(0), quantizer=index.quantizer)
    assert vectors.storage(fp16) == "fp16" and not vectors.rescores(fp16)
    vectors.set_nprobe(fp16, index.nprobe)
    got = {}
    for name, ix in (("8bit", index), ("fp16", fp16)):
        found = vectors.search_many(ix, queries, 10, x)
        got[name] = recall.recall_at_10(recall.exact_similarities(x, queries, found), exact)
    assert got["8bit"] >= vectors.TARGET_RECALL and got["8bit"] >= got["fp16"] - 0.005


def test_a_version_built_with_float16_codes_still_loads_and_searches(
    corpus_copy: Path, index_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The storage is read from the index file itself: a float16 version loads, and its scores stay its own."""
    index = tmp_path / "index"
    shutil.copytree(index_dir / store.CACHE, index / store.CACHE)  # the session's ONNX export: not exported again
    with monkeypatch.context() as m:
        m.setattr(vectors, "STORAGE", "fp16")
        build(corpus_copy, index, MODEL, exact_limit=100)
    manifest = json.loads((store.version_dir(index) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["vector_index"]["params"]["storage"] == "fp16"
    assert "rescored_rows" not in manifest["vector_index"]["params"]
    searcher = Searcher.load(index)
    data = searcher.data
    assert vectors.storage(data.faiss_index) == "fp16" and not vectors.rescores(data.faiss_index)
    hit = searcher.search("how can overfitting be avoided", k=1)["results"][0]
    assert hit["id"] == "1991-krogh-weight-decay"
    q = np.asarray(data.matrix[0], dtype=np.float32)
    scores, rows = vectors.search(data.faiss_index, q, 5, vectors=data.matrix)
    raw_scores, raw_rows = data.faiss_index.search(q.reshape(1, -1), 10)
    want_scores, want_rows = vectors.unique_rows(raw_scores[0], raw_rows[0], 5)
    assert rows.tolist() == want_rows.tolist() and np.array_equal(scores, want_scores)
