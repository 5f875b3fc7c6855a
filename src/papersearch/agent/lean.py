"""A search as an agent gets it by default: the HTTP API's record, each hit's neighbourhood as ids and a count.

Ten hits with their whole neighbourhoods are ~500 JSON values, and the SDK's client checks every one
against the output schema in Python: about 4 ms a call, more than the search itself once the query
is cached. ``lean`` keeps every field of ``GET /search`` as it is but a hit's ``neighbours``, which
becomes the ids of the papers it builds on and that build on it, and how many works outside the list
it cites, and how many papers each side has; ``get_paper`` (or ``neighbours="full"``) gives each tie whole.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from ..core.params import one_of
from ..core.records import Neighbourhood, SearchResults

Neighbours = Literal["ids", "full"]
NEIGHBOURS: tuple[Neighbours, ...] = ("ids", "full")
NEIGHBOURS_RULE = f"neighbours must be one of {', '.join(NEIGHBOURS)}"


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


def neighbour_ids(refs: Neighbourhood) -> NeighbourIds:
    """``refs`` by id: the papers on each side, and a count of the works outside the list."""
    return {
        "cites": [n["id"] for n in refs["cites"]],
        "cited_by": [n["id"] for n in refs["cited_by"]],
        "external": len(refs["external"]),
        "cites_total": refs["cites_total"],
        "cited_by_total": refs["cited_by_total"],
    }


def lean(results: SearchResults) -> dict[str, Any]:
    """``results`` with each hit's neighbourhood by id (``neighbour_ids``), every other field as it is."""
    hits = [{**hit, "neighbours": neighbour_ids(hit["neighbours"])} for hit in results["results"]]
    return {**results, "results": hits}


def search_schema(results: dict[str, Any] | None = None) -> dict[str, Any]:
    """The output schema of a search: ``SearchResults``, each hit's ``neighbours`` by id or whole.

    ``results``: pydantic's schema of ``SearchResults`` already made, its ``$defs`` holding ``NeighbourIds``
    (``schemas.record_schemas``); left as it is.
    """
    if results is None:
        results = TypeAdapter(SearchResults).json_schema()
        results["$defs"]["NeighbourIds"] = TypeAdapter(NeighbourIds).json_schema()
    hit = results["$defs"]["SearchHit"]
    either = {
        "anyOf": [{"$ref": "#/$defs/NeighbourIds"}, hit["properties"]["neighbours"]],
        "description": "by id (the default), or whole with neighbours='full'",
    }
    hit = {**hit, "properties": {**hit["properties"], "neighbours": either}}
    return {**results, "$defs": {**results["$defs"], "SearchHit": hit}}
