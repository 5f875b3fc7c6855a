"""Growing the corpus: ``papersearch import FILE`` (a researcher's BibTeX, CSL-JSON, RIS or arXiv metadata) and
``papersearch add`` (one paper, from a BibTeX entry, from flags, or from answers to prompts).

Both go through ``corpus.imports``: each entry is planned (added, updated, unchanged, kept as edited
by hand, a duplicate, or bad), checked by the corpus's own rules, and put in place together with the
rest or not at all. Each prints what it did (or, with ``--dry-run``, would do), every problem with
its entry and line, and the next command. Exit 1 when an entry is bad (under all-or-nothing, the
default, nothing is then written).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.settings import Settings
from .arguments import Command, checked

if TYPE_CHECKING:
    from ..core.errors import Problem
    from ..corpus.import_plan import ImportPlan, PlanItem

SHOWN_A_KIND = 50  # entries of one action listed; --json lists every one
VERBS = {"add": "add", "update": "update", "unchanged": "unchanged", "kept": "keep", "duplicate": "skip", "bad": "bad"}


def import_arguments(s: argparse.ArgumentParser) -> None:
    """``import FILE [--format F] [--dry-run] [--era ID|nearest] [--skip-bad] [--force] [--into W] [--json]``."""
    from ..corpus.sources import FORMATS

    s.add_argument(
        "file",
        help="a BibTeX file (.bib), CSL-JSON (.json), RIS (.ris), arXiv metadata (JSON lines) or arXiv search results (Atom)",
    )
    s.add_argument("--format", choices=FORMATS, help="the file's format (default: told from it)")
    s.add_argument("--dry-run", action="store_true", help="only say what would be added, updated and skipped")
    s.add_argument(
        "--era",
        metavar="ID|nearest",
        help="the era for a paper whose year no era covers: an era id, or `nearest` (default: such a paper is bad)",
    )
    s.add_argument(
        "--skip-bad",
        action="store_true",
        help="import the good entries and list the bad (default: one bad entry stops the import; nothing is written)",
    )
    s.add_argument(
        "--force",
        action="store_true",
        help="overwrite papers edited by hand since an import wrote them, and replace every field an earlier import "
        "wrote (kind of work, degree, volume, pages...) with this file's; never the list's own text or a field a "
        "person edited",
    )
    s.add_argument(
        "--into",
        choices=("auto", "files", "bulk"),
        default="auto",
        help="files: one Markdown file a paper; bulk: lines of papers.jsonl; auto (default): bulk for arXiv "
        "metadata or a corpus that has papers.jsonl",
    )
    s.add_argument("--json", action="store_true", help="print the plan as JSON: counts, every entry, every problem")


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch import``: plan (``--dry-run``) or import a file; every entry's fate, problems, the next command."""
    from ..core.errors import ImportFileError
    from ..corpus.import_plan import ImportOptions, OnError
    from ..corpus.imports import plan_import, run_import

    on_error: OnError = "skip_bad" if args.skip_bad else "all_or_nothing"
    options = ImportOptions(args.format, args.era, on_error, args.force, args.into)
    try:
        plan = (plan_import if args.dry_run else run_import)(Path(args.file), settings.corpus, options)
    except ImportFileError as exc:
        if not args.json:
            raise
        refused = [{"where": p.file, "field": p.field, "message": p.message} for p in exc.problems]
        print(json.dumps({"imported": False, "error": str(exc), "problems": refused}, ensure_ascii=False, indent=2))
        return 1
    if args.json:
        print(json.dumps(plan.as_dict(), ensure_ascii=False, indent=2))
    else:
        show_plan(plan, args.dry_run, args.skip_bad)
    return 1 if plan.count("bad") else 0


def show_plan(plan: ImportPlan, dry_run: bool, skip_bad: bool) -> None:
    """Each entry with what it does (the first ``SHOWN_A_KIND`` of each action), warnings on stderr, what next."""
    for action in VERBS:
        items = [item for item in plan.items if item.action == action]
        for item in items[:SHOWN_A_KIND]:
            print(entry_line(plan.source, item, dry_run))
        if len(items) > SHOWN_A_KIND:
            print(f"  … and {len(items) - SHOWN_A_KIND} more: {VERBS[action]} (--json lists every entry)")
    show_warnings(w for w in plan.problems if w.severity == "warning")
    head = "dry run, nothing written" if dry_run else f"{plan.format} into {plan.into}"
    print(f"{plan.source} ({head}): {plan.summary()}")
    if plan.count("bad") and not skip_bad:
        print("one bad entry stops an import and nothing is written: fix them, or import the rest with --skip-bad")
    elif dry_run:
        print("run it again without --dry-run to import")
    elif plan.changes():
        what = "the new papers" if not plan.count("update") else "the changes" if plan.count("add") else "the updates"
        print(f"next: papersearch index   (the search index does not hold {what} until it is rebuilt)")


def entry_line(source: str, item: PlanItem, dry_run: bool) -> str:
    """One entry of the plan: "add  refs.bib:12 (vaswani2017) → 2017-vaswani-attention (papers/…md)"."""
    from ..corpus.incoming import entry_label

    verb = ("would " if dry_run and item.action in ("add", "update") else "") + VERBS[item.action]
    where = entry_label(Path(source).name, item.line, item.name)
    paper = f" → {item.id} ({item.file})" if item.id else ""
    return f"{verb:<12} {where}{paper}" + (f": {item.note}" if item.note else "")


def show_warnings(warnings: Iterable[object], most: int = 20) -> None:
    """Warnings (fields left out of good entries) on stderr, the first ``most`` of them."""
    listed = list(warnings)
    for w in listed[:most]:
        print(str(w), file=sys.stderr)
    if len(listed) > most:
        print(f"… and {len(listed) - most} more warnings (--json lists them)", file=sys.stderr)


# ---------------------------------------------------------------- add: one paper


def add_arguments(s: argparse.ArgumentParser) -> None:
    """``add [--bibtex FILE|-|ENTRY] [--title T --year Y --author A ...] [--era ...] [--dry-run] [--json]``."""
    s.add_argument(
        "--bibtex",
        metavar="FILE|-|ENTRY",
        help="one BibTeX entry: a file, - for stdin, or the entry itself (@article{…})",
    )
    s.add_argument("--title", help="the paper's title")
    s.add_argument("--year", type=_year, help="the year it appeared")
    s.add_argument(
        "--author", action="append", default=[], help="an author, as the paper names them (repeat: in order)"
    )
    s.add_argument("--era", metavar="ID|nearest", help="its era (default: the era its year falls in)")
    s.add_argument("--question", help="the question it answered (optional; a page shows it above the summary)")
    s.add_argument("--summary", help="a summary or the abstract (optional)")
    for flag, what in (("doi", "10.1038/323533a0"), ("arxiv", "1706.03762"), ("venue", "Nature"), ("url", "https://…")):
        s.add_argument(f"--{flag}", default="", help=f"its {flag if flag != 'arxiv' else 'arXiv id'}, e.g. {what}")
    s.add_argument(
        "--type",
        type=_kind,
        help="its kind of work, a CSL type: article-journal, chapter, thesis… (default: told from --venue)",
    )
    s.add_argument(
        "--genre",
        default="",
        help="a thesis's degree, e.g. \"Master's thesis\" (BibTeX's @mastersthesis); the paper is a thesis unless "
        "--type says otherwise",
    )
    for flag, what in (("volume", "15"), ("issue", "56 (a report's number: TR-2009)"), ("pages", "1929-1958")):
        s.add_argument(f"--{flag}", default="", help=f"its {flag} in its venue, e.g. {what}")
    s.add_argument("--dry-run", action="store_true", help="only say what would be added")
    s.add_argument("--json", action="store_true", help="print the plan as JSON")


def _kind(text: str) -> str:
    """``--type``: a kind of work in the vocabulary of the corpus and every import (``venues.csl_type_of``)."""
    from ..corpus.venues import TYPES_TEXT, csl_type_of

    kind = csl_type_of(text)
    if not kind:
        raise argparse.ArgumentTypeError(f"--type must be {TYPES_TEXT}, not {text!r}")
    return kind


def _year(text: str) -> object:
    """``--year``: refused in the words the prompt uses, naming the flag."""
    from .prompts import year_of

    return checked(year_of)(text)


FIELD_FLAGS = (
    *("title", "year", "author", "question", "summary", "doi", "arxiv", "venue", "url"),
    *("type", "genre", "volume", "issue", "pages"),
)


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch add``: one paper planned as an import's one entry, written, the corpus validated, what next."""
    from ..core.errors import ImportFileError
    from ..corpus.import_plan import ImportOptions
    from ..corpus.imports import import_entries
    from .prompts import ask_paper, given_paper, usage

    given = bool(args.bibtex) or any(getattr(args, f) for f in FIELD_FLAGS)
    if not given and not sys.stdin.isatty():
        return usage(
            "no paper given, and stdin is not a terminal to ask on: give --title, --year and --author (and "
            "--era, --question, --summary, --doi, --arxiv, --venue, --url, --type, --volume, --issue, --pages as known), "
            "or --bibtex FILE|-|ENTRY"
        )
    source, entry = given_paper(args) if given else ask_paper(settings.corpus)
    era = None if entry.era == "" else entry.era
    options = ImportOptions(era="nearest" if args.era == "nearest" else era)
    try:
        plan = import_entries([entry], source, settings.corpus, options, dry_run=args.dry_run)
    except ImportFileError as exc:  # the paper cannot be imported: nothing was written
        return _not_added(exc.problems)
    if args.json:
        print(json.dumps(plan.as_dict(), ensure_ascii=False, indent=2))
        return 1 if plan.count("bad") else 0
    return _added(plan, settings, args.dry_run)


def _added(plan: ImportPlan, settings: Settings, dry_run: bool) -> int:
    """What ``add`` did: the paper's id and file, or why not; then the corpus validated and the next command."""
    (item,) = plan.items
    show_warnings(w for w in plan.problems if w.severity == "warning")
    if item.action == "bad":
        return _not_added(p for p in plan.problems if p.severity == "error")
    print(entry_line(plan.source, item, dry_run))
    if dry_run or not plan.changes():
        return 0
    from .building import cmd_validate

    if cmd_validate(argparse.Namespace(), settings) != 0:
        return 1
    print("next: papersearch index   (the search index does not hold the new paper until it is rebuilt)")
    return 0


def _not_added(problems: Iterable[Problem]) -> int:
    """Why the paper cannot be added, each problem on a line of stderr; exit 1."""
    for p in problems:
        print(f"error: {p.field + ': ' if p.field else ''}{p.message}", file=sys.stderr)
    print("nothing was added", file=sys.stderr)
    return 1


COMMANDS = (
    Command(
        "import",
        "import papers from a BibTeX, CSL-JSON, RIS or arXiv metadata file",
        "Import a researcher's file: BibTeX (Zotero, Mendeley, Google Scholar, DBLP), CSL-JSON, RIS, or arXiv's "
        "metadata lines or search results (Atom). A paper already in the list (same DOI, arXiv id, or title and year) is reported, not "
        "duplicated; a file edited by hand is kept unless --force. One bad entry stops the import and nothing is "
        "written, unless --skip-bad. Exit 1 when an entry is bad.",
        cmd_import,
        import_arguments,
        reads=frozenset({"corpus"}),
    ),
    Command(
        "add",
        "add one paper: from a BibTeX entry, from flags, or by answering prompts",
        "Add one paper to the corpus from a BibTeX entry (--bibtex), from flags (--title, --year, --author; a DOI "
        "is not needed), or, at a terminal with neither, by answering prompts. The file is written and the "
        "corpus validated; then run `papersearch index`.",
        cmd_add,
        add_arguments,
        reads=frozenset({"corpus"}),
    ),
)
