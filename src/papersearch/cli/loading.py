"""How a command opens the index: the current version, saying on stderr when the corpus changed since it
was built (as /health does), or, for one question, with the query encoder opening while the index loads.
A command runs once, so it trusts the verdict of the last full check of the version's files
(``index.integrity``): only files changed since are hashed again.

The searcher is imported only here and only when a command runs, so ``--help`` stays light.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..core.records import Mode
from ..core.settings import Settings

if TYPE_CHECKING:
    from ..query.searcher import Searcher


def open_index(settings: Settings, note_staleness: bool = True) -> Searcher:
    """The index's current version; notes on stderr a stale index or a corpus whose state cannot be judged."""
    from ..index.check import corpus_state
    from ..query.searcher import Searcher

    searcher = Searcher.load(settings.index, settings=settings, trust_verdict=True)
    if note_staleness:
        status = searcher.status(corpus_state(settings.corpus))
        if status["problem"]:  # built by other code, or a corpus that cannot be read
            print(f"note: {status['problem']}", file=sys.stderr)
        elif status["stale"]:
            print(
                f"note: index {status['index_version']} is stale: the corpus changed since it was built; "
                "run `papersearch index`",
                file=sys.stderr,
            )
    return searcher


def open_for_one_question(settings: Settings, mode: Mode) -> Searcher:
    """The index for one question: the query encoder opens while the index loads (not for lexical mode)."""
    from ..query.searcher import Searcher

    return Searcher.load(settings.index, preload_encoder=mode != "lexical", settings=settings, trust_verdict=True)
