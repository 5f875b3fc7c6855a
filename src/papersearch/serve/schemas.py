"""The HTTP bodies that only the service has (error, health, reload, the list wrappers), and the JSON
Schemas of the search parameters.

Everything a paper, hit or answer holds is typed once in ``core.records``; these wrap those records.
The parameters are checked by ``core.params`` alone; their schemas say what it accepts, as exactly as
a JSON Schema can in every regex dialect (tests/test_hostile_http.py compares the two), and the
descriptions say the rest. ``live_openapi`` adds what only the live index knows: its eras.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..core.flags import FLAG_WORDS
from ..core.ids import ID_PATTERN, ID_RULE, MAX_ID_CHARS, MIN_ID_CHARS
from ..core.params import (
    DEFAULT_K,
    MAX_CITE_IDS,
    MAX_ERA_CHARS,
    MAX_K,
    MAX_QUERY_CHARS,
    MODES,
    PLAN_PARTS,
    YEAR_MAX,
    YEAR_MIN,
)
from ..core.records import EraPapers, EraRecord, GraphRecord, IndexStatus, PaperBrief


class ErrorDetail(BaseModel):
    status: int = Field(description="the HTTP status, repeated")
    type: str = Field(description="a stable machine name: invalid_parameter, not_found, index_unavailable, ...")
    message: str = Field(description="what was wrong and how to fix it")
    param: str | None = Field(description="the parameter at fault, when one is")


class ErrorBody(BaseModel):
    error: ErrorDetail


class PaperList(BaseModel):
    count: int
    index_version: str
    papers: list[PaperBrief]


class EraList(BaseModel):
    count: int
    index_version: str
    eras: list[EraPapers]


class GraphResponse(GraphRecord):
    index_version: str


class Health(IndexStatus):
    """``IndexStatus`` with the service's verdict; ``index_version`` is null when nothing could be loaded."""

    status: Literal["ok", "degraded"]


class ReloadResult(BaseModel):
    reloaded: bool
    index_version: str
    previous_version: str


# ---------------------------------------------------------------- the search parameters, as JSON Schemas


def _any_case(word: str) -> str:
    """A regex for ``word`` in any case, without a case-insensitive flag (whose meaning varies by dialect)."""
    return "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in word)


EMPTY = {"type": "string", "maxLength": 0, "description": "empty: no filter"}
YEAR = {"anyOf": [{"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}, EMPTY]}
# check_query refuses text with no visible character, and control characters and lone surrogates; the pattern
# says it in every regex dialect (white space as str.split sees it, C0 and C1 controls that are not white
# space; a lone surrogate cannot be written in UTF-8, so no URL carries one)
SPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
REFUSED = r"\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"
QUERY = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_QUERY_CHARS,
    "pattern": f"^[^{REFUSED}]*[^{REFUSED}{SPACE}][^{REFUSED}]*$",
}
QUERY_TEXT = (
    f"the question or keywords: at most {MAX_QUERY_CHARS} characters, one of them not white space; "
    "control characters are refused; any other character, one newer than the server's Unicode tables included, is text"
)
ERA_TEXT = "an era id or name (GET /eras lists them), or a part of one that no other era has, in any case"
# check_flag and check_ignore, as patterns: a flag's words in any case, a comma-separated list of plan parts
FLAG = {"type": "string", "pattern": rf"^[{SPACE}]*(?:{'|'.join(_any_case(w) for w in FLAG_WORDS)})[{SPACE}]*$"}
PART = f"(?:{'|'.join(PLAN_PARTS)})[{SPACE}]*"
IGNORE = {"type": "string", "pattern": f"^[{SPACE}]*(?:{PART})?(?:,[{SPACE}]*(?:{PART})?)*$"}
# check_id's rule (core.ids), for a paper id in a path or a parameter
PAPER_ID = {"type": "string", "minLength": MIN_ID_CHARS, "maxLength": MAX_ID_CHARS, "pattern": ID_PATTERN}
PAPER_ID_TEXT = f"a paper id: {ID_RULE}"
# check_id_list's rule for text: 1 to MAX_CITE_IDS ids joined by commas
_ONE_ID = ID_PATTERN.removeprefix("^").removesuffix("$")
PAPER_IDS = {
    "type": "string",
    "minLength": MIN_ID_CHARS,
    "maxLength": MAX_CITE_IDS * (MAX_ID_CHARS + 1) - 1,
    "pattern": f"^{_ONE_ID}(?:,{_ONE_ID}){{0,{MAX_CITE_IDS - 1}}}$",
}
PAPER_IDS_TEXT = f"1 to {MAX_CITE_IDS} paper ids joined by commas, each {ID_RULE}"
K_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_K}


def query_parameter(name: str, schema: dict[str, Any], description: str, default: str | None = None) -> dict[str, Any]:
    """One query parameter as OpenAPI documents it (as FastAPI writes a ``Query`` whose schema is ``schema``)."""
    shown = {**schema, "description": description, "title": name.replace("_", " ").title()}
    if default is not None:
        shown["default"] = default
    return {"name": name, "in": "query", "required": name == "q", "schema": shown, "description": description}


# the search parameters of /search and /answer: read from the query string as text and checked by core.params
# alone (routes.search_request); documented here, with what each accepts
SEARCH_PARAMETERS = [
    query_parameter("q", QUERY, QUERY_TEXT),
    query_parameter("k", K_SCHEMA, "how many results", str(DEFAULT_K)),
    query_parameter(
        "mode",
        {"type": "string", "enum": list(MODES)},
        "hybrid (meaning + words), dense (meaning) or lexical (words)",
        "hybrid",
    ),
    query_parameter("year_from", YEAR, "the earliest year"),
    query_parameter("year_to", YEAR, "the latest year, not before year_from"),
    query_parameter("era", {"type": "string", "maxLength": MAX_ERA_CHARS}, ERA_TEXT),
    query_parameter(
        "understand",
        FLAG,
        "read a time, an intent, names and an order from the query: true or false (or 1/0, yes/no, on/off)",
        "true",
    ),
    query_parameter("ignore", IGNORE, f"parts of that reading to leave out, comma-separated: {', '.join(PLAN_PARTS)}"),
]


def live_openapi(schema: dict[str, Any], eras: Sequence[EraRecord] | None) -> dict[str, Any]:
    """``schema`` (FastAPI's, left as it is) with what the live index knows, and typed defaults.

    ``era`` lists the index's era ids and names, and the empty text (no filter). Any part of one that
    no other era has is accepted too (``core.params.resolve_era``, as on the command line); a JSON
    Schema of every such part would be a 30 KB pattern, so the description says it instead.
    """
    schema = copy.deepcopy(schema)
    for item in schema.get("paths", {}).values():
        for parameter in item.get("get", {}).get("parameters", []):
            documented = parameter["schema"]
            if documented.get("type") == "integer" and str(documented.get("default", "")).isdigit():
                documented["default"] = int(documented["default"])  # read as text, documented as a number
            if parameter["name"] == "era" and eras:
                names = [e["id"] for e in eras] + [e["name"] for e in eras] + [""]
                documented.pop("maxLength", None)
                documented["enum"] = list(dict.fromkeys(names))
    return schema
