"""Load, check and write the corpus: one Markdown file per paper plus ``eras.yaml``.

A paper file is YAML front matter (id, year, title, authors, era, question, concepts, optional
edges) between ``---`` lines, then the summary as the body. Loading collects every problem with
its file and field before raising one :class:`CorpusError`, so a person fixes them all at once.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import CorpusError, Problem
from .models import Concept, EdgeOverride, Era, Paper

# libyaml's safe loader when PyYAML has it: the same documents and the same refusals, ~8x faster
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PAPERS_DIR = "papers"
ERAS_FILE = "eras.yaml"
MAX_FILE_BYTES = 1_000_000
YEAR_MIN, YEAR_MAX = 1800, 2100
ID_RE = re.compile(r"^[a-z0-9][a-z0-9\-]{2,120}$")
REQUIRED = ("id", "year", "title", "authors", "era", "question")
EDGE_KINDS = ("cites", "mentions")


@dataclass(frozen=True)
class Corpus:
    """A loaded corpus: its eras and papers (sorted by year, then id) and any warnings."""

    root: Path
    eras: tuple[Era, ...]
    papers: tuple[Paper, ...]
    warnings: tuple[Problem, ...] = ()

    def by_id(self) -> dict[str, Paper]:
        return {p.id: p for p in self.papers}

    def content_hash(self) -> str:
        h = hashlib.sha256()
        for era in self.eras:
            h.update(json.dumps(era.__dict__, sort_keys=True, ensure_ascii=False).encode())
        for p in self.papers:
            h.update(paper_hash(p).encode())
        return h.hexdigest()


def paper_hash(paper: Paper) -> str:
    """A hash of everything about a paper that search depends on."""
    data = {
        "id": paper.id,
        "year": paper.year,
        "title": paper.title,
        "authors": list(paper.authors),
        "era": paper.era,
        "question": paper.question,
        "summary": paper.summary,
        "concepts": [[c.name, list(c.aliases), c.generic] for c in paper.concepts],
        "add": [e.__dict__ for e in paper.add_edges],
        "remove": list(paper.remove_edges),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def slugify(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# ---------------------------------------------------------------- reading


def read_text(path: Path, rel: str, problems: list[Problem]) -> str | None:
    """Read a corpus file as UTF-8 text, recording why not when it cannot be."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.append(Problem(rel, "", f"cannot read: {exc.strerror}"))
        return None
    if size > MAX_FILE_BYTES:
        problems.append(Problem(rel, "", f"file is {size:,} bytes; a paper file may hold at most {MAX_FILE_BYTES:,}"))
        return None
    data = path.read_bytes()
    if b"\x00" in data:
        problems.append(Problem(rel, "", "binary file (contains NUL bytes); expected UTF-8 Markdown"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, "", f"not UTF-8 (invalid byte at offset {exc.start}); save it as UTF-8"))
        return None


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


def load_corpus(root: Path) -> Corpus:
    """Load and check a corpus folder; raise :class:`CorpusError` listing every error."""
    problems: list[Problem] = []
    root = Path(root)
    if not root.is_dir():
        raise CorpusError(
            [Problem(str(root), "", "corpus folder not found; run `papersearch import-seed` or set --corpus")]
        )
    eras_path = root / ERAS_FILE
    eras: list[Era] = []
    if not eras_path.is_file():
        problems.append(Problem(ERAS_FILE, "", "missing: the corpus needs a list of eras"))
    else:
        text = read_text(eras_path, ERAS_FILE, problems)
        if text is not None:
            eras = parse_eras(text, ERAS_FILE, problems)
    era_ids = {e.id for e in eras}
    papers: list[Paper] = []
    papers_dir = root / PAPERS_DIR
    files = sorted(papers_dir.glob("*.md")) if papers_dir.is_dir() else []
    if not files:
        problems.append(Problem(PAPERS_DIR, "", "no paper files (*.md) found"))
    seen: dict[str, str] = {}
    for path in files:
        rel = f"{PAPERS_DIR}/{path.name}"
        text = read_text(path, rel, problems)
        if text is None:
            continue
        paper = parse_paper(text, rel, problems)
        if paper is None:
            continue
        if paper.id in seen:
            problems.append(Problem(rel, "id", f"duplicate id {paper.id!r} (also in {seen[paper.id]})"))
            continue
        seen[paper.id] = rel
        if era_ids and paper.era not in era_ids:
            problems.append(Problem(rel, "era", f"unknown era {paper.era!r}; known: {', '.join(sorted(era_ids))}"))
            continue
        papers.append(paper)
    ids = set(seen)
    for p in papers:
        for i, e in enumerate(p.add_edges):
            if e.target not in ids:
                problems.append(Problem(p.source, f"edges.add[{i}]", f"reference {e.target!r} resolves to no paper"))
        for i, r in enumerate(p.remove_edges):
            if r not in ids:
                problems.append(
                    Problem(p.source, f"edges.remove[{i}]", f"reference {r!r} resolves to no paper", "warning")
                )
    era_by_id = {e.id: e for e in eras}
    for p in papers:
        era = era_by_id.get(p.era)
        if era and not era.start <= p.year <= era.end:
            problems.append(
                Problem(
                    p.source, "year", f"{p.year} lies outside its era {era.name} ({era.start}–{era.end})", "warning"
                )
            )
    if any(p.severity == "error" for p in problems):
        raise CorpusError(problems)
    papers.sort(key=lambda p: (p.year, p.id))
    return Corpus(root, tuple(eras), tuple(papers), tuple(problems))


# ---------------------------------------------------------------- writing


def render_paper(paper: Paper) -> str:
    """The Markdown text of a paper file."""
    meta: dict[str, Any] = {
        "id": paper.id,
        "year": paper.year,
        "title": paper.title,
        "authors": list(paper.authors),
        "era": paper.era,
        "question": paper.question,
        "concepts": [_render_concept(c) for c in paper.concepts],
    }
    if paper.add_edges or paper.remove_edges:
        meta["edges"] = {
            "add": [e.__dict__ for e in paper.add_edges],
            "remove": list(paper.remove_edges),
        }
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100_000)
    return f"---\n{head}---\n{paper.summary}\n"


def _render_concept(c: Concept) -> dict[str, Any]:
    out: dict[str, Any] = {"name": c.name}
    if c.aliases:
        out["aliases"] = list(c.aliases)
    if c.generic:
        out["generic"] = True
    return out


def render_eras(eras: list[Era] | tuple[Era, ...]) -> str:
    return yaml.safe_dump([e.__dict__ for e in eras], allow_unicode=True, sort_keys=False, width=100_000)
