"""Hostile corpus files, one kind at a time, against the CLI and a running service.

Each kind is written into a copy of the real corpus beside a copy of the real index. `validate` and
`index` must exit 1 naming the path, with no traceback and nothing published, while one uvicorn
(started once for the module) keeps answering /search and reports the file on /health as degraded,
and is healthy again once the file is gone. Kinds a person may well write and that must load (a BOM,
CRLF line ends, a symlink inside the folder, an editor's lock file) load. No limit here is a speed
figure: each only tells a hang (a read of a FIFO or /dev/zero, an expanded alias bomb) from a slow
machine; that /health never waits for a corpus check is shown by the order of events, not a clock.
docs/reliability.md's "Hostile input" table maps each kind to its test here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from papersearch.core.errors import CorpusError, Problem
from papersearch.core.models import paper_hash
from papersearch.corpus import files
from papersearch.corpus.fields import split_front_matter
from papersearch.corpus.load import load_corpus
from papersearch.corpus.safe_yaml import parse_yaml
from papersearch.index import store
from papersearch.serve import live

from .conftest import CORPUS, copy_index
from .conftest_api import Server, running_server

HANG_SECONDS = 60.0  # a command or request still running after this hangs; a loaded 2-core machine takes 2-10 s
PAPER = "papers/zz-hostile.md"
ERAS = "eras.yaml"
ORIGINAL_ERAS = yaml.safe_load((CORPUS / ERAS).read_text(encoding="utf-8"))
BASE = {
    "id": "zz-hostile",
    "year": "1989",
    "title": "A Paper Written by a Test",
    "authors": "[Ann Example]",
    "era": "the-backpropagation-revolution",
    "question": "Can a corpus file break the loader?",
}


def paper(summary: str = "A summary written by a test.", drop: tuple[str, ...] = (), **fields: str) -> str:
    """A paper file's text: the valid BASE fields, with some replaced (raw YAML) or dropped."""
    merged = {**BASE, **fields}
    lines = [f"{key}: {value}" for key, value in merged.items() if key not in drop]
    return "---\n" + "\n".join(lines) + "\n---\n" + summary + "\n"


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """Nine levels of nine aliases: 9**9 strings once expanded."""
    rows = ['  - &a0 "lol"']
    for n in range(1, levels):
        rows.append(f"  - &a{n} [{', '.join([f'*a{n - 1}'] * width)}]")
    return "\n" + "\n".join(rows)


# ---------------------------------------------------------------- the kinds

Make = Callable[[Path, Path], None]  # (corpus, a scratch folder outside it)


@dataclass(frozen=True)
class Kind:
    name: str
    path: str  # the path the error must name, relative to the corpus
    words: str  # in the line naming it
    make: Make


def write(rel: str, data: str | bytes) -> Make:
    def make(corpus: Path, _scratch: Path) -> None:
        (corpus / rel).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    return make


def bad_paper(name: str, words: str, text: str | bytes) -> Kind:
    return Kind(name, PAPER, words, write(PAPER, text))


def bad_eras(name: str, words: str, eras: object) -> Kind:
    text = eras if isinstance(eras, str) else yaml.safe_dump(eras, sort_keys=False)
    return Kind(name, ERAS, words, write(ERAS, text))


def eras_with(change: Callable[[list[dict[str, object]]], None]) -> list[dict[str, object]]:
    eras = [dict(e) for e in ORIGINAL_ERAS]
    change(eras)
    return eras


def special(rel: str, words: str, name: str, create: Callable[[Path, Path], None]) -> Kind:
    return Kind(name, rel, words, lambda corpus, scratch: create(corpus / rel, scratch))


def _fifo(path: Path, _scratch: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path, _scratch: Path) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(path))
    except OSError as exc:
        pytest.skip(f"cannot create a socket here: {exc}")
    finally:
        sock.close()


def _device(path: Path, _scratch: Path) -> None:
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
    except OSError as exc:
        pytest.skip(f"cannot create a device node here: {exc}")


def _symlink(target: str) -> Callable[[Path, Path], None]:
    def create(path: Path, _scratch: Path) -> None:
        path.symlink_to(target)

    return create


def _symlink_out(path: Path, scratch: Path) -> None:
    outside = scratch / "valid-paper.md"
    outside.write_text(paper(id="zz-from-outside"), encoding="utf-8")
    path.symlink_to(outside)


def _symlink_loop(path: Path, _scratch: Path) -> None:
    path.symlink_to(path.with_name("zz-loop-b.md"))
    path.with_name("zz-loop-b.md").symlink_to(path)


def _symlink_to_fifo_inside(path: Path, _scratch: Path) -> None:
    os.mkfifo(path.parent.parent / "pipe")
    path.symlink_to("../pipe")


def _huge(size: int) -> Callable[[Path, Path], None]:
    def create(path: Path, _scratch: Path) -> None:
        with path.open("wb") as fh:
            fh.write(b"---\nid: zz-huge\n")
            fh.truncate(size)  # sparse: costs no disk

    return create


def _unreadable(path: Path, _scratch: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads a chmod 000 file; test_a_read_error_is_a_problem covers the error path")
    path.write_text(paper(), encoding="utf-8")
    path.chmod(0)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


EMPTY = {"year": "", "authors": "[]"}
KINDS: list[Kind] = [
    # the kinds docs/reliability.md lists under "Hostile input"
    bad_paper("edges.add is a number", "edges.add: must be a list", paper(edges="{add: 5}")),
    special(PAPER, "is a directory", "a directory", lambda p, _s: p.mkdir()),
    special(PAPER, "FIFO", "a FIFO", _fifo),
    special(PAPER, "out of the corpus folder (to /dev/zero)", "a symlink to /dev/zero", _symlink("/dev/zero")),
    bad_paper(
        "a YAML alias bomb",
        "anchor &a0 is not allowed",
        paper(bomb=alias_bomb(), edges="{add: [{target: x, evidence: *a8}]}"),
    ),
    special(PAPER, "out of the corpus folder", "a symlink to a valid paper outside", _symlink_out),
    bad_eras("two eras with the same id", "[1].id: duplicate era id", eras_with(lambda e: e[1].update(id=e[0]["id"]))),
    bad_eras(
        "an era starting after its end",
        "[2].start: 1991 is after the end 1986",
        eras_with(lambda e: e[2].update(start=1991, end=1986)),
    ),
    # front matter and YAML
    bad_paper("invalid YAML", "front matter: invalid YAML", "---\ntitle: [unclosed\n---\nbody\n"),
    bad_paper("no front matter", "front matter: missing", "Just a summary, no fields.\n"),
    bad_paper(
        "unterminated front matter", "front matter: not closed", paper().replace("\n---\nA summary", "\nA summary")
    ),
    bad_paper("empty file", "front matter: missing", ""),
    bad_paper("empty front matter", "must be a YAML mapping", "---\n---\nA summary.\n"),
    bad_paper("front matter is a list", "must be a YAML mapping", "---\n- id\n- year\n---\nA summary.\n"),
    bad_paper("an anchor and alias", "alias *who is not allowed", paper(authors="&who [Ann]", title="*who")),
    bad_paper(
        "a python/object tag",
        "tag !!python/object/apply:os.system is not allowed",
        paper(title="!!python/object/apply:os.system ['true']"),
    ),
    bad_paper("a binary tag", "tag !!binary is not allowed", paper(title="!!binary aGVsbG8=")),
    bad_paper("deep nesting (12 levels)", "nested more than 10 levels", paper(concepts=_nested(12))),
    bad_paper("deep nesting (100,000 levels)", "exceeded maximum nesting depth", paper(concepts=_nested(100_000))),
    bad_paper("30,000 authors", "more than 20,000 values", paper(authors="[" + ", ".join(["A"] * 30_000) + "]")),
    bad_paper("a duplicate key", "duplicate key 'year'", paper().replace("year: 1989", "year: 1989\nyear: 1990")),
    bad_paper(
        "two YAML documents", "more than one YAML document", paper().replace("\n---\nA", "\n--- {extra: 1}\n---\nA")
    ),
    bad_paper("a date that does not exist", "reads as a date but is not one", paper(year="1989-02-30")),
    bad_paper("a 5,000-digit year", "reads as a number but is not one", paper(year="9" * 5000)),
    bad_paper("a merge key", "'<<' cannot stand alone", paper(extra="{<<: {a: 1}}")),
    # required fields missing or empty (a question and a summary may be left out, not left empty: test_import.py)
    *[bad_paper(f"no {key}", f"{key}: missing", paper(drop=(key,))) for key in BASE if key != "question"],
    *[bad_paper(f"empty {key}", f"{key}: missing", paper(**{key: EMPTY.get(key, "''")})) for key in BASE],
    # wrong types
    bad_paper("year as text", "remove the quotes", paper(year="'1989'")),
    bad_paper("year as a decimal", "year: must be a whole number", paper(year="1989.5")),
    bad_paper("year as true/false", "year: must be a whole number", paper(year="true")),
    bad_paper("year as a list", "year: must be a whole number", paper(year="[1989]")),
    bad_paper("year 20000", "year: 20000 is outside 1800–2100", paper(year="20000")),
    bad_paper("year 1700", "year: 1700 is outside", paper(year="1700")),
    bad_paper("authors as text", "authors: must be a list of names", paper(authors="Ann Example")),
    bad_paper("authors as numbers", "authors[0]: must be text, not a whole number", paper(authors="[1, 2]")),
    bad_paper("an empty author", "authors[1]: empty", paper(authors="[Ann, '']")),
    bad_paper("title as a mapping", "title: must be text, not a mapping", paper(title="{a: b}")),
    bad_paper("title as a list", "title: must be text, not a list", paper(title="[Handwritten, Digits]")),
    bad_paper("id with bad characters", "must be lowercase letters", paper(id="'Bad ID!'")),
    bad_paper("id as a number", "id: must be text, not a whole number", paper(id="1989")),
    bad_paper("question as a number", "question: must be text", paper(question="42")),
    bad_paper("era as a list", "era: must be text, not a list", paper(era="[a, b]")),
    bad_paper("concepts as a mapping", "concepts: must be a list", paper(concepts="{name: CNN}")),
    bad_paper("concepts as numbers", "concepts[0]: must be a name or a mapping", paper(concepts="[1, 2]")),
    bad_paper("a concept without a name", "concepts[0].name: missing", paper(concepts="[{aliases: [CNN]}]")),
    bad_paper("a concept name as a number", "concepts[0].name: must be text", paper(concepts="[{name: 5}]")),
    bad_paper(
        "aliases not a list", "concepts[0].aliases: must be a list", paper(concepts="[{name: CNN, aliases: convnet}]")
    ),
    bad_paper(
        "an alias as a number", "concepts[0].aliases[1]: must be text", paper(concepts="[{name: CNN, aliases: [a, 7]}]")
    ),
    bad_paper(
        "generic not true/false",
        "concepts[0].generic: must be true or false",
        paper(concepts="[{name: CNN, generic: often}]"),
    ),
    bad_paper("edges as a list", "edges: must be a mapping", paper(edges="[1986-rumelhart-backpropagation]")),
    bad_paper("an added edge as a number", "edges.add[0]: must be a paper id", paper(edges="{add: [5]}")),
    bad_paper("an added edge without target", "edges.add[0].target: missing", paper(edges="{add: [{kind: cites}]}")),
    bad_paper(
        "an unknown edge kind",
        "edges.add[0].kind: unknown kind 'inspires'",
        paper(edges="{add: [{target: 1989-lecun-cnn, kind: inspires}]}"),
    ),
    bad_paper(
        "an edge kind as a list",
        "edges.add[0].kind: unknown kind",
        paper(edges="{add: [{target: 1989-lecun-cnn, kind: [cites]}]}"),
    ),
    bad_paper(
        "evidence as a mapping",
        "edges.add[0].evidence: must be text",
        paper(edges="{add: [{target: 1989-lecun-cnn, evidence: {a: 1}}]}"),
    ),
    bad_paper(
        "an edge to no paper",
        "edges.add[0]: reference '1999-nobody' resolves to no paper",
        paper(edges="{add: [1999-nobody]}"),
    ),
    bad_paper("edges.remove as text", "edges.remove: must be a list", paper(edges="{remove: 1989-lecun-cnn}")),
    bad_paper("edges.remove of mappings", "edges.remove[0]: must be text", paper(edges="{remove: [{id: x}]}")),
    Kind(
        "a duplicate id",
        PAPER,
        "duplicate id '1989-lecun-cnn'",
        lambda c, _s: shutil.copy(c / "papers/1989-lecun-cnn.md", c / PAPER),
    ),
    bad_paper("an unknown era", "era: unknown era 'jazz-age'", paper(era="jazz-age")),
    # bytes
    bad_paper("binary (NUL bytes)", "binary file", b"---\nid: zz\x00\n---\n"),
    bad_paper("UTF-16", "binary file", paper().encode("utf-16")),
    bad_paper("not UTF-8", "not UTF-8", paper(title="Caf\xe9").encode("latin-1")),
    special(PAPER, "at most 1,000,000 bytes", "a 50 MB file", _huge(50 * 1024 * 1024)),
    special(PAPER, "at most 1,000,000 bytes", "one byte over the cap", _huge(1_000_001)),
    # what the folder holds
    special(PAPER, "socket", "a socket", _socket),
    special(PAPER, "character device", "a device node", _device),
    special(PAPER, "symlink that leads nowhere", "a symlink loop", _symlink_loop),
    special(PAPER, "symlink that leads nowhere", "a dangling symlink", _symlink("no-such-file.md")),
    special(PAPER, "is a directory", "a symlink to a folder inside", _symlink("../papers")),
    special(PAPER, "FIFO", "a symlink to a FIFO inside", _symlink_to_fifo_inside),
    special(PAPER, "Permission denied", "no read permission", _unreadable),
    # eras.yaml
    bad_eras("eras: invalid YAML", "invalid YAML", "- id: [unclosed\n"),
    bad_eras(
        "eras overlapping",
        "[3].start: era 'recurrent-networks-language' (1990–2005) overlaps",
        eras_with(lambda e: e[3].update(start=1990)),
    ),
    bad_eras("eras out of order", "list eras oldest first", eras_with(lambda e: e.insert(0, e.pop(2)))),
    bad_eras("eras not a list", "must be a YAML list of eras", {"eras": ORIGINAL_ERAS}),
    bad_eras("eras an empty list", "lists no eras", []),
    bad_eras(
        "an era not a mapping", "[0]: each era must be a mapping", eras_with(lambda e: e.__setitem__(0, "origins"))
    ),
    bad_eras("an era without a name", "[0].name: missing", eras_with(lambda e: e[0].pop("name"))),
    bad_eras(
        "an era start as text", "[0].start: must be a whole number", eras_with(lambda e: e[0].update(start="1943"))
    ),
    bad_eras("an era year 3000", "[6].end: 3000 is outside", eras_with(lambda e: e[6].update(end=3000))),
    bad_eras(
        "an era id with bad characters", "[0].id: must be lowercase", eras_with(lambda e: e[0].update(id="Origins!"))
    ),
    bad_eras("eras: an alias bomb", "anchor &a0 is not allowed", "- id: x\n  bomb:" + alias_bomb()),
    bad_eras(
        "eras: a python tag", "tag !!python/object/apply:os.system", "- id: !!python/object/apply:os.system ['true']\n"
    ),
    Kind("eras.yaml missing", ERAS, "missing: the corpus needs a list of eras", lambda c, _s: (c / ERAS).unlink()),
    special(ERAS, "is a directory", "eras.yaml a directory", lambda p, _s: (p.unlink(), p.mkdir())),
    special(ERAS, "FIFO", "eras.yaml a FIFO", lambda p, s: (p.unlink(), _fifo(p, s))),
    special(
        ERAS,
        "out of the corpus folder",
        "eras.yaml a symlink to /dev/zero",
        lambda p, s: (p.unlink(), _symlink("/dev/zero")(p, s)),
    ),
    special(ERAS, "at most 1,000,000 bytes", "eras.yaml of 2 MB", lambda p, s: (p.unlink(), _huge(2_000_000)(p, s))),
]


# ---------------------------------------------------------------- the stage: one corpus, one index, one server


@dataclass
class Stage:
    corpus: Path
    index: Path
    scratch: Path
    server: Server
    client: httpx.Client
    papers: frozenset[str]
    eras: bytes


@pytest.fixture(scope="module")
def stage(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    root = tmp_path_factory.mktemp("hostile")
    corpus, index, scratch = root / "corpus", root / "index", root / "outside"
    shutil.copytree(CORPUS, corpus)
    copy_index(index_dir, index)
    scratch.mkdir()
    with (
        running_server(index, corpus, root / "server.log") as server,
        httpx.Client(base_url=server.url, timeout=HANG_SECONDS) as client,
    ):
        papers = frozenset(os.listdir(corpus / "papers"))
        yield Stage(corpus, index, scratch, server, client, papers, (corpus / ERAS).read_bytes())


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()


def restore(stage: Stage) -> None:
    """Undo a kind: remove every path it added, and put eras.yaml back."""
    for name in set(os.listdir(stage.corpus / "papers")) - stage.papers:
        _remove(stage.corpus / "papers" / name)
    for name in set(os.listdir(stage.corpus)) - {"papers", ERAS}:
        _remove(stage.corpus / name)
    eras = stage.corpus / ERAS
    if not eras.is_file() or eras.is_symlink() or eras.read_bytes() != stage.eras:
        _remove(eras)
        eras.write_bytes(stage.eras)
    for name in os.listdir(stage.scratch):
        _remove(stage.scratch / name)


def published(index: Path) -> tuple[str, list[str], list[str]]:
    """What a build could have changed: CURRENT, the version folders, build leftovers."""
    versions = sorted(p.name for p in (index / store.VERSIONS).iterdir())
    return store.current_version(index), versions, sorted(p.name for p in index.glob(".build-*"))


CORPUS_BYTES = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())


def bytes_read_loading(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many bytes loading ``corpus`` in this process reads, whether it loads or is refused."""
    read: list[int] = []
    real_read = os.read

    def counted(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        read.append(len(data))
        return data

    with monkeypatch.context() as m:
        m.setattr(os, "read", counted)
        with contextlib.suppress(CorpusError):
            load_corpus(corpus)
    return sum(read)


def run_cli(stage: Stage) -> dict[str, subprocess.CompletedProcess[str]]:
    """`validate` and `index` on the stage, side by side; a command still running after HANG_SECONDS fails."""
    base = [sys.executable, "-m", "papersearch"]
    commands = {
        "validate": [*base, "validate", "--corpus", str(stage.corpus)],
        "index": [*base, "index", "-q", "--corpus", str(stage.corpus), "--index", str(stage.index)],
    }
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    started = time.monotonic()
    procs = {
        name: subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for name, cmd in commands.items()
    }
    done: dict[str, subprocess.CompletedProcess[str]] = {}
    for name, proc in procs.items():
        try:
            out, err = proc.communicate(timeout=max(0.1, started + HANG_SECONDS - time.monotonic()))
        except subprocess.TimeoutExpired:
            for p in procs.values():
                p.kill()
                p.wait()
            pytest.fail(f"`{name}` did not finish within {HANG_SECONDS} s: it hangs")
        done[name] = subprocess.CompletedProcess(commands[name], proc.returncode, out, err)
    return done


HEALTH_SETTLES = 60.0  # seconds a changed corpus may take to be checked: /health answers from the last check meanwhile


def settled_health(client: httpx.Client, status: str) -> dict[str, Any]:
    """/health once it reports ``status``: the corpus is checked in the background, and until a check of the
    changed files ends /health gives the last one (it never waits long for it: see
    test_a_slow_corpus_check_never_holds_up_health); the last body when ``HEALTH_SETTLES`` runs out."""
    deadline = time.monotonic() + HEALTH_SETTLES
    while True:
        response = client.get("/health")
        body: dict[str, Any] = response.json()
        if (response.status_code == 200 and body["status"] == status) or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


@pytest.mark.timeout(4 * HANG_SECONDS)  # the commands, then /health twice, each with its own limit
@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
@pytest.mark.slow
def test_a_hostile_corpus_file_is_named_refused_and_survived(
    stage: Stage, kind: Kind, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = published(stage.index)
    try:
        kind.make(stage.corpus, stage.scratch)
        # the work is bounded by the input, not the file: no more than the real files and one capped read
        assert bytes_read_loading(stage.corpus, monkeypatch) <= CORPUS_BYTES + files.MAX_FILE_BYTES + 1
        for name, out in run_cli(stage).items():
            assert out.returncode == 1, (name, out.stdout, out.stderr)
            assert "Traceback" not in out.stderr, (name, out.stderr)
            lines = out.stderr.splitlines()
            assert any(f"error: {kind.path}:" in ln and kind.words in ln for ln in lines), (name, out.stderr)
        assert published(stage.index) == before
        search = stage.client.get("/search", params={"q": "perceptron"})
        assert search.status_code == 200 and search.json()["results"], search.text
        body = settled_health(stage.client, "degraded")
        assert body["status"] == "degraded", body
        assert kind.path in (body["problem"] or ""), body
    finally:
        restore(stage)
    health = settled_health(stage.client, "ok")
    assert health["status"] == "ok" and not health["stale"], health


def test_the_table_is_long_enough() -> None:
    assert len(KINDS) >= 41 + 7 and len({k.name for k in KINDS}) == len(KINDS)


# ---------------------------------------------------------------- what must load


GOOD = (CORPUS / "papers" / "1989-lecun-cnn.md").read_text(encoding="utf-8")
Check = Callable[[Path], None]


def _same_paper(corpus: Path) -> None:
    """The edited file loads as the very same paper (same content hash) as the original."""
    original = next(p for p in load_corpus(CORPUS).papers if p.id == "1989-lecun-cnn")
    loaded = next(p for p in load_corpus(corpus).papers if p.id == "1989-lecun-cnn")
    assert paper_hash(loaded) == paper_hash(original)


def _fifty_papers(corpus: Path) -> None:
    assert len(load_corpus(corpus).papers) == 50


def _forty_nine(corpus: Path) -> None:
    assert len(load_corpus(corpus).papers) == 49


def _warns(field: str, words: str) -> Check:
    def check(corpus: Path) -> None:
        warnings = load_corpus(corpus).warnings
        assert any(w.field == field and words in w.message for w in warnings), warnings

    return check


def _rewrite_good(change: Callable[[str], bytes]) -> Make:
    def make(corpus: Path, _scratch: Path) -> None:
        (corpus / "papers/1989-lecun-cnn.md").write_bytes(change(GOOD))

    return make


def _symlink_inside(corpus: Path, _scratch: Path) -> None:
    (corpus / "drafts").mkdir()
    (corpus / "drafts" / "real.md").write_text(paper(), encoding="utf-8")
    (corpus / PAPER).symlink_to("../drafts/real.md")


def _not_papers(corpus: Path, _scratch: Path) -> None:
    for name in ("notes.txt", "zz.md~", "zz.md.swp"):
        os.mkfifo(corpus / "papers" / name)  # were they read, they would hang


LOADS: list[tuple[str, Make, Check]] = [
    ("a valid new paper", write(PAPER, paper()), _fifty_papers),
    ("a BOM", _rewrite_good(lambda t: ("\ufeff" + t).encode()), _same_paper),
    ("CRLF line ends", _rewrite_good(lambda t: t.replace("\n", "\r\n").encode()), _same_paper),
    ("CR line ends", _rewrite_good(lambda t: t.replace("\n", "\r").encode()), _same_paper),
    ("a symlink to a file inside the folder", _symlink_inside, _fifty_papers),
    (
        "an editor's lock file (.#x.md, dangling)",
        lambda c, _s: (c / "papers/.#zz.md").symlink_to("root@host.1"),
        _forty_nine,
    ),
    ("files that are not *.md", _not_papers, _forty_nine),
    ("an unknown field", write(PAPER, paper(colour="blue")), _warns("colour", "unknown field")),
    (
        "an unknown concept field",
        write(PAPER, paper(concepts="[{name: CNN, colour: blue}]")),
        _warns("concepts[0].colour", "unknown"),
    ),
    ("a year outside its era", write(PAPER, paper(year="2001")), _warns("year", "outside its era")),
    (
        "an edge removed that names no paper",
        write(PAPER, paper(edges="{remove: [1999-nobody]}")),
        _warns("edges.remove[0]", "resolves to no paper"),
    ),
    ("empty concepts and edges", write(PAPER, paper(concepts="[]", edges="{}")), _fifty_papers),
    ("a quoted date-like title", write(PAPER, paper(title="'1989-02-30'")), _fifty_papers),
]


@pytest.mark.parametrize(("name", "make", "check"), LOADS, ids=[k[0] for k in LOADS])
def test_what_a_person_may_well_write_loads(
    corpus_copy: Path, tmp_path: Path, name: str, make: Make, check: Check
) -> None:
    make(corpus_copy, tmp_path)
    check(corpus_copy)
    out = subprocess.run(
        [sys.executable, "-m", "papersearch", "validate", "--corpus", str(corpus_copy)],
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
    )
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr


# ---------------------------------------------------------------- the pieces, directly


def test_safe_yaml_reads_the_real_corpus_as_safe_load_does() -> None:
    heads = [split_front_matter(p.read_text(encoding="utf-8")) for p in sorted((CORPUS / "papers").glob("*.md"))]
    texts = [h[0] for h in heads if h is not None] + [(CORPUS / ERAS).read_text(encoding="utf-8")]
    assert len(texts) == 50
    for text in texts:
        assert parse_yaml(text) == yaml.safe_load(text)


def test_a_read_error_is_a_problem_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.md").write_text("text", encoding="utf-8")

    def failing_read(fd: int, n: int) -> bytes:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(files.os, "read", failing_read)
    problems: list[Problem] = []
    assert files.read_corpus_file(tmp_path, "a.md", problems) is None
    assert [str(p) for p in problems] == [
        "error: a.md: cannot be read: Input/output error; check the file and its permissions"
    ]


def test_a_file_that_grows_past_the_cap_while_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.md").write_bytes(b"x" * 100)
    real_fstat = os.fstat

    def small_fstat(fd: int) -> os.stat_result:  # as it was before the file grew
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10, 0, 0, 0))

    monkeypatch.setattr(files.os, "fstat", small_fstat)
    problems: list[Problem] = []
    assert files.read_capped(tmp_path, "a.md", problems, cap=50) is None
    assert "grew past 50 bytes while being read" in problems[0].message


def test_a_slow_corpus_check_never_holds_up_health(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every call answers with the last known state while the check it started is still running: the check
    is held until the calls are over, so a state() that waited for it would see it finished (or hang)."""
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def slow_state(corpus_dir: Path) -> tuple[str | None, str | None]:
        started.set()
        release.wait(HANG_SECONDS)
        finished.set()
        return "hash-after", None

    watch = live.CorpusWatch(CORPUS, wait=0.2)
    first = watch.state()  # the real check: quick, but on a loaded machine it may outlast the 0.2 s wait
    deadline = time.monotonic() + HANG_SECONDS
    while first[0] is None and time.monotonic() < deadline:
        time.sleep(0.05)
        first = watch.state()
    assert first[0] is not None, first
    monkeypatch.setattr(live, "corpus_state", slow_state)
    monkeypatch.setattr(live, "corpus_signature", lambda root: (("changed", 0, 0, 0, 0, 0),))
    answers = [watch.state() for _ in range(3)]  # every call, not only the first
    assert started.wait(HANG_SECONDS) and not finished.is_set()
    assert answers == [first] * 3
    release.set()
    deadline = time.monotonic() + HANG_SECONDS
    while watch.state() != ("hash-after", None):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def _papers_elsewhere(corpus: Path, scratch: Path) -> None:
    shutil.move(corpus / "papers", scratch / "papers")
    (corpus / "papers").symlink_to(scratch / "papers")


def _papers_as(create: Callable[[Path], None]) -> Make:
    def make(corpus: Path, _scratch: Path) -> None:
        shutil.rmtree(corpus / "papers")
        create(corpus / "papers")

    return make


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_papers_as(lambda p: p.write_text("not a folder", encoding="utf-8")), "is a regular file, not a folder"),
        (_papers_as(os.mkfifo), "is a FIFO (named pipe), not a folder"),
        (_papers_elsewhere, "symlink leading out of the corpus folder"),
    ],
    ids=["a file", "a FIFO", "a symlink out"],
)
def test_a_papers_folder_that_is_not_one_is_named(corpus_copy: Path, tmp_path: Path, make: Make, words: str) -> None:
    make(corpus_copy, tmp_path)
    with pytest.raises(CorpusError) as exc:
        load_corpus(corpus_copy)
    assert any(p.file == "papers" and words in p.message for p in exc.value.problems), exc.value.problems
