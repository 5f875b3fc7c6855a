"""The FAISS index over view vectors (the only module that imports faiss).

Inner product on unit vectors is cosine similarity. Exact search below ``EXACT_LIMIT`` vectors;
above it HNSW, whose parameters are recorded in the manifest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

EXACT_LIMIT = 100_000


def build(vectors: np.ndarray) -> tuple[Any, dict[str, Any]]:
    """A FAISS index over ``vectors`` and a description of its type for the manifest."""
    import faiss

    index: Any
    n, dim = vectors.shape
    if n < EXACT_LIMIT:
        index = faiss.IndexFlatIP(dim)
        info: dict[str, Any] = {"type": "flat", "metric": "inner_product"}
    else:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
        info = {"type": "hnsw", "metric": "inner_product", "M": 32, "efConstruction": 80, "efSearch": 128}
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index, info


def save(index: Any, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def load(path: Path, info: dict[str, Any]) -> Any:
    import faiss

    index: Any = faiss.read_index(str(path))
    if info.get("type") == "hnsw":
        index.hnsw.efSearch = int(info.get("efSearch", 128))
    return index


def search(
    index: Any, query: np.ndarray, k: int, allowed_rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` rows for one query vector, restricted to ``allowed_rows`` when given."""
    import faiss

    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    k = max(1, min(k, index.ntotal))
    params: Any = None
    if allowed_rows is not None:
        sel = faiss.IDSelectorBatch(np.ascontiguousarray(allowed_rows, dtype=np.int64))
        fs: Any = faiss  # the SWIG stubs do not know the selector parameters
        params = fs.SearchParametersHNSW(sel=sel) if isinstance(index, faiss.IndexHNSW) else fs.SearchParameters(sel=sel)
    scores, rows = index.search(q, k, params=params) if params is not None else index.search(q, k)
    keep = rows[0] >= 0
    return scores[0][keep], rows[0][keep]
