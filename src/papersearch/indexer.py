"""Build the index (``papersearch index``): incremental, checked, and published atomically.

Steps: load and check the corpus, extract the graph, make every paper's views, reuse the vectors of
papers whose content hash and model are unchanged since the current version, embed the rest, write
FAISS, BM25 and records into a fresh ``.build-*`` folder, verify it loads, then publish it with
one rename. Any failure before that rename leaves the current version untouched.

Vectors stream: views are embedded ``EMBED_BATCH`` texts at a time and written straight into a
memory-mapped ``vectors.npy`` (reused rows are copied from the previous version's file), and
``views.json`` is written row by row, so neither every text nor every vector is held at once.
A small incremental change is embedded with the previous version's ONNX export of the same model
(same vectors, no torch import); anything larger, or a first build, with sentence-transformers.

numpy and the build steps' modules are imported only once something must be built, so finding an
unchanged corpus up to date costs little more than reading it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import store
from .corpus import Corpus, load_corpus, paper_hash
from .errors import IndexStateError, PapersearchError
from .models import Paper
from .records import corpus_records, lexical_text
from .spelling import build_vocabulary
from .views import paper_views

if TYPE_CHECKING:
    import numpy as np

VIEWS_FORMAT = 1
EMBED_BATCH = 8192  # texts per embedder call; sentence-transformers sorts each batch by length
ONNX_EMBED_LIMIT = 2000  # up to this many texts the ONNX export embeds them (torch would take seconds to import)
ONNX_FEW_TEXTS = 16  # up to this many (an edited paper or two): one thread, weights not prepacked


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
    stages: dict[str, float] = field(default_factory=dict)  # seconds per step, in order
    embedder: str = ""  # "sentence-transformers", "onnx", or the factory's class name


class EmbedderLike(Protocol):
    """The shape build() needs; embed.Embedder satisfies it."""

    dim: int

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray: ...


class _Stopwatch:
    """Seconds per named step, for the report and the manifest."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = round(self.stages.get(name, 0.0) + now - self._last, 3)
        self._last = now


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index folder."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise IndexStateError(f"{index_dir} is a file, not an index folder; point --index at a folder") from None
    except OSError as exc:
        raise IndexStateError(f"cannot create the index folder {index_dir}: {exc.strerror}") from None
    with (index_dir / ".lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexStateError(
                f"another `papersearch index` is building {index_dir}; wait for it to finish"
            ) from None
        yield


def _in_use(index_dir: Path) -> tuple[dict[str, Any] | None, Path | None]:
    """The manifest and folder of the version in use when it is intact (files verified), else (None, None)."""
    try:
        vdir = store.version_dir(index_dir)
        manifest = store.read_manifest(vdir)
        store.verify_files(vdir, manifest)
    except PapersearchError:
        return None, None
    return manifest, vdir


def _reusable(manifest: dict[str, Any] | None, fingerprint: str) -> bool:
    """Whether a version's vectors (and its ONNX export) can be reused: same model weights and views."""
    return (
        manifest is not None
        and manifest.get("model", {}).get("fingerprint") == fingerprint
        and manifest.get("views_format") == VIEWS_FORMAT
    )


def _view_papers(path: Path) -> Iterator[str]:
    """The paper id of each row of a views.json, read a row at a time when it was written that way."""
    with path.open(encoding="utf-8") as fh:
        first = fh.readline()
        if first.strip() != "[":  # written in one piece
            for row in json.loads(first + fh.read()):
                yield row[0]
            return
        for line in fh:
            line = line.strip().rstrip(",")
            if line and line != "]":
                yield json.loads(line)[0]


def _reusable_rows(
    prev: dict[str, Any] | None, pdir: Path | None, wanted: dict[str, str]
) -> dict[str, tuple[int, int]]:
    """(first row, row count) in the previous version's vectors.npy of each paper whose content hash is unchanged."""
    if prev is None or pdir is None:
        return {}
    spans: dict[str, tuple[int, int]] = {}
    broken: set[str] = set()
    try:
        last = None
        for i, pid in enumerate(_view_papers(pdir / "views.json")):
            if pid == last:
                spans[pid] = (spans[pid][0], spans[pid][1] + 1)
            elif pid in spans:
                broken.add(pid)  # rows not contiguous: embed it again
            else:
                spans[pid] = (i, 1)
            last = pid
    except (OSError, ValueError, IndexError, TypeError):
        return {}
    old_hashes = prev.get("papers", {})
    return {
        pid: spans[pid] for pid, h in wanted.items() if old_hashes.get(pid) == h and pid in spans and pid not in broken
    }


def is_current(manifest: dict[str, Any] | None, corpus: Corpus, fingerprint: str) -> bool:
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
) -> BuildReport:
    """Build and publish a new index version; see the module docstring.

    ``exact_limit``: below this many vectors the FAISS index is exact (default ``vectors.EXACT_LIMIT``;
    tests lower it to get an IVF index).
    """
    started = time.perf_counter()
    watch = _Stopwatch()
    corpus = load_corpus(corpus_dir)
    watch.lap("load_corpus")
    fingerprint = _fingerprint(model, index_dir / ".cache")
    report = BuildReport(papers=len(corpus.papers), stages=watch.stages)
    with build_lock(index_dir):
        report.removed = store.clean(index_dir)
        current, cdir = _in_use(index_dir)
        if not force and is_current(current, corpus, fingerprint):
            report.version = store.current_version(index_dir)
            report.unchanged = True
            report.reused_papers = len(corpus.papers)
            report.seconds = time.perf_counter() - started
            return report
        watch.lap("check_current")
        import numpy as np

        from . import lexical, vectors

        watch.lap("imports")
        records, graph = corpus_records(corpus)
        watch.lap("graph")
        hashes = {p.id: paper_hash(p) for p in corpus.papers}
        prev, pdir = (current, cdir) if _reusable(current, fingerprint) else (None, None)
        counts = np.array([len(paper_views(p)) for p in corpus.papers], dtype=np.int64)
        reused = {} if force else _reusable_rows(prev, pdir, hashes)
        reused = {
            p.id: reused[p.id] for p, n in zip(corpus.papers, counts, strict=True) if reused.get(p.id, (0, -1))[1] == n
        }
        todo = [i for i, p in enumerate(corpus.papers) if p.id not in reused]
        n_texts = int(counts[todo].sum()) if todo else 0
        report.embedded_papers, report.reused_papers = len(todo), len(corpus.papers) - len(todo)
        report.embedded_views = n_texts
        watch.lap("plan")
        version = store.new_version_name()
        bdir = index_dir / f".build-{version}"
        try:
            bdir.mkdir(parents=True)
            embedder = None
            if n_texts:
                embedder = _embedder(model, n_texts, prev, pdir, embedder_factory)
                report.embedder = _embedder_name(embedder)
            watch.lap("load_model")
            matrix = _write_vectors(
                corpus.papers, counts, reused, pdir, embedder, bdir / "vectors.npy", bdir / "views.json", progress
            )
            watch.lap("embed")
            if fail_after_embedding:
                raise RuntimeError("build stopped on purpose after embedding (test hook)")
            index, vinfo = vectors.build(
                matrix, exact_limit=vectors.EXACT_LIMIT if exact_limit is None else exact_limit
            )
            vectors.save(index, bdir / "vectors.faiss")
            n_vectors, dim = matrix.shape
            del index, matrix
            watch.lap("faiss")
            store.write_json(bdir / "papers.json", records)
            store.write_json(bdir / "graph.json", graph)
            store.write_json(bdir / "eras.json", [e.__dict__ for e in corpus.eras])
            store.write_json(bdir / "vocabulary.json", build_vocabulary(lexical_text(r) for r in records))
            watch.lap("records")
            lexical.build((lexical_text(r) for r in records), bdir / "lexical")
            watch.lap("lexical")
            onnx_info = _maybe_export_onnx(model, bdir, fingerprint)
            watch.lap("query_encoder")
            manifest: dict[str, Any] = {
                "query_encoder": onnx_info,
                "format_version": store.FORMAT_VERSION,
                "views_format": VIEWS_FORMAT,
                "version": version,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "build_seconds": None,
                "model": {"name": model, "fingerprint": fingerprint, "dim": int(dim)},
                "corpus": str(corpus.root),
                "corpus_hash": corpus.content_hash(),
                "papers": hashes,
                "counts": {
                    "papers": len(records),
                    "views": int(counts.sum()),
                    "vectors": int(n_vectors),
                    "edges": len(graph["edges"]),
                    "external": len(graph["external"]),
                },
                "vector_index": vinfo,
                "files": store.describe_files(bdir, pdir, prev["files"] if prev else None),
            }
            watch.lap("checksums")
            report.seconds = time.perf_counter() - started
            manifest["build_seconds"] = round(report.seconds, 3)
            manifest["build_stages"] = dict(watch.stages)
            manifest["embedded_with"] = report.embedder or None
            manifest["checksum"] = store.manifest_checksum(manifest)
            store.write_json(bdir / store.MANIFEST, manifest)
            _check_build(bdir)
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


def _fingerprint(model: str, cache: Path) -> str:
    """``embed.model_fingerprint``, remembered in ``cache`` against the model files' sizes and mtimes.

    Hashing the weights takes a few tenths of a second on every ``papersearch index``; a model
    folder whose files all keep their size and modification time keeps its fingerprint.
    """
    from .embed import model_fingerprint
    from .settings import resolve_model_path

    path = Path(resolve_model_path(model))
    if not path.is_dir():
        return model_fingerprint(model)
    stamp = [
        [f.relative_to(path).as_posix(), f.stat().st_size, f.stat().st_mtime_ns]
        for f in sorted(path.rglob("*"))
        if f.is_file()
    ]
    memo = cache / "fingerprints.json"
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    entry = known.get(str(path)) if isinstance(known, dict) else None
    if isinstance(entry, dict) and entry.get("stamp") == stamp and isinstance(entry.get("fingerprint"), str):
        return str(entry["fingerprint"])
    fingerprint = model_fingerprint(model)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        store.write_json(memo, {str(path): {"stamp": stamp, "fingerprint": fingerprint}})
    except OSError:
        pass  # a read-only index folder: hash again next time
    return fingerprint


def _write_vectors(
    papers: Sequence[Paper],
    counts: np.ndarray,
    reused: dict[str, tuple[int, int]],
    pdir: Path | None,
    embedder: EmbedderLike | None,
    vectors_path: Path,
    views_path: Path,
    progress: bool,
) -> np.ndarray:
    """Write every paper's view vectors (reused or embedded) and ``views.json``; return the memory-mapped matrix."""
    import numpy as np

    old = np.load(pdir / "vectors.npy", mmap_mode="r", allow_pickle=False) if reused and pdir else None
    dim = embedder.dim if embedder is not None else int(old.shape[1]) if old is not None else 0
    total = int(counts.sum())
    matrix = np.lib.format.open_memmap(vectors_path, mode="w+", dtype=np.float32, shape=(total, dim))
    bar = _progress_bar(progress, total - sum(n for _, n in reused.values()))
    texts: list[str] = []
    rows: list[int] = []

    def flush() -> None:
        if texts:
            assert embedder is not None
            matrix[np.array(rows)] = embedder.encode(texts, progress=False)
            if bar is not None:
                bar.update(len(texts))
            texts.clear()
            rows.clear()

    row = 0
    with views_path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for i, p in enumerate(papers):
            views = paper_views(p)
            span = reused.get(p.id)
            if span is not None and old is not None:
                matrix[row : row + span[1]] = old[span[0] : span[0] + span[1]]
            else:
                texts.extend(v.text for v in views)
                rows.extend(range(row, row + len(views)))
                if len(texts) >= EMBED_BATCH:
                    flush()
            for j, v in enumerate(views):
                sep = ",\n" if i + 1 < len(papers) or j + 1 < len(views) else "\n"
                out.write(json.dumps([p.id, v.kind, v.text], ensure_ascii=False, separators=(",", ":")) + sep)
            row += len(views)
        flush()
        out.write("]\n")
    if bar is not None:
        bar.close()
    matrix.flush()
    return matrix


def _progress_bar(progress: bool, total: int) -> Any:
    if not progress or total <= 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="embedding", unit="text")


def _embedder(
    model: str,
    n_texts: int,
    prev: dict[str, Any] | None,
    pdir: Path | None,
    factory: Callable[[], EmbedderLike] | None,
) -> EmbedderLike:
    if factory is not None:
        return factory()
    if n_texts <= ONNX_EMBED_LIMIT and prev is not None and pdir is not None:
        onnx = _onnx_embedder(prev, pdir, n_texts)
        if onnx is not None:
            return onnx
    return _default_embedder(model)


def _embedder_name(embedder: EmbedderLike) -> str:
    if isinstance(embedder, _OnnxEmbedder):
        return "onnx"
    return "sentence-transformers" if type(embedder).__name__ == "Embedder" else type(embedder).__name__


class _OnnxEmbedder:
    """The previous version's fp32 ONNX export of the same model, as an EmbedderLike."""

    def __init__(self, encoder: Any) -> None:
        self._encoder = encoder
        self.dim = int(encoder.dim)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        return self._encoder.encode(texts, batch_size=32)  # float32 rows already


def _onnx_embedder(prev: dict[str, Any], pdir: Path, n_texts: int) -> _OnnxEmbedder | None:
    """None unless the previous version (same model fingerprint) holds an fp32 ONNX export that loads.

    A few texts (an edited paper) are embedded on one thread without prepacked weights: opening the
    session then costs ~20 ms instead of ~150 ms, more than the slower run loses, and a second
    thread only competes with whatever else the machine runs. More texts get every core.
    """
    from .query_encoder import onnx_info

    info = onnx_info(pdir, prev)
    if info is None or info.get("precision", "fp32") != "fp32":
        return None
    try:
        from .onnx_model import OnnxQueryEncoder

        max_length = info.get("max_length")
        few = n_texts <= ONNX_FEW_TEXTS
        encoder = OnnxQueryEncoder(
            (pdir / info["file"]).parent,
            threads=1 if few else os.cpu_count() or 1,
            max_length=int(max_length) if max_length else None,
            prepack=not few,
        )
    except Exception as exc:  # any trouble with the export: sentence-transformers embeds instead
        logging.getLogger("papersearch.index").info("not embedding with ONNX (%s: %s)", exc.__class__.__name__, exc)
        return None
    return _OnnxEmbedder(encoder)


def _default_embedder(model: str) -> EmbedderLike:
    from .embed import Embedder

    return Embedder(model)


def _maybe_export_onnx(model: str, bdir: Path, fingerprint: str | None = None) -> dict[str, Any] | None:
    """Put the ONNX query encoder into the new version (exported once per model, cached in ``<index>/.cache``).

    ``fingerprint``: the model's, when the caller has it (hashing the weights again takes tenths of a second).
    Returns its manifest entry, or None when the model cannot be exported: queries then use torch.
    """
    import logging

    from .embed import model_fingerprint
    from .onnx_model import DIRNAME, export_cached, int8_requested
    from .settings import resolve_model_path

    try:
        return export_cached(
            resolve_model_path(model),
            fingerprint or model_fingerprint(model),
            bdir.parent / ".cache",
            bdir,
            int8=int8_requested(),
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
