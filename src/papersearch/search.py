"""Answer questions from a built index: dense, lexical or hybrid ranking with filters and `why`.

``Searcher.load(index_dir).search("how were deep nets first trained?")`` returns the same JSON
shape the CLI's ``ask --json`` and the API's ``/search`` print.
"""

from __future__ import annotations

import json
import threading
import time
import unicodedata
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from . import fusion, lexical, store, vectors
from .errors import IndexStateError, NotFoundError, QueryError
from .lexical import LexicalIndex
from .spelling import Speller

MODES = ("hybrid", "dense", "lexical")
MAX_QUERY_CHARS = 500
MAX_K = 100
YEAR_MIN, YEAR_MAX = 1800, 2100
# measured on tests/data/queries.jsonl: see docs/ranking.md
LEX_WEIGHT = 0.3  # z-scored BM25 added to z-scored dense similarity
SECOND_VIEW = 0.15  # a paper's dense score: 0.85 x its best view + 0.15 x its second best
GRAPH_WEIGHT = 0.0
QUERY_CACHE_SIZE = 2048  # query vectors kept (1.5 KB each)
RESULT_CACHE_HITS = 20_000  # answers kept, counted in hits (each ~1 KB; the records themselves are shared)


class QueryEncoder(Protocol):
    def encode_query(self, text: str) -> np.ndarray: ...


@dataclass
class IndexData:
    """One loaded index version, read-only once loaded."""

    path: Path
    manifest: dict[str, Any]
    records: list[dict[str, Any]]
    eras: list[dict[str, Any]]
    graph: dict[str, Any]
    views: list[list[str]]
    matrix: np.ndarray
    faiss_index: Any
    lexical: LexicalIndex
    vocabulary: dict[str, int]
    row_paper: np.ndarray  # view row -> paper row
    paper_rows: list[np.ndarray]  # paper row -> its view rows

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    @classmethod
    def load_dir(cls, vdir: Path, full_verify: bool = False) -> IndexData:
        """Load and check one version folder; any damage raises IndexStateError naming the file."""
        manifest = store.read_manifest(vdir)
        store.verify_files(vdir, manifest, full=full_verify)
        records = store.read_json(vdir / "papers.json", "paper records")
        views = store.read_json(vdir / "views.json", "view texts")
        eras = store.read_json(vdir / "eras.json", "eras")
        graph = store.read_json(vdir / "graph.json", "graph")
        if not isinstance(records, list) or not isinstance(views, list):
            raise IndexStateError(f"{vdir} holds malformed records; {store.FIX}")
        try:
            matrix = np.load(vdir / "vectors.npy", allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            raise IndexStateError(
                f"{vdir / 'vectors.npy'} is damaged ({exc.__class__.__name__}); {store.FIX}"
            ) from None
        if matrix.ndim != 2 or matrix.shape[0] != len(views) or matrix.dtype != np.float32:
            raise IndexStateError(f"{vdir / 'vectors.npy'} does not match views.json; {store.FIX}")
        try:
            findex = vectors.load(vdir / "vectors.faiss", manifest.get("vector_index", {}))
        except RuntimeError as exc:
            raise IndexStateError(
                f"{vdir / 'vectors.faiss'} is damaged ({str(exc).splitlines()[0][:80]}); {store.FIX}"
            ) from None
        if (held := vectors.stored(findex, manifest.get("vector_index", {}))) != matrix.shape[0]:
            raise IndexStateError(
                f"{vdir / 'vectors.faiss'} holds {held} vectors, expected {matrix.shape[0]}; {store.FIX}"
            )
        try:
            lex = LexicalIndex.load(vdir / "lexical", len(records))
        except (ValueError, OSError, EOFError) as exc:
            raise IndexStateError(f"{vdir / 'lexical'} is damaged ({exc}); {store.FIX}") from None
        vocab = store.read_json(vdir / "vocabulary.json", "spelling vocabulary")
        pos = {r["id"]: i for i, r in enumerate(records)}
        try:
            row_paper = np.array([pos[v[0]] for v in views], dtype=np.int64)
        except (KeyError, IndexError, TypeError):
            raise IndexStateError(f"{vdir / 'views.json'} names papers the records do not hold; {store.FIX}") from None
        order = np.argsort(row_paper, kind="stable")
        bounds = np.searchsorted(row_paper[order], np.arange(len(records) + 1))
        paper_rows = [order[bounds[i] : bounds[i + 1]] for i in range(len(records))]
        return cls(vdir, manifest, records, eras, graph, views, matrix, findex, lex, vocab, row_paper, paper_rows)


def _open_encoder(vdir: Path) -> QueryEncoder | None:
    """A version's query encoder set up for a query or two, or None: the lazy path then raises the error."""
    try:
        from .query_encoder import encoder_for

        return encoder_for(vdir, store.read_manifest(vdir), one_shot=True)
    except Exception:
        return None


def validate(
    query: str,
    k: int,
    mode: str,
    year_from: int | None,
    year_to: int | None,
    era: str | None,
    eras: list[dict[str, Any]],
) -> tuple[str, str | None]:
    """Check search parameters; return the cleaned query and the era id. Raises QueryError."""
    if not isinstance(query, str):
        raise QueryError("q", "the query must be text")
    q = " ".join(query.split())
    if not q:
        raise QueryError("q", "the query is empty; type a few words")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError("q", f"the query is {len(query)} characters; at most {MAX_QUERY_CHARS} are allowed")
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") for ch in q):
        raise QueryError("q", "the query contains control or invalid characters")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise QueryError("k", f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
    if mode not in MODES:
        raise QueryError("mode", f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    for name, y in (("year_from", year_from), ("year_to", year_to)):
        if y is not None and (isinstance(y, bool) or not isinstance(y, int) or not YEAR_MIN <= y <= YEAR_MAX):
            raise QueryError(name, f"{name} must be a year from {YEAR_MIN} to {YEAR_MAX}, not {y!r}")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise QueryError("year_from", f"the year range is backwards: year_from {year_from} is after year_to {year_to}")
    era_id = None
    if era is not None and era != "":
        era_id = resolve_era(era, eras)
    return q, era_id


def resolve_era(era: str, eras: list[dict[str, Any]]) -> str:
    """An era id from its id, its name, or a unique part of either (case-insensitive)."""
    wanted = era.strip().lower()
    for e in eras:
        if wanted in (e["id"].lower(), e["name"].lower()):
            return str(e["id"])
    hits = [e for e in eras if wanted and (wanted in e["id"].lower() or wanted in e["name"].lower())]
    if len(hits) == 1:
        return str(hits[0]["id"])
    known = ", ".join(e["id"] for e in eras)
    raise QueryError("era", f"unknown era {era!r}; known eras: {known}")


class Searcher:
    """Search one index version. Thread-safe for concurrent searches."""

    def __init__(self, data: IndexData, encoder: QueryEncoder | None = None) -> None:
        self.data = data
        self._encoder = encoder
        self._encoder_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._results: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._results_held = 0  # hits held by self._results
        self._by_id = {r["id"]: i for i, r in enumerate(data.records)}
        self._years = np.array([r["year"] for r in data.records])
        self._eras = np.array([r["era"] for r in data.records])
        self._adjacency = self._build_adjacency()
        self._speller = Speller(data.vocabulary)
        self._why_cache: dict[int, tuple[frozenset[str], list[tuple[str, frozenset[str]]], list[int]]] = {}
        self.cache_hits = 0  # query vectors served from the cache
        self.result_hits = 0  # whole answers served from the cache

    @classmethod
    def load(
        cls, index_dir: str | Path, encoder: QueryEncoder | None = None, preload_encoder: bool = False
    ) -> Searcher:
        """The current version of ``index_dir``.

        ``preload_encoder``: for a one-shot query, open the query encoder (set up for a query or two) in a
        second thread while the index loads. Otherwise it opens on first use, set up for many.
        """
        vdir = store.version_dir(Path(index_dir))
        if encoder is not None or not preload_encoder:
            return cls(IndexData.load_dir(vdir), encoder)
        with ThreadPoolExecutor(1, thread_name_prefix="papersearch-encoder") as pool:
            opening = pool.submit(_open_encoder, vdir)
            data = IndexData.load_dir(vdir)
            return cls(data, opening.result())

    @property
    def version(self) -> str:
        return self.data.version

    @property
    def loaded_encoder(self) -> QueryEncoder | None:
        """The query encoder if one has been loaded (a reload reuses it for the same model)."""
        return self._encoder

    def _build_adjacency(self) -> list[list[int]]:
        adj: list[list[int]] = [[] for _ in self.data.records]
        for e in self.data.graph.get("edges", []):
            a, b = self._by_id.get(e["source"]), self._by_id.get(e["target"])
            if a is not None and b is not None and e.get("kind") == "cites":
                adj[a].append(b)
                adj[b].append(a)
        return adj

    # ------------------------------------------------------------------ encoding
    @property
    def encoder(self) -> QueryEncoder:
        with self._encoder_lock:
            if self._encoder is None:
                from .query_encoder import encoder_for

                self._encoder = encoder_for(self.data.path, self.data.manifest)
            return self._encoder

    def embed_query(self, text: str) -> np.ndarray:
        key = text.strip().lower()
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                self.cache_hits += 1
                return hit
        vec = np.asarray(self.encoder.encode_query(text), dtype=np.float32).reshape(-1)
        with self._cache_lock:
            self._cache[key] = vec
            if len(self._cache) > QUERY_CACHE_SIZE:
                self._cache.popitem(last=False)
        return vec

    # ------------------------------------------------------------------ scoring
    def _mask(self, year_from: int | None, year_to: int | None, era: str | None) -> np.ndarray:
        mask = np.ones(len(self.data.records), dtype=bool)
        if year_from is not None:
            mask &= self._years >= year_from
        if year_to is not None:
            mask &= self._years <= year_to
        if era is not None:
            mask &= self._eras == era
        return mask

    def dense_scores(self, qvec: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per paper: the best view's cosine (-inf when masked) and that view's row.

        Up to ``vectors.EXACT_LIMIT`` candidate rows every row is scored. Beyond that only the best
        ``vectors.CANDIDATE_ROWS`` are retrieved; an allowed paper none of whose views is among them
        scores the lowest retrieved similarity (an upper bound of its own) and has no best row.
        """
        n = len(self.data.records)
        allowed_rows = None if mask.all() else np.flatnonzero(mask[self.data.row_paper])
        total = len(self.data.matrix) if allowed_rows is None else len(allowed_rows)
        best = np.full(n, -np.inf, dtype=np.float32)
        best_row = np.full(n, -1, dtype=np.int64)
        if total == 0:
            return best, best_row
        limit = total if total <= vectors.EXACT_LIMIT else vectors.CANDIDATE_ROWS
        sims, rows = vectors.search(self.data.faiss_index, qvec, limit, allowed_rows, self.data.matrix)
        if limit < total and len(sims):
            best[mask] = sims[-1]
        papers = self.data.row_paper[rows]
        # rows come best first, so the first time a paper appears is its best view, the next its second
        first = np.unique(papers, return_index=True)[1]
        best[papers[first]] = sims[first]
        best_row[papers[first]] = rows[first]
        second = best.copy()
        if limit < total and len(sims):  # every paper has two views or more (question, title): an unretrieved
            second[papers[first]] = sims[-1]  # second one scores below the last row retrieved
        rest = np.setdiff1d(np.arange(len(rows)), first, assume_unique=True)
        second_idx = np.unique(papers[rest], return_index=True)[1]
        second[papers[rest][second_idx]] = sims[rest][second_idx]
        score = np.where(np.isfinite(best), (1 - SECOND_VIEW) * best + SECOND_VIEW * second, -np.inf)
        return score.astype(np.float32), best_row

    def _rank(
        self, q: str, mode: str, mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
        lex = np.where(mask, self.data.lexical.scores(q), 0.0).astype(np.float32)
        qvec = None
        dense = np.where(mask, 0.0, -np.inf).astype(np.float32)
        best_row = np.full(len(mask), -1, dtype=np.int64)
        if mode != "lexical":
            qvec = self.embed_query(q)
            dense, best_row = self.dense_scores(qvec, mask)
        if mode == "dense":
            fused = dense.astype(np.float64)
        elif mode == "lexical":
            fused = np.where(mask, lex, -np.inf).astype(np.float64)
        else:
            fused = fusion.zscore(dense.astype(np.float64), lex.astype(np.float64), LEX_WEIGHT)
            if GRAPH_WEIGHT:
                fused = fusion.graph_boost(fused, self._adjacency, weight=GRAPH_WEIGHT)
        return fused, dense, lex, qvec, best_row

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        year_from: int | None = None,
        year_to: int | None = None,
        era: str | None = None,
    ) -> dict[str, Any]:
        """Rank papers for ``query``; filters apply before ranking. Returns the ``ask --json`` shape."""
        started = time.perf_counter()
        key = self._key(query, k, mode, year_from, year_to, era)
        hit = self._cached(key, started)
        if hit is not None:
            return hit
        answer = self._answer(*key)
        with self._cache_lock:
            if key not in self._results:
                self._results[key] = answer
                self._results_held += len(answer["results"]) + 1
            while self._results_held > RESULT_CACHE_HITS:
                self._results_held -= len(self._results.popitem(last=False)[1]["results"]) + 1
        return {**answer, "took_ms": round((time.perf_counter() - started) * 1000, 3), "cached": False}

    def cached(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        year_from: int | None = None,
        year_to: int | None = None,
        era: str | None = None,
    ) -> dict[str, Any] | None:
        """``search``'s answer if it is in the cache of recent answers, else None; never computes one.

        A dictionary lookup (after checking the parameters, which raises QueryError like ``search``),
        so a server can answer a repeated question without handing it to a worker thread.
        """
        started = time.perf_counter()
        return self._cached(self._key(query, k, mode, year_from, year_to, era), started)

    def _key(
        self, query: str, k: int, mode: str, year_from: int | None, year_to: int | None, era: str | None
    ) -> tuple[str, int, str, int | None, int | None, str | None]:
        """The checked parameters (raises QueryError), which are also the answer's cache key."""
        q, era_id = validate(query, k, mode, year_from, year_to, era, self.data.eras)
        return q, k, mode, year_from, year_to, era_id

    def _cached(self, key: tuple[Any, ...], started: float) -> dict[str, Any] | None:
        with self._cache_lock:
            hit = self._results.get(key)
            if hit is None:
                return None
            self._results.move_to_end(key)
            self.result_hits += 1
        # the same question again: the stored answer, with this call's own timing
        return {**hit, "took_ms": round((time.perf_counter() - started) * 1000, 3), "cached": True}

    def _answer(
        self, q: str, k: int, mode: str, year_from: int | None, year_to: int | None, era_id: str | None
    ) -> dict[str, Any]:
        mask = self._mask(year_from, year_to, era_id)
        corrected = self._speller.correct(q)
        fused, dense, lex, qvec, best_row = self._rank(corrected, mode, mask)
        order = top_k(np.where(mask, fused, -np.inf), k)
        q_stems = query_stems(corrected)
        results = []
        for rank, i in enumerate(order, 1):
            rec = self.data.records[i]
            results.append(
                {
                    "rank": rank,
                    "id": rec["id"],
                    "title": rec["title"],
                    "year": rec["year"],
                    "authors": rec["authors"],
                    "era": rec["era"],
                    "era_name": rec["era_name"],
                    "question": rec["question"],
                    "score": round(float(fused[i]), 6),
                    "scores": {
                        "dense": None if qvec is None else round(float(dense[i]), 6),
                        "lexical": round(float(lex[i]), 6),
                    },
                    "why": self.why(q_stems, i, qvec, int(best_row[i])),
                    "neighbours": rec["references"],
                }
            )
        return {
            "query": q,
            "corrected_query": corrected if corrected != q else None,
            "mode": mode,
            "k": k,
            "filters": {"year_from": year_from, "year_to": year_to, "era": era_id},
            "index_version": self.version,
            "took_ms": 0.0,
            "cached": False,
            "results": results,
        }

    # ------------------------------------------------------------------ explanations
    def _paper_words(self, paper_row: int) -> tuple[frozenset[str], list[tuple[str, frozenset[str]]], list[int]]:
        """A paper's stems, its concepts' stems and its passage rows: computed on first use, then kept."""
        hit = self._why_cache.get(paper_row)
        if hit is None:
            rec = self.data.records[paper_row]
            text = json.dumps([rec["title"], rec["question"], rec["summary"], rec["authors"]], ensure_ascii=False)
            concepts = [
                (c["name"], frozenset(lexical.tokenize(" ".join([c["name"], *c["aliases"]])))) for c in rec["concepts"]
            ]
            passages = [r for r in self.data.paper_rows[paper_row] if self.data.views[r][1] == "passage"]
            hit = self._why_cache[paper_row] = (frozenset(lexical.tokenize(text)), concepts, passages)
        return hit

    def why(self, q_stems: dict[str, str], paper_row: int, qvec: np.ndarray | None, best_row: int) -> dict[str, Any]:
        """The paper's sentence that best matches the query, and the query words and concepts it matched.

        ``q_stems``: the query's stems and the words they came from (``query_stems``).
        """
        doc_stems, concept_stems, passages = self._paper_words(paper_row)
        sentence = ""
        if passages:
            if qvec is not None:
                sims = self.data.matrix[passages] @ qvec
                sentence = self.data.views[passages[int(np.argmax(sims))]][2]
            else:
                overlaps = [len(set(lexical.tokenize(self.data.views[r][2])) & set(q_stems)) for r in passages]
                sentence = self.data.views[passages[int(np.argmax(overlaps))]][2]
        terms: list[str] = []
        for stem, word in q_stems.items():
            if stem in doc_stems and word.lower() not in {t.lower() for t in terms}:
                terms.append(word)
        concepts = [name for name, stems in concept_stems if stems & set(q_stems)]
        best_view = self.data.views[best_row][1] if best_row >= 0 else None
        return {"sentence": sentence, "terms": terms, "concepts": concepts, "matched_view": best_view}

    # ------------------------------------------------------------------ papers
    def paper(self, paper_id: str) -> dict[str, Any]:
        i = self._by_id.get(paper_id)
        if i is None:
            raise NotFoundError(paper_id)
        return self.data.records[i]

    def similar(self, paper_id: str, k: int = 10) -> dict[str, Any]:
        """Papers most like ``paper_id``: cosine between the centroids of their views."""
        i = self._by_id.get(paper_id)
        if i is None:
            raise NotFoundError(paper_id)
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise QueryError("k", f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
        centroid = self.data.matrix[self.data.paper_rows[i]].mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        mask = np.ones(len(self.data.records), dtype=bool)
        mask[i] = False
        dense, _ = self.dense_scores(centroid, mask)
        order = top_k(dense, k)
        return {
            "id": paper_id,
            "index_version": self.version,
            "results": [
                {
                    "id": self.data.records[j]["id"],
                    "title": self.data.records[j]["title"],
                    "year": self.data.records[j]["year"],
                    "era": self.data.records[j]["era"],
                    "score": round(float(dense[j]), 6),
                }
                for j in order
            ],
        }


def query_stems(q: str) -> dict[str, str]:
    """The query's content words by stem: {stem: the word as typed}, for ``why``."""
    words = [w for w in lexical.TOKEN_RE.findall(q) if w.lower() not in lexical.STOPWORDS]
    return {s: w for w, s in zip(words, lexical.tokenize(" ".join(words)), strict=False)} if words else {}


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Rows of the ``k`` highest finite scores, best first; ties keep row order (like a stable sort).

    Partitions before sorting, so a query over a million papers sorts k of them, not all.
    """
    finite = np.flatnonzero(np.isfinite(scores))
    if len(finite) > k:
        part = np.argpartition(-scores[finite], k - 1)[:k]
        cut = scores[finite[part]].min()
        finite = finite[scores[finite] >= cut]  # every row tied with the k-th, so ties are broken by row
    order = finite[np.argsort(-scores[finite], kind="stable")][:k]
    return [int(i) for i in order]
