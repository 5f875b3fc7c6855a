"""How the command line shows papers, hits and neighbourhoods to a person: rich markup, styled at a terminal and
plain in a pipe (``output``)."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from ..core.assistant_records import Answer, Chain, Hop, ReadingList
from ..core.names import authors_line
from ..core.records import (
    Neighbour,
    Neighbourhood,
    NeighbourPage,
    PaperRecord,
    SearchHit,
    SearchResults,
    Side,
    Understood,
)
from ..corpus.venues import kind_of_work
from .output import console, escape

SHOWN_AUTHORS = 3  # a hit's or an answer's source's authors listed before "et al."


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_json_list(items: Iterable[Any]) -> None:
    """A list printed as ``print_json`` prints it, an item at a time (the whole list is never held)."""
    out, first = sys.stdout, True
    for item in items:
        out.write(("[\n" if first else ",\n") + textwrap.indent(json.dumps(item, ensure_ascii=False, indent=2), "  "))
        first = False
    out.write("[]\n" if first else "\n]\n")


def neighbour_lines(refs: Neighbourhood, limit: int | None = None) -> list[str]:
    lines = []
    for label, key in (("builds on", "cites"), ("built upon by", "cited_by")):
        side = refs["cites"] if key == "cites" else refs["cited_by"]
        items = side[:limit] if limit else side
        if items:
            parts = [f"{escape(n['title'])} ({n['year']}){'' if n['kind'] == 'cites' else ' [dim]~[/]'}" for n in items]
            more = len(side) - len(items)
            lines.append(f"[bold]{label}:[/] " + "; ".join(parts) + (f" [dim]+{more} more[/]" if more > 0 else ""))
    ext = refs["external"][:limit] if limit else refs["external"]
    if ext:
        more = len(refs["external"]) - len(ext)
        lines.append(
            "[bold]cites outside the list:[/] "
            + ", ".join(escape(x["ref"]) for x in ext)
            + (f" [dim]+{more} more[/]" if more > 0 else "")
        )
    return lines


def highlight(sentence: str, terms: list[str]) -> str:
    if not terms:
        return escape(sentence)
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) + r")\w*", re.IGNORECASE
    )
    out, last = [], 0
    for m in pattern.finditer(sentence):
        out.append(escape(sentence[last : m.start()]))
        out.append(f"[bold yellow]{escape(m.group())}[/]")
        last = m.end()
    out.append(escape(sentence[last:]))
    return "".join(out)


def reading(understood: Understood | None) -> str | None:
    """How the query was read, in one line ("papers from the late 1980s · who did it first"), or None."""
    if understood is None:
        return None
    parts = []
    if understood["time"]:
        parts.append(understood["time"])
    if understood["intent"] == "origin":
        parts.append("who did it first")
    elif understood["intent"] == "history":
        parts.append("how it developed over time")
    if understood["names"]:
        parts.append("by or citing " + ", ".join(understood["names"]))
    if understood["order"]:
        parts.append(understood["order"]["label"])
    return " · ".join(parts) or None


def show_results(res: SearchResults) -> None:
    """Ranked papers for ``ask``: how the query was read, then each hit with why it matched.

    The lines go to the console in one print: the same text as a print each, in half the time.
    """
    lines = []
    reading_line = reading(res["understood"])
    if reading_line:
        lines.append(
            f"[dim]reading this as:[/] {escape(reading_line)}  [dim](--no-understand to search the words as typed)[/]\n"
        )
    if not res["results"]:
        lines.append("no papers match these filters")
    else:
        if res["no_match"]:
            lines.append(
                "[bold]Nothing in the reading list seems to match this.[/] "
                f"[dim](confidence {res['confidence']:.2f})[/] The nearest papers:\n"
            )
        for r in res["results"]:
            lines += hit_lines(r)
        lines.append(f"[dim]{res['mode']} · index {res['index_version']} · {res['took_ms']:.1f} ms[/]")
    console().print("\n".join(lines))


def hit_lines(r: SearchHit) -> list[str]:
    """One hit of ``ask`` as lines of markup: title and score, authors, question, why, neighbours, a blank line."""
    authors = authors_line(r["authors"], r.get("et_al", False), SHOWN_AUTHORS)
    lines = [
        f"[bold]{r['rank']:>2}. {escape(r['title'])}[/] [green]({r['year']})[/]  [dim]score {r['score']:.3f}[/]",
        f"    [dim]{escape(' · '.join(p for p in (authors, r['era_name'], kind_of_work(r)) if p))} · {r['id']}[/]",
    ]
    if r["question"]:  # an imported paper may have none
        lines.append(f"    [italic]{escape(r['question'])}[/]")
    if r["why"]["sentence"]:  # nor a summary to quote
        lines.append(f"    “{highlight(r['why']['sentence'], r['why']['terms'])}”")
    if r["why"]["concepts"]:
        lines.append(f"    [dim]concepts:[/] {escape(', '.join(r['why']['concepts']))}")
    lines += [f"    {line}" for line in neighbour_lines(r["neighbours"], limit=3)]
    return [*lines, ""]


def show_paper(rec: PaperRecord) -> None:
    con = console()
    con.print(f"[bold]{escape(rec['title'])}[/] ({rec['year']})")
    con.print(f"[dim]{escape(authors_line(rec['authors'], rec.get('et_al', False)))}[/]")
    con.print(f"[cyan]{escape(rec['era_name'])}[/]  ·  id {rec['id']}")
    if where := published(rec):
        con.print(f"[dim]{escape(where)}[/]")
    if rec["question"]:  # an imported paper may have no question, and no summary
        con.print(f"\n[italic]{escape(rec['question'])}[/]")
    con.print("\n" + escape(rec["summary"]) if rec["summary"] else "\n[dim](the list has no summary of it yet)[/]")
    if rec["concepts"]:
        con.print(
            "\n[bold]key concepts:[/] "
            + "; ".join(
                escape(c["name"]) + (f" ({escape(', '.join(c['aliases']))})" if c["aliases"] else "")
                for c in rec["concepts"]
            )
        )
    refs = rec["references"]
    con.print()
    sides: tuple[tuple[str, Side, list[Neighbour], int], ...] = (
        ("builds on", "cites", refs["cites"], refs["cites_total"]),
        ("built upon by", "cited_by", refs["cited_by"], refs["cited_by_total"]),
    )
    for label, name, side, total in sides:
        con.print(f"[bold]{label}[/] ({total})")
        for n in side:
            con.print(neighbour_line(n))
        if total > len(side):
            more = f"papersearch neighbours {rec['id']} --side {name} --offset {len(side)}"
            con.print(f"  [dim]… {total - len(side)} more: {escape(more)}[/]")
    con.print(f"[bold]cites outside the list[/] ({len(refs['external'])})")
    for x in refs["external"]:
        con.print(f"  {escape(x['ref'])}  [dim]— “{escape(x['evidence'])}”[/]")


def neighbour_line(n: Neighbour) -> str:
    """One tie of a neighbourhood: year, title, kind (when a mention), id and the summary's words."""
    kind = "" if n["kind"] == "cites" else " [dim](mentions)[/]"
    return f"  {n['year']}  {escape(n['title'])}{kind}  [dim]{n['id']} — “{escape(n['evidence'])}”[/]"


def show_neighbour_page(page: NeighbourPage) -> None:
    """``papersearch neighbours``: a page of one side of a paper's neighbourhood, and where the next one starts."""
    con = console()
    label = "builds on" if page["side"] == "cites" else "built upon by"
    end = page["offset"] + len(page["results"])
    shown = f"{page['offset'] + 1}–{end}" if page["results"] else "none"
    con.print(f"[bold]{page['id']} {label}[/]: {shown} of {page['total']}")
    for n in page["results"]:
        con.print(neighbour_line(n))
    if end < page["total"]:
        con.print(f"[dim]next: papersearch neighbours {page['id']} --side {page['side']} --offset {end}[/]")


def published(rec: PaperRecord) -> str:
    """Where a paper appeared and where to find it, in one line ("Nature · doi:10.1038/323533a0"; a thesis with its
    degree: "Master's thesis, University of Helsinki"); "" if unknown."""
    parts = [", ".join(p for p in (rec.get("genre", ""), rec.get("venue", "")) if p)]
    parts += [f"doi:{rec['doi']}" if rec.get("doi") else "", f"arXiv:{rec['arxiv']}" if rec.get("arxiv") else ""]
    parts.append(rec.get("url", ""))
    return " · ".join(p for p in parts if p)


def show_list(records: Sequence[PaperRecord]) -> None:
    """``papersearch list``: year, id and title; rich's table at a terminal, whole aligned lines elsewhere
    (a pipe or a file gets one line a paper, so ``grep`` and ``cut`` see each title whole)."""
    if not sys.stdout.isatty():
        width = max((len(r["id"]) for r in records), default=2)
        sys.stdout.write(f"year  {'id':<{width}}  title\n")
        sys.stdout.writelines(f"{r['year']:<4}  {r['id']:<{width}}  {r['title']}\n" for r in records)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", box=None)
    for col in ("year", "id", "title"):
        table.add_column(col)
    for r in records:
        table.add_row(str(r["year"]), r["id"], r["title"])
    Console(highlight=False, soft_wrap=False).print(table)


# ---------------------------------------------------------------- the assistant: cited answers and reading paths


def show_cited_answer(ans: Answer) -> None:
    """``papersearch answer``: the sentences with their citations, the sources, the order to read them in."""
    con = console()
    line = reading(ans["understood"])
    if line:
        con.print(f"[dim]reading this as:[/] {escape(line)}  [dim](--no-understand to read the words as typed)[/]\n")
    if ans["declined"]:
        con.print(
            "[bold]The reading list does not seem to cover this question.[/] "
            f"[dim](confidence {ans['confidence']:.2f})[/]"
        )
        if ans["nearest"]:
            con.print("The nearest papers:\n")
            for p in ans["nearest"]:
                con.print(f"  {p['year']}  {escape(p['title'])}  [dim]{p['id']}[/]")
        con.print(f"\n[dim]index {ans['index_version']} · {ans['took_ms']:.1f} ms[/]")
        return
    for s in ans["sentences"]:
        text = f"[italic]{escape(s['text'])}[/]" if s["kind"] == "question" else escape(s["text"])
        con.print(f"{text} [cyan]{escape(s['citation'])} \\[{s['source']}][/]\n")
    for note in ans["notes"]:  # the program's own words, never the list's: set apart from the quotes
        con.print(f"[dim]{escape(note)}[/]\n")
    con.print("[bold]Sources[/]")
    for src in ans["sources"]:
        authors = authors_line(src["authors"], src.get("et_al", False), SHOWN_AUTHORS)
        con.print(f"  \\[{src['number']}] {escape(src['title'])} ({src['year']})")
        about = " · ".join(p for p in (authors, src["era_name"], kind_of_work(src)) if p)
        con.print(f"      [dim]{escape(about)} · {src['id']}[/]")
    con.print("\n[bold]Read in this order[/]")
    number = {src["id"]: src["number"] for src in ans["sources"]}
    for i, step in enumerate(ans["reading_order"], 1):
        mark = f"\\[{step['source']}]" if step["source"] is not None else "[dim](read first)[/]"
        con.print(f"  {i}. {step['year']}  {escape(step['title'])} {mark}")
        if step["source"] is None:
            by = ", ".join(f"\\[{number[p]}]" for p in step["needed_for"] if p in number)
            con.print(f"        [dim]{by} builds on it · {step['kind']} · “{escape(step['evidence'] or '')}”[/]")
    order = "earliest first" if ans["order"] == "time" else "best first"
    con.print(
        f"\n[dim]{order} · confidence {ans['confidence']:.2f} · index {ans['index_version']} · "
        f"{ans['took_ms']:.1f} ms[/]"
    )


def hop_line(hop: Hop) -> str:
    """One hop of a path: "1989-lecun-cnn → 2015-bahdanau-attention · mentions · “evidence”"."""
    tie = (
        f"similar in meaning ({hop['similarity']:.2f})"
        if hop["kind"] == "similar"
        else "nearest in time, not tied"
        if hop["kind"] == "time"
        else hop["kind"]
    )
    said = f" · “{escape(hop['evidence'])}”" if hop["evidence"] else ""
    return f"{hop['earlier']} → {hop['later']} · {tie}{said}"


def show_reading(path: ReadingList) -> None:
    """``papersearch path --before/--after``: the papers, strongest ties first, each with its hops; a path to a paper
    (before) ends with the paper itself."""
    con = console()
    what = "Read before" if path["direction"] == "before" else "Read after"
    con.print(f"[bold]{what} {escape(path['title'])}[/] ({path['year']})")
    if not path["results"]:
        side = "it builds on no paper of the list" if path["direction"] == "before" else "no paper builds on it"
        con.print(f"  [dim]the graph has nothing here: {side}[/]")
        return
    by_time = all(p["tie"] == "time" for p in path["results"])
    order = (
        "nothing in the graph or near in meaning, so the papers nearest in time, not tied to it"
        if by_time
        else "chains of citations, its mentions, then by meaning"
    )
    con.print(f"[dim]{len(path['results'])} of {path['total']}: {order}[/]\n")
    for i, p in enumerate(path["results"], 1):
        how = "nearest in time" if p["tie"] == "time" else f"tied by {p['tie']}"
        con.print(f"{i:>2}. {p['year']}  {escape(p['title'])}  [dim]{p['id']} · {how}[/]")
        for hop in p["hops"]:
            con.print(f"      [dim]{hop_line(hop)}[/]")
    if path["direction"] == "before":  # a path to the paper ends at it
        con.print(f"\n[dim]then[/] {path['year']}  {escape(path['title'])}  [dim]{path['id']}, where they lead[/]")


def show_chain(chain: Chain) -> None:
    """``papersearch path FROM TO``: the chain, each step with how it ties to the one before; a step by meaning to a
    paper that is not near (its ``near``, as ``query.paths`` judged it: no nearer route exists) is said to be one."""
    con = console()
    first, last = chain["steps"][0], chain["steps"][-1]
    if not chain["sensible"]:
        con.print(
            f"[bold]The list holds no sensible chain from {chain['source']} to {chain['target']}:[/] neither the "
            f"graph nor papers near in meaning lead all the way.\nThe closest it has "
            "[dim](≈: a step by meaning, not a reference; ≉: not near in meaning either)[/]:"
        )
    elif chain["found"]:
        con.print(
            f"[bold]From {escape(first['title'])} ({first['year']}) to {escape(last['title'])} ({last['year']})[/]"
        )
    else:
        con.print(
            f"[bold]The graph holds no chain from {chain['source']} to {chain['target']}.[/]\n"
            "One through the graph where it can, by meaning where it cannot [dim](≈: a step by meaning, not a reference)[/]:"
        )
    # a chain runs one way in time (query.paths): forwards, each paper cites or mentions the one before it;
    # backwards (from a newer paper to an older one), each is cited or mentioned by the one before it
    tie = "↑ the paper above {} the one below" if first["year"] > last["year"] else "↓ the paper below {} the one above"
    for step in chain["steps"]:
        if step["near"] is False:
            con.print(
                f"   [dim]≉ not near in meaning, similarity {step['similarity'] or 0:.2f}: a gap the list cannot fill[/]"
            )
        elif step["kind"] == "similar":
            con.print(f"   [dim]≈ by meaning, similarity {step['similarity'] or 0:.2f}[/]")
        elif step["kind"] is not None:
            con.print(f"   [dim]{tie.format(step['kind'])}: “{escape(step['evidence'] or '')}”[/]")
        con.print(f"  {step['year']}  {escape(step['title'])}  [dim]{step['id']}[/]")
