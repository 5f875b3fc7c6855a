"""The HTTP bodies that only the service has: error, health, reload, and the list wrappers.

Everything a paper, hit or answer holds is typed once in ``core.records``; these wrap those records.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..core.records import EraPapers, GraphRecord, IndexStatus, PaperBrief


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
