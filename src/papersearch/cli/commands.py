"""What each ``papersearch`` subcommand does. Papers, eras and the graph are read through the same
``Searcher`` the HTTP service uses, so both show the same index and report a stale one alike.

Imports stay lazy: ``--help`` and ``ask`` never import torch or sentence-transformers; ``index``
does only when something must be embedded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.settings import Settings

if TYPE_CHECKING:
    from ..query.searcher import Searcher


def settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(corpus=args.corpus, index=args.index)


def _searcher(args: argparse.Namespace, note_staleness: bool = True) -> Searcher:
    """The index's current version; says on stderr when the corpus changed since it was built (as /health does)."""
    from ..index.check import corpus_state
    from ..query.searcher import Searcher

    st = settings(args)
    searcher = Searcher.load(st.index, settings=st)
    if note_staleness:
        status = searcher.status(corpus_state(st.corpus))
        if status["stale"]:
            print(
                f"note: index {status['index_version']} is stale: the corpus changed since it was built; "
                "run `papersearch index`",
                file=sys.stderr,
            )
        elif status["problem"]:
            print(f"note: {status['problem']}", file=sys.stderr)
    return searcher


def cmd_validate(args: argparse.Namespace) -> int:
    from ..core.errors import CorpusError
    from ..corpus.load import load_corpus

    st = settings(args)
    try:
        corpus = load_corpus(st.corpus)
    except CorpusError as exc:
        for p in exc.problems:
            print(str(p), file=sys.stderr)
        n = sum(1 for p in exc.problems if p.severity == "error")
        if n > 1:
            print(f"{n} errors in {st.corpus}; the corpus cannot be indexed until they are fixed", file=sys.stderr)
        return 1
    for w in corpus.warnings:
        print(str(w), file=sys.stderr)
    print(f"ok: {len(corpus.papers)} papers in {len(corpus.eras)} eras, {len(corpus.warnings)} warning(s)")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from .render import print_json, show_list

    records = _searcher(args).papers()
    if args.json:
        print_json(records)
    else:
        show_list(records)
    return 0


def cmd_eras(args: argparse.Namespace) -> int:
    from .render import print_json

    eras = _searcher(args).eras()
    if args.json:
        print_json(eras)
        return 0
    for e in eras:
        print(f"{e['id']:<48} {e['start']}–{e['end']}  {len(e['papers']):>2} papers  {e['name']}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from .render import print_json, show_paper

    rec = _searcher(args).paper(args.id)
    if args.json:
        print_json(rec)
    else:
        show_paper(rec)
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    from .render import print_json

    graph = _searcher(args).graph()
    if args.json:
        print_json(graph)
        return 0
    for e in graph["edges"]:
        print(f"{e['source']} -{e['kind']}-> {e['target']}   “{e['evidence']}”")
    papers, edges, external = len(graph["papers"]), len(graph["edges"]), len(graph["external"])
    print(f"\n{papers} papers, {edges} internal edges, {external} external references")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..corpus.importer import import_seed

    st = settings(args)
    report = import_seed(Path(args.path), st.corpus, force=args.force)
    for rel in report.kept_edits:
        print(f"kept {rel}: edited by hand (use --force to overwrite)", file=sys.stderr)
    print(
        f"{st.corpus}: {len(report.written)} written, {len(report.unchanged)} unchanged, {len(report.kept_edits)} kept"
    )
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    st = settings(args)
    if args.check:
        from ..index.check import check

        ok, message = check(st.corpus, st.index, st.model, st)
        print(message, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    from ..index.build import build
    from ..index.embedding import RayOptions

    progress = not args.quiet and sys.stderr.isatty()
    ray = None if args.ray is None else RayOptions(args.ray or None)
    report = build(st.corpus, st.index, st.model, progress=progress, force=args.force, ray=ray)
    if report.unchanged:
        print(f"index {report.version} is up to date ({report.papers} papers); nothing to do [{report.seconds:.2f} s]")
    else:
        print(
            f"published {report.version}: {report.papers} papers, {report.embedded_papers} embedded "
            f"({report.embedded_passages} texts{' on Ray' if ray is not None else ''}), {report.reused_papers} reused "
            f"[{report.seconds:.2f} s]"
        )
    return 0


def search_options(args: argparse.Namespace) -> dict[str, Any]:
    """The search flags of ``ask`` and ``answer`` (``parser.add_search_flags``) as ``Searcher`` keywords."""
    names = ("k", "mode", "year_from", "year_to", "era", "understand", "ignore")
    return {name: getattr(args, name) for name in names}


def asking_searcher(args: argparse.Namespace) -> Searcher:
    """The index for one question: the query encoder opens while the index loads (not for lexical mode)."""
    from ..query.searcher import Searcher

    st = settings(args)
    return Searcher.load(st.index, preload_encoder=args.mode != "lexical", settings=st)


def cmd_ask(args: argparse.Namespace) -> int:
    res = asking_searcher(args).search(args.query, **search_options(args))
    from .render import print_json, show_answer

    if args.json:
        print_json(res)
    else:
        show_answer(res)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ..query.evaluate import load_queries, report
    from .render import print_json, show_report

    searcher = _searcher(args, note_staleness=False)
    queries = load_queries(Path(args.file), {r["id"] for r in searcher.papers()})
    result = report(searcher, queries, understand=args.understand)
    if args.json:
        print_json({"queries": len(queries), "scores": result.modes, **asdict(result)})
    else:
        print(f"{len(queries)} queries from {args.file}")
        show_report(result)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ..serve.run import serve

    serve(settings(args), host=args.host, port=args.port)
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    """The MCP server on stdin/stdout over the live index (the SDK is imported only here)."""
    from ..agent.stdio import serve_stdio
    from ..serve.live import LiveIndex

    st = settings(args)
    serve_stdio(LiveIndex(st.index, settings=st), st.reload_interval)
    return 0
