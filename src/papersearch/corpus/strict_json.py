"""JSON read strictly, for the bulk corpus file and the files a person imports.

Python's reader takes a key given twice (keeping the last), NaN and Infinity; each is refused here
with a message, as :mod:`.safe_yaml` refuses a duplicate key. Nesting too deep for the reader is a
``RecursionError``, turned into a message by ``json_problem`` like any other fault.
"""

from __future__ import annotations

import json
from typing import Any

from .values import show


class StrictJSONError(ValueError):
    """A JSON text that parses only by guessing: a repeated key, NaN or Infinity."""


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise StrictJSONError(f"the key {show(key)} is given twice")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise StrictJSONError(f"{name} is not a number JSON allows")


STRICT = json.JSONDecoder(object_pairs_hook=_no_repeats, parse_constant=_no_constants)


def loads_strict(text: str) -> Any:
    """JSON without repeated keys, NaN or Infinity; ValueError (or RecursionError when nested too deep) otherwise."""
    return STRICT.decode(text)


def json_problem(exc: Exception) -> str:
    """Why a JSON text was refused, in a reader's words."""
    if isinstance(exc, RecursionError):
        return "invalid JSON: nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON (column {exc.colno}): {exc.msg}"
    return f"invalid JSON: {exc}"
