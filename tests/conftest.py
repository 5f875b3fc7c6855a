"""Shared fixtures: the real corpus, one real index of it built once per test run, and one uvicorn serving it.

Under pytest-xdist every worker has its own session fixtures; the index is still built once per run,
by whichever worker asks first, into the run's shared temporary folder (the others wait on a lock and
read it: tests never write to it, they copy it to change it). The server is one per worker. A fixture's
set-up does not count against a test's ``timeout`` mark (``timeout_func_only`` in pyproject.toml).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from papersearch.core.models import Paper
from papersearch.core.names import named_authors

from .conftest_api import Server, running_server

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEED = ROOT.parent / "shared" / "seed" / "000_d8fdb14f3d820a03.txt"
MODEL = "bundled:all-MiniLM-L6-v2"
# every dev file: the first, hand-graded with the code in view, and the blind ones, written from the corpus alone
DEV_FILES = sorted((ROOT / "tests" / "data").glob("queries*.jsonl"))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Under xdist each worker gets its share of the cores for torch's and OpenBLAS's OpenMP pools, and the commands
# and servers its tests start inherit it: two workers of two threads each on two cores spin against each other,
# and a torch encode took 13-15 times as long (0.8 s a query instead of 0.06) on a busy machine.
if workers := os.environ.get("PYTEST_XDIST_WORKER_COUNT"):
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // int(workers))))

# The longest files first (each a minute or more of one worker here), measured as one worker's time from a file's
# first test to its last in a full `make test`, so that the two workers end together: the Makefile hands the files
# out in this order (--no-loadscope-reorder), not xdist's default of most tests first, which left Ray, the benchmark
# smoke runs and the other few-test, minutes-long files to the end. Each file's tests keep their order; the rest
# stay alphabetical.
# test_structure.py goes before them all (a few seconds, on one worker while the other builds the session index):
# it is the suite's one heavy user of ast.parse, so it runs before Ray's file on either worker; a worker that ran
# Ray's file early later hit CPython 3.11.7's "AST constructor recursion depth mismatch" (gh-106905: the ast
# module's depth count goes wrong, seen in programs running threads) when this order was first tried
FIRST_FILES = ("test_structure.py",)
LONGEST_FILES = (
    "test_ray.py",
    "test_hostile_http.py",
    "test_hostile_corpus.py",
    "test_reliability.py",
    "test_candidates.py",
    "test_scale.py",
    "test_web.py",
    "test_bench_scale.py",
    "test_index.py",
    "test_disk_full.py",
    "test_faults.py",
    "test_mcp_fuzz.py",
    "test_api.py",
    "test_answer.py",
    "test_onnx.py",
    "test_cli_import.py",
    "test_paths.py",
    "test_mcp.py",
)


# Fixtures whose set-up alone takes the "slow" marker's 3 s and more: a test that uses one is marked slow, so
# that `make test-fast` leaves it to `make test` (85 s of set-up and 2 minutes of calls on a busy machine).
SLOW_FIXTURES = {
    "synthetic": "test_candidates.py's 2,000-paper list, built and indexed once for the file",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Collected files reordered longest first (``FIRST_FILES``, then ``LONGEST_FILES``), the order within each file
    kept; a test that uses one of ``SLOW_FIXTURES`` marked slow."""
    rank = {name: i for i, name in enumerate((*FIRST_FILES, *LONGEST_FILES))}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
    for item in items:
        if SLOW_FIXTURES.keys() & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"the seed page is not beside the project ({SEED})")
    return SEED


def _shared(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """The run's folder ``name``, made by ``make`` in the first worker that asks, read by the others (see the top)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, which every worker's own folder is in
    out = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the build fails
        if not (root / f"{name}.done").exists():
            shutil.rmtree(out, ignore_errors=True)  # what a failed build by another worker left
            make(out)
            (root / f"{name}.done").touch()
    return out


def _shared_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's index of the real corpus."""
    from papersearch.index.build import build

    return _shared(tmp_path_factory, "shared-index", lambda out: build(CORPUS, out, MODEL))


def _unpublished(index: Path) -> Callable[[str, list[str]], set[str]]:
    """``copytree``'s ``ignore`` for a copy of ``index``: a build in progress (``.build-*``) and a half-written
    pointer in its top folder, and a verdict being written by a reader (a server checking a version) anywhere;
    everything else (the pointer, the versions, the export cache) kept."""
    from papersearch.index import layout, store

    top, anywhere = (".build-", f".{store.POINTER}.tmp"), f".{layout.VERDICT}."

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n.startswith(anywhere) and n.endswith(".tmp")}
        return skipped | ({n for n in names if n.startswith(top)} if Path(folder) == index else set())

    return ignore


def copy_index(index: Path, dst: Path) -> Path:
    """A copy of ``index`` as published, to change or serve: never a build that was under way as it was copied,
    which the copy would carry as a leftover of its own (a test once found a ``.build-*`` folder it had not made)."""
    shutil.copytree(index, dst, symlinks=True, ignore=_unpublished(index))
    return dst


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A real index of the real corpus, built once per run (read-only for tests: copy it to change it, with
    ``copy_index`` or ``index_copy``). At the end of each worker's share of the run it still serves the version it
    was built as: a test that built into it would leak its change into every test after it.

    Not checked here: a ``.build-*`` folder named for the very version published, which the building worker was
    seen to leave in it after the publish (once in a run, with Ray's file on that worker); copies leave it out."""
    from papersearch.index import store

    out = _shared_index(tmp_path_factory)
    version = store.current_version(out)
    yield out
    now = store.current_version(out)
    assert now == version, f"the session index {out} now serves {now}, not {version}: copy it (copy_index) to change it"


# A synthetic list (scripts/synth_corpus.py, seed 0) long enough for a reading list of more than the API's cap of
# 100 entries (120 papers gave 99 at most with the real model) and for Ray to kill a node while it embeds (about
# 1,000 passages, four blocks of distributed.BLOCK_TEXTS for two actors)
SYNTHETIC_PAPERS = 150


@pytest.fixture(scope="session")
def synthetic_list(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus, index): ``SYNTHETIC_PAPERS`` synthetic papers and their index, built with the real model once per
    run for test_ray.py (the local reference) and test_web.py (a long reading list) alike; the session index's
    ONNX export cache spares a new export. Read-only for tests: copy it (``copy_index``) to change it."""
    import synth_corpus
    from papersearch.index import store
    from papersearch.index.build import build

    def make(out: Path) -> None:
        corpus = synth_corpus.write_corpus(SYNTHETIC_PAPERS, out / "corpus", seed=0)
        shutil.copytree(index_dir / store.CACHE, out / "index" / store.CACHE)
        build(corpus, out / "index", MODEL)

    out = _shared(tmp_path_factory, "synthetic-list", make)
    return out / "corpus", out / "index"


IMPORTED_BIB = ROOT / "tests" / "data" / "imports" / "imported.bib"


@pytest.fixture(scope="session")
def imported(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus, index): the real corpus with two papers imported from BibTeX, neither with a question or a summary
    (one with an arXiv id and an https address, one with a DOI and an http one), and its index, built from a copy
    of the shared one, so that only they are embedded (read-only for tests)."""
    from papersearch.corpus.imports import run_import
    from papersearch.index.build import build

    root = tmp_path_factory.mktemp("imported")
    corpus, index = root / "corpus", root / "index"
    shutil.copytree(CORPUS, corpus)
    copy_index(index_dir, index)
    run_import(IMPORTED_BIB, corpus)
    build(corpus, index, MODEL)
    return corpus, index


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


@pytest.fixture
def index_copy(index_dir: Path, tmp_path: Path) -> Path:
    return copy_index(index_dir, tmp_path / "index")


@pytest.fixture(scope="session")
def searcher(index_dir: Path):  # type: ignore[no-untyped-def]
    from papersearch import Searcher

    return Searcher.load(index_dir)


ADMIN_TOKEN = "shared-server-token-5e1b7a"


@pytest.fixture(scope="session")
def server(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One uvicorn serving the session index read-only, with an admin token so fuzzing reaches its check.

    Shared by the files that only read from a server (hostile HTTP, reliability, the web page); a test
    that changes what is served starts its own with ``running_server``.
    """
    log = tmp_path_factory.mktemp("server") / "server.log"
    with running_server(index_dir, CORPUS, log, {"PAPERSEARCH_ADMIN_TOKEN": ADMIN_TOKEN}) as s:
        yield s
        assert httpx.get(s.url + "/health", timeout=10).json()["status"] == "ok"  # after all it was sent
    assert ADMIN_TOKEN not in s.output()  # whatever was sent, the token never reached the log


def cited_authors(paper: Paper) -> tuple[tuple[str, ...], bool]:
    """The authors a citation carries: the names, and whether more go unnamed (DeepSeek-R1's list ends "over 100
    additional authors", which every format says as et al. and an import reads back as ``et_al``)."""
    names, more = named_authors(paper.authors, paper.et_al)
    return tuple(names), more


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``papersearch ARGS`` in this process: (exit status, stdout, stderr); argparse's own refusals exit 2 here."""
    from papersearch.cli import main

    try:
        status = main(list(args))
    except SystemExit as exc:
        status = int(exc.code or 0)
    out = capsys.readouterr()
    return status, out.out, out.err


# Debian's Chromium, as the page tests drive it (Playwright never downloads a browser here)
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium a module's page tests share (each test opens its own context)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()
