"""The counters rate limits are kept in: one small interface, in memory or in Redis."""

from __future__ import annotations

from typing import Protocol


class Counters(Protocol):
    """Named numeric counters that expire. Every operation is atomic for one key."""

    async def add(self, key: str, amount: float, ttl_s: int) -> float:
        """Add `amount` (may be negative) to `key`, keep it at least `ttl_s` more; return the new total."""
        ...

    async def get(self, key: str) -> float:
        """The current total (0 for a missing or expired key)."""
        ...

    async def close(self) -> None: ...
