"""A version's records, passages and graph read from its database by key: what the faces show, fetched per paper.

``RecordStore`` is every ``PaperRecord`` of a version as a sequence by row: ``records[row]`` fetches
one (its neighbourhood assembled from the edges table, each citation stored once, in the order the
graph's rule gives: ``graph.neighbours``; each side's ``SHOWN_NEIGHBOURS`` strongest ties and how many there
are, so a paper built upon by thousands costs what any other does; ``side`` pages through the rest), ``row_of(id)`` finds a paper's row, and iterating reads
them all in row order a batch at a time, never holding them. ``PassageStore`` is every passage as
``[paper id, kind, text]`` by row, and ``GraphStore`` streams the graph record's three lists. A few
hundred recently fetched records are kept (a query's hits and an answer's sources are fetched more
than once), so nothing grows with the corpus. Queries on the one read-only connection are
serialised by a lock shared by every reader of the version.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

from ..core.records import (
    SHOWN_NEIGHBOURS,
    EdgeKind,
    ExternalRef,
    GraphEdge,
    GraphExternal,
    GraphPaper,
    GraphRecord,
    Neighbour,
    PaperRecord,
    Side,
    neighbourhood,
)

if TYPE_CHECKING:  # reading records imports no numpy (``papersearch cite`` does without it)
    import numpy as np

KINDS: tuple[EdgeKind, ...] = ("cites", "mentions")  # by rank, as ``graph.neighbours`` numbers them (it imports
# numpy, which reading records needs not: ``papersearch cite`` does without it)
SIDES: dict[Side, tuple[str, str]] = {"cites": ("later", "earlier"), "cited_by": ("earlier", "later")}  # the
# edges' column that names the paper, and the one that names its neighbour
BATCH = 1_000  # records read at a time when they are all read in order
BATCH_RECORDS = 100  # records read together at most (the largest k)
KEPT = 64  # records kept after they are fetched (a query shows ten; an answer reads a few of them again); each
# lists at most SHOWN_NEIGHBOURS a side, so their count bounds what they hold


class _Reader:
    """Queries on a version's database, serialised on one lock."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self.db, self.lock = db, lock

    def all(self, query: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.db.execute(query, args).fetchall()

    def batches(self, query: str, args: tuple[Any, ...] = (), size: int = BATCH) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of a query with a keyset ``? AND`` on its first column: each batch a query of its own, so
        that no cursor stays open between them (and other queries may run in between)."""
        after = -1
        while True:
            rows = self.all(query, (after, *args, size))
            if not rows:
                return
            yield rows
            after = int(rows[-1][0])


class RecordStore(_Reader, Sequence[PaperRecord]):
    """Every paper's record, by row (corpus order)."""

    def __init__(
        self, db: sqlite3.Connection, lock: threading.Lock, n: int, starts: dict[Side, np.ndarray] | None = None
    ) -> None:
        """``starts``: each side's ``columns`` start array (``earlier_start`` for what a paper cites, ``later_start``
        for what cites it), whose steps count a paper's ties but those to itself; without them ties are counted in
        the database, which takes tens of milliseconds for a paper cited by hundreds of thousands."""
        super().__init__(db, lock)
        self.n = n
        self._starts = starts
        self._kept: OrderedDict[int, PaperRecord] = OrderedDict()  # row -> record, least recently used first

    def __len__(self) -> int:
        return self.n

    @overload
    def __getitem__(self, row: int) -> PaperRecord: ...
    @overload
    def __getitem__(self, row: slice) -> Sequence[PaperRecord]: ...
    def __getitem__(self, row: int | slice) -> Any:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(self.n))]
        row = int(row)
        if not -self.n <= row < self.n:
            raise IndexError(row)
        row %= self.n
        with self.lock:
            hit = self._kept.get(row)
            if hit is not None:
                self._kept.move_to_end(row)
                return hit
        found = self.all("SELECT record FROM papers WHERE row = ?", (row,))
        record = self._assembled(row, found[0][0])
        self._keep(row, record)
        return record

    def many(self, rows: Sequence[int]) -> list[PaperRecord]:
        """The records of ``rows``, in that order: those not kept read together, in five statements for up to
        ``BATCH_RECORDS`` of them (one a record, and three or four for its neighbourhood, read one by one)."""
        out: dict[int, PaperRecord] = {}
        wanted: list[int] = []
        with self.lock:
            for row in rows:
                hit = self._kept.get(int(row))
                if hit is not None:
                    out[int(row)] = hit
                elif 0 <= int(row) < self.n and int(row) not in wanted:
                    wanted.append(int(row))
        for lo in range(0, len(wanted), BATCH_RECORDS):
            out.update(self._read_many(sorted(wanted[lo : lo + BATCH_RECORDS])))
        return [out[int(row)] if int(row) in out else self[int(row)] for row in rows]

    def _read_many(self, rows: list[int]) -> dict[int, PaperRecord]:
        """The records of ``rows`` (at most ``BATCH_RECORDS``), each with its neighbourhood, assembled as
        ``_assembled`` does one, and kept."""
        marks = ",".join("?" * len(rows))
        texts = dict(self.all(f"SELECT row, record FROM papers WHERE row IN ({marks})", tuple(rows)))
        sides = {side: self._shown_many(rows, side) for side in SIDES}
        external: dict[int, list[ExternalRef]] = {row: [] for row in rows}
        query = f"SELECT paper, ref, evidence FROM external WHERE paper IN ({marks}) ORDER BY paper, ref_no"
        for paper, ref, evidence in self.all(query, tuple(rows)):
            external[int(paper)].append({"ref": ref, "evidence": evidence})
        out: dict[int, PaperRecord] = {}
        for row in rows:
            record: PaperRecord = json.loads(texts[row])
            (cites, cites_total), (cited_by, cited_by_total) = sides["cites"][row], sides["cited_by"][row]
            record["references"] = {
                "cites": cites,
                "cited_by": cited_by,
                "external": external[row],
                "cites_total": cites_total,
                "cited_by_total": cited_by_total,
            }
            self._keep(row, record)
            out[row] = record
        return out

    def _shown_many(self, rows: list[int], side: Side) -> dict[int, tuple[list[Neighbour], int]]:
        """``_shown`` of each of ``rows``: each one's first ties in one statement (a part a paper, each with its own
        limit, in the order ``side`` reads them: then ties by edge, as the index holds them), their counts in one."""
        owner, other = SIDES[side]
        part = (
            f"SELECT * FROM (SELECT e.{owner}, e.kind, e.{other}, e.edge, p.id, p.title, p.year, e.evidence"
            f" FROM edges e JOIN papers p ON p.row = e.{other} WHERE e.{owner} = ? ORDER BY e.kind, e.{other}"
            " LIMIT ?)"
        )
        query = " UNION ALL ".join([part] * len(rows)) + " ORDER BY 1, 2, 3, 4"
        found: dict[int, list[Neighbour]] = {row: [] for row in rows}
        for row, k, _, _, i, t, y, ev in self.all(query, tuple(x for r in rows for x in (r, SHOWN_NEIGHBOURS))):
            found[int(row)].append({"id": i, "title": t, "year": y, "kind": KINDS[k], "evidence": ev})
        full = [row for row in rows if len(found[row]) >= SHOWN_NEIGHBOURS]
        totals = {row: len(ties) for row, ties in found.items()}
        if full and self._starts is not None:
            totals.update((row, self.side_total(row, side)) for row in full)
        elif full:
            count = f"SELECT {owner}, count(*) FROM edges WHERE {owner} IN ({','.join('?' * len(full))}) GROUP BY 1"
            totals.update((int(row), int(n)) for row, n in self.all(count, tuple(full)))
        return {row: (found[row], totals[row]) for row in rows}

    def _keep(self, row: int, record: PaperRecord) -> None:
        """Keep ``record``, the least recently used given up past ``KEPT``."""
        with self.lock:
            self._kept.setdefault(row, record)
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)

    def __iter__(self) -> Iterator[PaperRecord]:
        """Every record in row order, a batch at a time."""
        for rows in self.batches("SELECT row, record FROM papers WHERE row > ? ORDER BY row LIMIT ?"):
            for row, text in rows:
                yield self._assembled(int(row), text)

    def stems(self, rows: Sequence[int]) -> list[frozenset[str]]:
        """The stems ``why`` reads of each paper of ``rows`` (``passages.why_stems``, made at build time), in that
        order, read in one statement."""
        wanted = sorted({int(row) for row in rows})
        query = f"SELECT paper, stems FROM stems WHERE paper IN ({','.join('?' * len(wanted))})"
        found = {int(row): frozenset(text.split()) for row, text in self.all(query, tuple(wanted))} if wanted else {}
        return [found[int(row)] for row in rows]

    def row_of(self, paper_id: str) -> int | None:
        """The row of the paper with this id, or None."""
        found = self.all("SELECT row FROM papers WHERE id = ?", (paper_id,))
        return int(found[0][0]) if found else None

    def citable(self, ids: Iterable[str]) -> Iterator[PaperRecord]:
        """The records of those ``ids`` the version holds, in the order given (an unknown id is left out), without
        their neighbourhoods: a citation reads none, and a paper cited by thousands would read every one (its
        ``references`` are empty lists)."""
        for pid in ids:
            found = self.all("SELECT record FROM papers WHERE id = ?", (pid,))
            if found:
                record: PaperRecord = json.loads(found[0][0])
                record["references"] = neighbourhood([], [], [])
                yield record

    def ids(self, rows: Sequence[int]) -> list[str]:
        """The ids of the papers of ``rows``, in that order."""
        return [self.brief(r)[0] for r in rows]

    def brief(self, row: int) -> tuple[str, str, int]:
        """(id, title, year) of one paper, without its record."""
        pid, title, year = self.all("SELECT id, title, year FROM papers WHERE row = ?", (int(row),))[0]
        return str(pid), str(title), int(year)

    def ids_in_order(self, where: str = "", args: tuple[Any, ...] = ()) -> Iterator[str]:
        """Every paper's id in row order (those ``where`` keeps), a batch at a time."""
        query = f"SELECT row, id FROM papers WHERE row > ? {where} ORDER BY row LIMIT ?"
        for rows in self.batches(query, args):
            yield from (str(pid) for _, pid in rows)

    def _assembled(self, row: int, text: str) -> PaperRecord:
        """A stored record with its neighbourhood (its references were stored as null): each side's
        ``SHOWN_NEIGHBOURS`` strongest ties and how many there are."""
        record: PaperRecord = json.loads(text)
        cites, cites_total = self._shown(row, "cites")
        cited_by, cited_by_total = self._shown(row, "cited_by")
        record["references"] = {
            "cites": cites,
            "cited_by": cited_by,
            "external": self._external(row),
            "cites_total": cites_total,
            "cited_by_total": cited_by_total,
        }
        return record

    def _shown(self, row: int, side: Side) -> tuple[list[Neighbour], int]:
        """A side's first ``SHOWN_NEIGHBOURS`` ties and how many it has: counted only when the first page is full."""
        shown = self.side(row, side, 0, SHOWN_NEIGHBOURS)
        return shown, len(shown) if len(shown) < SHOWN_NEIGHBOURS else self.side_total(row, side)

    def side(self, row: int, side: Side, offset: int, limit: int) -> list[Neighbour]:
        """Ties ``offset`` to ``offset + limit`` of one side of a paper's neighbourhood, in the order it is shown:
        the strongest edges first, then the other papers in row order (the edges' index serves it in that order)."""
        owner, other = SIDES[side]
        rows = self.all(
            f"SELECT p.id, p.title, p.year, e.kind, e.evidence FROM edges e JOIN papers p ON p.row = e.{other}"
            f" WHERE e.{owner} = ? ORDER BY e.kind, e.{other} LIMIT ? OFFSET ?",
            (row, limit, offset),
        )
        return [{"id": i, "title": t, "year": y, "kind": KINDS[k], "evidence": ev} for i, t, y, k, ev in rows]

    def side_total(self, row: int, side: Side) -> int:
        """How many ties one side of a paper's neighbourhood has: from the columns' starts and the paper's ties to
        itself (an index look-up), or counted."""
        owner, other = SIDES[side]
        if self._starts is None:
            return int(self.all(f"SELECT count(*) FROM edges WHERE {owner} = ?", (row,))[0][0])
        start = self._starts[side]
        kinds = ", ".join(str(k) for k in range(len(KINDS)))  # every kind: the index's second column, then the paper
        query = f"SELECT count(*) FROM edges WHERE {owner} = ? AND kind IN ({kinds}) AND {other} = ?"
        return int(start[row + 1] - start[row]) + int(self.all(query, (row, row))[0][0])

    def _external(self, row: int) -> list[ExternalRef]:
        rows = self.all("SELECT ref, evidence FROM external WHERE paper = ? ORDER BY ref_no", (row,))
        return [{"ref": ref, "evidence": evidence} for ref, evidence in rows]


class PassageStore(_Reader, Sequence[list[str]]):
    """Every passage as ``[paper id, kind, text]``, by vector row."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock, n: int) -> None:
        super().__init__(db, lock)
        self.n = n

    def __len__(self) -> int:
        return self.n

    @overload
    def __getitem__(self, row: int) -> list[str]: ...
    @overload
    def __getitem__(self, row: slice) -> Sequence[list[str]]: ...
    def __getitem__(self, row: int | slice) -> Any:
        if isinstance(row, slice):
            lo, hi, step = row.indices(self.n)
            return self.span(lo, hi)[::step]
        row = int(row)
        if not -self.n <= row < self.n:
            raise IndexError(row)
        return self.span(row % self.n, row % self.n + 1)[0]

    def span(self, lo: int, hi: int) -> list[list[str]]:
        """Passages ``lo`` to ``hi`` (a paper's passages are one such span)."""
        rows = self.all(
            "SELECT p.id, s.kind, s.text FROM passages s JOIN papers p ON p.row = s.paper"
            " WHERE s.row >= ? AND s.row < ? ORDER BY s.row",
            (lo, hi),
        )
        return [[str(pid), str(kind), str(text)] for pid, kind, text in rows]

    def spans(self, ranges: Sequence[tuple[int, int]]) -> list[list[list[str]]]:
        """``span`` of each of ``ranges`` (first and end row), in that order, read in one statement (a query's hits'
        passages)."""
        if not ranges:
            return []
        part = "SELECT s.row, p.id, s.kind, s.text FROM passages s JOIN papers p ON p.row = s.paper WHERE s.row >= ?"
        query = " UNION ALL ".join([f"{part} AND s.row < ?"] * len(ranges)) + " ORDER BY 1"
        found = {int(r): [str(pid), str(kind), str(text)] for r, pid, kind, text in self.all(query, _flat(ranges))}
        return [[found[r] for r in range(lo, hi) if r in found] for lo, hi in ranges]

    def __iter__(self) -> Iterator[list[str]]:
        query = (
            "SELECT s.row, p.id, s.kind, s.text FROM passages s JOIN papers p ON p.row = s.paper"
            " WHERE s.row > ? ORDER BY s.row LIMIT ?"
        )
        for rows in self.batches(query):
            yield from ([str(pid), str(kind), str(text)] for _, pid, kind, text in rows)


class GraphStore(_Reader):
    """The cross-reference graph's papers, edges and outside references, streamed from the database."""

    def papers(self) -> Iterator[GraphPaper]:
        for rows in self.batches("SELECT row, id, year, title FROM papers WHERE row > ? ORDER BY row LIMIT ?"):
            for _, i, y, t in rows:
                paper: GraphPaper = {"id": i, "year": y, "title": t}
                yield paper

    def edges(self) -> Iterator[GraphEdge]:
        query = (
            "SELECT e.edge, s.id, t.id, e.kind, e.evidence FROM edges e JOIN papers s ON s.row = e.source"
            " JOIN papers t ON t.row = e.target WHERE e.edge > ? ORDER BY e.edge LIMIT ?"
        )
        for rows in self.batches(query):
            for _, s, t, k, ev in rows:
                edge: GraphEdge = {"source": s, "target": t, "kind": KINDS[k], "evidence": ev}
                yield edge

    def external(self) -> Iterator[GraphExternal]:
        query = (
            "SELECT x.ref_no, p.id, x.ref, x.evidence FROM external x JOIN papers p ON p.row = x.paper"
            " WHERE x.ref_no > ? ORDER BY x.ref_no LIMIT ?"
        )
        for rows in self.batches(query):
            for _, p, r, ev in rows:
                ref: GraphExternal = {"paper": p, "ref": r, "evidence": ev}
                yield ref

    def evidence(self, edge: int) -> str:
        """The words of one edge (by its number)."""
        return str(self.all("SELECT evidence FROM edges WHERE edge = ?", (int(edge),))[0][0])

    def record(self) -> GraphRecord:
        """The whole graph as one record (for a list that fits in memory; a service streams the three lists)."""
        return {"papers": list(self.papers()), "edges": list(self.edges()), "external": list(self.external())}


def _flat(ranges: Sequence[tuple[int, int]]) -> tuple[int, ...]:
    return tuple(int(x) for lo_hi in ranges for x in lo_hi)
