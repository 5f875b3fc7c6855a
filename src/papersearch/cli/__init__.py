"""The ``papersearch`` command line: parse, read the settings once, run one command, print errors as one line each.

Every error the user can fix prints ``error: ...`` (the same words the HTTP API gives) and exits
1; a bad argument exits 2. The commands are listed once, in ``commands.GROUPS``.
"""

from __future__ import annotations

import os
import sys

from ..core.settings import Settings
from .commands import command as named
from .parser import build_parser, named_command


def main(argv: list[str] | None = None) -> int:
    """Run ``papersearch`` with ``argv``; the exit status (0 ok, 1 an error the user can fix, 2 a bad argument)."""
    given = sys.argv[1:] if argv is None else argv
    parser = build_parser(only=named_command(given))
    args = parser.parse_args(given)
    if not args.command:
        parser.print_help()
        return 0
    command = named(args.command)
    for flag in ("corpus", "index"):
        if getattr(args, flag) is not None and flag not in command.reads:
            parser.error(
                f"--{flag} does not apply to `{args.command}`, which reads only the {'index' if flag == 'corpus' else 'corpus'}"
            )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled model is a local folder: never ask a hub
    from ..core.errors import CorpusError, PapersearchError

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
