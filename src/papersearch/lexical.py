"""BM25 over each paper's text: built with bm25s, searched with plain numpy at query time.

bm25s precomputes every (token, document) score into a sparse matrix; a query sums the rows of
its tokens. Loading reads those arrays and the vocabulary directly, so a one-shot query does not
pay for importing bm25s.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

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

    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("’", "'")
    words = [w for w in TOKEN_RE.findall(text) if w not in STOPWORDS]
    return _stemmer().stemWords(words)


def build(doc_texts: list[str], out_dir: Path) -> None:
    """Index one text per paper (in row order) and save plain arrays and JSON in ``out_dir``."""
    import bm25s

    tokens = [tokenize(t) for t in doc_texts]
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(tokens, show_progress=False)
    out_dir.mkdir(parents=True, exist_ok=True)
    retriever.save(str(out_dir), allow_pickle=False)


class LexicalIndex:
    """The saved BM25 scores: ``scores(query)`` gives one float per paper row."""

    def __init__(
        self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, vocab: dict[str, int], n_docs: int
    ) -> None:
        self.data, self.indices, self.indptr, self.vocab, self.n_docs = data, indices, indptr, vocab, n_docs

    @classmethod
    def load(cls, path: Path, n_docs: int) -> LexicalIndex:
        data = np.load(path / "data.csc.index.npy", allow_pickle=False)
        indices = np.load(path / "indices.csc.index.npy", allow_pickle=False)
        indptr = np.load(path / "indptr.csc.index.npy", allow_pickle=False)
        vocab = json.loads((path / "vocab.index.json").read_text(encoding="utf-8"))
        if not isinstance(vocab, dict) or (len(indptr) != len(vocab) + 1 and len(indptr) != len(vocab)):
            raise ValueError("vocabulary and score arrays disagree")
        if len(indices) and int(indices.max()) >= n_docs:
            raise ValueError("score arrays name more documents than the index holds")
        return cls(data, indices, indptr, vocab, n_docs)

    def token_ids(self, query: str) -> list[int]:
        ids = [self.vocab.get(t) for t in tokenize(query)]
        return [i for i in ids if i is not None and i + 1 < len(self.indptr)]

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.n_docs, dtype=np.float32)
        for t in self.token_ids(query):
            lo, hi = self.indptr[t], self.indptr[t + 1]
            np.add.at(out, self.indices[lo:hi], self.data[lo:hi])
        return out
