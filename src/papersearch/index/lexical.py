"""BM25 over each paper's text: built and searched with plain numpy, in the arrays bm25s saves.

Every (token, document) score is precomputed into a sparse CSC matrix, the Lucene variant of BM25
exactly as bm25s computes it (``tests/test_lexical.py`` checks the arrays against bm25s); a query
sums the rows of its tokens. Building without bm25s spares a rebuild its imports (numba, scipy:
about a second), and loading reads the arrays and the vocabulary directly.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..core.kept import Kept
from .disk import naming
from .tokens import tokenize

KEPT_QUERIES = 1024  # query texts whose token ids a lexical index keeps
KEPT_SAMPLES = 256  # words whose scores of a range's even sample are kept (each at most ~40 KB: query.candidates)
KEPT_COLUMNS = 4096  # words whose scores of every paper ``scores`` keeps (a full scan's: a small list, a narrow filter)
COLUMN_BYTES = 8 << 20  # ...and no more of them than fill this many bytes


K1, B = 1.2, 0.75


def bm25_matrix(
    docs: Iterable[list[str]], k1: float = K1, b: float = B, files: tuple[Path, Path] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """(data, indices, indptr, vocab) of the BM25 score matrix of tokenised ``docs``: one column per token.

    Lucene BM25 as bm25s computes it: idf = ln(1 + (N - df + 0.5) / (df + 0.5)) rounded to float32,
    times tf / (tf + k1 (1 - b + b |d| / avgdl)) in float64, stored as float32. Tokens are numbered in
    sorted order, so the same texts give the same files; "" (no token) ends the vocabulary, as in bm25s.
    ``docs`` is read once, one document at a time, and never held: each document's (token, count)
    pairs go to a temporary file, and are then read back a chunk at a time and put straight into
    their place in the CSC arrays. ``files``: write data and indices there as .npy files, filled
    ``_FILE_PAIRS`` places at a time, and return them memory-mapped; otherwise they are held. What
    is held besides is the vocabulary and 8 bytes a document.
    """
    import tempfile  # a build's: a query imports this module and writes nothing (tempfile brings shutil, bz2, lzma)

    folder = files[0].parent if files else Path(tempfile.gettempdir())
    with naming(f"{folder}/ (a temporary file of BM25 counts)"), tempfile.TemporaryFile(dir=folder) as spool:
        counted = _count(docs, spool)  # the spool is beside the files: on the same disk
        n_docs, n_vocab = len(counted.lengths), len(counted.seen)
        names = sorted(counted.seen)
        vocab = {t: i for i, t in enumerate(names)}
        remap = np.empty(n_vocab, dtype=np.int32)
        remap[np.fromiter((counted.seen[t] for t in names), dtype=np.int64, count=n_vocab)] = np.arange(
            n_vocab, dtype=np.int32
        )
        del names
        counted.seen.clear()
        df = np.zeros(n_vocab, dtype=np.int64)
        df[remap] = counted.df[:n_vocab]
        doc_len = np.frombuffer(counted.lengths, dtype=np.int32).astype(np.float64)
        avg_len = float(doc_len.mean()) if n_docs and doc_len.sum() else 1.0
        idf = np.array([math.log(1 + (n_docs - f + 0.5) / (f + 0.5)) for f in df.tolist()], dtype=np.float32)
        indptr = np.zeros(n_vocab + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])

        def scored() -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
            """(columns, rows, scores) of every pair in the file, a chunk at a time, in document order."""
            spool.seek(0)
            width = np.frombuffer(counted.widths, dtype=np.int32)
            for first, count in counted.chunks:
                rows = np.repeat(np.arange(first, first + count, dtype=np.int32), width[first : first + count])
                cols = remap[np.frombuffer(spool.read(4 * len(rows)), dtype=np.int32)]
                tf = np.frombuffer(spool.read(4 * len(rows)), dtype=np.int32).astype(np.float32)
                tfc = tf / (k1 * ((1 - b) + b * doc_len[rows] / avg_len) + tf)
                yield cols, rows, (idf[cols] * tfc).astype(np.float32)

        total = int(indptr[-1])
        if files is None:
            data, indices = np.empty(total, dtype=np.float32), np.empty(total, dtype=np.int32)
            _place(scored(), indptr, 0, n_vocab, data, indices)
        else:
            data, indices = _place_in_files(scored, indptr, files)
    vocab[""] = n_vocab
    return data, indices, indptr, vocab


_CHUNK_PAIRS = 1 << 16  # (token, document) pairs read back at a time
_FILE_PAIRS = 1 << 20  # places of the CSC arrays filled at a time when they are written to files (8 MB)


@dataclass
class _Counted:
    seen: dict[str, int]  # token -> id in order of first appearance
    lengths: array[int]  # tokens in each document
    widths: array[int]  # distinct tokens in each document
    df: np.ndarray  # documents holding each token, by id of first appearance
    chunks: list[tuple[int, int]]  # (first document, documents) of each chunk in the file


def _count(docs: Iterable[list[str]], spool: BinaryIO) -> _Counted:
    """Number the tokens and write each document's (token id, count) pairs to ``spool``, in chunks."""
    counted = _Counted({}, array("i"), array("i"), np.zeros(0, dtype=np.int64), [])
    seen = counted.seen
    toks, tfs, first = array("i"), array("i"), 0
    for i, d in enumerate(docs):
        counts: dict[int, int] = {}
        for t in d:
            j = seen.setdefault(t, len(seen))
            counts[j] = counts.get(j, 0) + 1
        toks.extend(counts)
        tfs.extend(counts.values())
        counted.lengths.append(len(d))
        counted.widths.append(len(counts))
        if len(toks) >= _CHUNK_PAIRS:
            _spill(spool, toks, tfs, counted, first, i + 1)
            toks, tfs, first = array("i"), array("i"), i + 1
    if len(counted.lengths) > first:
        _spill(spool, toks, tfs, counted, first, len(counted.lengths))
    return counted


def _spill(spool: BinaryIO, toks: array[int], tfs: array[int], counted: _Counted, first: int, end: int) -> None:
    spool.write(toks.tobytes())
    spool.write(tfs.tobytes())
    df = np.bincount(np.frombuffer(toks, dtype=np.int32), minlength=len(counted.seen))
    df[: len(counted.df)] += counted.df
    counted.df = df
    counted.chunks.append((first, end - first))


def _place(
    pairs: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]],
    indptr: np.ndarray,
    lo: int,
    hi: int,
    data: np.ndarray,
    indices: np.ndarray,
) -> None:
    """Put the pairs of columns ``lo`` to ``hi`` in their places, CSC order (by column, then document);
    ``data`` and ``indices`` hold the places from ``indptr[lo]`` on."""
    free = indptr[lo:hi].copy() - indptr[lo]  # the next free place in each column
    for cols, rows, scores in pairs:
        if lo or hi < len(indptr) - 1:
            keep = (cols >= lo) & (cols < hi)
            cols, rows, scores = cols[keep], rows[keep], scores[keep]
        order = np.argsort(cols, kind="stable")
        sorted_cols = cols[order] - lo
        place = free[sorted_cols] + np.arange(len(order)) - np.searchsorted(sorted_cols, sorted_cols)
        data[place] = scores[order]
        indices[place] = rows[order]
        free += np.bincount(sorted_cols, minlength=hi - lo)


def _place_in_files(
    scored: Callable[[], Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]],
    indptr: np.ndarray,
    files: tuple[Path, Path],
) -> tuple[np.ndarray, np.ndarray]:
    """Write data and indices into .npy ``files`` a range of columns at a time; return them memory-mapped."""
    total = int(indptr[-1])
    handles = []
    try:
        for path, dtype in zip(files, (np.float32, np.int32), strict=True):
            with naming(path):
                fh = path.open("wb")
                handles.append((fh, 0, np.dtype(dtype).itemsize))
                header = np.lib.format.header_data_from_array_1_0(np.empty(0, dtype=dtype))
                np.lib.format.write_array_header_1_0(fh, {**header, "shape": (total,)})
                handles[-1] = (fh, fh.tell(), np.dtype(dtype).itemsize)
        lo = 0
        while lo < len(indptr) - 1:
            hi = max(lo + 1, int(np.searchsorted(indptr, indptr[lo] + _FILE_PAIRS, side="right")) - 1)
            size = int(indptr[hi] - indptr[lo])
            parts = np.empty(size, dtype=np.float32), np.empty(size, dtype=np.int32)
            _place(scored(), indptr, lo, hi, *parts)
            for (fh, start, itemsize), part, path in zip(handles, parts, files, strict=True):
                with naming(path):
                    fh.seek(start + int(indptr[lo]) * itemsize)
                    fh.write(part.tobytes())
            lo = hi
    except BaseException:
        for fh, _, _ in handles:
            with suppress(OSError):
                fh.close()
        raise
    for (fh, _, _), path in zip(handles, files, strict=False):
        with naming(path):
            fh.close()
    data: np.ndarray = np.load(files[0], mmap_mode="r", allow_pickle=False)
    indices: np.ndarray = np.load(files[1], mmap_mode="r", allow_pickle=False)
    return data, indices


def build(
    docs: Iterable[str | list[str]],
    files: tuple[Path, Path] | None = None,
    each: Callable[[list[str]], None] | None = None,
) -> tuple[LexicalIndex, dict[str, Any]]:
    """Index one text per paper (in row order, read once): the scores and the parameters to save with them.

    ``docs``: each paper's text, or its words as ``tokens.tokenize`` gives them (a large build tokenises in its
    worker processes). ``files``: where to write the score arrays (data, indices) as they are built, instead of
    holding them. ``each``: called with each paper's words as they are made (the engine index is built from the
    same words).
    """
    n_docs = 0

    def tokenised() -> Iterator[list[str]]:
        nonlocal n_docs
        for doc in docs:
            n_docs += 1
            words = tokenize(doc) if isinstance(doc, str) else doc
            if each is not None:
                each(words)
            yield words

    data, indices, indptr, vocab = bm25_matrix(tokenised(), files=files)
    params: dict[str, Any] = {"k1": K1, "b": B, "method": "lucene", "idf_method": "lucene", "dtype": "float32"}
    params.update(int_dtype="int32", num_docs=n_docs, backend="numpy")
    return LexicalIndex(data, indices, indptr, vocab, n_docs), params


class LexicalIndex:
    """The saved BM25 scores: ``scores(query)`` gives one float per paper row."""

    def __init__(
        self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, vocab: dict[str, int], n_docs: int
    ) -> None:
        self.data, self.indices, self.indptr, self.vocab, self.n_docs = data, indices, indptr, vocab, n_docs
        # what a query reads, as plain arrays over the same memory: a slice of a memmap is another memmap, made
        # at a cost that outweighs a small list's sums
        self._data, self._indices, self._indptr = np.asarray(data), np.asarray(indices), np.asarray(indptr)
        self._kept: Kept[tuple[int, ...]] = Kept(KEPT_QUERIES)
        self._samples: Kept[np.ndarray] = Kept(KEPT_SAMPLES)
        self._columns: Kept[np.ndarray] = Kept(max(1, min(KEPT_COLUMNS, COLUMN_BYTES // (4 * max(n_docs, 1)))))

    def token_ids(self, query: str) -> list[int]:
        """The token ids of ``query``'s words the index holds; the last ``KEPT_QUERIES`` texts' are kept (a query's
        text is scored, searched and sampled by the same words)."""
        kept = self._kept.get(query)
        if kept is None:
            ids = [self.vocab.get(t) for t in tokenize(query)]
            kept = self._kept.put(query, tuple(i for i in ids if i is not None and i + 1 < len(self._indptr)))
        return list(kept)

    def papers_of(self, token: int) -> np.ndarray:
        """The papers (rows) holding token id ``token``, ascending: its column of the score matrix."""
        return self._indices[self._indptr[token] : self._indptr[token + 1]]

    def scores(self, query: str) -> np.ndarray:
        """One float per paper row: each word's scores of every paper (kept: a small list scans them on every
        query), added in the query's order; 0 where a paper lacks a word, which adding changes nothing."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for t in self.token_ids(query):
            column = self._columns.get(t)
            out += self._columns.put(t, self._every(t)) if column is None else column
        return out

    def _every(self, t: int) -> np.ndarray:
        """Token ``t``'s scores of every paper (0 where absent)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        lo, hi = int(self._indptr[t]), int(self._indptr[t + 1])
        out[self._indices[lo:hi]] = self._data[lo:hi]  # a token's column names each paper once
        return out

    def scores_of(self, query: str, rows: np.ndarray) -> np.ndarray:
        """``scores(query)[rows]`` for sorted ``rows``, without scoring every paper: each token's column (its
        papers in row order) is searched for them; the same sums, in the same order, as ``scores``."""
        out = np.zeros(len(rows), dtype=np.float32)
        for t in self.token_ids(query):
            out += self._column(t, rows)  # zero where a paper lacks the token: adding it changes nothing
        return out

    def sample_scores(self, query: str, first: int, end: int, step: int) -> np.ndarray:
        """``scores_of`` the rows ``first`` to ``end`` by ``step`` (an even sample of a range), each token's column
        of them kept (the last ``KEPT_SAMPLES``): a common word's postings are not searched again on every query."""
        rows = np.arange(first, end, step, dtype=np.int64)
        out = np.zeros(len(rows), dtype=np.float32)
        for t in self.token_ids(query):
            column = self._samples.get((t, first, end, step))
            out += self._samples.put((t, first, end, step), self._column(t, rows)) if column is None else column
        return out

    def _column(self, t: int, rows: np.ndarray) -> np.ndarray:
        """Token ``t``'s scores of the sorted ``rows`` (0 where absent); int64 rows would copy an int32 column."""
        out = np.zeros(len(rows), dtype=np.float32)
        lo, hi = int(self._indptr[t]), int(self._indptr[t + 1])
        docs = self._indices[lo:hi]
        if len(docs) and len(rows):
            at = np.minimum(np.searchsorted(docs, rows.astype(docs.dtype, copy=False)), len(docs) - 1)
            held = docs[at] == rows
            out[held] = self._data[lo:hi][at[held]]
        return out

    def top_in(self, query: str, k: int, first: int, end: int) -> np.ndarray:
        """The rows of the ``k`` best scores among rows ``first`` to ``end`` (those with a word of the query),
        exactly, reading only the part of each column that falls in the range."""
        out = np.zeros(end - first, dtype=np.float32)
        for t in self.token_ids(query):
            lo, hi = int(self._indptr[t]), int(self._indptr[t + 1])
            docs = self._indices[lo:hi]
            a, b = (int(x) for x in np.searchsorted(docs, np.array([first, end], dtype=docs.dtype)))
            out[np.asarray(docs[a:b]) - first] += self._data[lo + a : lo + b]
        held = np.flatnonzero(out > 0)
        if len(held) > k:
            held = held[np.argpartition(-out[held], k - 1)[:k]]
        return np.sort(held) + first

    def papers_with(self, token: str) -> int:
        """How many papers hold ``token`` (a word as ``tokens`` gives it): its document frequency."""
        return len(self.papers_of(self.vocab[token]))

    def tokens(self, query: str) -> list[str]:
        """The query's words the index holds, as it holds them."""
        return [t for t in tokenize(query) if t in self.vocab and self.vocab[t] + 1 < len(self._indptr)]
