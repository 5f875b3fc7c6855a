"""Every ``papersearch`` command, in the order ``--help`` lists them: the one registry.

Each command group keeps its arguments and handlers together (``search``, ``papers``, ``building``,
``editing``, ``citing``, ``assist``, ``service``, each with its ``COMMANDS``); ``GROUPS`` names the group
of each command, so a command line that names one imports its group alone (a one-shot ``ask`` imports
none of the others). ``parser.build_parser`` adds each command of ``commands()`` and ``main`` runs the one
named. A new command is a ``Command`` in its group and one line here.
"""

from __future__ import annotations

from importlib import import_module

from .arguments import Command

GROUPS: dict[str, str] = {  # command -> its module in this package
    "ask": "search",
    "show": "papers",
    "neighbours": "papers",
    "list": "papers",
    "eras": "papers",
    "graph": "papers",
    "validate": "building",
    "import-seed": "building",
    "index": "building",
    "import": "editing",
    "add": "editing",
    "cite": "citing",
    "eval": "search",
    "answer": "assist",
    "path": "assist",
    "serve": "service",
    "mcp": "service",
}


def command(name: str) -> Command:
    """The command ``name`` (one of ``GROUPS``), its group imported."""
    commands: tuple[Command, ...] = import_module(f".{GROUPS[name]}", __package__).COMMANDS
    return next(c for c in commands if c.name == name)


def commands() -> tuple[Command, ...]:
    """Every command, in ``GROUPS``'s order (every group imported)."""
    return tuple(command(name) for name in GROUPS)
