"""Parse a page in the reading list's plain-text format into eras and entries.

The format: a title and a few introduction lines; era headings "Name (1943–1969)" each followed
by one introduction paragraph; entries as three lines: "YEAR · Title", the authors, and the
question (the first sentence, ending in "?") followed by the summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.errors import Problem

ERA_RE = re.compile(r"^(?P<name>.+?) \((?P<start>\d{4})[–-](?P<end>\d{4})\)$")
ENTRY_RE = re.compile(r"^(?P<year>\d{4}) · (?P<title>.+)$")


@dataclass(frozen=True)
class SeedEra:
    name: str
    start: int
    end: int
    intro: str


@dataclass(frozen=True)
class SeedEntry:
    year: int
    title: str
    authors: tuple[str, ...]
    question: str
    summary: str
    era: str  # the era's name
    line: int  # 1-based line of the "YEAR · Title" line


def split_authors(text: str) -> tuple[str, ...]:
    """Split "A, B, and C" / "A and B" / "A" into names."""
    text = text.strip()
    if ", " in text:
        head, _, last = text.rpartition(", and ")
        if not head:
            head, _, last = text.rpartition(", ")
        return (*[a.strip() for a in head.split(", ")], last.strip())
    if " and " in text:
        first, _, last = text.partition(" and ")
        return (first.strip(), last.strip())
    return (text,)


def join_authors(authors: tuple[str, ...] | list[str]) -> str:
    """The inverse of :func:`split_authors`."""
    names = list(authors)
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return ", ".join(names[:-1]) + ", and " + names[-1]


def split_question(text: str) -> tuple[str, str]:
    """Split an entry's text into its guiding question and its summary."""
    idx = text.find("? ")
    if idx < 0:
        return ("", text.strip()) if not text.rstrip().endswith("?") else (text.strip(), "")
    return text[: idx + 1].strip(), text[idx + 2 :].strip()


def parse_seed(text: str, source: str = "seed") -> tuple[list[SeedEra], list[SeedEntry], list[Problem]]:
    """Parse the page; return its eras, its entries and the problems found (never raises)."""
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    eras: list[SeedEra] = []
    entries: list[SeedEntry] = []
    problems: list[Problem] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        era_m = ERA_RE.match(line)
        entry_m = ENTRY_RE.match(line)
        if entry_m:
            if not eras:
                problems.append(Problem(f"{source}:{i + 1}", "era", "entry before any era heading"))
            authors = lines[i + 1].strip() if i + 1 < len(lines) else ""
            body = lines[i + 2].strip() if i + 2 < len(lines) else ""
            question, summary = split_question(body)
            if not authors or not body or not question:
                problems.append(
                    Problem(f"{source}:{i + 1}", "entry", "an entry needs an authors line and a question line")
                )
            entries.append(
                SeedEntry(
                    year=int(entry_m["year"]),
                    title=entry_m["title"].strip(),
                    authors=split_authors(authors) if authors else (),
                    question=question,
                    summary=summary,
                    era=eras[-1].name if eras else "",
                    line=i + 1,
                )
            )
            i += 3
            continue
        if era_m:
            intro = lines[i + 1].strip() if i + 1 < len(lines) else ""
            eras.append(SeedEra(era_m["name"].strip(), int(era_m["start"]), int(era_m["end"]), intro))
            i += 2
            continue
        i += 1
    if not entries:
        problems.append(Problem(source, "", "no entries found (expected lines like '1958 · Title')"))
    return eras, entries, problems
