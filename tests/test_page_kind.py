"""A paper's kind of work on the web page: a thesis's degree or its type, in a hit's meta line and the paper's.

The CLI (``show``: "Master's thesis, University of Helsinki") and every citation format said what kind of work an
imported paper is; the page showed only its year and era. A hit now carries the record's ``type`` and ``genre``
(present only when known, as ``et_al``), and the page says them after the era.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import CHROMIUM, CORPUS, MODEL, copy_index
from .conftest_api import Server, running_server

KINDS_BIB = r"""
@mastersthesis{linnainmaa1970,
  title = {Taylor Expansion of the Accumulated Rounding Error in Reverse Mode Differentiation},
  school = {University of Helsinki},
  abstract = {The accumulated rounding error of an algorithm is written as a Taylor expansion in the local rounding
    errors, and its coefficients are computed in reverse mode, from the last operation back to the first.},
  author = {Linnainmaa, Seppo},
  year = {1970},
}
@article{ba2016layer,
  title = {Layer Normalization of Recurrent Hidden States},
  author = {Ba, Jimmy Lei and Kiros, Jamie Ryan and Hinton, Geoffrey E.},
  journal = {arXiv preprint arXiv:1607.06450},
  year = {2016},
}
"""
THESIS, PREPRINT = "1970-linnainmaa-taylor-expansion", "2016-ba-layer-normalization"


@pytest.fixture(scope="module")
def kinds(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus, index): the real corpus with a master's thesis and a preprint imported, indexed from a copy of the
    session index (only they are embedded)."""
    from papersearch.corpus.import_plan import ImportOptions
    from papersearch.corpus.imports import run_import
    from papersearch.index.build import build

    root = tmp_path_factory.mktemp("kinds")
    corpus, index = root / "corpus", root / "index"
    shutil.copytree(CORPUS, corpus)
    copy_index(index_dir, index)
    (root / "kinds.bib").write_text(KINDS_BIB, encoding="utf-8")
    plan = run_import(root / "kinds.bib", corpus, ImportOptions(era="nearest"))
    assert sorted(i.id for i in plan.items) == [THESIS, PREPRINT]
    build(corpus, index, MODEL)
    return corpus, index


def test_a_hit_carries_its_papers_kind_of_work_only_when_known(kinds: tuple[Path, Path]) -> None:
    from papersearch import Searcher

    hits = {
        h["id"]: h for h in Searcher.load(kinds[1]).search("rounding error reverse mode layer normalization")["results"]
    }
    assert (hits[THESIS].get("type"), hits[THESIS].get("genre")) == ("thesis", "Master's thesis")
    assert hits[PREPRINT].get("type") == "article" and "genre" not in hits[PREPRINT]
    assert not any({"type", "genre"} & set(h) for pid, h in hits.items() if pid not in (THESIS, PREPRINT))


def test_the_cli_and_the_agent_say_a_hits_kind_of_work_as_the_page_does(kinds: tuple[Path, Path]) -> None:
    from papersearch import Searcher
    from papersearch.agent.text import paper_text, search_text
    from papersearch.cli.render import hit_lines

    searcher = Searcher.load(kinds[1])
    res = searcher.search("rounding error reverse mode layer normalization")
    lines = {h["id"]: "\n".join(hit_lines(h)) for h in res["results"]}
    assert "Master's thesis" in lines[THESIS] and "preprint" in lines[PREPRINT]
    others = [line for pid, line in lines.items() if pid not in (THESIS, PREPRINT)]
    assert others and not any(w in line for line in others for w in ("preprint", "thesis", "article"))
    text = search_text(res).splitlines()
    assert any(THESIS in line and "Master's thesis)" in line for line in text)
    assert any(PREPRINT in line and "preprint)" in line for line in text)
    assert "kind: preprint" in paper_text(searcher.paper(PREPRINT)).splitlines()


def test_an_answers_sources_carry_their_kind_of_work_to_every_face(kinds: tuple[Path, Path]) -> None:
    from papersearch import Searcher
    from papersearch.agent.text import answer_text

    ans = Searcher.load(kinds[1]).answer("Taylor expansion of the accumulated rounding error in reverse mode")
    sources = {s["id"]: s for s in ans["sources"]}
    assert not ans["declined"] and THESIS in sources
    assert (sources[THESIS].get("type"), sources[THESIS].get("genre")) == ("thesis", "Master's thesis")
    assert not any({"type", "genre"} & set(s) for pid, s in sources.items() if pid != THESIS)
    assert any(THESIS in line and "Master's thesis)" in line for line in answer_text(ans).splitlines())


def test_the_pages_words_for_each_kind_are_the_ones_every_other_face_uses() -> None:
    import re

    from papersearch.corpus.venues import KIND_WORDS

    app = (Path(__file__).parents[1] / "src" / "papersearch" / "web" / "app.js").read_text(encoding="utf-8")
    block = re.search(r"const KINDS = \{(.*?)\};", app, re.S)
    assert block is not None
    pairs = dict(re.findall(r'"?([\w-]+)"?: "([^"]+)"', block[1]))
    assert pairs == KIND_WORDS


@pytest.fixture(scope="module")
def kinds_server(kinds: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    corpus, index = kinds
    with running_server(index, corpus, tmp_path_factory.mktemp("kinds-server") / "server.log") as s:
        yield s


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (`make browser` installs it)")
def test_the_page_says_a_papers_degree_or_type_in_its_meta_lines(kinds_server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(kinds_server.url + "/#/?q=" + "rounding error reverse mode layer normalization")
        thesis = page.locator(f'.result[data-id="{THESIS}"] .meta')
        expect(thesis).to_have_text("1970 · Origins of Neural Computation · Master's thesis", ignore_case=True)
        expect(page.locator(f'.result[data-id="{PREPRINT}"] .meta .kind')).to_have_text("preprint")
        lecun = page.locator('.result[data-id="1989-lecun-cnn"] .meta')
        page.goto(kinds_server.url + "/#/?q=convolutional network handwritten digits")
        expect(lecun).to_be_visible()
        assert lecun.locator(".kind").count() == 0 and lecun.inner_text().count("·") == 1  # none: the list's own
        page.goto(kinds_server.url + "/#/?q=" + "Taylor expansion of the accumulated rounding error in reverse mode")
        expect(page.locator("#answer .sources")).to_contain_text("· Master's thesis")
        page.goto(kinds_server.url + f"/#/paper/{THESIS}")
        expect(page.locator("#view-paper .meta .kind")).to_have_text("Master's thesis")
        expect(page.locator("#view-paper .identifiers")).to_contain_text("University of Helsinki")
    finally:
        context.close()
    assert problems == []
