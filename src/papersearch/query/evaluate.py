"""Evaluate ranking on a file of graded queries (``papersearch eval FILE``) with ranx.

The file holds one JSON object per line: ``{"id", "query", "relevant": {paper_id: grade}}``,
grades 3 (best answer), 2 (relevant) and 1 (related).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import InputFileError
from ..core.params import MODES
from .searcher import Searcher

METRICS = ("ndcg@10", "recall@5", "mrr@10")


@dataclass(frozen=True)
class EvalQuery:
    id: str
    query: str
    relevant: dict[str, int]
    type: str = ""


def load_queries(path: Path, known_ids: set[str] | None = None) -> list[EvalQuery]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not UTF-8 text") from None
    out: list[EvalQuery] = []
    seen: set[str] = set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise InputFileError(f"{path}:{n}: each line must be a JSON object")
        q, rel = obj.get("query"), obj.get("relevant")
        qid = str(obj.get("id") or f"line{n}")
        if not isinstance(q, str) or not q.strip():
            raise InputFileError(f"{path}:{n}: field 'query' must be non-empty text")
        if not isinstance(rel, dict) or not rel:
            raise InputFileError(f"{path}:{n}: field 'relevant' must map paper ids to grades 1-3")
        for pid, g in rel.items():
            if isinstance(g, bool) or g not in (1, 2, 3):
                raise InputFileError(f"{path}:{n}: field 'relevant.{pid}' must be a grade 1, 2 or 3")
            if known_ids is not None and pid not in known_ids:
                raise InputFileError(f"{path}:{n}: field 'relevant' names unknown paper {pid!r}")
        if qid in seen:
            raise InputFileError(f"{path}:{n}: duplicate query id {qid!r}")
        seen.add(qid)
        out.append(EvalQuery(qid, q, {str(k): int(v) for k, v in rel.items()}, str(obj.get("type", ""))))
    if not out:
        raise InputFileError(f"{path}: no queries")
    return out


def run_mode(searcher: Searcher, queries: list[EvalQuery], mode: str, k: int = 10) -> dict[str, dict[str, float]]:
    run: dict[str, dict[str, float]] = {}
    for q in queries:
        res = searcher.search(q.query, k=k, mode=mode)
        # ranks, not raw scores, so ties and score scales never reorder what the user saw
        run[q.id] = {r["id"]: float(k - i) for i, r in enumerate(res["results"])}
    return run


def evaluate(
    searcher: Searcher, queries: list[EvalQuery], modes: tuple[str, ...] = MODES
) -> dict[str, dict[str, float]]:
    """Metric -> value for each mode."""
    from ranx import Qrels, Run
    from ranx import evaluate as ranx_evaluate

    qrels = Qrels({q.id: dict(q.relevant) for q in queries})
    out: dict[str, dict[str, float]] = {}
    for mode in modes:
        run = run_mode(searcher, queries, mode)
        run = {qid: (r or {"__none__": 0.0}) for qid, r in run.items()}
        scores: Any = ranx_evaluate(qrels, Run(run), list(METRICS), make_comparable=True)
        out[mode] = {m: round(float(scores[m]), 4) for m in METRICS}
    return out
