"""The ``papersearch`` command line's arguments: the program's own flags, then each command of the registry."""

from __future__ import annotations

import argparse

from .. import __version__
from .arguments import Parser, add_folder_flags
from .commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command; ``--corpus`` and ``--index`` go before or after the command's name."""
    p = Parser(
        prog="papersearch",
        description="Semantic search over the Fundamental AI Papers reading list and its cross-reference graph.",
        epilog='Example: papersearch ask "how were deep nets first trained?"',
    )
    add_folder_flags(p, top=True)
    p.add_argument("--version", action="version", version=f"papersearch {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        s = sub.add_parser(command.name, help=command.help, description=command.description)
        add_folder_flags(s, top=False)
        command.arguments(s)
    return p
