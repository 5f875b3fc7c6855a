"""Searching from the command line: ``ask`` (ranked papers for a question) and ``eval`` (how well ranking
does on a file of graded queries)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..core.settings import Settings
from .arguments import Command, add_search_flags, search_request
from .loading import open_for_one_question, open_index


def ask_arguments(s: argparse.ArgumentParser) -> None:
    """``ask QUERY`` with the search flags and ``--json``."""
    s.add_argument("query", help="the question or keywords")
    add_search_flags(s, "number of results")
    s.add_argument("--json", action="store_true", help="print JSON: {query, mode, understood, no_match, results}")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch ask``: the query encoder opens while the index loads; one search, printed."""
    searcher = open_for_one_question(settings, args.mode)
    res = searcher.search(search_request(args, searcher))
    from .render import print_json, show_results

    if args.json:
        print_json(res)
    else:
        show_results(res)
    return 0


def eval_arguments(s: argparse.ArgumentParser) -> None:
    """``eval FILE ... [--baseline JSON] [--no-understand] [--json]``."""
    s.add_argument(
        "files", nargs="+", metavar="file", help="JSON lines: {id, query, type, relevant: {paper_id: grade}}"
    )
    s.add_argument("--baseline", help="an earlier `eval --json` output: each type's hybrid nDCG@10 is shown beside it")
    s.add_argument("--no-understand", dest="understand", action="store_false", help="score without query understanding")
    s.add_argument("--json", action="store_true", help="print JSON")


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch eval``: every figure of ``query.evaluate.report`` for the query files together."""
    from dataclasses import asdict

    from ..core.errors import InputFileError
    from ..query.evaluate import load_queries, report
    from .render import print_json
    from .report import show_report

    searcher = open_index(settings, note_staleness=False)
    known = {r["id"] for r in searcher.papers()}
    queries = [q for path in args.files for q in load_queries(Path(path), known)]
    repeated = sorted({q.id for q in queries if sum(p.id == q.id for p in queries) > 1})
    if repeated:
        raise InputFileError(f"{', '.join(args.files)}: query id {repeated[0]!r} is in more than one file")
    baseline = read_baseline(args.baseline) if args.baseline else None
    result = report(searcher, queries, understand=args.understand)
    if args.json:
        print_json({"queries": len(queries), "scores": result.modes, **asdict(result)})
    else:
        print(f"{len(queries)} queries from {', '.join(args.files)}")
        show_report(result, baseline)
    return 0


def read_baseline(path: str) -> Any:
    """The per-type figures of an earlier ``eval --json``, or an InputFileError saying why the file gives none."""
    import json

    from ..core.errors import InputFileError

    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["kinds"]
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found") from None
    except OSError as exc:  # a folder, no permission
        raise InputFileError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError):  # not UTF-8, not JSON, not eval's
        raise InputFileError(f"{path}: not the JSON `papersearch eval --json` prints") from None


ASK = Command(
    "ask",
    "ask a question; print ranked papers",
    "Ask a question in plain language and get ranked papers, each with why it matched and its neighbourhood.",
    cmd_ask,
    ask_arguments,
    reads=frozenset({"index"}),
    brief=True,
)
EVAL = Command(
    "eval",
    "score ranking and answers on graded query files",
    "Print nDCG@10, Recall@5 and MRR@10 for lexical, dense and hybrid ranking, per query type and half, "
    "how well out-of-scope queries are told apart, and the assistant's floors per half.",
    cmd_eval,
    eval_arguments,
    reads=frozenset({"index"}),
)
COMMANDS = (ASK, EVAL)
