"""Build the index (``papersearch index``): incremental, checked, and published atomically.

Only orchestration lives here. Steps: read and check the corpus (``corpus.scan``: every check,
keeping a few facts per paper), read it again in corpus order for the lexicon of surnames and
concept terms (``graph.lexicon``), and a third time to extract each paper's references (into a
``graph.spooled_graph``), cut it into passages (``passages.json``) and put its record aside on disk;
reuse the vectors of papers whose content hash and model are unchanged since the current version
and embed the rest (``embedding``; with ``ray``, on a Ray cluster), write FAISS, BM25 and the
records, each with its neighbourhood, into a fresh ``.build-*`` folder (``layout``), check it as a
searcher would load it (``check.check_version``), then publish it with one rename (``store``). Any
failure before that rename leaves the current version untouched.

No step holds the corpus, or the index being written: what is held grows by a few bytes a paper
and an edge, plus the lexicon (under 1 KB a paper) and the vectors; the rest waits on disk.

numpy and the build steps' modules are imported only once something must be built, so finding an
unchanged corpus up to date costs little more than reading it.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import PapersearchError
from ..core.records import EraRecord, Neighbourhood, PaperRecord
from ..corpus.scan import Scan, scan_corpus
from ..graph.extract import extract
from ..graph.json_spool import JsonSpool
from ..graph.lexicon import Lexicon, build_lexicon, surname_key
from ..graph.records import paper_record
from ..graph.spooled_graph import SpooledGraph
from . import layout, store
from .check import check_version
from .embedding import (
    EmbedderLike,
    RayOptions,
    StreamEmbedder,
    choose_embedder,
    embedded_with,
    embedder_name,
    model_fingerprint_cached,
    reusable_rows,
    write_vectors,
)
from .passages import lexical_text, paper_passages
from .vocabulary import build_vocabulary

if TYPE_CHECKING:
    from numpy import ndarray


@dataclass
class BuildReport:
    version: str = ""
    papers: int = 0
    embedded_papers: int = 0
    reused_papers: int = 0
    embedded_passages: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    removed: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per step, in order
    embedder: str = ""  # "sentence-transformers", "onnx", or the factory's class name


class _Stopwatch:
    """Seconds per named step, for the report and the manifest."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = round(self.stages.get(name, 0.0) + now - self._last, 3)
        self._last = now


def in_use(index_dir: Path) -> tuple[dict[str, Any] | None, Path | None]:
    """The manifest and folder of the version in use when it is intact (files verified), else (None, None)."""
    try:
        vdir = store.version_dir(index_dir)
        manifest = layout.read_manifest(vdir)
        layout.verify_files(vdir, manifest)
    except PapersearchError:
        return None, None
    return manifest, vdir


def _reusable(manifest: dict[str, Any] | None, fingerprint: str) -> bool:
    """Whether a version's vectors (and its ONNX export) can be reused: same model weights and passages."""
    return (
        manifest is not None
        and manifest.get("model", {}).get("fingerprint") == fingerprint
        and manifest.get("passages_format") == layout.PASSAGES_FORMAT
    )


def is_current(manifest: dict[str, Any] | None, corpus: Scan, fingerprint: str) -> bool:
    """Whether an intact version's manifest says it was built from this corpus with this model."""
    return (
        manifest is not None
        and manifest.get("corpus_hash") == corpus.content_hash()
        and manifest.get("model", {}).get("fingerprint") == fingerprint
    )


def build(
    corpus_dir: Path,
    index_dir: Path,
    model: str,
    embedder_factory: Callable[[], EmbedderLike] | None = None,
    progress: bool = False,
    force: bool = False,
    fail_after_embedding: bool = False,
    exact_limit: int | None = None,
    ray: RayOptions | None = None,
) -> BuildReport:
    """Build and publish a new index version; see the module docstring.

    ``exact_limit``: below this many vectors the FAISS index is exact (default ``vectors.EXACT_LIMIT``;
    tests lower it to get an IVF index).
    ``ray``: embed the new passages on a Ray cluster (``index --ray``); the rest of the build is the same.
    """
    started = time.perf_counter()
    watch = _Stopwatch()
    surnames: Counter[str] = Counter()
    corpus = scan_corpus(corpus_dir, lambda paper: surnames.update((surname_key(paper),)))
    shared = {key for key, n in surnames.items() if n > 1}  # the lexicon keeps terms for these entries only
    surnames.clear()
    watch.lap("load_corpus")
    fingerprint = model_fingerprint_cached(model, index_dir / store.CACHE)
    report = BuildReport(papers=len(corpus), stages=watch.stages)
    with store.build_lock(index_dir):
        report.removed = store.clean(index_dir)
        current, cdir = in_use(index_dir)
        if not force and is_current(current, corpus, fingerprint):
            report.version = store.current_version(index_dir)
            report.unchanged = True
            report.reused_papers = len(corpus)
            report.seconds = time.perf_counter() - started
            return report
        watch.lap("check_current")
        import numpy as np

        from . import lexical, vectors

        watch.lap("imports")
        version = store.new_version_name()
        bdir = index_dir / f".build-{version}"
        try:
            bdir.mkdir(parents=True)
            lexicon = build_lexicon(corpus.papers(), shared)
            del shared
            watch.lap("lexicon")
            graph, records = SpooledGraph(lexicon.positions, corpus.years, bdir), JsonSpool(bdir)
            try:
                counts = _read_papers(corpus, lexicon, graph, records, bdir / layout.PASSAGES)
                del lexicon
                graph.finish()
                watch.lap("graph")
                prev, pdir = (current, cdir) if _reusable(current, fingerprint) else (None, None)
                reused = {} if force else _reused(corpus, counts, prev, pdir)
                todo = np.fromiter((pid not in reused for pid in corpus.ids()), dtype=bool, count=len(corpus))
                n_texts = int(counts[todo].sum())
                report.embedded_papers = int(todo.sum())
                report.reused_papers = len(corpus) - report.embedded_papers
                report.embedded_passages = n_texts
                watch.lap("plan")
                embedder = None
                if n_texts:
                    embedder = choose_embedder(model, n_texts, prev, pdir, embedder_factory, ray, progress)
                    report.embedder = embedder_name(embedder)
                watch.lap("load_model")
                try:
                    matrix = write_vectors(
                        corpus.ids(),
                        counts,
                        reused,
                        pdir,
                        embedder,
                        bdir / layout.VECTORS,
                        bdir / layout.PASSAGES,
                        progress,
                    )
                finally:
                    if isinstance(embedder, StreamEmbedder):  # leave the Ray cluster (stop the one it started)
                        embedder.close()
                watch.lap("embed")
                if fail_after_embedding:
                    raise RuntimeError("build stopped on purpose after embedding (test hook)")
                index, vinfo = vectors.build(
                    matrix, exact_limit=vectors.EXACT_LIMIT if exact_limit is None else exact_limit
                )
                vectors.save(index, bdir / layout.VECTOR_INDEX)
                n_vectors, dim = matrix.shape
                del index, matrix
                watch.lap("faiss")
                layout.write_json(bdir / layout.VOCABULARY, build_vocabulary(lexical_text(r) for r in records))
                arrays = layout.lexical_arrays(bdir / layout.LEXICAL)  # written as they are made, never held
                layout.write_lexical(bdir / layout.LEXICAL, *lexical.build((lexical_text(r) for r in records), arrays))
                watch.lap("lexical")
                eras: list[EraRecord] = [asdict(e) for e in corpus.eras]  # type: ignore[misc]
                parts = layout.GraphParts(graph.papers(), graph.edges(), graph.external())
                n_papers = layout.write_records(bdir, _with_neighbours(records, graph), parts, eras)
                watch.lap("records")
                counted = {"papers": n_papers, "passages": int(counts.sum()), "vectors": int(n_vectors)}
                counted.update(edges=graph.n_edges, external=graph.n_external)
            finally:
                graph.close()
                records.close()
            onnx_info = _export_onnx(model, bdir, fingerprint)
            watch.lap("query_encoder")
            manifest: dict[str, Any] = {
                "query_encoder": onnx_info,
                "format_version": layout.FORMAT_VERSION,
                "passages_format": layout.PASSAGES_FORMAT,
                "version": version,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "build_seconds": None,
                "model": {"name": model, "fingerprint": fingerprint, "dim": int(dim)},
                "corpus": str(corpus.root),
                "corpus_hash": corpus.content_hash(),
                "papers": corpus.hashes(),
                "counts": counted,
                "vector_index": vinfo,
                "files": layout.describe_files(bdir, pdir, prev["files"] if prev else None),
            }
            watch.lap("checksums")
            report.seconds = time.perf_counter() - started
            manifest["build_seconds"] = round(report.seconds, 3)
            manifest["build_stages"] = dict(watch.stages)
            manifest["embedded_with"] = embedded_with(embedder)
            manifest["checksum"] = layout.manifest_checksum(manifest)
            layout.write_json(bdir / layout.MANIFEST, manifest)
            del manifest
            check_version(bdir)  # check it the way a searcher will load it, before anyone can
            watch.lap("verify")
            store.publish(index_dir, bdir, version)
            watch.lap("publish")
        except BaseException:
            shutil.rmtree(bdir, ignore_errors=True)
            raise
        report.version = version
        report.removed += store.clean(index_dir)
    report.seconds = time.perf_counter() - started
    return report


def _reused(
    corpus: Scan, counts: ndarray, prev: dict[str, Any] | None, pdir: Path | None
) -> dict[str, tuple[int, int]]:
    """The rows of the previous version that hold each unchanged paper's vectors (as many as it has passages)."""
    rows = reusable_rows(prev, pdir, corpus.hashes())
    return {pid: rows[pid] for pid, n in zip(corpus.ids(), counts, strict=True) if rows.get(pid, (0, -1))[1] == n}


def _read_papers(
    corpus: Scan, lexicon: Lexicon, graph: SpooledGraph, records: JsonSpool, passages_path: Path
) -> ndarray:
    """The third read, in corpus order: each paper's edges into ``graph``, its record (but its neighbours)
    into ``records``, its passages into ``passages_path``; returns how many passages each paper has."""
    import numpy as np

    era_names = {e.id: e.name for e in corpus.eras}
    counts = np.zeros(len(corpus), dtype=np.int64)
    writer = layout.PassageWriter(passages_path)
    try:
        for i, paper in enumerate(corpus.papers()):
            edges, external = extract(paper, (), lexicon)
            graph.add(paper, edges, external)
            hood: Neighbourhood = {"cites": [], "cited_by": [], "external": []}
            hood["external"] = [{"ref": x.ref, "evidence": x.evidence} for x in external]
            records.append(paper_record(paper, era_names.get(paper.era, paper.era), hood))
            passages = paper_passages(paper)
            for passage in passages:
                writer.add(passage.paper_id, passage.kind, passage.text)
            counts[i] = len(passages)
    finally:
        writer.close()
    return counts


def _with_neighbours(records: JsonSpool, graph: SpooledGraph) -> Iterator[PaperRecord]:
    """The records put aside by ``_read_papers``, each with its neighbours now that every edge is known."""
    for i, record in enumerate(records):
        record["references"]["cites"], record["references"]["cited_by"] = graph.neighbours(i)
        yield record


def _export_onnx(model: str, bdir: Path, fingerprint: str) -> dict[str, Any] | None:
    """Put the ONNX query encoder into the new version (exported once per model, cached in ``<index>/.cache``).

    Returns its manifest entry, or None when the model cannot be exported: queries then use torch.
    """
    from ..encode.model import resolve_model_path
    from ..encode.onnx_export import export_cached

    target = bdir / layout.QUERY_ENCODER
    try:
        info = export_cached(resolve_model_path(model), fingerprint, bdir.parent / store.CACHE, target)
    except Exception as exc:  # the torch query path still works; say why the fast one is missing
        shutil.rmtree(target, ignore_errors=True)
        logging.getLogger("papersearch.index").warning(
            "no ONNX query encoder for %s (%s: %s); queries will load torch", model, exc.__class__.__name__, exc
        )
        return None
    return layout.onnx_entry(info)
