"""The paper ``papersearch add`` adds, as an importer's ``Incoming`` entry: from ``--bibtex`` and the flags, or
from answers to prompts at a terminal (``input()``), each answer checked as it is given.

Whatever the source, the entry then goes through the import's own plan and checks (``cli.editing``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from ..core.errors import InputFileError, PapersearchError, QueryError
from ..core.identifiers import arxiv_of, doi_of, is_url
from ..core.params import YEAR_MAX, YEAR_MIN, shown
from ..corpus.incoming import BadEntry, Incoming, Read
from ..corpus.venues import pages_of
from .arguments import usage_error

FLAGS_SOURCE = "papersearch add"  # how problems name a paper given by flags or prompts


def usage(message: str) -> NoReturn:
    """A wrong combination of arguments: one line as argparse says it, exit 2."""
    raise SystemExit(usage_error("add", message))


def year_of(text: str) -> int:
    """A paper's year as typed: a whole number from ``YEAR_MIN`` to ``YEAR_MAX``, or a QueryError naming ``year``."""
    value = int(text.strip()) if text.strip().isdigit() else None
    if value is None or not YEAR_MIN <= value <= YEAR_MAX:
        raise QueryError("year", f"year must be a year from {YEAR_MIN} to {YEAR_MAX}, not {shown(text)}")
    return value


def given_paper(args: argparse.Namespace) -> tuple[str, Incoming]:
    """The paper the flags give: ``--bibtex``'s one entry with any field flag laid over it, or the flags alone."""
    fields = flag_fields(args)
    if args.bibtex:
        source, entry = bibtex_entry(args.bibtex)
        return source, replace(entry, **fields)
    missing = [f"--{name}" for name in ("title", "year", "author") if not getattr(args, name)]
    if missing:
        usage(f"a paper needs --title, --year and --author (missing: {', '.join(missing)}), or --bibtex")
    base = Incoming(0, "", args.title, args.year, tuple(args.author))
    return FLAGS_SOURCE, replace(base, **fields)


def flag_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The fields of an ``Incoming`` that the flags give (a DOI or arXiv id as any of its spellings)."""
    fields: dict[str, Any] = {}
    for name in ("title", "year", "question", "summary", "venue", "url", "type", "genre", "volume", "issue"):
        if getattr(args, name):
            fields[name] = getattr(args, name)
    if args.author:
        fields["authors"] = tuple(args.author)
    if args.doi:
        fields["doi"] = doi_of(args.doi) or args.doi  # a malformed one is named by the corpus's check
    if args.pages:
        fields["pages"] = pages_of(args.pages) or args.pages  # "1929--1958"; a malformed one is named by the check
    if args.arxiv:
        fields["arxiv"] = arxiv_of(args.arxiv) or args.arxiv
    if args.genre and not args.type:
        fields["type"] = "thesis"  # a degree is a thesis's (``--genre``'s help)
    if args.era and args.era != "nearest":
        fields["era"] = args.era
    return fields


def bibtex_entry(given: str) -> tuple[str, Incoming]:
    """The one BibTeX entry of ``--bibtex``: a file, ``-`` (stdin) or the entry's own text; else InputFileError."""
    from ..corpus.bibtex import read_bibtex

    entries: list[Read]
    if given == "-":
        source, entries = "stdin", list(read_bibtex(sys.stdin.read()))
    elif given.lstrip().startswith("@"):
        source, entries = "--bibtex", list(read_bibtex(given))
    else:
        from ..corpus.sources import read_source

        _, read = read_source(Path(given), "bibtex", [])
        source, entries = Path(given).name, list(read)
    if len(entries) != 1:
        raise InputFileError(
            f"{source} holds {len(entries)} BibTeX entries; add takes one (`papersearch import FILE` takes many)"
        )
    (entry,) = entries
    if isinstance(entry, BadEntry):
        where = f"{source}:{entry.line}" + (f" ({entry.name})" if entry.name else "")
        raise InputFileError(f"{where}: {entry.field + ': ' if entry.field else ''}{entry.message}")
    return source, entry


def ask_paper(corpus: Path) -> tuple[str, Incoming]:
    """A paper from answers typed at a terminal; each is checked as it is given (Ctrl-C or Ctrl-D stops)."""
    from ..corpus.import_plan import choose_era
    from ..corpus.imports import corpus_eras

    eras = corpus_eras(corpus)
    print("A new paper for the reading list (* is required; Ctrl-C stops, and nothing is added).")
    title = ask("Title*: ", required=True)
    year = int(ask("Year*: ", lambda t: str(year_of(t)), required=True))
    authors = [ask("First author*: ", required=True)]
    while more := ask(f"Author {len(authors) + 1} (empty when done): "):
        authors.append(more)
    era, note = choose_era(eras, year, "nearest")
    known = {e.id for e in eras}
    shown = f" ({note})" if note else ""
    chosen = ask(f"Era [{era}]{shown}: ", lambda t: t if t in known else _no_era(t, known)) or str(era)
    question = ask("The question it answered (optional): ")
    summary = ask("Summary or abstract, one paragraph (optional): ")
    doi = ask("DOI (optional): ", lambda t: doi_of(t) or _refuse(f"{t!r} is not a DOI, like 10.1038/323533a0"))
    arxiv = ask("arXiv id (optional): ", lambda t: arxiv_of(t) or _refuse(f"{t!r} is not an arXiv id, like 1706.03762"))
    venue = ask("Journal or proceedings (optional): ")
    url = ask("Web address (optional): ", lambda t: t if is_url(t) else _refuse(f"{t!r} is not an http(s) address"))
    paper = Incoming(0, "", title, year, tuple(authors), summary, doi, arxiv, venue, url, (), question, chosen)
    return FLAGS_SOURCE, paper


def ask(prompt: str, check: Callable[[str], str] | None = None, required: bool = False) -> str:
    """One answer: asked again while it is missing (when required) or ``check`` refuses it; "" when skipped."""
    while True:
        try:
            text = " ".join(input(prompt).split())
        except EOFError:
            raise PapersearchError("the answers ended before the paper was complete; nothing was added") from None
        if not text:
            if not required:
                return ""
            print("  this one is needed")
            continue
        try:
            return check(text) if check else text
        except PapersearchError as exc:
            print(f"  {exc}")


def _refuse(message: str) -> NoReturn:
    raise PapersearchError(message)


def _no_era(text: str, known: set[str]) -> NoReturn:
    raise PapersearchError(f"{text!r} is not an era of eras.yaml; one of {', '.join(sorted(known))}")
