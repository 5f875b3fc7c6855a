"""The assistant's commands: ``papersearch answer`` (a cited answer) and ``papersearch path`` (reading paths),
each of which can also write its papers as references (``--cite FORMAT``, module ``citing``).

Imports stay lazy, so ``answer`` is as light as ``ask``: numpy, onnxruntime and tokenizers, never torch.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import AbstractContextManager, nullcontext, redirect_stdout

from ..core.assistant_records import Chain, ReadingList
from ..core.params import DEFAULT_PATH_K, check_k
from ..core.settings import Settings
from .arguments import Command, add_search_flags, checked, search_request, usage_error
from .citing import add_json_or_cite, write_references
from .loading import open_for_one_question, open_index


def answer_arguments(s: argparse.ArgumentParser) -> None:
    """``answer QUERY`` with the search flags and ``--json`` or ``--cite FORMAT``."""
    s.add_argument("query", help="the question")
    add_search_flags(s, "papers ranked to answer from")
    add_json_or_cite(s, "print JSON: {sentences, sources, reading_order, declined, ...}", "the answer's sources")


def cmd_answer(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch answer``: loads like ``ask`` (the query encoder opens while the index loads)."""
    searcher = open_for_one_question(settings, args.mode)
    res = searcher.answer(search_request(args, searcher))
    from .render import print_json, show_cited_answer

    if args.json:
        print_json(res)
        return 0
    with _aside(args.cite):
        show_cited_answer(res)
    if args.cite:
        write_references(searcher.paper, [src["id"] for src in res["sources"]], args.cite)
    return 0


def _aside(cite: str | None) -> AbstractContextManager[object]:
    """With ``--cite``, what a command prints goes to stderr: stdout is the references'."""
    return redirect_stdout(sys.stderr) if cite else nullcontext()


def path_arguments(s: argparse.ArgumentParser) -> None:
    """``path --before ID | --after ID | FROM TO`` with ``-k``, and ``--json`` or ``--cite FORMAT``; ``--to`` and
    ``--from`` are the path's one end, as the MCP tool's ``to_id`` and ``from_id`` (a path to a paper: what to
    read before it, ending at it; from one: what grew out of it)."""
    s.add_argument("ids", nargs="*", metavar="ID", help="FROM TO: two paper ids, for a chain between them")
    way = s.add_mutually_exclusive_group()
    way.add_argument(
        "--before",
        "--to",
        metavar="ID",
        dest="before",
        help="a path to this paper: what to read before it, ending at it",
    )
    way.add_argument(
        "--after", "--from", metavar="ID", dest="after", help="a path from this paper: what grew out of it"
    )
    s.add_argument(
        "-k",
        type=checked(check_k),
        default=None,
        help=f"with --before/--after: how many, 1-100 (default {DEFAULT_PATH_K})",
    )
    add_json_or_cite(s, "print JSON", "the papers of the path")


def cmd_path(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch path``: one paper's reading list (--before/--after) or a chain between two."""
    paper = args.before or args.after
    if (paper is None) == (len(args.ids) != 2) or (paper is not None and args.ids):
        return usage_error("path", "give --before ID (--to ID), --after ID (--from ID), or two ids FROM TO")
    if paper is None and args.k is not None:
        return usage_error("path", "-k applies to --before and --after, not to a chain FROM TO")
    from .render import print_json, show_chain, show_reading

    searcher = open_index(settings)
    reading: ReadingList | None = None
    chain: Chain | None = None
    if paper is not None:
        reading = searcher.path(paper, "before" if args.before else "after", args.k or DEFAULT_PATH_K)
        listed = [r["id"] for r in reading["results"]]
        ids = [*listed, paper] if args.before else [paper, *listed]  # the path's papers in reading order
    else:
        chain = searcher.chain(args.ids[0], args.ids[1])
        ids = [step["id"] for step in chain["steps"]]
    if args.json:
        print_json(reading or chain)
        return 0
    with _aside(args.cite):
        if reading is not None:
            show_reading(reading)
        elif chain is not None:
            show_chain(chain)
    if args.cite:
        write_references(searcher.paper, ids, args.cite)
    return 0


COMMANDS = (
    Command(
        "answer",
        "answer a question with sentences of the list, cited",
        "Answer a question with a few sentences of the reading list, word for word, each with its source, and "
        "an order to read the sources in. When the list does not cover the question, it says so and lists the "
        "nearest papers.",
        cmd_answer,
        answer_arguments,
        reads=frozenset({"index"}),
        brief=True,
    ),
    Command(
        "path",
        "what to read before or after a paper, or a chain from one to another",
        "Reading paths through the cross-reference graph. --before ID (or --to ID): a path to the paper, what to "
        "read first (what it builds on), ending at it; --after ID (or --from ID): a path from it, what grew out of "
        "it; FROM TO: a chain of papers from one to the other, or, where the graph has none, one that fills the "
        "gaps by meaning (marked as such).",
        cmd_path,
        path_arguments,
        brief=True,
    ),
)
