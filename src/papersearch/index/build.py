"""Build the index (``papersearch index``): incremental, checked, and published atomically.

Only the decisions live here. Read and check the corpus (``corpus.scan``: every check, keeping a
few facts per paper); if the version in use was built from the same corpus and model, stop.
Otherwise write a new version into a fresh ``.build-*`` folder (``build_steps``: the lexicon, the
graph, passages and records, vectors reused or embedded, FAISS, BM25, the manifest), check it as
a searcher would load it (``reader.check_version``), then publish it with one rename (``store``).
Any failure before that rename removes the folder and leaves the version in use untouched.

No step holds the corpus, or the index being written: what is held grows by a few bytes a paper
and an edge, plus the lexicon (under 1 KB a paper) and the vectors; the rest waits on disk.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import PapersearchError
from ..corpus.scan import Scan, scan_corpus
from ..encode.model import check_model_folder
from ..graph.lexicon import surname_key
from . import layout, store
from .build_steps import Job, Options, Stopwatch, write_version
from .disk import build_failure, is_disk_error, naming, space_needed
from .embedding import EmbedderLike, RayOptions, model_fingerprint_cached
from .reader import check_version, read_manifest


@dataclass
class BuildReport:
    """What a build did: the version in use after it, what was embedded or reused, and how long each step took."""

    version: str = ""
    papers: int = 0
    embedded_papers: int = 0
    reused_papers: int = 0
    embedded_passages: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    removed: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per step, in order
    cpu_stages: dict[str, float] = field(default_factory=dict)  # CPU seconds per step, the worker processes included
    embedder: str = ""  # "sentence-transformers", "onnx", or the factory's class name


def in_use(index_dir: Path) -> tuple[dict[str, Any] | None, Path | None]:
    """The manifest and folder of the version in use when it is intact, else (None, None).

    Every file is hashed (``integrity``): its vectors and query encoder may be reused, and a damaged
    file reused would be published under a new, valid checksum. A version of an older format whose vectors
    can be reused (``layout.REUSABLE_FORMATS``) is in use for this: it is stale, and rebuilt.
    """
    try:
        vdir = store.version_dir(index_dir)
        manifest = read_manifest(vdir, formats=layout.REUSABLE_FORMATS)
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
    """Whether an intact version's manifest says it was built from this corpus with this model, by this code
    (``layout.built_by_other_code``: its format, passages, words and graph extraction)."""
    return (
        manifest is not None
        and manifest.get("corpus_hash") == corpus.content_hash()
        and manifest.get("model", {}).get("fingerprint") == fingerprint
        and layout.built_by_other_code(manifest) is None
    )


def build(
    corpus_dir: Path,
    index_dir: Path,
    model: str,
    *,
    embedder_factory: Callable[[], EmbedderLike] | None = None,
    progress: bool = False,
    force: bool = False,
    exact_limit: int | None = None,
    ray: RayOptions | None = None,
) -> BuildReport:
    """Build and publish a new index version unless the one in use is current; see the module docstring.

    ``exact_limit``: below this many vectors the FAISS index is exact (default ``vectors.EXACT_LIMIT``;
    tests lower it to get an IVF index).
    ``ray``: embed the new passages on a Ray cluster (``index --ray``); the rest of the build is the same.
    """
    started = time.perf_counter()
    check_model_folder(model)  # before the corpus is read or the index touched
    watch = Stopwatch()
    corpus, shared = _scan(corpus_dir)
    watch.lap("load_corpus")
    fingerprint = model_fingerprint_cached(model, index_dir / store.CACHE)
    report = BuildReport(papers=len(corpus), stages=watch.stages, cpu_stages=watch.cpu)
    with store.build_lock(index_dir):
        report.removed = store.clean(index_dir)
        current, cdir = in_use(index_dir)
        if not force and is_current(current, corpus, fingerprint):
            report.version, report.unchanged, report.reused_papers = store.current_version(index_dir), True, len(corpus)
        else:
            watch.lap("check_current")
            prev, pdir = (current, cdir) if _reusable(current, fingerprint) else (None, None)
            options = Options(embedder_factory, progress, force, exact_limit, ray)
            job = Job(corpus, model, fingerprint, index_dir, options, watch, started, prev, pdir, current, cdir)
            report.removed += _publish_new_version(job, shared)
            _report_job(report, job)
            report.removed += store.clean(index_dir)
    report.seconds = time.perf_counter() - started
    return report


def _scan(corpus_dir: Path) -> tuple[Scan, set[str]]:
    """The first read: the corpus checked, and the first-author surnames several entries share."""
    surnames: Counter[str] = Counter()
    corpus = scan_corpus(corpus_dir, lambda paper: surnames.update((surname_key(paper),)))
    return corpus, {key for key, n in surnames.items() if n > 1}  # the lexicon keeps terms for these entries only


def _publish_new_version(job: Job, shared: set[str]) -> list[str]:
    """Write the new version, check it the way a searcher will load it (before anyone can), and publish it;
    the old versions removed to make way for it (``store.prune``).

    Any failure, at any step, removes the build folder and leaves the version in use as it was; a
    disk that refuses a write (full, or failing) ends the build with one ``DiskError`` naming the file.
    """
    try:
        with naming(job.bdir):  # the last resort: a write no step named happened in the build folder
            job.bdir.mkdir(parents=True)
            write_version(job, shared)
            removed = store.prune(job.index_dir, store.KEEP_VERSIONS - 1)  # the new version is one of those kept
            check_version(job.bdir)
            job.watch.lap("verify")
            store.publish(job.index_dir, job.bdir, job.version)
        job.watch.lap("publish")
        return removed
    except BaseException as exc:
        shutil.rmtree(job.bdir, ignore_errors=True)
        if isinstance(exc, OSError) and is_disk_error(exc):
            raise build_failure(exc, job.index_dir, _space_needed(job), store.named_version(job.index_dir)) from None
        raise


def _space_needed(job: Job) -> int:
    """An estimate of the disk space ``job`` needs (for the message of a build that ran out of it)."""
    from ..encode.model import resolve_model_path
    from ..encode.onnx_export import export_space, has_export

    try:
        export = (
            0
            if has_export(job.index_dir / store.CACHE, job.fingerprint)
            else export_space(resolve_model_path(job.model))
        )
    except Exception:  # the model folder cannot be read: leave the export out; never hide the disk's error
        export = 0
    return space_needed(len(job.corpus), job.current, export)


def _report_job(report: BuildReport, job: Job) -> None:
    report.version = job.version
    report.embedded_papers = job.embedded_papers
    report.reused_papers = report.papers - job.embedded_papers
    report.embedded_passages = job.embedded_passages
    report.embedder = job.embedder
