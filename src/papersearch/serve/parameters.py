"""Which query parameters an endpoint takes, each at most once: anything else is refused, not ignored.

A misspelt parameter (``?year=1990`` for ``year_from``) or one given twice (``?q=a&q=b``, of which a
framework reads the last) would otherwise change nothing the client can see, and the answer would
look right. ``check_given`` is the one rule: ``routes.search_request`` applies it to /search and
/answer, and ``routes.known_parameters`` to every other documented endpoint, from the parameters its
route declares. The web page and the static files take any query (a cache-busting ``?v=2``, a link's
tracking parameters): they are not endpoints of the API.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import QueryParams

from ..core.errors import QueryError
from ..core.params import not_taken


def check_given(given: QueryParams, allowed: Collection[str], endpoint: str) -> None:
    """QueryError on the first parameter of ``given`` that ``endpoint`` does not take, or that is given twice."""
    unknown = [name for name in given if name not in allowed]
    if unknown:
        raise not_taken(unknown[0], endpoint, allowed, "parameter")
    if len(given) != len(pairs := given.multi_items()):
        names = [name for name, _ in pairs]
        twice = next(name for name in names if names.count(name) > 1)
        raise QueryError(twice, f"given {names.count(twice)} times; give each parameter once")
