"""A bounded memo of values by key, the oldest given up first, safe to share between threads.

For what a read-only index answers the same way every time (a word's correction, its token ids, a
table's rows for a key, a paper's stems): a value is computed outside the lock, then kept; the bound
keeps a long-running service's memory from growing with every new word it is asked.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    """At most ``most`` values by key; putting one more gives up the oldest kept."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._values: dict[Hashable, V] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The value kept for ``key``, or None."""
        return self._values.get(key)

    def put(self, key: Hashable, value: V) -> V:
        """Keep ``value`` for ``key`` (the oldest given up past ``most``); returns it."""
        with self._lock:
            if key not in self._values and len(self._values) >= self.most:
                del self._values[next(iter(self._values))]
            self._values[key] = value
        return value

    def __len__(self) -> int:
        return len(self._values)
