"""The command line's exit status, one rule for every command (``papersearch.cli``'s docstring, the README):

2 and argparse's one line (``papersearch CMD: error: ... (see `papersearch CMD --help`)``) when the command line
itself is wrong, whether argparse or a parameter's rule refuses it; 1 and ``error: ...`` when a right call cannot be
done here (no such paper, no index, a file missing or malformed, a corpus with errors). A class a test each.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import run

LECUN = "1989-lecun-cnn"


def usage(command: str, err: str) -> bool:
    """Whether ``err`` is one line in argparse's words for ``papersearch COMMAND``."""
    return (
        err.count("\n") == 1
        and err.startswith(f"papersearch {command}: error: ")
        and err.endswith(f"(see `papersearch {command} --help`)\n")
    )


def user_error(err: str) -> bool:
    """Whether ``err`` is the one line of an error that is not the command line's."""
    return err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "cnn", "-k", "0"],  # argparse's type check
        ["ask", "cnn", "--mode", "fuzzy"],  # argparse's choices
        ["neighbours", LECUN, "--side", "up"],
        ["path"],  # a wrong combination, found by the command
        ["path", "--before", LECUN, LECUN, LECUN],
        ["cite", LECUN, "--format", "endnote"],
    ],
)
def test_what_argparse_refuses_exits_2(capsys: pytest.CaptureFixture[str], index_dir: Path, args: list[str]) -> None:
    status, out, err = run(capsys, *args, "--index", str(index_dir))
    assert status == 2 and out == "" and usage(args[0], err), err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["ask", "   "], "the query is empty"),
        (["answer", "cnn", "--year-from", "2000", "--year-to", "1990"], "the year range is backwards"),
        (["ask", "cnn", "--era", "bronze age"], "unknown era 'bronze age'"),  # known only once the index is open
        (["show", "Not An Id"], "id must be a paper id"),
        (["path", "a", LECUN], "FROM must be a paper id"),
        (["cite", LECUN, "1989-LeCun-CNN"], "id must be a paper id"),
        (["cite", LECUN, "--style", "short"], "--style is for --format text alone, not bibtex"),
    ],
)
def test_a_value_a_parameters_rule_refuses_exits_2_as_argparse_would(
    capsys: pytest.CaptureFixture[str], index_dir: Path, args: list[str], words: str
) -> None:
    """Found after parsing (by ``core.params``, or against the index's eras), still the command line's fault."""
    status, out, err = run(capsys, *args, "--index", str(index_dir))
    assert status == 2 and out == "" and usage(args[0], err) and words in err, err


@pytest.mark.parametrize(
    ("args", "said", "unsaid"),
    [
        (["ask", "cnn", "-k", "0"], "-k must be a whole number", ": k must"),
        (["ask", "cnn", "--year-from", "20"], "error: --year-from must be a year", "year_from"),
        (
            ["answer", "cnn", "--year-from", "2000", "--year-to", "1990"],
            "error: the year range is backwards: --year-from 2000 is after --year-to 1990",
            "year_",
        ),
        (["ask", " "], "error: the query is empty", "q:"),
        (["ask", "cnn", "--era", "year_to"], "error: --era: unknown era 'year_to'", "--year-to"),  # input as typed
        (["path", LECUN, "Not An Id"], "error: TO must be a paper id", "to must"),
        (["path", "--to", "Not An Id"], "error: --before must be a paper id", "id must"),
        (["answer", "cnn", "--cite", "endnote"], "error: --cite must be one of", "format"),
        (["neighbours", LECUN, "--limit", "0"], "error: --limit must be", " limit"),
    ],
)
def test_a_refused_value_is_named_as_the_command_line_names_it(
    capsys: pytest.CaptureFixture[str], index_dir: Path, args: list[str], said: str, unsaid: str
) -> None:
    """The flag or argument the person typed (``--year-from``, ``query``), not the HTTP API's parameter
    (``year_from``, ``q``), in argparse's refusals and in those found once the index is open alike, and once."""
    status, out, err = run(capsys, *args, "--index", str(index_dir))
    assert status == 2 and out == "" and usage(args[0], err) and said in err and unsaid not in err, err
    message = err.split("error: ", 1)[1]
    name = message.removeprefix("argument ").split(":", 1)[0]
    assert not message.startswith("argument ") and name not in message[len(name) + 1 :].split("(see")[0], err


@pytest.mark.parametrize(
    "args",
    [
        ["show", "1999-no-such-paper"],
        ["neighbours", "1999-no-such-paper"],
        ["path", "--after", "1999-no-such-paper"],
        ["path", LECUN, "1999-no-such-paper"],
        ["cite", LECUN, "1999-no-such-paper"],
    ],
)
def test_an_id_no_paper_has_exits_1(capsys: pytest.CaptureFixture[str], index_dir: Path, args: list[str]) -> None:
    status, out, err = run(capsys, *args, "--index", str(index_dir))
    assert (
        status == 1
        and out == ""
        and err == "error: no paper with id '1999-no-such-paper'; list the ids with `papersearch list` or GET /papers\n"
    )


@pytest.mark.parametrize("command", [["show", LECUN], ["cite", LECUN], ["ask", "cnn"], ["eras"]])
def test_no_index_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]) -> None:
    status, out, err = run(capsys, *command, "--index", str(tmp_path / "none"))
    assert status == 1 and out == "" and user_error(err) and "no index at" in err, err


def test_a_file_missing_unreadable_or_malformed_exits_1(
    capsys: pytest.CaptureFixture[str], index_dir: Path, tmp_path: Path
) -> None:
    queries = Path(__file__).parent / "data" / "queries.jsonl"
    (tmp_path / "bad.jsonl").write_text('{"id": "q1", "query": \n', encoding="utf-8")
    cases = {
        ("eval", str(tmp_path / "none.jsonl")): "none.jsonl: file not found",
        ("eval", str(tmp_path)): f"{tmp_path}: cannot be read: Is a directory",  # was a traceback
        ("eval", str(tmp_path / "bad.jsonl")): "bad.jsonl:1: not valid JSON",
        ("eval", "--baseline", str(tmp_path / "none.json"), str(queries)): "none.json: file not found",
        ("import-seed", str(tmp_path), "--corpus", str(tmp_path / "c")): "seed file cannot be read: Is a directory",
        ("import", str(tmp_path / "none.bib"), "--corpus", str(tmp_path / "c")): "c: corpus folder not found",
    }
    for args, words in cases.items():
        status, _, err = run(capsys, *args, *(["--index", str(index_dir)] if args[0] == "eval" else []))
        assert status == 1 and err.startswith("error: ") and words in err and "Traceback" not in err, (args, err)


def test_a_query_a_file_holds_that_no_search_takes_is_the_files_fault(
    capsys: pytest.CaptureFixture[str], index_dir: Path, tmp_path: Path
) -> None:
    """A query of ``eval``'s file that the search's rule refuses (too long, a control character) exits 1 naming the
    file, the line and the field; it exited 2 with ``q: ...`` and "see --help", as if the command line were wrong."""
    lines = {"long.jsonl": "a " * 1500, "control.jsonl": "cnn\u0001 layers"}
    for name, query in lines.items():
        good = {"id": "q1", "query": "convolutional networks", "type": "t", "relevant": {LECUN: 3}}
        bad = {**good, "id": "q3", "query": query}
        (tmp_path / name).write_text(f"{json.dumps(good)}\n\n{json.dumps(bad)}\n", encoding="utf-8")
        status, out, err = run(capsys, "eval", str(tmp_path / name), "--index", str(index_dir))
        assert status == 1 and out == "" and user_error(err), err
        assert err.startswith(f"error: {tmp_path / name}:3: field 'query': the query ") and "q:" not in err, err


def test_a_corpus_with_errors_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "validate", "--corpus", str(tmp_path / "none"))
    assert status == 1 and user_error(err) and "corpus folder not found" in err, err
    (tmp_path / "c" / "papers").mkdir(parents=True)
    (tmp_path / "c" / "eras.yaml").write_text("eras: [\n", encoding="utf-8")
    status, _, err = run(capsys, "index", "--corpus", str(tmp_path / "c"), "--index", str(tmp_path / "i"))
    assert status == 1 and err.startswith("error: ") and "eras.yaml" in err, err


def test_a_bad_setting_exits_1(
    capsys: pytest.CaptureFixture[str], index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERSEARCH_RELOAD_INTERVAL", "soon")
    status, _, err = run(capsys, "show", LECUN, "--index", str(index_dir))
    assert status == 1 and user_error(err) and "PAPERSEARCH_RELOAD_INTERVAL='soon'" in err, err


def stopped(pid: int) -> bool:
    """Whether the process is stopped (SIGSTOP has taken hold of it)."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] in ("T", "t")


def terminate_mid_build(
    build: subprocess.Popen[str], index: Path, running: Callable[[], bool] = lambda: True, timeout: float = 300
) -> None:
    """Send SIGTERM to ``build`` while it surely runs: once its ``.build-*`` folder is there (and ``running()``
    says so), it is stopped (SIGSTOP), so that it cannot finish meanwhile; its folder still there, it is sent
    SIGTERM and continued. A signal sent after a sleep, or after the folder was seen, raced a fast build."""
    deadline = time.monotonic() + timeout
    while build.poll() is None and time.monotonic() < deadline:
        if list(index.glob(".build-*")) and running():
            build.send_signal(signal.SIGSTOP)
            while not stopped(build.pid):
                time.sleep(0.01)
            mid_way = bool(list(index.glob(".build-*")))
            if mid_way:
                build.send_signal(signal.SIGTERM)
            build.send_signal(signal.SIGCONT)
            if mid_way:
                return
        time.sleep(0.02)
    raise AssertionError(f"the build was not caught while it ran: {build.communicate()}")


def test_sigterm_ends_a_build_as_ctrl_c_does(corpus_copy: Path, index_copy: Path) -> None:
    """SIGTERM (what ``timeout``, systemd and ``docker stop`` send) during ``index``: its cleanups run (no ``.build-*``
    left), one line says so, exit 143; the version in use stays. It ended silently, the build folder left behind."""
    command = [sys.executable, "-m", "papersearch", "index", "--force", "-q"]
    folders = ["--corpus", str(corpus_copy), "--index", str(index_copy)]
    build = subprocess.Popen([*command, *folders], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    terminate_mid_build(build, index_copy)
    out, err = build.communicate(timeout=120)
    assert build.returncode == 143 and err == "terminated\n" and out == "", (build.returncode, err)
    assert list(index_copy.glob(".build-*")) == []
    check = subprocess.run([*command[:4], "--check", *folders], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr


def test_show_from_an_index_alone_says_plainly_what_is_not_known(
    capsys: pytest.CaptureFixture[str], index_dir: Path, tmp_path: Path
) -> None:
    """``show ID --index X`` with no corpus folder: the paper, and one plain note that whether the index is up to date
    is not known, with no talk of a corpus's errors or of importing a seed; a corpus that cannot be read says why."""
    missing = tmp_path / "no-corpus"
    status, out, err = run(capsys, "--corpus", str(missing), "show", "1989-lecun-cnn", "--index", str(index_dir))
    assert status == 0 and "1989" in out
    (note,) = err.splitlines()
    assert note.startswith(f"note: no corpus folder at {missing}, so whether index ") and note.endswith(
        " is up to date is not known; what is shown is the index's (give --corpus DIR to compare)"
    )
    assert "error" not in note and "import-seed" not in note and "staleness" not in note
    broken = tmp_path / "broken"
    (broken / "papers").mkdir(parents=True)
    status, out, err = run(capsys, "--corpus", str(broken), "show", "1989-lecun-cnn", "--index", str(index_dir))
    assert status == 0 and "1989" in out
    (note,) = err.splitlines()
    assert note.startswith(f"note: the corpus at {broken} cannot be read (") and "eras.yaml" in note
    assert "is up to date is not known" in note and "`papersearch validate`" in note
