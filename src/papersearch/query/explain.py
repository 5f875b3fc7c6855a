"""Why a paper matched: the sentence of its summary closest to the query, and the words and concepts shared."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ..core.kept import Kept
from ..core.records import PaperRecord, PassageKind, Why
from ..index import tokens
from ..index.matrix import read_ahead, worth_reading_ahead
from ..index.reader import IndexData

KEPT = 4096  # papers whose stems are kept


class PaperWords(NamedTuple):
    """What ``why`` reads of one paper, read from the index once: its stems, its concepts' stems, its summary's
    passages and the kind of each of its passages (rows ``first`` on)."""

    stems: frozenset[str]
    concepts: list[tuple[str, frozenset[str]]]
    summary_rows: np.ndarray  # the passage row of each summary passage
    summary: list[str]  # the text of each
    first: int  # the paper's first passage row
    kinds: list[str]  # the kind of each of its passages, from ``first``
    concept_stems: frozenset[str]  # every stem of its concepts: a query sharing none names none of them


def query_stems(q: str) -> dict[str, str]:
    """The query's content words by stem: {stem: the word as typed}."""
    words = [w for w in tokens.TOKEN_RE.findall(q) if w.lower() not in tokens.STOPWORDS]
    return {s: w for w, s in zip(words, tokens.tokenize(" ".join(words)), strict=False)} if words else {}


class Explainer:
    """Builds ``Why`` records for one index version; each paper's stems and passages are read on first use, then kept
    (the ``KEPT`` most recent: a service of a large list would otherwise keep every paper it ever showed)."""

    def __init__(self, data: IndexData) -> None:
        self.data = data
        self._matrix = np.asarray(data.matrix)  # the mapped vectors as a plain array: no memmap made per lookup
        self._words: Kept[PaperWords] = Kept(KEPT)
        self._ahead = worth_reading_ahead(data.matrix)

    def _paper_words(self, paper_row: int) -> PaperWords:
        """A paper's stems, its concepts' stems and its passages (one read of the paper's span of them)."""
        hit = self._words.get(paper_row)
        if hit is None:
            first, end = self.data.paper_rows.span(paper_row)
            passages = self.data.passages.span(first, end) if end > first else []
            stems = self.data.records.stems([paper_row])[0]
            hit = self._words.put(paper_row, _words(self.data.records[paper_row], stems, first, passages))
        return hit

    def expect(self, rows: Sequence[int]) -> None:
        """Start reading the vectors of the papers of ``rows`` from disk, together (``matrix.read_ahead``): ``why``
        reads their summaries' next, while their records are fetched."""
        if self._ahead:
            spans = self.data.paper_rows
            read_ahead(self.data.matrix, [spans.span(int(row)) for row in rows])

    def prepare(self, rows: Sequence[int], records: Sequence[PaperRecord]) -> None:
        """Read what ``why`` needs of the papers of ``rows`` (their ``records``, in that order) that are not kept:
        their stems in one statement and their passages in another, not one a paper."""
        missing = [(int(row), rec) for row, rec in zip(rows, records, strict=True) if self._words.get(int(row)) is None]
        if not missing:
            return
        spans = [self.data.paper_rows.span(row) for row, _ in missing]
        stems = self.data.records.stems([row for row, _ in missing])
        for (row, rec), held, span, passages in zip(
            missing, stems, spans, self.data.passages.spans(spans), strict=True
        ):
            self._words.put(row, _words(rec, held, span[0], passages))

    def whys(
        self, q_stems: dict[str, str], rows: Sequence[int], qvec: np.ndarray | None, best_rows: Sequence[int]
    ) -> list[Why]:
        """Why each paper of ``rows`` matched: its sentence that best matches the query, the query words and concepts
        it shares, and the kind of its passage ``best_rows`` names (-1: none). Every hit's summary sentences are
        scored in one product with ``qvec``, not one a paper.

        ``q_stems``: the query's stems and the words they came from (``query_stems``).
        """
        papers = [self._paper_words(int(row)) for row in rows]
        asked = frozenset(q_stems)
        lowered = [(stem, word, word.lower()) for stem, word in q_stems.items()]
        return [
            {
                "sentence": sentence,
                "terms": _terms(lowered, asked & words.stems),
                "concepts": _concepts(words, asked),
                "matched_passage": self._kind(words, best),
            }
            for words, sentence, best in zip(papers, self._sentences(papers, qvec, asked), best_rows, strict=True)
        ]

    def _sentences(self, papers: list[PaperWords], qvec: np.ndarray | None, asked: frozenset[str]) -> list[str]:
        """Each paper's summary sentence nearest ``qvec`` (without one: sharing the most of ``asked``), "" for a paper
        without a summary."""
        if qvec is None:
            return [_most_shared(words.summary, asked) for words in papers]
        held = [words.summary_rows for words in papers if words.summary]
        sims: list[float] = (self._matrix[np.concatenate(held)] @ qvec).tolist() if held else []  # a few a paper
        out, at = [], 0
        for words in papers:
            n = len(words.summary)
            own = sims[at : at + n]
            out.append(words.summary[own.index(max(own))] if n else "")  # the first best, as ``argmax`` takes it
            at += n
        return out

    def _kind(self, words: PaperWords, best_row: int) -> PassageKind | None:
        """The kind of passage ``best_row`` (the paper's own, read with it; another's from the index), None for -1."""
        if best_row < 0:
            return None
        at = best_row - words.first
        kind = words.kinds[at] if 0 <= at < len(words.kinds) else self.data.passages[best_row][1]
        return kind  # type: ignore[return-value]


def _concepts(words: PaperWords, asked: frozenset[str]) -> list[str]:
    """The names of the paper's concepts (``words``) the query (``asked``: its stems) shares a stem with: none without
    reading each concept when the query shares no stem with any of them (most papers, most queries)."""
    if words.concept_stems.isdisjoint(asked):
        return []
    return [name for name, stems in words.concepts if not stems.isdisjoint(asked)]


def _terms(lowered: list[tuple[str, str, str]], held: frozenset[str]) -> list[str]:
    """The query's words (``lowered``: each stem, its word as typed and lowercased) whose stem the paper holds (``held``:
    those stems), a word typed twice once."""
    terms: list[str] = []
    said: set[str] = set()
    for stem, word, low in lowered if held else ():
        if stem in held and low not in said:
            terms.append(word)
            said.add(low)
    return terms


def _most_shared(summary: list[str], asked: frozenset[str]) -> str:
    """The sentence of ``summary`` sharing the most stems with ``asked`` (the first of the best), "" for none."""
    if not summary:
        return ""
    overlaps = [len(set(tokens.tokenize(text)) & asked) for text in summary]
    return summary[int(np.argmax(overlaps))]


def _words(rec: PaperRecord, stems: frozenset[str], first: int, passages: list[list[str]]) -> PaperWords:
    """What ``why`` reads of a paper: from its record, its stems (made at build time: ``passages.why_stems``) and
    its passages (rows ``first`` on)."""
    concepts = [(c["name"], frozenset(tokens.tokenize(" ".join([c["name"], *c["aliases"]])))) for c in rec["concepts"]]
    at = [i for i, p in enumerate(passages) if p[1] == "summary"]
    rows = np.array([first + i for i in at], dtype=np.int64)
    held = frozenset().union(*(c for _, c in concepts))
    return PaperWords(stems, concepts, rows, [passages[i][2] for i in at], first, [p[1] for p in passages], held)
