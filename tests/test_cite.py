"""Citations: BibTeX, CSL-JSON, RIS and text; the 49 papers round trip through an export and an import."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from papersearch.core.errors import QueryError
from papersearch.core.records import PaperRecord
from papersearch.corpus.bibtex import read_bibtex
from papersearch.corpus.csl import read_csl
from papersearch.corpus.imports import run_import
from papersearch.corpus.incoming import Incoming
from papersearch.corpus.load import load_corpus
from papersearch.graph.records import corpus_records
from papersearch.query.cite import CITE_FORMATS, MEDIA_TYPES, cite

from .conftest import CORPUS, cited_authors

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def records() -> list[PaperRecord]:
    return corpus_records(load_corpus(CORPUS))[0]


def by_id(records: list[PaperRecord], pid: str, **extra: str) -> PaperRecord:
    record = next(r for r in records if r["id"] == pid)
    return {**record, **extra}  # type: ignore[typeddict-item]


def test_bibtex_keys_are_the_paper_ids_stable_and_unique(records: list[PaperRecord]) -> None:
    text = cite(records, "bibtex")
    keys = [line.split("{", 1)[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]
    assert keys == [r["id"] for r in records] and len(set(keys)) == 49
    assert all(cite([r], "bibtex") in text for r in records[::7])  # an entry is the same whatever else is cited


def test_bibtex_escapes_latex_and_reads_back_exactly(records: list[PaperRecord]) -> None:
    nasty = "Costs of 50% & $5 for #1: a_b {x} ~ ^ \\ -- ``quoted'' -- ImageNet R&D"
    record = by_id(records, "1989-lecun-cnn", title=nasty, venue="Proceedings of A & B", url="https://x.org/a_b%20c")
    text = cite([record], "bibtex", abstracts=True)
    assert "\\&" in text and "\\%" in text and "\\$" in text and "\\_" in text and "-{}-" in text
    assert "{ImageNet}" in text and "@inproceedings{1989-lecun-cnn," in text and "booktitle" in text
    (entry,) = read_bibtex(text)
    assert isinstance(entry, Incoming) and not entry.warnings
    assert (entry.title, entry.venue, entry.url) == (nasty, "Proceedings of A & B", "https://x.org/a_b%20c")
    assert entry.summary == record["summary"] and entry.authors == tuple(record["authors"])


def test_identifiers_are_cited_where_known(records: list[PaperRecord]) -> None:
    rumelhart = by_id(records, "1986-rumelhart-backpropagation", doi="10.1038/323533a0", venue="Nature")
    bert = by_id(records, "2019-devlin-bert", arxiv="1810.04805")
    bib = cite([rumelhart, bert], "bibtex")
    assert "@article{1986-rumelhart-backpropagation," in bib and "journal = {Nature}" in bib
    assert "doi     = {10.1038/323533a0}" in bib
    assert "eprint        = {1810.04805}" in bib and "archivePrefix = {arXiv}" in bib
    items = json.loads(cite([rumelhart, bert], "csl-json"))
    assert items[0]["type"] == "article-journal" and items[0]["DOI"] == "10.1038/323533a0"
    assert items[1]["type"] == "article" and items[1]["URL"] == "https://arxiv.org/abs/1810.04805"
    assert items[1]["number"] == "arXiv:1810.04805"
    ris = cite([rumelhart], "ris").splitlines()
    assert ris[0] == "TY  - JOUR" and ris[-2] == "ER  - " and "DO  - 10.1038/323533a0" in ris
    assert [line for line in ris if line.startswith("AU")] == [
        "AU  - Rumelhart, David E.",
        "AU  - Hinton, Geoffrey E.",
        "AU  - Williams, Ronald J.",
    ]


def test_text_references_in_the_harvard_style_and_the_short_one(records: list[PaperRecord]) -> None:
    rumelhart = by_id(records, "1986-rumelhart-backpropagation", doi="10.1038/323533a0", venue="Nature")
    harvard = cite([rumelhart], "text")
    assert harvard.startswith("Rumelhart, D.E., Hinton, G.E. and Williams, R.J. (1986)")
    assert "Nature" in harvard and "[Preprint]" not in harvard and "https://doi.org/10.1038/323533a0" in harvard
    short = cite([rumelhart], "text", style="short")
    assert short == (
        "Rumelhart, D. E., Hinton, G. E. and Williams, R. J. (1986) Learning Representations by "
        "Back-Propagating Errors. Nature. https://doi.org/10.1038/323533a0\n"
    )
    deepseek = cite([by_id(records, "2025-deepseek-deepseek-r1")], "text")
    assert deepseek.startswith("DeepSeek AI et al. (2025)")


def test_an_unknown_format_or_style_names_the_parameter(records: list[PaperRecord]) -> None:
    with pytest.raises(QueryError) as exc:
        cite(records[:1], "endnote")
    assert exc.value.param == "format" and "bibtex, csl-json, ris, text" in str(exc.value)
    with pytest.raises(QueryError) as exc:
        cite(records[:1], "text", style="apa")
    assert exc.value.param == "style"
    assert set(MEDIA_TYPES) == set(CITE_FORMATS)


@pytest.mark.parametrize(("fmt", "name"), [("bibtex", "list.bib"), ("csl-json", "list.json")])
def test_the_49_papers_round_trip_and_a_second_import_changes_nothing(
    records: list[PaperRecord], tmp_path: Path, fmt: str, name: str
) -> None:
    (tmp_path / name).write_text(cite(records, fmt, abstracts=True), encoding="utf-8")
    root = tmp_path / "corpus"
    (root / "papers").mkdir(parents=True)
    shutil.copy(CORPUS / "eras.yaml", root / "eras.yaml")
    plan = run_import(tmp_path / name, root)
    assert plan.counts()["add"] == 49 and not plan.problems
    original = {(p.title, p.year, *cited_authors(p)) for p in load_corpus(CORPUS).papers}
    back = load_corpus(root).papers
    assert len({(p.title, p.year, *cited_authors(p)) for p in back} & original) == 49
    assert {p.summary for p in back} == {p.summary for p in load_corpus(CORPUS).papers}
    again = run_import(tmp_path / name, root)
    assert again.counts()["unchanged"] == 49 and again.changes() == 0 and again.count("duplicate") == 0


def test_the_exports_read_back_without_a_warning(records: list[PaperRecord]) -> None:
    for entry in [*read_bibtex(cite(records, "bibtex")), *read_csl(cite(records, "csl-json"))]:
        assert isinstance(entry, Incoming) and not entry.warnings


def test_a_paper_named_twice_is_cited_once(records: list[PaperRecord]) -> None:
    assert cite([records[0], records[0]], "bibtex").count("@") == 1


def test_records_are_not_changed_by_citing(records: list[PaperRecord]) -> None:
    copy = json.loads(json.dumps(records))
    for fmt in CITE_FORMATS:
        cite(records, fmt)
    assert json.loads(json.dumps(records)) == copy


def test_searching_never_imports_the_citation_or_import_libraries() -> None:
    code = (
        "import sys; import papersearch.cli, papersearch.query.searcher, papersearch.query.cite, "
        "papersearch.corpus.imports, papersearch.serve.app; "
        "print(sorted(m for m in ('bibtexparser', 'citeproc', 'pylatexenc', 'lxml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]", out.stderr


def test_the_records_a_citation_reads_are_the_served_ones_without_neighbourhoods(index_dir: Path) -> None:
    """``papersearch cite`` fetches records without their neighbourhoods (a paper cited by thousands would read
    every one): the same fields as the served record, and the same references in every format."""
    from papersearch.index.paper_records import current_records

    _, store = current_records(index_dir)
    served = list(store)
    bare = list(store.citable([r["id"] for r in reversed(served)] + ["no-such-paper"]))
    assert [r["id"] for r in bare] == [r["id"] for r in reversed(served)]  # the order asked, an unknown id left out
    assert any(r["references"]["cited_by"] for r in served)  # the served records do hold neighbourhoods
    for whole, cited in zip(reversed(served), bare, strict=True):
        assert cited["references"] == {
            "cites": [],
            "cited_by": [],
            "external": [],
            "cites_total": 0,
            "cited_by_total": 0,
        }
        assert {**whole, "references": cited["references"]} == cited
    for fmt in CITE_FORMATS:
        assert cite(bare, fmt) == cite(list(reversed(served)), fmt)
