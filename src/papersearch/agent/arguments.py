"""The arguments of the MCP tools as a model reads them: each one's JSON schema and description.

The schemas only document what ``core.params`` accepts (the value itself is checked there, with the
same words as the CLI and the HTTP API), so a type here is ``object`` where the SDK must not coerce
or refuse a value before that check names it.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import WithJsonSchema

from ..core.ids import ID_PATTERN, ID_RULE, MAX_ID_CHARS, MIN_ID_CHARS
from ..core.params import (
    MAX_CITE_IDS,
    MAX_ERA_CHARS,
    MAX_K,
    MAX_OFFSET,
    MAX_QUERY_CHARS,
    MODES,
    SIDES,
    YEAR_MAX,
    YEAR_MIN,
)
from ..core.records import SHOWN_NEIGHBOURS
from ..query.cite import CITE_FORMATS, FORMATS_TEXT, STYLES_TEXT, TEXT_STYLES
from .lean import DETAILS, NEIGHBOURS


def _argument(schema: dict[str, Any], description: str) -> WithJsonSchema:
    """What a client sees of an argument; the value itself is checked by ``core.params``, not by the SDK."""
    return WithJsonSchema({**schema, "description": description})


def _optional(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


Query = Annotated[
    str,  # text, so that the SDK does not read a query that looks like JSON as a list
    _argument(
        {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS},
        f"a question in plain language or a few keywords, at most {MAX_QUERY_CHARS} characters; typos are "
        "corrected, and a time ('in the late 1980s'), a question of origin ('who first ...') and people's names "
        "are understood",
    ),
]
K = Annotated[object, _argument({"type": "integer", "minimum": 1, "maximum": MAX_K}, f"how many papers, 1 to {MAX_K}")]
ModeArgument = Annotated[
    object,
    _argument(
        {"type": "string", "enum": list(MODES)},
        "hybrid (meaning and words together, best for most questions), dense (meaning only) or lexical "
        "(exact words only, for a name or a term)",
    ),
]
Era = Annotated[
    object,
    _argument(
        _optional({"type": "string", "maxLength": MAX_ERA_CHARS}),
        "only papers of this era: an era id or name as list_eras gives them, or a part of one no other era has",
    ),
]
YEAR = _optional({"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})
YearFrom = Annotated[object, _argument(YEAR, "only papers from this year on")]
YearTo = Annotated[object, _argument(YEAR, "only papers up to this year (not before year_from)")]
ID = {"type": "string", "minLength": MIN_ID_CHARS, "maxLength": MAX_ID_CHARS, "pattern": ID_PATTERN}
PaperId = Annotated[str, _argument(ID, f"a paper id (search_papers gives them): {ID_RULE}")]
FromId = Annotated[
    object,
    _argument(_optional(ID), "the paper to start from (an id, like 1986-rumelhart-backpropagation)"),
]
ToId = Annotated[object, _argument(_optional(ID), "the paper to reach (an id, like 2017-vaswani-transformer)")]
DirectionArgument = Annotated[
    object,
    _argument(
        _optional({"type": "string", "enum": ["before", "after"]}),
        "with one paper, what its end already says (it may be left out): before = what it builds on, to read "
        "first, for to_id; after = what grew out of it, for from_id",
    ),
]
SideArgument = Annotated[
    object,
    _argument(
        {"type": "string", "enum": list(SIDES)},
        "cites = the earlier papers it builds on; cited_by = the later papers that build on it",
    ),
]
Offset = Annotated[
    object, _argument({"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, "where the page starts (0: first)")
]
Limit = Annotated[
    object,
    _argument(
        {"type": "integer", "minimum": 1, "maximum": SHOWN_NEIGHBOURS}, f"how many ties, 1 to {SHOWN_NEIGHBOURS}"
    ),
]
Ids = Annotated[
    object,
    _argument(
        {
            "anyOf": [
                {"type": "array", "items": ID, "minItems": 1, "maxItems": MAX_CITE_IDS},
                {"type": "string", "description": "the ids joined by commas"},
            ]
        },
        f"the papers to cite, 1 to {MAX_CITE_IDS} ids (search_papers, get_paper and answer_question give them), "
        "cited in the order given",
    ),
]
CiteFormat = Annotated[
    object,
    _argument(
        {"type": "string", "enum": list(CITE_FORMATS)},
        FORMATS_TEXT,
    ),
]
CiteStyle = Annotated[
    object,
    _argument(
        _optional({"type": "string", "enum": list(TEXT_STYLES)}),
        f"{STYLES_TEXT}; harvard when left out. Another format has no style: give one only with text",
    ),
]
NeighboursArgument = Annotated[
    object,
    _argument(
        {"type": "string", "enum": list(NEIGHBOURS)},
        "how each result brings its neighbourhood: ids (the ids of the papers it builds on and that build on it, "
        "and how many outside works it cites; get_paper gives the rest) or full (each tie's title, year, kind "
        "and evidence, as GET /search gives them)",
    ),
]
DetailArgument = Annotated[
    object,
    _argument(
        {"type": "string", "enum": list(DETAILS)},
        "how much of each result: brief (id, title, year, era, score, why's sentence and the neighbourhood) or "
        "full (every field GET /search gives: rank, authors, era_name, question, scores, why's terms, concepts "
        "and matched passage too)",
    ),
]
PathK = Annotated[
    object,
    _argument({"type": "integer", "minimum": 1, "maximum": MAX_K}, f"with one paper: at most this many, 1 to {MAX_K}"),
]
