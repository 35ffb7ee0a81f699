"""A circuit breaker for one LLM endpoint: stop calling a dead one, probe it again later."""

from __future__ import annotations

import time
from collections.abc import Callable


class CircuitBreaker:
    """Closed: calls go through. After `failures` failures in a row it opens: calls are skipped
    (the next brain in the chain answers at once, without waiting out a timeout). After `reset_s`
    one call is let through as a probe; its success closes the breaker, its failure re-opens it.
    """

    def __init__(
        self, failures: int = 3, reset_s: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failures = failures
        self.reset_s = reset_s
        self._clock = clock
        self._failed = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "half-open" if self._probing or self._clock() >= self._opened_at + self.reset_s else "open"

    def allow(self) -> bool:
        """May a call go to the endpoint now? (A `True` in half-open state is the one probe.)"""
        if self._opened_at is None:
            return True
        if self._probing or self._clock() < self._opened_at + self.reset_s:
            return False
        self._probing = True
        return True

    def succeeded(self) -> None:
        self._failed, self._opened_at, self._probing = 0, None, False

    def failed(self) -> None:
        self._failed += 1
        if self._probing or self._failed >= self.failures:
            self._opened_at, self._probing = self._clock(), False

    def released(self) -> None:
        """A call ended without a verdict (cancelled by a barge-in): a probe may be tried again."""
        self._probing = False
