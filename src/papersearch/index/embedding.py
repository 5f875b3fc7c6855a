"""The embedding stage of a build: which texts to embed, with what, and where their vectors go.

Vectors stream: the passages to embed are read back from the database (``database``, which the
build fills row by row before this stage), embedded ``EMBED_BATCH`` texts at a time and written
straight into ``vectors.npy`` (``matrix.MatrixWriter``: its space allocated first, written with
``pwrite``, never mapped; reused rows are copied from the previous version's file), so neither every
text nor every vector is held at once, and a full disk is an error naming the file rather than a SIGBUS.
A small incremental change is embedded with the previous version's ONNX export of the same model
(same vectors, no torch import); anything larger, or a first build, with sentence-transformers;
with ``RayOptions`` (``index --ray``), on a Ray cluster (``encode.distributed``), which takes all
the texts as one stream and hands the vectors back with their rows, in any order.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..core.errors import EncoderError, IndexStateError
from . import layout
from .database import connect
from .json_files import entries
from .matrix import MatrixFile, MatrixWriter
from .writer import write_json

if TYPE_CHECKING:
    import numpy as np

EMBED_BATCH = 8192  # texts per embedder call; sentence-transformers sorts each batch by length
ONNX_EMBED_LIMIT = 2000  # up to this many texts the ONNX export embeds them (torch would take seconds to import)
ONNX_FEW_TEXTS = 16  # up to this many (an edited paper or two): one thread, weights not prepacked


class EmbedderLike(Protocol):
    """The shape build() needs; embed.Embedder satisfies it."""

    dim: int

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray: ...


@runtime_checkable
class StreamEmbedder(Protocol):
    """An embedder given every text of a build at once, as (rows, texts) chunks (``encode.distributed.RayEmbedder``).

    It yields (rows, vectors) in any order; ``describe`` is the manifest's ``embedded_with`` and
    ``close`` lets go of what it holds (a cluster connection), whether or not the build succeeded.
    """

    def encode_stream(
        self, chunks: Iterable[tuple[np.ndarray, list[str]]]
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]: ...

    def describe(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


AnyEmbedder = EmbedderLike | StreamEmbedder


@dataclass(frozen=True)
class RayOptions:
    """Embed on a Ray cluster (``papersearch index --ray [ADDRESS]``).

    ``address``: None follows Ray's rule (``RAY_ADDRESS``, else a cluster ``ray start`` began on this
    machine, else a new local one); ``"auto"`` joins a running cluster; ``"local"`` starts a new one;
    else ``host:port`` or ``ray://host:port``. ``workers``: encoder actors (default one per CPU).
    """

    address: str | None = None
    workers: int | None = None


def passage_papers(path: Path) -> Iterator[str]:
    """The paper id of each row of a format-2 passages.json, read a row at a time."""
    with layout.reading(path, "passage texts"):
        for _, row in entries(path):
            yield row[0]


def _previous_spans(pdir: Path) -> dict[str, tuple[int, int]]:
    """(first row, row count) in a version's vectors.npy of each of its papers; {} when it cannot be read.

    A version of this format says so in its database and its ``passage_start``; one of format 2 in its
    passages.json (one row a passage, a paper's rows adjacent)."""
    import numpy as np

    try:
        if (pdir / layout.DATABASE).is_file():
            start = np.load(pdir / layout.COLUMNS / "passage_start.npy", allow_pickle=False)
            with closing(connect(pdir / layout.DATABASE)) as db:
                ids = db.execute("SELECT row, id FROM papers ORDER BY row")
                return {pid: (int(start[row]), int(start[row + 1] - start[row])) for row, pid in ids}
        spans: dict[str, tuple[int, int]] = {}
        broken: set[str] = set()
        last = None
        for i, pid in enumerate(passage_papers(pdir / layout.PASSAGES)):
            if pid == last:
                spans[pid] = (spans[pid][0], spans[pid][1] + 1)
            elif pid in spans:
                broken.add(pid)  # rows not contiguous: embed it again
            else:
                spans[pid] = (i, 1)
            last = pid
        return {pid: span for pid, span in spans.items() if pid not in broken}
    except (IndexStateError, OSError, ValueError, IndexError, TypeError, sqlite3.Error):  # damaged: embed again
        return {}


def reusable_rows(prev: dict[str, Any] | None, pdir: Path | None, wanted: dict[str, str]) -> dict[str, tuple[int, int]]:
    """(first row, row count) in the previous version's vectors.npy of each paper whose content hash is unchanged."""
    if prev is None or pdir is None:
        return {}
    spans = _previous_spans(pdir)
    old_hashes = prev.get("papers", {})
    return {pid: spans[pid] for pid, h in wanted.items() if old_hashes.get(pid) == h and pid in spans}


def model_fingerprint_cached(model: str, cache: Path) -> str:
    """``encode.model.model_fingerprint``, remembered in ``cache`` against the model files' sizes and mtimes.

    Hashing the weights takes a few tenths of a second on every ``papersearch index``; a model
    folder whose files all keep their size and modification time keeps its fingerprint.
    """
    from ..encode.model import model_fingerprint, resolve_model_path

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
        write_json(memo, {str(path): {"stamp": stamp, "fingerprint": fingerprint}})
    except OSError:
        pass  # a read-only index folder: hash again next time
    return fingerprint


Passages = Callable[[], Iterator[tuple[int, str, str]]]  # (row, paper id, text) of every passage, in row order


def write_vectors(
    ids: Iterable[str],
    counts: np.ndarray,
    reused: dict[str, tuple[int, int]],
    pdir: Path | None,
    embedder: AnyEmbedder | None,
    vectors_path: Path,
    passages: Passages,
    progress: bool,
) -> MatrixFile:
    """Write the vectors of every passage (reused or embedded) into ``vectors_path``; return it, to be read by rows.

    ``ids`` and ``counts``: each paper and its number of passages, in the order of the passages' rows.
    The file is made when the first vectors arrive (their width is the model's); reused rows are
    copied in afterwards.
    """
    total = int(counts.sum())
    expected = total - sum(n for _, n in reused.values())
    old = MatrixFile(pdir / layout.VECTORS) if reused and pdir else None
    out: MatrixWriter | None = None
    try:
        bar = _progress_bar(progress and not isinstance(embedder, StreamEmbedder), expected)  # Ray shows its own
        done = 0
        for rows, vecs in _embedded(embedder, _texts_to_embed(passages, reused)):
            out = out or MatrixWriter(vectors_path, "float32", (total, int(vecs.shape[1])))
            out.write_rows(rows, vecs)
            done += len(rows)
            if bar is not None:
                bar.update(len(rows))
        if bar is not None:
            bar.close()
        if done != expected:
            raise EncoderError(
                f"the embedder returned {done} vectors for {expected} passages (a bug: please report it); "
                "nothing was published"
            )
        dim = int(old.shape[1]) if old is not None else getattr(embedder, "dim", 0)
        out = out or MatrixWriter(vectors_path, "float32", (total, dim))
        if old is not None:
            _copy_reused(out, old, ids, counts, reused)
        out.close()
    finally:
        if old is not None:
            old.close()
    return MatrixFile(vectors_path)


def _copy_reused(
    out: MatrixWriter, old: MatrixFile, ids: Iterable[str], counts: np.ndarray, reused: dict[str, tuple[int, int]]
) -> None:
    """The reused papers' rows, copied from the previous version's vectors into their new places."""
    row = 0
    for pid, n in zip(ids, counts, strict=True):
        span = reused.get(pid)
        if span is not None:
            out.write(row, old[span[0] : span[0] + span[1]])
        row += int(n)


def _texts_to_embed(passages: Passages, reused: dict[str, tuple[int, int]]) -> Iterator[tuple[np.ndarray, list[str]]]:
    """(rows, texts) of the passages of papers not reused, at least ``EMBED_BATCH`` at a time (whole papers)."""
    import numpy as np

    texts: list[str] = []
    rows: list[int] = []
    last = None
    for row, pid, text in passages():
        if pid != last and len(texts) >= EMBED_BATCH:  # a batch ends with a paper
            yield np.array(rows, dtype=np.int64), texts
            texts, rows = [], []
        last = pid
        if pid not in reused:
            texts.append(text)
            rows.append(row)
    if texts:
        yield np.array(rows, dtype=np.int64), texts


def _embedded(
    embedder: AnyEmbedder | None, chunks: Iterator[tuple[np.ndarray, list[str]]]
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(rows, vectors) of every chunk: one ``encode`` call per chunk, or the whole stream to a StreamEmbedder."""
    if embedder is None:
        for rows, _ in chunks:  # nothing to embed: this only writes passages.json
            raise EncoderError(f"{len(rows)} passages to embed but no embedder")
    elif isinstance(embedder, StreamEmbedder):
        yield from embedder.encode_stream(chunks)
    else:
        for rows, texts in chunks:
            yield rows, embedder.encode(texts, progress=False)


def _progress_bar(progress: bool, total: int) -> Any:
    if not progress or total <= 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="embedding", unit="text")


def choose_embedder(
    model: str,
    n_texts: int,
    prev: dict[str, Any] | None,
    pdir: Path | None,
    factory: Callable[[], EmbedderLike] | None,
    ray: RayOptions | None = None,
    progress: bool = False,
) -> AnyEmbedder:
    """The embedder for ``n_texts`` new passages: the factory's, Ray's when asked, ONNX for a few, else torch."""
    if factory is not None:
        return factory()
    if ray is not None:  # asked for: every new passage goes to the cluster, however few
        from ..encode.distributed import RayEmbedder

        return RayEmbedder(model, ray.address, ray.workers, verbose=progress)
    if n_texts <= ONNX_EMBED_LIMIT and prev is not None and pdir is not None:
        onnx = _onnx_embedder(prev, pdir, n_texts)
        if onnx is not None:
            return onnx
    return _default_embedder(model)


def embedder_name(embedder: AnyEmbedder) -> str:
    """The report's name for an embedder: "sentence-transformers", "onnx", "ray", or a factory's class name."""
    if isinstance(embedder, _OnnxEmbedder):
        return "onnx"
    if isinstance(embedder, StreamEmbedder):
        return str(embedder.describe().get("engine", type(embedder).__name__))
    return "sentence-transformers" if type(embedder).__name__ == "Embedder" else type(embedder).__name__


def embedded_with(embedder: AnyEmbedder | None) -> str | dict[str, Any] | None:
    """The manifest's record of how the vectors were made: a local embedder's name, or a stream's description."""
    if embedder is None:
        return None
    return embedder.describe() if isinstance(embedder, StreamEmbedder) else embedder_name(embedder)


class _OnnxEmbedder:
    """The previous version's fp32 ONNX export of the same model, as an EmbedderLike."""

    def __init__(self, encoder: Any) -> None:
        self._encoder = encoder
        self.dim = int(encoder.dim)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        rows: np.ndarray = self._encoder.encode(texts, batch_size=32)  # float32 rows already
        return rows


def _onnx_embedder(prev: dict[str, Any], pdir: Path, n_texts: int) -> _OnnxEmbedder | None:
    """None unless the previous version (same model fingerprint) holds an fp32 ONNX export that loads.

    A few texts (an edited paper) are embedded on one thread without prepacked weights: opening the
    session then costs ~20 ms instead of ~150 ms, more than the slower run loses, and a second
    thread only competes with whatever else the machine runs. More texts get every core.
    """
    spec = layout.onnx_spec(pdir, prev)
    if spec is None or spec.precision != "fp32":
        return None
    try:
        from ..encode.onnx_query import OnnxQueryEncoder

        few = n_texts <= ONNX_FEW_TEXTS
        encoder = OnnxQueryEncoder(
            spec.dir, threads=1 if few else os.cpu_count() or 1, max_length=spec.max_length, prepack=not few
        )
    except Exception as exc:  # any trouble with the export: sentence-transformers embeds instead
        logging.getLogger("papersearch.index").info("not embedding with ONNX (%s: %s)", exc.__class__.__name__, exc)
        return None
    return _OnnxEmbedder(encoder)


def _default_embedder(model: str) -> EmbedderLike:
    from ..encode.sentence import Embedder

    return Embedder(model)
