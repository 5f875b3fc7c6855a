"""Pick the query encoder for an index: sentence-transformers for now (the model the index was built with)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


class EmbedderQueryEncoder:
    def __init__(self, model: str) -> None:
        from .embed import Embedder

        self._embedder = Embedder(model)

    def encode_query(self, text: str) -> np.ndarray:
        return self._embedder.encode([text])[0]


def encoder_for(vdir: Path, manifest: dict[str, Any]) -> Any:
    return EmbedderQueryEncoder(manifest["model"]["name"])
