"""A cold ``papersearch ask``: what it imports, how it prints into a pipe, and the command line's registry."""

from __future__ import annotations

import gc
import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from papersearch.cli import main
from papersearch.cli.commands import GROUPS, command, commands
from papersearch.cli.output import plain
from papersearch.cli.render import hit_lines, reading
from papersearch.query.searcher import Searcher

QUESTION = "how were deep nets first trained?"


def _cold_ask(index_dir: Path, *args: str) -> tuple[str, set[str]]:
    """A cold ``ask`` into a pipe: what it printed, and every module it imported."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "papersearch", "ask", QUESTION, "--index", str(index_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [ln.rsplit("|", 1)[1].strip() for ln in proc.stderr.splitlines() if ln.startswith("import time:")]
    return proc.stdout, set(lines)


def test_a_cold_ask_imports_only_what_one_query_needs(index_dir: Path) -> None:
    _, modules = _cold_ask(index_dir)
    assert {"onnxruntime", "tokenizers", "numpy", "papersearch.query.plan"} <= modules  # it did search
    unneeded = {
        "rich",  # the printing, into a pipe
        "faiss",
        "torch",
        "concurrent.futures",  # the encoder opens on a plain thread
        "logging",
        "importlib.resources",  # the English table is read by its path
        "tempfile",  # a query writes nothing (shutil comes with argparse's help formatter all the same)
        *(f"papersearch.cli.{group}" for group in ("assist", "building", "citing", "editing", "papers", "service")),
        *(
            f"papersearch.query.{m}"
            for m in ("answer", "quotes", "answer_sources", "cite", "cite_bibtex", "similar", "evaluate")
        ),
    }
    assert not modules & unneeded, sorted(modules & unneeded)


def test_a_piped_ask_prints_each_line_whole_and_without_markup(index_dir: Path, searcher: Searcher) -> None:
    out, _ = _cold_ask(index_dir, "-k", "3")
    best = searcher.search(QUESTION, k=3)["results"]
    lines = out.splitlines()
    assert max(len(line) for line in lines) > 120  # rich wrapped every line at 80 columns
    assert "[/]" not in out and "[bold]" not in out and "\x1b[" not in out
    for hit in best:
        assert f"{hit['rank']:>2}. {hit['title']} ({hit['year']})  score {hit['score']:.3f}" in lines
        assert f"    “{hit['why']['sentence']}”" in lines  # the quoted sentence on one line, its terms unmarked


def test_plain_lines_are_the_text_rich_shows(searcher: Searcher) -> None:
    """Every paper as a hit (each title, sentence, neighbourhood): the plain text is rich's own, unwrapped."""
    res = searcher.search("neural networks", k=len(searcher.papers()))
    markup = [line for hit in res["results"] for line in hit_lines(hit)]
    markup.append(f"[dim]reading this as:[/] {reading(searcher.search('papers from the 1980s')['understood'])}")
    markup += ["a [b]racket, \\[escaped] and [bold]\\\\[/] a backslash", "tab\there\rcr"]
    for line in markup:
        shown = io.StringIO()
        Console(file=shown, highlight=False, soft_wrap=True, width=10**6, color_system=None).print(line)
        assert plain(line) + "\n" == shown.getvalue(), line


def test_every_command_is_listed_once_in_its_group() -> None:
    assert [c.name for c in commands()] == list(GROUPS)
    for name, group in GROUPS.items():
        module = sys.modules[f"papersearch.cli.{group}"]
        assert command(name) in module.COMMANDS
    listed = {c.name for group in set(GROUPS.values()) for c in sys.modules[f"papersearch.cli.{group}"].COMMANDS}
    assert listed == set(GROUPS)


@pytest.mark.parametrize("args", [["ask", QUESTION, "-k", "1"], ["show", "1989-lecun-cnn"], ["eras"]])
def test_a_command_run_in_process_leaves_the_collector_as_it_found_it(
    index_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """``main`` called with its arguments (not as the whole process) turns the collector back on and freezes nothing."""
    frozen = gc.get_freeze_count()
    assert main([*args, "--index", str(index_dir)]) == 0
    assert capsys.readouterr().out
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_a_piped_list_prints_one_whole_line_a_paper(index_dir: Path, searcher: Searcher) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "papersearch", "list", "--index", str(index_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    header, *rows = proc.stdout.splitlines()
    assert header.split() == ["year", "id", "title"]
    papers = searcher.papers()
    assert len(rows) == len(papers)
    for row, paper in zip(rows, papers, strict=True):
        year, pid, title = row.split(maxsplit=2)
        assert (int(year), pid, title) == (paper["year"], paper["id"], paper["title"])
