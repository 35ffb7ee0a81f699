"""The counters rate limits are kept in: one small interface, in memory or in Redis."""

from __future__ import annotations

from typing import Protocol


class Counters(Protocol):
    """Named numeric counters that expire, and sets of leases that expire unless refreshed (live
    sessions: a node that dies stops refreshing, and its sessions stop counting). Every operation
    is atomic for one key."""

    async def add(self, key: str, amount: float, ttl_s: int) -> float:
        """Add `amount` (may be negative) to `key`, keep it at least `ttl_s` more; return the new total."""
        ...

    async def get(self, key: str) -> float:
        """The current total (0 for a missing or expired key)."""
        ...

    async def hold(self, key: str, member: str, ttl_s: int) -> int:
        """Add or refresh `member` in the set `key`, to expire `ttl_s` from now unless refreshed
        again; drop expired members; return how many are live."""
        ...

    async def drop(self, key: str, member: str) -> None:
        """Remove `member` from the set `key`."""
        ...

    async def live(self, key: str) -> int:
        """How many members of `key` have not expired."""
        ...

    async def close(self) -> None: ...
