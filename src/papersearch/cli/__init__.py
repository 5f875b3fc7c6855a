"""The ``papersearch`` command line: parse, read the settings once, run one command, print errors as one line each.

The exit status says whose fault a failure is, in the words of the HTTP API:

- 2, a bad argument: the command line itself is wrong, and the same call will always fail. argparse's own
  refusals (an unknown command or flag, a missing argument, a value of the wrong form), a wrong combination
  of flags, and any value a ``core.params`` rule refuses once the index is open (``QueryError``: an empty
  query, a year range the wrong way round, an era the index does not have, an id that is no paper id).
  One line, as argparse says it, naming the flag or argument typed (``--year-from``, not the HTTP API's
  ``year_from``: ``flag_names``): ``papersearch ask: error: ... (see `papersearch ask --help`)``.
- 1, the call was right but cannot be done here: no paper has the id (``NotFoundError``), the index is
  missing, damaged or stale, a file named is missing or malformed (a value inside it that a rule refuses, such
  as ``eval``'s 3,000-character query, is the file's fault: its line and field are named), the corpus has
  errors, a setting is wrong, the disk is full. One line ``error: ...`` (a corpus, one line per problem).
- 130 interrupted (Ctrl-C), 143 terminated (SIGTERM, as ``timeout``, systemd and ``docker stop`` send): either
  way the command's cleanups run first (a build's ``.build-*`` folder is removed) and one line says so;
  0 otherwise (a closed pipe included).

The commands are listed once, in ``commands.GROUPS``.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line's own modules are imported in ``_run``, once the collector is off
    import argparse

    from .arguments import Command


def main(argv: list[str] | None = None) -> int:
    """Run ``papersearch`` with ``argv``; the exit status (0 ok, 1 an error the user can fix, 2 a bad argument:
    the rule is the module's docstring).

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
    from .arguments import usage_error
    from .commands import command as named
    from .parser import build_parser, named_command

    parser = build_parser(only=named_command(given))
    args, unknown = parser.parse_known_args(given)
    if not args.command:
        if unknown:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        parser.print_help()
        return 0, True
    if unknown:  # named with the command they were given to, whose --help lists what it takes
        return usage_error(args.command, f"unrecognized arguments: {' '.join(unknown)}"), True
    command = named(args.command)
    for flag in ("corpus", "index"):
        if getattr(args, flag) is not None and flag not in command.reads:
            reads = "index" if flag == "corpus" else "corpus"
            return usage_error(
                args.command, f"--{flag} does not apply to `{args.command}`, which reads only the {reads}"
            ), True
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled model is a local folder: never ask a hub
    if collecting and not command.brief:
        gc.enable()
    return _status(command, args), command.brief


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the command is, so that it ends as an interrupted one does: its cleanups run."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _status(command: Command, args: argparse.Namespace) -> int:
    """``_run_command`` with SIGTERM ending the command as Ctrl-C does, unless it handles the signal itself (a
    server); the handler it replaced is put back after."""
    if command.handles_term:
        return _run_command(command, args)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _run_command(command, args)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_command(command: Command, args: argparse.Namespace) -> int:
    """Run ``command``: 0; 2 and one line for a value a parameter's rule refuses; 1 and the error on one line for
    anything else the user can fix (every problem of a corpus on one line each)."""
    from ..core.errors import CorpusError, PapersearchError, QueryError
    from ..core.settings import Settings
    from .arguments import usage_error

    try:
        return command.run(args, Settings.from_env(corpus=args.corpus, index=args.index))
    except QueryError as exc:
        from .flag_names import flag_of, in_flags

        return usage_error(command.name, in_flags(str(exc), exc.param, flag_of(exc.param or "", args)))
    except CorpusError as exc:
        for p in exc.problems:
            if p.severity == "error":
                print(f"error: {p.file}: {p.field + ': ' if p.field else ''}{p.message}", file=sys.stderr)
        return 1
    except PapersearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print("terminated" if isinstance(exc, Terminated) else "interrupted", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file or folder the core did not expect to fail: still one line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
