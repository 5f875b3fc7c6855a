"""Index build: manifest, incremental rebuilds, the atomic switch, --check, and damaged files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from papersearch.core.errors import IndexStateError
from papersearch.core.settings import Settings
from papersearch.corpus.load import load_corpus
from papersearch.graph.version import EXTRACTION_VERSION
from papersearch.index import layout, lexical, store, vectors
from papersearch.index.build import build
from papersearch.index.check import check
from papersearch.index.json_files import write_entries
from papersearch.index.passages import paper_passages
from papersearch.index.reader import read_version
from papersearch.query.searcher import Searcher
from papersearch.serve.app import create_app

from .conftest import CORPUS, MODEL


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
    assert {"vectors.npy", "vectors.faiss", "papers.sqlite", "columns/years.npy"} <= set(m["files"])
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
        "papers.sqlite",
        "columns/centroids.npy",
        "columns/passage_start.npy",
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
@pytest.mark.parametrize(
    ("model", "why"),
    [
        ("/nonexistent", "no such folder"),
        ("no-such-org/no-such-model", "no folder has that name, and the Hugging Face hub"),
        ("EMPTY", "the folder holds no sentence-transformers model"),
    ],
)
def test_a_model_that_cannot_load_is_one_line_naming_the_setting(
    corpus_copy: Path,
    index_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    model: str,
    why: str,
) -> None:
    from papersearch.cli import main

    (tmp_path / "empty").mkdir()
    model = str(tmp_path / "empty") if model == "EMPTY" else model
    before = store.current_version(index_copy)
    monkeypatch.setenv("PAPERSEARCH_MODEL", model)
    status = main(["--corpus", str(corpus_copy), "--index", str(index_copy), "index", "--force", "-q"])
    err = capsys.readouterr().err
    assert status == 1 and err.count("\n") == 1, err
    assert err.startswith(f"error: PAPERSEARCH_MODEL={model!r} cannot be loaded: {why}") and "unset it" in err
    assert store.current_version(index_copy) == before and not list(index_copy.glob(".build-*"))


def test_a_quiet_build_prints_one_line(corpus_copy: Path, index_copy: Path) -> None:
    """`index -q` says what it published and nothing else: no model-loading or embedding bars (one paper edited, so
    the model is loaded and a text embedded)."""
    paper = next((corpus_copy / "papers").glob("1989-*.md"))
    paper.write_text(paper.read_text(encoding="utf-8").replace("handwritten", "hand-written", 1), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "papersearch", "--corpus", str(corpus_copy), "index", "-q", "--index", str(index_copy)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0 and out.stderr == "", out.stderr
    assert out.stdout.startswith("published ") and out.stdout.count("\n") == 1


def _rewrite_manifest(vdir: Path, key: str, value: object) -> None:
    """The manifest as other code would have written it: ``key`` set to ``value`` (left out when None)."""
    m = json.loads((vdir / layout.MANIFEST).read_text(encoding="utf-8"))
    if value is None:
        m.pop(key)
    else:
        m[key] = value
    m["checksum"] = layout.manifest_checksum(m)
    (vdir / layout.MANIFEST).write_text(json.dumps(m), encoding="utf-8")


def test_the_manifest_records_the_code_that_built_it(index_dir: Path) -> None:
    m = layout.read_manifest(store.version_dir(index_dir))
    assert m["extraction_version"] == EXTRACTION_VERSION and m["words_format"] == layout.WORDS_FORMAT
    assert m["format_version"] == layout.FORMAT_VERSION and m["passages_format"] == layout.PASSAGES_FORMAT
    assert layout.built_by_other_code(m) is None


@pytest.mark.parametrize(
    ("key", "value", "what"),
    [
        ("extraction_version", None, "graph extraction"),  # built before the version was recorded
        ("extraction_version", EXTRACTION_VERSION + 1, "graph extraction"),
        ("words_format", layout.WORDS_FORMAT - 1, "word splitting"),
        ("passages_format", layout.PASSAGES_FORMAT + 1, "passage cutting"),
        ("format_version", layout.FORMAT_VERSION - 1, "index format"),
    ],
)
def test_an_index_built_by_other_code_is_stale(index_copy: Path, key: str, value: object, what: str) -> None:
    _rewrite_manifest(store.version_dir(index_copy), key, value)
    ok, message = check(CORPUS, index_copy, MODEL)
    assert not ok and "is stale" in message and "papersearch index" in message, message
    if key == "format_version":  # another format is never read: stale, and refused
        with pytest.raises(IndexStateError, match="stale"):
            Searcher.load(index_copy)
        return
    assert what in message, message
    searcher = Searcher.load(index_copy)
    app = create_app(Settings(corpus=CORPUS, index=index_copy, model=MODEL), searcher, reload_interval=0)
    with TestClient(app) as c:
        health = c.get("/health").json()
    assert health["stale"] is True and health["status"] == "degraded" and what in health["problem"], health


def test_papersearch_index_rebuilds_an_index_built_by_other_extraction(index_copy: Path) -> None:
    vdir = store.version_dir(index_copy)
    _rewrite_manifest(vdir, "extraction_version", EXTRACTION_VERSION - 1)
    report = build(CORPUS, index_copy, MODEL)
    assert not report.unchanged and report.version != vdir.name
    assert (report.embedded_papers, report.reused_papers) == (0, 49)  # the graph again, the vectors reused
    assert check(CORPUS, index_copy, MODEL)[0]
    assert build(CORPUS, index_copy, MODEL).unchanged


def test_an_index_of_format_2_is_rebuilt_reusing_its_vectors(index_copy: Path) -> None:
    """A version of the format before the database (passages.json, no papers.sqlite) is stale and refused, and
    ``papersearch index`` rebuilds it in this format with the vectors it has (found by its passages.json)."""
    vdir = store.version_dir(index_copy)
    data = read_version(vdir)
    passages, matrix = list(data.passages), np.array(data.matrix)
    data.db.close()
    (vdir / layout.DATABASE).unlink()
    write_entries(vdir / layout.PASSAGES, [passages])
    m = json.loads((vdir / layout.MANIFEST).read_text(encoding="utf-8"))
    m["files"] = layout.describe_files(vdir)
    (vdir / layout.MANIFEST).write_text(json.dumps(m), encoding="utf-8")
    _rewrite_manifest(vdir, "format_version", 2)
    with pytest.raises(IndexStateError, match="format 2"):
        Searcher.load(index_copy)
    report = build(CORPUS, index_copy, MODEL)
    assert (report.embedded_papers, report.reused_papers) == (0, 49)
    rebuilt = read_version(store.version_dir(index_copy))
    assert np.array_equal(np.asarray(rebuilt.matrix), matrix) and list(rebuilt.passages) == passages
    assert check(CORPUS, index_copy, MODEL)[0]
