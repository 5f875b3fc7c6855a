"""The output schemas as the MCP tools publish them: self-contained, and as cheap to check as they are true.

The SDK's client checks every tool result against its tool's output schema, in Python (``jsonschema``),
before the agent sees it: a search's ten hits are ~350 values, and each step into a subschema costs the
same whatever it holds. ``published`` rewrites pydantic's schema of a record so that the client takes
fewer of those steps and looks nothing up, while exactly the same values pass (``tests/test_mcp.py``
checks this value by value on a real result): ``$ref`` lookups inlined, and each "this or null" one
node instead of two branches. ``record_schemas`` makes pydantic's schemas of every tool's records in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter

TYPED_ONLY = {"enum", "const", "anyOf", "oneOf", "allOf", "not", "$ref"}  # keywords that would also judge a null
ANNOTATIONS = {"title", "description", "examples", "default", "deprecated"}  # words for a reader, judging no value


def published(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (pydantic's, of a record) as a tool publishes it: ``inline_refs``, then ``nullable_types``."""
    shaped: dict[str, Any] = nullable_types(inline_refs(schema))
    return shaped


def record_schemas(records: Sequence[Any]) -> list[dict[str, Any]]:
    """pydantic's JSON schema of each of ``records`` (a record type, or a union of them), made in one pass.

    Each is what ``TypeAdapter(record).json_schema()`` gives, but its ``$defs`` (shared, not to be changed)
    hold every record's. pydantic reads a record's attribute docstrings from its source file, parsing the
    whole module, anew for every schema that holds the record: a schema of its own for each tool read the
    hits, papers and neighbourhoods shared by the tools ~50 times, and that was half of what building the
    server cost beyond importing the SDK.
    """
    every: Any = tuple.__class_getitem__(tuple(records))  # tuple[A, B, ...]
    whole = TypeAdapter(every).json_schema()
    defs: dict[str, Any] = whole.get("$defs", {})
    schemas = []
    for item in whole["prefixItems"]:
        ref = item.get("$ref") if len(item) == 1 else None
        root = defs[ref.removeprefix("#/$defs/")] if isinstance(ref, str) else item
        schemas.append({"$defs": defs, **root})
    return schemas


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with each ``$ref`` into its ``$defs`` replaced by the definition (the records hold no cycles).

    A model reads it without looking anything up, and the SDK's client, which checks every result against
    it, does so in about two thirds of the time (a search's ten hits, with their neighbourhoods, are ~500
    values; the ``$ref`` lookups were a third of the check).
    """
    defs = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target = defs[node["$ref"].removeprefix("#/$defs/")]
                return resolve({**target, **{k: v for k, v in node.items() if k != "$ref"}})
            return {k: resolve(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


def nullable_types(schema: Any) -> Any:
    """``schema`` with each "this or null" (``anyOf: [S, {"type": "null"}]``, pydantic's ``X | None``) as one node.

    ``S`` must be of one type ``T`` and hold only keywords about values of that type, or an ``enum`` of them:
    it becomes ``S`` with ``"type": [T, "null"]`` (and null added to its ``enum``), so the same values pass.
    Where the field and ``S`` both describe themselves (a record's docstring under a field's), both
    descriptions are kept, the field's first. The SDK's client checks every result against the schema in
    Python, and trying two branches for each of a hit's optional fields was a fifth of that check.
    """
    if isinstance(schema, list):
        return [nullable_types(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    node = {key: nullable_types(value) for key, value in schema.items()}
    branches = node.get("anyOf")
    if not (isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches):
        return node
    this = branches[1] if branches[0] == {"type": "null"} else branches[0]
    outer = {key: value for key, value in node.items() if key != "anyOf"}
    if (
        not isinstance(this.get("type"), str)
        or (TYPED_ONLY - {"enum"}) & set(this)
        or set(this) & set(outer) - ANNOTATIONS
    ):
        return node
    merged = {**this, **outer, "type": [this["type"], "null"]}
    if "enum" in this:
        merged["enum"] = [*this["enum"], None]
    if "description" in this and "description" in outer and this["description"] != outer["description"]:
        merged["description"] = f"{outer['description']}\n\n{this['description']}"
    return merged
