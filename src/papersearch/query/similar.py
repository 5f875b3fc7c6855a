"""Papers like one paper: the cosine between the centroids of their passages' vectors, best first."""

from __future__ import annotations

import numpy as np

from ..core.records import SimilarResults
from ..index.reader import IndexData
from . import ranking


def similar(data: IndexData, row: int, k: int, version: str) -> SimilarResults:
    """The ``k`` papers closest in meaning to the paper of ``row`` (itself left out), as ``SimilarResults``."""
    centroid = data.matrix[data.paper_rows[row]].mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    mask = np.ones(len(data.records), dtype=bool)
    mask[row] = False
    dense, _ = ranking.dense_scores(data, centroid, mask)
    records = data.records
    return {
        "id": records[row]["id"],
        "index_version": version,
        "results": [
            {
                "id": records[j]["id"],
                "title": records[j]["title"],
                "year": records[j]["year"],
                "era": records[j]["era"],
                "score": round(float(dense[j]), 6),
            }
            for j in ranking.top_k(dense, k)
        ],
    }
