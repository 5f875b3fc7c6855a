"""The graph's orientation: a year citation of a later-dated work is the citer's, a look-ahead the later paper's.

AlexNet's 2012 summary cites "Dropout (Srivastava, 2014)" (on arXiv in 2012, in JMLR in 2014): once Dropout is
imported, AlexNet builds on Dropout, never the other way round (docs/graph.md, "Orientation").
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from papersearch.cli import main
from papersearch.core.models import Paper
from papersearch.corpus.imports import run_import
from papersearch.corpus.load import load_corpus
from papersearch.graph.citations import PREPRINT_SKEW_YEARS, cited_ahead
from papersearch.graph.extract import build_graph
from papersearch.graph.neighbours import neighbourhoods
from papersearch.index.build import build

from .conftest import CORPUS, MODEL

DATA = Path(__file__).parent / "data" / "imports"
ALEXNET, DROPOUT = "2012-krizhevsky-alexnet", "2014-srivastava-dropout-simple"
NTM, BAHDANAU = "2014-graves-neural-turing", "2015-bahdanau-attention"
HUBEL, LECUN = "1959-hubel-visual-cortex", "1989-lecun-cnn"


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> list[Paper]:
    """The 49 papers and the six of ``citations.json`` and ``.bib`` (Dropout; Neural Turing Machines, 2014, whose
    abstract says "Like the attention of Bahdanau (2015)")."""
    corpus = tmp_path_factory.mktemp("graph") / "corpus"
    shutil.copytree(CORPUS, corpus)
    run_import(DATA / "citations.json", corpus)
    run_import(DATA / "citations.bib", corpus)
    return load_corpus(corpus).papers


def ties(papers: list[Paper]) -> dict[tuple[str, str], str]:
    return {(e.source, e.target): e.evidence for e in build_graph(papers).edges}


def test_a_year_citation_of_a_later_dated_entry_stays_the_citers(papers: list[Paper]) -> None:
    edges = ties(papers)
    assert edges[(ALEXNET, DROPOUT)] == "latest tricks such as ReLU and Dropout (Srivastava, 2014)"
    assert (DROPOUT, ALEXNET) not in edges
    assert edges[(NTM, BAHDANAU)].endswith("the attention of Bahdanau (2015)")
    hoods = neighbourhoods(papers, build_graph(papers))
    assert DROPOUT in [n["id"] for n in hoods[ALEXNET]["cites"]]  # AlexNet builds on Dropout
    assert hoods[DROPOUT]["cites"] == [] and [n["id"] for n in hoods[DROPOUT]["cited_by"]] == [ALEXNET]
    assert BAHDANAU in [n["id"] for n in hoods[NTM]["cites"]] and NTM not in [n["id"] for n in hoods[BAHDANAU]["cites"]]


def test_a_look_ahead_is_still_the_later_papers(papers: list[Paper]) -> None:
    """Hubel's 1959 "later inspire … convolutional neural networks", and a year citation further ahead than a
    preprint's skew ("LeCun (1989)" in a 1959 summary), are LeCun's edge to Hubel."""
    assert (LECUN, HUBEL) in ties(papers)
    by_id = {p.id: p for p in papers}
    hubel = by_id[HUBEL]
    ahead = replace(hubel, summary=hubel.summary + " Their findings later inspire LeCun (1989).")
    edges = ties([ahead if p.id == HUBEL else p for p in papers])
    assert (LECUN, HUBEL) in edges and (HUBEL, LECUN) not in edges
    assert [cited_ahead(2012, y) for y in (2011, 2012, 2013, 2012 + PREPRINT_SKEW_YEARS, 2016)] == [
        False,
        False,
        True,
        True,
        False,
    ]


def test_the_49_papers_graph_has_no_such_citation_and_runs_with_time() -> None:
    corpus = load_corpus(CORPUS)
    years = {p.id: p.year for p in corpus.papers}
    assert [e for e in build_graph(corpus.papers).edges if years[e.source] < years[e.target]] == []


def test_show_says_who_builds_on_whom_after_an_import(
    tmp_path: Path, index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The user's steps: import Dropout, index, show it: AlexNet builds upon it, it builds on nothing."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(index_dir, index, symlinks=True)
    assert main(["--corpus", str(corpus), "import", str(DATA / "citations.json")]) == 0
    build(corpus, index, MODEL)
    capsys.readouterr()
    assert main(["--index", str(index), "--corpus", str(corpus), "show", DROPOUT]) == 0
    out = capsys.readouterr().out
    assert "builds on (0)" in out and "built upon by (1)" in out
    built_upon = out.split("built upon by (1)")[1]
    assert "2012  ImageNet Classification" in built_upon and "(Srivastava, 2014)" in built_upon
    assert main(["--index", str(index), "--corpus", str(corpus), "show", ALEXNET]) == 0
    alexnet = capsys.readouterr().out
    assert "Dropout: A Simple Way" in alexnet.split("builds on")[1].split("built upon by")[0]
