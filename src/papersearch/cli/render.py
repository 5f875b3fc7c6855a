"""How the command line shows papers, hits and neighbourhoods to a person (rich markup)."""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from ..core.records import Neighbourhood, PaperRecord, SearchHit, SearchResults, Understood

if TYPE_CHECKING:
    from ..query.evaluate import Report


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


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
    return " · ".join(parts) or None


def show_answer(res: SearchResults) -> None:
    con = console()
    line = reading(res["understood"])
    if line:
        con.print(f"[dim]reading this as:[/] {escape(line)}  [dim](--no-understand to search the words as typed)[/]\n")
    if not res["results"]:
        con.print("no papers match these filters")
        return
    if res["no_match"]:
        con.print(
            "[bold]Nothing in the reading list seems to match this.[/] "
            f"[dim](confidence {res['confidence']:.2f})[/] The nearest papers:\n"
        )
    for r in res["results"]:
        show_hit(con, r)
    con.print(f"[dim]{res['mode']} · index {res['index_version']} · {res['took_ms']:.1f} ms[/]")


def show_hit(con: Console, r: SearchHit) -> None:
    authors = ", ".join(r["authors"][:3]) + (" et al." if len(r["authors"]) > 3 else "")
    con.print(f"[bold]{r['rank']:>2}. {escape(r['title'])}[/] [green]({r['year']})[/]  [dim]score {r['score']:.3f}[/]")
    con.print(f"    [dim]{escape(authors)} · {escape(r['era_name'])} · {r['id']}[/]")
    con.print(f"    [italic]{escape(r['question'])}[/]")
    con.print(f"    “{highlight(r['why']['sentence'], r['why']['terms'])}”")
    if r["why"]["concepts"]:
        con.print(f"    [dim]concepts:[/] {escape(', '.join(r['why']['concepts']))}")
    for line in neighbour_lines(r["neighbours"], limit=3):
        con.print(f"    {line}")
    con.print()


def show_paper(rec: PaperRecord) -> None:
    con = console()
    con.print(f"[bold]{escape(rec['title'])}[/] ({rec['year']})")
    con.print(f"[dim]{escape(', '.join(rec['authors']))}[/]")
    con.print(f"[cyan]{escape(rec['era_name'])}[/]  ·  id {rec['id']}")
    con.print(f"\n[italic]{escape(rec['question'])}[/]\n")
    con.print(escape(rec["summary"]))
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
    for label, side in (("builds on", refs["cites"]), ("built upon by", refs["cited_by"])):
        con.print(f"[bold]{label}[/] ({len(side)})")
        for n in side:
            kind = "" if n["kind"] == "cites" else " [dim](mentions)[/]"
            con.print(f"  {n['year']}  {escape(n['title'])}{kind}  [dim]{n['id']} — “{escape(n['evidence'])}”[/]")
    con.print(f"[bold]cites outside the list[/] ({len(refs['external'])})")
    for x in refs["external"]:
        con.print(f"  {escape(x['ref'])}  [dim]— “{escape(x['evidence'])}”[/]")


def show_list(records: list[PaperRecord]) -> None:
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", box=None)
    for col in ("year", "id", "title"):
        table.add_column(col)
    for r in records:
        table.add_row(str(r["year"]), r["id"], r["title"])
    console().print(table)


def show_report(result: Report) -> None:
    """``papersearch eval``: metrics per mode, per query type and per half, and the no-match figures."""
    from ..query.evaluate import METRICS

    def rows(title: str, table: dict[str, dict[str, float]], counts: dict[str, int] | None = None) -> None:
        print(f"\n{title:<14}" + ("      n" if counts else "") + "".join(f"{m:>11}" for m in METRICS))
        for name, row in table.items():
            n = f"{counts.get(name, 0):>7}" if counts else ""
            print(f"{name:<14}{n}" + "".join(f"{row.get(m, float('nan')):>11.4f}" for m in METRICS))

    rows("mode", result.modes)
    rows("type (hybrid)", result.kinds, result.counts)
    rows("half (hybrid)", result.halves)
    nm = result.no_match
    print(
        f"\nno match: {result.counts.get('out-of-scope', 0)} out-of-scope queries; "
        f"precision {nm['precision']:.4f}, recall {nm['recall']:.4f}, in-scope flagged {nm['in_scope_flagged']:.4f}"
    )
