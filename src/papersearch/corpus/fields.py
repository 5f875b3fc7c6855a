"""Parse a paper file's text into a typed record: its front matter, every field checked, and its body.

Pure functions of text: every problem found is appended with its file and field (``edges.add[0].kind``),
so a person sees them all at once; nothing here touches the disk. The YAML is read by
:mod:`.safe_yaml` (no anchors, aliases or tags; bounded depth and size), then each field,
nested ones included, is checked for type and shape (``paper_from_fields``, which also checks a
line of the bulk file ``papers.jsonl``). Unknown fields are warnings.

A paper needs an id, year, title, authors and era. Its guiding question and its summary may be
left out (a paper imported from a bibliography has neither), but a question line left empty is an
error; ``doi``, ``arxiv``, ``venue``, ``url`` and where in its venue the paper is (``type``, ``volume``,
``issue``, ``pages``; ``et_al`` when its source listed only the first authors) are optional and checked for shape.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..core.errors import Problem
from ..core.ids import ID_RULE, is_paper_id
from ..core.models import EDGE_KINDS, Concept, EdgeOverride, Paper
from ..core.records import EdgeKind
from .eras import parse_eras as parse_eras
from .safe_yaml import SAFE_LOADER as SAFE_LOADER
from .safe_yaml import InvalidYamlError, parse_yaml
from .values import (
    CONTROL,
    as_arxiv,
    as_doi,
    as_flag,
    as_number_text,
    as_pages,
    as_text,
    as_text_list,
    as_type,
    as_url,
    as_year,
    control_character,
    control_problem,
    kind_of,
    show,
    unknown_fields,
)

REQUIRED = ("id", "year", "title", "authors", "era")
FIELDS = (
    *REQUIRED,
    "question",
    "concepts",
    "edges",
    "doi",
    "arxiv",
    "venue",
    "url",
    "type",
    "genre",
    "volume",
    "issue",
    "pages",
    "et_al",
)
CONCEPT_FIELDS = ("name", "aliases", "generic")
EDGES_FIELDS = ("add", "remove")
EDGE_FIELDS = ("target", "kind", "evidence")
FRONT = "front matter"
# smoke alarms, not style rules: the longest real titles run to some 300 characters, but large dumps hold records
# with an abstract pasted into the title, which one such record must not stop a million papers' build for
MAX_TITLE_CHARS = 2_000
MAX_NAME_CHARS = 500  # an author's name, a consortium's included
_NEWLINES = re.compile(r"\r\n?")


def split_front_matter(text: str) -> tuple[str, str] | None:
    """Split ``---\\nYAML\\n---\\nbody`` (a BOM and CRLF line ends allowed); None without a closed block."""
    lines = _NEWLINES.sub("\n", text.lstrip("\ufeff")).split("\n")
    if lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :])
    return None


def _front_matter(text: str, rel: str, problems: list[Problem]) -> tuple[dict[Any, Any], str] | None:
    """The front matter as a mapping, and the body; None with one problem saying what is wrong."""
    parts = split_front_matter(text)
    if parts is None:
        opened = text.lstrip("\ufeff").split("\n", 1)[0].rstrip() == "---"
        message = (
            "not closed: add a '---' line after the last field, before the summary"
            if opened
            else "missing: the file must start with a '---' line, YAML, then '---'"
        )
        problems.append(Problem(rel, FRONT, message))
        return None
    head, body = parts
    try:
        meta = parse_yaml(head)
    except InvalidYamlError as exc:
        where = f" (line {exc.line + 2})" if exc.line is not None else ""
        problems.append(Problem(rel, FRONT, f"invalid YAML{where}: {exc.message}"))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(rel, FRONT, f"must be a YAML mapping of fields ('id: ...' lines), not {kind_of(meta)}"))
        return None
    return meta, body


def parse_paper(text: str, rel: str, problems: list[Problem]) -> Paper | None:
    """Parse one paper file's text; append problems (with ``rel`` and the field) and return None on error."""
    parsed = _front_matter(text, rel, problems)
    if parsed is None:
        return None
    meta, body = parsed
    found: list[Problem] = []
    paper = paper_from_fields(meta, body.strip(), rel, found, FIELDS)
    problems += [_at_line(p, text) if p.message.startswith(CONTROL) else p for p in found]
    return paper


def _at_line(problem: Problem, text: str) -> Problem:
    """A control-character problem named by the file's line: the line holding the character, else its field's."""
    lines = text.split("\n")
    key = re.compile(rf"{re.escape(problem.field.split('[')[0].split('.')[0])}\s*:")
    if problem.field == "summary":  # the body is the file's text as it is: the character itself is on the line
        number = next((i for i, line in enumerate(lines, 1) if control_character(line)), 0)
    else:  # YAML wrote it as an escape ("\e") in the field's value
        number = next((i for i, line in enumerate(lines, 1) if key.match(line)), 0)
    return replace(problem, file=f"{problem.file}:{number}") if number else problem


def paper_from_fields(
    meta: dict[Any, Any], summary: str, rel: str, problems: list[Problem], known: tuple[str, ...]
) -> Paper | None:
    """A paper from its fields and summary, every field checked; unknown keys (not in ``known``) are warnings."""
    before = len(problems)
    pid = as_text(meta.get("id"), rel, "id", problems)
    if pid and not is_paper_id(pid):
        problems.append(Problem(rel, "id", f"{show(pid)} must be {ID_RULE}"))
    paper_year = as_year(meta.get("year"), rel, "year", problems)
    title = _short(
        as_text(meta.get("title"), rel, "title", problems), MAX_TITLE_CHARS, "a title", rel, "title", problems
    )
    authors = _authors(meta.get("authors"), rel, problems)
    for j, name in enumerate(authors):
        _short(name, MAX_NAME_CHARS, "an author's name", rel, f"authors[{j}]", problems)
    era = as_text(meta.get("era"), rel, "era", problems)
    question = _question(meta, rel, problems)
    concepts = _concepts(meta.get("concepts"), rel, problems)
    adds, removes = _edges(meta.get("edges"), rel, problems)
    _self_references(pid, adds, rel, problems)
    doi = as_doi(meta.get("doi"), rel, "doi", problems)
    arxiv = as_arxiv(meta.get("arxiv"), rel, "arxiv", problems)
    venue = as_text(meta.get("venue"), rel, "venue", problems, required=False)
    url = as_url(meta.get("url"), rel, "url", problems)
    kind = as_type(meta.get("type"), rel, "type", problems)
    genre = as_text(meta.get("genre"), rel, "genre", problems, required=False)
    if genre and kind != "thesis":  # a degree is a thesis's: cited on anything else, no import would read it back
        problems.append(Problem(rel, "genre", f"{genre!r} is a thesis's degree; give `type: thesis` or drop genre"))
    volume = as_number_text(meta.get("volume"), rel, "volume", problems)
    issue = as_number_text(meta.get("issue"), rel, "issue", problems)
    pages = as_pages(meta.get("pages"), rel, "pages", problems)
    et_al = as_flag(meta.get("et_al"), rel, "et_al", problems)
    if control_character(summary):
        problems.append(Problem(rel, "summary", control_problem(summary)))
    unknown_fields(meta, known, rel, "", problems)
    if any(p.severity == "error" for p in problems[before:]):
        return None
    paper = Paper(
        pid, paper_year, title, authors, era, question, summary, concepts, adds, removes, doi, arxiv, venue, url
    )
    return replace(paper, type=kind, genre=genre, volume=volume, issue=issue, pages=pages, et_al=et_al, source=rel)


def _short(text: str, limit: int, what: str, rel: str, field: str, problems: list[Problem]) -> str:
    """``text``, with a problem when it is longer than ``limit`` characters (a pasted abstract, a runaway value)."""
    if len(text) > limit:
        problems.append(Problem(rel, field, f"is {len(text):,} characters; {what} may hold at most {limit:,}"))
    return text


def _question(meta: dict[Any, Any], rel: str, problems: list[Problem]) -> str:
    """The guiding question: optional, but a line that names it must fill it in."""
    if "question" not in meta:
        return ""
    question = as_text(meta["question"], rel, "question", problems, required=False)
    if not question and (meta["question"] is None or isinstance(meta["question"], str)):
        problems.append(Problem(rel, "question", "missing or empty: write the question, or remove the line"))
    return question


def _authors(raw: Any, rel: str, problems: list[Problem]) -> tuple[str, ...]:
    if raw is None or raw == [] or raw == "":
        problems.append(Problem(rel, "authors", "missing or empty (required): a list of names"))
        return ()
    return as_text_list(raw, rel, "authors", problems, "names")


def _concepts(raw: Any, rel: str, problems: list[Problem]) -> tuple[Concept, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        message = f"must be a list of concepts (a name, or a mapping with 'name'), not {kind_of(raw)}"
        problems.append(Problem(rel, "concepts", message))
        return ()
    found = (_concept(item, f"concepts[{i}]", rel, problems) for i, item in enumerate(raw))
    return tuple(c for c in found if c is not None)


def _concept(item: Any, field: str, rel: str, problems: list[Problem]) -> Concept | None:
    if isinstance(item, str):
        name = as_text(item, rel, field, problems)
        return Concept(name) if name else None
    if not isinstance(item, dict):
        problems.append(Problem(rel, field, f"must be a name or a mapping with 'name', not {kind_of(item)}"))
        return None
    before = len(problems)
    name = as_text(item.get("name"), rel, f"{field}.name", problems)
    aliases = as_text_list(item.get("aliases"), rel, f"{field}.aliases", problems, "aliases")
    generic = item.get("generic", False)
    if isinstance(generic, int) and not isinstance(generic, bool):
        generic = as_year(generic, rel, f"{field}.generic", problems)
    elif not isinstance(generic, bool):
        message = "must be true or false, or the year from which the term is everyday vocabulary (such as 1995)"
        problems.append(Problem(rel, f"{field}.generic", f"{message}, not {show(generic)}"))
    unknown_fields(item, CONCEPT_FIELDS, rel, f"{field}.", problems)
    if any(p.severity == "error" for p in problems[before:]):
        return None
    return Concept(name, aliases, generic)


def _edges(raw: Any, rel: str, problems: list[Problem]) -> tuple[tuple[EdgeOverride, ...], tuple[str, ...]]:
    if raw is None:
        return (), ()
    if not isinstance(raw, dict):
        problems.append(Problem(rel, "edges", f"must be a mapping with 'add' and/or 'remove', not {kind_of(raw)}"))
        return (), ()
    unknown_fields(raw, EDGES_FIELDS, rel, "edges.", problems)
    adds_raw = raw.get("add")
    adds: list[EdgeOverride] = []
    if isinstance(adds_raw, list):
        found = (_edge(item, f"edges.add[{i}]", rel, problems) for i, item in enumerate(adds_raw))
        adds = [e for e in found if e is not None]
    elif adds_raw is not None:
        message = f"must be a list of paper ids (or mappings with 'target'), not {kind_of(adds_raw)}"
        problems.append(Problem(rel, "edges.add", message))
    removes = as_text_list(raw.get("remove"), rel, "edges.remove", problems, "paper ids")
    return tuple(adds), removes


def _self_references(pid: str, adds: tuple[EdgeOverride, ...], rel: str, problems: list[Problem]) -> None:
    """A warning for each hand-added edge to the paper itself: an edge needs two papers, so the graph leaves it out."""
    for i, edge in enumerate(adds):
        if pid and edge.target == pid:
            message = f"the paper refers to itself ({show(edge.evidence)}); an edge needs two papers, so it is left out"
            problems.append(Problem(rel, f"edges.add[{i}]", message, "warning"))


def _edge(item: Any, field: str, rel: str, problems: list[Problem]) -> EdgeOverride | None:
    if isinstance(item, str):
        target = as_text(item, rel, field, problems)
        return EdgeOverride(target) if target else None
    if not isinstance(item, dict):
        problems.append(Problem(rel, field, f"must be a paper id or a mapping with 'target', not {kind_of(item)}"))
        return None
    before = len(problems)
    target = as_text(item.get("target"), rel, f"{field}.target", problems)
    kind = _edge_kind(item.get("kind", "cites"), f"{field}.kind", rel, problems)
    evidence = as_text(item.get("evidence"), rel, f"{field}.evidence", problems, required=False) or "added by hand"
    unknown_fields(item, EDGE_FIELDS, rel, f"{field}.", problems)
    if kind is None or any(p.severity == "error" for p in problems[before:]):
        return None
    return EdgeOverride(target, kind, evidence)


def _edge_kind(value: Any, field: str, rel: str, problems: list[Problem]) -> EdgeKind | None:
    for kind in EDGE_KINDS:
        if value == kind:
            return kind
    problems.append(Problem(rel, field, f"unknown kind {show(value)}; use {' or '.join(EDGE_KINDS)}"))
    return None
