"""The ranking's head: the papers a search scores level with its first.

A paper stands level with the first when its score lies within ``HEAD_SPREAD`` of the drop from the first ranked
paper to the ``HEAD_DEPTH``-th: the drop scales the gap to each query's own spread of scores, so the same share
reads a close head on any query, however worded. An answer cites its head (``answer_sources``); an order over a
topic keeps an older match only when it is level with the best (``ordering.about``). Kept apart from both so that
a search, which orders, does not import the answer's modules.
"""

from __future__ import annotations

HEAD_SPREAD = 0.27  # a further paper stands level with the first when its search score is this close to the first's,
HEAD_DEPTH = 10  # as a share of the drop from the first ranked paper to the one this many down


def level_floor(ranked: list[float]) -> float:
    """The lowest score that stands level with the first of ``ranked`` (scores, best first): within ``HEAD_SPREAD``
    of the drop from the first to the ``HEAD_DEPTH``-th (or the last, when fewer)."""
    best, floor = ranked[0], ranked[min(HEAD_DEPTH, len(ranked)) - 1]
    return best - HEAD_SPREAD * (best - floor)
