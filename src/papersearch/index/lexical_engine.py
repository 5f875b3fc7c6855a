"""The lexical side's own top candidates at scale: a Tantivy index over the words BM25 scores (the only importer
of tantivy).

BM25 over every paper (``lexical.LexicalIndex.scores``) costs a pass over the postings of the
query's words: at a million papers a common word alone has hundreds of thousands. Tantivy, a search
engine library (Rust, memory-mapped), finds a query's best few hundred papers in compiled code. Its
Python binding (0.27) collects every search through a ``MultiCollector``, which gives up the top-k
pruning (block-max WAND) of Tantivy's own ``TopDocs``, and holds the GIL while it searches: a search
still visits every posting of the query's words (at a million papers about 11 ms for a five-word query,
the same for 100 hits as for 500). It is only a retriever: it scores with its own BM25, whose document lengths are
quantised to a byte, so the papers it returns are then scored exactly from the BM25 arrays
(``LexicalIndex.scores_of``), and every score a face shows is still bm25s's.

The index is built from the same words as BM25 (``tokens.tokenize``), one document a paper, its
row in a fast field; a year range (or an era's span of rows) is a range query on that row. A
version holds it in ``lexical/engine/``; its files are checked like every other file. A small
index (no more papers than a query takes candidates) never opens it, so the cold ``ask`` of a small
list does not import tantivy.
"""

from __future__ import annotations

import errno
import gc
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import numpy as np

from .disk import free_bytes, naming

FIELD = "w"  # the words, as tokens.tokenize gives them (whitespace-separated, already lowercased and stemmed)
ROW = "row"  # the paper's row, a fast field
HEAP = 400_000_000  # bytes of the one indexing thread's buffer (each time it fills, one segment is written)
LOCKS = (".tantivy-writer.lock", ".tantivy-meta.lock")
NEARLY_FULL = 64 << 20  # free bytes under which a writer thread's lost I/O error is taken for a full disk
_OS_CODE = re.compile(r"\bOs \{ code: (\d+)|\(os error (\d+)\)")  # how Tantivy's errors quote the system's


@contextmanager
def _io(folder: Path) -> Iterator[None]:
    """Tantivy reports a failed write (a full disk, a failing one) as a ValueError quoting the system's error
    number: made the ``OSError`` it is, naming ``folder``, so a build fails in the one line every write failure
    gets (``disk``)."""
    try:
        with naming(folder):
            yield
    except ValueError as exc:
        if (code := _OS_CODE.search(str(exc))) is not None:
            number = int(code.group(1) or code.group(2))
        elif "io::Error" in str(exc):  # a writer thread's failure, its number lost: a full disk if it is nearly full
            free = free_bytes(folder)
            number = errno.ENOSPC if free is not None and free < NEARLY_FULL else errno.EIO
        else:
            raise
        raise OSError(number, os.strerror(number), str(folder)) from None


def _schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field(FIELD, tokenizer_name="whitespace", index_option="freq")
    builder.add_unsigned_field(ROW, fast=True)
    return builder.build()


class EngineWriter:
    """A new engine index in ``folder``, one paper at a time in row order (``add``), then ``finish``."""

    def __init__(self, folder: Path) -> None:
        import tantivy

        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        with _io(folder):
            self._index = tantivy.Index(_schema(), path=str(folder))
            self._writer = self._index.writer(heap_size=HEAP, num_threads=1)
        self._row = 0
        self._document = tantivy.Document

    def add(self, tokens: Sequence[str]) -> None:
        """The next paper's words."""
        doc = self._document()
        doc.add_text(FIELD, " ".join(tokens))
        doc.add_unsigned(ROW, self._row)
        with _io(self.folder):
            self._writer.add_document(doc)
        self._row += 1

    def __enter__(self) -> EngineWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            self.abandon()

    def finish(self) -> None:
        """Commit, wait for merges, and let go of the writer (its lock files removed: they are not the index's)."""
        with _io(self.folder):
            self._writer.commit()
            self._writer.wait_merging_threads()
        self._let_go()
        for name in LOCKS:
            (self.folder / name).unlink(missing_ok=True)

    def abandon(self) -> None:
        """After a failure (the disk full, another file's write refused): end the writer's threads before the
        build folder is removed. Left running, its indexing thread starts a segment's files in the folder while
        it is being removed, and they outlive the failed build."""
        writer = self.__dict__.get("_writer")
        if writer is not None:
            with suppress(Exception):  # the failure being reported is the build's; this is only clean-up
                writer.wait_merging_threads()  # drops the queue, joins the indexing and merging threads
        self._let_go()

    def _let_go(self) -> None:
        self.__dict__.pop("_writer", None)
        self.__dict__.pop("_index", None)
        gc.collect()


class Engine:
    """A version's engine index, opened for searching (mapped by Tantivy)."""

    def __init__(self, folder: Path) -> None:
        import tantivy

        self._tantivy = tantivy
        self._index = tantivy.Index.open(str(folder))
        self._schema = self._index.schema
        self._searcher = self._index.searcher()

    @property
    def docs(self) -> int:
        return int(self._searcher.num_docs)

    def top(self, tokens: Sequence[str], k: int, rows: tuple[int, int] | None = None) -> np.ndarray:
        """The rows of the (at most) ``k`` papers Tantivy's BM25 ranks first for ``tokens``, within the row range
        ``rows`` (first, end) when given; papers that hold none of the words are not returned."""
        t = self._tantivy
        words = [t.Query.term_query(self._schema, FIELD, w, index_option="freq") for w in dict.fromkeys(tokens)]
        if not words:
            return np.zeros(0, dtype=np.int64)
        query = t.Query.boolean_query([(t.Occur.Should, q) for q in words])
        if rows is not None:
            span = t.Query.range_query(self._schema, ROW, t.FieldType.Unsigned, rows[0], rows[1] - 1)
            query = t.Query.boolean_query([(t.Occur.Must, query), (t.Occur.Must, t.Query.const_score_query(span, 0.0))])
        hits = self._searcher.search(query, k, count=False).hits
        found = self._searcher.fast_field_values(ROW, [address for _, address in hits])
        return np.fromiter(found, dtype=np.int64, count=len(found))


def files(folder: Path) -> Iterator[Path]:
    """The engine index's files (for a check that they are there)."""
    return (p for p in folder.iterdir() if p.is_file())
