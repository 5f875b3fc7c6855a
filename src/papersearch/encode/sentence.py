"""Turn texts into normalised float32 vectors with sentence-transformers (the only module that imports it).

Torch and sentence-transformers (and numpy) are imported when an ``Embedder`` is made, so commands
that embed nothing stay fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import EncoderError
from .model import cannot_load, check_model_folder, resolve_model_path

if TYPE_CHECKING:
    import numpy as np


class Embedder:
    """A sentence-transformers model loaded once, encoding to unit-length float32 rows."""

    def __init__(self, model: str) -> None:
        check_model_folder(model)  # told before seconds of importing torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # loading a local folder is instant; its "Loading weights" bar would only clutter `index -q`
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        self.model_name = model
        self.path = resolve_model_path(model)
        try:
            self._model = SentenceTransformer(self.path, device="cpu")
        except Exception as exc:  # the library's many errors (OSError, ValueError...), each a screen of traceback
            raise EncoderError(cannot_load(model, _why(model, exc))) from None
        self.dim = int(self._model.get_embedding_dimension() or 0)
        self.max_seq_length = int(self._model.max_seq_length or 0)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=progress, convert_to_numpy=True
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True)["input_ids"])


def _why(model: str, exc: Exception) -> str:
    """What went wrong loading ``model``, in one line."""
    if not Path(model).expanduser().exists():  # a hub name: the library's message names a temporary path, not this
        return "no folder has that name, and the Hugging Face hub (or its cache, offline) has no model of that name"
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{exc.__class__.__name__}: {first[:200]}"
