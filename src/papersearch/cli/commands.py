"""Every ``papersearch`` command, in the order ``--help`` lists them: the one registry.

Each command group keeps its arguments and handlers together (``search``, ``papers``, ``building``,
``editing``, ``citing``, ``assist``, ``service``); ``parser.build_parser`` adds each command of ``COMMANDS`` and ``main`` runs
the one named. A new command is a ``Command`` in its group and one line here.
"""

from __future__ import annotations

from . import assist, building, citing, editing, papers, search, service
from .arguments import Command

COMMANDS: tuple[Command, ...] = (
    search.ASK,
    *papers.COMMANDS,
    *building.COMMANDS,
    *editing.COMMANDS,
    *citing.COMMANDS,
    search.EVAL,
    *assist.COMMANDS,
    *service.COMMANDS,
)
BY_NAME = {command.name: command for command in COMMANDS}
