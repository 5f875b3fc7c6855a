"""Reading the index as stored: ``show`` (one paper), ``neighbours`` (one side of its neighbourhood, a page at a
time), ``list``, ``eras`` and ``graph``, through the same ``Searcher`` the HTTP service uses, so both show the
same index and report a stale one alike."""

from __future__ import annotations

import argparse

from ..core.params import check_limit, check_offset, check_side
from ..core.records import SHOWN_NEIGHBOURS
from ..core.settings import Settings
from .arguments import Command, checked
from .loading import open_index


def json_flag(s: argparse.ArgumentParser) -> None:
    """``--json``: print the record as JSON instead of text."""
    s.add_argument("--json", action="store_true", help="print JSON")


def show_arguments(s: argparse.ArgumentParser) -> None:
    """``show ID [--json]``."""
    s.add_argument("id", help="paper id, e.g. 1986-rumelhart-backpropagation")
    s.add_argument("--json", action="store_true", help="print the full record as JSON")


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch show``: one paper with its neighbourhood (``neighbours`` pages through a long side)."""
    from .render import print_json, show_paper

    rec = open_index(settings).paper(args.id)
    if args.json:
        print_json(rec)
    else:
        show_paper(rec)
    return 0


def neighbours_arguments(s: argparse.ArgumentParser) -> None:
    """``neighbours ID [--side SIDE] [--offset N] [--limit N] [--json]``."""
    s.add_argument("id", help="paper id, e.g. 1986-rumelhart-backpropagation")
    s.add_argument(
        "--side",
        type=checked(check_side),
        default="cited_by",
        help="cites: what it builds on; cited_by: what builds on it (default)",
    )
    s.add_argument("--offset", type=checked(check_offset), default=0, help="where the page starts (default 0)")
    s.add_argument(
        "--limit",
        type=checked(check_limit),
        default=SHOWN_NEIGHBOURS,
        help=f"how many ties, 1-{SHOWN_NEIGHBOURS} (default {SHOWN_NEIGHBOURS})",
    )
    json_flag(s)


def cmd_neighbours(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch neighbours``: one side of a paper's neighbourhood, a page at a time, strongest ties first."""
    from .render import print_json, show_neighbour_page

    page = open_index(settings).neighbours(args.id, args.side, args.offset, args.limit)
    if args.json:
        print_json(page)
    else:
        show_neighbour_page(page)
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch list``: every paper of the index, by year."""
    from .render import print_json_list, show_list

    records = open_index(settings).papers()
    if args.json:
        print_json_list(records)
    else:
        show_list(records)
    return 0


def cmd_eras(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch eras``: the eras with their year spans and paper counts."""
    from .render import print_json

    eras = open_index(settings).eras()
    if args.json:
        print_json(eras)
        return 0
    for e in eras:
        print(f"{e['id']:<48} {e['start']}–{e['end']}  {len(e['papers']):>2} papers  {e['name']}")
    return 0


def cmd_graph(args: argparse.Namespace, settings: Settings) -> int:
    """``papersearch graph``: every internal edge with its evidence, then the counts."""
    from .render import print_json

    graph = open_index(settings).graph()
    if args.json:
        print_json(graph)
        return 0
    for e in graph["edges"]:
        print(f"{e['source']} -{e['kind']}-> {e['target']}   “{e['evidence']}”")
    papers, edges, external = len(graph["papers"]), len(graph["edges"]), len(graph["external"])
    print(f"\n{papers} papers, {edges} internal edges, {external} external references")
    return 0


COMMANDS = (
    Command(
        "show",
        "print one paper with its neighbourhood",
        "Print one paper: its question, summary, concepts and cross-reference neighbourhood.",
        cmd_show,
        show_arguments,
        brief=True,
    ),
    Command(
        "neighbours",
        "page through one side of a paper's neighbourhood",
        f"Print one side of a paper's neighbourhood, strongest ties first, a page at a time: a paper's record lists "
        f"the first {SHOWN_NEIGHBOURS} of each side and says how many there are.",
        cmd_neighbours,
        neighbours_arguments,
        brief=True,
    ),
    Command("list", "list the papers of the index", "List every paper of the index.", cmd_list, json_flag),
    Command("eras", "list the eras of the index", "List the eras with their year spans.", cmd_eras, json_flag),
    Command(
        "graph",
        "print the cross-reference graph",
        "Print the cross-reference graph extracted from the summaries.",
        cmd_graph,
        json_flag,
    ),
)
