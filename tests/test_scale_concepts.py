"""A named concept's terms read a run of positions at a time (``ConceptTable.rows``), as ``plan._named`` reads them:
the same terms as one item a position, in as many statements as there are runs of positions not already found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from papersearch.index import store, understanding
from papersearch.index.reader import read_version
from papersearch.index.understanding import ConceptTable, _runs, terms_at
from papersearch.query import plan
from papersearch.query.results import stored_context


def test_runs_of_consecutive_positions() -> None:
    assert list(_runs([])) == [] and list(_runs([4])) == [(4, 5)]
    assert list(_runs([0, 1, 2, 5, 7, 8, 10])) == [(0, 3), (5, 6), (7, 9), (10, 11)]


def test_a_tables_rows_are_its_terms_read_a_run_at_a_time(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = read_version(store.version_dir(index_dir))
    held = ConceptTable(data.db, data.lock)
    assert held._held is not None
    monkeypatch.setattr(understanding, "HELD_ROWS", 0)  # the 49 papers' table looked up as a large list's is
    table = ConceptTable(data.db, data.lock)
    assert table._held is None
    n = len(table)
    every = [held[p] for p in range(n)]
    statements: list[str] = []
    real = table._all

    def counted(query: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        statements.append(query)
        return real(query, args)

    monkeypatch.setattr(table, "_all", counted)
    positions = [0, 1, 2, 3, 10, 11, 20, n - 2, n - 1]
    assert table.rows(positions) == [every[p] for p in positions] == held.rows(positions)
    assert len(statements) == 4  # 0-3, 10-11, 20, the last two
    assert table.rows([7, 7, 2]) == [every[7], every[7], every[2]] and table.rows([]) == []
    with pytest.raises(IndexError):
        table.rows([3, n])
    with pytest.raises(IndexError):
        held.rows([n])
    found = table.within(every[5][1])  # read with their terms: rows reads nothing again
    statements.clear()
    assert found and table.rows(found) == [every[p] for p in found] and statements == []
    assert terms_at(every, found) == terms_at(table, found)
    data.db.close()


def test_named_reads_the_terms_the_positions_give(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``plan._named`` over a table looked up per query gives, for every term's own words in a sentence, the terms
    one item a position gave, as it does over the table held whole."""
    data = read_version(store.version_dir(index_dir))
    held = stored_context(data)
    monkeypatch.setattr(understanding, "HELD_ROWS", 0)
    looked_up = stored_context(data)
    assert isinstance(looked_up.concepts, ConceptTable) and looked_up.concepts._held is None
    terms = [held.concepts[p] for p in range(len(held.concepts))]
    named = 0
    for text in dict.fromkeys(" ".join(sorted(stems)) + " in deep networks" for _, stems, _ in terms):
        stems = plan._stems(text)
        one_by_one = [terms[p] for p in sorted(held.concepts_within(stems))]
        assert plan._named(text, looked_up) == one_by_one == plan._named(text, held), text
        named += len(one_by_one)
    assert named >= len(terms)  # every term is named by its own words
    data.db.close()
