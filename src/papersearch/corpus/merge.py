"""What an import's update sets of a paper the list has: the entry's fields merged in, and the plan's words for it.

Without ``force`` only what the paper lacks is filled in; with it, every field an import wrote and nobody has
edited since (``ours``) takes the entry's value too, where in its venue the paper is (kind of work, a thesis's
degree, volume, issue, pages) and "and others" included; the list's own text and a person's edit never. Pure.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..core.models import CITATION_FIELDS, Paper
from .incoming import Incoming

MERGED = ("title", "year", "authors", "question", "summary", *CITATION_FIELDS)  # what an update may set
PLACED = ("type", "genre", "volume", "issue", "pages")  # where in its venue: they go with the venue
FOLLOWING = ("et_al", *PLACED)  # fields an update sets with another (``merge``), never on their own


def forced_note(old: Paper, entry: Incoming, ours: frozenset[str], edited: frozenset[str]) -> str:
    """What ``force`` would do to a paper edited by hand: the fields it would set, and those it would keep."""
    forced, kept = merge(old, entry, True, ours)
    sets = [f for f in MERGED if getattr(old, f) != getattr(forced, f)]
    return (f"force would set {', '.join(sets)}" if sets else "force would change nothing") + kept_note(kept, edited)


def force_hint(old: Paper, entry: Incoming, ours: frozenset[str]) -> str:
    """For an entry that changes nothing: the fields it differs in that ``force`` would set (what an import wrote)."""
    forced, _ = merge(old, entry, True, ours)
    sets = [f for f in MERGED if getattr(old, f) != getattr(forced, f)]
    return f"; differs in {', '.join(sets)}: --force sets them" if sets else ""


def kept_note(kept: list[str], edited: frozenset[str]) -> str:
    """The plan's words for the fields ``force`` asked to replace but that stay: a person's edit, or the list's own."""
    by_hand = [f for f in kept if f in edited]
    own = [f for f in kept if f not in edited]
    parts = [f"kept {', '.join(by_hand)} (edited by hand)"] if by_hand else []
    parts += [f"kept {', '.join(own)} (the list's own)"] if own else []
    return "".join(f"; {p}" for p in parts)


def merge(old: Paper, entry: Incoming, force: bool, ours: frozenset[str]) -> tuple[Paper, list[str]]:
    """The paper with what the entry knows, and the fields ``force`` asked to replace but that stay the list's own.

    Without ``force`` only what the paper lacks is filled in: sources disagree on a paper's title
    case ("Long short-term memory"), its year (an arXiv version) and how many authors to list ("and
    others"), so what the list already has stands. With ``force`` a field an import wrote
    (``ours``: one an import wrote and nobody edited since) takes the entry's value too; any other field (the list's
    own summary, a title a person typed, a summary a person edited after an import) is never replaced. The paper's id, era, concepts and edges are always its
    own; a question is given only by ``papersearch add``, and fills in a paper's like any other field; one that
    differs from the paper's is said to be kept (the list's own), with ``force`` or not, since a person typed it.
    """
    given: dict[str, Any] = {f: getattr(entry, f) for f in MERGED}
    changes: dict[str, Any] = {}
    kept: list[str] = []
    for name, value in given.items():
        current = getattr(old, name)
        if name in FOLLOWING or not value or value == current:
            continue
        if not current or (force and name in ours):
            changes[name] = value
        elif force or name == "question":  # a question is only ever typed (``add``): never dropped unsaid
            kept.append(name)
    if "authors" in changes or (force and "et_al" in ours):  # "and others" says how the authors end
        changes["et_al"] = entry.et_al
    for name in PLACED:  # where in a venue goes with the venue: see ``_placed``
        value, current = getattr(entry, name), getattr(old, name)
        if name == "genre" and changes.get("type", old.type) != "thesis":
            value = ""  # a degree is a thesis's: not given to the report or article the paper stays
        if value == current:
            continue
        if _placed(old, entry, current, value, "venue" in changes, name in ours, force):
            changes[name] = value
        elif force and current and (value or "venue" in changes):
            kept.append(name)
    return replace(old, **changes), kept


def _placed(
    old: Paper, entry: Incoming, current: object, value: object, new_venue: bool, ours: bool, force: bool
) -> bool:
    """Whether an update sets one of ``PLACED`` (the kind of work, a thesis's degree, volume, issue, pages) to the
    entry's ``value``: what the paper lacks, unless the entry is a preprint's (no venue) and the paper has a venue;
    and what an import wrote (``ours``), with the entry's venue: emptied only for another venue ("nature" is
    "Nature"), whose volume it is not; with ``force`` in the same venue too (a master's thesis where a PhD was, the
    volume corrected), emptied only for another kind of work (a report has no degree)."""
    if not current:
        return bool(value) and (bool(entry.venue) or not old.venue)
    if not ours:
        return False
    if new_venue:
        return bool(value) or _letters(old.venue) != _letters(entry.venue)
    same_venue = _letters(old.venue) == _letters(entry.venue)
    return force and same_venue and (bool(value) or (bool(entry.type) and entry.type != old.type))  # no type told: kept


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())
