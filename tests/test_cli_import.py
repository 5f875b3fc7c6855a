"""The command line's import, add and cite: what each prints and exits with, a Zotero export and a dry run, a broken
entry among many, the prompts at a terminal, the 49 papers round trip through `cite` and `import`, `answer` and
`path` with `--cite`, a cold `cite` that loads no model, and imported papers (no question) on the command line."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from papersearch.corpus.bibtex import read_bibtex
from papersearch.corpus.incoming import Incoming
from papersearch.corpus.load import load_corpus
from papersearch.query.cite import cite
from papersearch.query.searcher import Searcher

from .conftest import CORPUS, ROOT, cited_authors, run

DATA = ROOT / "tests" / "data" / "imports"
PAPERSEARCH = [sys.executable, "-m", "papersearch"]
LECUN, TRANSFORMER = "1989-lecun-cnn", "2017-vaswani-transformer"
DROPOUT, ACOUSTIC = "2014-srivastava-dropout-simple", "2012-hinton-deep-neural"


def empty_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "papers").mkdir(parents=True)
    shutil.copy(CORPUS / "eras.yaml", root / "eras.yaml")
    return root


def files(root: Path) -> dict[str, bytes]:
    """Every file of a corpus but the import's lock."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".import.lock"
    }


# ---------------------------------------------------------------- import


def test_a_zotero_export_is_planned_then_imported_then_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = empty_corpus(tmp_path)
    before = files(root)
    status, out, err = run(capsys, "import", str(DATA / "zotero.bib"), "--dry-run", "--corpus", str(root))
    assert status == 0 and files(root) == before and err == ""
    assert out.count("would add") == 4 and "zotero.bib:1 (rumelhart_learning_1986) → 1986-rumelhart-" in out
    assert "(dry run, nothing written): 4 added, 0 updated" in out and "without --dry-run" in out

    status, out, _ = run(capsys, "import", str(DATA / "zotero.bib"), "--corpus", str(root))
    assert status == 0 and out.count("\nadd ") + out.startswith("add ") == 4
    assert "next: papersearch index" in out and len(load_corpus(root).papers) == 4

    status, out, _ = run(capsys, "import", str(DATA / "zotero.bib"), "--corpus", str(root), "--json")
    plan = json.loads(out)
    assert status == 0 and plan["counts"] == {
        "add": 0,
        "update": 0,
        "unchanged": 4,
        "kept": 0,
        "duplicate": 0,
        "bad": 0,
    }
    assert plan["written"] == []


def test_a_paper_the_list_has_is_reported_and_a_repeat_in_the_file_skipped(
    capsys: pytest.CaptureFixture[str], corpus_copy: Path, tmp_path: Path
) -> None:
    entry = "@article{{{key}, title={{Attention Is All You Need}}, author={{Vaswani, Ashish}}, year={{2017}}}}\n"
    (tmp_path / "twice.bib").write_text(entry.format(key="a") + entry.format(key="b"), encoding="utf-8")
    status, out, _ = run(capsys, "import", str(tmp_path / "twice.bib"), "--corpus", str(corpus_copy))
    assert status == 0 and len(list((corpus_copy / "papers").iterdir())) == 49
    assert f"unchanged    twice.bib:1 (a) → {TRANSFORMER} (papers/{TRANSFORMER}.md): already in the list as" in out
    assert "skip         twice.bib:2 (b): same title and year as the entry at line 1" in out
    assert "1 duplicates" in out


@pytest.mark.parametrize("good", [300, pytest.param(2_000, marks=pytest.mark.slow)])
def test_a_broken_entry_among_many_is_named_with_its_line_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, good: int
) -> None:
    """300 entries for the edit loop, 2,000 for the whole suite; how the cost grows to 10,000 is
    scripts/bench_import.py's to measure."""
    root = empty_corpus(tmp_path)
    bad_at = good * 3 // 5
    entries = [
        f"@article{{k{i}, title={{Paper number {i}}}, author={{Example, Ann}}, year={{2013}}}}\n" for i in range(good)
    ]
    entries.insert(bad_at, "@article{broken, title={Unclosed {brace}, author={Ann Example}, year={2013}\n")
    (tmp_path / "many.bib").write_text("".join(entries), encoding="utf-8")
    before = files(root)
    status, out, err = run(capsys, "import", str(tmp_path / "many.bib"), "--corpus", str(root))
    assert status == 1 and out == "" and files(root) == before
    assert f"many.bib:{bad_at + 1} (broken)" in err and "nothing was" in err and "--skip-bad" in err
    status, out, err = run(capsys, "import", str(tmp_path / "many.bib"), "--corpus", str(root), "--skip-bad")
    assert status == 1 and f"bad          many.bib:{bad_at + 1} (broken)" in out
    assert f"{good} added" in out and "1 bad" in out and f"… and {good - 50} more: add" in out
    assert len(list((root / "papers").iterdir())) == good


# ---------------------------------------------------------------- add


def test_add_from_flags_writes_a_checked_paper_and_says_what_next(
    capsys: pytest.CaptureFixture[str], corpus_copy: Path
) -> None:
    status, out, err = run(
        capsys,
        *("add", "--title", "Dropout: A Simple Way to Prevent Neural Networks from Overfitting", "--year", "2014"),
        *("--author", "Nitish Srivastava", "--author", "Geoffrey Hinton", "--question", "Does dropping units help?"),
        *(
            "--arxiv",
            "arXiv:1207.0580v1",
            "--venue",
            "Journal of Machine Learning Research",
            "--corpus",
            str(corpus_copy),
        ),
    )
    assert status == 0, err
    assert f"add          papersearch add → {DROPOUT} (papers/{DROPOUT}.md)" in out
    assert "ok: 50 papers in 7 eras" in out and out.rstrip().endswith("rebuilt)") and "next: papersearch index" in out
    paper = load_corpus(corpus_copy).by_id()[DROPOUT]
    assert (paper.question, paper.arxiv, paper.era, paper.summary) == (
        "Does dropping units help?",
        "1207.0580v1",
        "the-deep-learning-explosion",
        "",
    )


def test_add_of_a_paper_the_list_has_says_it_kept_the_lists_question(
    capsys: pytest.CaptureFixture[str], corpus_copy: Path
) -> None:
    """A question typed with ``add`` for a paper the list holds with its own question is said to be kept (it was
    dropped without a word), and the list's question stands."""
    before = load_corpus(corpus_copy).by_id()["1989-lecun-cnn"].question
    status, out, err = run(
        capsys,
        *("add", "--title", "Handwritten Digit Recognition with a Back-Propagation Network", "--year", "1989"),
        *("--author", "Yann LeCun", "--question", "How to read zip codes?", "--corpus", str(corpus_copy)),
    )
    assert status == 0, err
    assert "1989-lecun-cnn" in out and "kept question (the list's own)" in out, out
    assert load_corpus(corpus_copy).by_id()["1989-lecun-cnn"].question == before != "How to read zip codes?"


def test_a_summary_typed_with_add_is_kept_by_a_forced_import(
    capsys: pytest.CaptureFixture[str], corpus_copy: Path
) -> None:
    """``add`` is a person's typing, not an import's: ``import --force`` keeps its summary as it keeps the list's own."""
    mine = "My own careful summary of sprockets."
    status, _, err = run(
        capsys,
        *("add", "--title", "Sprocket Theory", "--year", "2019", "--author", "Ann Person", "--summary", mine),
        *("--corpus", str(corpus_copy)),
    )
    assert status == 0, err
    bib = corpus_copy / "sprocket.bib"
    bib.write_text(
        "@article{s, title={Sprocket Theory}, author={Person, Ann}, year={2019}, journal={Gears},"
        " abstract={A publisher abstract.}}\n",
        encoding="utf-8",
    )
    status, out, err = run(capsys, "import", str(bib), "--force", "--corpus", str(corpus_copy))
    assert status == 0, err
    assert "kept summary (the list's own)" in out
    (paper,) = [p for p in load_corpus(corpus_copy).papers if p.title == "Sprocket Theory"]
    assert (paper.summary, paper.venue) == (mine, "Gears")


def test_a_control_character_is_refused_at_add_and_import_and_never_printed(
    capsys: pytest.CaptureFixture[str], corpus_copy: Path, tmp_path: Path
) -> None:
    before = files(corpus_copy)
    flags = ("--title", "A Title", "--year", "2014", "--corpus", str(corpus_copy))
    status, out, err = run(capsys, "add", "--author", "X\x1b[2J Y", *flags)
    assert status == 1 and "authors[0]: holds a control character (U+001B); remove it" in err
    (tmp_path / "ctl.bib").write_text(
        "@article{k\x1b[2J, title={Bell\x07\x1b[31m Title}, author={A Person}, year={2001}}\n", encoding="utf-8"
    )
    status, out2, err2 = run(capsys, "import", str(tmp_path / "ctl.bib"), "--corpus", str(corpus_copy))
    assert status == 1 and "ctl.bib:1 (k\ufffd[2J): title: holds a control character (U+0007)" in err2
    assert not any(c in out + err + out2 + err2 for c in "\x1b\x07") and files(corpus_copy) == before


def test_add_takes_one_bibtex_entry_with_flags_over_it(capsys: pytest.CaptureFixture[str], corpus_copy: Path) -> None:
    entry = "@article{x, title={Deep Neural Networks for Acoustic Modeling}, author={Hinton, Geoffrey}, year={1995}}"
    status, _, err = run(capsys, "add", "--bibtex", entry, "--corpus", str(corpus_copy))
    assert status == 1 and "1995 lies in no era" in err and "--era" in err and "nothing was added" in err
    status, out, _ = run(
        capsys, "add", "--bibtex", entry, "--era", "recurrent-networks-language", "--corpus", str(corpus_copy)
    )
    assert status == 0 and "--bibtex:1 (x) → 1995-hinton-deep-neural" in out
    assert load_corpus(corpus_copy).by_id()["1995-hinton-deep-neural"].era == "recurrent-networks-language"
    status, _, err = run(capsys, "add", "--bibtex", str(DATA / "zotero.bib"), "--corpus", str(corpus_copy))
    assert status == 1 and "holds 4 BibTeX entries; add takes one" in err


def test_add_asks_nothing_when_stdin_is_not_a_terminal(corpus_copy: Path) -> None:
    done = subprocess.run(
        [*PAPERSEARCH, "add", "--corpus", str(corpus_copy)], stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "stdin is not a terminal" in done.stderr and "--title, --year and --author" in done.stderr


@pytest.mark.timeout(120)
def test_add_asks_for_each_field_at_a_terminal(corpus_copy: Path) -> None:
    """``papersearch add`` with its stdin a real terminal (a pty): a bad year and a bad DOI are asked again."""
    answers = [
        "A Study of Everything",
        "nineteen",  # not a year: asked again
        "2013",
        "Ada Lovelace",
        "Charles Babbage",
        "",  # no more authors
        "",  # the era its year falls in
        "What is everything?",
        "",
        "not-a-doi",  # asked again
        "10.1000/xyz123",
        "",
        "",
        "https://example.org/everything",
    ]
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*PAPERSEARCH, "add", "--corpus", str(corpus_copy)],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
    )
    os.close(follower)
    for answer in answers:
        os.write(leader, (answer + "\n").encode())
        time.sleep(0.05)
    out, err = process.communicate(timeout=60)
    os.close(leader)
    assert process.returncode == 0, err
    assert "Year*: " in out and "year must be a year from 1800 to 2100, not 'nineteen'" in out
    assert "'not-a-doi' is not a DOI" in out and "Era [the-deep-learning-explosion]" in out
    paper = load_corpus(corpus_copy).by_id()["2013-lovelace-study-everything"]
    assert paper.authors == ("Ada Lovelace", "Charles Babbage") and paper.doi == "10.1000/xyz123"
    assert (paper.question, paper.url, paper.era) == (
        "What is everything?",
        "https://example.org/everything",
        "the-deep-learning-explosion",
    )


# ---------------------------------------------------------------- cite


def test_cite_prints_references_and_refuses_ids_in_the_words_of_show_and_the_api(
    capsys: pytest.CaptureFixture[str], index_dir: Path, searcher: Searcher
) -> None:
    status, out, _ = run(capsys, "cite", TRANSFORMER, LECUN, "--format", "ris", "--index", str(index_dir))
    assert status == 0 and out == cite([searcher.paper(TRANSFORMER), searcher.paper(LECUN)], "ris")
    status, out, _ = run(capsys, "cite", LECUN, "--format", "text", "--style", "short", "--index", str(index_dir))
    assert out.startswith("LeCun, Y., Boser, B.")
    for bad, exit_status in (("no-such-paper", 1), ("1989-LeCun-CNN", 2)):  # not found; not an id (a bad argument)
        assert run(capsys, "cite", LECUN, bad, "--index", str(index_dir))[0] == exit_status
        said = capsys.readouterr().err or ""
        _, _, cited = run(capsys, "cite", bad, "--index", str(index_dir))
        _, _, shown = run(capsys, "show", bad, "--index", str(index_dir))
        assert cited.replace("papersearch cite", "papersearch show") == shown and said == ""
        assert cited.startswith("error: " if exit_status == 1 else "papersearch cite: error: ")
    status, _, err = run(capsys, "cite", LECUN, "--format", "endnote", "--index", str(index_dir))
    assert status == 2 and "format must be one of bibtex, csl-json, ris, text, not 'endnote'" in err


def test_a_cold_cite_loads_no_model_no_numpy_and_no_faiss(index_dir: Path) -> None:
    code = (
        "import sys; from papersearch.cli import main; "
        f"main(['cite', {LECUN!r}, '--index', {str(index_dir)!r}]); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'faiss', 'onnxruntime', 'tokenizers', 'torch'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "[]", done.stderr
    assert done.stdout.startswith(f"@misc{{{LECUN},")


@pytest.mark.parametrize(("fmt", "name"), [("bibtex", "all.bib"), ("csl-json", "all.json")])
def test_the_49_papers_round_trip_through_cite_and_import(
    capsys: pytest.CaptureFixture[str], index_dir: Path, tmp_path: Path, fmt: str, name: str
) -> None:
    ids = [p.id for p in load_corpus(CORPUS).papers]
    status, out, _ = run(capsys, "cite", *ids, "--format", fmt, "--index", str(index_dir))
    assert status == 0
    (tmp_path / name).write_text(out, encoding="utf-8")
    root = empty_corpus(tmp_path)
    status, out, err = run(capsys, "import", str(tmp_path / name), "--corpus", str(root))
    assert status == 0 and "49 added" in out and "warning" not in err
    original = {(p.title, p.year, *cited_authors(p)) for p in load_corpus(CORPUS).papers}
    assert len({(p.title, p.year, *cited_authors(p)) for p in load_corpus(root).papers} & original) == 49
    status, out, _ = run(capsys, "import", str(tmp_path / name), "--corpus", str(root))
    assert status == 0 and "0 added, 0 updated, 49 unchanged, 0 kept (edited by hand), 0 duplicates, 0 bad" in out


def test_answer_and_path_write_their_papers_as_references_on_stdout(
    capsys: pytest.CaptureFixture[str], index_dir: Path
) -> None:
    question = "how were deep nets first trained?"
    status, out, err = run(capsys, "answer", question, "--cite", "bibtex", "--index", str(index_dir))
    _, shown, _ = run(capsys, "answer", question, "--json", "--index", str(index_dir))
    sources = [s["id"] for s in json.loads(shown)["sources"]]
    entries = list(read_bibtex(out))
    assert status == 0 and sources and [e.name for e in entries if isinstance(e, Incoming)] == sources
    assert "Sources" in err and "Read in this order" in err  # the answer itself, aside on stderr
    status, out, err = run(
        capsys, "path", "--before", TRANSFORMER, "-k", "3", "--cite", "ris", "--index", str(index_dir)
    )
    cited = re.findall(r"^ID  - (.+)$", out, re.M)
    assert status == 0 and len(cited) == 4 and cited[-1] == TRANSFORMER and "Read before" in err
    status, out, _ = run(capsys, "path", LECUN, TRANSFORMER, "--cite", "csl-json", "--index", str(index_dir))
    steps = [item["id"] for item in json.loads(out)]
    assert status == 0 and steps[0] == LECUN and steps[-1] == TRANSFORMER
    status, _, err = run(capsys, "answer", question, "--json", "--cite", "bibtex", "--index", str(index_dir))
    assert status == 2 and "not allowed with argument" in err


# ---------------------------------------------------------------- a paper without a question, on the command line


def test_an_imported_paper_reads_sensibly_on_the_command_line(
    capsys: pytest.CaptureFixture[str], imported: tuple[Path, Path]
) -> None:
    corpus, index = imported
    status, out, _ = run(capsys, "show", ACOUSTIC, "--index", str(index), "--corpus", str(corpus))
    lines = out.splitlines()
    assert status == 0 and lines[3].startswith("IEEE Signal Processing Magazine · doi:10.1109/MSP.2012.2205597")
    assert "(the list has no summary of it yet)" in out and "\n\n\n" not in out and "“”" not in out
    status, out, _ = run(capsys, "ask", "dropout prevents overfitting", "-k", "2", "--index", str(index))
    first = out.split("\n 2. ")[0]
    assert status == 0 and "Dropout: A Simple Way" in first and "“" not in first  # no question, no empty quote
    status, out, _ = run(
        capsys, "cite", DROPOUT, ACOUSTIC, "--format", "text", "--style", "short", "--index", str(index)
    )
    assert out.splitlines() == [
        "Srivastava, N., Hinton, G., Krizhevsky, A., Sutskever, I. and Salakhutdinov, R. (2014) Dropout: A Simple Way "
        "to Prevent Neural Networks from Overfitting. Journal of Machine Learning Research. "
        "https://jmlr.org/papers/v15/srivastava14a.html",
        "Hinton, G., Deng, L., Yu, D. et al. (2012) Deep Neural Networks for Acoustic Modeling in Speech Recognition. "
        "IEEE Signal Processing Magazine. https://doi.org/10.1109/MSP.2012.2205597",
    ]


# ---------------------------------------------------------------- broken files, each format


BROKEN = {
    "refs.bib": (
        "@article{good, title={Good}, author={A. Person}, year={2015}}\n"
        "@article{when, title={When}, author={B. Person}, year={twenty}}\n"
        "@article{cut, title={Cut, author={C. Person}, year={20",
        [
            "refs.bib:2 (when): year: 'twenty' is not a year",
            "refs.bib:3 (cut): cannot be read: Unexpectedly reached end of file. (a '{' or '\"' in it is never closed?)",
        ],
    ),
    "refs.json": (
        '[{"id": "good", "title": "Good", "author": [{"family": "Person"}], "issued": {"date-parts": [[2015]]}},\n'
        ' {"id": "when", "title": "When", "author": [{"family": "Person"}], "issued": {"date-parts": [["soon"]]}},\n'
        ' {"id": "who", "title": "Who", "author": "C. Person", "issued": {"date-parts": [[2015]]}},\n'
        ' {"id": "cut", "title": "Cu',
        [
            'refs.json:2 (when): issued: \'{"date-parts": [["soon"]]}\' is not a year',
            "refs.json:3 (who): author: must be a list of names",
            "refs.json:4: invalid JSON",
        ],
    ),
    "refs.ris": (
        "TY  - JOUR\nID  - good\nTI  - Good\nAU  - Person, A.\nPY  - 2015\nER  - \n\n"
        "TY  - JOUR\nID  - when\nTI  - When\nAU  - Person, B.\nPY  - someday\nER  - \n\n"
        "TY  - JOUR\nID  - cut\nTI  - Cut\nAU  - Person, C.\n",
        ["refs.ris:8 (when): PY: 'someday' is not a year", "refs.ris:15 (cut): ER: never ended"],
    ),
    "refs.xml": (
        '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "<entry><id>http://arxiv.org/abs/1706.03762v5</id><published>2017-06-12</published>"
        "<title>Good</title><author><name>A. Person</name></author></entry>\n"
        "<entry><id>http://arxiv.org/abs/1412.6980v9</id><published>someday</published>"
        "<title>When</title><author><name>B. Person</name></author></entry>\n"
        "<entry><id>http://arxiv.org/abs/1502.03167v3</id><title>Cu",
        ["refs.xml:4 (1412.6980): published: 'someday' is not a year", "refs.xml:5: not XML that parses"],
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_importer_names_the_file_entry_and_field_of_a_broken_entry(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    """A year that is no year, a CSL author written as a string, a file cut short, in every format: the plan line and
    the error name the file, the line, the entry and the field, and say what is wrong (a year given is not
    "missing"); nothing is written and no traceback is printed."""
    root = empty_corpus(tmp_path)
    text, said = BROKEN[name]
    (tmp_path / name).write_text(text, encoding="utf-8")
    before = files(root)
    status, out, err = run(capsys, "import", str(tmp_path / name), "--dry-run", "--corpus", str(root))
    assert status == 1 and "Traceback" not in out + err
    assert all(f"bad          {line}" in out for line in said), out
    status, out, err = run(capsys, "import", str(tmp_path / name), "--corpus", str(root))
    assert status == 1 and "Traceback" not in out + err and files(root) == before
    assert all(line.replace(": cannot", ": entry: cannot") in err for line in said), err
    (tmp_path / "latin1").mkdir()
    (tmp_path / "latin1" / name).write_bytes(text.replace("Good", "Caf\u00e9").encode("latin-1"))
    status, out, err = run(capsys, "import", str(tmp_path / "latin1" / name), "--corpus", str(root))
    assert status == 1 and "Traceback" not in out + err
    assert re.search(rf"{re.escape(name)}:\d+: not UTF-8 \(invalid byte 0xe9\); save the file as UTF-8", err), err
