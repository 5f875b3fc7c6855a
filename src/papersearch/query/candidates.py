"""Which papers a query scores: each side's own best, and the papers its plan asks for; and what the others weigh.

Scoring every paper on every query costs a pass over the whole list (BM25's postings, the fused
scores, the rerank): at a million papers, tens of milliseconds. So a query scores its candidates:
the papers of the passages the dense side retrieves (``vectors.CANDIDATE_ROWS``), the lexical
side's own ``LEXICAL_CANDIDATES`` best (``lexical_engine``: Tantivy over the same words; an allowed
range of at most ``EXACT_RANGE`` papers is scored exactly instead), the first ``FIRST_ROWS``
allowed rows (where scores tie, a full scan takes the first rows), and the papers a query's plan
asks for (``ranking.plan_rows``). Each candidate is then scored exactly on both sides.

When a side would score every allowed paper anyway (a small list, a narrow filter: no more allowed
papers than ``LEXICAL_CANDIDATES``, or no more of their passages than ``vectors.EXACT_LIMIT``),
every allowed paper is a candidate and nothing is estimated: the ranking is the full scan's, bit
for bit. Otherwise the fusion still standardises each side over every allowed paper (``Rest``):
every paper the dense side did not retrieve has the same score, the lowest retrieved (so its
statistics are exact), and the lexical scores of the papers outside the candidates are those of a
fixed sample of the allowed rows (``SAMPLE``, evenly spread), each standing for its share of them.

Filters stay exact: papers are stored by year, so a year range (and an era, a span of years) is a
range of rows, searched as one (``vectors.search``'s ``row_range``, the engine's range query); an
era whose papers are not one run of rows is checked paper by paper within its span.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from ..index import vectors
from ..index.exact import Exact
from ..index.lexical import LexicalIndex
from ..index.lexical_engine import Engine
from ..index.reader import IndexData
from . import fusion
from .forms import better_reading

LEXICAL_CANDIDATES = 500  # the lexical side's own best papers a query scores
EXACT_RANGE = 20_000  # allowed papers up to which the lexical side's best are found exactly (no engine)
SAMPLE = 5_000  # allowed rows whose lexical scores stand for the papers outside the candidates
FIRST_ROWS = 100  # the first allowed rows, always candidates (the largest k)


def union(*parts: np.ndarray) -> np.ndarray:
    """The sorted rows of all ``parts``, each once (by sorting: numpy's hashing ``unique`` imports numpy.ma on first
    use, ~50 ms of a first query)."""
    rows = np.sort(np.concatenate([np.asarray(p, dtype=np.int64).ravel() for p in parts]))
    return rows[np.concatenate([[True], rows[1:] != rows[:-1]])] if len(rows) else rows


@dataclass(frozen=True)
class Allowed:
    """The papers the hard filters let through: rows ``lo`` to ``hi``, of era ``era`` where that era's papers are
    not all of one run of rows (None: every row of the range)."""

    lo: int
    hi: int
    era: int | None
    codes: np.ndarray  # every paper's era code

    def holds(self, rows: np.ndarray) -> np.ndarray:
        inside = (rows >= self.lo) & (rows < self.hi)
        if self.era is not None:
            inside &= np.asarray(self.codes)[np.clip(rows, 0, max(len(self.codes) - 1, 0))] == self.era
        return inside

    def rows(self, every: int = 1) -> np.ndarray:
        """The allowed rows (every ``every``-th of the range, for a sample)."""
        span = np.arange(self.lo, self.hi, every, dtype=np.int64)
        return span if self.era is None else span[np.asarray(self.codes[self.lo : self.hi : every]) == self.era]

    def first(self, n: int) -> np.ndarray:
        """The first ``n`` allowed rows (``rows()[:n]``), without making every allowed row: a million of them, for
        the hundred a query takes, cost milliseconds."""
        if self.era is None:
            return np.arange(self.lo, min(self.hi, self.lo + n), dtype=np.int64)
        found: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
        lo, step, held = self.lo, max(n, 1024), 0
        while lo < self.hi and held < n:  # a stretch of rows at a time, each twice the last
            end = min(self.hi, lo + step)
            found.append(lo + np.flatnonzero(np.asarray(self.codes[lo:end]) == self.era))
            lo, step, held = end, 2 * step, held + len(found[-1])
        return np.concatenate(found).astype(np.int64)[:n]

    @property
    def count(self) -> int:
        if self.era is None:
            return max(0, self.hi - self.lo)
        return int(np.count_nonzero(np.asarray(self.codes[self.lo : self.hi]) == self.era))


def allowed(
    years: np.ndarray,
    codes: np.ndarray,
    spans: list[tuple[int, int, bool]],
    year_from: int | None,
    year_to: int | None,
    era: int | None,
) -> Allowed:
    """The rows a request's filters allow (``spans``: each era's first and end row, and whether every row between
    is of that era; ``era``: the asked era's code, -2 for one no paper is of)."""
    lo = int(np.searchsorted(years, year_from, side="left")) if year_from is not None else 0
    hi = int(np.searchsorted(years, year_to, side="right")) if year_to is not None else len(years)
    keep = None
    if era is not None:
        first, end, whole = spans[era] if 0 <= era < len(spans) else (0, 0, True)
        lo, hi = max(lo, first), min(hi, end)
        keep = None if whole else era
    return Allowed(lo, max(lo, hi), keep, codes)


def era_spans(codes: np.ndarray, n_eras: int) -> list[tuple[int, int, bool]]:
    """Each era's first row, end row, and whether every row between is of it (one pass over the codes)."""
    out = []
    codes = np.asarray(codes)
    for e in range(n_eras):
        rows = np.flatnonzero(codes == e)
        if not len(rows):
            out.append((0, 0, True))
        else:
            first, end = int(rows[0]), int(rows[-1]) + 1
            out.append((first, end, len(rows) == end - first))
    return out


@dataclass(frozen=True)
class DenseSide:
    """The dense side of one query: the papers of the passages retrieved (sorted), their scores (``fusion.best_two``
    of their best two passages) and best rows, and ``floor``, the score of every other allowed paper (None when
    every allowed passage was scored: the others have none)."""

    papers: np.ndarray
    score: np.ndarray
    best_row: np.ndarray
    floor: float | None

    def of(self, rows: np.ndarray, holds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(score, best row) of each of ``rows``: -inf and -1 where a filter removes it or it has no passage. When
        ``rows`` are the side's papers and none is filtered out (a small list, no filter), its own arrays."""
        if len(rows) == len(self.papers) and bool(holds.all()) and np.array_equal(rows, self.papers):
            return self.score.copy(), self.best_row
        return self.looked_up(rows, holds)

    def looked_up(self, rows: np.ndarray, holds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``of``, each of ``rows`` looked up among the side's papers."""
        score = np.full(len(rows), -np.inf, dtype=np.float32)
        best = np.full(len(rows), -1, dtype=np.int64)
        if self.floor is not None:
            score[holds] = self.floor
        if len(self.papers):
            at = np.minimum(np.searchsorted(self.papers, rows), len(self.papers) - 1)
            found = self.papers[at] == rows
            score[found], best[found] = self.score[at[found]], self.best_row[at[found]]
        return score, best


def dense_side(data: IndexData, qvec: np.ndarray, allow: Allowed) -> DenseSide:
    """The best passages for ``qvec`` among the allowed papers' (every one when they are at most
    ``vectors.EXACT_LIMIT``, else the best ``vectors.CANDIDATE_ROWS``)."""
    start = np.asarray(data.columns.passage_start)
    every = allow.lo == 0 and allow.hi == len(start) - 1 and allow.era is None
    if every and isinstance(data.faiss_index, Exact) and 0 < int(start[-1]) <= vectors.EXACT_LIMIT:
        table = PaperRows.of(data.faiss_index, start)  # a small list, no filter: every row scanned
        if table is not None:
            return table.side(qvec)
    return searched(data, qvec, allow)


def searched(data: IndexData, qvec: np.ndarray, allow: Allowed) -> DenseSide:
    """``dense_side`` through the vector index's search: its best rows, then each paper's first two among them."""
    start, row_paper = np.asarray(data.columns.passage_start), np.asarray(data.row_paper)  # plain views: no memmap
    first, end = int(start[allow.lo]), int(start[allow.hi])  # made per look-up
    every = allow.lo == 0 and allow.hi == len(start) - 1 and allow.era is None
    rows_in = None
    if allow.era is not None:
        rows_in = np.arange(first, end, dtype=np.int64)
        rows_in = rows_in[np.asarray(data.columns.era_codes)[row_paper[first:end]] == allow.era]
    total = len(rows_in) if rows_in is not None else end - first
    empty = np.zeros(0, dtype=np.int64)
    if total == 0:
        return DenseSide(empty, np.zeros(0, dtype=np.float32), empty, None)
    limit = total if total <= vectors.EXACT_LIMIT else vectors.CANDIDATE_ROWS
    span = None if every or rows_in is not None else (first, end)
    sims, rows = vectors.search(data.faiss_index, qvec, limit, rows_in, data.matrix, span)
    partial = limit < total and len(sims) > 0
    papers = row_paper[rows].astype(np.int64, copy=False)
    uniq, first_at, has_second, second_at = first_two(papers)
    best = sims[first_at].astype(np.float32)
    floor = np.float32(sims[-1]) if partial else None
    second = np.full(len(uniq), floor, dtype=np.float32) if floor is not None else best.copy()
    second[has_second] = sims[second_at]
    score = fusion.best_two(best, second).astype(np.float32)
    low = None
    if floor is not None:  # every paper not retrieved: its best two passages both score below the last row retrieved
        low = float(fusion.best_two(np.array([floor]), np.array([floor])).astype(np.float32)[0])
    return DenseSide(uniq, score, rows[first_at].astype(np.int64), low)


PADDED_AT_MOST = 4  # the padded table holds at most this many cells a passage row, else the rows are searched
_PAPER_ROWS: weakref.WeakKeyDictionary[Exact, PaperRows | None] = weakref.WeakKeyDictionary()  # by version's index


class PaperRows:
    """A small list's passage rows by paper, for a scan of every row (``dense_side`` with no filter): each paper's
    rows in a padded table, so its best two passages are two ``argmax`` over it rather than a sort of every row by
    score and then by paper. Made once a version (``of``), from the vector index's own matrix."""

    def __init__(self, index: Exact, start: np.ndarray) -> None:
        self.matrix = np.asarray(index.matrix, dtype=np.float32)  # the plain view ``Exact.search`` multiplies
        counts = np.diff(start)
        held = np.flatnonzero(counts > 0)
        width = int(counts.max()) if len(held) else 0
        self.papers = held.astype(np.int64)  # the papers with a passage, sorted
        pad = int(start[-1])  # a row past the last: its cosine is -inf
        place = np.arange(width, dtype=np.int64)
        self.table = np.where(place < counts[held, None], start[held, None] + place, pad).astype(np.int64)
        self.has_second = counts[held] > 1
        self.at = np.arange(len(held))

    @classmethod
    def of(cls, index: Exact, start: np.ndarray) -> PaperRows | None:
        """The table of ``index``'s version, made on first use (two threads may both make it: the same table); None
        when it would hold more than ``PADDED_AT_MOST`` cells a passage row (one paper of many passages would pad
        every other paper's row), and the rows are searched instead."""
        if index in _PAPER_ROWS:
            return _PAPER_ROWS[index]
        counts = np.diff(start)
        fits = len(counts) * int(counts.max(initial=0)) <= PADDED_AT_MOST * int(start[-1])
        made = _PAPER_ROWS[index] = cls(index, start) if fits else None
        return made

    def side(self, qvec: np.ndarray) -> DenseSide:
        """``dense_side`` over every row: the same cosines as ``Exact.search`` takes (the same product), each paper's
        best passage (ties: the first row, as a stable sort by score keeps them) and its second best."""
        sims = (np.asarray(qvec.reshape(1, -1), dtype=np.float32) @ self.matrix.T)[0]
        padded = np.append(sims, np.float32(-np.inf))[self.table]
        at = self.at
        first = padded.argmax(axis=1)
        best = padded[at, first]
        padded[at, first] = -np.inf
        second_of = padded.argmax(axis=1)
        second = best.copy()
        second[self.has_second] = padded[at, second_of][self.has_second]
        score = fusion.best_two(best, second).astype(np.float32)
        return DenseSide(self.papers, score, self.table[at, first], None)


def first_two(papers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The papers of retrieved passages (best first) each once, sorted; where each first appears (its best passage);
    which appear again; and where each of those appears second (its second best). One stable sort, where
    ``np.unique`` twice would sort twice."""
    order = np.argsort(papers, kind="stable")  # each paper's passages together, in the order retrieved
    by_paper = papers[order]
    starts = np.ones(len(by_paper), dtype=bool)
    np.not_equal(by_paper[1:], by_paper[:-1], out=starts[1:])
    heads = np.flatnonzero(starts)
    after = heads + 1
    again = after < len(by_paper)
    again[again] = ~starts[after[again]]
    return by_paper[heads], order[heads], again, order[after[again]]


def lexical_best(lex: LexicalIndex, engine: Engine | None, text: str, allow: Allowed, k: int) -> np.ndarray:
    """The rows of the lexical side's own best (at most ``k``) allowed papers for ``text``: exactly over a range of
    at most ``EXACT_RANGE`` papers (or without an engine), else the engine's, searched for the query's
    ``informative`` words."""
    if allow.hi - allow.lo <= EXACT_RANGE or engine is None:
        best = lex.top_in(text, k if allow.era is None else 4 * k, allow.lo, allow.hi)
    else:
        # the whole list searched without a range: a range is a second clause every match must meet, which keeps
        # the engine from skipping the papers that cannot reach the top k (the same papers, in a third of the time)
        whole = allow.lo == 0 and allow.hi >= lex.n_docs
        words = informative(lex, lex.tokens(text))
        best = engine.top(words, k if allow.era is None else 4 * k, None if whole else (allow.lo, allow.hi))
    return best[allow.holds(best)] if allow.era is not None else best


def informative(lex: LexicalIndex, tokens: list[str]) -> list[str]:
    """The words the engine searches for: those held by at most half the papers, when the query has one. Past half,
    BM25's own weight of a word (Robertson and Spärck Jones's log((N - df + 1/2) / (df + 1/2))) is below zero: it
    tells a paper apart from the rest by less than nothing, yet its postings are most of what a search reads (the
    engine visits every posting of every word). The candidates found are still scored with every word."""
    telling = [t for t in tokens if 2 * lex.papers_with(t) <= lex.n_docs]
    return telling if telling else tokens


@dataclass(frozen=True)
class Rest:
    """The allowed papers outside the candidates, for each side's statistics: how many, the dense score each has
    (the floor; None when they have none), and a sample of their lexical scores."""

    count: int
    dense: float | None
    lexical: np.ndarray

    def sides(self) -> tuple[fusion.Others | None, fusion.Others | None]:
        """(dense, lexical) as ``fusion`` weighs them; None for a side with no paper outside the candidates."""
        if self.count <= 0:
            return None, None
        dense = None if self.dense is None else fusion.Others(np.array([self.dense], dtype=np.float64), self.count)
        lexical = self.lexical if len(self.lexical) else np.zeros(1)
        return dense, fusion.Others(lexical.astype(np.float64), self.count)


def rest(
    lex: LexicalIndex, texts: tuple[str, ...], allow: Allowed, candidates: np.ndarray, side: DenseSide | None
) -> Rest:
    """What the allowed papers outside ``candidates`` weigh: their count, their dense floor, a sample's lexical
    scores (``SAMPLE`` evenly spread allowed rows that are not candidates), over the query's readings ``texts``
    (as written; reworded: ``forms.better_reading``)."""
    inside = int(np.count_nonzero(allow.holds(candidates)))
    count = allow.count - inside
    if count <= 0:
        return Rest(0, None, np.zeros(0, dtype=np.float32))
    step = max(1, (allow.hi - allow.lo) // SAMPLE)
    sample = allow.rows(step)
    at = np.minimum(np.searchsorted(candidates, sample), max(len(candidates) - 1, 0))
    outside = candidates[at] != sample if len(candidates) else np.ones(len(sample), dtype=bool)

    def sampled(text: str) -> np.ndarray:
        if allow.era is None:  # an even sample of a range, the same for every query over it: each word's scores kept
            return np.asarray(lex.sample_scores(text, allow.lo, allow.hi, step)[outside])
        return lex.scores_of(text, sample[outside])

    other = sampled(texts[1]) if len(texts) > 1 else None
    return Rest(count, None if side is None else side.floor, better_reading(sampled(texts[0]), other))
