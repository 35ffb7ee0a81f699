"""One call's usage, metered against its API key's budgets (see `ratelimits.policy`).

Every transport is metered alike, from the call's running usage (`CallStats`): input audio is
the session's input clock (all audio received), output audio and tokens come from each
`response.done`'s `usage`. After each response the key is charged and
the client hears `rate_limits.updated`; once a budget is spent, client events that would spend
more are answered with a `rate_limit_exceeded` error instead.
"""

from __future__ import annotations

import logging
from typing import Any

from ..protocol.errors import ProtocolError
from ..protocol.ids import new_id
from ..ratelimits.policy import RateLimiter
from .capacity import Refusal
from .metrics import CallStats

log = logging.getLogger(__name__)

SPENDING_EVENTS = frozenset({"response.create", "input_audio_buffer.append", "input_audio_buffer.commit"})


class KeyMeter:
    def __init__(self, limiter: RateLimiter, key_id: str, usage: CallStats) -> None:
        self.limiter = limiter
        self.key_id = key_id
        self._usage = usage
        """The call's running totals (kept by its `TurnTimer`); what is not yet billed is the rest."""
        self._billed_audio_s = 0.0
        self._spent: Refusal | None = None
        self._reports = bool(limiter.config.for_key(key_id).model_dump(exclude_none=True))
        """Keys without limits get no `rate_limits.updated` (nothing to report)."""

    def screen(self, event: dict[str, Any]) -> ProtocolError | None:
        """The error to answer a client event with, when it would spend a spent budget."""
        if self._spent is not None and event.get("type") in SPENDING_EVENTS:
            return ProtocolError(self._spent.message, code="rate_limit_exceeded", type="rate_limit_error")
        return None

    def _unbilled_audio_s(self) -> float:
        audio_s = self._usage.audio_in_s + self._usage.audio_out_s - self._billed_audio_s
        self._billed_audio_s += audio_s
        return audio_s

    async def observe(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """After a `response.done` (already counted in the call's usage): charge the key, and return
        the events the client should hear next."""
        if event.get("type") != "response.done":
            return []
        tokens = int((event["response"].get("usage") or {}).get("total_tokens", 0))
        follow: list[dict[str, Any]] = []
        try:
            await self.limiter.charge(self.key_id, audio_s=self._unbilled_audio_s(), tokens=tokens)
            if self._reports:
                follow.append(
                    {
                        "type": "rate_limits.updated",
                        "event_id": new_id("event"),
                        "rate_limits": await self.limiter.rate_limits(self.key_id),
                    }
                )
            await self.limiter.check_budgets(self.key_id)
        except Refusal as spent:
            if self._spent is None:
                error = ProtocolError(spent.message, code="rate_limit_exceeded", type="rate_limit_error")
                follow.append({"type": "error", "event_id": new_id("event"), "error": error.to_error(None)})
            self._spent = spent
        except Exception:  # a counter store outage must not end the conversation
            log.exception("metering key %s failed", self.key_id)
        return follow

    async def close(self) -> None:
        """Charge what was heard since the last response."""
        audio_s = self._unbilled_audio_s()
        if audio_s:
            try:
                await self.limiter.charge(self.key_id, audio_s=audio_s)
            except Exception:
                log.exception("metering key %s failed", self.key_id)
