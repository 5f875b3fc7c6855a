"""What a version must prove before it is served: every file hashed (the model's weights too), a verdict a
one-shot command may trust only while its files are untouched, and a CURRENT that is a plain pointer.

Same-size damage to any file of a version, weights included, is caught on load and at a running
service's swap, every time; CURRENT is read as a regular file of the index folder only, and what
it holds is never quoted back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from papersearch.core.errors import IndexStateError
from papersearch.core.settings import Settings
from papersearch.index import integrity, layout, store
from papersearch.index.build import build
from papersearch.index.check import check
from papersearch.index.reader import read_version
from papersearch.query.searcher import Searcher
from papersearch.serve.app import create_app
from papersearch.serve.live import LiveIndex

from .conftest import CORPUS, MODEL

pytestmark = pytest.mark.slow
WEIGHTS = f"{layout.QUERY_ENCODER}/model.onnx.data"
SECRET = "root:x:0:0:secret-line-never-to-be-quoted"


def corrupt(path: Path) -> None:
    """Same-size damage in place: 16 float32 exponents flipped in the weights, 16 bytes turned over elsewhere."""
    size = path.stat().st_size
    at = (size // 2) & ~3
    with path.open("r+b") as fh:
        fh.seek(at)
        data = bytearray(fh.read(64 if path.name == "model.onnx.data" else 16))
        if path.name == "model.onnx.data":
            for i in range(3, len(data), 4):
                data[i] ^= 0x40  # the high bit of each little-endian float's exponent
        else:
            data = bytearray(b ^ 0x5A for b in data)
        fh.seek(at)
        fh.write(bytes(data))
    assert path.stat().st_size == size


def damaged_copy(src: Path, rel: str, name: str, damage: bool = True) -> Path:
    """A new version beside the version ``src``: its files linked but ``rel``, copied (and damaged)."""
    dst = src.parent / name
    for f in sorted(src.rglob("*")):
        if f.is_file() and f.name != layout.VERDICT:
            out = dst / f.relative_to(src)
            out.parent.mkdir(parents=True, exist_ok=True)
            if f.relative_to(src).as_posix() == rel:
                shutil.copyfile(f, out)
                if damage:
                    corrupt(out)
            else:
                os.link(f, out)
    return dst


def every_file(index: Path) -> list[str]:
    return [layout.MANIFEST, *layout.read_manifest(store.version_dir(index))["files"]]


def test_same_size_damage_to_any_file_is_caught_on_load_and_at_swap(index_copy: Path, searcher: Searcher) -> None:
    files = every_file(index_copy)
    assert WEIGHTS in files and len(files) >= 15
    good = store.current_version(index_copy)
    live = LiveIndex(Settings(corpus=CORPUS, index=index_copy, model=MODEL), searcher)
    caught = {"load": 0, "one-shot load": 0, "swap": 0}
    for i, rel in enumerate(files):
        vdir = damaged_copy(store.version_dir(index_copy, good), rel, f"v-damaged-{i:02d}")
        for how, trust in (("load", False), ("one-shot load", True)):
            with pytest.raises(IndexStateError) as exc:
                read_version(vdir, trust_verdict=trust)
            caught[how] += Path(rel).name in str(exc.value) and "papersearch index" in str(exc.value)
        (index_copy / store.POINTER).write_text(vdir.name + "\n", encoding="utf-8")
        swapped = live.refresh()
        caught["swap"] += not swapped and live.searcher is searcher and Path(rel).name in (live.problem or "")
        shutil.rmtree(vdir)
    assert caught == {how: len(files) for how in caught}, caught
    (index_copy / store.POINTER).write_text(good + "\n", encoding="utf-8")
    assert not live.refresh() and live.problem is None  # the good version again: nothing to swap, nothing wrong


def test_a_one_shot_load_trusts_a_full_check_only_while_its_files_are_untouched(
    index_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vdir = store.version_dir(index_copy)
    n_files = len(layout.read_manifest(vdir)["files"])
    hashed: list[str] = []
    real = integrity.file_sha256

    def counted(path: Path) -> str:
        hashed.append(path.relative_to(vdir).as_posix())
        return real(path)

    monkeypatch.setattr(integrity, "file_sha256", counted)
    read_version(vdir, trust_verdict=True)  # a copied index: no verdict holds for its files, so all are hashed
    assert len(hashed) == n_files and WEIGHTS in hashed
    hashed.clear()
    read_version(vdir, trust_verdict=True)
    assert hashed == []  # the verdict just recorded vouches for every file
    read_version(vdir)
    assert len(hashed) == n_files  # a service's load hashes every file, verdict or not

    weights = vdir / WEIGHTS
    before = weights.stat()
    corrupt(weights)
    os.utime(weights, ns=(before.st_atime_ns, before.st_mtime_ns))  # the modification time put back
    assert weights.stat().st_mtime_ns == before.st_mtime_ns and weights.stat().st_size == before.st_size
    with pytest.raises(IndexStateError, match=r"model\.onnx\.data is damaged"):
        read_version(vdir, trust_verdict=True)  # the change time moved: the verdict no longer holds


def test_the_first_one_shot_command_after_a_build_hashes_nothing(
    corpus_copy: Path, index_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build's own full check records the verdict, after old versions (sharing the ONNX files) are removed."""
    paper = corpus_copy / "papers" / "1991-krogh-weight-decay.md"
    removed = []
    for n in range(store.KEEP_VERSIONS + 1):
        head, _, rest = paper.read_text(encoding="utf-8").partition("question: ")
        paper.write_text(f"{head}question: How can overfitting be avoided ({n})?\n{rest.partition(chr(10))[2]}")
        removed += build(corpus_copy, index_copy, MODEL).removed
    assert removed  # versions were pruned, unlinking the query encoder files the new version shares
    hashed: list[Path] = []
    real = integrity.file_sha256
    monkeypatch.setattr(integrity, "file_sha256", lambda path: hashed.append(path) or real(path))
    Searcher.load(index_copy, trust_verdict=True)
    assert hashed == []


def test_rot_beneath_the_file_system_is_caught_by_every_full_check(index_copy: Path, searcher: Searcher) -> None:
    """Bits that rot on the medium leave every stat as it was: a verdict cannot see them (the documented limit of
    a one-shot command), so the service's load and swap, and `index --check`, hash every file regardless."""
    new = damaged_copy(store.version_dir(index_copy), WEIGHTS, "v-rotted", damage=False)  # its own copy of the weights
    manifest = layout.read_manifest(new)
    read_version(new)  # a full check records its verdict
    weights = new / WEIGHTS
    corrupt(weights)
    verdict = json.loads((new / layout.VERDICT).read_text(encoding="utf-8"))
    st = weights.stat()  # rot beneath the file system: the verdict's stamp still matches the file
    verdict["files"][WEIGHTS] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
    (new / layout.VERDICT).write_text(json.dumps(verdict), encoding="utf-8")
    assert verdict["manifest"] == manifest["checksum"]
    read_version(new, trust_verdict=True)  # what a verdict cannot see ...
    with pytest.raises(IndexStateError, match=r"model\.onnx\.data is damaged"):
        read_version(new)  # ... a full check sees
    (index_copy / store.POINTER).write_text("v-rotted\n", encoding="utf-8")
    live = LiveIndex(Settings(corpus=CORPUS, index=index_copy, model=MODEL), searcher)
    assert not live.refresh() and live.searcher is searcher and "model.onnx.data" in (live.problem or "")
    ok, message = check(CORPUS, index_copy, MODEL)
    assert not ok and "model.onnx.data is damaged" in message


def _cli(*args: str, index: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "papersearch", "--index", str(index), *args]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def test_ask_refuses_rotted_weights_in_one_line(index_copy: Path) -> None:
    assert _cli("ask", "attention is all you need", index=index_copy).returncode == 0  # records a verdict
    corrupt(store.version_dir(index_copy) / WEIGHTS)
    out = _cli("ask", "attention is all you need", index=index_copy)
    assert out.returncode == 1 and out.stdout == "", out.stdout
    assert len(out.stderr.splitlines()) == 1 and "model.onnx.data is damaged" in out.stderr, out.stderr


# ---------------------------------------------------------------- CURRENT, a plain pointer


def _refused(index: Path) -> str:
    with pytest.raises(IndexStateError) as exc:
        store.current_version(index)
    message = str(exc.value)
    assert str(index / store.POINTER) in message and "papersearch index" in message
    return message


def test_a_symlinked_current_is_refused_and_its_target_never_quoted(index_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    pointer = index_copy / store.POINTER
    good = store.current_version(index_copy)
    for target in (secret, Path("/etc/passwd"), tmp_path / "pointer"):
        (tmp_path / "pointer").write_text(good + "\n", encoding="utf-8")  # even one naming a real version
        pointer.unlink()
        pointer.symlink_to(target)
        message = _refused(index_copy)
        assert "symlink" in message and SECRET not in message and "root:" not in message, message


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("hunter2-not-a-version\n", "does not name a version"),
        ("x" * 10_000, "does not name a version"),
        ("../../etc\n", "does not name a version"),
        ("\n", "does not name a version"),
    ],
)
def test_what_current_holds_is_never_quoted(index_copy: Path, content: str, said: str) -> None:
    (index_copy / store.POINTER).write_text(content, encoding="utf-8")
    message = _refused(index_copy)
    assert said in message and "hunter2" not in message and "xxxx" not in message and "etc" not in message


def test_current_that_is_not_a_regular_file_is_refused_without_blocking(index_copy: Path) -> None:
    pointer = index_copy / store.POINTER
    pointer.unlink()
    os.mkfifo(pointer)
    done: list[str] = []
    reader = threading.Thread(target=lambda: done.append(_refused(index_copy)))
    reader.start()
    reader.join(5)
    assert done and "FIFO" in done[0]  # answered at once: a FIFO with no writer is never waited on
    pointer.unlink()
    pointer.mkdir()
    assert "a directory" in _refused(index_copy)


def test_a_symlinked_current_is_named_not_quoted_by_the_cli_and_health(
    index_copy: Path, searcher: Searcher, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    app = create_app(Settings(corpus=CORPUS, index=index_copy, model=MODEL), searcher, reload_interval=0)
    with TestClient(app) as c:
        pointer = index_copy / store.POINTER
        pointer.unlink()
        pointer.symlink_to(secret)
        assert app.state.live.refresh() is False
        health = c.get("/health").json()
        assert health["status"] == "degraded" and health["index_version"] == searcher.version
        assert "CURRENT is a symlink" in health["problem"] and "secret-line" not in health["problem"], health
        assert c.get("/search?q=perceptron").status_code == 200  # the last good version keeps serving
    out = _cli("ask", "perceptron", index=index_copy)
    assert out.returncode == 1 and len(out.stderr.splitlines()) == 1, out.stderr
    assert "CURRENT is a symlink" in out.stderr and "secret-line" not in out.stderr + out.stdout
    report = build(CORPUS, index_copy, MODEL)  # a build puts a regular CURRENT in its place
    assert not pointer.is_symlink() and store.current_version(index_copy) == report.version
    assert secret.read_text(encoding="utf-8") == SECRET + "\n"  # the target was never written
