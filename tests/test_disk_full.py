"""A full disk during a build, for real: a small tmpfs filled to leave from nothing to more than a build needs.

At every level a rebuild either publishes a complete version (exit 0), or exits 1 with one line
naming what it could not write, no traceback, no Bus error, nothing left behind and CURRENT as it
was. A first build on a disk too small for the ONNX export fails the same way: no version is
published without its query encoder. Needs root (to mount the tmpfs); skipped, saying so, elsewhere.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from papersearch.index import disk, layout, store
from papersearch.index.reader import check_version

from .conftest import CORPUS

pytestmark = pytest.mark.slow
LEVELS = 24  # free-space levels, from none to more than a rebuild needs
SMALL_PAPERS = 6  # the small corpus: the real corpus's first papers (their vectors are reused, not embedded)
PAGE = 4096


@pytest.fixture
def mount_point(tmp_path: Path) -> Iterator[Path]:
    """A folder on which ``small_disk`` mounts tmpfs file systems; unmounted after."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (this test fills a tmpfs to see the build fail)")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    yield mnt
    subprocess.run(["umount", str(mnt)], capture_output=True, check=False)


def small_disk(mnt: Path, size: int) -> Path:
    """A tmpfs of ``size`` bytes on ``mnt``; skips the test when mounting is not permitted here."""
    subprocess.run(["umount", str(mnt)], capture_output=True, check=False)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    return mnt


def small_corpus(dst: Path) -> Path:
    (dst / "papers").mkdir(parents=True)
    shutil.copy2(CORPUS / "eras.yaml", dst / "eras.yaml")
    for p in sorted((CORPUS / "papers").glob("*.md"))[:SMALL_PAPERS]:
        shutil.copy2(p, dst / "papers" / p.name)
    return dst


def edit(corpus: Path, n: int) -> None:
    """A new question for the first paper: a rebuild then embeds that paper (with the ONNX export) and reuses the rest."""
    p = sorted((corpus / "papers").glob("*.md"))[0]
    head, _, rest = p.read_text(encoding="utf-8").partition("question: ")
    _, _, tail = rest.partition("\n")
    p.write_text(f"{head}question: What did edit {n} ask?\n{tail}", encoding="utf-8")


def index_on(disk: Path, index_dir: Path) -> Path:
    """The session's index on ``disk``: its export cache, and its version with the encoder linked to the cache."""
    index = disk / "index"
    shutil.copytree(index_dir / store.CACHE, index / store.CACHE)
    cached = next((index / store.CACHE).glob("onnx-*")) / "files"
    version = store.current_version(index_dir)
    src, dst = store.version_dir(index_dir), index / store.VERSIONS / version
    for f in sorted(src.rglob("*")):
        if f.is_file() and f.name != layout.VERDICT:
            (dst / f.relative_to(src)).parent.mkdir(parents=True, exist_ok=True)
            if f.parent.name == layout.QUERY_ENCODER:
                os.link(cached / f.name, dst / f.relative_to(src))
            else:
                shutil.copy2(f, dst / f.relative_to(src))
    (index / store.POINTER).write_text(version + "\n", encoding="utf-8")
    return index


def build(corpus: Path, index: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "papersearch", "--corpus", str(corpus), "index", "-q", "--index", str(index)]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` so that ``leave`` bytes (rounded to pages) stay free."""
    filler = disk / "filler"
    filler.unlink(missing_ok=True)
    free = shutil.disk_usage(disk).free
    with filler.open("wb") as fh:
        remaining = max(0, free - leave)
        while remaining:
            remaining -= fh.write(bytes(min(remaining, 1 << 20)))


def listing(index: Path) -> set[str]:
    """Every path in the index folder but the in-use version's verdict (a check rewrites it)."""
    return {p.relative_to(index).as_posix() for p in index.rglob("*") if p.name != layout.VERDICT}


def assert_refused_cleanly(out: subprocess.CompletedProcess[str], index: Path, before: set[str], pointer: str) -> None:
    """Exit 1 with one line naming a file under the index folder; nothing published, nothing left behind."""
    lines = out.stderr.splitlines()
    assert out.returncode == 1, (out.returncode, out.stderr[-2000:])
    assert len(lines) == 1 and "Traceback" not in out.stderr and "Bus error" not in out.stderr, out.stderr
    assert "no space left" in lines[0] and f"{index}/" in lines[0] and "Nothing was published" in lines[0], lines[0]
    assert (index / store.POINTER).read_text(encoding="utf-8") == pointer
    assert listing(index) == before, sorted(listing(index) ^ before)  # no .build-*, no temporary file, no version


def test_a_full_disk_at_every_level_publishes_a_whole_version_or_fails_in_one_line(
    index_dir: Path, mount_point: Path, tmp_path: Path
) -> None:
    disk = small_disk(mount_point, 160 << 20)  # the export cache (~110 MB), the versions, and room to fill
    index, corpus = index_on(disk, index_dir), small_corpus(tmp_path / "corpus")
    assert build(corpus, index).returncode == 0  # the small corpus: vectors reused, nothing embedded
    edit(corpus, 0)
    free = shutil.disk_usage(disk).free
    first = build(corpus, index)
    assert first.returncode == 0, first.stderr
    used = free - shutil.disk_usage(disk).free  # what one rebuild leaves (its temporary files come and go)
    top = used * 3 // 2 + 4 * PAGE
    outcomes = {"published": 0, "refused": 0}
    for level in range(LEVELS):
        leave = top * level // (LEVELS - 1)
        edit(corpus, level + 1)
        pointer = (index / store.POINTER).read_text(encoding="utf-8")
        before = listing(index)
        fill(disk, leave)
        out = build(corpus, index)
        (disk / "filler").unlink()
        if out.returncode == 0:
            outcomes["published"] += 1
            assert out.stderr == "" and out.stdout.startswith("published "), out.stderr
            version = store.current_version(index)
            assert pointer.strip() != version and not list(index.glob(".build-*"))
            check_version(store.version_dir(index, version))  # complete: every file, every hash
        else:
            outcomes["refused"] += 1
            assert_refused_cleanly(out, index, before, pointer)
    assert outcomes["refused"] >= LEVELS // 3 and outcomes["published"] >= 2, outcomes


def test_a_first_build_without_room_for_the_query_encoder_publishes_nothing(mount_point: Path, tmp_path: Path) -> None:
    disk = small_disk(mount_point, 48 << 20)  # room for the version, not for the ONNX export (~110 MB)
    index, corpus = disk / "index", small_corpus(tmp_path / "corpus")
    out = build(corpus, index)
    lines = out.stderr.splitlines()
    assert out.returncode == 1 and len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert "no space left" in lines[0] and f"{index}/{store.CACHE}/" in lines[0], lines[0]
    assert "there is still no index" in lines[0]
    assert not (index / store.POINTER).exists() and not (index / store.VERSIONS).exists()
    assert not list(index.glob(".build-*")) and not list((index / store.CACHE).glob(".tmp-*"))
    check = subprocess.run(
        [sys.executable, "-m", "papersearch", "--corpus", str(corpus), "index", "--check", "--index", str(index)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 1 and "no index" in check.stderr


def test_a_failing_disk_is_named_in_one_line_too(tmp_path: Path) -> None:
    """An I/O error (a failing disk, not a full one) ends the build as one line as well, without a space estimate."""
    exc = OSError(errno.EIO, os.strerror(errno.EIO), str(tmp_path / ".build-v1" / "vectors.npy"))
    assert disk.is_disk_error(exc) and not disk.is_disk_error(OSError("simulated, no errno"))
    message = str(disk.build_failure(exc, tmp_path, 1 << 20, "v0"))
    assert (
        message
        == f"cannot write {tmp_path}/.build-v1/vectors.npy: Input/output error; nothing was published (index v0 is still in use)"
    )
