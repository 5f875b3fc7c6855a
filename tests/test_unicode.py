"""What counts as text in a query: control characters and lone surrogates are refused, every other code point is
text, one newer than Python's Unicode tables (``cnn 🫨``, U+1FAE8, Unicode 15) and private-use ones included.

The one rule is ``core.params.has_invalid_characters``; the HTTP API, the command line and the MCP tools
(``tests/test_mcp_fuzz.py``) all go through it.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from papersearch.core.errors import QueryError
from papersearch.core.params import INVALID_CHARACTERS, check_query, has_invalid_characters
from papersearch.core.settings import Settings
from papersearch.query.searcher import Searcher
from papersearch.serve.app import create_app

from .conftest import CORPUS, MODEL

SHAKING_FACE = "\U0001fae8"  # 🫨, Unicode 15 (2022): Python 3.11's tables (Unicode 14) call it unassigned
TEXT = [
    f"cnn {SHAKING_FACE}",
    "cnn \ue000",  # private use, Basic Multilingual Plane
    "cnn \U000f0000",  # private use, plane 15
    "cnn \U0010fffd",  # private use, plane 16
    "cnn \U000e0001",  # a tag character (Cf)
    "cnn \u0378",  # unassigned in the Basic Multilingual Plane
    "cnn \ufdd0",  # a noncharacter: still not a control character
    "family \U0001f468\u200d\U0001f469\u200d\U0001f467",  # an emoji sequence joined by ZERO WIDTH JOINER (Cf)
    "\u202eright to left\u202c",  # bidirectional controls are format characters (Cf), not control (Cc)
    "réseaux de neurones 神经网络",
]
REFUSED = ["cnn \x00", "cnn\x1b[31m", "a\x7fb", "a\x85\x9fb", "cnn \ud800", "\udfff cnn", "a\x08b"]


@pytest.mark.parametrize("query", TEXT, ids=[ascii(q) for q in TEXT])
def test_any_code_point_but_control_and_surrogate_is_text(query: str) -> None:
    assert check_query(query) == " ".join(query.split())
    assert not has_invalid_characters(query)


@pytest.mark.parametrize("query", REFUSED, ids=[ascii(q) for q in REFUSED])
def test_control_characters_and_lone_surrogates_are_refused_in_one_wording(query: str) -> None:
    with pytest.raises(QueryError) as exc:
        check_query(query)
    assert exc.value.param == "q" and str(exc.value) == f"q: the query {INVALID_CHARACTERS}"


def test_the_new_emoji_is_unknown_to_this_python_and_still_accepted() -> None:
    """The case the rule is for: a character the tables call unassigned (Cn) on this Python is text all the same."""
    if unicodedata.unidata_version >= "15.0.0":
        pytest.skip(f"this Python's Unicode tables ({unicodedata.unidata_version}) know U+1FAE8")
    assert unicodedata.category(SHAKING_FACE) == "Cn"
    assert check_query(f"cnn {SHAKING_FACE}") == f"cnn {SHAKING_FACE}"


def test_the_http_api_searches_a_new_emoji_and_refuses_a_control_character(index_dir: Path, searcher: Searcher) -> None:
    app = create_app(Settings(corpus=CORPUS, index=index_dir, model=MODEL), searcher, reload_interval=0)
    with TestClient(app) as client:
        found = client.get("/search", params={"q": f"cnn {SHAKING_FACE}", "k": 3})
        answered = client.get("/answer", params={"q": f"who made cnn {SHAKING_FACE}"})
        refused = client.get("/search", params={"q": "cnn \x01"})
    assert found.status_code == 200 and found.json()["results"][0]["id"] == "1989-lecun-cnn"
    assert found.json()["query"] == f"cnn {SHAKING_FACE}"
    assert answered.status_code == 200
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "status": 422,
        "type": "invalid_parameter",
        "message": f"q: the query {INVALID_CHARACTERS}",
        "param": "q",
    }


@pytest.mark.slow
def test_the_command_line_searches_a_new_emoji(index_dir: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "papersearch", "ask", "--index", str(index_dir), "-k", "1", f"cnn {SHAKING_FACE}"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "1989-lecun-cnn" in out.stdout
