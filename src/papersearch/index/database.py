"""The version's SQLite database (``papers.sqlite``): what a query fetches by key, a row at a time.

A searcher at a million papers cannot hold every record, passage and citation as Python objects;
it fetches the few a query shows. SQLite (from the standard library) keeps them on disk, each
read through an index by its key: a paper by its row or its id, a passage by its row, the edges of
one paper by either end, the people and concepts a query names. Each citation is stored once
(``edges``), and a paper's neighbourhood is assembled from it when the paper is fetched
(``record_store``). Tables::

    papers(row, id, year, title, authors, record)  record: the PaperRecord as JSON, its references null
    passages(row, paper, kind, text)               one row per vector row (the texts ``why`` and answers quote)
    stems(paper, stems)                            the stems ``why`` reads of each paper (``passages.why_stems``)
    edges(edge, source, target, later, earlier, kind, evidence)   the graph's edges, one a pair, by paper row
    external(ref_no, paper, ref, evidence)         references to works outside the list
    names(key, paper, weight)                      who each paper names (``understanding``)
    given_names(key), concepts(position, name, stems, paper), concept_years(term, year)
                                                   the rest of the query-understanding context

A build writes it with journaling and syncing off (the build folder is thrown away on any failure,
and the finished file is fsynced before it is published) and its indexes made last; a searcher
opens it read-only (``mode=ro``). An SQLite error while writing (a full disk) is an ``OSError``
naming the file, like every other write of a build.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

TABLES = (
    "CREATE TABLE papers (row INTEGER PRIMARY KEY, id TEXT NOT NULL, year INTEGER NOT NULL, title TEXT NOT NULL,"
    " authors TEXT NOT NULL, record TEXT NOT NULL)",
    "CREATE TABLE passages (row INTEGER PRIMARY KEY, paper INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL)",
    "CREATE TABLE stems (paper INTEGER PRIMARY KEY, stems TEXT NOT NULL)",
    "CREATE TABLE edges (edge INTEGER PRIMARY KEY, source INTEGER NOT NULL, target INTEGER NOT NULL,"
    " later INTEGER NOT NULL, earlier INTEGER NOT NULL, kind INTEGER NOT NULL, evidence TEXT NOT NULL)",
    "CREATE TABLE external (ref_no INTEGER PRIMARY KEY, paper INTEGER NOT NULL, ref TEXT NOT NULL,"
    " evidence TEXT NOT NULL)",
    "CREATE TABLE name_spool (key TEXT NOT NULL, paper INTEGER NOT NULL, weight REAL NOT NULL)",
    "CREATE TABLE given_spool (key TEXT NOT NULL)",
    "CREATE TABLE concepts (position INTEGER PRIMARY KEY, name TEXT NOT NULL, stems TEXT NOT NULL,"
    " paper INTEGER NOT NULL)",
    "CREATE TABLE concept_spool (term TEXT NOT NULL, year INTEGER NOT NULL)",
)
FINISH = (  # once every row is in: the tables a query reads by key, and the indexes that serve them
    "CREATE UNIQUE INDEX papers_id ON papers (id)",
    "CREATE INDEX edges_later ON edges (later, kind, earlier)",
    "CREATE INDEX edges_earlier ON edges (earlier, kind, later)",
    "CREATE INDEX external_paper ON external (paper, ref_no)",
    "CREATE TABLE names (key TEXT NOT NULL, paper INTEGER NOT NULL, weight REAL NOT NULL, PRIMARY KEY (key, paper))"
    " WITHOUT ROWID",
    "INSERT INTO names SELECT key, paper, max(weight) FROM name_spool GROUP BY key, paper",
    "CREATE TABLE given_names (key TEXT PRIMARY KEY) WITHOUT ROWID",
    "INSERT INTO given_names SELECT DISTINCT key FROM given_spool WHERE key NOT IN (SELECT key FROM names)",
    "CREATE INDEX concepts_stems ON concepts (stems)",
    "CREATE TABLE concept_years (term TEXT PRIMARY KEY, year INTEGER NOT NULL) WITHOUT ROWID",
    "INSERT INTO concept_years SELECT term, min(year) FROM concept_spool GROUP BY term",
    "DROP TABLE name_spool",
    "DROP TABLE given_spool",
    "DROP TABLE concept_spool",
)
BATCH = 20_000  # rows inserted per executemany
MMAP_BYTES = 1 << 30  # a searcher reads the file through a map of up to this much: the page cache, not its heap


def _disk_error(exc: sqlite3.Error, path: Path) -> OSError:
    """An SQLite error while a build writes ``path``, as the ``OSError`` every other write of a build raises."""
    text = str(exc)
    code = errno.ENOSPC if "full" in text else errno.EROFS if "readonly" in text else errno.EIO
    return OSError(code, text, str(path))


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """SQLite errors in the body become ``OSError``s naming ``path``."""
    try:
        yield
    except sqlite3.Error as exc:
        raise _disk_error(exc, path) from None


class DatabaseWriter:
    """A new ``papers.sqlite`` filled table by table; ``finish`` makes its indexes and closes it."""

    def __init__(self, path: Path) -> None:
        """Sorting for the indexes happens in memory (a few hundred MB at a million papers), so that SQLite
        writes no temporary file outside the build folder."""
        self.path = path
        with writing(path):
            self._db = sqlite3.connect(path, isolation_level=None)
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = MEMORY", "cache_size = -65536"):
                self._db.execute(f"PRAGMA {pragma}")
            self._db.execute("BEGIN")
            for statement in TABLES:
                self._db.execute(statement)

    def insert(self, table: str, rows: Iterable[tuple[Any, ...]]) -> int:
        """Every row of ``rows`` into ``table`` (a batch at a time); how many there were."""
        count, batch = 0, []
        marks = None
        with writing(self.path):
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    marks = marks or ",".join("?" * len(row))
                    self._db.executemany(f"INSERT INTO {table} VALUES ({marks})", batch)
                    count, batch = count + len(batch), []
            if batch:
                self._db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(batch[0]))})", batch)
                count += len(batch)
        return count

    def rows(self, query: str, args: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of a query over what is written so far (the build reads passages back to embed them)."""
        with writing(self.path):
            cursor = self._db.execute(query, args)
            while chunk := cursor.fetchmany(BATCH):
                yield from chunk

    def finish(self) -> None:
        """Make the indexes and the tables read by key, store it all and close the file (fsynced)."""
        with writing(self.path):
            for statement in FINISH:
                self._db.execute(statement)
            self._db.execute("COMMIT")
            self._db.execute("PRAGMA journal_mode = DELETE")  # a reader opens it read-only, with no journal to find
            self._db.close()
        with open(self.path, "rb") as fh:
            os.fsync(fh.fileno())

    def close(self) -> None:
        """Let go of the file without finishing it (a failed build removes its folder)."""
        self._db.close()


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to a version's database (``mode=ro``), usable from any thread (callers serialise
    its use), reading through a memory map."""
    if not path.is_file():
        raise FileNotFoundError(errno.ENOENT, "no such file", str(path))
    db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, check_same_thread=False)
    db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    return db
