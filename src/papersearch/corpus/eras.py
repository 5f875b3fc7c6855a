"""The eras list (``eras.yaml``), checked item by item and as a whole, and papers placed in their eras.

Pure functions of text and records: an era needs an id, a name, an introduction and a year span;
the list needs unique ids and spans in time order that do not share a year. A paper must name a
known era; a year outside that era's span is only a warning (the reading list's order decides).
"""

from __future__ import annotations

import re
from typing import Any

from ..core.errors import Problem
from ..core.models import Era, Paper
from .safe_yaml import InvalidYamlError, parse_yaml
from .values import as_text, as_year, show, unknown_fields

ERA_ID_RE = re.compile(r"^[a-z0-9][a-z0-9\-]{2,120}$")
ERA_FIELDS = ("id", "name", "start", "end", "intro")


def parse_eras(text: str, rel: str, problems: list[Problem]) -> list[Era]:
    """Parse and check the eras list; append a problem (file ``rel``, field ``[i].key``) for each fault."""
    try:
        raw = parse_yaml(text)
    except InvalidYamlError as exc:
        where = f" (line {exc.line + 1})" if exc.line is not None else ""
        problems.append(Problem(rel, "", f"invalid YAML{where}: {exc.message}"))
        return []
    if not isinstance(raw, list):
        problems.append(Problem(rel, "", "must be a YAML list of eras ('- id: ...' entries)"))
        return []
    if not raw:
        problems.append(Problem(rel, "", "lists no eras; the corpus needs at least one"))
        return []
    placed = [(i, era) for i, item in enumerate(raw) if (era := _era(item, i, rel, problems)) is not None]
    _check_ids(placed, rel, problems)
    _check_spans(placed, rel, problems)
    return [era for _, era in placed]


def _era(item: Any, i: int, rel: str, problems: list[Problem]) -> Era | None:
    """One era from its mapping, or None with a problem per bad field."""
    if not isinstance(item, dict):
        problems.append(Problem(rel, f"[{i}]", "each era must be a mapping of id, name, start, end and intro"))
        return None
    before = len(problems)
    text = {key: as_text(item.get(key), rel, f"[{i}].{key}", problems) for key in ("id", "name", "intro")}
    if text["id"] and not ERA_ID_RE.match(text["id"]):
        problems.append(Problem(rel, f"[{i}].id", "must be lowercase letters, digits and dashes (3-121 chars)"))
    start = as_year(item.get("start"), rel, f"[{i}].start", problems)
    end = as_year(item.get("end"), rel, f"[{i}].end", problems)
    unknown_fields(item, ERA_FIELDS, rel, f"[{i}].", problems)
    if any(p.severity == "error" for p in problems[before:]):
        return None
    return Era(text["id"], text["name"], start, end, text["intro"])


def _check_ids(placed: list[tuple[int, Era]], rel: str, problems: list[Problem]) -> None:
    first: dict[str, int] = {}
    for i, era in placed:
        if era.id in first:
            problems.append(
                Problem(
                    rel, f"[{i}].id", f"duplicate era id {era.id!r} (also [{first[era.id]}]); give each era its own"
                )
            )
        else:
            first[era.id] = i


def _check_spans(placed: list[tuple[int, Era]], rel: str, problems: list[Problem]) -> None:
    """Each span runs forward, and each era starts after the one listed before it ends."""
    previous: Era | None = None
    for i, era in placed:
        if era.start > era.end:
            problems.append(Problem(rel, f"[{i}].start", f"{era.start} is after the end {era.end}; swap them"))
            continue
        if previous is not None and era.start < previous.start:
            problems.append(
                Problem(
                    rel,
                    f"[{i}].start",
                    f"era {era.id!r} ({era.start}–{era.end}) is listed after {previous.id!r} "
                    f"({previous.start}–{previous.end}); list eras oldest first",
                )
            )
        elif previous is not None and era.start <= previous.end:
            problems.append(
                Problem(
                    rel,
                    f"[{i}].start",
                    f"era {era.id!r} ({era.start}–{era.end}) overlaps {previous.id!r} "
                    f"({previous.start}–{previous.end}); start it after {previous.end}",
                )
            )
        previous = era


def check_paper_eras(papers: list[Paper], eras: list[Era], problems: list[Problem]) -> list[Paper]:
    """The papers whose era is known (an error for each other); a year outside the era's span is a warning."""
    if not eras:  # the eras file has its own errors already
        return papers
    by_id = {e.id: e for e in eras}
    known = ", ".join(sorted(by_id))
    placed: list[Paper] = []
    for p in papers:
        era = by_id.get(p.era)
        if era is None:
            problems.append(Problem(p.source, "era", f"unknown era {show(p.era)}; known: {known}"))
            continue
        if not era.start <= p.year <= era.end:
            message = f"{p.year} lies outside its era {era.name} ({era.start}–{era.end})"
            problems.append(Problem(p.source, "year", message, "warning"))
        placed.append(p)
    return placed


def era_of_year(eras: list[Era] | tuple[Era, ...], year: int) -> Era | None:
    """The era whose span holds ``year``, or None when it falls in a gap or outside them all."""
    return next((e for e in eras if e.start <= year <= e.end), None)


def nearest_era(eras: list[Era] | tuple[Era, ...], year: int) -> Era:
    """The era closest in time to ``year`` (the earlier one when two are as close); ``eras`` must not be empty."""
    return min(eras, key=lambda e: (max(e.start - year, year - e.end, 0), e.start))
