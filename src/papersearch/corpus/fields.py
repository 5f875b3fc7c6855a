"""Parse a corpus file's text into typed records: a paper's front matter and body, the eras list.

Pure functions of text: every problem found is appended with its file and field, so a person
sees them all at once; nothing here touches the disk.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..core.errors import Problem
from ..core.models import EDGE_KINDS, Concept, EdgeOverride, Era, Paper

# libyaml's safe loader when PyYAML has it: the same documents and the same refusals, ~8x faster
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YEAR_MIN, YEAR_MAX = 1800, 2100
ID_RE = re.compile(r"^[a-z0-9][a-z0-9\-]{2,120}$")
REQUIRED = ("id", "year", "title", "authors", "era", "question")


def split_front_matter(text: str) -> tuple[str, str] | None:
    """Split ``---\\nYAML\\n---\\nbody``; None when the file has no front matter block."""
    text = text.lstrip("\ufeff")
    if not text.startswith("---"):
        return None
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :])
    return None


def _str_field(meta: dict[str, Any], key: str, rel: str, problems: list[Problem]) -> str:
    value = meta.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.append(Problem(rel, key, "missing or empty (required)"))
        return ""
    if not isinstance(value, str):
        problems.append(Problem(rel, key, f"must be text, not {type(value).__name__}"))
        return ""
    return value.strip()


def _concepts(raw: Any, rel: str, problems: list[Problem]) -> tuple[Concept, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(Problem(rel, "concepts", "must be a list"))
        return ()
    out: list[Concept] = []
    for i, item in enumerate(raw):
        if isinstance(item, str) and item.strip():
            out.append(Concept(item.strip()))
        elif isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            aliases = item.get("aliases") or []
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                problems.append(Problem(rel, f"concepts[{i}].aliases", "must be a list of text"))
                aliases = []
            generic = item.get("generic", False)
            if not isinstance(generic, bool):
                problems.append(Problem(rel, f"concepts[{i}].generic", "must be true or false"))
                generic = False
            out.append(Concept(item["name"].strip(), tuple(a.strip() for a in aliases if a.strip()), generic))
        else:
            problems.append(Problem(rel, f"concepts[{i}]", "must be text or a mapping with a 'name'"))
    return tuple(out)


def _edges(raw: Any, rel: str, problems: list[Problem]) -> tuple[tuple[EdgeOverride, ...], tuple[str, ...]]:
    if raw is None:
        return (), ()
    if not isinstance(raw, dict):
        problems.append(Problem(rel, "edges", "must be a mapping with 'add' and/or 'remove'"))
        return (), ()
    adds: list[EdgeOverride] = []
    for i, item in enumerate(raw.get("add") or []):
        if isinstance(item, str):
            adds.append(EdgeOverride(item))
        elif isinstance(item, dict) and isinstance(item.get("target"), str):
            kind = item.get("kind", "cites")
            if kind not in EDGE_KINDS:
                problems.append(Problem(rel, f"edges.add[{i}].kind", f"unknown kind {kind!r}; use cites or mentions"))
                continue
            adds.append(EdgeOverride(item["target"], kind, str(item.get("evidence") or "added by hand")))
        else:
            problems.append(Problem(rel, f"edges.add[{i}]", "must be a paper id or a mapping with 'target'"))
    removes = raw.get("remove") or []
    if not isinstance(removes, list) or not all(isinstance(r, str) for r in removes):
        problems.append(Problem(rel, "edges.remove", "must be a list of paper ids"))
        removes = []
    return tuple(adds), tuple(removes)


def parse_paper(text: str, rel: str, problems: list[Problem]) -> Paper | None:
    """Parse one paper file's text; append problems (with ``rel`` and the field) and return None on error."""
    before = len(problems)
    parts = split_front_matter(text)
    if parts is None:
        problems.append(
            Problem(rel, "front matter", "missing: the file must start with a '---' line, YAML, then '---'")
        )
        return None
    head, body = parts
    try:
        meta = yaml.load(head, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problems.append(Problem(rel, "front matter", f"invalid YAML{where}: {getattr(exc, 'problem', exc)}"))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(rel, "front matter", "must be a YAML mapping of fields"))
        return None
    pid = _str_field(meta, "id", rel, problems)
    if pid and not ID_RE.match(pid):
        problems.append(Problem(rel, "id", f"{pid!r} must be lowercase letters, digits and dashes (3-121 chars)"))
    year_raw = meta.get("year")
    year = 0
    if year_raw is None:
        problems.append(Problem(rel, "year", "missing (required)"))
    elif isinstance(year_raw, bool) or not isinstance(year_raw, int):
        problems.append(Problem(rel, "year", f"must be a whole number, not {year_raw!r}"))
    elif not YEAR_MIN <= year_raw <= YEAR_MAX:
        problems.append(Problem(rel, "year", f"{year_raw} is outside {YEAR_MIN}–{YEAR_MAX}"))
    else:
        year = year_raw
    title = _str_field(meta, "title", rel, problems)
    authors_raw = meta.get("authors")
    authors: tuple[str, ...] = ()
    if not authors_raw:
        problems.append(Problem(rel, "authors", "missing or empty (required): a list of names"))
    elif not isinstance(authors_raw, list) or not all(isinstance(a, str) and a.strip() for a in authors_raw):
        problems.append(Problem(rel, "authors", "must be a list of names"))
    else:
        authors = tuple(a.strip() for a in authors_raw)
    era = _str_field(meta, "era", rel, problems)
    question = _str_field(meta, "question", rel, problems)
    summary = body.strip()
    if not summary:
        problems.append(Problem(rel, "summary", "missing: write the summary below the front matter"))
    concepts = _concepts(meta.get("concepts"), rel, problems)
    adds, removes = _edges(meta.get("edges"), rel, problems)
    unknown = set(meta) - {*REQUIRED, "concepts", "edges"}
    for key in sorted(map(str, unknown)):
        problems.append(Problem(rel, key, "unknown field (ignored)", "warning"))
    if len([p for p in problems[before:] if p.severity == "error"]):
        return None
    return Paper(pid, year, title, authors, era, question, summary, concepts, adds, removes, rel)


def parse_eras(text: str, rel: str, problems: list[Problem]) -> list[Era]:
    try:
        raw = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        problems.append(Problem(rel, "", f"invalid YAML: {getattr(exc, 'problem', exc)}"))
        return []
    if not isinstance(raw, list):
        problems.append(Problem(rel, "", "must be a YAML list of eras"))
        return []
    eras: list[Era] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            problems.append(Problem(rel, f"[{i}]", "each era must be a mapping"))
            continue
        ok = True
        for key in ("id", "name", "intro"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                problems.append(Problem(rel, f"[{i}].{key}", "missing or empty (required)"))
                ok = False
        for key in ("start", "end"):
            v = item.get(key)
            if isinstance(v, bool) or not isinstance(v, int) or not YEAR_MIN <= v <= YEAR_MAX:
                problems.append(Problem(rel, f"[{i}].{key}", f"must be a year in {YEAR_MIN}–{YEAR_MAX}"))
                ok = False
        if ok:
            eras.append(
                Era(item["id"].strip(), item["name"].strip(), item["start"], item["end"], item["intro"].strip())
            )
    return eras
