"""The command line's names for the HTTP API's parameters, and a core message said in them.

The core's rules name the HTTP API's parameter (``year_from: the year range is backwards: year_from 2000 is after
year_to 1990``); at the command line a person typed ``--year-from``, and reads the message with the names they
typed. ``FLAGS`` is the one table pairing the two (the MCP face's is ``agent.errors.ARGUMENTS_OF``, and the swap of
a message's leading name is ``core.params.renamed``, which MCP's errors use too). ``in_flags`` follows two rules:

- a message listed in ``REWORDED`` (one that names parameters by English words, "a style is for format text",
  which no rule can tell from the words around them) is said in the command line's own wording, whole;
- any other is renamed by rule: the name it starts with becomes the flag, and a name no English word has
  (``year_to``) is renamed wherever the message's own words use it, never in the input it quotes. A flag is said
  once ("--year-from: the year range is backwards: --year-from 2020 …" drops its leading "--year-from: ").
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

from ..core.params import renamed

FLAGS = {  # the HTTP API's parameter -> what the command line calls it, where the two differ
    "q": "query",  # the question or keywords, the positional argument of ask and answer
    "k": "-k",
    "mode": "--mode",
    "year_from": "--year-from",
    "year_to": "--year-to",
    "era": "--era",
    "ignore": "--ignore",
    "side": "--side",
    "offset": "--offset",
    "limit": "--limit",
    "format": "--format",
    "style": "--style",
    "year": "--year",
    "into": "--into",
    "on_error": "--skip-bad",
    "from": "FROM",  # path FROM TO
    "to": "TO",
}


@dataclass(frozen=True)
class Reworded:
    """A core message, as its rule words it after its parameter's name, and the command line's wording of it; a
    ``{}`` in either stands for what the person gave (``bibtex``), which the command line's says as given."""

    core: str
    typed: str

    def of(self, message: str) -> str | None:
        """The command line's wording of ``message`` (its parameter's name left off), or None when it is not this
        message (the core's words have changed: the rule then renames it)."""
        pattern = "".join("(.+?)" if part == "{}" else re.escape(part) for part in re.split(r"(\{\})", self.core))
        found = re.fullmatch(pattern, message)
        return self.typed.format(*found.groups()) if found else None


# the core messages the command line says in its own words, by the parameter each is about; a test checks each is
# still the core's wording
REWORDED = {
    "style": Reworded(
        "a style is for format text alone, not {}; leave style out, or ask for text",
        "--style is for --format text alone, not {}; leave --style out, or ask for --format text",
    ),
}
QUOTES = re.compile("['\"]")


def flag_of(param: str, args: argparse.Namespace | None = None) -> str:
    """What the command line calls ``param``; ``args``, the command's, tell which flag gave a path's one paper."""
    if param == "id" and args is not None and getattr(args, "before", None) is not None:
        return "--before"
    if param == "id" and args is not None and getattr(args, "after", None) is not None:
        return "--after"
    return FLAGS.get(param, param)


def in_flags(message: str, param: str | None, flag: str | None = None) -> str:
    """``message``, which names the HTTP API's ``param`` (and perhaps others), with the command line's names:
    ``param``'s is ``flag`` when given, else ``flag_of(param)`` (see the module docstring for the two rules)."""
    if not param:
        return message
    reworded = REWORDED.get(param)
    own = message.removeprefix(f"{param}: ")
    if reworded is not None and (typed := reworded.of(own)) is not None:
        return typed
    quoted = QUOTES.search(message)
    head, tail = (message[: quoted.start()], message[quoted.start() :]) if quoted else (message, "")
    typed_flag = flag or flag_of(param)
    head = renamed(head, param, typed_flag)
    for name, other in FLAGS.items():
        if "_" in name:
            head = re.sub(rf"(?<![\w-]){name}(?![\w-])", other, head)
    return said_once(head, typed_flag) + tail


def said_once(message: str, flag: str) -> str:
    """``message`` without its leading "FLAG: " when its own words name the flag again ("--year-from: the year range
    is backwards: --year-from 2020 is after …"): a flag is said once."""
    rest = message.removeprefix(f"{flag}: ")
    return rest if rest != message and names_flag(rest, flag) else message


def names_flag(text: str, flag: str) -> bool:
    """Whether ``text`` names ``flag`` ("-k must be …"; not "--k-max")."""
    return re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text) is not None
