"""A search as an agent gets it by default: each hit in brief, its neighbourhood as ids and counts.

The SDK's client checks every value of a result against the output schema in Python (``jsonschema``,
~10 µs a value): ten hits as ``GET /search`` gives them, neighbourhoods by id, are ~350 values and
~4 ms a call, as much as the search itself. So by default (``detail="brief"``) a hit holds what a model
picks papers by: ``id``, ``title``, ``year``, ``era``, ``score``, ``why.sentence`` and its ``neighbours``
as the ids of the papers it builds on and that build on it, how many works outside the list it cites,
and how many papers each side has (~200 values). ``detail="full"`` gives every field of the API's hit,
``neighbours="full"`` each tie whole, and ``get_paper`` a paper's whole record.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from ..core.params import one_of
from ..core.records import Neighbourhood, SearchHit, SearchResults

Neighbours = Literal["ids", "full"]
NEIGHBOURS: tuple[Neighbours, ...] = ("ids", "full")
NEIGHBOURS_RULE = f"neighbours must be one of {', '.join(NEIGHBOURS)}"
Detail = Literal["brief", "full"]
DETAILS: tuple[Detail, ...] = ("brief", "full")
DETAIL_RULE = f"detail must be one of {', '.join(DETAILS)}"
BRIEF = ("id", "title", "year", "era", "score", "why", "neighbours")  # a brief hit's fields, in the API's order


class NeighbourIds(TypedDict):
    """A paper's neighbourhood by id: get_paper gives each tie's title, year, kind and evidence."""

    cites: list[str]
    """ids of the earlier papers of the list it builds on"""
    cited_by: list[str]
    """ids of the later papers of the list that build on it"""
    external: int
    """how many works outside the list its summary cites"""
    cites_total: int
    """how many earlier papers of the list it builds on (``cites`` lists the first 100)"""
    cited_by_total: int
    """how many later papers of the list build on it (``cited_by`` lists the first 100)"""


type.__setattr__(NeighbourIds, "__pydantic_config__", {"use_attribute_docstrings": True})  # as core.records


def check_neighbours(value: object) -> Neighbours:
    """How a search's hits bring their neighbourhoods: ``ids`` or ``full``; QueryError for anything else."""
    return one_of("neighbours", value, NEIGHBOURS, NEIGHBOURS_RULE)


def check_detail(value: object) -> Detail:
    """How much of each hit a search gives: ``brief`` or ``full``; QueryError for anything else."""
    return one_of("detail", value, DETAILS, DETAIL_RULE)


def neighbour_ids(refs: Neighbourhood) -> NeighbourIds:
    """``refs`` by id: the papers on each side, and a count of the works outside the list."""
    return {
        "cites": [n["id"] for n in refs["cites"]],
        "cited_by": [n["id"] for n in refs["cited_by"]],
        "external": len(refs["external"]),
        "cites_total": refs["cites_total"],
        "cited_by_total": refs["cited_by_total"],
    }


def lean(results: SearchResults, detail: Detail = "brief", neighbours: Neighbours = "ids") -> dict[str, Any]:
    """``results`` as a search's tool gives them: each hit in brief (the fields of ``BRIEF``, ``why`` its
    sentence) unless ``detail`` is full, its neighbourhood by id (``neighbour_ids``) unless ``neighbours`` is."""
    if detail == "full" and neighbours == "full":
        return dict(results)
    by_id = neighbours == "ids"
    hits = [_hit(hit, detail == "brief", by_id) for hit in results["results"]]
    return {**results, "results": hits}


def _hit(hit: SearchHit, brief: bool, by_id: bool) -> dict[str, Any]:
    """One hit of ``lean``: in brief or whole, its neighbourhood by id or whole."""
    kept: dict[str, Any] = {key: value for key, value in hit.items() if key in BRIEF} if brief else dict(hit)
    if brief:
        kept["why"] = {"sentence": hit["why"]["sentence"]}
    if by_id:
        kept["neighbours"] = neighbour_ids(hit["neighbours"])
    return kept


def search_schema(results: dict[str, Any] | None = None) -> dict[str, Any]:
    """The output schema of a search: ``SearchResults``, each hit brief or whole, its ``neighbours`` by id or whole.

    ``results``: pydantic's schema of ``SearchResults`` already made, its ``$defs`` holding ``NeighbourIds``
    (``schemas.record_schemas``); left as it is. A hit requires only the fields of ``BRIEF`` (its ``why``
    only the sentence); the others keep their schemas, for ``detail="full"``.
    """
    if results is None:
        results = TypeAdapter(SearchResults).json_schema()
        results["$defs"]["NeighbourIds"] = TypeAdapter(NeighbourIds).json_schema()
    defs = results["$defs"]
    hit = defs["SearchHit"]
    either = {
        "anyOf": [{"$ref": "#/$defs/NeighbourIds"}, hit["properties"]["neighbours"]],
        "description": "by id (the default), or whole with neighbours='full'",
    }
    why = {**defs["Why"], "required": ["sentence"]}
    properties = {**hit["properties"], "why": why, "neighbours": either}
    hit = {
        **hit,
        "description": f"{hit.get('description', '')} In brief by default: {', '.join(BRIEF)} (why: its "
        "sentence); every field with detail='full'.".strip(),
        "properties": properties,
        "required": [name for name in hit["required"] if name in BRIEF],
    }
    return {**results, "$defs": {**defs, "SearchHit": hit}}
