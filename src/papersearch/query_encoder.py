"""Pick the query encoder for an index version: its ONNX export when present, else sentence-transformers.

The ONNX path (``onnx_model.OnnxQueryEncoder``) imports neither torch nor sentence-transformers, so a
one-shot query starts fast; it gives the same vectors as the model the index was built with.
``PAPERSEARCH_QUERY_ENCODER=torch`` forces sentence-transformers; ``=onnx`` insists on ONNX.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from .errors import IndexStateError, PapersearchError

ENV = "PAPERSEARCH_QUERY_ENCODER"
CHOICES = ("auto", "onnx", "torch")
ONNX_FILE = "query_encoder/model.onnx"


class EmbedderQueryEncoder:
    """Queries through sentence-transformers (imports torch; seconds to start)."""

    def __init__(self, model: str) -> None:
        from .embed import Embedder

        self._embedder = Embedder(model)

    def encode_query(self, text: str) -> np.ndarray:
        return self._embedder.encode([text])[0]


def onnx_info(vdir: Path, manifest: dict[str, Any]) -> dict[str, Any] | None:
    """The version's ONNX query encoder as the manifest describes it (or as its file list shows), if any."""
    info = manifest.get("query_encoder")
    if isinstance(info, dict) and info.get("type") == "onnx":
        file = str(info.get("file") or ONNX_FILE)
    elif ONNX_FILE in manifest.get("files", {}):
        info, file = {"type": "onnx", "file": ONNX_FILE}, ONNX_FILE
    else:
        return None
    if not (vdir / file).is_file():
        return None
    return {**info, "file": file}


def encoder_for(vdir: Path, manifest: dict[str, Any], one_shot: bool = False) -> Any:
    """The query encoder for the version in ``vdir``; see the module docstring for the choice.

    ``one_shot``: for a process that encodes a query or two and exits — the ONNX session skips
    repacking its weights (opens ~0.13 s sooner; each query then takes about twice as long).
    """
    choice = os.environ.get(ENV, "").strip().lower() or "auto"
    if choice not in CHOICES:
        raise PapersearchError(f"{ENV}={choice!r} is not one of {', '.join(CHOICES)}; unset it to pick automatically")
    info = None if choice == "torch" else onnx_info(vdir, manifest)
    if info is not None:
        from .onnx_model import OnnxQueryEncoder, ort_threads

        max_length = info.get("max_length")
        return OnnxQueryEncoder(
            (vdir / info["file"]).parent,
            # one thread for a one-shot query: a second one gained nothing while the index loads beside it
            threads=ort_threads(1) if one_shot else None,
            max_length=int(max_length) if max_length else None,
            prepack=not one_shot,
        )
    if choice == "onnx":
        raise IndexStateError(
            f"{ENV}=onnx but index version {vdir.name} has no ONNX query encoder; run `papersearch index --force`"
        )
    return EmbedderQueryEncoder(manifest["model"]["name"])
