"""A small most-recently-used memory, per worker process, for results keyed by a validator.

Keys digest everything a result depends on, so an entry never goes stale: a change makes a new
key, and old keys fall out as new ones come in.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    def __init__(self, size: int) -> None:
        self._known: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: str) -> V | None:
        with self._lock:
            if key in self._known:
                self._known.move_to_end(key)
            return self._known.get(key)

    def put(self, key: str, value: V) -> None:
        with self._lock:
            self._known[key] = value
            self._known.move_to_end(key)
            while len(self._known) > self._size:
                self._known.popitem(last=False)
