"""A named concept's terms read together (``ConceptTable.rows``), as ``plan._named`` reads them: the same terms as one
item a position, those ``within`` did not find already in one statement, not one a position."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from papersearch.index import store, understanding
from papersearch.index.reader import read_version
from papersearch.index.understanding import KEYS_A_QUERY, ConceptTable
from papersearch.query import plan
from papersearch.query.results import stored_context


def test_a_tables_rows_are_its_terms_read_together(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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
    assert len(statements) == 1  # not one a position
    statements.clear()
    fresh = ConceptTable(data.db, data.lock)
    assert fresh._held is None  # counted before, not by rows
    monkeypatch.setattr(fresh, "_all", counted)
    assert fresh.rows(list(range(n))) == every and len(statements) == -(-n // KEYS_A_QUERY)
    assert table.rows([7, 7, 2]) == [every[7], every[7], every[2]] and table.rows([]) == []
    with pytest.raises(IndexError):
        table.rows([3, n])
    with pytest.raises(IndexError):
        held.rows([n])
    found = table.within(every[5][1])  # read with their terms: rows reads nothing again
    statements.clear()
    assert found and table.rows(found) == [every[p] for p in found] and statements == []
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
