"""The one place that picks an encoder: for queries, the index's ONNX export or sentence-transformers.

The ONNX path (``onnx_query.OnnxQueryEncoder``) imports neither torch nor sentence-transformers, so a
one-shot query starts fast; its fp32 graph gives the same vectors as the model the index was built with.
``PAPERSEARCH_QUERY_ENCODER=torch`` forces sentence-transformers; ``=onnx`` insists on ONNX.
ONNX queries run the export's fp32 graph; ``PAPERSEARCH_QUERY_PRECISION=int8`` runs its int8 copy
(when the version has one): about half the CPU a query, the same dev-set figures, but single rankings move.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..core.errors import IndexStateError
from ..core.settings import Settings

if TYPE_CHECKING:  # only named in signatures: reading an index's manifest or records needs no numpy
    import numpy as np


class QueryEncoder(Protocol):
    """Anything that turns one query into a unit-length float32 vector."""

    def encode_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class OnnxSpec:
    """Where an index version keeps its ONNX export, and how it was made (from the manifest)."""

    dir: Path
    max_length: int | None = None
    precision: str = "fp32"  # of ``file``
    file: str = "model.onnx"
    int8_file: str | None = None  # the same graph quantised to int8, beside it in ``dir``


class EmbedderQueryEncoder:
    """Queries through sentence-transformers (imports torch; seconds to start)."""

    def __init__(self, model: str) -> None:
        from .sentence import Embedder

        self._embedder = Embedder(model)

    def encode_query(self, text: str) -> np.ndarray:
        vec: np.ndarray = self._embedder.encode([text])[0]
        return vec


def query_encoder(
    model: str,
    onnx: OnnxSpec | None,
    settings: Settings,
    one_shot: bool = False,
    version: str = "",
) -> QueryEncoder:
    """The query encoder for an index version built with ``model``; see the module docstring for the choice.

    Queries encoded at the same time (a server's concurrent requests) share one ONNX run of up to
    ``settings.query_batch`` texts (``batching.BatchingEncoder``), on ``settings.query_batch_threads()``
    threads; a lone query runs on ``settings.query_threads()``; ``query_batch`` 1 encodes each alone.

    ``one_shot``: for a process that encodes a query or two and exits — the ONNX session skips
    repacking its weights (opens ~0.13 s sooner; each query then takes about twice as long).
    """
    choice = settings.query_encoder
    if onnx is not None and choice != "torch":
        from .onnx_query import OnnxQueryEncoder

        int8 = settings.query_precision == "int8" and onnx.int8_file is not None
        batching = not one_shot and settings.query_batch >= 2
        encoder = OnnxQueryEncoder(
            onnx.dir,
            threads=settings.query_threads(one_shot),
            max_length=onnx.max_length,
            prepack=not one_shot,
            file=onnx.int8_file if int8 and onnx.int8_file else onnx.file,
            batch_threads=settings.query_batch_threads() if batching else None,
        )
        if not batching:
            return encoder
        from .batching import BatchingEncoder

        return BatchingEncoder(encoder, max_batch=settings.query_batch)
    if choice == "onnx":
        raise IndexStateError(
            f"PAPERSEARCH_QUERY_ENCODER=onnx but index version {version} has no ONNX query encoder; "
            "run `papersearch index --force`"
        )
    return EmbedderQueryEncoder(model)
