"""How a command opens the index: the current version, saying on stderr when the corpus changed since it
was built (as /health does), or, for one question, with the query encoder opening while the index loads.
A command runs once, so it trusts the verdict of the last full check of the version's files
(``index.integrity``): only files changed since are hashed again.

The searcher is imported only here and only when a command runs, so ``--help`` stays light.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.records import Mode
from ..core.settings import Settings

if TYPE_CHECKING:
    from ..query.searcher import Searcher


def open_index(settings: Settings, note_staleness: bool = True) -> Searcher:
    """The index's current version; notes on stderr what is known of whether it is up to date (``staleness_note``)."""
    from ..query.searcher import Searcher

    searcher = Searcher.load(settings.index, settings=settings, trust_verdict=True)
    if note_staleness and (note := staleness_note(searcher, settings.corpus)):
        print(f"note: {note}", file=sys.stderr)
    return searcher


def staleness_note(searcher: Searcher, corpus: Path) -> str | None:
    """What a reader of the index should know of whether it is up to date, or None when it is: stale (the corpus, or
    the code that builds an index, changed since it was built), or not known, said plainly: no corpus folder to
    compare it with (an index read on its own, ``--index`` alone), or a corpus that cannot be read. What a command
    shows comes from the index whatever the note says."""
    from ..index.check import corpus_state

    found = corpus.is_dir()
    now, unread = corpus_state(corpus) if found else (None, None)
    status = searcher.status((now, None))
    version = status["index_version"]
    if status["problem"]:  # built by other code: stale whatever the corpus, in the index's own words
        return status["problem"]
    if status["stale"]:
        return f"index {version} is stale: the corpus changed since it was built; run `papersearch index`"
    if not found:
        return (
            f"no corpus folder at {corpus}, so whether index {version} is up to date is not known; what is shown "
            "is the index's (give --corpus DIR to compare)"
        )
    if unread:
        return (
            f"the corpus at {corpus} cannot be read ({unread}), so whether index {version} is up to date is not known; "
            "what is shown is the index's (`papersearch validate` lists the corpus's problems)"
        )
    return None


def open_for_one_question(settings: Settings, mode: Mode) -> Searcher:
    """The index for one question: the query encoder opens while the index loads (not for lexical mode)."""
    from ..query.searcher import Searcher

    return Searcher.load(settings.index, preload_encoder=mode != "lexical", settings=settings, trust_verdict=True)
