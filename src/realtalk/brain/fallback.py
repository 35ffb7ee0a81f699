"""`FallbackBrain`: answer with a second brain when the first one fails before saying anything."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from .base import Brain, BrainError, BrainEvent, BrainRequest

log = logging.getLogger(__name__)


class FallbackBrain:
    """Streams from `primary`; if it fails before its first event, streams `fallback` instead.

    A failure after the first event ends the reply where it stopped: repeating the start of the
    answer in another voice would be worse than a short reply.
    """

    def __init__(self, primary: Brain, fallback: Brain) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = f"{primary.name}+{fallback.name}"

    async def stream(self, request: BrainRequest) -> AsyncIterator[BrainEvent]:
        started = False
        events = self.primary.stream(request)
        try:
            async for event in events:
                started = True
                yield event
            return
        except (BrainError, TimeoutError) as exc:
            reason = str(exc) or type(exc).__name__
            if started:
                log.warning("LLM endpoint failed mid-reply: %s; ending the reply there", reason)
                return
            log.warning("LLM endpoint failed: %s; answering with the %s brain", reason, self.fallback.name)
        finally:
            await _close(events)
        async for event in self.fallback.stream(request):
            yield event


async def _close(events: AsyncIterator[BrainEvent]) -> None:
    """Close a stream left early (barge-in), so an LLM endpoint stops generating at once."""
    close = getattr(events, "aclose", None)
    if close is not None:
        await close()
