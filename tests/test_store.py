"""A version's files on disk: what is hashed again and what keeps the previous manifest's hash; the JSON written
one item a line, read back an item at a time, and any other text refused."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from papersearch.core.errors import IndexStateError
from papersearch.index import integrity, json_files, layout


def _versions(tmp_path: Path) -> tuple[Path, Path, dict]:
    """A previous version holding two files and its manifest's file list; an empty new version."""
    old, new = tmp_path / "old", tmp_path / "new"
    (old / "sub").mkdir(parents=True)
    new.mkdir()
    (old / "sub" / "weights.bin").write_bytes(b"w" * 4096)
    (old / "small.json").write_text("[1, 2, 3]", encoding="utf-8")
    return old, new, layout.describe_files(old)


def test_files_are_hashed_without_a_previous_version(tmp_path: Path) -> None:
    old, _, files = _versions(tmp_path)
    assert files == {
        "small.json": {"size": 9, "sha256": layout.file_sha256(old / "small.json")},
        "sub/weights.bin": {"size": 4096, "sha256": layout.file_sha256(old / "sub" / "weights.bin")},
    }


def test_a_hard_link_keeps_the_recorded_hash(tmp_path: Path) -> None:
    old, new, files = _versions(tmp_path)
    (new / "sub").mkdir()
    os.link(old / "sub" / "weights.bin", new / "sub" / "weights.bin")
    known = {**files, "sub/weights.bin": {"size": 4096, "sha256": "recorded"}}
    assert layout.describe_files(new, old, known)["sub/weights.bin"]["sha256"] == "recorded"  # not read again


@pytest.mark.parametrize("how", ["copy", "other size"])
def test_anything_else_is_hashed_again(tmp_path: Path, how: str) -> None:
    old, new, files = _versions(tmp_path)
    (new / "sub").mkdir()
    if how == "copy":  # same name and size, another inode
        shutil.copy2(old / "sub" / "weights.bin", new / "sub" / "weights.bin")
        known = {**files, "sub/weights.bin": {"size": 4096, "sha256": "recorded"}}
    else:  # the same inode, but not the size the manifest recorded
        os.link(old / "sub" / "weights.bin", new / "sub" / "weights.bin")
        known = {**files, "sub/weights.bin": {"size": 1, "sha256": "recorded"}}
    got = layout.describe_files(new, old, known)["sub/weights.bin"]["sha256"]
    assert got == layout.file_sha256(new / "sub" / "weights.bin")


def test_damage_to_a_linked_file_is_still_caught(tmp_path: Path) -> None:
    old, new, files = _versions(tmp_path)
    (new / "sub").mkdir()
    os.link(old / "sub" / "weights.bin", new / "sub" / "weights.bin")
    with (old / "sub" / "weights.bin").open("r+b") as fh:  # damaged in place after it was described
        fh.write(b"x")
    manifest = {"files": layout.describe_files(new, old, files)}
    with pytest.raises(IndexStateError, match="checksum"):
        integrity.verify_files(new, manifest)  # every file is hashed, the large ones (the weights) too


GRAPH_LIKE = {
    "papers": [{"id": "a", "title": 'Ünïcode, "quoted"\nand a new line'}],
    "edges": [],
    "external": [1, [2, 3]],
}


@pytest.mark.parametrize("piece", [json_files.PIECE, 1])  # 1: each line is a piece of its own
def test_json_written_an_item_a_line_is_plain_json_and_reads_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int
) -> None:
    monkeypatch.setattr(json_files, "PIECE", piece)
    rows = [["a", "question", "What?"], ["a", "summary", "x,\n]"], {"id": "b"}]
    assert json_files.write_entries(tmp_path / "rows.json", [iter(rows)], piecewise=lambda r: isinstance(r, dict)) == [
        3
    ]
    keys = tuple(GRAPH_LIKE)
    assert json_files.write_entries(tmp_path / "graph.json", [GRAPH_LIKE[k] for k in keys], keys) == [1, 0, 2]
    with json_files.array_file(tmp_path / "one.json") as out:
        for row in rows:
            out.add(row)
    json_files.write_entries(tmp_path / "empty.json", [[]])
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "rows.json").read_bytes()
    assert (tmp_path / "rows.json").read_text(encoding="utf-8").count("\n") == len(rows) + 2  # one a line
    for name, value, keys_ in (("rows", rows, ()), ("graph", GRAPH_LIKE, keys), ("empty", [], ())):
        path = tmp_path / f"{name}.json"
        assert json.loads(path.read_text(encoding="utf-8")) == value
        read = list(json_files.entries(path, keys_))
        if keys_:
            assert read == [(k, item) for k in keys_ for item in GRAPH_LIKE[k]]
        else:
            assert read == [("", item) for item in value]


@pytest.mark.parametrize("piece", [json_files.PIECE, 1])
@pytest.mark.parametrize(
    "text",
    [
        "[\n[1],\n[2]\n",  # cut before its end
        "[\n[1]\n[2]\n]\n",  # a comma missing
        "[\n[1],\n]\n",  # a comma too many
        "[\n[1],,\n[2]\n]\n",  # two commas
        "[\n[1],\n[2\n]\n",  # an item cut
        "[\n[1]\n]\n[]\n",  # more after the end
        "[[1],[2]]\n",  # JSON, but not an item a line
        '{"papers":[\n]}\n',  # an object where an array belongs
    ],
)
def test_any_other_text_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, piece: int) -> None:
    monkeypatch.setattr(json_files, "PIECE", piece)
    path = tmp_path / "rows.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError):
        list(json_files.entries(path))


def test_an_object_must_hold_its_arrays_in_order(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    json_files.write_entries(path, [[1], [2]], ("edges", "papers"))
    with pytest.raises(ValueError):
        list(json_files.entries(path, ("papers", "edges")))
    assert list(json_files.entries(path, ("edges", "papers"))) == [("edges", 1), ("papers", 2)]
