"""The steps that write a new index version into its build folder, each named for the files it adds.

``write_version`` runs them in order over one ``Job``: the lexicon (the corpus's second read), the
third read (each paper's references into a ``graph.spooled_graph``, its passages into the database,
its record put aside in a ``graph.json_spool``), the passages' vectors (reused or embedded,
``embedding``), the FAISS index (``ivf_file``: its lists written straight to the file), BM25 and the
spelling vocabulary, the records, edges and query-understanding tables (``database``) and the
per-paper arrays (``columns``), the ONNX query encoder, and the manifest last. Each step records
what it found on the job (counts, the vector index's parameters, its seconds).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import EncoderError
from ..core.models import Edge, ExternalRef, Paper
from ..core.records import EraRecord, PaperRecord, PassageKind, neighbourhood
from ..corpus.scan import Scan
from ..graph.extract import extract
from ..graph.json_spool import JsonSpool
from ..graph.lexicon import Lexicon, build_lexicon
from ..graph.records import paper_record
from ..graph.spooled_graph import SpooledGraph
from . import column_build, integrity, layout, pool, store
from .database import DatabaseWriter
from .disk import temporary_files_in
from .embedding import (
    EmbedderLike,
    RayOptions,
    StreamEmbedder,
    choose_embedder,
    embedded_with,
    embedder_name,
    reusable_rows,
    write_vectors,
)
from .layout import describe_files, manifest_checksum
from .matrix import MatrixFile
from .passages import lexical_text, paper_passages
from .tokens import tokenize
from .vocabulary import vocabulary_words
from .writer import lexical_arrays, write_json, write_lexical

if TYPE_CHECKING:
    from numpy import ndarray

TEMPORARY = "tmp"  # the build folder's folder for temporary files (removed before the manifest lists the files)


class Stopwatch:
    """Seconds per named step, for the report and the manifest, and CPU seconds per step (the report's alone: on a
    shared machine they say what a step costs where the wall seconds say how busy it was): the process's own and
    its worker processes' (``pool``), counted once each has ended."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._last, self._last_cpu = time.perf_counter(), _cpu_seconds()

    def lap(self, name: str) -> None:
        """The time since the last lap, added to step ``name``."""
        now, cpu = time.perf_counter(), _cpu_seconds()
        self.stages[name] = round(self.stages.get(name, 0.0) + now - self._last, 3)
        self.cpu[name] = round(self.cpu.get(name, 0.0) + cpu - self._last_cpu, 3)
        self._last, self._last_cpu = now, cpu


def _cpu_seconds() -> float:
    """This process's CPU seconds, its threads' and its ended children's (the build's workers) included."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@dataclass(frozen=True)
class Options:
    """How the build was asked to run (``build``'s keyword arguments)."""

    embedder_factory: Callable[[], EmbedderLike] | None = None
    progress: bool = False
    force: bool = False
    exact_limit: int | None = None
    ray: RayOptions | None = None


@dataclass
class Job:
    """One new version under way: what it is built from, where it is written, and what the steps found."""

    corpus: Scan
    model: str
    fingerprint: str
    index_dir: Path
    options: Options
    watch: Stopwatch
    started: float
    prev: dict[str, Any] | None  # the manifest of the version in use when its vectors and export can be reused
    pdir: Path | None  # and its folder
    current: dict[str, Any] | None = None  # the manifest of the version in use, if intact (reusable or not)
    cdir: Path | None = None  # and its folder
    version: str = field(default_factory=store.new_version_name)
    counts: dict[str, int] = field(default_factory=dict)  # the manifest's counts
    embedded_papers: int = 0
    embedded_passages: int = 0
    embedder: str = ""
    embedded_with: str | dict[str, Any] | None = None
    dim: int = 0
    vector_index: dict[str, Any] = field(default_factory=dict)
    query_encoder: dict[str, Any] | None = None
    era_codes: Any = None  # each paper's era as its place in eras.json, once the records are written

    @property
    def bdir(self) -> Path:
        """The build folder: ``store.clean`` removes it if the build never finishes."""
        return self.index_dir / f".build-{self.version}"


def write_version(job: Job, shared: set[str]) -> None:
    """Every file of the new version, the manifest last; records and graph wait in spools meanwhile.

    ``shared``: the first-author surnames several entries share (emptied once the lexicon is built).
    """
    with temporary_files_in(job.bdir / TEMPORARY):  # the libraries' temporary files too: one disk, one clean-up
        lexicon = build_lexicon(job.corpus.papers(), shared)
        shared.clear()
        job.watch.lap("lexicon")
        db = DatabaseWriter(job.bdir / layout.DATABASE)
        try:
            with (
                SpooledGraph(lexicon.positions, job.corpus.years, job.bdir) as graph,
                JsonSpool(job.bdir, "paper records") as records,
            ):
                counts = _extract(job, lexicon, graph, records, db)
                del lexicon
                matrix = _write_passage_vectors(job, counts, db)
                _write_vector_index(job, matrix)
                _write_lexical(job, records)
                _write_records(job, records, graph, db)
                _write_columns(job, graph, counts, matrix)
            db.finish()
        finally:
            db.close()
        _write_query_encoder(job)
    _write_manifest(job)


def _extract(job: Job, lexicon: Lexicon, graph: SpooledGraph, records: JsonSpool, db: DatabaseWriter) -> ndarray:
    """The passages into the database, with the graph and the records on the side (``_read_papers``); how many
    passages each paper has."""
    counts = _read_papers(job.corpus, lexicon, graph, records, db)
    graph.finish()
    job.counts["passages"] = int(counts.sum())
    job.watch.lap("graph")
    return counts


def _write_passage_vectors(job: Job, counts: ndarray, db: DatabaseWriter) -> MatrixFile:
    """vectors.npy: unchanged papers' vectors copied from the version in use, the rest embedded; returns it."""
    import numpy as np

    corpus, opts = job.corpus, job.options
    reused = {} if opts.force else _reused(corpus, counts, job.prev, job.pdir)
    todo = np.fromiter((pid not in reused for pid in corpus.ids()), dtype=bool, count=len(corpus))
    job.embedded_papers, job.embedded_passages = int(todo.sum()), int(counts[todo].sum())
    job.watch.lap("plan")
    embedder = None
    if job.embedded_passages:
        embedder = choose_embedder(
            job.model, job.embedded_passages, job.prev, job.pdir, opts.embedder_factory, opts.ray, opts.progress
        )
        job.embedder = embedder_name(embedder)
    job.watch.lap("load_model")

    def passages() -> Iterator[tuple[int, str, str]]:
        rows = db.rows("SELECT row, paper, text FROM passages ORDER BY row")
        return ((row, corpus.id(paper), text) for row, paper, text in rows)

    try:
        matrix = write_vectors(
            corpus.ids(), counts, reused, job.pdir, embedder, job.bdir / layout.VECTORS, passages, opts.progress
        )
    finally:
        if isinstance(embedder, StreamEmbedder):  # leave the Ray cluster (stop the one it started)
            embedder.close()
    job.embedded_with = embedded_with(embedder)
    job.watch.lap("embed")
    return matrix


def _write_vector_index(job: Job, matrix: MatrixFile) -> None:
    """vectors.faiss: exact below ``exact_limit`` vectors, else IVF tuned to its recall target."""
    from . import ivf_file, vectors

    limit = vectors.EXACT_LIMIT if job.options.exact_limit is None else job.options.exact_limit
    job.vector_index = ivf_file.build_file(matrix, job.bdir / layout.VECTOR_INDEX, exact_limit=limit)
    job.counts["vectors"], job.dim = (int(n) for n in matrix.shape)
    job.watch.lap("faiss")


def _write_lexical(job: Job, records: JsonSpool) -> None:
    """vocabulary.json (typo correction) and lexical/ (BM25, and the engine that finds its best papers over the same
    words: ``lexical_engine``), from the records put aside, never held; each record's words (``lexical_words``) made
    by the worker processes of a large build (``pool``), taken in order."""
    from . import lexical
    from .lexical_engine import EngineWriter

    vocabulary: Counter[str] = Counter()
    made = pool.in_order(lexical_words, None, records, pool.workers(len(records)))
    first = next(made, None)  # the workers fork here, before the engine's writer starts threads a fork would not carry

    def words() -> Iterator[str | list[str]]:
        for _, (words_seen, tokens) in chain([first] if first is not None else [], made):
            vocabulary.update(words_seen)
            yield tokens

    arrays = lexical_arrays(job.bdir / layout.LEXICAL)  # written as they are made
    try:
        with EngineWriter(job.bdir / layout.LEXICAL / layout.ENGINE) as engine:  # its threads ended on a failure
            write_lexical(job.bdir / layout.LEXICAL, *lexical.build(words(), arrays, engine.add))
            engine.finish()
    finally:
        made.close()  # the workers stopped on a failure too
    write_json(job.bdir / layout.VOCABULARY, dict(vocabulary))
    job.watch.lap("lexical")


def lexical_words(_: None, record: PaperRecord) -> tuple[list[str], list[str]]:
    """One record's words for typo correction (``vocabulary.vocabulary_words``) and for BM25 (``tokens.tokenize``) of
    the text BM25 indexes (``passages.lexical_text``). Pure: a worker process makes them as well as the build's own."""
    text = lexical_text(record)
    return vocabulary_words(text), tokenize(text)


def _write_records(job: Job, records: JsonSpool, graph: SpooledGraph, db: DatabaseWriter) -> None:
    """The records, their outside references, the edges and the query-understanding tables into the database;
    eras.json."""
    import numpy as np

    eras: list[EraRecord] = [asdict(e) for e in job.corpus.eras]  # type: ignore[misc]
    write_json(job.bdir / layout.ERAS, eras)
    job.era_codes, job.counts["term_stems"] = column_build.write_records(db, records, eras)
    years = np.asarray(job.corpus.years, dtype=np.int64)
    column_build.write_edges(db, graph.kept_rows(), graph.edges(), years)
    job.counts.update(papers=len(records), edges=graph.n_edges, external=graph.n_external)
    job.watch.lap("records")


def _write_columns(job: Job, graph: SpooledGraph, counts: ndarray, matrix: MatrixFile) -> None:
    """columns/: the per-paper arrays, the path vectors among them."""
    import numpy as np

    folder = job.bdir / layout.COLUMNS
    years = np.asarray(job.corpus.years, dtype=np.int64)
    column_build.write_columns(folder, years, job.era_codes, counts, graph.kept_rows(), matrix)
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    column_build.write_path_vectors(folder / "centroids.npy", matrix, start)
    matrix.close()
    job.watch.lap("columns")


def _write_query_encoder(job: Job) -> None:
    """query_encoder/: the model's ONNX export, when it can be made (the cached one when its files are intact:
    those the version in use links, which the build has just hashed, are not read again)."""
    verified = integrity.vouched_for(job.cdir, job.current) if job.cdir and job.current else None
    job.query_encoder = _export_onnx(job.model, job.bdir, job.fingerprint, verified)
    job.watch.lap("query_encoder")


def _write_manifest(job: Job) -> None:
    """manifest.json: what the version was built from and how, every file's size and sha256, its own checksum."""
    corpus = job.corpus
    manifest: dict[str, Any] = {
        "query_encoder": job.query_encoder,
        **layout.built_by(),
        "version": job.version,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": None,
        "model": {"name": job.model, "fingerprint": job.fingerprint, "dim": job.dim},
        "corpus": str(corpus.root),
        "corpus_hash": corpus.content_hash(),
        "papers": corpus.hashes(),
        "counts": {k: job.counts[k] for k in ("papers", "passages", "vectors", "edges", "external", "term_stems")},
        "vector_index": job.vector_index,
        "files": describe_files(job.bdir, job.pdir, job.prev["files"] if job.prev else None),
    }
    job.watch.lap("checksums")
    manifest["build_seconds"] = round(time.perf_counter() - job.started, 3)
    manifest["build_stages"] = dict(job.watch.stages)
    manifest["embedded_with"] = job.embedded_with
    manifest["checksum"] = manifest_checksum(manifest)
    write_json(job.bdir / layout.MANIFEST, manifest)


def _reused(
    corpus: Scan, counts: ndarray, prev: dict[str, Any] | None, pdir: Path | None
) -> dict[str, tuple[int, int]]:
    """The rows of the previous version that hold each unchanged paper's vectors (as many as it has passages)."""
    rows = reusable_rows(prev, pdir, corpus.hashes())
    return {pid: rows[pid] for pid, n in zip(corpus.ids(), counts, strict=True) if rows.get(pid, (0, -1))[1] == n}


def _read_papers(
    corpus: Scan, lexicon: Lexicon, graph: SpooledGraph, records: JsonSpool, db: DatabaseWriter
) -> ndarray:
    """The third read, in corpus order: each paper's edges into ``graph``, its record (but its neighbours)
    into ``records``, its passages into the database; returns how many passages each paper has. Each paper's
    share (``paper_parts``) is made by the worker processes of a large build (``pool``), taken in corpus order."""
    import numpy as np

    era_names = {e.id: e.name for e in corpus.eras}
    counts = np.zeros(len(corpus), dtype=np.int64)
    parts = pool.in_order(paper_parts, (lexicon, era_names), corpus.papers(), pool.workers(len(corpus)))

    def passages() -> Iterator[tuple[int, int, str, str]]:
        row = 0
        for i, (paper, (edges, external, record, cut)) in enumerate(parts):
            graph.add(paper, edges, external)
            records.append(record)
            for kind, text in cut:
                yield row, i, kind, text
                row += 1
            counts[i] = len(cut)

    db.insert("passages", passages())
    return counts


def paper_parts(
    shared: tuple[Lexicon, dict[str, str]], paper: Paper
) -> tuple[list[Edge], list[ExternalRef], PaperRecord, list[tuple[PassageKind, str]]]:
    """One paper's share of the third read, given the lexicon and the eras' names: its edges and outside references,
    its record (its neighbours but the outside ones left out: the graph gives them later) and its passages
    (kind, text). Pure: a worker process makes it as well as the build's own."""
    lexicon, era_names = shared
    edges, external = extract(paper, (), lexicon)
    hood = neighbourhood([], [], [{"ref": x.ref, "evidence": x.evidence} for x in external])
    record = paper_record(paper, era_names.get(paper.era, paper.era), hood)
    return edges, external, record, [(p.kind, p.text) for p in paper_passages(paper)]


def _export_onnx(
    model: str, bdir: Path, fingerprint: str, verified: Callable[[Path, str], bool] | None = None
) -> dict[str, Any] | None:
    """Put the ONNX query encoder into the new version (exported once per model, cached in ``<index>/.cache``).

    Returns its manifest entry, or None when the model cannot be exported (not a local folder, not plain
    mean pooling): queries then use torch. Any other failure fails the build.
    """
    from ..encode.model import resolve_model_path
    from ..encode.onnx_export import export_cached

    target = bdir / layout.QUERY_ENCODER
    try:
        cache = bdir.parent / store.CACHE
        info = export_cached(resolve_model_path(model), fingerprint, cache, target, verified)
    except (EncoderError, ImportError) as exc:  # a model that cannot be exported: the torch query path still works
        shutil.rmtree(target, ignore_errors=True)
        logging.getLogger("papersearch.index").warning(
            "no ONNX query encoder for %s (%s: %s); queries will load torch", model, exc.__class__.__name__, exc
        )
        return None
    except OSError:
        raise  # could not be written (a full disk): the build fails, naming what
    except Exception as exc:  # anything else: a version is not published without the query encoder it should have
        first = (str(exc).splitlines() or [""])[0][:200]
        raise EncoderError(
            f"the ONNX query encoder of {model} could not be made ({exc.__class__.__name__}: {first}); "
            "nothing was published"
        ) from exc
    return layout.onnx_entry(info)
