"""``papersearch serve`` on an address it cannot take: one line saying why, and nothing saying it serves.

The service used to load the index, print "serving index ... at http://127.0.0.1:8000/", and only then
let uvicorn find the port taken (a log line and exit 1): a reader saw it serving. The address is now
tried before anything is said.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CORPUS
from .conftest_api import ROOT

PAPERSEARCH = Path(sys.executable).parent / "papersearch"


def run(command: list[str], index: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERSEARCH_")}
    env.update(HF_HUB_OFFLINE="1", PAPERSEARCH_INDEX=str(index), PAPERSEARCH_CORPUS=str(CORPUS))
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "papersearch.serve", "--host", "127.0.0.1", "--port", "{port}"],
        [str(PAPERSEARCH), "serve", "--host", "127.0.0.1", "--port", "{port}"],
    ],
    ids=["python -m papersearch.serve", "papersearch serve"],
)
def test_a_port_in_use_is_said_in_one_line_and_nothing_says_serving(command: list[str], index_dir: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run([part.format(port=port) for part in command], index_dir)
    assert done.returncode == 1, done
    assert "serving" not in done.stdout + done.stderr, done
    assert done.stderr.splitlines() == [
        f"error: port {port} on 127.0.0.1 is in use by another program; stop it, or choose another port with --port"
    ], done.stderr
