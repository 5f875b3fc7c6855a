"""The ONNX query encoder: exported with every index, torch-free at query time; its fp32 graph (the
default) equals sentence-transformers, its int8 graph (opt-in) ranks the dev set as well."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from papersearch.core.errors import IndexStateError
from papersearch.core.settings import Settings
from papersearch.encode.batching import BatchingEncoder
from papersearch.encode.factory import EmbedderQueryEncoder, QueryEncoder, query_encoder
from papersearch.encode.onnx_query import INT8_FILE, OnnxQueryEncoder
from papersearch.index import layout, store
from papersearch.index.build import build
from papersearch.index.reader import read_version
from papersearch.query.evaluate import evaluate, load_queries
from papersearch.query.searcher import Searcher

from .conftest import CORPUS, MODEL, ROOT

QUERIES = [
    json.loads(line)["query"]
    for line in (ROOT / "tests" / "data" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def _long_texts() -> list[str]:
    """Paper files alone (~150–190 tokens: past the shipped tokenizer's 128) and in threes (past the model's 256)."""
    files = [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "papers").glob("*.md"))]
    return files[:6] + ["\n\n".join(files[i : i + 3]) for i in range(0, 12, 3)]


def encoder_for(vdir: Path, manifest: dict[str, Any], env: dict[str, str] | None = None) -> QueryEncoder:
    """The query encoder a Searcher would open for this version, with the settings of the environment now
    and ``env`` on top (the encoder itself: a service wraps it in a ``BatchingEncoder``, tests/test_batching.py)."""
    settings = Settings.from_env(env={**os.environ, **(env or {})})
    enc = query_encoder(manifest["model"]["name"], layout.onnx_spec(vdir, manifest), settings, version=vdir.name)
    return enc.inner if isinstance(enc, BatchingEncoder) else enc


@pytest.fixture(scope="module")
def vdir(index_dir: Path) -> Path:
    return store.version_dir(index_dir)


@pytest.fixture(scope="module")
def onnx_encoder(vdir: Path) -> OnnxQueryEncoder:
    """The default, the fp32 graph: the model's own vectors."""
    enc = encoder_for(vdir, layout.read_manifest(vdir), {"PAPERSEARCH_QUERY_PRECISION": ""})
    assert isinstance(enc, OnnxQueryEncoder) and enc.precision == "fp32"
    return enc


@pytest.fixture(scope="module")
def int8_encoder(vdir: Path) -> OnnxQueryEncoder:
    """``PAPERSEARCH_QUERY_PRECISION=int8``: the int8 graph."""
    enc = encoder_for(vdir, layout.read_manifest(vdir), {"PAPERSEARCH_QUERY_PRECISION": "int8"})
    assert isinstance(enc, OnnxQueryEncoder) and enc.precision == "int8"
    return enc


@pytest.fixture(scope="module")
def torch_encoder() -> EmbedderQueryEncoder:
    return EmbedderQueryEncoder(MODEL)


@pytest.fixture(scope="module")
def searchers(vdir: Path, onnx_encoder: OnnxQueryEncoder, torch_encoder: EmbedderQueryEncoder) -> dict[str, Searcher]:
    """A Searcher over the real index for the fp32 graph and one for the model itself (torch), shared by the
    ranking tests: each encodes a dev query once, whichever mode or test asks for it again."""
    data = read_version(vdir)
    return {
        "fp32": Searcher(data, Settings(), encoder=onnx_encoder),
        "torch": Searcher(data, Settings(), encoder=torch_encoder),
    }


def test_export_is_in_the_version_and_the_manifest(vdir: Path) -> None:
    m = layout.read_manifest(vdir)
    info = m["query_encoder"]
    assert info == {
        "type": "onnx",
        "file": "query_encoder/model.onnx",
        "weights": "query_encoder/model.onnx.data",
        "tokenizer": "query_encoder/tokenizer.json",
        "precision": "fp32",
        "int8_file": "query_encoder/model.int8.onnx",
        "max_length": 256,
        "pooling": "mean",
        "normalize": True,
        "opset": 17,
        "fused": True,
    }
    files = ("model.onnx", "model.onnx.data", "model.int8.onnx", "tokenizer.json")
    for rel in (f"query_encoder/{f}" for f in files):
        assert (vdir / rel).is_file()
        assert m["files"][rel]["size"] == (vdir / rel).stat().st_size
    tok = json.loads((vdir / "query_encoder/tokenizer.json").read_text(encoding="utf-8"))
    assert tok["truncation"]["max_length"] == 256
    assert tok["padding"]["strategy"] == "BatchLongest"  # not the shipped Fixed 128


@pytest.mark.slow
def test_vectors_match_sentence_transformers(
    onnx_encoder: OnnxQueryEncoder, torch_encoder: EmbedderQueryEncoder, vdir: Path
) -> None:
    long = _long_texts()
    counts = [torch_encoder._embedder.count_tokens(t) for t in long]
    assert any(128 < n < 256 for n in counts) and any(n > 256 for n in counts)
    texts = QUERIES + long
    want = torch_encoder._embedder.encode(texts)
    one_by_one = np.vstack([onnx_encoder.encode_query(t) for t in texts])
    batched = onnx_encoder.encode(texts)
    assert one_by_one.dtype == np.float32 and one_by_one.shape == (len(texts), 384)
    np.testing.assert_allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    for got in (one_by_one, batched):
        cos = (got * want).sum(axis=1)
        worst = int(np.argmin(cos))
        assert cos.min() >= 0.999, f"cosine {cos.min():.5f} for {texts[worst][:60]!r}"
    # the check has teeth: truncating at the shipped tokenizer's 128 tokens visibly changes long texts
    cut = OnnxQueryEncoder(vdir / "query_encoder", max_length=128).encode(long)
    assert ((cut * want[len(QUERIES) :]).sum(axis=1)).min() < 0.999


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
@pytest.mark.slow
def test_same_top10_as_sentence_transformers(searchers: dict[str, Searcher], mode: str) -> None:
    fast, slow = searchers["fp32"], searchers["torch"]
    for q in QUERIES:
        got = [r["id"] for r in fast.search(q, k=10, mode=mode)["results"]]
        want = [r["id"] for r in slow.search(q, k=10, mode=mode)["results"]]
        assert got == want, q


def test_query_process_imports_no_torch(index_dir: Path) -> None:
    code = (
        "from papersearch.query.searcher import Searcher; s=Searcher.load(IDX); s.search('how were deep nets first trained?'); "
        "import sys; print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    ).replace("IDX", repr(str(index_dir)))
    env = {k: v for k, v in os.environ.items() if k != "PAPERSEARCH_QUERY_ENCODER"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, timeout=120)
    assert out.stdout.strip() == "False False", out.stderr


def test_encoder_choice(vdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    m = layout.read_manifest(vdir)
    monkeypatch.setenv("PAPERSEARCH_QUERY_ENCODER", "torch")
    assert isinstance(encoder_for(vdir, m), EmbedderQueryEncoder)
    monkeypatch.setenv("PAPERSEARCH_QUERY_ENCODER", "onnx")
    assert isinstance(encoder_for(vdir, m), OnnxQueryEncoder)
    # an index built before the ONNX export: no manifest entry, no files
    old = {k: v for k, v in m.items() if k != "query_encoder"}
    old["files"] = {k: v for k, v in m["files"].items() if not k.startswith("query_encoder/")}
    with pytest.raises(IndexStateError, match="no ONNX query encoder"):
        encoder_for(vdir, old)
    monkeypatch.delenv("PAPERSEARCH_QUERY_ENCODER")
    assert isinstance(encoder_for(vdir, old), EmbedderQueryEncoder)
    # the file list alone is enough
    assert isinstance(encoder_for(vdir, {**old, "files": m["files"]}), OnnxQueryEncoder)


@pytest.mark.parametrize("copied", [False, True], ids=["as built", "copied without its times"])
def test_rebuild_reuses_the_cached_export(corpus_copy: Path, index_copy: Path, copied: bool) -> None:
    cache = next((index_copy / ".cache").glob("onnx-*"))
    if copied:  # as `cp -r` or a container image leaves it: the same bytes, other times
        for f in (cache / "files").iterdir():
            os.utime(f, (1_000_000_000, 1_000_000_000))
    cached_model = cache / "files" / "model.onnx"
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in [cache / "cache.json", cached_model]}
    paper = corpus_copy / "papers" / "1991-krogh-weight-decay.md"
    paper.write_text(paper.read_text(encoding="utf-8").replace("overfitting", "over-fitting", 1), encoding="utf-8")
    report = build(corpus_copy, index_copy, MODEL)
    assert report.embedded_papers == 1 and not report.unchanged
    after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in [cache / "cache.json", cached_model]}
    assert after == before  # not exported again
    vdir = store.version_dir(index_copy)
    assert (vdir / "query_encoder" / "model.onnx").stat().st_ino == cached_model.stat().st_ino  # hard-linked
    assert layout.read_manifest(vdir)["query_encoder"]["file"] == "query_encoder/model.onnx"
    assert isinstance(encoder_for(vdir, layout.read_manifest(vdir)), OnnxQueryEncoder)


@pytest.mark.slow
def test_changed_cache_is_exported_again(corpus_copy: Path, index_copy: Path) -> None:
    cache = next((index_copy / ".cache").glob("onnx-*"))
    tok = cache / "files" / "tokenizer.json"
    damaged = json.loads(tok.read_text(encoding="utf-8"))
    damaged["truncation"]["max_length"] = 128
    tok.write_text(json.dumps(damaged), encoding="utf-8")
    paper = corpus_copy / "papers" / "1991-krogh-weight-decay.md"
    paper.write_text(paper.read_text(encoding="utf-8").replace("overfitting", "over-fitting", 1), encoding="utf-8")
    build(corpus_copy, index_copy, MODEL)
    fixed = json.loads(tok.read_text(encoding="utf-8"))
    assert fixed["truncation"]["max_length"] == 256


@pytest.mark.slow
def test_int8_is_close_to_fp32_and_ranks_the_dev_set_as_well(
    vdir: Path, int8_encoder: OnnxQueryEncoder, torch_encoder: EmbedderQueryEncoder, searchers: dict[str, Searcher]
) -> None:
    """int8 vectors are close to the model's, not equal (so it must earn its place on rankings): over the dev
    set its hybrid nDCG@10 and MRR@10 stay within 0.01 of fp32's, and of the model's own (torch)."""
    assert (vdir / "query_encoder" / INT8_FILE).stat().st_size < 30_000_000  # about a quarter of fp32
    got, want = int8_encoder.encode(QUERIES), torch_encoder._embedder.encode(QUERIES)
    cos = (got * want).sum(axis=1)
    assert cos.mean() > 0.98 and cos.min() > 0.95
    assert cos.mean() < 0.9999  # not the fp32 graph under another name
    queries = load_queries(ROOT / "tests" / "data" / "queries.jsonl")
    int8 = Searcher(searchers["fp32"].data, Settings(), encoder=int8_encoder)
    scores = {
        name: evaluate(searcher, queries, modes=("hybrid",))["hybrid"]
        for name, searcher in (("int8", int8), ("fp32", searchers["fp32"]), ("torch", searchers["torch"]))
    }
    for metric in ("ndcg@10", "mrr@10"):
        for other in ("fp32", "torch"):
            assert scores["int8"][metric] >= scores[other][metric] - 0.01, (metric, other, scores)


def test_fp32_when_asked_or_when_a_version_has_no_int8_graph(vdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    m = layout.read_manifest(vdir)
    enc = encoder_for(vdir, m, {"PAPERSEARCH_QUERY_PRECISION": "fp32"})
    assert isinstance(enc, OnnxQueryEncoder) and enc.precision == "fp32"
    old = {**m, "query_encoder": {k: v for k, v in m["query_encoder"].items() if k != "int8_file"}}
    enc = encoder_for(vdir, old, {"PAPERSEARCH_QUERY_PRECISION": "int8"})
    assert isinstance(enc, OnnxQueryEncoder) and enc.precision == "fp32"
