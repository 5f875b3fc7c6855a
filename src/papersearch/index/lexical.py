"""BM25 over each paper's text: built and searched with plain numpy, in the arrays bm25s saves.

Every (token, document) score is precomputed into a sparse CSC matrix, the Lucene variant of BM25
exactly as bm25s computes it (``tests/test_lexical.py`` checks the arrays against bm25s); a query
sums the rows of its tokens. Building without bm25s spares a rebuild its imports (numba, scipy:
about a second), and loading reads the arrays and the vocabulary directly.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

import numpy as np

TOKEN_RE = re.compile(r"\w\w+|\d", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "were",
        "what",
        "when",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "about",
        "after",
        "also",
        "any",
        "been",
        "before",
        "being",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "than",
        "too",
        "very",
        "you",
        "your",
        "i",
        "me",
        "my",
        "we",
        "our",
    ]
)


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lowercase, split into words, drop stop words, stem (the same at build and query time)."""
    import unicodedata

    text = text.lower()
    if not text.isascii():  # strip accents ("Schmidhuber" and "Schmídhuber" are one word); ASCII has none
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("’", "'")
    words = [w for w in TOKEN_RE.findall(text) if w not in STOPWORDS]
    stems: list[str] = _stemmer().stemWords(words)
    return stems


K1, B = 1.2, 0.75


def bm25_matrix(
    docs: Iterable[list[str]], k1: float = K1, b: float = B
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """(data, indices, indptr, vocab) of the BM25 score matrix of tokenised ``docs``: one column per token.

    Lucene BM25 as bm25s computes it: idf = ln(1 + (N - df + 0.5) / (df + 0.5)) rounded to float32,
    times tf / (tf + k1 (1 - b + b |d| / avgdl)) in float64, stored as float32. Tokens are numbered in
    sorted order, so the same texts give the same files; "" (no token) ends the vocabulary, as in bm25s.
    ``docs`` is read once, one document at a time: what is kept is 12 bytes per distinct (token,
    document) pair and the vocabulary, never the token lists.
    """
    seen: dict[str, int] = {}  # token -> id in order of first appearance
    doc_of, tok_of, tf_of, lengths = array("i"), array("i"), array("i"), array("i")
    for i, d in enumerate(docs):
        counts: dict[int, int] = {}
        for t in d:
            j = seen.setdefault(t, len(seen))
            counts[j] = counts.get(j, 0) + 1
        doc_of.extend([i] * len(counts))
        tok_of.extend(counts)
        tf_of.extend(counts.values())
        lengths.append(len(d))
    n_docs, n_vocab = len(lengths), len(seen)
    names = sorted(seen)
    vocab = {t: i for i, t in enumerate(names)}
    remap = np.empty(n_vocab, dtype=np.int32)
    remap[np.fromiter((seen[t] for t in names), dtype=np.int64, count=n_vocab)] = np.arange(n_vocab, dtype=np.int32)
    doc_len = np.frombuffer(lengths, dtype=np.int32).astype(np.float64)
    avg_len = float(doc_len.mean()) if n_docs and doc_len.sum() else 1.0
    rows = np.frombuffer(doc_of, dtype=np.int32)
    cols = remap[np.frombuffer(tok_of, dtype=np.int32)] if n_vocab else np.zeros(0, dtype=np.int32)
    tf = np.frombuffer(tf_of, dtype=np.int32).astype(np.float32)
    df = np.bincount(cols, minlength=n_vocab)
    idf = np.array([math.log(1 + (n_docs - f + 0.5) / (f + 0.5)) for f in df.tolist()], dtype=np.float32)
    tfc = tf / (k1 * ((1 - b) + b * doc_len[rows] / avg_len) + tf)
    scores = (idf[cols] * tfc).astype(np.float32)
    order = np.lexsort((rows, cols))  # by token, then by document: CSC
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    vocab[""] = n_vocab
    return scores[order], rows[order].copy(), indptr, vocab


def build(doc_texts: Iterable[str]) -> tuple[LexicalIndex, dict[str, Any]]:
    """Index one text per paper (in row order, read once): the scores and the parameters to save with them."""
    n_docs = 0

    def tokenised() -> Iterator[list[str]]:
        nonlocal n_docs
        for text in doc_texts:
            n_docs += 1
            yield tokenize(text)

    data, indices, indptr, vocab = bm25_matrix(tokenised())
    params: dict[str, Any] = {"k1": K1, "b": B, "method": "lucene", "idf_method": "lucene", "dtype": "float32"}
    params.update(int_dtype="int32", num_docs=n_docs, backend="numpy")
    return LexicalIndex(data, indices, indptr, vocab, n_docs), params


class LexicalIndex:
    """The saved BM25 scores: ``scores(query)`` gives one float per paper row."""

    def __init__(
        self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, vocab: dict[str, int], n_docs: int
    ) -> None:
        self.data, self.indices, self.indptr, self.vocab, self.n_docs = data, indices, indptr, vocab, n_docs

    def token_ids(self, query: str) -> list[int]:
        ids = [self.vocab.get(t) for t in tokenize(query)]
        return [i for i in ids if i is not None and i + 1 < len(self.indptr)]

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.n_docs, dtype=np.float32)
        for t in self.token_ids(query):
            lo, hi = self.indptr[t], self.indptr[t + 1]
            out[self.indices[lo:hi]] += self.data[lo:hi]  # a token's column names each paper once
        return out
