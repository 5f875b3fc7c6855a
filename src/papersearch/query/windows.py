"""What a time read out of a query is (``TimeWindow``: its years, how to say them back, where it was read) and what
the index knows about time to read it by (``TimeContext``); ``timewords`` reads one from the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from ..core.records import EraRecord
from .periods import EraKey, Span, era_key


@dataclass(frozen=True)
class TimeWindow:
    """Years a query asks about, how to say them back, and where in the query they were read."""

    start: int
    end: int
    label: str
    spans: tuple[Span, ...]  # where the time was read; removed from the topic unless ``named``
    named: bool = False  # an era or period by name: its words also say what the query is about


@dataclass(frozen=True)
class TimeContext:
    """What the index knows about time: its eras, its first and last year, when each concept appeared."""

    eras: tuple[EraRecord, ...]
    first: int
    last: int
    concept_years: Mapping[str, int]  # ``plain_words`` of a concept term -> year of the earliest entry that has it

    @cached_property
    def era_key(self) -> EraKey:
        """The eras' ``periods.era_key``, made once: a query's reading looks its eras up by it."""
        return era_key(self.eras)
