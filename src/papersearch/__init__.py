"""papersearch: semantic search over the Fundamental AI Papers reading list.

``from papersearch import Searcher``; ``Searcher.load("index").search("how were deep nets first trained?")``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["PapersearchError", "Searcher", "__version__"]

if TYPE_CHECKING:
    from .core.errors import PapersearchError
    from .query.searcher import Searcher


def __getattr__(name: str) -> Any:  # lazy, so `papersearch --help` imports nothing heavy
    if name == "Searcher":
        from .query.searcher import Searcher

        return Searcher
    if name == "PapersearchError":
        from .core.errors import PapersearchError

        return PapersearchError
    raise AttributeError(name)
