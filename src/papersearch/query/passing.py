"""The list's words held only in passing: in no headline of the papers holding them, and beside no word of a query.

A specific word of the list may be one it says only in passing, in another sense than a query asks it in: "English"
is in one paper, in "English-to-French translation"; "how can i learn english faster at home" holds it beside "learn"
and "faster", which no passage of that paper does. Such a word is held *in passing* (``Passages.alone``) when no paper
holding it says it in its title or guiding question (``HEADLINES``) and none of their passages holds it beside another
word of the query the list holds. The list's own short phrases stand together in one of its passages ("french
translation", "mail addresses", "what did the navy fund") and are never in passing. ``scope`` counts such words as
everyday words the list lacks when every specific word of a query is one (``in_passing``).

Pure: functions of an index version's passages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ..core.kept import Kept
from ..index import tokens
from . import english

ALONE_WEIGHT = 0.5  # the words read for being held in passing carry this topic weight or more (Zipf 5.5: "sleep",
# "photo", "french"); a commoner word ("world", "long", "play") is in any text in passing and says nothing of the sense
# asked. From 0.2 to 1.0 the tune half and the probes of the session that chose it flag the same in-scope questions
HEADLINES = frozenset(["title", "question"])  # the passages that say what a paper is about, not what it says in passing
KEPT_PASSAGES = 4096  # passages whose stems are kept
PREFIX_AT = 4  # a query stem this long stands beside a longer stem that opens with it ("photo", "photograph")


class Passages:
    """The passages of one index version ([paper id, kind, text] each), read for the words they hold together."""

    def __init__(self, passages: Sequence[Sequence[str]] | None) -> None:
        self._passages = passages
        self._stems: Kept[frozenset[str]] = Kept(KEPT_PASSAGES)

    def alone(self, own: set[str], others: set[str], rows: Iterable[int]) -> bool:
        """Whether a word of stems ``own``, held by the passages ``rows`` (those of the papers holding it), is held
        only in passing beside the query's other words the list holds (stems ``others``): in no headline of those
        papers and in no passage beside one of them ("sleep" is in two papers, as "Wake-Sleep", never beside "cat";
        "French" stands beside "translation"). Never when the query holds no other word of the list (``others``
        empty): a word alone, or beside words the list lacks only ("fake photos"), says nothing of its sense."""
        if not own or not others or self._passages is None:
            return False
        for row in rows:
            stems = self._stems_at(row)
            if own & stems and (self._passages[row][1] in HEADLINES or _beside(others, stems)):
                return False
        return True

    def _stems_at(self, row: int) -> frozenset[str]:
        """The stems of passage ``row``; the last ``KEPT_PASSAGES`` passages' are kept."""
        kept = self._stems.get(row)
        if kept is None:
            assert self._passages is not None
            kept = self._stems.put(row, frozenset(tokens.tokenize(self._passages[row][2])))
        return kept


def _beside(others: set[str], stems: frozenset[str]) -> bool:
    """Whether a passage of ``stems`` holds one of ``others``, or a longer form of one of four letters or more
    ("photo" of "photographed": the stemmer leaves "photograph")."""
    return bool(others & stems) or any(s.startswith(o) for o in others if len(o) >= PREFIX_AT for s in stems)


def in_passing(shared: list[tuple[str, float]], alone: Callable[[str], bool]) -> list[tuple[str, float]]:
    """The words of ``shared`` (a query's specific words of the list, with their topic weights) that carry
    ``ALONE_WEIGHT`` or more, when each of them is everyday English held in passing (``alone``): "how to learn english
    fast", "how to play chess openings for white". None when one of them is the field's own word or stands beside
    another word of the query in the list: a query that uses one word as the list does is judged as before."""
    weighty = [(w, w_weight) for w, w_weight in shared if w_weight >= ALONE_WEIGHT]
    if all(english.zipf(w) >= english.EVERYDAY and alone(w) for w, _ in weighty):
        return weighty
    return []
