"""Citing from the command line: ``papersearch cite ID...``, and ``--cite FORMAT`` for ``answer`` and ``path``.

``cite`` reads only the paper records of the index (``index.paper_records``): it imports no numpy,
FAISS or model, so it starts faster than a search. Ids, format and style are checked by
``query.cite.CiteRequest``, in the words of the HTTP API and the MCP tool. ``--cite FORMAT`` writes
an answer's sources or a path's papers as references on stdout, and the answer or path itself on
stderr, so that ``> sources.bib`` keeps only the references.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..core.settings import Settings
from .arguments import Command, checked

if TYPE_CHECKING:
    from ..core.records import PaperRecord

FORMATS = ("bibtex", "csl-json", "ris", "text")  # query.cite.CITE_FORMATS, without importing it to build --help
STYLES = ("harvard", "short")


def _format(text: str) -> str:
    from ..query.cite import check_format

    return check_format(text)


def _style(text: str) -> str:
    from ..query.cite import check_style

    return check_style(text)


def cite_arguments(s: argparse.ArgumentParser) -> None:
    """``cite ID... [--format FORMAT] [--style STYLE]``."""
    s.add_argument("ids", nargs="+", metavar="ID", help="paper ids, e.g. 1986-rumelhart-backpropagation")
    s.add_argument(
        "--format",
        type=checked(_format),
        default="bibtex",
        help=f"{', '.join(FORMATS)} (default bibtex; its keys are the paper ids)",
    )
    s.add_argument(
        "--style",
        type=checked(_style),
        help="with --format text: harvard (Cite Them Right, the default) or short (the project's own short form); "
        "refused with another format",
    )


def cmd_cite(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch cite``: the papers as references, in the order given, from the index's records alone."""
    from ..core.params import check_style_applies
    from ..index.paper_records import current_records
    from ..query.cite import CiteRequest, cite, pick

    request = CiteRequest.check(args.ids, args.format, args.style or "harvard", param="id", most=None)
    check_style_applies(request.format, args.style is not None)  # after the ids and the format: refused, not dropped
    _, records = current_records(settings.index)
    sys.stdout.write(cite(pick(records.citable(request.ids), request), request.format, request.style))
    return 0


def add_json_or_cite(s: argparse.ArgumentParser, json_help: str, what: str) -> None:
    """``--json``, or ``--cite FORMAT``: ``what`` as references on stdout (and the rest on stderr)."""
    either = s.add_mutually_exclusive_group()
    either.add_argument("--json", action="store_true", help=json_help)
    either.add_argument(
        "--cite",
        metavar="FORMAT",
        type=checked(_format, "--cite"),
        help=f"also write {what} as references in FORMAT ({', '.join(FORMATS)}) on stdout; the rest then goes "
        "to stderr, so that `> refs.bib` keeps only the references",
    )


def write_references(paper: Callable[[str], PaperRecord], ids: Iterable[str], fmt: str) -> None:
    """The papers ``ids`` (each read by ``paper``: ``Searcher.paper``) cited in ``fmt`` on stdout."""
    from ..query.cite import cite

    records = [paper(pid) for pid in dict.fromkeys(ids)]
    if records:
        sys.stdout.write(cite(records, fmt))
    else:
        print("no papers to cite", file=sys.stderr)


COMMANDS = (
    Command(
        "cite",
        "print papers as references (BibTeX, CSL-JSON, RIS, text)",
        "Print papers as references: BibTeX (each key is the paper's id), CSL-JSON, RIS or a formatted text "
        "reference. Reads only the paper records of the index; no model is loaded.",
        cmd_cite,
        cite_arguments,
        reads=frozenset({"index"}),
        brief=True,
    ),
)
