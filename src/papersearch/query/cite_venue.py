"""Where a paper record appeared, as every citation format reads it: its kind of work, its venue, its arXiv id (pure).

A record's ``type`` says its kind when it has one; otherwise the venue tells: none, or an arXiv
pseudo-venue ("arXiv preprint arXiv:1607.06450", "CoRR"), is a preprint (CSL's ``article``), whose
arXiv id is the record's or the one its venue names, and whose venue is no journal (``""``), nor its
volume a journal's (DBLP's CoRR "abs/1701.00009" goes with the venue it numbers); another venue tells the
kind as an import reads it (``venues.kind_told_by``: a proceedings' name is a conference paper, any other a journal). BibTeX, CSL-JSON, RIS and the
text styles all read a record through ``placed``, so no two of them call one paper two things.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.records import PaperRecord
from ..corpus.venues import PREPRINT, kind_told_by, preprint_venue


@dataclass(frozen=True)
class Placed:
    """A record's kind of work (a CSL type), its venue and volume ("" for a preprint) and its arXiv id ("" if none)."""

    kind: str
    venue: str
    arxiv: str
    volume: str = ""

    @property
    def preprint(self) -> bool:
        return self.kind == PREPRINT


def placed(record: PaperRecord) -> Placed:
    """Where ``record`` appeared; see the module docstring."""
    venue, arxiv, volume = record.get("venue", ""), record.get("arxiv", ""), record.get("volume", "")
    is_preprint, named = preprint_venue(venue, volume)
    if is_preprint:
        return Placed(PREPRINT, "", arxiv or named)
    kind = record.get("type", "") or kind_told_by(venue) or PREPRINT
    return Placed(kind, venue, arxiv, volume)
