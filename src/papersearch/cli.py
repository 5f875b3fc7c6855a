"""The ``papersearch`` command line.

Imports stay lazy: ``--help``, ``list``, ``show``, ``graph`` and ``ask`` never import torch or
sentence-transformers; ``index`` does only when something must be embedded. Every error the user
can fix prints one line (``error: ...``) and exits 1; a bad argument exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from . import __version__


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(2)


def _int_in(lo: int, hi: int, what: str) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, not {text!r}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{what} must be from {lo} to {hi}, not {value}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--corpus", metavar="DIR", help="corpus folder (default: $PAPERSEARCH_CORPUS or ./corpus)")
    common.add_argument("--index", metavar="DIR", help="index folder (default: $PAPERSEARCH_INDEX or ./index)")

    p = _Parser(
        prog="papersearch",
        description="Semantic search over the Fundamental AI Papers reading list and its cross-reference graph.",
        parents=[common],
        epilog='Example: papersearch ask "how were deep nets first trained?"',
    )
    p.add_argument("--version", action="version", version=f"papersearch {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser(
        "ask",
        parents=[common],
        help="ask a question; print ranked papers",
        description="Ask a question in plain language and get ranked papers, each with why it matched and its neighbourhood.",
    )
    s.add_argument("query", help="the question or keywords")
    s.add_argument("-k", type=_int_in(1, 100, "k"), default=10, help="number of results, 1-100 (default 10)")
    s.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid", help="ranking (default hybrid)")
    s.add_argument("--year-from", type=_int_in(1800, 2100, "--year-from"), help="earliest year")
    s.add_argument("--year-to", type=_int_in(1800, 2100, "--year-to"), help="latest year")
    s.add_argument("--era", help="an era id or name (see `papersearch eras`)")
    s.add_argument("--json", action="store_true", help="print JSON: {query, mode, results}")

    s = sub.add_parser(
        "show",
        parents=[common],
        help="print one paper with its whole neighbourhood",
        description="Print one paper: its question, summary, concepts and cross-reference neighbourhood.",
    )
    s.add_argument("id", help="paper id, e.g. 1986-rumelhart-backpropagation")
    s.add_argument("--json", action="store_true", help="print the full record as JSON")

    s = sub.add_parser(
        "list", parents=[common], help="list the papers of the corpus", description="List every paper of the corpus."
    )
    s.add_argument("--json", action="store_true", help="print full records as JSON")

    s = sub.add_parser(
        "eras", parents=[common], help="list the eras of the corpus", description="List the eras with their year spans."
    )
    s.add_argument("--json", action="store_true", help="print JSON")

    s = sub.add_parser(
        "graph",
        parents=[common],
        help="print the cross-reference graph",
        description="Print the cross-reference graph extracted from the summaries.",
    )
    s.add_argument("--json", action="store_true", help="print {papers, edges, external} as JSON")

    sub.add_parser(
        "validate",
        parents=[common],
        help="check the corpus and report every problem",
        description="Load the corpus and report every problem with its file and field. Errors exit 1; warnings exit 0.",
    )

    s = sub.add_parser(
        "import-seed",
        parents=[common],
        help="import a reading-list page into corpus files",
        description="Turn a page in the reading list's format into corpus files. Idempotent; hand-edited files are kept unless --force.",
    )
    s.add_argument("path", help="the page (plain text)")
    s.add_argument("--force", action="store_true", help="overwrite files edited by hand")

    s = sub.add_parser(
        "index",
        parents=[common],
        help="build the search index (incremental, atomic)",
        description="Build the index: re-embeds only papers whose content changed and publishes the new version atomically.",
    )
    s.add_argument(
        "--check",
        action="store_true",
        help="only check: exit 1 and say why if the index is missing, unreadable or stale",
    )
    s.add_argument("--force", action="store_true", help="rebuild and re-embed everything")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress output")

    s = sub.add_parser(
        "eval",
        parents=[common],
        help="score ranking on a graded query file",
        description="Print nDCG@10, Recall@5 and MRR@10 for lexical, dense and hybrid ranking.",
    )
    s.add_argument("file", help="JSON lines: {id, query, relevant: {paper_id: grade}}")
    s.add_argument("--json", action="store_true", help="print JSON")

    s = sub.add_parser(
        "serve",
        parents=[common],
        help="start the HTTP service and web page",
        description="Serve the API and web page with uvicorn. Binds 127.0.0.1 unless told otherwise.",
    )
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=_int_in(1, 65535, "--port"), default=8000, help="port (default 8000)")
    return p


def _settings(args: argparse.Namespace) -> Any:
    from .settings import Settings

    return Settings.from_env(corpus=args.corpus, index=args.index)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def cmd_validate(args: argparse.Namespace) -> int:
    from .corpus import load_corpus
    from .errors import CorpusError

    st = _settings(args)
    try:
        corpus = load_corpus(st.corpus)
    except CorpusError as exc:
        for p in exc.problems:
            print(f"{st.corpus}/{p}" if not p.file.startswith("/") else str(p), file=sys.stderr)
        n = sum(1 for p in exc.problems if p.severity == "error")
        if n > 1:
            print(f"{n} errors; the corpus cannot be indexed until they are fixed", file=sys.stderr)
        return 1
    for w in corpus.warnings:
        print(f"{st.corpus}/{w}", file=sys.stderr)
    print(f"ok: {len(corpus.papers)} papers in {len(corpus.eras)} eras, {len(corpus.warnings)} warning(s)")
    return 0


def _records(args: argparse.Namespace) -> tuple[Any, list[dict[str, Any]], dict[str, Any]]:
    from .corpus import load_corpus
    from .records import corpus_records

    corpus = load_corpus(_settings(args).corpus)
    records, graph = corpus_records(corpus)
    return corpus, records, graph


def cmd_list(args: argparse.Namespace) -> int:
    _, records, _ = _records(args)
    if args.json:
        _print_json(records)
        return 0
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", box=None)
    for col in ("year", "id", "title"):
        table.add_column(col)
    for r in records:
        table.add_row(str(r["year"]), r["id"], r["title"])
    _console().print(table)
    return 0


def cmd_eras(args: argparse.Namespace) -> int:
    corpus, records, _ = _records(args)
    eras = [dict(e.__dict__, papers=[r["id"] for r in records if r["era"] == e.id]) for e in corpus.eras]
    if args.json:
        _print_json(eras)
        return 0
    for e in eras:
        print(f"{e['id']:<48} {e['start']}–{e['end']}  {len(e['papers']):>2} papers  {e['name']}")
    return 0


def _neighbour_lines(refs: dict[str, Any], limit: int | None = None) -> list[str]:
    from rich.markup import escape

    lines = []
    for label, key in (("builds on", "cites"), ("built upon by", "cited_by")):
        items = refs[key][:limit] if limit else refs[key]
        if items:
            parts = [f"{escape(n['title'])} ({n['year']}){'' if n['kind'] == 'cites' else ' [dim]~[/]'}" for n in items]
            more = len(refs[key]) - len(items)
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


def cmd_show(args: argparse.Namespace) -> int:
    from .errors import NotFoundError

    _, records, _ = _records(args)
    rec = next((r for r in records if r["id"] == args.id), None)
    if rec is None:
        raise NotFoundError(args.id)
    if args.json:
        _print_json(rec)
        return 0
    from rich.markup import escape

    con = _console()
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
    for label, key in (("builds on", "cites"), ("built upon by", "cited_by")):
        con.print(f"[bold]{label}[/] ({len(refs[key])})")
        for n in refs[key]:
            kind = "" if n["kind"] == "cites" else " [dim](mentions)[/]"
            con.print(f"  {n['year']}  {escape(n['title'])}{kind}  [dim]{n['id']} — “{escape(n['evidence'])}”[/]")
    con.print(f"[bold]cites outside the list[/] ({len(refs['external'])})")
    for x in refs["external"]:
        con.print(f"  {escape(x['ref'])}  [dim]— “{escape(x['evidence'])}”[/]")
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    _, _, graph = _records(args)
    if args.json:
        _print_json(graph)
        return 0
    titles = {p["id"]: f"{p['title']} ({p['year']})" for p in graph["papers"]}
    for e in graph["edges"]:
        print(f"{e['source']} -{e['kind']}-> {e['target']}   “{e['evidence']}”")
    print(f"\n{len(titles)} papers, {len(graph['edges'])} internal edges, {len(graph['external'])} external references")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .importer import import_seed

    st = _settings(args)
    report = import_seed(Path(args.path), st.corpus, force=args.force)
    for rel in report.kept_edits:
        print(f"kept {rel}: edited by hand (use --force to overwrite)", file=sys.stderr)
    print(
        f"{st.corpus}: {len(report.written)} written, {len(report.unchanged)} unchanged, {len(report.kept_edits)} kept"
    )
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from . import indexer

    st = _settings(args)
    if args.check:
        ok, message = indexer.check(st.corpus, st.index, st.model)
        print(message, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    report = indexer.build(
        st.corpus, st.index, st.model, progress=not args.quiet and sys.stderr.isatty(), force=args.force
    )
    if report.unchanged:
        print(f"index {report.version} is up to date ({report.papers} papers); nothing to do [{report.seconds:.2f} s]")
    else:
        print(
            f"published {report.version}: {report.papers} papers, {report.embedded_papers} embedded "
            f"({report.embedded_views} texts), {report.reused_papers} reused [{report.seconds:.2f} s]"
        )
    return 0


def _highlight(sentence: str, terms: list[str]) -> str:
    import re

    from rich.markup import escape

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


def cmd_ask(args: argparse.Namespace) -> int:
    from .search import Searcher

    st = _settings(args)
    searcher = Searcher.load(st.index, preload_encoder=args.mode != "lexical")
    res = searcher.search(
        args.query, k=args.k, mode=args.mode, year_from=args.year_from, year_to=args.year_to, era=args.era
    )
    if args.json:
        _print_json(res)
        return 0
    from rich.markup import escape

    con = _console()
    if not res["results"]:
        con.print("no papers match these filters")
        return 0
    for r in res["results"]:
        authors = ", ".join(r["authors"][:3]) + (" et al." if len(r["authors"]) > 3 else "")
        con.print(
            f"[bold]{r['rank']:>2}. {escape(r['title'])}[/] [green]({r['year']})[/]  [dim]score {r['score']:.3f}[/]"
        )
        con.print(f"    [dim]{escape(authors)} · {escape(r['era_name'])} · {r['id']}[/]")
        con.print(f"    [italic]{escape(r['question'])}[/]")
        con.print(f"    “{_highlight(r['why']['sentence'], r['why']['terms'])}”")
        if r["why"]["concepts"]:
            con.print(f"    [dim]concepts:[/] {escape(', '.join(r['why']['concepts']))}")
        for line in _neighbour_lines(r["neighbours"], limit=3):
            con.print(f"    {line}")
        con.print()
    con.print(f"[dim]{res['mode']} · index {res['index_version']} · {res['took_ms']:.1f} ms[/]")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import METRICS, evaluate, load_queries
    from .search import Searcher

    st = _settings(args)
    searcher = Searcher.load(st.index)
    queries = load_queries(Path(args.file), {r["id"] for r in searcher.data.records})
    scores = evaluate(searcher, queries)
    if args.json:
        _print_json({"queries": len(queries), "scores": scores})
        return 0
    print(f"{len(queries)} queries from {args.file}")
    print(f"{'mode':<10}" + "".join(f"{m:>11}" for m in METRICS))
    for mode, row in scores.items():
        print(f"{mode:<10}" + "".join(f"{row[m]:>11.4f}" for m in METRICS))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .api import serve

    serve(_settings(args), host=args.host, port=args.port)
    return 0


COMMANDS = {
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
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    from .errors import CorpusError, PapersearchError

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
