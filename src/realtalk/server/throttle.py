"""Backoff for failed sign-ins, per client address (`POST /web/login`)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Record:
    failures: int
    blocked_until: float


class LoginThrottle:
    """`free_failures` wrong tokens cost nothing; each one after that doubles the wait before the
    next try (1 s, 2 s, 4 s … up to `max_delay_s`), so guessing runs at a few tries an hour instead
    of hundreds a second. A success forgets the address. At most `max_clients` addresses are
    remembered, the least recently failed forgotten first, so the table stays bounded.
    """

    def __init__(
        self,
        free_failures: int = 5,
        max_delay_s: float = 300.0,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free_failures = free_failures
        self.max_delay_s = max_delay_s
        self.max_clients = max_clients
        self.clock = clock
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def retry_after(self, client: str) -> float:
        """Seconds until `client` may try again; 0 when it may now."""
        record = self._records.get(client)
        return max(0.0, record.blocked_until - self.clock()) if record else 0.0

    def failed(self, client: str) -> None:
        record = self._records.pop(client, None) or _Record(0, 0.0)
        record.failures += 1
        over = record.failures - self.free_failures
        if over > 0:
            record.blocked_until = self.clock() + min(self.max_delay_s, 2.0 ** min(over - 1, 30))
        self._records[client] = record
        while len(self._records) > self.max_clients:
            self._records.popitem(last=False)

    def succeeded(self, client: str) -> None:
        self._records.pop(client, None)
