"""Concurrent queries share one encoder run: each gets its own vector, errors reach every waiter, and nobody hangs."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from papersearch.encode.batching import BatchingEncoder, batch_sizes
from papersearch.encode.onnx_query import OnnxQueryEncoder
from papersearch.index import layout
from papersearch.index.store import version_dir

TEXTS = [
    "how were deep nets first trained?",
    "attention",
    "convolutional networks for handwritten digits",
    "what came out in 2015?",
    "Linnainmaa",
    "generative adversarial networks and diffusion models for images",
    "reinforcement learning from human feedback",
    "a much longer question about whether recurrent networks can remember things for a long time and why not",
] * 3


class Gate:
    """The real ONNX encoder, whose first run waits until the test opens the gate; counts the runs."""

    def __init__(self, inner: OnnxQueryEncoder) -> None:
        self.inner = inner
        self.open = threading.Event()
        self.batches: list[int] = []

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        self.open.wait(timeout=30)
        self.batches.append(len(texts))
        return self.inner.encode_texts(texts)


@pytest.fixture(scope="module")
def onnx(index_dir: Path) -> OnnxQueryEncoder:
    vdir = version_dir(index_dir)
    spec = layout.onnx_spec(vdir, layout.read_manifest(vdir))
    assert spec is not None, "the index has no ONNX query encoder"
    return OnnxQueryEncoder(spec.dir, threads=1, max_length=spec.max_length)


def test_a_batch_gives_the_vectors_of_single_runs(onnx: OnnxQueryEncoder) -> None:
    alone = np.stack([onnx.encode_query(t) for t in TEXTS[:8]])
    together = onnx.encode_texts(TEXTS[:8])  # padded to the longest text: the mask keeps padding out
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_waiting_queries_are_encoded_together_each_getting_its_own(onnx: OnnxQueryEncoder) -> None:
    gate = Gate(onnx)
    batcher = BatchingEncoder(gate, max_batch=16)
    expected = {t: onnx.encode_query(t) for t in set(TEXTS)}
    with ThreadPoolExecutor(len(TEXTS)) as pool:
        futures = [pool.submit(batcher.encode_query, t) for t in TEXTS]
        deadline = time.monotonic() + 30
        while len(batcher._queue) < len(TEXTS) - 1 and time.monotonic() < deadline:  # all but the first wait
            time.sleep(0.005)
        gate.open.set()
        got = [f.result(timeout=30) for f in futures]
    for text, vec in zip(TEXTS, got, strict=True):
        np.testing.assert_allclose(vec, expected[text], atol=1e-5)
    # the first ran alone; the rest, which queued meanwhile, in full runs of at most 16
    assert gate.batches[0] == 1 and gate.batches[1:] == [16, len(TEXTS) - 17], gate.batches
    assert (batcher.runs, batcher.texts) == (3, len(TEXTS))
    assert batcher.sizes == {1: 1, 16: 1, len(TEXTS) - 17: 1}
    assert batch_sizes(batcher) == f"{len(TEXTS)} queries in 3 runs; runs of 1: 1, {len(TEXTS) - 17}: 1, 16: 1"
    assert batch_sizes(onnx) is None and batch_sizes(BatchingEncoder(gate, max_batch=2)) is None  # none, or no runs


def test_a_failed_run_fails_its_waiters_and_the_next_run_works(onnx: OnnxQueryEncoder) -> None:
    class Flaky:
        calls = 0

        def encode_texts(self, texts: list[str]) -> np.ndarray:
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise RuntimeError("the model fell over")
            return onnx.encode_texts(texts)

    batcher = BatchingEncoder(Flaky(), max_batch=16)
    with pytest.raises(RuntimeError, match="fell over"):
        batcher.encode_query("attention")
    np.testing.assert_allclose(batcher.encode_query("attention"), onnx.encode_query("attention"), atol=1e-5)


def test_a_batch_of_one_is_refused() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        BatchingEncoder(Gate.__new__(Gate), max_batch=0)


def test_a_service_batches_its_queries_and_a_one_shot_query_does_not(index_dir: Path) -> None:
    from papersearch.core.settings import Settings
    from papersearch.encode.factory import query_encoder

    vdir = version_dir(index_dir)
    manifest = layout.read_manifest(vdir)
    spec = layout.onnx_spec(vdir, manifest)
    model = manifest["model"]["name"]
    assert isinstance(query_encoder(model, spec, Settings()), BatchingEncoder)
    assert isinstance(query_encoder(model, spec, Settings(), one_shot=True), OnnxQueryEncoder)
    assert isinstance(query_encoder(model, spec, Settings(query_batch=1)), OnnxQueryEncoder)


def test_runs_of_several_texts_take_a_session_of_their_own_with_the_same_vectors(index_dir: Path) -> None:
    vdir = version_dir(index_dir)
    spec = layout.onnx_spec(vdir, layout.read_manifest(vdir))
    assert spec is not None
    encoder = OnnxQueryEncoder(spec.dir, threads=2, max_length=spec.max_length, batch_threads=1)
    alone = np.stack([encoder.encode_query(t) for t in TEXTS[:8]])
    assert encoder._batch_session is None  # opened on the first run of several texts, not before
    together = encoder.encode_texts(TEXTS[:8])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    assert encoder.session.get_session_options().intra_op_num_threads == 2
    assert encoder._batch_session.get_session_options().intra_op_num_threads == 1
    np.testing.assert_array_equal(encoder.encode_texts(TEXTS[:1])[0], alone[0])  # a lone text: the first session


def test_a_service_runs_its_batches_on_one_thread_unless_told(index_dir: Path) -> None:
    from papersearch.core.settings import Settings
    from papersearch.encode.factory import query_encoder

    vdir = version_dir(index_dir)
    manifest = layout.read_manifest(vdir)
    spec = layout.onnx_spec(vdir, manifest)
    for settings, threads in ((Settings(), 1), (Settings(ort_threads=3), 3)):
        service = query_encoder(manifest["model"]["name"], spec, settings)
        assert isinstance(service, BatchingEncoder) and isinstance(service.inner, OnnxQueryEncoder)
        assert settings.query_batch_threads() == threads
        assert service.inner._batch_threads == (threads if threads != settings.query_threads() else None)
