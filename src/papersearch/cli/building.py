"""Making the index: ``validate`` (check the corpus), ``import-seed`` (corpus files from a reading-list
page) and ``index`` (build, incrementally and atomically, or ``--check``).

Imports stay lazy: ``index`` imports torch and sentence-transformers only when something must be embedded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.settings import Settings
from .arguments import Command


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch validate``: every problem of the corpus with its file and field; errors exit 1."""
    from ..core.errors import CorpusError
    from ..corpus.load import load_corpus

    try:
        corpus = load_corpus(settings.corpus)
    except CorpusError as exc:
        for p in exc.problems:
            print(str(p), file=sys.stderr)
        n = sum(1 for p in exc.problems if p.severity == "error")
        if n > 1:
            print(
                f"{n} errors in {settings.corpus}; the corpus cannot be indexed until they are fixed", file=sys.stderr
            )
        return 1
    for w in corpus.warnings:
        print(str(w), file=sys.stderr)
    print(f"ok: {len(corpus.papers)} papers in {len(corpus.eras)} eras, {len(corpus.warnings)} warning(s)")
    return 0


def import_arguments(s: argparse.ArgumentParser) -> None:
    """``import-seed PATH [--force]``."""
    s.add_argument("path", help="the page (plain text)")
    s.add_argument("--force", action="store_true", help="overwrite files edited by hand")


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch import-seed``: corpus files from a reading-list page; hand edits kept unless --force."""
    from ..corpus.importer import import_seed

    report = import_seed(Path(args.path), settings.corpus, force=args.force)
    for rel in report.kept_edits:
        print(f"kept {rel}: edited by hand (use --force to overwrite)", file=sys.stderr)
    written, unchanged, kept = len(report.written), len(report.unchanged), len(report.kept_edits)
    print(f"{settings.corpus}: {written} written, {unchanged} unchanged, {kept} kept")
    return 0


def index_arguments(s: argparse.ArgumentParser) -> None:
    """``index [--check] [--force] [-q] [--ray [ADDRESS]]``."""
    s.add_argument(
        "--check",
        action="store_true",
        help="only check: exit 1 and say why if the index is missing, unreadable or stale",
    )
    s.add_argument("--force", action="store_true", help="rebuild and re-embed everything")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    s.add_argument(
        "--ray",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="embed on a Ray cluster (pip install 'papersearch[ray]'): `auto` or host:port joins one; "
        "without an address, $RAY_ADDRESS or a new local cluster (docs/scale.md)",
    )


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch index``: build and publish a new version (or say it is up to date), or ``--check`` it."""
    if args.check:
        from ..index.check import check

        ok, message = check(settings.corpus, settings.index, settings.model, settings)
        print(message, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    from ..index.build import build
    from ..index.embedding import RayOptions

    progress = not args.quiet and sys.stderr.isatty()
    ray = None if args.ray is None else RayOptions(args.ray or None)
    report = build(settings.corpus, settings.index, settings.model, progress=progress, force=args.force, ray=ray)
    if report.unchanged:
        print(f"index {report.version} is up to date ({report.papers} papers); nothing to do [{report.seconds:.2f} s]")
    else:
        print(
            f"published {report.version}: {report.papers} papers, {report.embedded_papers} embedded "
            f"({report.embedded_passages} texts{' on Ray' if ray is not None else ''}), {report.reused_papers} reused "
            f"[{report.seconds:.2f} s]"
        )
    return 0


COMMANDS = (
    Command(
        "validate",
        "check the corpus and report every problem",
        "Load the corpus and report every problem with its file and field. Errors exit 1; warnings exit 0.",
        cmd_validate,
        reads=frozenset({"corpus"}),
    ),
    Command(
        "import-seed",
        "import a reading-list page into corpus files",
        "Turn a page in the reading list's format into corpus files. Idempotent; hand-edited files are kept "
        "unless --force.",
        cmd_import,
        import_arguments,
        reads=frozenset({"corpus"}),
    ),
    Command(
        "index",
        "build the search index (incremental, atomic)",
        "Build the index: re-embeds only papers whose content changed and publishes the new version atomically.",
        cmd_index,
        index_arguments,
    ),
)
