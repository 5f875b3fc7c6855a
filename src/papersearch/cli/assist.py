"""The assistant's commands: ``papersearch answer`` (a cited answer) and ``papersearch path`` (reading paths).

``add_commands`` adds both to the ``papersearch`` parser; ``COMMANDS`` and ``READS`` say what runs
them and which folder each reads, as ``cli/__init__.py`` keeps them for the other commands. Imports
stay lazy, so ``answer`` is as light as ``ask``: numpy, onnxruntime and tokenizers, never torch.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

Command = Callable[[str, str, str], argparse.ArgumentParser]


def add_commands(command: Command) -> None:
    """Add ``answer`` and ``path`` with ``command(name, help, description)``, the parser's own helper."""
    from ..core.params import DEFAULT_PATH_K, check_k
    from .parser import _checked, add_search_flags

    s = command(
        "answer",
        "answer a question with sentences of the list, cited",
        "Answer a question with a few sentences of the reading list, word for word, each with its source, and "
        "an order to read the sources in. When the list does not cover the question, it says so and lists the "
        "nearest papers.",
    )
    s.add_argument("query", help="the question")
    add_search_flags(s, "papers ranked to answer from")
    s.add_argument("--json", action="store_true", help="print JSON: {sentences, sources, reading_order, declined, ...}")

    s = command(
        "path",
        "what to read before or after a paper, or a chain from one to another",
        "Reading paths through the cross-reference graph. --before ID: what to read first (what the paper builds "
        "on); --after ID: what grew out of it; FROM TO: a chain of papers from one to the other, or, where the "
        "graph has none, one that fills the gaps by meaning (marked as such).",
    )
    s.add_argument("ids", nargs="*", metavar="ID", help="FROM TO: two paper ids, for a chain between them")
    way = s.add_mutually_exclusive_group()
    way.add_argument("--before", metavar="ID", help="what to read before this paper")
    way.add_argument("--after", metavar="ID", help="what to read after this paper")
    s.add_argument(
        "-k",
        type=_checked(check_k),
        default=None,
        help=f"with --before/--after: how many, 1-100 (default {DEFAULT_PATH_K})",
    )
    s.add_argument("--json", action="store_true", help="print JSON")


def cmd_answer(args: argparse.Namespace) -> int:
    """``papersearch answer``: loads like ``ask`` (the query encoder opens while the index loads)."""
    from .commands import asking_searcher, search_options

    res = asking_searcher(args).answer(args.query, **search_options(args))
    from .render import print_json, show_cited_answer

    if args.json:
        print_json(res)
    else:
        show_cited_answer(res)
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    """``papersearch path``: one paper's reading list (--before/--after) or a chain between two."""
    paper = args.before or args.after
    if (paper is None) == (len(args.ids) != 2) or (paper is not None and args.ids):
        return _usage("give --before ID, --after ID, or two ids FROM TO")
    if paper is None and args.k is not None:
        return _usage("-k applies to --before and --after, not to a chain FROM TO")
    from .commands import _searcher
    from .render import print_json, show_chain, show_reading

    searcher = _searcher(args)
    if paper is not None:
        from ..core.params import DEFAULT_PATH_K

        reading = searcher.path(paper, "before" if args.before else "after", args.k or DEFAULT_PATH_K)
        if args.json:
            print_json(reading)
        else:
            show_reading(reading)
        return 0
    chain = searcher.chain(args.ids[0], args.ids[1])
    if args.json:
        print_json(chain)
    else:
        show_chain(chain)
    return 0


def _usage(message: str) -> int:
    """A wrong combination of arguments: one line as argparse says it, exit 2."""
    print(f"papersearch path: error: {message} (see `papersearch path --help`)", file=sys.stderr)
    return 2


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"answer": cmd_answer, "path": cmd_path}
READS = {"answer": {"index"}}  # the folder flags each reads (cli/__init__.py checks them; path reads both)
