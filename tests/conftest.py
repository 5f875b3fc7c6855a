"""Shared fixtures: the real corpus, and one real index of it built once per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEED = ROOT.parent / "shared" / "seed" / "000_d8fdb14f3d820a03.txt"
MODEL = "bundled:all-MiniLM-L6-v2"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"the seed page is not beside the project ({SEED})")
    return SEED


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real index of the real corpus, built once (read-only for tests: copy it to change it)."""
    from papersearch.index.build import build

    out = tmp_path_factory.mktemp("index")
    build(CORPUS, out, MODEL)
    return out


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


@pytest.fixture
def index_copy(index_dir: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "index"
    shutil.copytree(index_dir, dst, symlinks=True)
    return dst


@pytest.fixture(scope="session")
def searcher(index_dir: Path):  # type: ignore[no-untyped-def]
    from papersearch import Searcher

    return Searcher.load(index_dir)
