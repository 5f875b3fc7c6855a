"""papersearch: semantic search over the Fundamental AI Papers reading list.

``from papersearch import Searcher``; ``Searcher.load("index").search("how were deep nets first trained?")``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["PapersearchError", "Searcher", "__version__"]

if TYPE_CHECKING:
    from .errors import PapersearchError
    from .search import Searcher


def __getattr__(name: str) -> Any:  # lazy, so `papersearch --help` imports nothing heavy
    if name == "Searcher":
        from .search import Searcher

        return Searcher
    if name == "PapersearchError":
        from .errors import PapersearchError

        return PapersearchError
    raise AttributeError(name)
