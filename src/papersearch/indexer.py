"""Build the index (``papersearch index``): incremental, checked, and published atomically.

Steps: load and check the corpus, extract the graph, make every paper's views, reuse the vectors of
papers whose content hash and model are unchanged since the current version, embed the rest, write
FAISS, BM25 and records into a fresh ``.build-*`` folder, verify it loads, then publish it with
one rename. Any failure before that rename leaves the current version untouched.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from . import lexical, store, vectors
from .corpus import Corpus, load_corpus, paper_hash
from .errors import IndexStateError, PapersearchError
from .records import corpus_records, lexical_text
from .spelling import build_vocabulary
from .views import View, paper_views

VIEWS_FORMAT = 1


@dataclass
class BuildReport:
    version: str = ""
    papers: int = 0
    embedded_papers: int = 0
    reused_papers: int = 0
    embedded_views: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    removed: list[str] = field(default_factory=list)


class EmbedderLike(Protocol):
    """The shape build() needs; embed.Embedder satisfies it."""

    dim: int

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray: ...


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index folder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexStateError(
                f"another `papersearch index` is building {index_dir}; wait for it to finish"
            ) from None
        yield


def _previous(index_dir: Path, fingerprint: str) -> tuple[dict[str, Any] | None, Path | None]:
    try:
        vdir = store.version_dir(index_dir)
        manifest = store.read_manifest(vdir)
        store.verify_files(vdir, manifest)
    except PapersearchError:
        return None, None
    if manifest.get("model", {}).get("fingerprint") != fingerprint or manifest.get("views_format") != VIEWS_FORMAT:
        return None, None
    return manifest, vdir


def _reusable_rows(prev: dict[str, Any] | None, pdir: Path | None, wanted: dict[str, str]) -> dict[str, np.ndarray]:
    """Vectors of the previous version's papers whose content hash is unchanged."""
    if prev is None or pdir is None:
        return {}
    try:
        rows = json.loads((pdir / "views.json").read_text(encoding="utf-8"))
        vecs = np.load(pdir / "vectors.npy", allow_pickle=False, mmap_mode="r")
    except (OSError, ValueError):
        return {}
    old_hashes = prev.get("papers", {})
    by_paper: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_paper.setdefault(r[0], []).append(i)
    out = {}
    for pid, h in wanted.items():
        if old_hashes.get(pid) == h and pid in by_paper:
            out[pid] = np.array(vecs[by_paper[pid]], dtype=np.float32)
    return out


def is_current(index_dir: Path, corpus: Corpus, fingerprint: str) -> bool:
    try:
        vdir = store.version_dir(index_dir)
        m = store.read_manifest(vdir)
        store.verify_files(vdir, m)
    except PapersearchError:
        return False
    return m.get("corpus_hash") == corpus.content_hash() and m.get("model", {}).get("fingerprint") == fingerprint


def build(
    corpus_dir: Path,
    index_dir: Path,
    model: str,
    embedder_factory: Callable[[], EmbedderLike] | None = None,
    progress: bool = False,
    force: bool = False,
    fail_after_embedding: bool = False,
) -> BuildReport:
    """Build and publish a new index version; see the module docstring."""
    from .embed import model_fingerprint

    started = time.perf_counter()
    corpus = load_corpus(corpus_dir)
    fingerprint = model_fingerprint(model)
    report = BuildReport(papers=len(corpus.papers))
    with build_lock(index_dir):
        report.removed = store.clean(index_dir)
        if not force and is_current(index_dir, corpus, fingerprint):
            report.version = store.current_version(index_dir)
            report.unchanged = True
            report.reused_papers = len(corpus.papers)
            report.seconds = time.perf_counter() - started
            return report
        records, graph = corpus_records(corpus)
        hashes = {p.id: paper_hash(p) for p in corpus.papers}
        prev, pdir = _previous(index_dir, fingerprint)
        reused = {} if force else _reusable_rows(prev, pdir, hashes)
        views_by_paper: dict[str, list[View]] = {p.id: paper_views(p) for p in corpus.papers}
        todo = [p.id for p in corpus.papers if p.id not in reused]
        texts = [v.text for pid in todo for v in views_by_paper[pid]]
        fresh = np.zeros((0, 0), dtype=np.float32)
        dim = None
        if texts:
            embedder = embedder_factory() if embedder_factory else _default_embedder(model)
            fresh = embedder.encode(texts, progress=progress)
            dim = embedder.dim
        report.embedded_papers, report.reused_papers, report.embedded_views = len(todo), len(reused), len(texts)
        if fail_after_embedding:
            raise RuntimeError("build stopped on purpose after embedding (test hook)")
        if dim is None:
            dim = int(next(iter(reused.values())).shape[1])
        rows: list[list[Any]] = []
        blocks: list[np.ndarray] = []
        offset = 0
        for p in corpus.papers:
            vs = views_by_paper[p.id]
            if p.id in reused:
                blocks.append(reused[p.id])
            else:
                blocks.append(fresh[offset : offset + len(vs)])
                offset += len(vs)
            rows.extend([p.id, v.kind, v.text] for v in vs)
        matrix = np.ascontiguousarray(np.vstack(blocks), dtype=np.float32)
        version = store.new_version_name()
        bdir = index_dir / f".build-{version}"
        try:
            bdir.mkdir(parents=True)
            np.save(bdir / "vectors.npy", matrix, allow_pickle=False)
            index, vinfo = vectors.build(matrix)
            vectors.save(index, bdir / "vectors.faiss")
            store.write_json(bdir / "views.json", rows)
            store.write_json(bdir / "papers.json", records)
            store.write_json(bdir / "graph.json", graph)
            store.write_json(bdir / "eras.json", [e.__dict__ for e in corpus.eras])
            store.write_json(bdir / "vocabulary.json", build_vocabulary(lexical_text(r) for r in records))
            lexical.build([lexical_text(r) for r in records], bdir / "lexical")
            onnx_info = _maybe_export_onnx(model, bdir)
            manifest: dict[str, Any] = {
                "query_encoder": onnx_info,
                "format_version": store.FORMAT_VERSION,
                "views_format": VIEWS_FORMAT,
                "version": version,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "build_seconds": None,
                "model": {"name": model, "fingerprint": fingerprint, "dim": dim},
                "corpus": str(corpus.root),
                "corpus_hash": corpus.content_hash(),
                "papers": hashes,
                "counts": {
                    "papers": len(records),
                    "views": len(rows),
                    "vectors": int(matrix.shape[0]),
                    "edges": len(graph["edges"]),
                    "external": len(graph["external"]),
                },
                "vector_index": vinfo,
                "files": store.describe_files(bdir),
            }
            report.seconds = time.perf_counter() - started
            manifest["build_seconds"] = round(report.seconds, 3)
            manifest["checksum"] = store.manifest_checksum(manifest)
            store.write_json(bdir / store.MANIFEST, manifest)
            _check_build(bdir)
            store.publish(index_dir, bdir, version)
        except BaseException:
            shutil.rmtree(bdir, ignore_errors=True)
            raise
        report.version = version
        report.removed += store.clean(index_dir)
    report.seconds = time.perf_counter() - started
    return report


def _default_embedder(model: str) -> EmbedderLike:
    from .embed import Embedder

    return Embedder(model)


def _maybe_export_onnx(model: str, bdir: Path) -> dict[str, Any] | None:
    """Put the ONNX query encoder into the new version (exported once per model, cached in ``<index>/.cache``).

    Returns its manifest entry, or None when the model cannot be exported: queries then use torch.
    """
    import logging

    from .embed import model_fingerprint
    from .onnx_model import DIRNAME, export_cached, int8_requested
    from .settings import resolve_model_path

    try:
        return export_cached(
            resolve_model_path(model), model_fingerprint(model), bdir.parent / ".cache", bdir, int8=int8_requested()
        )
    except Exception as exc:  # the torch query path still works; say why the fast one is missing
        shutil.rmtree(bdir / DIRNAME, ignore_errors=True)
        logging.getLogger("papersearch.index").warning(
            "no ONNX query encoder for %s (%s: %s); queries will load torch", model, exc.__class__.__name__, exc
        )
        return None


def _check_build(bdir: Path) -> None:
    """Load the new version the way a searcher would before it is published."""
    from .search import IndexData

    IndexData.load_dir(bdir)


def check(corpus_dir: Path, index_dir: Path, model: str) -> tuple[bool, str]:
    """``papersearch index --check``: (ok, message)."""
    from .embed import model_fingerprint
    from .search import IndexData

    try:
        vdir = store.version_dir(index_dir)
        data = IndexData.load_dir(vdir, full_verify=True)
    except PapersearchError as exc:
        return False, str(exc)
    try:
        corpus = load_corpus(corpus_dir)
    except PapersearchError as exc:
        return False, f"the corpus has errors, so staleness cannot be judged:\n{exc}"
    if data.manifest.get("model", {}).get("fingerprint") != model_fingerprint(model):
        return (
            False,
            f"index {vdir.name} was built with another model ({data.manifest['model']['name']}); run `papersearch index`",
        )
    if data.manifest.get("corpus_hash") != corpus.content_hash():
        changed = _changed_papers(data.manifest, corpus)
        return (
            False,
            f"index {vdir.name} is stale: the corpus changed since it was built ({changed}); run `papersearch index`",
        )
    return (
        True,
        f"index {vdir.name} is up to date: {data.manifest['counts']['papers']} papers, {data.manifest['counts']['vectors']} vectors",
    )


def _changed_papers(manifest: dict[str, Any], corpus: Corpus) -> str:
    old = manifest.get("papers", {})
    new = {p.id: paper_hash(p) for p in corpus.papers}
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    edited = sorted(k for k in set(new) & set(old) if new[k] != old[k])
    parts = []
    for label, ids in (("edited", edited), ("added", added), ("removed", removed)):
        if ids:
            parts.append(f"{label}: {', '.join(ids[:5])}{' …' if len(ids) > 5 else ''}")
    return "; ".join(parts) or "eras changed"
