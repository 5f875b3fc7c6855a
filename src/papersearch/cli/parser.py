"""The ``papersearch`` command line's arguments: every subcommand and flag, and their help."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn

from .. import __version__
from ..core.errors import QueryError
from ..core.params import MODES, PLAN_PARTS, check_ignore, check_k, check_year
from .assist import add_commands


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _checked(check: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type from a ``core.params`` check: the same words as the API, exit 2 as a bad argument."""

    def parse(text: str) -> object:
        try:
            return check(text)
        except QueryError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port must be a whole number, not {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"--port must be from 1 to 65535, not {value}")
    return value


def _folders(parser: argparse.ArgumentParser, top: bool) -> None:
    """``--corpus`` and ``--index``: the same before or after the subcommand (a subcommand's value wins)."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--corpus", metavar="DIR", default=default, help="corpus folder (default: $PAPERSEARCH_CORPUS or ./corpus)"
    )
    parser.add_argument(
        "--index", metavar="DIR", default=default, help="index folder (default: $PAPERSEARCH_INDEX or ./index)"
    )


def add_search_flags(s: argparse.ArgumentParser, k_means: str) -> None:
    """The search parameters as flags (``ask``, ``answer``): -k, --mode, the filters and the query's reading."""
    s.add_argument("-k", type=_checked(check_k), default=10, help=f"{k_means}, 1-100 (default 10)")
    s.add_argument("--mode", choices=MODES, default="hybrid", help="ranking (default hybrid)")
    s.add_argument("--year-from", type=_checked(lambda t: check_year("year_from", t)), help="earliest year")
    s.add_argument("--year-to", type=_checked(lambda t: check_year("year_to", t)), help="latest year")
    s.add_argument("--era", help="an era id or name (see `papersearch eras`)")
    s.add_argument(
        "--no-understand",
        dest="understand",
        action="store_false",
        help="search the words as typed: read no time, intent or names from them",
    )
    s.add_argument(
        "--ignore",
        metavar="PARTS",
        type=_checked(check_ignore),
        default=(),
        help=f"leave parts of how the query is read out: a comma-separated list of {', '.join(PLAN_PARTS)}",
    )


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="papersearch",
        description="Semantic search over the Fundamental AI Papers reading list and its cross-reference graph.",
        epilog='Example: papersearch ask "how were deep nets first trained?"',
    )
    _folders(p, top=True)
    p.add_argument("--version", action="version", version=f"papersearch {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def command(name: str, help: str, description: str) -> argparse.ArgumentParser:
        s = sub.add_parser(name, help=help, description=description)
        _folders(s, top=False)
        return s

    s = command(
        "ask",
        "ask a question; print ranked papers",
        "Ask a question in plain language and get ranked papers, each with why it matched and its neighbourhood.",
    )
    s.add_argument("query", help="the question or keywords")
    add_search_flags(s, "number of results")
    s.add_argument("--json", action="store_true", help="print JSON: {query, mode, understood, no_match, results}")

    s = command(
        "show",
        "print one paper with its whole neighbourhood",
        "Print one paper: its question, summary, concepts and cross-reference neighbourhood.",
    )
    s.add_argument("id", help="paper id, e.g. 1986-rumelhart-backpropagation")
    s.add_argument("--json", action="store_true", help="print the full record as JSON")
    for name, help, description in (
        ("list", "list the papers of the index", "List every paper of the index."),
        ("eras", "list the eras of the index", "List the eras with their year spans."),
        ("graph", "print the cross-reference graph", "Print the cross-reference graph extracted from the summaries."),
    ):
        command(name, help, description).add_argument("--json", action="store_true", help="print JSON")
    command(
        "validate",
        "check the corpus and report every problem",
        "Load the corpus and report every problem with its file and field. Errors exit 1; warnings exit 0.",
    )
    s = command(
        "import-seed",
        "import a reading-list page into corpus files",
        "Turn a page in the reading list's format into corpus files. Idempotent; hand-edited files are kept unless --force.",
    )
    s.add_argument("path", help="the page (plain text)")
    s.add_argument("--force", action="store_true", help="overwrite files edited by hand")
    s = command(
        "index",
        "build the search index (incremental, atomic)",
        "Build the index: re-embeds only papers whose content changed and publishes the new version atomically.",
    )
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
    s = command(
        "eval",
        "score ranking on a graded query file",
        "Print nDCG@10, Recall@5 and MRR@10 for lexical, dense and hybrid ranking, per query type and half, "
        "and how well out-of-scope queries are told apart.",
    )
    s.add_argument("file", help="JSON lines: {id, query, type, relevant: {paper_id: grade}}")
    s.add_argument("--no-understand", dest="understand", action="store_false", help="score without query understanding")
    s.add_argument("--json", action="store_true", help="print JSON")
    add_commands(command)
    s = command(
        "serve",
        "start the HTTP service and web page",
        "Serve the API and web page with uvicorn. Binds 127.0.0.1 unless told otherwise.",
    )
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    command(
        "mcp",
        "serve the search tools to an agent over MCP (stdio)",
        "Run an MCP server on standard input and output for an agent's client (search_papers, get_paper, "
        "similar_papers, answer_question, reading_path, list_eras and the resource paper://{id}); a newly built index is served without a "
        "restart. See README, Use from an agent.",
    )
    return p
