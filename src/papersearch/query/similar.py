"""Papers like one paper: the cosine between the centroids of their passages' vectors, best first."""

from __future__ import annotations

import numpy as np

from ..core.records import SimilarResults
from ..index.reader import IndexData
from . import ranking
from .candidates import Allowed, dense_side, union


def similar(data: IndexData, row: int, k: int, version: str) -> SimilarResults:
    """The ``k`` papers closest in meaning to the paper of ``row`` (itself left out), as ``SimilarResults``: the
    papers of the passages nearest its centroid (every passage of a small list), and the first rows where they
    are too few (the others all score the lowest passage retrieved)."""
    centroid = data.matrix[data.paper_rows[row]].mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    n = len(data.columns.years)
    side = dense_side(data, centroid, Allowed(0, n, None, data.columns.era_codes))
    rows = union(side.papers, np.arange(min(n, k + 1), dtype=np.int64))
    rows = rows[rows != row]
    dense, _ = side.of(rows, np.ones(len(rows), dtype=bool))
    eras = [e["id"] for e in data.eras]
    out = []
    for at in ranking.top_k(dense, k):
        pid, title, year = data.records.brief(int(rows[at]))
        code = int(data.columns.era_codes[rows[at]])
        era = eras[code] if 0 <= code < len(eras) else ""
        out.append({"id": pid, "title": title, "year": year, "era": era, "score": round(float(dense[at]), 6)})
    return {"id": data.records.brief(row)[0], "index_version": version, "results": out}  # type: ignore[typeddict-item]
