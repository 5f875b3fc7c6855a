"""Settings: every variable read and checked once; a bad value stops start-up naming it, in every face."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from papersearch.core.errors import SettingsError
from papersearch.core.flags import FLAG_WORDS, YES
from papersearch.core.params import check_flag
from papersearch.core.settings import VARIABLES, Settings

BAD = [
    ("PAPERSEARCH_ORT_THREADS", "two", "a whole number from 1 to 256"),
    ("PAPERSEARCH_ORT_THREADS", "0", "a whole number from 1 to 256"),
    ("PAPERSEARCH_ORT_THREADS", "999999", "a whole number from 1 to 256"),  # onnxruntime would start them all
    ("PAPERSEARCH_ORT_THREADS", "²", "a whole number from 1 to 256"),  # a digit to str.isdigit, not to int()
    ("PAPERSEARCH_NPROBE", "-3", "a whole number, 1 or more"),
    ("PAPERSEARCH_EF_SEARCH", "1.5", "a whole number, 1 or more"),
    ("PAPERSEARCH_FAISS_THREADS", "all", "a whole number from 1 to 256"),
    ("PAPERSEARCH_FAISS_THREADS", "100000", "a whole number from 1 to 256"),
    ("PAPERSEARCH_RELOAD_INTERVAL", "soon", "a number of seconds"),
    ("PAPERSEARCH_RELOAD_INTERVAL", "-1", "a number of seconds"),
    ("PAPERSEARCH_QUERY_ENCODER", "gpu", "one of auto, onnx, torch"),
    ("PAPERSEARCH_MCP", "maybe", "1 or 0"),
    ("PAPERSEARCH_QUERY_PRECISION", "fp16", "one of int8, fp32"),
    ("PAPERSEARCH_QUERY_BATCH", "0", "a whole number from 1 to 1,024"),
    ("PAPERSEARCH_QUERY_BATCH", "10000000", "a whole number from 1 to 1,024"),
]


@pytest.mark.parametrize(("name", "value", "accepted"), BAD, ids=[f"{n}={v}" for n, v, _ in BAD])
def test_a_bad_value_names_the_variable_and_what_it_accepts(name: str, value: str, accepted: str) -> None:
    with pytest.raises(SettingsError) as exc:
        Settings.from_env(env={name: value})
    assert str(exc.value).startswith(f"{name}={value!r} is not valid: ") and accepted in str(exc.value)


def test_good_values_are_read_and_flags_win_over_the_environment(tmp_path: Path) -> None:
    env = {
        "PAPERSEARCH_CORPUS": str(tmp_path / "c"),
        "PAPERSEARCH_INDEX": str(tmp_path / "i"),
        "PAPERSEARCH_ORT_THREADS": "3",
        "PAPERSEARCH_NPROBE": "40",
        "PAPERSEARCH_RELOAD_INTERVAL": "0.5",
        "PAPERSEARCH_QUERY_ENCODER": "TORCH",
        "PAPERSEARCH_QUERY_PRECISION": "INT8",
        "PAPERSEARCH_CORS_ORIGINS": " http://a.test , ,http://b.test",
        "PAPERSEARCH_ADMIN_TOKEN": "",
        "PAPERSEARCH_QUERY_BATCH": "4",
    }
    s = Settings.from_env(index=tmp_path / "flag", env=env)
    assert (s.corpus, s.index) == (tmp_path / "c", tmp_path / "flag")
    assert (s.ort_threads, s.nprobe, s.reload_interval, s.query_encoder, s.query_precision) == (
        3,
        40,
        0.5,
        "torch",
        "int8",
    )
    assert s.cors_origins == ("http://a.test", "http://b.test") and s.admin_token is None and s.query_batch == 4
    assert Settings.from_env(env={}).query_batch == 16 and Settings.from_env(env={}).query_precision == "fp32"
    assert s.query_threads(one_shot=True) == 3
    assert Settings().query_threads(one_shot=True) == 1 and Settings().query_threads() == min(2, os.cpu_count() or 1)


def test_every_variable_the_code_names_is_a_setting() -> None:
    """A PAPERSEARCH_ variable named anywhere in the package is one Settings reads (and README documents)."""
    import re

    src = Path(__file__).resolve().parents[1] / "src" / "papersearch"
    named = {m for p in src.rglob("*.py") for m in re.findall(r"PAPERSEARCH_[A-Z0-9_]+", p.read_text(encoding="utf-8"))}
    assert named <= set(VARIABLES), named - set(VARIABLES)
    read = Settings.from_env(env={})  # every variable unset: the defaults
    assert read == Settings(corpus=read.corpus, index=read.index)


@pytest.mark.parametrize(
    "command",
    [["-m", "papersearch", "ask", "perceptron"], ["-m", "papersearch.serve", "--port", "1"]],
    ids=["ask", "serve"],
)
def test_a_bad_setting_stops_start_up_with_one_line(command: list[str], index_dir: Path) -> None:
    env = dict(os.environ, PAPERSEARCH_INDEX=str(index_dir), PAPERSEARCH_RELOAD_INTERVAL="soon")
    out = subprocess.run([sys.executable, *command], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == [
        "error: PAPERSEARCH_RELOAD_INTERVAL='soon' is not valid: a number of seconds from 0 (never check) to 86400"
    ]


@pytest.mark.parametrize("word", [*FLAG_WORDS, "TRUE", " Off "])
def test_a_setting_and_a_parameter_take_the_same_yes_and_no_words(word: str) -> None:
    """One list of words (core.flags): what PAPERSEARCH_MCP reads as yes, ``understand`` reads as true."""
    assert Settings.from_env(env={"PAPERSEARCH_MCP": word}).mcp is check_flag("understand", word)
    assert (word.strip().lower() in YES) is check_flag("understand", word)


def test_settings_are_read_by_the_entry_points_and_passed_down() -> None:
    """The stages that serve questions take Settings as given; only the entry points read the environment."""
    src = Path(__file__).resolve().parents[1] / "src" / "papersearch"
    readers = {
        str(p.relative_to(src))
        for stage in ("query", "serve", "cli", "agent")
        for p in (src / stage).rglob("*.py")
        if "Settings.from_env(" in p.read_text(encoding="utf-8")
    }
    # the command line's main, ``python -m papersearch.serve``, and Searcher.load for a Python caller that gives none
    assert readers == {"cli/__init__.py", "serve/run.py", "query/searcher.py"}
    assert not [
        str(p.relative_to(src))
        for stage in ("query", "serve", "cli", "agent")
        for p in (src / stage).rglob("*.py")
        if "or Settings.from_env()" in p.read_text(encoding="utf-8")
    ]


def test_the_corpus_and_index_default_to_the_folders_where_the_command_runs(tmp_path: Path) -> None:
    """`./corpus` and `./index`, as `--help` and the README say: not the folders beside the installed package, which a
    user working in a folder of their own would edit and check without knowing."""
    from .conftest import CORPUS

    (tmp_path / "corpus" / "papers").mkdir(parents=True)
    (tmp_path / "corpus" / "eras.yaml").write_bytes((CORPUS / "eras.yaml").read_bytes())
    for paper in sorted((CORPUS / "papers").glob("*.md"))[:2]:
        (tmp_path / "corpus" / "papers" / paper.name).write_bytes(paper.read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERSEARCH_")}
    run = subprocess.run(
        [sys.executable, "-m", "papersearch", "validate"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    assert "2 papers" in run.stdout
    settings = Settings.from_env(env={})
    assert settings.corpus == Path("corpus").resolve() and settings.index == Path("index").resolve()
