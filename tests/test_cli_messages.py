"""Faults a new user found, each with the one rule that now owns it: an arXiv venue typed with ``add`` is read as an
import reads it; a front matter's ``type`` is read in the import's vocabulary; "et al." follows a record's
``et_al`` on every face; the command line names a flag once, and as typed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from papersearch.agent.text import answer_text, paper_text, search_text
from papersearch.cli.flag_names import REWORDED, in_flags
from papersearch.cli.render import hit_lines, show_cited_answer
from papersearch.core.errors import Problem, QueryError
from papersearch.core.names import authors_line
from papersearch.core.params import SearchRequest, check_style_applies
from papersearch.corpus.bibtex import read_bibtex
from papersearch.corpus.fields import parse_paper
from papersearch.corpus.incoming import Incoming
from papersearch.corpus.load import load_corpus
from papersearch.graph.records import corpus_records

from .conftest import CORPUS, run


def empty_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "papers").mkdir(parents=True)
    shutil.copy(CORPUS / "eras.yaml", root / "eras.yaml")
    return root


# ---------------------------------------------------------------- an arXiv venue, however it is given


@pytest.mark.parametrize(
    "venue", ["arXiv preprint arXiv:1234.5678", "arXiv:1234.5678 [cs, stat]", "CoRR abs/1234.5678", "arXiv"]
)
def test_add_reads_an_arxiv_venue_as_an_import_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, venue: str
) -> None:
    corpus = empty_corpus(tmp_path)
    flags = ("--title", "A Paper Typed by Hand", "--year", "2012", "--author", "Ada Lovelace", "--venue", venue)
    status, _, err = run(capsys, "--corpus", str(corpus), "add", *flags)
    assert status == 0, err
    (paper,) = load_corpus(corpus).papers
    (imported,) = read_bibtex(f"@article{{k, title={{T}}, author={{A B}}, year={{2012}}, journal={{{venue}}}}}")
    assert isinstance(imported, Incoming)
    kept = (paper.type, paper.venue, paper.arxiv)
    assert kept == (imported.type, imported.venue, imported.arxiv) == ("article", "", imported.arxiv)
    assert paper.arxiv == ("1234.5678" if "1234" in venue else "")


def test_add_with_a_bibtex_entry_and_an_arxiv_venue_over_it_is_a_preprint(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus = empty_corpus(tmp_path)
    entry = "@article{k, title={A Paper}, author={Lovelace, Ada}, year={2012}, journal={Nature}, volume={5}}"
    status, _, err = run(
        capsys, "--corpus", str(corpus), "add", "--bibtex", entry, "--venue", "arXiv preprint arXiv:1234.5678"
    )
    assert status == 0, err
    (paper,) = load_corpus(corpus).papers
    assert (paper.type, paper.venue, paper.volume, paper.arxiv) == ("article", "", "", "1234.5678")


# ---------------------------------------------------------------- one vocabulary of kinds of work


def front(kind: str) -> str:
    return f"---\nid: 2012-lovelace-paper\nyear: 2012\ntitle: A Paper\nauthors: [Ada Lovelace]\nera: e\ntype: {kind}\n---\n"


@pytest.mark.parametrize(
    ("kind", "read"), [("preprint", "article"), ("Preprint", "article"), ("manuscript", "article")]
)
def test_the_validator_reads_a_type_as_an_import_does(kind: str, read: str) -> None:
    problems: list[Problem] = []
    paper = parse_paper(front(kind), "papers/p.md", problems)
    assert problems == [] and paper is not None and paper.type == read


def test_a_type_no_one_knows_is_named_by_file_and_field_with_the_words_it_takes() -> None:
    problems: list[Problem] = []
    assert parse_paper(front("webpage"), "papers/p.md", problems) is None
    (problem,) = problems
    assert (problem.file, problem.field) == ("papers/p.md", "type")
    assert (
        "'webpage' is not a kind of work" in problem.message
        and "article (a preprint; also written manuscript or preprint)" in problem.message
    )


# ---------------------------------------------------------------- et al. by the record's flag, on every face

GRAVES: dict[str, Any] = {"authors": ["Alex Graves", "Greg Wayne"], "et_al": True}


def test_authors_line_says_et_al_by_the_flag_a_count_of_unnamed_or_what_is_left_unshown() -> None:
    assert authors_line(GRAVES["authors"], GRAVES["et_al"]) == "Alex Graves, Greg Wayne et al."
    assert authors_line(GRAVES["authors"], False) == "Alex Graves, Greg Wayne"
    assert authors_line(["DeepSeek AI", "over 100 additional authors"]) == "DeepSeek AI et al."
    assert authors_line(list("ABCD"), most=3) == "A, B, C et al."
    assert authors_line(list("ABC"), most=3) == "A, B, C"
    assert authors_line([]) == "unknown authors"


def source(**more: Any) -> dict[str, Any]:
    base = {"number": 1, "id": "2014-graves-neural-turing", "title": "Neural Turing Machines", "year": 2014}
    return {**base, "era": "e", "era_name": "E", "citation": "(Graves et al., 2014)", **GRAVES, **more}


def test_answers_sources_say_et_al_by_the_records_flag(capsys: pytest.CaptureFixture[str]) -> None:
    answer: dict[str, Any] = {
        "declined": False,
        "sentences": [],
        "notes": [],
        "sources": [source()],
        "reading_order": [],
        "nearest": [],
        "order": "relevance",
        "confidence": 0.9,
        "index_version": "v",
        "took_ms": 1.0,
        "query": "q",
        "understood": None,
    }
    show_cited_answer(answer)  # type: ignore[arg-type]
    assert "Alex Graves, Greg Wayne et al. · E" in capsys.readouterr().out
    assert "(2014, Alex Graves et al.)" in answer_text(answer)  # type: ignore[arg-type]
    answer["sources"] = [source(et_al=False)]
    show_cited_answer(answer)  # type: ignore[arg-type]
    assert "Alex Graves, Greg Wayne · E" in capsys.readouterr().out


def test_a_hit_and_a_paper_say_et_al_by_the_flag_in_the_cli_and_the_mcp_text() -> None:
    hit = {**source(), "rank": 1, "question": "", "score": 1.0, "scores": {}, "why": {"sentence": "", "terms": []}}
    hit["why"]["concepts"], hit["neighbours"] = [], {"cites": [], "cited_by": [], "external": []}
    assert "Alex Graves, Greg Wayne et al. · E" in hit_lines(hit)[1]  # type: ignore[arg-type]
    results = {"results": [hit], "query": "q", "mode": "hybrid", "no_match": False, "index_version": "v"}
    text = search_text({**results, "understood": None, "corrected_query": None})  # type: ignore[typeddict-item]
    assert "(2014, Alex Graves et al.)" in text
    records = {r["id"]: r for r in corpus_records(load_corpus(CORPUS))[0]}
    r1 = records["2025-deepseek-deepseek-r1"]  # its list ends "over 100 additional authors"
    assert "authors: DeepSeek AI, Daya Guo, " in paper_text(r1) and "Ziyi Gao et al.\n" in paper_text(r1)


# ---------------------------------------------------------------- a flag named once, as typed


def test_a_flags_own_message_is_not_prefixed_with_its_name_again(capsys: pytest.CaptureFixture[str]) -> None:
    for value in ("0", "abc"):
        status, _, err = run(capsys, "ask", "q", "-k", value)
        assert status == 2 and err.startswith("papersearch ask: error: -k must be a whole number"), err
        assert "argument -k" not in err and err.count("-k ") == 1
    status, _, err = run(capsys, "ask", "q", "--mode", "fast")
    assert status == 2 and "argument --mode: invalid choice: 'fast'" in err  # argparse's own words keep the name


def test_a_core_message_names_parameters_as_typed_and_each_once() -> None:
    with pytest.raises(QueryError) as style:
        check_style_applies("bibtex", True)
    assert in_flags(str(style.value), style.value.param) == (
        "--style is for --format text alone, not bibtex; leave --style out, or ask for --format text"
    )
    with pytest.raises(QueryError) as years:
        SearchRequest.check("q", year_from=2020, year_to=2000)
    assert in_flags(str(years.value), years.value.param) == (
        "the year range is backwards: --year-from 2020 is after --year-to 2000"
    )


@pytest.mark.parametrize("fmt", ["bibtex", "csl-json", "ris"])
def test_each_message_the_command_line_rewords_is_still_the_cores(fmt: str) -> None:
    """``REWORDED`` holds a core message whole: each must still be the core's wording, for whatever was given."""
    with pytest.raises(QueryError) as style:
        check_style_applies(fmt, True)
    assert style.value.param in REWORDED
    assert REWORDED[style.value.param].of(str(style.value).removeprefix("style: ")) == (
        f"--style is for --format text alone, not {fmt}; leave --style out, or ask for --format text"
    )


def test_a_message_the_table_does_not_hold_is_renamed_by_rule_never_half_reworded() -> None:
    """Changed core words fall to the rule (the leading name, a name no English word has), not to a message half
    rewritten: "style" in passing stays a word, the leading one becomes the flag, quoted input is left as typed."""
    changed = "style: a style applies to format text only; 'year_from' is quoted"
    assert in_flags(changed, "style") == "--style: a style applies to format text only; 'year_from' is quoted"
    assert in_flags("year_to: year_to must be a whole number", "year_to") == "--year-to must be a whole number"


def test_an_unknown_flag_is_named_with_its_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "list", "--limit", "0")
    assert status == 2 and err.strip() == (
        "papersearch list: error: unrecognized arguments: --limit 0 (see `papersearch list --help`)"
    )
    status, _, err = run(capsys, "--corpus", str(tmp_path), "cite", "x")
    assert status == 2 and err.startswith("papersearch cite: error: --corpus does not apply to `cite`")


def test_add_takes_the_kind_of_work_and_where_in_its_venue_in_the_one_vocabulary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus = empty_corpus(tmp_path)
    flags = ("--title", "Learning Multiple Layers of Features from Tiny Images", "--year", "2009", "--author", "A K")
    where = ("--venue", "University of Toronto", "--type", "report", "--issue", "TR-2009", "--pages", "1--60")
    status, _, err = run(capsys, "--corpus", str(corpus), "add", *flags, *where, "--era", "nearest")
    assert status == 0, err
    (paper,) = load_corpus(corpus).papers
    assert (paper.type, paper.venue, paper.issue, paper.pages) == ("report", "University of Toronto", "TR-2009", "1-60")
    status, _, err = run(capsys, "--corpus", str(corpus), "add", *flags, "--type", "webpage")
    assert status == 2 and "error: --type must be article-journal, " in err and "argument --type" not in err, err
    status, _, err = run(
        capsys,
        "--corpus",
        str(corpus),
        "add",
        "--title",
        "T",
        "--year",
        "2009",
        "--author",
        "B C",
        "--pages",
        "many",
        "--era",
        "nearest",
    )
    assert status == 1 and "pages: 'many' is not a page or a range of pages" in err and "Traceback" not in err, err


def test_add_takes_a_theses_degree_and_cite_says_a_masters_thesis_is_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``--genre`` is written to the front matter and read back; a master's thesis is ``@mastersthesis``."""
    corpus = empty_corpus(tmp_path)
    flags = ("--title", "The Representation of the Cumulative Rounding Error", "--year", "1970", "--author", "S L")
    where = ("--venue", "University of Helsinki", "--type", "thesis", "--genre", "Master's thesis")
    status, _, err = run(capsys, "--corpus", str(corpus), "add", *flags, *where, "--era", "nearest")
    assert status == 0, err
    (paper,) = load_corpus(corpus).papers
    assert (paper.type, paper.genre, paper.venue) == ("thesis", "Master's thesis", "University of Helsinki")
    assert "genre: Master's thesis" in (corpus / "papers" / f"{paper.id}.md").read_text(encoding="utf-8")
    flags = ("--title", "Learning Deep Architectures", "--year", "2012", "--author", "J D", "--genre", "MSc thesis")
    status, _, err = run(capsys, "--corpus", str(corpus), "add", *flags, "--era", "nearest")
    assert status == 0, err
    thesis = next(p for p in load_corpus(corpus).papers if p.year == 2012)
    assert (thesis.type, thesis.genre) == ("thesis", "MSc thesis")  # a degree is a thesis's, --type or not
    flags = ("--title", "A Review", "--year", "2013", "--author", "K L", "--type", "article-journal")
    status, _, err = run(
        capsys, "--corpus", str(corpus), "add", *flags, "--genre", "Review article", "--era", "nearest"
    )
    assert status == 1 and "genre: 'Review article' is a thesis's degree; give `type: thesis`" in err  # none written
    assert len(load_corpus(corpus).papers) == 2
