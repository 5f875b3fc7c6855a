"""The build's writes of what a searcher reads by key or by row: the database's records, edges and query
understanding (``database``, ``understanding``), and the per-paper arrays (``columns``).

Each is made in one pass over what the build has put aside (the records' spool, the graph's kept edges,
the vectors' file), holding a few bytes a paper: the records go into the database one at a time, the
edges as arrays, the vectors a block of papers at a time. The path vectors and the list's mean vector
are computed here with the same arithmetic (in the same order) as ``query.meaning.paper_vectors`` and a
searcher used to compute them on its first query, so they are the same numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..core.records import EraRecord, GraphEdge, PaperRecord
from . import pool
from .columns import ARRAYS
from .database import BATCH, DatabaseWriter
from .json_files import json_text
from .matrix import MatrixFile, MatrixWriter
from .passages import why_stems
from .understanding import concept_terms, evidence_names, given_keys, paper_names

FIELD_SAMPLE = 20_000  # passages the list's mean vector is taken over, at most (evenly spread)
BLOCK_ROWS = 65_536  # passage rows read at a time for the path vectors


def save(folder: Path, name: str, array: np.ndarray) -> None:
    """One array of ``columns/``, in its dtype (``columns.ARRAYS``)."""
    from .disk import naming

    path = folder / f"{name}.npy"
    with naming(path):
        np.save(path, np.ascontiguousarray(array, dtype=ARRAYS[name]), allow_pickle=False)


def write_records(db: DatabaseWriter, records: Iterable[PaperRecord], eras: list[EraRecord]) -> tuple[np.ndarray, int]:
    """The papers, their outside references and the stems ``why`` reads of each into the database, each paper's
    names and concepts into the query-understanding tables; returns each paper's era as its place in ``eras``, and
    the most stems a concept term has (a query looks its terms up by every set of its words of up to that many:
    ``understanding``). Each record's rows (``record_rows``) are made by the worker processes of a large build
    (``pool``), taken in order: the tables are filled in the same order either way."""
    era_code = {e["id"]: i for i, e in enumerate(eras)}
    codes: list[int] = []
    concept_at = most = 0
    side = _Rows(db)
    processes = pool.workers(len(records)) if isinstance(records, Sized) else 0
    made = pool.in_order(record_rows, None, records, processes)

    def papers() -> Iterator[tuple[Any, ...]]:
        nonlocal concept_at, most
        for row, (record, rows) in enumerate(made):
            codes.append(era_code.get(record["era"], -1))
            side.add("name_spool", ((key, row, weight) for key, weight in rows.names))
            side.add("given_spool", ((key,) for key in rows.given))
            side.add("concept_spool", ((plain, record["year"]) for plain in rows.plain))
            side.add("concepts", ((concept_at + i, name, stems, row) for i, (name, stems) in enumerate(rows.kept)))
            concept_at, most = concept_at + len(rows.kept), max(most, rows.most)
            side.add("stems", [(row, rows.stems)])
            side.add("external (paper, ref, evidence)", ((row, ref, evidence) for ref, evidence in rows.external))
            yield row, record["id"], record["year"], record["title"], rows.authors, rows.stored

    db.insert("papers", papers())
    side.flush()
    return np.array(codes, dtype=np.int16), most


@dataclass(frozen=True)
class RecordRows:
    """What one record puts into the database, but its row numbers (``record_rows``)."""

    names: list[tuple[str, float]]  # (key, weight) of each name it gives (``understanding.paper_names``)
    given: list[str]  # the given names' keys
    plain: list[str]  # each concept term, plain
    kept: list[tuple[str, str]]  # (name, sorted stems space-separated) of each term with stems
    most: int  # the most stems a term of it has
    stems: str  # ``passages.why_stems``
    external: list[tuple[str, str]]  # (ref, evidence) of each outside reference
    authors: str  # the authors as JSON
    stored: str  # the record as JSON, its references null


def record_rows(_: None, record: PaperRecord) -> RecordRows:
    """One record's rows of the database's tables. Pure: a worker process makes it as well as the build's own."""
    terms = list(concept_terms(record))
    return RecordRows(
        names=list(paper_names(record)),
        given=list(given_keys(record)),
        plain=[plain for _, plain, _ in terms],
        kept=[(name, " ".join(sorted(stems))) for name, _, stems in terms if stems],
        most=max([len(stems) for _, _, stems in terms if stems], default=0),
        stems=why_stems(record),
        external=[(x["ref"], x["evidence"]) for x in record["references"]["external"]],
        authors=json_text(record["authors"]),
        stored=json_text({**record, "references": None}),
    )


class _Rows:
    """Rows for several tables gathered paper by paper and inserted a batch at a time, each table's in the order
    given: one insert per paper and table cost more than the rows themselves."""

    def __init__(self, db: DatabaseWriter) -> None:
        self.db = db
        self.tables: dict[str, list[tuple[Any, ...]]] = {}

    def add(self, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
        held = self.tables.setdefault(table, [])
        held.extend(rows)
        if len(held) >= BATCH:
            self.db.insert(table, held)
            held.clear()

    def flush(self) -> None:
        for table, held in self.tables.items():
            self.db.insert(table, held)
            held.clear()


def write_edges(
    db: DatabaseWriter, kept: tuple[np.ndarray, np.ndarray, np.ndarray], edges: Iterable[GraphEdge], years: np.ndarray
) -> None:
    """The graph's kept edges into the database (by paper row, with their evidence), and the names their evidence
    gives (an edge's source names the authors of its target that its words name)."""
    source, target, kind = kept
    forward = years[source] >= years[target]
    later, earlier = np.where(forward, source, target), np.where(forward, target, source)
    rows = zip(source.tolist(), target.tolist(), later.tolist(), earlier.tolist(), kind.tolist(), edges, strict=True)
    db.insert("edges", ((e, s, t, lt, er, k, edge["evidence"]) for e, (s, t, lt, er, k, edge) in enumerate(rows)))
    named = db.rows(
        "SELECT e.source, e.evidence, p.authors FROM edges e JOIN papers p ON p.row = e.target ORDER BY e.edge"
    )
    weight = 0.8  # understanding.NAME_WEIGHT["cited"]
    db.insert(
        "name_spool",
        ((key, s, weight) for s, evidence, authors in named for key in evidence_names(json.loads(authors), evidence)),
    )


def write_columns(
    folder: Path,
    years: np.ndarray,
    era_codes: np.ndarray,
    counts: np.ndarray,
    kept: tuple[np.ndarray, np.ndarray, np.ndarray],
    matrix: MatrixFile,
) -> None:
    """Every array of ``columns/`` but the path vectors (``write_path_vectors``)."""
    folder.mkdir(parents=True, exist_ok=True)
    n = len(years)
    save(folder, "years", years)
    save(folder, "era_codes", era_codes)
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    save(folder, "passage_start", start)
    save(folder, "row_paper", np.repeat(np.arange(n, dtype=np.int32), counts))
    source, target, kind = (a.astype(np.int64) for a in kept)
    forward = years[source] >= years[target]
    later, earlier = np.where(forward, source, target), np.where(forward, target, source)
    save(folder, "degree", np.bincount(later, minlength=n) + np.bincount(earlier, minlength=n))
    cites = (kind == 0) & (years[target] <= years[source])
    _save_lists(folder, "builds_on", n, source[cites], target[cites], unique=True)
    tied = source != target
    edge = np.arange(len(source), dtype=np.int64)
    _save_lists(folder, "earlier", n, later[tied], earlier[tied], kind[tied], edge[tied])
    _save_lists(folder, "later", n, earlier[tied], later[tied], kind[tied], edge[tied])
    save(folder, "field", field_vector(matrix))


def _save_lists(
    folder: Path,
    name: str,
    n: int,
    owner: np.ndarray,
    other: np.ndarray,
    kind: np.ndarray | None = None,
    edge: np.ndarray | None = None,
    unique: bool = False,
) -> None:
    """A CSR pair (``<name>_start``, ``<name>``): each owner's others in row order (and their kinds and edges)."""
    order = np.lexsort((other, owner))
    owner, other = owner[order], other[order]
    if unique and len(owner):
        keep = np.concatenate([[True], (np.diff(owner) != 0) | (np.diff(other) != 0)])
        owner, other, order = owner[keep], other[keep], order[keep]
    save(folder, f"{name}_start", np.searchsorted(owner, np.arange(n + 1)))
    save(folder, name, other)
    if kind is not None and edge is not None:
        save(folder, f"{name}_kind", kind[order])
        save(folder, f"{name}_edge", edge[order])


def field_vector(matrix: MatrixFile) -> np.ndarray:
    """The list's mean passage vector, normalised, from at most ``FIELD_SAMPLE`` rows evenly spread."""
    n = matrix.shape[0]
    if not n:
        return np.zeros(matrix.shape[1], dtype=np.float32)
    rows = matrix[np.arange(0, n, max(1, n // FIELD_SAMPLE))]
    mean = np.asarray(rows, dtype=np.float64).mean(axis=0)
    field: np.ndarray = (mean / (np.linalg.norm(mean) or 1.0)).astype(np.float32)
    return field


def write_path_vectors(path: Path, matrix: MatrixFile, start: np.ndarray) -> None:
    """``centroids.npy``: each paper's passages' centroid, normalised, less the mean of those centroids, normalised
    again (zero for a paper without passages): ``query.meaning.paper_vectors``, a block of papers at a time."""
    n, dim = len(start) - 1, matrix.shape[1]
    total = np.zeros(dim, dtype=np.float32)  # the centroids' sum, one paper after another (as numpy sums a column)
    held = 0
    with MatrixWriter(path, np.float32, (n, dim)) as out:
        for lo, hi, block in _centroid_blocks(matrix, start):
            has = start[lo + 1 : hi + 1] > start[lo:hi]
            if has.any():
                total = np.concatenate([total[None], block[has]]).sum(axis=0)
                held += int(has.sum())
            out.write(lo, block)
    mean = np.true_divide(total, np.intp(held)).astype(np.float32) if held else total  # as numpy's mean divides
    with MatrixWriter(path.with_name(path.name + ".tmp"), np.float32, (n, dim)) as final:
        source = MatrixFile(path)
        for lo in range(0, n, BLOCK_ROWS):
            block = source[lo : lo + BLOCK_ROWS]
            has = start[lo + 1 : lo + len(block) + 1] > start[lo : lo + len(block)]
            block[has] -= mean
            norms = np.linalg.norm(block, axis=1, keepdims=True)
            final.write(lo, np.divide(block, norms, out=np.zeros_like(block), where=norms > 1e-6))
        source.close()
    path.with_name(path.name + ".tmp").replace(path)


def _centroid_blocks(matrix: MatrixFile, start: np.ndarray) -> Iterator[tuple[int, int, np.ndarray]]:
    """(first paper, end paper, their normalised centroids) for blocks of whole papers of about ``BLOCK_ROWS``
    passages."""
    n, lo = len(start) - 1, 0
    while lo < n:
        hi = max(lo + 1, int(np.searchsorted(start, start[lo] + BLOCK_ROWS, side="right")) - 1)
        hi = min(hi, n)
        rows = matrix[int(start[lo]) : int(start[hi])]
        counts = np.diff(start[lo : hi + 1])
        cents = np.zeros((hi - lo, matrix.shape[1]), dtype=np.float32)
        has = counts > 0
        if has.any():
            offsets = start[lo : hi + 1] - start[lo]
            for i in np.flatnonzero(has):  # numpy's own mean of each paper's rows, as paper_vectors takes it
                cents[i] = rows[offsets[i] : offsets[i + 1]].mean(axis=0)
            cents[has] /= np.maximum(np.linalg.norm(cents[has], axis=1, keepdims=True), 1e-12)
        yield lo, hi, cents
        lo = hi
