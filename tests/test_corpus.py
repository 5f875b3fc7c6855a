"""The corpus: import round trip, faithfulness to the seed, validation errors, and the CLI views."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papersearch.core.errors import CorpusError, Problem
from papersearch.corpus.fields import parse_paper
from papersearch.corpus.importer import import_seed, make_id
from papersearch.corpus.load import load_corpus
from papersearch.corpus.render import render_paper
from papersearch.graph.extract import build_graph

from .conftest import CORPUS


def seed_lines(seed: Path) -> list[str]:
    return seed.read_text(encoding="utf-8").split("\n")


def assert_faithful(corpus_dir: Path, seed: Path) -> None:
    """Every paper's title, authors, question and summary are the seed's characters exactly."""
    lines = seed_lines(seed)
    corpus = load_corpus(corpus_dir)
    assert len(corpus.papers) == 49
    for p in corpus.papers:
        head = f"{p.year} · {p.title}"
        assert head in lines, p.id
        i = lines.index(head)
        authors = list(p.authors)
        joined = (
            authors[0]
            if len(authors) == 1
            else (
                f"{authors[0]} and {authors[1]}"
                if len(authors) == 2
                else ", ".join(authors[:-1]) + ", and " + authors[-1]
            )
        )
        assert lines[i + 1] == joined, p.id
        assert lines[i + 2] == f"{p.question} {p.summary}", p.id


def test_import_round_trip_equals_seed(tmp_path: Path, seed_path: Path) -> None:
    report = import_seed(seed_path, tmp_path / "c")
    assert len(report.written) == 50  # 49 papers and eras.yaml
    assert_faithful(tmp_path / "c", seed_path)
    eras = load_corpus(tmp_path / "c").eras
    assert next(e.name for e in eras) == "Origins of Neural Computation"
    assert len(eras) == 7 and eras[-1].end == 2025
    assert eras[2].intro.startswith("The discovery — and rediscovery — of backpropagation")


def test_committed_corpus_is_faithful_to_seed(seed_path: Path) -> None:
    assert_faithful(CORPUS, seed_path)


def test_ids_are_readable_and_unique() -> None:
    ids = [p.id for p in load_corpus(CORPUS).papers]
    assert len(set(ids)) == 49
    assert "1986-rumelhart-backpropagation" in ids
    assert all(i[:4].isdigit() and i == i.lower() for i in ids)


def test_a_new_id_names_the_first_author_as_the_graph_does() -> None:
    """The surname rule of ``core.names``: particles kept, an organisation by its first word, a taken id numbered."""
    assert make_id(2016, "Aäron van den Oord", "WaveNet", set()) == "2016-van-den-oord-wavenet"
    assert make_id(2025, "DeepSeek AI", "DeepSeek-R1", set()) == "2025-deepseek-deepseek-r1"
    assert make_id(1989, "Yann Le Cun", "CNN", {"1989-le-cun-cnn"}) == "1989-le-cun-cnn-2"


def test_concepts_have_acronyms_and_aliases() -> None:
    by_id = load_corpus(CORPUS).by_id()
    cnn = by_id["1989-lecun-cnn"].concepts[0]
    assert cnn.name == "Convolutional Neural Network" and {"CNN", "convnet"} <= set(cnn.aliases)
    assert "VAE" in by_id["2013-kingma-vae"].concepts[0].aliases
    assert "RLHF" in by_id["2022-ouyang-rlhf"].concepts[0].aliases
    assert all(p.concepts for p in by_id.values())


def test_generic_may_be_the_year_a_term_became_everyday_vocabulary() -> None:
    """``generic: 2012`` loads as that year and is written back as it was (docs/graph.md)."""
    papers = load_corpus(CORPUS).papers
    cnn = next(p for p in papers if p.id == "1989-lecun-cnn")
    assert cnn.concepts[0].generic == 2012 and not isinstance(cnn.concepts[0].generic, bool)
    for p in papers:
        assert render_paper(p) == (CORPUS / p.source).read_text(encoding="utf-8"), p.source


def test_import_is_idempotent_and_keeps_hand_edits(tmp_path: Path, seed_path: Path) -> None:
    root = tmp_path / "c"
    import_seed(seed_path, root)
    again = import_seed(seed_path, root)
    assert again.written == [] and len(again.unchanged) == 50
    target = sorted((root / "papers").glob("*.md"))[0]
    edited = target.read_text(encoding="utf-8").replace("question: ", "question: EDITED ", 1)
    target.write_text(edited, encoding="utf-8")
    kept = import_seed(seed_path, root)
    assert kept.kept_edits == [f"papers/{target.name}"]
    assert "EDITED" in target.read_text(encoding="utf-8")
    forced = import_seed(seed_path, root, force=True)
    assert f"papers/{target.name}" in forced.written
    assert "EDITED" not in target.read_text(encoding="utf-8")


def test_reimport_keeps_curated_ids_and_concepts(corpus_copy: Path, seed_path: Path) -> None:
    before = {p.id: p.concepts for p in load_corpus(corpus_copy).papers}
    report = import_seed(seed_path, corpus_copy)
    assert report.written == []
    after = {p.id: p.concepts for p in load_corpus(corpus_copy).papers}
    assert after == before


GOOD = (CORPUS / "papers" / "1989-lecun-cnn.md").read_text(encoding="utf-8")


def _errors(corpus: Path) -> list[Problem]:
    with pytest.raises(CorpusError) as exc:
        load_corpus(corpus)
    return [p for p in exc.value.problems if p.severity == "error"]


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        ("---\nid: [unclosed\n---\nbody\n", "front matter", "invalid YAML"),
        ("no front matter at all\n", "front matter", "missing"),
        (
            GOOD.replace("title: Handwritten Digit Recognition with a Back-Propagation Network\n", ""),
            "title",
            "missing",
        ),
        (GOOD.replace("question: Can a deep network learn to see?", "question: ''"), "question", "missing or empty"),
        (GOOD.replace("year: 1989", "year: 20000"), "year", "outside 1800–2100"),
        (GOOD.replace("year: 1989", "year: 1700"), "year", "outside"),
        (GOOD.replace("year: 1989", "year: soon"), "year", "whole number"),
        (GOOD.replace("era: the-backpropagation-revolution", "era: jazz-age"), "era", "unknown era"),
        (re.sub(r"generic: \S+", "generic: 1700", GOOD), "concepts[0].generic", "outside 1800–2100"),
        (re.sub(r"generic: \S+", "generic: often", GOOD), "concepts[0].generic", "or the year from which"),
        (GOOD.replace("authors:\n", "authors: []\nx_authors:\n"), "authors", "missing"),
        (
            GOOD.replace("concepts:\n", "edges:\n  add: [1999-nobody-nothing]\nconcepts:\n"),
            "edges.add[0]",
            "resolves to no paper",
        ),
        ("", "front matter", "missing"),
        (GOOD.replace("title: Handwritten", "title: " + "x" * 20_000), "title", "a title may hold at most 2,000"),
        (GOOD.replace("- B. Boser", "- B. " + "Boser" * 120), "authors[1]", "an author's name may hold at most 500"),
    ],
)
def test_bad_paper_file_names_file_and_field(corpus_copy: Path, content: str, field: str, words: str) -> None:
    (corpus_copy / "papers" / "1989-lecun-cnn.md").write_text(content, encoding="utf-8")
    errors = _errors(corpus_copy)
    assert any(p.file == "papers/1989-lecun-cnn.md" and p.field == field and words in p.message for p in errors), errors


def test_a_control_character_is_refused_with_its_file_field_and_line(corpus_copy: Path) -> None:
    text = GOOD.replace("title: Handwritten", 'title: "\\e[2J"\nx_title: Handwritten')  # YAML's escape for ESC
    text = text.replace("- B. Boser", '- "B.\\a Boser"')
    text = text.rstrip("\n") + "\nA bell\x07 rings.\n"
    (corpus_copy / "papers" / "1989-lecun-cnn.md").write_text(text, encoding="utf-8")
    found = {(p.file, p.field, p.message) for p in _errors(corpus_copy)}
    body = next(i for i, line in enumerate(text.split("\n"), 1) if "\x07" in line)
    assert found == {
        ("papers/1989-lecun-cnn.md:4", "title", "holds a control character (U+001B); remove it"),
        ("papers/1989-lecun-cnn.md:6", "authors[1]", "holds a control character (U+0007); remove it"),
        (f"papers/1989-lecun-cnn.md:{body}", "summary", "holds a control character (U+0007); remove it"),
    }
    laid_out = GOOD.rstrip("\n") + "\tTabbed,\r\nand on a line of its own.\n"
    (corpus_copy / "papers" / "1989-lecun-cnn.md").write_text(laid_out, encoding="utf-8")
    assert "Tabbed," in load_corpus(corpus_copy).by_id()["1989-lecun-cnn"].summary  # tab and line ends are text


def test_duplicate_id_names_both_files(corpus_copy: Path) -> None:
    (corpus_copy / "papers" / "zz-copy.md").write_text(GOOD, encoding="utf-8")
    errors = _errors(corpus_copy)
    assert any(
        p.field == "id" and "duplicate id '1989-lecun-cnn'" in p.message and "1989-lecun-cnn.md" in p.message
        for p in errors
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xff\xfe\x00\x01binary\x00", "binary"),
        ("caf\xe9".encode("latin-1"), "not UTF-8"),
        (b"x" * 1_100_000, "at most"),
    ],
)
def test_unreadable_files_are_reported(corpus_copy: Path, data: bytes, words: str) -> None:
    (corpus_copy / "papers" / "zz-raw.md").write_bytes(data)
    errors = _errors(corpus_copy)
    assert any(p.file == "papers/zz-raw.md" and words in p.message for p in errors), errors


def test_every_problem_is_reported_at_once(corpus_copy: Path) -> None:
    (corpus_copy / "papers" / "a.md").write_text(GOOD.replace("year: 1989", "year: 20000"), encoding="utf-8")
    (corpus_copy / "papers" / "b.md").write_text("---\n: :\n---\n", encoding="utf-8")
    files = {p.file for p in _errors(corpus_copy)}
    assert {"papers/a.md", "papers/b.md"} <= files


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "papersearch.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_validate_exit_codes(corpus_copy: Path) -> None:
    ok = run_cli("validate", "--corpus", str(corpus_copy))
    assert ok.returncode == 0 and "49 papers" in ok.stdout
    p = corpus_copy / "papers" / "1989-lecun-cnn.md"
    p.write_text(p.read_text(encoding="utf-8").replace("question:", "colour: blue\nquestion:"), encoding="utf-8")
    warn = run_cli("validate", "--corpus", str(corpus_copy))
    assert warn.returncode == 0 and "colour" in warn.stderr and "warning" in warn.stderr
    p.write_text(GOOD.replace("year: 1989", "year: 20000"), encoding="utf-8")
    bad = run_cli("validate", "--corpus", str(corpus_copy))
    assert bad.returncode == 1
    assert "papers/1989-lecun-cnn.md: year: 20000 is outside" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_validate_warns_of_a_paper_that_refers_to_itself(corpus_copy: Path) -> None:
    p = corpus_copy / "papers" / "1989-lecun-cnn.md"
    edges = "edges:\n  add:\n    - {target: 1989-lecun-cnn, evidence: as this very paper shows}\nquestion:"
    p.write_text(p.read_text(encoding="utf-8").replace("question:", edges, 1), encoding="utf-8")
    out = run_cli("validate", "--corpus", str(corpus_copy))
    assert out.returncode == 0 and "1 warning(s)" in out.stdout
    assert out.stderr == (
        "warning: papers/1989-lecun-cnn.md: edges.add[0]: the paper refers to itself ('as this very paper shows'); "
        "an edge needs two papers, so it is left out\n"
    )
    papers = load_corpus(corpus_copy).papers
    assert not [e for e in build_graph(papers).edges if e.source == e.target]


def test_list_and_show_json_print_full_records(index_dir: Path) -> None:
    listed = json.loads(run_cli("list", "--json", "--index", str(index_dir)).stdout)
    assert len(listed) == 49
    keys = {"id", "year", "title", "authors", "era", "question", "summary", "concepts", "references"}
    assert keys <= set(listed[0])
    shown = json.loads(run_cli("--index", str(index_dir), "show", "1989-lecun-cnn", "--json").stdout)
    assert shown["title"] == "Handwritten Digit Recognition with a Back-Propagation Network"
    assert {n["id"] for n in shown["references"]["cites"]} >= {
        "1959-hubel-visual-cortex",
        "1986-rumelhart-backpropagation",
    }
    assert {x["ref"] for x in shown["references"]["external"]} == {"Fukushima 1980"}
    missing = run_cli("show", "no-such-paper", "--index", str(index_dir))
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1


def test_neighbours_pages_through_one_side_and_show_says_how_many(index_dir: Path) -> None:
    backprop = "1986-rumelhart-backpropagation"
    shown = json.loads(run_cli("show", backprop, "--json", "--index", str(index_dir)).stdout)["references"]
    pages = [
        json.loads(
            run_cli(
                "neighbours", backprop, "--offset", str(start), "--limit", "2", "--json", "--index", str(index_dir)
            ).stdout
        )
        for start in (0, 2)
    ]
    assert [p["total"] for p in pages] == [shown["cited_by_total"]] * 2 and shown["cited_by_total"] >= 3
    assert pages[0]["results"] + pages[1]["results"] == shown["cited_by"] and len(pages[0]["results"]) == 2
    text = run_cli("neighbours", backprop, "--limit", "2", "--index", str(index_dir)).stdout.splitlines()
    assert text[0] == f"{backprop} built upon by: 1–2 of {shown['cited_by_total']}"
    assert text[-1] == f"next: papersearch neighbours {backprop} --side cited_by --offset 2"
    bad = run_cli("neighbours", backprop, "--limit", "101", "--index", str(index_dir))
    assert bad.returncode == 2 and "limit must be a whole number from 1 to 100, not '101'" in bad.stderr
    assert f"built upon by ({shown['cited_by_total']})" in run_cli("show", backprop, "--index", str(index_dir)).stdout


def test_corpus_folder_from_environment(corpus_copy: Path) -> None:
    import os

    shutil.rmtree(corpus_copy / "papers")
    (corpus_copy / "papers").mkdir()
    (corpus_copy / "papers" / "x.md").write_text(GOOD, encoding="utf-8")
    env = dict(os.environ, PAPERSEARCH_CORPUS=str(corpus_copy))
    out = run_cli("validate", env=env)
    assert out.returncode == 0 and out.stdout.startswith("ok: 1 papers"), out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400) | st.from_regex(r"---\n[\s\S]{0,200}\n---\n[\s\S]{0,50}", fullmatch=True))
def test_loader_raises_only_its_own_error(text: str) -> None:
    problems: list[Problem] = []
    paper = parse_paper(text, "fuzz.md", problems)
    assert (paper is None) == any(p.severity == "error" for p in problems)
    for p in problems:  # the file, or its line where a check names one (a control character in the summary)
        assert re.fullmatch(r"fuzz\.md(?::[1-9]\d*)?", p.file) and p.message, p


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_load_corpus_with_arbitrary_bytes_raises_corpus_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copy(CORPUS / "eras.yaml", root / "eras.yaml")
    (root / "papers").mkdir()
    (root / "papers" / "f.md").write_bytes(data)
    with pytest.raises(CorpusError):
        load_corpus(root)
