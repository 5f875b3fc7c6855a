"""The citation endpoints: ``GET /papers/{id}/cite`` and ``GET /cite?ids=…``, papers written as references.

The body is the reference text in the asked format (BibTeX, CSL-JSON, RIS or plain text), served
with that format's media type and a ``Content-Disposition`` file name (``1989-lecun-cnn.bib``,
``references.ris``). Parameters arrive as text and are checked once, by ``query.cite.CiteRequest``:
a bad id, format or style is a 422 and an unknown id a 404, in the one JSON error body and the
words every face uses; so is a style given with a format other than text, which has no style
(``core.params.check_style_applies``). At most ``MAX_CITE_IDS`` papers a request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ..core.params import MAX_CITE_IDS, check_style_applies
from ..query.cite import CITE_FORMATS, FORMATS_TEXT, MEDIA_TYPES, STYLES_TEXT, TEXT_STYLES, CiteRequest
from ..query.searcher import Searcher
from .routes import ERRORS, PaperId, _documented, known_parameters
from .schemas import PAPER_IDS, PAPER_IDS_TEXT

router = APIRouter(dependencies=[Depends(known_parameters)])
CSL_JSON = {"type": "array", "items": {"type": "object"}, "description": "CSL-JSON items, one a paper"}

REFERENCES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the references, as a file of the format's media type",
        "content": {
            media: {"schema": CSL_JSON if kind == "csl-json" else {"type": "string"}}
            for kind, media in MEDIA_TYPES.items()
        },
        "headers": {
            "Content-Disposition": {
                "description": 'a file name to save them as: attachment; filename="<id, or references>.<bib|json|ris|txt>"',
                "schema": {"type": "string"},
            }
        },
    },
    **ERRORS,
}
Ids = Annotated[str, _documented(PAPER_IDS, PAPER_IDS_TEXT)]
Format = Annotated[
    str,
    _documented(
        {"type": "string", "enum": list(CITE_FORMATS)},
        FORMATS_TEXT,
    ),
]
Style = Annotated[
    str | None,
    _documented(
        {"type": "string", "enum": list(TEXT_STYLES)},
        STYLES_TEXT,
    ),
]


def references(searcher: Searcher, request: CiteRequest, style_given: bool) -> Response:
    """The references as a file: the format's media type (UTF-8) and a file name to save them as."""
    check_style_applies(request.format, style_given)
    text = searcher.cite(request)
    headers = {"Content-Disposition": f'attachment; filename="{request.filename()}"'}
    return Response(text, media_type=f"{MEDIA_TYPES[request.format]}; charset=utf-8", headers=headers)


@router.get("/papers/{id}/cite", responses=REFERENCES, response_class=Response, tags=["papers"])
def cite_paper(request: Request, id: PaperId, format: Format = "bibtex", style: Style = None) -> Response:
    """One paper as a reference: BibTeX (the default, its key the paper's id), CSL-JSON, RIS or formatted text."""
    cited = CiteRequest.check([id], format, style or "harvard", param="id")
    return references(request.app.state.live.searcher, cited, style is not None)


@router.get(
    "/cite",
    responses=REFERENCES,
    response_class=Response,
    tags=["papers"],
    description=f"Papers as references, in the order given (a paper named twice is cited once); at most "
    f"{MAX_CITE_IDS} a request.",
)
def cite_papers(request: Request, ids: Ids, format: Format = "bibtex", style: Style = None) -> Response:
    """Several papers as references (the description above is what the API documents)."""
    cited = CiteRequest.check(ids, format, style or "harvard")
    return references(request.app.state.live.searcher, cited, style is not None)
