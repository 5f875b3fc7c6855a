"""What every command group of ``papersearch`` builds its arguments from, and what a command is.

``Parser`` exits 2 on a bad argument, naming ``--help``, and ``usage_error`` says one found later
alike; ``checked`` turns a ``core.params`` check into an argparse type, so a bad value is refused in
the API's words; ``add_search_flags`` and
``search_request`` are the search parameters as flags and the one ``SearchRequest`` built from them;
``Command`` is one entry of the registry (``commands.GROUPS``).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from ..core.errors import QueryError
from ..core.params import MODES, PLAN_PARTS, SearchRequest, check_ignore, check_k, check_year
from ..core.settings import Settings

if TYPE_CHECKING:
    from ..query.searcher import Searcher

FOLDERS = frozenset({"corpus", "index"})


USAGE_STATUS = 2  # the command line itself is wrong: fix the call (``main`` documents the rule)


def usage_line(prog: str, message: str) -> str:
    """A bad argument, said as argparse says it: "papersearch ask: error: ... (see `papersearch ask --help`)"."""
    return f"{prog}: error: {message} (see `{prog} --help`)"


def usage_error(command: str, message: str) -> int:
    """A bad argument of ``papersearch COMMAND`` found after parsing (a wrong combination, a value refused by its
    rule): one line on stderr, and the exit status of argparse's own refusals."""
    print(usage_line(f"papersearch {command}", message), file=sys.stderr)
    return USAGE_STATUS


_ARGUMENT = re.compile(r"^argument (?P<flags>[^:\s]+): ")


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        from .flag_names import names_flag

        named = _ARGUMENT.match(message)  # argparse's "argument -k: ", before our "-k must be …": said once
        if named and any(names_flag(message[named.end() :], f) for f in named.group("flags").split("/")):
            message = message[named.end() :]
        self.exit(USAGE_STATUS, usage_line(self.prog, message) + "\n")


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command that takes nothing but the folder flags."""


@dataclass(frozen=True)
class Command:
    """One subcommand: its help, its own arguments, what runs it, and the folder flags it reads."""

    name: str
    help: str
    description: str
    run: Callable[[argparse.Namespace, Settings], int]  # exit status; settings as ``main`` read them, once
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    reads: frozenset[str] = FOLDERS  # --corpus and --index: giving one a command does not read is refused
    brief: bool = False  # answers once and exits: runs without the cyclic garbage collector (``main``)
    handles_term: bool = False  # a server, which ends on SIGTERM its own way (else it ends as on Ctrl-C: ``main``)


def checked(check: Callable[[str], object], flag: str | None = None) -> Callable[[str], object]:
    """An argparse type from a ``core.params`` check: the API's words with the command line's names (``flag``, or
    the parameter's in ``flag_names.FLAGS``), exit 2 as a bad argument."""

    def parse(text: str) -> object:
        try:
            return check(text)
        except QueryError as exc:
            from .flag_names import in_flags

            raise argparse.ArgumentTypeError(in_flags(str(exc), exc.param, flag)) from None

    return parse


def port(text: str) -> int:
    """A TCP port, 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port must be a whole number, not {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"--port must be from 1 to 65535, not {value}")
    return value


def add_folder_flags(parser: argparse.ArgumentParser, top: bool) -> None:
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
    s.add_argument("-k", type=checked(check_k), default=10, help=f"{k_means}, 1-100 (default 10)")
    s.add_argument("--mode", choices=MODES, default="hybrid", help="ranking (default hybrid)")
    s.add_argument("--year-from", type=checked(lambda t: check_year("year_from", t)), help="earliest year")
    s.add_argument("--year-to", type=checked(lambda t: check_year("year_to", t)), help="latest year")
    s.add_argument("--era", help="an era id or name (see `papersearch eras`)")
    s.add_argument(
        "--no-understand",
        dest="understand",
        action="store_false",
        help="search the words as typed: read no time, intent, names or order from them",
    )
    s.add_argument(
        "--ignore",
        metavar="PARTS",
        type=checked(check_ignore),
        default=(),
        help=f"leave parts of how the query is read out: a comma-separated list of {', '.join(PLAN_PARTS)}",
    )


def search_request(args: argparse.Namespace, searcher: Searcher) -> SearchRequest:
    """The one request of ``ask`` or ``answer``: the query and the search flags, checked against the index's eras."""
    return searcher.request(
        args.query,
        k=args.k,
        mode=args.mode,
        year_from=args.year_from,
        year_to=args.year_to,
        era=args.era,
        understand=args.understand,
        ignore=args.ignore,
    )
