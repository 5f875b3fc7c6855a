"""The ``papersearch`` command line: parse, read the settings once, run one command, print errors as one line each.

Every error the user can fix prints ``error: ...`` (the same words the HTTP API gives) and exits
1; a bad argument exits 2. The commands are listed once, in ``commands.GROUPS``.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line's own modules are imported in ``_run``, once the collector is off
    import argparse

    from .arguments import Command


def main(argv: list[str] | None = None) -> int:
    """Run ``papersearch`` with ``argv``; the exit status (0 ok, 1 an error the user can fix, 2 a bad argument).

    A command starts without the cyclic garbage collector: its imports and index make ~10^5 objects that live
    until it exits, and sweeping them again and again as they are made cost a one-shot query ~3% of its CPU.
    A long-running command turns it back on once started (``_run``); a brief one runs without it and, when it
    is the whole process (``argv`` None), leaves its objects to the exit uncollected (``gc.freeze``: the
    interpreter's last sweeps of them cost another ~3%).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        status, brief = _run(sys.argv[1:] if argv is None else argv, collecting)
        if brief and argv is None:
            gc.freeze()
        return status
    finally:
        if collecting:
            gc.enable()


def _run(given: list[str], collecting: bool) -> tuple[int, bool]:
    """The command ``given`` names, run: its exit status, and whether it is a brief one (``Command.brief``)."""
    from .commands import command as named
    from .parser import build_parser, named_command

    parser = build_parser(only=named_command(given))
    args = parser.parse_args(given)
    if not args.command:
        parser.print_help()
        return 0, True
    command = named(args.command)
    for flag in ("corpus", "index"):
        if getattr(args, flag) is not None and flag not in command.reads:
            parser.error(
                f"--{flag} does not apply to `{args.command}`, which reads only the {'index' if flag == 'corpus' else 'corpus'}"
            )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled model is a local folder: never ask a hub
    if collecting and not command.brief:
        gc.enable()
    return _status(command, args), command.brief


def _status(command: Command, args: argparse.Namespace) -> int:
    """Run ``command``: 0, or 1 with the error on one line (every problem of a corpus on one line each)."""
    from ..core.errors import CorpusError, PapersearchError
    from ..core.settings import Settings

    try:
        return command.run(args, Settings.from_env(corpus=args.corpus, index=args.index))
    except CorpusError as exc:
        for p in exc.problems:
            if p.severity == "error":
                print(f"error: {p.file}: {p.field + ': ' if p.field else ''}{p.message}", file=sys.stderr)
        return 1
    except PapersearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
