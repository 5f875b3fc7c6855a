"""Evaluate ranking on a file of graded queries (``papersearch eval FILE``) with ranx.

The file holds one JSON object per line: ``{"id", "query", "type", "relevant": {paper_id: grade}}``,
grades 3 (best answer), 2 (relevant) and 1 (related). A query of type ``out-of-scope`` has no
relevant paper (``{}``): it scores how well the search says "nothing matches" instead. Figures are
given overall, per type, and for two halves (odd and even numbered ids: ``tune`` and
``held-out``), so a choice made on one half can be checked on the other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import InputFileError
from ..core.params import MODES
from ..core.records import SearchResults
from .searcher import Searcher

METRICS = ("ndcg@10", "recall@5", "mrr@10")
OUT_OF_SCOPE = "out-of-scope"
HALVES = ("tune", "held-out")


@dataclass(frozen=True)
class EvalQuery:
    id: str
    query: str
    relevant: dict[str, int]
    type: str = ""

    @property
    def in_scope(self) -> bool:
        return bool(self.relevant)

    @property
    def half(self) -> str:
        """``tune`` for odd-numbered ids (q01, u03, ...), ``held-out`` for even ones."""
        digits = "".join(ch for ch in self.id if ch.isdigit())
        return HALVES[0] if not digits or int(digits) % 2 else HALVES[1]


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
        kind = str(obj.get("type", ""))
        if not isinstance(rel, dict) or (not rel and kind != OUT_OF_SCOPE):
            raise InputFileError(f"{path}:{n}: field 'relevant' must map paper ids to grades 1-3")
        if rel and kind == OUT_OF_SCOPE:
            raise InputFileError(f"{path}:{n}: field 'relevant' must be empty ({{}}) for an out-of-scope query")
        for pid, g in rel.items():
            if isinstance(g, bool) or g not in (1, 2, 3):
                raise InputFileError(f"{path}:{n}: field 'relevant.{pid}' must be a grade 1, 2 or 3")
            if known_ids is not None and pid not in known_ids:
                raise InputFileError(f"{path}:{n}: field 'relevant' names unknown paper {pid!r}")
        if qid in seen:
            raise InputFileError(f"{path}:{n}: duplicate query id {qid!r}")
        seen.add(qid)
        out.append(EvalQuery(qid, q, {str(k): int(v) for k, v in rel.items()}, kind))
    if not out:
        raise InputFileError(f"{path}: no queries")
    return out


def run_mode(
    searcher: Searcher, queries: list[EvalQuery], mode: str, k: int = 10, understand: bool = True
) -> dict[str, SearchResults]:
    """Each query's answer."""
    return {q.id: searcher.search(q.query, k=k, mode=mode, understand=understand) for q in queries}


def _metrics(queries: list[EvalQuery], answers: dict[str, SearchResults]) -> dict[str, float]:
    from ranx import Qrels, Run
    from ranx import evaluate as ranx_evaluate

    graded = [q for q in queries if q.in_scope]
    if not graded:
        return {}
    qrels = Qrels({q.id: dict(q.relevant) for q in graded})
    # ranks, not raw scores, so ties and score scales never reorder what the user saw
    run = {
        q.id: {r["id"]: float(len(answers[q.id]["results"]) - i) for i, r in enumerate(answers[q.id]["results"])}
        for q in graded
    }
    run = {qid: (r or {"__none__": 0.0}) for qid, r in run.items()}
    scores: Any = ranx_evaluate(qrels, Run(run), list(METRICS), make_comparable=True)
    return {m: round(float(scores[m]), 4) for m in METRICS}


def evaluate(
    searcher: Searcher, queries: list[EvalQuery], modes: tuple[str, ...] = MODES, understand: bool = True
) -> dict[str, dict[str, float]]:
    """Metric -> value for each mode, over the queries that have relevant papers."""
    return {mode: _metrics(queries, run_mode(searcher, queries, mode, understand=understand)) for mode in modes}


@dataclass(frozen=True)
class Report:
    """Every figure ``papersearch eval`` prints."""

    modes: dict[str, dict[str, float]]  # mode -> metric -> value (in-scope queries)
    kinds: dict[str, dict[str, float]]  # type -> metric -> value, hybrid
    halves: dict[str, dict[str, float]]  # tune / held-out -> metric -> value, hybrid
    counts: dict[str, int]  # type -> how many queries
    no_match: dict[str, float]  # precision, recall (out-of-scope flagged), in_scope_flagged (share)


def report(searcher: Searcher, queries: list[EvalQuery], understand: bool = True) -> Report:
    """Metrics per mode, per query type and per half, and how well "nothing matches" is said."""
    answers = {mode: run_mode(searcher, queries, mode, understand=understand) for mode in MODES}
    hybrid = answers["hybrid"]
    kinds = sorted({q.type or "untyped" for q in queries if q.in_scope})
    by_kind = {kind: _metrics([q for q in queries if (q.type or "untyped") == kind], hybrid) for kind in kinds}
    halves = {h: _metrics([q for q in queries if q.half == h], hybrid) for h in HALVES}
    counts: dict[str, int] = {}
    for q in queries:
        counts[q.type or "untyped"] = counts.get(q.type or "untyped", 0) + 1
    flagged = [q for q in queries if hybrid[q.id]["no_match"]]
    outside = [q for q in queries if not q.in_scope]
    inside = [q for q in queries if q.in_scope]
    right = sum(1 for q in flagged if not q.in_scope)
    no_match = {
        "precision": round(right / len(flagged), 4) if flagged else 1.0,
        "recall": round(right / len(outside), 4) if outside else 1.0,
        "in_scope_flagged": round(sum(1 for q in flagged if q.in_scope) / len(inside), 4) if inside else 0.0,
    }
    modes: dict[str, dict[str, float]] = {mode: _metrics(queries, answers[mode]) for mode in MODES}
    return Report(modes, by_kind, halves, counts, no_match)
