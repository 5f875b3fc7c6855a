"""Index build: manifest, incremental rebuilds, the atomic switch, --check, and damaged files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from papersearch.core.errors import IndexStateError
from papersearch.corpus.load import load_corpus
from papersearch.index import layout, lexical, store, vectors
from papersearch.index.build import build
from papersearch.index.check import check
from papersearch.index.passages import paper_passages
from papersearch.index.reader import read_version
from papersearch.query.searcher import Searcher

from .conftest import MODEL


def _edit_one(corpus: Path) -> None:
    p = corpus / "papers" / "1991-krogh-weight-decay.md"
    p.write_text(
        p.read_text(encoding="utf-8").replace("How can overfitting be avoided?", "How can overfitting be tamed?"),
        encoding="utf-8",
    )


def test_manifest_is_plain_and_complete(index_dir: Path) -> None:
    vdir = store.version_dir(index_dir)
    m = json.loads((vdir / "manifest.json").read_text(encoding="utf-8"))
    assert m["format_version"] == layout.FORMAT_VERSION
    assert m["model"]["name"] == MODEL and len(m["model"]["fingerprint"]) == 16 and m["model"]["dim"] == 384
    assert m["counts"]["papers"] == 49 and m["counts"]["vectors"] > 49 * 3
    assert m["vector_index"]["type"] == "flat"
    assert len(m["papers"]) == 49 and len(m["corpus_hash"]) == 64
    assert {"vectors.npy", "vectors.faiss", "papers.json", "passages.json"} <= set(m["files"])
    assert not any(name.endswith((".pkl", ".pickle")) for name in m["files"])


def test_no_passage_is_cut_off_by_the_model(index_dir: Path) -> None:
    from papersearch.encode.sentence import Embedder

    data = read_version(store.version_dir(index_dir))
    embedder = Embedder(MODEL)
    longest = max((v[2] for v in data.passages), key=len)
    assert embedder.count_tokens(longest) <= embedder.max_seq_length


def test_incremental_rebuild_embeds_only_the_edited_paper(corpus_copy: Path, index_copy: Path) -> None:
    same = build(corpus_copy, index_copy, MODEL)
    assert same.unchanged and same.embedded_papers == 0
    _edit_one(corpus_copy)
    ok, message = check(corpus_copy, index_copy, MODEL)
    assert not ok and "stale" in message and "1991-krogh-weight-decay" in message
    report = build(corpus_copy, index_copy, MODEL)
    assert (report.embedded_papers, report.reused_papers) == (1, 48)
    assert check(corpus_copy, index_copy, MODEL)[0]
    hit = Searcher.load(index_copy).search("how can overfitting be tamed", k=1)["results"][0]
    assert hit["id"] == "1991-krogh-weight-decay" and hit["question"] == "How can overfitting be tamed?"


def test_failed_build_leaves_previous_index_in_use(
    corpus_copy: Path, index_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store.current_version(index_copy)
    _edit_one(corpus_copy)
    embedded: list[tuple[tuple[int, ...], bool]] = []

    def no_vector_index(matrix: np.ndarray, **_: object) -> None:  # the step right after embedding fails
        embedded.append((matrix.shape, bool(np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-3))))
        raise RuntimeError("FAISS cannot build the index (simulated)")

    monkeypatch.setattr(vectors, "build", no_vector_index)
    with pytest.raises(RuntimeError, match="simulated"):
        build(corpus_copy, index_copy, MODEL)
    every_passage = sum(len(paper_passages(p)) for p in load_corpus(corpus_copy).papers)
    assert embedded == [((every_passage, 384), True)]  # every passage had its unit vector when the build failed
    assert store.current_version(index_copy) == before and not list(index_copy.glob(".build-*"))
    monkeypatch.undo()

    def broken(*_: object) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(lexical, "build", broken)
    with pytest.raises(OSError):
        build(corpus_copy, index_copy, MODEL)
    assert store.current_version(index_copy) == before
    assert not list(index_copy.glob(".build-*"))
    res = Searcher.load(index_copy).search("weight decay", k=3)
    assert res["index_version"] == before and res["results"][0]["id"] == "1991-krogh-weight-decay"


def test_index_check_cli(corpus_copy: Path, index_copy: Path, tmp_path: Path) -> None:
    def run(index: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "papersearch.cli",
                "index",
                "--check",
                "--corpus",
                str(corpus_copy),
                "--index",
                str(index),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run(index_copy).returncode == 0
    missing = run(tmp_path / "nothing")
    assert missing.returncode == 1 and "no index" in missing.stderr and "papersearch index" in missing.stderr
    _edit_one(corpus_copy)
    stale = run(index_copy)
    assert stale.returncode == 1 and "stale" in stale.stderr


@pytest.mark.parametrize(
    "name",
    [
        "manifest.json",
        "vectors.npy",
        "vectors.faiss",
        "papers.json",
        "passages.json",
        "lexical/vocab.index.json",
        "lexical/data.csc.index.npy",
    ],
)
@pytest.mark.parametrize("damage", ["truncate", "corrupt"])
def test_damaged_file_gives_clear_error(index_copy: Path, name: str, damage: str) -> None:
    path = store.version_dir(index_copy) / name
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    else:
        mid = len(data) // 2
        path.write_bytes(data[:mid] + bytes(b ^ 0x5A for b in data[mid : mid + 16]) + data[mid + 16 :])
    with pytest.raises(IndexStateError) as exc:
        Searcher.load(index_copy)
    assert name.split("/")[0] in str(exc.value) and "papersearch index" in str(exc.value)


def test_rebuild_repairs_a_damaged_index(corpus_copy: Path, index_copy: Path) -> None:
    (store.version_dir(index_copy) / "vectors.npy").write_bytes(b"garbage")
    report = build(corpus_copy, index_copy, MODEL)
    assert not report.unchanged
    assert Searcher.load(index_copy).search("backpropagation", k=1)["results"]


@pytest.mark.slow
def test_a_quiet_build_prints_one_line(corpus_copy: Path, tmp_path: Path) -> None:
    """`index -q` says what it published and nothing else: no model-loading or embedding bars."""
    out = subprocess.run(
        [sys.executable, "-m", "papersearch", "--corpus", str(corpus_copy), "index", "-q", "--index", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0 and out.stderr == "", out.stderr
    assert out.stdout.startswith("published ") and out.stdout.count("\n") == 1
