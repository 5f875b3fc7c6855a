"""Importing researchers' files: the new paper fields, each reader, the plan, duplicates, hand edits, hostile
files, the bulk file papers.jsonl, and an import that lands whole or not at all."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from papersearch.core.errors import CorpusError, ImportFileError, Problem, QueryError
from papersearch.core.models import CITATION_FIELDS, Paper, content_hash, paper_hash
from papersearch.core.records import Neighbourhood
from papersearch.corpus.arxiv import read_arxiv
from papersearch.corpus.bibtex import read_bibtex
from papersearch.corpus.csl import read_csl
from papersearch.corpus.fields import parse_paper
from papersearch.corpus.import_plan import ImportOptions, Into
from papersearch.corpus.imports import plan_import, run_import
from papersearch.corpus.incoming import BadEntry, Incoming
from papersearch.corpus.journal import JOURNAL, STAGING, Transaction, recover
from papersearch.corpus.load import load_corpus
from papersearch.corpus.scan import scan_corpus
from papersearch.corpus.sources import guess_format
from papersearch.graph.records import paper_record
from papersearch.index.passages import paper_passages

from .conftest import CORPUS

DATA = Path(__file__).parent / "data" / "imports"
SRC = Path(__file__).resolve().parents[1] / "src"
GOOD = (CORPUS / "papers" / "1989-lecun-cnn.md").read_text(encoding="utf-8")
HOOD: Neighbourhood = {"cites": [], "cited_by": [], "external": []}


def empty_corpus(tmp_path: Path) -> Path:
    """A corpus folder with the real eras and no papers yet."""
    root = tmp_path / "corpus"
    (root / "papers").mkdir(parents=True)
    shutil.copy(CORPUS / "eras.yaml", root / "eras.yaml")
    return root


def contents(root: Path) -> dict[str, bytes]:
    """Every file of a corpus folder but the import's own bookkeeping (state, lock), by path."""
    skip = {".import-state.json", ".import.lock"}
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name not in skip
    }


def entries(text: str) -> list[Incoming]:
    read = list(read_bibtex(text))
    assert all(isinstance(e, Incoming) for e in read), read
    return [e for e in read if isinstance(e, Incoming)]


# ---------------------------------------------------------------- the new fields


def test_identifiers_are_checked_naming_file_and_field() -> None:
    text = GOOD.replace("era:", "doi: https://doi.org/10.1/x\narxiv: 'arXiv:1706.03762'\nurl: www.example.org\nera:")
    problems: list[Problem] = []
    assert parse_paper(text, "papers/x.md", problems) is None
    by_field = {p.field: p for p in problems}
    assert by_field["doi"].file == "papers/x.md" and "write it as 10.1/x" not in by_field["doi"].message
    assert "not a bare DOI" in by_field["doi"].message
    assert "write it as 1706.03762" in by_field["arxiv"].message
    assert "not a web address" in by_field["url"].message
    fine = GOOD.replace(
        "era:", "doi: 10.1162/neco.1989.1.4.541\narxiv: hep-th/9901001v2\nvenue: Neural Computation\nera:"
    )
    problems = []
    paper = parse_paper(fine, "papers/x.md", problems)
    assert paper is not None and not problems
    assert (paper.doi, paper.arxiv, paper.venue) == (
        "10.1162/neco.1989.1.4.541",
        "hep-th/9901001v2",
        "Neural Computation",
    )


def test_question_and_summary_may_be_left_out_but_not_left_empty() -> None:
    bare = GOOD.replace("question: Can a deep network learn to see?\n", "").split("---\n")
    text = "---\n" + bare[1] + "---\n"
    problems: list[Problem] = []
    paper = parse_paper(text, "papers/x.md", problems)
    assert paper is not None and not problems and paper.question == "" and paper.summary == ""
    assert [p.kind for p in paper_passages(paper)] == ["title"]
    empty: list[Problem] = []
    assert parse_paper(GOOD.replace("Can a deep network learn to see?", "''"), "papers/x.md", empty) is None
    assert [(p.field, "missing or empty" in p.message) for p in empty] == [("question", True)]


def test_new_fields_leave_every_existing_hash_as_it_was_and_count_when_set() -> None:
    old_fields = [f for f in dataclasses.fields(Paper) if f.name not in CITATION_FIELDS]
    Old = dataclasses.make_dataclass(  # noqa: N806 - a class, as Paper was before these fields
        "Old", [(f.name, f.type, dataclasses.field(default=f.default, metadata=f.metadata)) for f in old_fields]
    )
    for paper in load_corpus(CORPUS).papers:
        assert paper_hash(paper) == content_hash(Old(*[getattr(paper, f.name) for f in old_fields]))
        assert paper_hash(dataclasses.replace(paper, venue="Nature")) != paper_hash(paper)
        assert paper_hash(dataclasses.replace(paper, pages="1-9")) != paper_hash(paper)
        assert paper_hash(dataclasses.replace(paper, et_al=True)) != paper_hash(paper)


def test_a_record_shows_identifiers_only_where_the_paper_has_them() -> None:
    paper = load_corpus(CORPUS).by_id()["1989-lecun-cnn"]
    assert not {"doi", "arxiv", "venue", "url"} & set(paper_record(paper, "Era", HOOD))
    cited = dataclasses.replace(paper, doi="10.1162/neco.1989.1.4.541", venue="Neural Computation")
    record = paper_record(cited, "Era", HOOD)
    assert record["doi"] == "10.1162/neco.1989.1.4.541" and record["venue"] == "Neural Computation"
    assert "arxiv" not in record and "url" not in record


# ---------------------------------------------------------------- the readers


def test_zotero_bibtex_reads_without_a_warning() -> None:
    rumelhart, vaswani, he, schmidhuber = entries((DATA / "zotero.bib").read_text(encoding="utf-8"))
    assert rumelhart.authors == ("David E. Rumelhart", "Geoffrey E. Hinton", "Ronald J. Williams")
    assert (rumelhart.year, rumelhart.doi, rumelhart.venue) == (1986, "10.1038/323533a0", "Nature")
    assert rumelhart.summary.startswith("We describe a new learning procedure") and rumelhart.line == 1
    assert vaswani.title == "Attention Is All You Need" and vaswani.arxiv == "1706.03762"
    assert he.venue == "2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert schmidhuber.authors == ("Jürgen Schmidhuber",)
    assert not any(e.warnings for e in (rumelhart, vaswani, he, schmidhuber))


def test_google_scholar_bibtex_decodes_latex_and_keeps_others_as_et_al() -> None:
    lecun, vaswani, kingma, lstm, silver = entries((DATA / "scholar.bib").read_text(encoding="utf-8"))
    assert lecun.authors == ("Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton") and lecun.venue == "nature"
    assert "Łukasz Kaiser" in vaswani.authors and vaswani.line == 12
    assert kingma.arxiv == "1412.6980" and not kingma.venue  # "arXiv preprint arXiv:1412.6980": a preprint
    assert lstm.authors == ("Sepp Hochreiter", "Jürgen Schmidhuber")
    assert len(silver.authors) == 10 and "others" not in " ".join(silver.authors) and silver.et_al
    assert "George Van Den Driessche" in silver.authors
    assert not any(e.warnings for e in (lecun, vaswani, kingma, lstm, silver))


def test_dblp_bibtex_reads_wrapped_fields_braces_and_corr() -> None:
    nips, bert, nature = entries((DATA / "dblp.bib").read_text(encoding="utf-8"))
    assert nips.title == "Attention is All you Need" and nips.venue.endswith("Long Beach, CA, USA")
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert bert.authors[1] == "Ming-Wei Chang" and bert.arxiv == "1810.04805"
    assert nature.doi == "10.1038/NATURE14539" and not any(e.warnings for e in (nips, bert, nature))
    (arxiv,) = entries((DATA / "arxiv.bib").read_text(encoding="utf-8"))
    assert (arxiv.arxiv, arxiv.url) == ("1706.03762", "https://arxiv.org/abs/1706.03762")


def test_bibtex_month_macros_strings_and_a_broken_entry_among_good_ones() -> None:
    text = (
        '@string{nips = "Advances in Neural Information Processing Systems"}\n'
        "@inproceedings{a, title={First}, author={Ann Example}, booktitle=nips, month=oct, year=1990}\n"
        "@article{broken, title={Unclosed {brace, author={B. Example}, year={1991}\n"
        "@article{c, title={After it}, author={Example, Cy}, year={1992}, month = dec # {~15}}\n"
    )
    read = list(read_bibtex(text))
    assert isinstance(read[0], Incoming) and read[0].venue == "Advances in Neural Information Processing Systems"
    assert isinstance(read[1], BadEntry) and (read[1].line, read[1].name) == (3, "broken")
    assert "field-value closing" in read[1].message
    assert isinstance(read[2], Incoming) and read[2].title == "After it" and read[2].line == 4


def test_csl_json_as_zotero_exports_it() -> None:
    read = list(read_csl((DATA / "zotero.json").read_text(encoding="utf-8")))
    assert all(isinstance(e, Incoming) for e in read)
    rumelhart, vaswani, ddpm, schmidhuber, deepseek = (e for e in read if isinstance(e, Incoming))
    assert (rumelhart.year, rumelhart.doi, rumelhart.venue, rumelhart.line) == (1986, "10.1038/323533a0", "Nature", 2)
    assert (vaswani.arxiv, vaswani.doi) == ("1706.03762", "10.48550/arXiv.1706.03762")
    assert ddpm.venue.startswith("Proceedings of the 34th") and ddpm.year == 2020
    assert schmidhuber.authors == ("Jürgen Schmidhuber",) and deepseek.authors == ("DeepSeek-AI",)
    assert not any(e.warnings for e in read if isinstance(e, Incoming))


def test_csl_json_syntax_error_is_named_with_its_line() -> None:
    text = '[\n  {"id": "a", "title": "A", "author": [{"family": "X"}], "issued": {"date-parts": [[2001]]}},\n  {"id": oops}\n]'
    read = list(read_csl(text))
    assert isinstance(read[0], Incoming) and isinstance(read[1], BadEntry)
    assert read[1].line == 3 and "invalid JSON" in read[1].message


def test_csl_authors_in_another_shape_are_named_by_the_keys_they_hold() -> None:
    text = '[{"id": "k", "title": "T", "author": [{"name": "Ann Example"}], "issued": {"date-parts": [[2001]]}}]'
    (read,) = read_csl(text)
    assert isinstance(read, BadEntry) and (read.line, read.name, read.field) == (1, "k", "author")
    assert "not a list of objects with 'name'" in read.message and '"family"' in read.message


def test_an_arxiv_paper_of_no_kind_and_no_venue_is_a_preprint() -> None:
    arxivs_own = "@misc{v, title={Attention Is All You Need}, author={A. Vaswani}, year={2017}, eprint={1706.03762}, archivePrefix={arXiv}, primaryClass={cs.CL}}"
    talk = "@misc{t, title={A Talk}, author={A. Person}, year={2019}}"
    placed = "@misc{p, title={Placed}, author={A. Person}, year={2019}, eprint={1706.03762}, howpublished={NeurIPS}}"
    v, t, p = (e for e in read_bibtex("\n".join((arxivs_own, talk, placed))) if isinstance(e, Incoming))
    assert (v.type, v.arxiv, v.venue) == ("article", "1706.03762", "")
    assert t.type == "" and p.venue == "NeurIPS"


def test_arxiv_metadata_lines() -> None:
    lines = (DATA / "arxiv-metadata.jsonl").read_bytes().split(b"\n")
    read = list(read_arxiv(enumerate(lines, 1)))
    diphoton, attention, old = (e for e in read if isinstance(e, Incoming))
    assert diphoton.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan")
    assert diphoton.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert (diphoton.year, diphoton.doi, diphoton.venue) == (
        2007,
        "10.1103/PhysRevD.76.013009",
        "Phys.Rev.D76:013009,2007",
    )
    assert "\n" not in diphoton.summary and diphoton.summary.startswith("A fully differential")
    assert (attention.year, attention.url) == (2017, "https://arxiv.org/abs/1706.03762")
    assert (old.year, old.authors) == (1999, ("A. Author", "B. Writer"))
    bad = list(read_arxiv([(7, b'{"id": "1706.03762", "title": "No authors"}'), (8, b"{not json"), (9, b"\xff")]))
    assert [(b.line, b.field) for b in bad if isinstance(b, BadEntry)] == [(7, "author"), (8, ""), (9, "")]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("zotero.bib", "bibtex"), ("dblp.bib", "bibtex"), ("zotero.json", "csl-json"), ("arxiv-metadata.jsonl", "arxiv")],
)
def test_the_format_is_told_from_the_content(name: str, fmt: str) -> None:
    assert guess_format((DATA / name).read_text(encoding="utf-8")[:65536]) == fmt


def test_an_unknown_format_asks_to_be_named(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("just some notes\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as exc:
        plan_import(tmp_path / "notes.txt", empty_corpus(tmp_path))
    assert exc.value.problems[0].field == "format" and "bibtex, csl-json, ris, arxiv, arxiv-atom" in str(exc.value)
    forced = plan_import(DATA / "zotero.bib", empty_corpus(tmp_path / "b"), ImportOptions(format="bibtex"))
    assert forced.count("add") == 4


# ---------------------------------------------------------------- planning and applying


def test_a_dry_run_lists_what_it_would_do_and_writes_nothing(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    before = contents(root)
    plan = plan_import(DATA / "zotero.bib", root)
    assert plan.format == "bibtex" and plan.into == "files" and plan.counts()["add"] == 4
    assert [i.id for i in plan.items] == [
        "1986-rumelhart-learning-representations",
        "2023-vaswani-attention-need",
        "2016-he-deep-residual",
        "2015-schmidhuber-deep-learning",
    ]
    assert contents(root) == before and not (root / ".import-state.json").exists() and not plan.written
    assert json.loads(json.dumps(plan.as_dict()))["counts"]["add"] == 4


def test_an_import_writes_checked_papers_and_again_changes_nothing(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    plan = run_import(DATA / "zotero.bib", root)
    assert plan.summary().startswith("4 added") and not plan.problems
    paper = load_corpus(root).by_id()["1986-rumelhart-learning-representations"]
    assert (paper.era, paper.question, paper.doi) == ("the-backpropagation-revolution", "", "10.1038/323533a0")
    assert paper.url == "https://www.nature.com/articles/323533a0" and paper.source.endswith(".md")
    before = contents(root)
    again = run_import(DATA / "zotero.bib", root)
    assert again.counts()["unchanged"] == 4 and again.changes() == 0 and not again.written
    assert contents(root) == before


def test_the_same_paper_is_found_by_doi_arxiv_id_or_title_and_year(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    run_import(DATA / "zotero.bib", root)
    csl = plan_import(DATA / "zotero.json", root)  # the same library as CSL-JSON, and two papers more
    actions = {i.name.rsplit("/", 1)[-1]: (i.action, i.note) for i in csl.items}
    assert actions["QW3E8RTY"] == (
        "unchanged",
        "already in the list as 1986-rumelhart-learning-representations (same DOI); differs in summary: --force sets them",
    )  # the CSL item's abstract is shorter: the plan says so, and that only --force replaces what an import wrote
    # the BibTeX @misc with an arXiv eprint and no venue was read as a preprint already: the CSL item's "article"
    # (CSL's preprint) adds nothing, and what differs only --force sets
    assert actions["ZX9C7VBN"] == (
        "unchanged",
        "already in the list as 2023-vaswani-attention-need (same DOI); differs in authors, summary: --force sets them",
    )
    assert actions["AS1DF2GH"][0] == "unchanged"
    assert actions["PL0OKMIJ"][0] == actions["OO9ORG00"][0] == "add"
    later = "@misc{a, title={Attention Is All You Need}, author={A. Vaswani}, eprint={1706.03762v5}, archivePrefix={arXiv}, journal={NeurIPS}, year=2017}\n"
    again = later.replace("{a,", "{b,").replace("Attention", "Attention:")
    (tmp_path / "twice.bib").write_text(later + again, encoding="utf-8")
    plan = plan_import(tmp_path / "twice.bib", root)
    assert [i.action for i in plan.items] == ["update", "duplicate"] and "same arXiv id" in plan.items[0].note
    assert plan.items[1].note == "same arXiv id as the entry at line 1"


def test_an_update_fills_in_what_the_paper_lacks_and_force_takes_all_the_entry_gives(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    run_import(DATA / "dblp.bib", root)  # Vaswani 2017 from DBLP: no abstract, no arXiv id
    (item, *_) = run_import(DATA / "arxiv-metadata.jsonl", root, ImportOptions(era="nearest")).items[1:]
    assert (item.action, item.id) == ("update", "2017-vaswani-attention-need") and "same title and year" in item.note
    paper = load_corpus(root).by_id()["2017-vaswani-attention-need"]
    assert paper.title == "Attention is All you Need" and paper.arxiv == "1706.03762"  # DBLP's title stands
    assert paper.summary.startswith("The dominant sequence transduction") and paper.source.endswith(".md")
    forced = run_import(DATA / "arxiv-metadata.jsonl", root, ImportOptions(era="nearest", force=True))
    assert [i.action for i in forced.items] == ["unchanged", "update", "unchanged"]
    assert load_corpus(root).by_id()["2017-vaswani-attention-need"].title == "Attention Is All You Need"


THESIS = "@phdthesis{g, title={Supervised Labelling}, author={Graves, Alex}, school={TU Munich}, year={2012}}\n"
ARTICLE = "@article{s, title={A Study}, author={Smith, John and others}, journal={J. Things}, volume={12}, number={3}, pages={1--10}, year={2012}}\n"


@pytest.mark.parametrize(
    ("first", "then", "sets", "kept"),
    [
        (
            THESIS,
            THESIS.replace("@phdthesis", "@mastersthesis"),
            "genre",
            {"type": "thesis", "genre": "Master's thesis"},
        ),
        (
            THESIS,
            THESIS.replace("@phdthesis", "@techreport").replace("school", "institution"),
            "type, genre",
            {"type": "report", "genre": ""},
        ),
        (ARTICLE, ARTICLE.replace("{12}", "{13}"), "volume", {"volume": "13", "issue": "3", "et_al": True}),
        (ARTICLE, ARTICLE.replace(" and others", ""), "et_al", {"volume": "12", "et_al": False}),
        (
            ARTICLE,
            ARTICLE.replace("{1--10}", "{2--11}").replace("{3}", "{4}"),
            "issue, pages",
            {"issue": "4", "pages": "2-11"},
        ),
    ],
    ids=["degree", "kind", "volume", "others", "pages"],
)
def test_force_replaces_every_field_an_import_wrote_not_only_the_venue(
    tmp_path: Path, first: str, then: str, sets: str, kept: dict[str, object]
) -> None:
    """An entry that differs from what an import wrote only in the kind of work, a thesis's degree, the volume,
    issue, pages or "and others": without ``force`` the plan says it differs and leaves it; ``force`` sets it."""
    root = empty_corpus(tmp_path)
    (tmp_path / "first.bib").write_text(first, encoding="utf-8")
    (tmp_path / "then.bib").write_text(then, encoding="utf-8")
    (added,) = run_import(tmp_path / "first.bib", root).items
    (plain,) = plan_import(tmp_path / "then.bib", root).items
    assert plain.action == "unchanged" and plain.note.endswith(f"; differs in {sets}: --force sets them")
    (forced,) = run_import(tmp_path / "then.bib", root, ImportOptions(force=True)).items
    assert (forced.action, forced.id) == ("update", added.id) and forced.note.endswith(f"; sets {sets}")
    paper = load_corpus(root).by_id()[added.id]
    assert {name: getattr(paper, name) for name in kept} == kept
    (again,) = plan_import(tmp_path / "then.bib", root, ImportOptions(force=True)).items
    assert again.action == "unchanged" and again.note.endswith("(same title and year)")


def test_force_keeps_a_volume_a_person_edited_and_gives_no_degree_to_a_report(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    (tmp_path / "a.bib").write_text(ARTICLE, encoding="utf-8")
    (added,) = run_import(tmp_path / "a.bib", root).items
    path = root / added.file
    path.write_text(path.read_text(encoding="utf-8").replace("volume: '12'", "volume: '99'"), encoding="utf-8")
    (tmp_path / "b.bib").write_text(ARTICLE.replace("{12}", "{13}"), encoding="utf-8")
    (forced,) = run_import(tmp_path / "b.bib", root, ImportOptions(force=True)).items
    assert forced.action == "unchanged" and "kept volume (edited by hand)" in forced.note
    assert load_corpus(root).by_id()[added.id].volume == "99"
    report = THESIS.replace("@phdthesis", "@techreport").replace("school", "institution")
    (tmp_path / "r.bib").write_text(report, encoding="utf-8")
    (tmp_path / "t.bib").write_text(THESIS, encoding="utf-8")
    (added,) = run_import(tmp_path / "r.bib", root).items
    (thesis,) = run_import(tmp_path / "t.bib", root).items  # a PhD's degree is no report's: not filled in
    assert thesis.action == "unchanged" and thesis.note.endswith("; differs in type, genre: --force sets them")
    assert load_corpus(root).by_id()[added.id].genre == ""


def test_force_keeps_what_an_entry_does_not_tell(tmp_path: Path) -> None:
    """A CSL item without a ``type`` of the same paper and journal tells no kind of work: ``force`` keeps the
    article's type, volume, issue and pages an earlier import wrote (it emptied them, saying "sets")."""
    root = empty_corpus(tmp_path)
    (tmp_path / "a.bib").write_text(ARTICLE.replace(" and others", ""), encoding="utf-8")
    (added,) = run_import(tmp_path / "a.bib", root).items
    item = {
        "id": "x",
        "title": "A Study",
        "author": [{"family": "Smith", "given": "John"}],
        "container-title": "J. Things",
        "issued": {"date-parts": [[2012]]},
    }
    (tmp_path / "b.json").write_text(json.dumps([item]), encoding="utf-8")
    (forced,) = run_import(tmp_path / "b.json", root, ImportOptions(force=True)).items
    assert forced.action == "unchanged", forced.note
    paper = load_corpus(root).by_id()[added.id]
    assert (paper.type, paper.volume, paper.issue, paper.pages) == ("article-journal", "12", "3", "1-10")


def test_a_paper_edited_by_hand_is_kept_unless_forced(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    run_import(DATA / "zotero.bib", root)
    path = root / "papers" / "2015-schmidhuber-deep-learning.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("era:", "question: What did deep learning owe?\nera:"),
        encoding="utf-8",
    )
    edited = path.read_text(encoding="utf-8")
    source = (DATA / "zotero.bib").read_text(encoding="utf-8")
    changed = source.replace("{Deep learning in neural networks: {An} overview}", "{Deep Learning in Neural Networks}")
    (tmp_path / "new.bib").write_text(
        changed.replace("pages = {85--117},", "pages = {85--117},\n\tabstract = {A survey.},"), encoding="utf-8"
    )
    kept = run_import(tmp_path / "new.bib", root)
    assert {i.id: i.action for i in kept.items}["2015-schmidhuber-deep-learning"] == "kept"
    assert path.read_text(encoding="utf-8") == edited
    forced = run_import(tmp_path / "new.bib", root, ImportOptions(force=True))
    assert {i.id: i.action for i in forced.items}["2015-schmidhuber-deep-learning"] == "update"
    paper = load_corpus(root).by_id()["2015-schmidhuber-deep-learning"]
    assert (paper.title, paper.summary, paper.question) == (
        "Deep Learning in Neural Networks",
        "A survey.",
        "What did deep learning owe?",
    )


def test_a_paper_the_list_already_has_is_reported_not_duplicated(corpus_copy: Path) -> None:
    text = '@article{x, title={Long short-term memory}, author={Hochreiter, Sepp and Schmidhuber, J{\\"u}rgen}, journal={Neural computation}, year={1997}}\n'
    (corpus_copy / "lstm.bib").write_text(text, encoding="utf-8")
    (item,) = run_import(corpus_copy / "lstm.bib", corpus_copy).items
    assert (item.action, item.id) == ("update", "1997-hochreiter-lstm") and "same title and year" in item.note
    paper = load_corpus(corpus_copy).by_id()["1997-hochreiter-lstm"]
    assert (paper.title, paper.venue) == ("Long Short-Term Memory", "Neural computation")
    assert len(load_corpus(corpus_copy).papers) == 49


def test_a_year_no_era_covers_names_the_nearest_era(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    (tmp_path / "gap.bib").write_text(
        "@article{g, title={In a gap}, author={Ann Example}, year={1994}}\n", encoding="utf-8"
    )
    (item,) = plan_import(tmp_path / "gap.bib", root).items
    assert item.action == "bad" and "the nearest is the-backpropagation-revolution (1986–1991)" in item.note
    assert "import with --era the-backpropagation-revolution or --era nearest" in item.note  # what to type
    (near,) = plan_import(tmp_path / "gap.bib", root, ImportOptions(era="nearest")).items
    assert near.action == "add" and "placed in the nearest" in near.note
    run_import(tmp_path / "gap.bib", root, ImportOptions(era="recurrent-networks-language"))
    assert load_corpus(root).papers[0].era == "recurrent-networks-language"
    with pytest.raises(QueryError) as exc:
        plan_import(tmp_path / "gap.bib", root, ImportOptions(era="jazz-age"))
    assert exc.value.param == "era"


# ---------------------------------------------------------------- hostile and broken files


def test_a_file_that_is_not_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    (tmp_path / "latin1.bib").write_bytes(
        b"@article{a, title={Ok}, author={A B}, year=2000}\n@article{b, title={Caf\xe9}}\n"
    )
    with pytest.raises(ImportFileError) as exc:
        run_import(tmp_path / "latin1.bib", root)
    assert exc.value.problems[0].file == f"{tmp_path / 'latin1.bib'}:2" and "not UTF-8" in str(exc.value)
    assert not list((root / "papers").iterdir())


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused by its size: of the 1 GB no more is read than the head that tells its format."""
    root = empty_corpus(tmp_path)
    read: list[tuple[int, int]] = []  # (inode, bytes) of every read in this process

    def counted(real: Callable[..., bytes]) -> Callable[..., bytes]:
        def call(fd: int, *args: int) -> bytes:
            data = real(fd, *args)
            read.append((os.fstat(fd).st_ino, len(data)))
            return data

        return call

    monkeypatch.setattr(os, "read", counted(os.read))
    monkeypatch.setattr(os, "pread", counted(os.pread))
    for name in ("huge.bib", "huge.jsonl"):
        huge = tmp_path / name
        with huge.open("wb") as fh:
            fh.write(b'{"id": "1706.03762", "title": "x"}\n' if name.endswith("jsonl") else b"@article{a,\n")
            fh.truncate(1 << 30)  # 1 GB, sparse
        with pytest.raises(ImportFileError) as exc:
            run_import(huge, root)
        assert "1,073,741,824 bytes" in str(exc.value) and "a file to import may hold at most" in str(exc.value)
        assert 0 < sum(n for ino, n in read if ino == huge.stat().st_ino) <= 1 << 16, name


def test_braces_nested_thousands_deep_are_that_entrys_problem_alone() -> None:
    deep = "@article{deep, title={" + "{" * 3000 + "x" + "}" * 3000 + "}, author={Ann Example}, year=2000}\n"
    read = list(read_bibtex(deep + "@article{fine, title={Fine}, author={Ann Example}, year=2001}\n"))
    assert isinstance(read[0], BadEntry) and read[0].name == "deep" and "nested too deeply" in read[0].message
    assert isinstance(read[1], Incoming) and read[1].title == "Fine"


def test_a_file_without_entries_or_a_missing_corpus_is_said_so(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("[]\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="holds no entries"):
        plan_import(tmp_path / "empty.json", empty_corpus(tmp_path))
    with pytest.raises(CorpusError, match="corpus folder not found"):
        run_import(DATA / "zotero.bib", tmp_path / "nowhere")


def test_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.bib")
    with pytest.raises(ImportFileError, match="FIFO"):
        plan_import(tmp_path / "pipe.bib", empty_corpus(tmp_path))


def _many(n: int, bad_at: int) -> str:
    lines = []
    for i in range(n):
        if i == bad_at:
            lines.append(f"@article{{bad{i}, title={{Unclosed {{brace}}, author={{Ann Example}}, year={{2013}}\n")
        else:
            lines.append(f"@article{{k{i}, title={{Paper number {i}}}, author={{Example, Ann}}, year={{2013}}}}\n")
    return "".join(lines)


def test_one_broken_entry_among_many_stops_it_all_or_is_skipped(tmp_path: Path) -> None:
    """Among 1,000 entries into papers.jsonl; how the cost grows to 10,000 is scripts/bench_import.py's to measure
    (``--into bulk``)."""
    good = 1_000
    root = empty_corpus(tmp_path)
    bad_at = good * 3 // 5
    (tmp_path / "many.bib").write_text(_many(good + 1, bad_at), encoding="utf-8")
    run_import(DATA / "zotero.bib", root)
    before = contents(root)
    with pytest.raises(ImportFileError) as exc:
        run_import(tmp_path / "many.bib", root, ImportOptions(into="bulk"))
    assert [p.file for p in exc.value.problems] == [f"many.bib:{bad_at + 1} (bad{bad_at})"]
    assert "nothing was" in str(exc.value) and contents(root) == before and not (root / STAGING).exists()
    plan = run_import(tmp_path / "many.bib", root, ImportOptions(on_error="skip_bad", into="bulk"))
    assert plan.counts()["add"] == good and plan.counts()["bad"] == 1
    assert len(scan_corpus(root)) == good + 4


# ---------------------------------------------------------------- all or nothing


def test_a_failure_half_way_through_the_commit_leaves_the_corpus_as_it_was(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    run_import(DATA / "scholar.bib", root)
    before = contents(root)
    state = (root / ".import-state.json").read_bytes()

    def fail(i: int) -> None:
        if i == 2:
            raise OSError("disk full (injected)")

    with pytest.raises(OSError, match="injected"):
        run_import(DATA / "zotero.bib", root, ImportOptions(force=True), on_step=fail)
    assert contents(root) == before and (root / ".import-state.json").read_bytes() == state
    assert not (root / JOURNAL).exists() and not (root / STAGING).exists()
    # 4: Zotero's "Attention Is All You Need" dated 2023 (arXiv's last version) is six years from scholar's 2017, more
    # than a preprint and its publication (identifiers.WORK_YEARS): two records rather than one paper lost
    assert run_import(DATA / "zotero.bib", root).counts()["add"] == 4


KILL = """
import os, signal, sys
from papersearch.corpus.imports import run_import
def die(i):
    if i == 3:
        os.kill(os.getpid(), signal.SIGKILL)
run_import(sys.argv[1], sys.argv[2], on_step=die)
"""


def test_an_import_killed_half_way_is_undone_by_the_next(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    run_import(DATA / "dblp.bib", root)
    before = contents(root)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run([sys.executable, "-c", KILL, str(DATA / "zotero.bib"), str(root)], env=env, timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert (root / JOURNAL).exists() and contents(root) != before  # three files renamed, then killed
    with pytest.raises(CorpusError, match="interrupted"):
        scan_corpus(root)
    with pytest.raises(CorpusError, match="interrupted"):
        plan_import(DATA / "zotero.bib", root)
    assert recover(root) == "undone"
    assert contents(root) == before and not (root / STAGING).exists()


def test_one_import_at_a_time(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    with Transaction(root), pytest.raises(CorpusError, match="another import is running"):
        run_import(DATA / "zotero.bib", root)


# ---------------------------------------------------------------- the bulk file


TOPICS = (
    "sourdough fermentation",
    "glacier retreat",
    "honeybee navigation",
    "volcanic ash",
    "coral bleaching",
    "medieval trade",
    "tidal energy",
    "urban heat",
)


def _arxiv_lines(n: int, start: int = 0) -> str:
    """``n`` arXiv metadata lines, ids 2101.00000 on, years 2021, each title a topic of its own."""
    rows = []
    for i in range(start, start + n):
        topic = f"{TOPICS[i % len(TOPICS)]} {i // len(TOPICS)}"
        rows.append(
            json.dumps(
                {
                    "id": f"2101.{i:05d}",
                    "title": f"{topic.capitalize()} in depth",
                    "authors": "Ann Example, Bo Sample",
                    "authors_parsed": [["Example", "Ann", ""], ["Sample", "Bo", ""]],
                    "abstract": f"  We study {topic}.\n  It matters.\n",
                    "versions": [{"version": "v1", "created": "Mon, 4 Jan 2021 10:00:00 GMT"}],
                    "categories": "cs.LG",
                    "doi": None,
                    "journal-ref": None,
                }
            )
        )
    return "\n".join(rows) + "\n"


def test_arxiv_metadata_goes_to_the_bulk_file_read_by_the_same_checks(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    run_import(DATA / "zotero.bib", root)
    (tmp_path / "a.jsonl").write_text(_arxiv_lines(30), encoding="utf-8")
    plan = run_import(tmp_path / "a.jsonl", root, ImportOptions(era="nearest"))
    assert plan.into == "bulk" and plan.counts()["add"] == 30 and plan.written == [".import-state.json", "papers.jsonl"]
    corpus = load_corpus(root)
    paper = corpus.by_id()["2021-example-honeybee-navigation"]
    assert (paper.source, paper.arxiv, paper.summary) == (
        "papers.jsonl:3",
        "2101.00002",
        "We study honeybee navigation 0. It matters.",
    )
    scan = scan_corpus(root)
    assert [p.id for p in scan.papers()] == [p.id for p in corpus.papers] and len(scan) == 34
    lines = (root / "papers.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 30 and json.loads(lines[0])["summary"] == "We study sourdough fermentation 0. It matters."
    assert run_import(tmp_path / "a.jsonl", root, ImportOptions(era="nearest")).changes() == 0


def test_a_bulk_line_is_updated_in_place_and_the_rest_kept_byte_for_byte(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    (tmp_path / "a.jsonl").write_text(_arxiv_lines(5), encoding="utf-8")
    run_import(tmp_path / "a.jsonl", root, ImportOptions(era="nearest"))
    before = (root / "papers.jsonl").read_text(encoding="utf-8").splitlines()
    changed = _arxiv_lines(5).replace("We study volcanic ash 0.", "We study volcanic ash, again.")
    (tmp_path / "b.jsonl").write_text(changed + _arxiv_lines(2, start=5), encoding="utf-8")
    plan = run_import(tmp_path / "b.jsonl", root, ImportOptions(era="nearest", force=True))
    assert plan.counts() == {"add": 2, "update": 1, "unchanged": 4, "kept": 0, "duplicate": 0, "bad": 0}
    after = (root / "papers.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(after) == 7 and after[:3] == before[:3] and after[4] == before[4]
    assert "volcanic ash, again." in after[3]


def test_force_never_replaces_the_lists_own_summary_only_what_an_import_wrote(corpus_copy: Path) -> None:
    summary = load_corpus(corpus_copy).by_id()["1997-hochreiter-lstm"].summary
    entry = '@article{x, title={Long Short-Term Memory}, author={Hochreiter, Sepp and Schmidhuber, J{\\"u}rgen}, year={1997}, doi={10.1162/neco.1997.9.8.1735}, journal={Neural Computation}, abstract={%s}}\n'
    (corpus_copy / "lstm.bib").write_text(entry % "A one-line abstract.", encoding="utf-8")
    for force in (False, True):
        (item,) = plan_import(corpus_copy / "lstm.bib", corpus_copy, ImportOptions(force=force)).items
        assert item.note.endswith("sets doi, venue, type" + ("; kept summary (the list's own)" if force else ""))
    run_import(corpus_copy / "lstm.bib", corpus_copy, ImportOptions(force=True))
    paper = load_corpus(corpus_copy).by_id()["1997-hochreiter-lstm"]
    assert (paper.summary, paper.venue) == (summary, "Neural Computation")
    (corpus_copy / "lstm.bib").write_text(entry.replace("Neural Computation", "Neural Comput."), encoding="utf-8")
    (item,) = run_import(corpus_copy / "lstm.bib", corpus_copy, ImportOptions(force=True)).items
    assert item.note.endswith("sets venue; kept summary (the list's own)")  # the venue an import wrote is replaced
    assert load_corpus(corpus_copy).by_id()["1997-hochreiter-lstm"].venue == "Neural Comput."


@pytest.mark.parametrize("into", ["files", "bulk"])
def test_an_entry_too_large_for_a_corpus_file_is_bad_with_the_limit_validate_applies(
    tmp_path: Path, into: Into
) -> None:
    root = empty_corpus(tmp_path)
    entry = "@article{big, title={A Big One}, author={A Person}, year={2001}, abstract={%s}}\n"
    (tmp_path / "big.bib").write_text(
        entry % ("word " * 400_000) + entry.replace("big, title={A Big", "small, title={A Small") % "Short.",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError) as exc:
        run_import(tmp_path / "big.bib", root, ImportOptions(into=into))
    (problem,) = exc.value.problems
    assert problem.file == "big.bib:1 (big)" and "may hold at most 1,000,000 bytes" in problem.message
    plan = run_import(tmp_path / "big.bib", root, ImportOptions(into=into, on_error="skip_bad"))
    assert [i.action for i in plan.items] == ["bad", "add"]
    (tmp_path / "big.bib").write_text(entry % ("word " * 199_950), encoding="utf-8")  # just under the limit
    assert run_import(tmp_path / "big.bib", root, ImportOptions(into=into)).count("add") == 1
    assert len(load_corpus(root).papers) == 2


def test_a_bad_line_of_the_bulk_file_is_named_with_its_line_and_field(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    shutil.copy(CORPUS / "papers" / "1989-lecun-cnn.md", root / "papers")
    good = {"id": "2021-a-b", "year": 2021, "title": "T", "authors": ["A B"], "era": "transformers-the-modern-era"}
    rows = [good, {**good, "id": "2021-c-d", "doi": "nope"}, {**good, "id": "1989-lecun-cnn"}]
    (root / "papers.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + '\n\n{"id": 1, "id": 2}\n', encoding="utf-8"
    )
    with pytest.raises(CorpusError) as exc:
        scan_corpus(root)
    found = {(p.file, p.field) for p in exc.value.problems if p.severity == "error"}
    assert found == {("papers.jsonl:2", "doi"), ("papers.jsonl:3", "id"), ("papers.jsonl:5", "")}
    messages = " ".join(p.message for p in exc.value.problems)
    assert "also in papers/1989-lecun-cnn.md" in messages and "given twice" in messages


def test_a_bulk_line_changed_between_the_builds_reads_stops_it(tmp_path: Path) -> None:
    root = empty_corpus(tmp_path)
    (tmp_path / "a.jsonl").write_text(_arxiv_lines(3), encoding="utf-8")
    run_import(tmp_path / "a.jsonl", root, ImportOptions(era="nearest"))
    scan = scan_corpus(root)
    path = root / "papers.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("glacier retreat 0.", "glaciers."), encoding="utf-8")
    with pytest.raises(CorpusError, match="changed while the index was being built"):
        list(scan.papers())


@pytest.mark.slow
def test_an_index_of_a_corpus_with_a_bulk_file_finds_its_papers(
    corpus_copy: Path, index_copy: Path, tmp_path: Path
) -> None:
    """The imported papers (a bulk arXiv file and a BibTeX one) are embedded into a copy of the real index, the rest
    reused, and found by their words and identifiers."""
    from papersearch.index.build import build
    from papersearch.query.searcher import Searcher

    from .conftest import MODEL

    (tmp_path / "a.jsonl").write_text(_arxiv_lines(20), encoding="utf-8")
    run_import(tmp_path / "a.jsonl", corpus_copy, ImportOptions(era="nearest"))
    run_import(DATA / "scholar.bib", corpus_copy, ImportOptions(era="nearest"))
    build(corpus_copy, index_copy, MODEL)
    searcher = Searcher.load(index_copy)
    hits = searcher.search("how do bees find their way home?", k=3)["results"]
    assert all(h["id"].startswith("2021-example-honeybee-navigation") and h["question"] == "" for h in hits)
    record = searcher.paper("2021-example-honeybee-navigation")
    assert record["arxiv"] == "2101.00002" and record["url"] == "https://arxiv.org/abs/2101.00002"
    lstm = searcher.paper("1997-hochreiter-lstm")
    assert lstm["venue"] == "Neural computation" and lstm["question"]


def test_a_proceedings_version_a_year_after_the_list_s_preprint_is_the_same_paper(corpus_copy: Path) -> None:
    """Exports carry the proceedings year (CVPR 2016) where the list has the arXiv year (2015): the title and the
    first author still say it is the paper the list holds, so it is updated, not added a second time."""
    text = (
        "@inproceedings{he2016, title={Deep Residual Learning for Image Recognition}, author={He, Kaiming and Zhang,"
        " Xiangyu and Ren, Shaoqing and Sun, Jian}, booktitle={CVPR}, year={2016}, doi={10.1109/CVPR.2016.90}}\n"
        "@inproceedings{he2016b, title={Deep residual learning for image recognition.}, author={K. He},"
        " booktitle={Proceedings of CVPR}, year={2017}}\n"
    )
    (corpus_copy / "resnet.bib").write_text(text, encoding="utf-8")
    first, second = run_import(corpus_copy / "resnet.bib", corpus_copy).items
    assert (first.action, first.id) == ("update", "2015-he-resnet") and "same title and first author" in first.note
    assert second.action == "duplicate" and "same title and first author as the entry at line 1" in second.note
    papers = load_corpus(corpus_copy).by_id()
    assert len(papers) == 49 and papers["2015-he-resnet"].year == 2015  # the list's year stands
    assert papers["2015-he-resnet"].doi == "10.1109/CVPR.2016.90"


def test_force_never_replaces_a_field_a_person_edited_after_an_import(tmp_path: Path) -> None:
    """A summary an import wrote and a person then edited is the person's: `--force` (asked for a new venue) keeps it,
    and the plan says which fields it would set and which it keeps, before and when it runs."""
    root = empty_corpus(tmp_path)
    entry = "@misc{lora, title={LoRA: Low-Rank Adaptation of Large Language Models}, author={Hu, Edward J.}, year={2021}, abstract={We propose LoRA.}}\n"
    (tmp_path / "a.bib").write_text(entry, encoding="utf-8")
    (added,) = run_import(tmp_path / "a.bib", root).items
    path = root / added.file
    path.write_text(path.read_text(encoding="utf-8").replace("We propose LoRA.", "Mine. We propose LoRA."), "utf-8")
    later = entry.replace("year={2021},", "year={2021}, journal={ICLR 2022},")
    (tmp_path / "b.bib").write_text(later.replace("We propose LoRA.", "We propose LoRA, again."), encoding="utf-8")
    (kept,) = run_import(tmp_path / "b.bib", root).items
    assert kept.action == "kept"
    assert "force would set venue; kept summary (edited by hand)" in kept.note
    (forced,) = run_import(tmp_path / "b.bib", root, ImportOptions(force=True)).items
    assert forced.action == "update" and "sets venue; kept summary (edited by hand)" in forced.note
    paper = load_corpus(root).by_id()[added.id]
    assert (paper.venue, paper.summary) == ("ICLR 2022", "Mine. We propose LoRA.")
    # the edit stays the person's: a later forced import keeps it too
    (again,) = run_import(tmp_path / "b.bib", root, ImportOptions(force=True)).items
    assert load_corpus(root).by_id()[added.id].summary == "Mine. We propose LoRA." and again.action == "unchanged"
    assert "kept summary (edited by hand)" in again.note  # still the person's, not "the list's own"


def test_a_title_and_first_author_alone_do_not_make_two_works_one(tmp_path: Path) -> None:
    """ "Introduction" by Wang in 2004 and in 2019, with their own DOIs, are two papers; a preprint (its arXiv DOI)
    and its proceedings version (a publisher's DOI) a year apart are one."""
    root = empty_corpus(tmp_path)
    two = (
        "@article{a, title={Introduction}, author={Wang, Li}, year={2004}, doi={10.1000/a1}}\n"
        "@article{b, title={Introduction}, author={Wang, Li}, year={2019}, doi={10.1000/b2}}\n"
        "@article{c, title={Introduction}, author={Wang, Li}, year={2005}, doi={10.1000/c3}}\n"
        "@article{d, title={Introduction}, author={Wang, Wei}, year={2003}}\n"
    )
    (tmp_path / "two.bib").write_text(two, encoding="utf-8")
    assert [i.action for i in run_import(tmp_path / "two.bib", root).items] == ["add"] * 4
    one = (
        "@misc{p, title={Sparse Things}, author={Kim, Ann}, year={2019}, doi={10.48550/arXiv.1901.00001}}\n"
        "@inproceedings{q, title={Sparse things.}, author={A. Kim}, year={2020}, doi={10.1109/X.2020.1}}\n"
    )
    (tmp_path / "one.bib").write_text(one, encoding="utf-8")
    first, second = run_import(tmp_path / "one.bib", root).items
    assert first.action == "add" and second.action == "duplicate" and "title and first author" in second.note
