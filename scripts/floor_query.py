"""The bound of a cold query: what any search over the index must do, and nothing else.

Loads the index's ONNX query encoder (fp32, one thread, weights not repacked, as ``ask`` opens it)
and tokenizer, encodes one question as sentence-transformers does (mean pooling, unit length) and
prints the best rows of ``vectors.npy``. ``make bench`` runs it beside a cold ``papersearch ask``.
Usage: ``python scripts/floor_query.py INDEX "QUESTION"``.
"""

import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

index, question = Path(sys.argv[1]), sys.argv[2]
version = index / "versions" / (index / "CURRENT").read_text(encoding="ascii").strip()
tokenizer = Tokenizer.from_file(str(version / "query_encoder" / "tokenizer.json"))
tokenizer.enable_truncation(max_length=256)
options = ort.SessionOptions()
options.intra_op_num_threads = options.inter_op_num_threads = 1
options.add_session_config_entry("session.disable_prepacking", "1")
session = ort.InferenceSession(
    str(version / "query_encoder" / "model.onnx"), options, providers=["CPUExecutionProvider"]
)
tokens = tokenizer.encode(question)
ids, mask = np.array([tokens.ids]), np.array([tokens.attention_mask])
hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0][0]
vector = hidden[mask[0] == 1].mean(axis=0)
scores = np.load(version / "vectors.npy", mmap_mode="r") @ (vector / np.linalg.norm(vector))
for row in np.argsort(-scores)[:10]:
    print(row, f"{scores[row]:.4f}")
