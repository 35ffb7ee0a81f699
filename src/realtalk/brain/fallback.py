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
        try:
            async for event in self.primary.stream(request):
                started = True
                yield event
            return
        except BrainError as exc:
            if started:
                log.warning("LLM endpoint failed mid-reply (%s); ending the reply there", exc)
                return
            log.warning("LLM endpoint failed: %s; answering with the %s brain", exc, self.fallback.name)
        async for event in self.fallback.stream(request):
            yield event
