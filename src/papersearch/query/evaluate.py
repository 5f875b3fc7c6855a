"""Evaluate ranking and the assistant on files of graded queries (``papersearch eval FILE ...``).

A file holds one JSON object per line: ``{"id", "query", "type", "relevant": {paper_id: grade}}``,
grades 3 (best answer), 2 (relevant) and 1 (related), and two optional fields: ``"cite"``, the papers
an answer must quote (a list of ids), and ``"near": true`` on an out-of-scope query that shares words
with the field ("marathon training plan"). A query of type ``out-of-scope`` has no relevant paper
(``{}``): it scores how well the search says "nothing matches" instead. The dev set is
``tests/data/queries.jsonl`` (ranking: time, name, origin, history, paraphrase, ... queries) and
``tests/data/queries_blind.jsonl`` and ``tests/data/queries_blind2.jsonl`` (each written from the corpus alone,
by someone who had not read the ranking code: order, instruction, before-after, paraphrase, history and near
out-of-scope questions).

Figures are given overall, per type, and for two halves (odd and even numbered ids: ``tune`` and
``held-out``), so a choice made on one half can be checked on the other; with them, the assistant's
floors per half (module ``floors``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import InputFileError, QueryError
from ..core.params import MODES, check_query
from ..core.records import SearchResults
from . import floors
from .floors import Tally
from .metrics import mean_metrics
from .searcher import Searcher

OUT_OF_SCOPE = "out-of-scope"
HALVES = ("tune", "held-out")


@dataclass(frozen=True)
class EvalQuery:
    id: str
    query: str
    relevant: dict[str, int]
    type: str = ""
    cite: tuple[str, ...] = ()  # the papers an answer must quote
    near: bool = False  # out of scope, but sharing words with the field

    @property
    def in_scope(self) -> bool:
        return bool(self.relevant)

    @property
    def half(self) -> str:
        """``tune`` for odd-numbered ids (q01, u03, ...), ``held-out`` for even ones."""
        digits = "".join(ch for ch in self.id if ch.isdigit())
        return HALVES[0] if not digits or int(digits) % 2 else HALVES[1]


def load_queries(path: Path, known_ids: set[str] | None = None) -> list[EvalQuery]:
    """Every query of a JSON-lines file, checked (InputFileError names the line and the field); ``known_ids``: the
    paper ids a grade may name."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not UTF-8 text") from None
    except OSError as exc:  # a folder, no permission
        raise InputFileError(f"{path}: cannot be read: {exc.strerror or exc}") from None
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
        q = _query(obj, str(obj.get("id") or f"line{n}"), known_ids, f"{path}:{n}")
        if q.id in seen:
            raise InputFileError(f"{path}:{n}: duplicate query id {q.id!r}")
        seen.add(q.id)
        out.append(q)
    if not out:
        raise InputFileError(f"{path}: no queries")
    return out


def _query(obj: dict[str, Any], qid: str, known_ids: set[str] | None, where: str) -> EvalQuery:
    """One line's query, every field checked."""
    q, rel, kind = obj.get("query"), obj.get("relevant"), str(obj.get("type", ""))
    if not isinstance(q, str) or not q.strip():
        raise InputFileError(f"{where}: field 'query' must be non-empty text")
    try:  # the search's own rule for a query, said of the file's line, not of the command line
        check_query(q)
    except QueryError as exc:
        raise InputFileError(f"{where}: field 'query': {str(exc).removeprefix(f'{exc.param}: ')}") from None
    if not isinstance(rel, dict) or (not rel and kind != OUT_OF_SCOPE):
        raise InputFileError(f"{where}: field 'relevant' must map paper ids to grades 1-3")
    if rel and kind == OUT_OF_SCOPE:
        raise InputFileError(f"{where}: field 'relevant' must be empty ({{}}) for an out-of-scope query")
    for pid, g in rel.items():
        if isinstance(g, bool) or g not in (1, 2, 3):
            raise InputFileError(f"{where}: field 'relevant.{pid}' must be a grade 1, 2 or 3")
        if known_ids is not None and pid not in known_ids:
            raise InputFileError(f"{where}: field 'relevant' names unknown paper {pid!r}")
    cite, near = obj.get("cite", []), obj.get("near", False)
    if not isinstance(cite, list) or not all(isinstance(c, str) and c in rel for c in cite):
        raise InputFileError(f"{where}: field 'cite' must list paper ids of 'relevant'")
    if not isinstance(near, bool):
        raise InputFileError(f"{where}: field 'near' must be true or false")
    return EvalQuery(qid, q, {str(k): int(v) for k, v in rel.items()}, kind, tuple(cite), near)


def run_mode(
    searcher: Searcher, queries: list[EvalQuery], mode: str, k: int = 10, understand: bool = True
) -> dict[str, SearchResults]:
    """Each query's answer."""
    return {q.id: searcher.search(q.query, k=k, mode=mode, understand=understand) for q in queries}


def _metrics(queries: list[EvalQuery], answers: dict[str, SearchResults]) -> dict[str, float]:
    """Each metric's mean over the queries that have relevant papers, to four decimals."""
    graded = [(q.relevant, [r["id"] for r in answers[q.id]["results"]]) for q in queries if q.in_scope]
    return {m: round(v, 4) for m, v in mean_metrics(graded).items()}


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
    kinds_by_half: dict[str, dict[str, dict[str, float]]]  # tune / held-out -> type -> metric -> value, hybrid
    floors: dict[str, dict[str, Tally]]  # tune / held-out -> the assistant's measures (module ``floors``)
    not_verbatim: int  # quoted sentences that are not word for word their paper's (over every answer)
    readme: bool  # the README's question is answered from both of its papers


def report(searcher: Searcher, queries: list[EvalQuery], understand: bool = True) -> Report:
    """Metrics per mode, per query type and per half, how well "nothing matches" is said, and the assistant's
    floors per half (its answers to every query, with the hybrid ranking)."""
    answers = {mode: run_mode(searcher, queries, mode, understand=understand) for mode in MODES}
    hybrid = answers["hybrid"]
    by_kind = _by_kind(queries, hybrid)
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
    said = {q.id: searcher.answer(q.query, understand=understand) for q in queries}
    return Report(
        modes,
        by_kind,
        halves,
        counts,
        no_match,
        {h: _by_kind([q for q in queries if q.half == h], hybrid) for h in HALVES},
        {h: floors.tallies([q for q in queries if q.half == h], hybrid, said) for h in HALVES},
        floors.not_verbatim(searcher.papers(), said.values()),
        floors.readme_answered(searcher.answer(floors.README_QUESTION, understand=understand)),
    )


def _by_kind(queries: list[EvalQuery], answers: dict[str, SearchResults]) -> dict[str, dict[str, float]]:
    """Metric -> value per query type (in-scope queries)."""
    kinds = sorted({q.type or "untyped" for q in queries if q.in_scope})
    return {kind: _metrics([q for q in queries if (q.type or "untyped") == kind], answers) for kind in kinds}
