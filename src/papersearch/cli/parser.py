"""The ``papersearch`` command line's arguments: the program's own flags, then each command of the registry.

A command line that names its command plainly (``papersearch [--corpus DIR] [--index DIR] ask ...``) is
parsed by a parser of that command alone, the same words for it as the whole one: building all sixteen
took a one-shot query 5-20 ms. Anything else (``--help``, ``--version``, no command, an unknown one,
an abbreviated flag) gets the whole parser.
"""

from __future__ import annotations

import argparse

from .. import __version__
from .arguments import Parser, add_folder_flags
from .commands import GROUPS, command, commands

FOLDER_FLAGS = ("--corpus", "--index")


def named_command(argv: list[str]) -> str | None:
    """The command ``argv`` names, when its name comes after nothing but the folder flags; else None."""
    args = iter(argv)
    for arg in args:
        if arg in FOLDER_FLAGS:
            next(args, None)
        elif not arg.startswith(tuple(f + "=" for f in FOLDER_FLAGS)):
            return arg if arg in GROUPS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the command ``only``; ``--corpus`` and ``--index`` go before or after
    the command's name."""
    p = Parser(
        prog="papersearch",
        description="Semantic search over the Fundamental AI Papers reading list and its cross-reference graph.",
        epilog='Example: papersearch ask "how were deep nets first trained?"',
    )
    add_folder_flags(p, top=True)
    p.add_argument("--version", action="version", version=f"papersearch {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for each in [command(only)] if only else commands():
        s = sub.add_parser(each.name, help=each.help, description=each.description)
        add_folder_flags(s, top=False)
        each.arguments(s)
    return p
