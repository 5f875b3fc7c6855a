"""The stems ``why`` reads of each paper, made at build time (index format 4): the same stems the query path made of
each hit's record, every paper's, and an index without them refused with the fix, its vectors reused."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from papersearch.core.errors import IndexStateError
from papersearch.index import layout, store
from papersearch.index.build import build
from papersearch.index.check import check
from papersearch.index.reader import check_version, read_version
from papersearch.index.tokens import tokenize
from papersearch.query.explain import Explainer, query_stems
from papersearch.query.searcher import Searcher

from .conftest import CORPUS, MODEL


def _tokenised(record: dict[str, object]) -> frozenset[str]:
    """The stems ``why`` made of a hit's record on every query before they were stored (the reference)."""
    text = json.dumps([record["title"], record["question"], record["summary"], record["authors"]], ensure_ascii=False)
    return frozenset(tokenize(text))


def _rewrite(vdir: Path, statements: list[str], **fields: object) -> None:
    """Change a version's database and manifest as an older or damaged build would have left them, every checksum
    made again (so that only what changed is found)."""
    db = sqlite3.connect(vdir / layout.DATABASE, isolation_level=None)
    for statement in statements:
        db.execute(statement)
    db.close()
    manifest = json.loads((vdir / layout.MANIFEST).read_text(encoding="utf-8"))
    manifest.update(fields, files=layout.describe_files(vdir))
    manifest["checksum"] = layout.manifest_checksum(manifest)
    (vdir / layout.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (vdir / layout.VERDICT).unlink(missing_ok=True)


def test_every_papers_stored_stems_are_those_its_record_gives(index_dir: Path) -> None:
    data = read_version(store.version_dir(index_dir))
    rows = list(range(len(data.records)))
    stored = data.records.stems(rows[::-1])[::-1]  # in the order asked, any order
    assert stored == [_tokenised(data.records[row]) for row in rows]  # type: ignore[arg-type]
    assert all(stored) and len(set(stored)) == len(rows)
    assert data.records.stems([3, 3, 0]) == [stored[3], stored[3], stored[0]] and data.records.stems([]) == []
    data.db.close()


def test_why_reads_the_stored_stems_as_it_tokenised_the_record(index_dir: Path) -> None:
    """Each paper's ``why`` terms, prepared together or read one by one, are the query words whose stems the record
    gives; across the list some are found, so the check checks something."""
    data = read_version(store.version_dir(index_dir))
    rows = list(range(len(data.records)))
    together, alone = Explainer(data), Explainer(data)
    together.prepare(rows, data.records.many(rows))
    found = 0
    for text in ("attention in neural machine translation", "backpropagation of errors", "LeCun convolution"):
        asked = query_stems(text)
        for explainer in (together, alone):
            whys = explainer.whys(asked, rows, None, [-1] * len(rows))
            expected = [[w for s, w in asked.items() if s in _tokenised(data.records[r])] for r in rows]  # type: ignore[arg-type]
            assert [why["terms"] for why in whys] == expected, text
        found += sum(map(bool, expected))
    assert found >= 3
    data.db.close()


def test_an_index_of_format_3_is_refused_and_rebuilt_with_its_vectors(index_copy: Path) -> None:
    """A version as format 3 left it (no ``stems`` table) is stale: a searcher refuses it saying to run ``papersearch
    index``, which rebuilds it reusing every vector."""
    vdir = store.version_dir(index_copy)
    _rewrite(vdir, ["DROP TABLE stems"], format_version=3)
    with pytest.raises(IndexStateError, match=r"stale.*format 3.*reads format 4.*papersearch index"):
        Searcher.load(index_copy)
    ok, message = check(CORPUS, index_copy, MODEL)
    assert not ok and "stale" in message and "papersearch index" in message, message
    report = build(CORPUS, index_copy, MODEL)
    assert (report.embedded_papers, report.reused_papers) == (0, 49)
    assert check(CORPUS, index_copy, MODEL)[0]
    data = read_version(store.version_dir(index_copy))
    assert data.records.stems([0])[0] == _tokenised(data.records[0])  # type: ignore[arg-type]
    data.db.close()


@pytest.mark.parametrize(
    ("statement", "found"),
    [
        ("DELETE FROM stems WHERE paper = 5", "lacks the stems of some papers"),
        ("UPDATE stems SET paper = -1 WHERE paper = 5", "names papers it does not hold"),
    ],
)
def test_a_database_missing_a_papers_stems_fails_its_check(index_copy: Path, statement: str, found: str) -> None:
    vdir = store.version_dir(index_copy)
    _rewrite(vdir, [statement])
    with pytest.raises(IndexStateError, match=found):
        check_version(vdir)


def test_a_database_without_its_last_papers_stems_is_refused_on_load(index_copy: Path) -> None:
    """The load looks up the last paper's stems (not a count: a million rows): a table cut short is found there."""
    vdir = store.version_dir(index_copy)
    _rewrite(vdir, ["DELETE FROM stems WHERE paper = 48"])
    with pytest.raises(IndexStateError, match="does not hold the papers"):
        read_version(vdir)
