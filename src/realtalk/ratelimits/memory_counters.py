"""Counters in this process's memory: limits hold per node."""

from __future__ import annotations

import time
from collections.abc import Callable

_PRUNE_AT = 10_000
"""Expired keys are dropped once this many are held, so the dict stays bounded by live windows."""


class MemoryCounters:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._values: dict[str, tuple[float, float]] = {}

    async def add(self, key: str, amount: float, ttl_s: int) -> float:
        now = self._clock()
        if len(self._values) >= _PRUNE_AT:
            self._values = {k: v for k, v in self._values.items() if v[1] > now}
        total = await self.get(key) + amount
        expires = max(now + ttl_s, self._values.get(key, (0.0, 0.0))[1])
        self._values[key] = (total, expires)
        return total

    async def get(self, key: str) -> float:
        value, expires = self._values.get(key, (0.0, 0.0))
        return value if expires > self._clock() else 0.0

    async def close(self) -> None:
        self._values.clear()
