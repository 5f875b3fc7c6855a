"""Encode queries with onnxruntime: the index's ONNX export of the model, without torch.

Imports only numpy, onnxruntime and tokenizers, and reproduces sentence-transformers' vectors: the
same tokens (truncated at the model's ``max_seq_length``), mean pooling over the attention mask,
L2 normalisation. ``onnx_export`` writes the files this reads.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"  # the same graph quantised to int8 (onnx_export), what queries use by default
TOKENIZER_FILE = "tokenizer.json"


class OnnxQueryEncoder:
    """Encode queries with onnxruntime: unit-length float32 vectors equal to sentence-transformers' (cosine ≥ 0.9999).

    Thread-safe. With more than one intra-op thread, runs take turns: two concurrent runs would each
    want every core and slow each other down more than waiting does.
    """

    _batch_session: Any = None  # runs of several texts, when they have a thread count of their own

    def __init__(
        self,
        dir: Path,
        threads: int = 1,
        max_length: int | None = None,
        prepack: bool = True,
        file: str = MODEL_FILE,
        batch_threads: int | None = None,
    ) -> None:
        """``file``: the graph in ``dir`` to run (``MODEL_FILE``, fp32, or ``INT8_FILE``). ``prepack=False`` skips repacking the weights for the matrix kernels: the session opens in
        ~20 ms instead of ~150 ms, and each run takes about twice as long (worth it for a few texts only).

        ``batch_threads``: intra-op threads for ``encode_texts`` runs of more than one text, in a second session
        of the same file opened on the first such run (a service's concurrent queries: a second thread shortens
        a lone query's run but costs CPU a text once the cores are busy with other requests); None: the same
        session as a lone query."""
        from tokenizers import Tokenizer

        dir = Path(dir)
        self.tokenizer = Tokenizer.from_file(str(dir / TOKENIZER_FILE))
        if max_length is not None:
            self.tokenizer.enable_truncation(max_length=max_length)
        padding = self.tokenizer.padding or {}
        self.tokenizer.enable_padding(pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]"))
        self._pad_id = int(padding.get("pad_id", 0))
        self.precision = "int8" if file == INT8_FILE else "fp32"
        self._path, self._prepack = dir / file, prepack
        self.session = self._open(threads)
        self._turns = self._turn_taking(threads)
        self._batch_threads = batch_threads if batch_threads not in (None, threads) else None
        self._batch_turns = self._turn_taking(batch_threads or 1)
        self._opening = threading.Lock()
        self._inputs = [i.name for i in self.session.get_inputs()]
        width = self.session.get_outputs()[0].shape[-1]
        self.dim = width if isinstance(width, int) else int(self._run([""]).shape[1])

    def encode_query(self, text: str) -> np.ndarray:
        """One query as a (dim,) float32 unit vector."""
        vec: np.ndarray = self._run([text])[0]
        return vec

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        """Texts as an (n, dim) float32 array in one run, padded to the longest (for a few short queries);
        more than one runs on the ``batch_threads`` session when there is one."""
        if len(texts) > 1 and self._batch_threads is not None:
            return self._run(texts, self._batch(), self._batch_turns)
        return self._run(texts)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Many texts as an (n, dim) float32 array; batches of similar length to keep padding small."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self._run([texts[i] for i in rows], tokens=self._batch_tokens)
        return out

    @staticmethod
    def _turn_taking(threads: int) -> contextlib.AbstractContextManager[Any]:
        return threading.Lock() if threads > 1 else contextlib.nullcontext()

    def _open(self, threads: int) -> Any:
        """An onnxruntime session of the graph with ``threads`` intra-op threads that sleep when idle."""
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        # idle threads sleep instead of spinning: with two threads a spinning session took twice the CPU per
        # query and twice the latency once anything else wanted the cores (docs/benchmarks.md)
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.log_severity_level = 3
        if not self._prepack:
            opts.add_session_config_entry("session.disable_prepacking", "1")
        return ort.InferenceSession(str(self._path), opts, providers=["CPUExecutionProvider"])

    def _batch(self) -> Any:
        """The session for runs of several texts, opened on the first (a service without concurrent queries
        never holds it)."""
        if self._batch_session is None:
            with self._opening:
                if self._batch_session is None:
                    assert self._batch_threads is not None
                    self._batch_session = self._open(self._batch_threads)
        return self._batch_session

    def _tokens(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and attention mask, padded at the end to the longest text. One text at a time:
        ``encode_batch`` hands a few short queries to the tokenizer's thread pool, whose threads cost
        more CPU than their tokens do."""
        encodings = [self.tokenizer.encode(t.strip()) for t in texts]
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(texts), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = e.attention_mask
        return ids, mask

    def _batch_tokens(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and attention mask of many texts at once, through the tokenizer's thread pool."""
        encodings = self.tokenizer.encode_batch([t.strip() for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        return ids, np.array([e.attention_mask for e in encodings], dtype=np.int64)

    def _run(
        self,
        texts: list[str],
        session: Any = None,
        turns: contextlib.AbstractContextManager[Any] | None = None,
        tokens: Callable[[list[str]], tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> np.ndarray:
        ids, mask = (tokens or self._tokens)(texts)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        with turns or self._turns:
            hidden = (session or self.session).run(None, {name: feed[name] for name in self._inputs})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return np.ascontiguousarray(pooled / norms, dtype=np.float32)
