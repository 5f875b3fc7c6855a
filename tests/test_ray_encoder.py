"""A Ray encoder actor's own checks, in a plain process (no cluster): a node's broken model copy fails before the
seconds of importing the model libraries (tests/test_ray.py sees the same failure through a real cluster)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

# the actor as Ray makes it, in a fresh process, so that what it imported before failing can be read
PROBE = """
import sys
from papersearch.encode.distributed import _Encoder
try:
    _Encoder(sys.argv[1])
except Exception as exc:
    print(type(exc).__name__)
    print(exc)
print(sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules))
"""


@pytest.mark.parametrize("name", ["config.json", "modules.json"])
def test_a_model_folder_whose_configuration_is_not_json_fails_before_the_model_libraries_load(
    tmp_path: Path, name: str
) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / name).write_text("not a model's configuration", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(broken)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    kind, message, imported = proc.stdout.splitlines()
    assert kind == "EncoderError"
    assert f"PAPERSEARCH_MODEL='{broken}' cannot be loaded: its {name} on node " in message
    assert "is not JSON" in message and "set it to a sentence-transformers folder" in message
    assert imported == "[]"  # told before torch, transformers or sentence-transformers was imported
