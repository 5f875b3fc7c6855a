"""The ``papersearch`` command line: parse, run one command, print errors as one line each.

Every error the user can fix prints ``error: ...`` (the same words the HTTP API gives) and exits
1; a bad argument exits 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from .assist import COMMANDS as ASSIST_COMMANDS
from .assist import READS as ASSIST_READS
from .commands import (
    cmd_ask,
    cmd_eras,
    cmd_eval,
    cmd_graph,
    cmd_import,
    cmd_index,
    cmd_list,
    cmd_mcp,
    cmd_serve,
    cmd_show,
    cmd_validate,
)
from .parser import build_parser

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "ask": cmd_ask,
    "show": cmd_show,
    "list": cmd_list,
    "eras": cmd_eras,
    "graph": cmd_graph,
    "validate": cmd_validate,
    "import-seed": cmd_import,
    "index": cmd_index,
    "eval": cmd_eval,
    "serve": cmd_serve,
    "mcp": cmd_mcp,
    **ASSIST_COMMANDS,
}
# the folder flags each command reads; giving one it does not read is a mistake worth saying
READS = {
    "validate": {"corpus"},
    "import-seed": {"corpus"},
    "ask": {"index"},
    "eval": {"index"},
    "mcp": {"index"},
    **ASSIST_READS,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    for flag in ("corpus", "index"):
        if getattr(args, flag) is not None and flag not in READS.get(args.command, {"corpus", "index"}):
            parser.error(
                f"--{flag} does not apply to `{args.command}`, which reads only the {'index' if flag == 'corpus' else 'corpus'}"
            )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled model is a local folder: never ask a hub
    from ..core.errors import CorpusError, PapersearchError

    try:
        return COMMANDS[args.command](args)
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
