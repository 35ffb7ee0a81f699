"""`FallbackBrain`: answer with the next brain when one fails before saying anything.

Chains nest: `FallbackBrain(llm_a, FallbackBrain(llm_b, BuiltinBrain()))` tries each endpoint in
order and ends in the built-in brain. Each endpoint has a circuit breaker, so a dead one is
skipped at once instead of costing every turn its first-token timeout. A `BrainReport` hears
which brain served each reply and why others were passed over (metrics; logs say it too).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Protocol

from .base import Brain, BrainError, BrainEvent, BrainRequest, BrainTimeout
from .breaker import CircuitBreaker

log = logging.getLogger(__name__)


class BrainReport(Protocol):
    def served(self, brain: str) -> None:
        """`brain` answered a reply."""
        ...

    def fell_back(self, brain: str, reason: str) -> None:
        """`brain` was passed over: `error`, `timeout` or `circuit_open`."""
        ...


class FallbackBrain:
    """Streams from `primary`; if it fails before its first event, streams `fallback` instead.

    A failure after the first event ends the reply where it stopped: repeating the start of the
    answer in another voice would be worse than a short reply.
    """

    def __init__(
        self,
        primary: Brain,
        fallback: Brain,
        *,
        breaker: CircuitBreaker | None = None,
        report: BrainReport | None = None,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.breaker = breaker or CircuitBreaker()
        self.report = report
        self.name = f"{primary.name}+{fallback.name}"

    async def stream(self, request: BrainRequest) -> AsyncIterator[BrainEvent]:
        if not self.breaker.allow():
            log.info("%s: circuit open, answering with %s", self.primary.name, self.fallback.name)
            self._fell_back("circuit_open")
        else:
            started = False
            events = self.primary.stream(request)
            try:
                async for event in events:
                    if not started:
                        started = True
                        self._served(self.primary.name)
                    yield event
                self.breaker.succeeded()
                return
            except (BrainError, TimeoutError) as exc:
                self.breaker.failed()
                reason = str(exc) or type(exc).__name__
                if started:
                    log.warning("LLM endpoint failed mid-reply: %s; ending the reply there", reason)
                    return
                log.warning(
                    "LLM endpoint failed: %s; answering with the %s brain", reason, self.fallback.name
                )
                self._fell_back("timeout" if isinstance(exc, BrainTimeout | TimeoutError) else "error")
            except (asyncio.CancelledError, GeneratorExit):
                self.breaker.released()
                raise
            except Exception:  # a bug, not an outage: fail loudly, but never leave a probe hanging
                self.breaker.failed()
                raise
            finally:
                await _close(events)
        first = True
        async for event in self.fallback.stream(request):
            if first and not isinstance(self.fallback, FallbackBrain):
                self._served(self.fallback.name)
            first = False
            yield event

    def _served(self, brain: str) -> None:
        if self.report is not None:
            self.report.served(brain)

    def _fell_back(self, reason: str) -> None:
        if self.report is not None:
            self.report.fell_back(self.primary.name, reason)


async def _close(events: AsyncIterator[BrainEvent]) -> None:
    """Close a stream left early (barge-in), so an LLM endpoint stops generating at once."""
    close = getattr(events, "aclose", None)
    if close is not None:
        await close()
