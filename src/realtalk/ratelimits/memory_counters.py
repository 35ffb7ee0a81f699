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
        self._leases: dict[str, dict[str, float]] = {}

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

    async def hold(self, key: str, member: str, ttl_s: int) -> int:
        members = self._leases.setdefault(key, {})
        members[member] = self._clock() + ttl_s
        return await self.live(key)

    async def drop(self, key: str, member: str) -> None:
        members = self._leases.get(key, {})
        members.pop(member, None)
        if not members:
            self._leases.pop(key, None)

    async def live(self, key: str) -> int:
        now = self._clock()
        members = self._leases.get(key, {})
        for member in [m for m, expires in members.items() if expires <= now]:
            del members[member]
        if not members:
            self._leases.pop(key, None)
        return len(members)

    async def close(self) -> None:
        self._values.clear()
        self._leases.clear()
