"""The package's shape: stages import only downwards, one owner per contract, small modules, documented settings."""

from __future__ import annotations

import ast
import dataclasses
import functools
import re
from pathlib import Path

import pytest

from papersearch.core.models import Concept, Paper, paper_hash
from papersearch.core.settings import VARIABLES

SRC = Path(__file__).resolve().parents[1] / "src" / "papersearch"
README = Path(__file__).resolve().parents[1] / "README.md"
# each stage and the stages it may import; the data flows corpus → graph → index → query → faces
MAY_IMPORT = {
    "core": set(),
    "corpus": {"core"},
    "graph": {"core", "corpus"},
    "encode": {"core"},
    "index": {"core", "corpus", "graph", "encode"},
    "query": {"core", "corpus", "graph", "encode", "index"},
    "agent": {"core", "corpus", "graph", "encode", "index", "query"},
    "serve": {"core", "corpus", "graph", "encode", "index", "query", "agent"},  # agent: /mcp, only when it is on
    "cli": {"core", "corpus", "graph", "encode", "index", "query", "serve", "agent"},
}
# libraries only one place may import: the rest of the package goes through it
OWNERS = {
    "faiss": {"index/vectors.py", "index/ivf_file.py", "index/cells.py"},
    "torch": {"encode/sentence.py", "encode/onnx_export.py"},
    "sentence_transformers": {"encode/sentence.py"},
    "transformers": {"encode/onnx_export.py", "encode/sentence.py"},
    "onnxruntime": {"encode/onnx_query.py", "encode/onnx_export.py"},
    "fastapi": {"serve/app.py", "serve/routes.py", "serve/citations.py", "serve/errors.py", "serve/middleware.py"},
    "mcp": {"agent/tools.py", "agent/server.py", "agent/http.py", "agent/wire.py"},
    "ray": {"encode/distributed.py"},
    "pyarrow": {"encode/distributed.py"},
    "mcp_types": set(),  # spelled mcp.types, through the SDK
    "bibtexparser": {"corpus/bibtex.py"},
    "pylatexenc": {"corpus/bibtex.py"},
    "citeproc": {"query/cite.py"},
    "tantivy": {"index/lexical_engine.py"},
}


def modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


@functools.cache
def imported(path: Path) -> list[tuple[str, int]]:
    """Every module ``path`` imports (at any depth, lazy imports included), as absolute dotted names (each file
    parsed once a run, not once for each library's owners)."""
    package = list(path.relative_to(SRC.parent).parts[:-1])
    return imports_of(path.read_text(encoding="utf-8"), package)


def imports_of(text: str, package: list[str]) -> list[tuple[str, int]]:
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            name = ".".join(x for x in (base, node.module) if x)
            if node.module is None:  # from . import x: each name is a module
                out += [(f"{name}.{a.name}", node.lineno) for a in node.names]
            else:
                out.append((name, node.lineno))
    return out


def stage(path: Path) -> str | None:
    parts = path.relative_to(SRC).parts
    return parts[0] if len(parts) > 1 else None


def test_no_stage_imports_a_later_one() -> None:
    wrong = []
    for path in modules():
        here = stage(path)
        if here is None:  # the package's own __init__ and __main__ are entry points
            continue
        for name, line in imported(path):
            parts = name.split(".")
            if parts[0] != "papersearch" or len(parts) < 2 or parts[1] not in MAY_IMPORT:
                continue
            there = parts[1]
            if there != here and there not in MAY_IMPORT[here]:
                wrong.append(f"{path.relative_to(SRC)}:{line} imports {name} ({here} may not import {there})")
    assert not wrong, "\n".join(wrong)


def test_the_walker_sees_an_upward_import() -> None:
    """The rule above can fail: a lazy import from a later stage, written relatively, is found."""
    text = "def f():\n    from ..query.searcher import Searcher\n    from . import fields\n"
    names = [n for n, _ in imports_of(text, ["papersearch", "corpus"])]
    assert names == ["papersearch.query.searcher", "papersearch.corpus.fields"]


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_heavy_libraries_have_one_owner(library: str) -> None:
    users = {
        str(p.relative_to(SRC))
        for p in modules()
        if any(n == library or n.startswith(library + ".") for n, _ in imported(p))
    }
    assert users <= OWNERS[library], f"{library} imported outside its owners: {sorted(users - OWNERS[library])}"


def test_only_settings_reads_the_environment_and_only_entry_points_write_it() -> None:
    readers, writers = [], []
    for path in modules():
        rel = str(path.relative_to(SRC))
        text = path.read_text(encoding="utf-8")
        if re.search(r"os\.environ\.get|os\.getenv|environ\[", text) and rel != "core/settings.py":
            readers.append(rel)
        if re.search(r"os\.environ\.setdefault|os\.environ\[.*\]\s*=|os\.putenv", text) and rel not in (
            "cli/__init__.py",
            "serve/run.py",
        ):
            writers.append(rel)
    assert not readers and not writers, (readers, writers)


def test_modules_are_small_and_documented() -> None:
    for path in modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 400, f"{path.relative_to(SRC)} has {lines} lines; split it"
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), (
            f"{path.relative_to(SRC)} has no docstring"
        )


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    missing = [name for name in VARIABLES if f"`{name}`" not in readme]
    assert not missing, f"README's configuration table lacks {missing}"
    mentioned = set(re.findall(r"PAPERSEARCH_[A-Z0-9_]+", readme))
    assert mentioned <= set(VARIABLES), f"README names settings that do not exist: {mentioned - set(VARIABLES)}"


PAPER = Paper(
    "1989-lecun-cnn", 1989, "Handwritten digits", ("Yann LeCun",), "era", "How?", "A summary.", (Concept("CNN"),)
)


def test_paper_hash_covers_every_field_but_the_file_name() -> None:
    base = paper_hash(PAPER)
    for f in dataclasses.fields(Paper):
        if f.name == "source":
            assert paper_hash(dataclasses.replace(PAPER, source="papers/other.md")) == base
            continue
        value = getattr(PAPER, f.name)
        if isinstance(value, int):
            changed: object = value + 1
        elif isinstance(value, str):
            changed = value + "!"
        else:
            changed = (*value, value[0]) if value else ("x",)
        assert paper_hash(dataclasses.replace(PAPER, **{f.name: changed})) != base, f.name


def test_a_new_paper_field_changes_the_hash_without_being_listed() -> None:
    @dataclasses.dataclass(frozen=True)
    class Annotated(Paper):
        venue: str = ""

    same = Annotated(*[getattr(PAPER, f.name) for f in dataclasses.fields(Paper)])
    assert paper_hash(same) != paper_hash(dataclasses.replace(same, venue="NeurIPS"))
