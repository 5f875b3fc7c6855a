"""The numpy BM25 build against the reference, bm25s: the same score for every (token, paper)."""

from __future__ import annotations

import errno
from pathlib import Path

import numpy as np
import pytest

from papersearch.corpus.load import load_corpus
from papersearch.graph.records import corpus_records
from papersearch.index import layout, lexical, reader, tokens, writer
from papersearch.index.passages import lexical_text

from .conftest import CORPUS

bm25s = pytest.importorskip("bm25s")


def _columns(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, vocab: dict[str, int]) -> dict:
    """{token: {document: score}} from CSC arrays."""
    out = {}
    for token, j in vocab.items():
        if j + 1 < len(indptr):
            lo, hi = int(indptr[j]), int(indptr[j + 1])
            out[token] = dict(zip(indices[lo:hi].tolist(), data[lo:hi].tolist(), strict=True))
    return out


def _reference(docs: list[list[str]]) -> dict:
    retriever = bm25s.BM25(k1=lexical.K1, b=lexical.B)
    retriever.index(docs, show_progress=False)
    s = retriever.scores
    return _columns(s["data"], s["indices"], s["indptr"], retriever.vocab_dict)


def test_scores_equal_bm25s_on_the_corpus(tmp_path: Path) -> None:
    records, _ = corpus_records(load_corpus(CORPUS))
    texts = [lexical_text(r) for r in records]
    writer.write_lexical(tmp_path, *lexical.build(texts))
    index = reader.read_lexical(tmp_path, len(texts))
    ours = _columns(index.data, index.indices, index.indptr, index.vocab)
    assert ours == _reference([tokens.tokenize(t) for t in texts])  # exact, float32 for float32
    assert index.vocab[""] == len(index.vocab) - 1
    assert index.data.dtype == np.float32 and index.indices.dtype == np.int32 and index.indptr.dtype == np.int64


def test_edge_cases_equal_bm25s() -> None:
    docs = [["a", "b", "a"], ["b"], ["c", "c", "c", "c"], [], ["a", "b", "c", "d", "e", "f"]]
    data, indices, indptr, vocab = lexical.bm25_matrix(docs)
    assert _columns(data, indices, indptr, vocab) == _reference(docs)
    assert lexical.bm25_matrix(docs)[0].tobytes() == data.tobytes()  # the same texts give the same arrays


def test_the_same_texts_give_the_same_files(tmp_path: Path) -> None:
    texts = ["Backpropagation of errors", "Weight decay limits the weights", "errors and weights"]
    writer.write_lexical(tmp_path / "one", *lexical.build(texts))
    writer.write_lexical(tmp_path / "two", *lexical.build(texts))
    for name in layout.LEXICAL_FILES.values():
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_documents_stream_through_once(tmp_path: Path) -> None:
    texts = ["Backpropagation of errors", "Weight decay limits the weights", "errors and weights", "the"]
    writer.write_lexical(
        tmp_path / "stream", *lexical.build(iter(texts))
    )  # an iterator: read once, never held as a list
    writer.write_lexical(tmp_path / "list", *lexical.build(texts))
    for name in layout.LEXICAL_FILES.values():
        assert (tmp_path / "stream" / name).read_bytes() == (tmp_path / "list" / name).read_bytes()
    params = (tmp_path / "stream" / layout.LEXICAL_FILES["params"]).read_text(encoding="utf-8")
    assert '"num_docs": 4' in params  # the last text has no tokens but is still a document


def test_some_papers_score_as_every_paper_does_and_their_best_are_the_best(tmp_path: Path) -> None:
    """``scores_of`` (a query's candidates) and ``top_in`` (the best of a range of rows) give exactly what scoring
    every paper gives; the engine's best hold BM25's best, whose own scores it does not give."""
    from papersearch.index.lexical_engine import Engine, EngineWriter

    records, _ = corpus_records(load_corpus(CORPUS))
    engine = EngineWriter(tmp_path / "engine")
    index, _ = lexical.build((lexical_text(r) for r in records), each=engine.add)
    engine.finish()
    searcher = Engine(tmp_path / "engine")
    assert searcher.docs == len(records) and not (tmp_path / "engine" / ".tantivy-writer.lock").exists()
    rng = np.random.default_rng(0)
    for query in ("backpropagation of errors", "convolutional networks for images", "attention transformer", "zzz"):
        full = index.scores(query)
        rows = np.sort(rng.choice(len(records), size=20, replace=False))
        assert index.scores_of(query, rows).tobytes() == full[rows].tobytes()
        best = index.top_in(query, 5, 10, 40)
        held = np.flatnonzero(full[10:40] > 0) + 10
        want = held[np.argsort(-full[held], kind="stable")][:5]
        assert set(best.tolist()) == set(want.tolist()) or np.array_equal(np.sort(full[best]), np.sort(full[want]))
        best_paper = int(np.argmax(full))
        found = searcher.top(index.tokens(query), 10)
        assert (best_paper in found.tolist()) if full[best_paper] > 0 else not len(found)
        inside = searcher.top(index.tokens(query), 10, (5, 20))
        assert all(5 <= r < 20 for r in inside.tolist())


@pytest.mark.parametrize(
    "message",
    [
        "Failed to open file for write: 'IoError { io_error: Custom { kind: StorageFull, error: PathError { "
        'path: "x.term", err: Os { code: 28, kind: StorageFull, message: "No space left on device" } } } }\'',
        "Internal error: 'No space left on device (os error 28)'",
    ],
)
def test_the_engines_write_errors_become_the_os_errors_they_are(tmp_path: Path, message: str) -> None:
    """Tantivy reports a full disk as a ValueError quoting errno 28: the build sees an OSError naming the folder."""
    from papersearch.index.lexical_engine import _io

    with pytest.raises(OSError) as caught, _io(tmp_path):
        raise ValueError(message)
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(tmp_path)


def test_an_engine_error_that_is_not_a_write_stays_what_it_is(tmp_path: Path) -> None:
    from papersearch.index.lexical_engine import _io

    with pytest.raises(ValueError, match="schema"), _io(tmp_path):
        raise ValueError("the schema has no field 'x'")


def test_a_build_that_fails_beside_the_engine_leaves_nothing_once_its_folder_is_removed(tmp_path: Path) -> None:
    """Another file's write fails while the engine's writer holds papers: leaving the ``with``, its threads are
    ended, so the folder removed after stays removed (left running, they started a segment's files in it)."""
    import shutil
    import time

    from papersearch.index.lexical_engine import EngineWriter

    for attempt in range(10):  # the writer's thread raced the removal about one time in two
        folder = tmp_path / f"build-{attempt}"
        with pytest.raises(OSError, match="full"), EngineWriter(folder / "engine") as engine:
            for i in range(200):
                engine.add([f"word{i}", "other"])
            raise OSError(errno.ENOSPC, "the disk is full")
        shutil.rmtree(folder)
        time.sleep(0.2)
        assert not folder.exists(), sorted(p.name for p in folder.rglob("*"))


def test_every_papers_scores_are_each_words_postings_added_in_the_querys_order() -> None:
    """``scores`` (kept per word) gives, bit for bit, each word's postings added to every paper's score in the order
    of the query's words, again when asked again (the kept words) and with a word typed twice or unknown."""
    texts = ["deep belief networks learn layer by layer", "belief propagation in networks", "convolutional networks"]
    texts += ["networks of networks of networks", "a paper without the word", "deep deep deep learning"]
    index, _ = lexical.build(texts)
    for query in ("deep networks", "networks deep", "belief belief networks zzz", "deep", "zzz", ""):
        want = np.zeros(len(texts), dtype=np.float32)
        for t in index.token_ids(query):
            lo, hi = int(index.indptr[t]), int(index.indptr[t + 1])
            want[index.indices[lo:hi]] += index.data[lo:hi]
        assert index.scores(query).tobytes() == want.tobytes()
        assert index.scores(query).tobytes() == want.tobytes()
