"""What an import is asked to do (``ImportOptions``) and what it does or would do (``ImportPlan``), entry by entry.

Plain records the faces build and show: the CLI's ``import --dry-run`` prints a plan, the HTTP
API and the MCP tool return it as JSON (``ImportPlan.as_dict``). ``choose_era`` is the one rule
for the era of an imported paper.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from ..core.errors import Problem, QueryError
from ..core.models import Era
from .eras import era_of_year, nearest_era
from .sources import FORMATS, ImportFormat

OnError = Literal["all_or_nothing", "skip_bad"]
Into = Literal["auto", "files", "bulk"]
Action = Literal["add", "update", "unchanged", "kept", "duplicate", "bad"]
PlanFormat = ImportFormat | Literal["fields"]  # "fields": entries given one by one (``papersearch add``), not a file
ACTIONS: tuple[Action, ...] = ("add", "update", "unchanged", "kept", "duplicate", "bad")
NEAREST = "nearest"


@dataclass(frozen=True)
class ImportOptions:
    """How to import a file; every face builds one of these from its own input."""

    format: ImportFormat | None = None
    """bibtex, csl-json or arxiv; None: told from the file's first bytes"""
    era: str | None = None
    """the era for a paper whose year no era covers: an era id, or "nearest"; None: such a paper is bad"""
    on_error: OnError = "all_or_nothing"
    """all_or_nothing: one bad entry stops the import, nothing written; skip_bad: import the good ones"""
    force: bool = False
    """overwrite papers a person has edited since an import wrote them"""
    into: Into = "auto"
    """files: one Markdown file a paper; bulk: papers.jsonl; auto: bulk for arXiv metadata or a file imported into a
    corpus with one, files for papers given one by one (``papersearch add``)"""
    max_bytes: int | None = None
    """the largest file to read (None: 64 MB for BibTeX and CSL-JSON, 512 MB for arXiv metadata)"""

    def check(self, eras: list[Era]) -> None:
        """Raise :class:`QueryError` naming the option that cannot be used."""
        if self.format is not None and self.format not in FORMATS:
            raise QueryError("format", f"format must be one of {', '.join(FORMATS)}, not {self.format!r}")
        known = [e.id for e in eras]
        if self.era is not None and self.era != NEAREST and self.era not in known:
            raise QueryError("era", f"era {self.era!r} is not in eras.yaml; use one of {', '.join(known)} or 'nearest'")
        if self.on_error not in ("all_or_nothing", "skip_bad"):
            raise QueryError("on_error", f"on_error must be all_or_nothing or skip_bad, not {self.on_error!r}")
        if self.into not in ("auto", "files", "bulk"):
            raise QueryError("into", f"into must be auto, files or bulk, not {self.into!r}")
        if self.max_bytes is not None and self.max_bytes < 1:
            raise QueryError("max_bytes", "max_bytes must be a positive number of bytes")


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One entry of the file and what the import does with it."""

    action: Action
    line: int  # where the entry starts in the file (from 1)
    name: str  # its own name there: BibTeX key, CSL id, arXiv id
    id: str  # the paper it becomes or already is ("" for a bad entry or a duplicate)
    file: str  # where that paper is written or lives (papers/<id>.md or papers.jsonl)
    note: str = ""  # why: the paper it matched, the line it repeats, the problem


@dataclass
class ImportPlan:
    """Every entry's action, the problems (errors name a bad entry, warnings what was left out of a good one)."""

    source: str
    format: PlanFormat
    into: Literal["files", "bulk"]
    items: list[PlanItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    """the corpus files the import replaced or created; empty for a dry run"""

    def count(self, action: Action) -> int:
        """How many entries the import gives ``action``."""
        return sum(1 for item in self.items if item.action == action)

    def counts(self) -> dict[Action, int]:
        """How many entries each action has, every action listed."""
        tally = Counter(item.action for item in self.items)
        return {a: tally.get(a, 0) for a in ACTIONS}

    def changes(self) -> int:
        """How many papers the import adds or updates."""
        return sum(1 for item in self.items if item.action in ("add", "update"))

    def summary(self) -> str:
        """One line: "3 added, 1 updated, 40 unchanged, 2 kept (edited by hand), 0 duplicates, 1 bad"."""
        c = self.counts()
        return (
            f"{c['add']} added, {c['update']} updated, {c['unchanged']} unchanged, "
            f"{c['kept']} kept (edited by hand), {c['duplicate']} duplicates, {c['bad']} bad"
        )

    def as_dict(self) -> dict[str, Any]:
        """The plan as JSON for a face: counts, each entry's action, and every problem."""
        return {
            "source": self.source,
            "format": self.format,
            "into": self.into,
            "counts": self.counts(),
            "items": [
                {"action": i.action, "line": i.line, "name": i.name, "id": i.id, "file": i.file, "note": i.note}
                for i in self.items
            ],
            "problems": [
                {"where": p.file, "field": p.field, "message": p.message, "severity": p.severity} for p in self.problems
            ],
            "written": self.written,
        }


def choose_era(eras: list[Era], year: int, fallback: str | None) -> tuple[str | None, str]:
    """The era of an imported paper of ``year``, and a note when it is not the one its year falls in.

    The era whose span holds the year; else ``fallback`` (an era id, or "nearest"); else None, and a
    message naming the nearest era to use.
    """
    era = era_of_year(eras, year)
    if era is not None:
        return era.id, ""
    near = nearest_era(eras, year)
    if fallback == NEAREST:
        return near.id, f"{year} lies in no era; placed in the nearest, {near.id}"
    if fallback is not None:
        return fallback, f"{year} lies in no era; placed in {fallback} as asked"
    return None, (
        f"{year} lies in no era of eras.yaml; the nearest is {near.id} ({near.start}–{near.end}): "
        f"import with --era {near.id} or --era nearest, or add an era that covers {year}"
    )
