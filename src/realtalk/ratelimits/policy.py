"""Limits per API key: concurrent sessions, new sessions per minute, audio minutes and LLM tokens
per day. Configured as JSON (`REALTALK_RATE_LIMITS`, docs/operations.md):

    {"default": {"concurrent_sessions": 4, "sessions_per_minute": 20,
                 "audio_minutes_per_day": 600, "tokens_per_day": 2000000},
     "keys": {"<an API key, or its id key_…>": {"concurrent_sessions": 50}}}

A limit left out (or null) is unlimited. Windows are fixed (the minute, the UTC day), so a
`Retry-After` is exact. Keys are counted by their id (a hash), never by the secret itself.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..protocol.ids import new_id
from ..server.capacity import Refusal
from .counters import Counters

log = logging.getLogger(__name__)

DAY_S = 86_400
MINUTE_S = 60
LEASE_TTL_S = 60
"""A live session's lease expires this long after its last refresh: a node that dies stops
refreshing, and its sessions stop counting within this time."""


def key_id(key: str) -> str:
    """A stable, non-secret name for an API key (what counters, logs and metrics use)."""
    return "key_" + hashlib.sha256(key.encode()).hexdigest()[:12]


class KeyLimits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    concurrent_sessions: int | None = None
    sessions_per_minute: int | None = None
    audio_minutes_per_day: float | None = None
    tokens_per_day: int | None = None


class LimitsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default: KeyLimits = KeyLimits()
    keys: dict[str, KeyLimits] = {}

    @classmethod
    def load(cls, value: str | None, api_keys: list[str]) -> LimitsConfig:
        """Parse JSON text or a JSON file's path; keys named by their secret are renamed to their id."""
        if not value:
            return cls()
        text = value if value.lstrip().startswith("{") else Path(value).read_text()
        config = cls.model_validate(json.loads(text))
        config.keys = {(key_id(k) if k in api_keys else k): v for k, v in config.keys.items()}
        return config

    def for_key(self, kid: str) -> KeyLimits:
        return self.keys.get(kid, self.default)


def _cap(limit: float | None) -> float:
    return float("inf") if limit is None else limit


def _rate_limited(message: str, retry_after_s: float) -> Refusal:
    return Refusal(429, "rate_limit_exceeded", message, max(1, round(retry_after_s)), type="rate_limit_error")


class RateLimiter:
    """Admits sessions and meters usage against each key's limits."""

    def __init__(
        self, config: LimitsConfig, counters: Counters, clock: Callable[[], float] = time.time
    ) -> None:
        self.config = config
        self.counters = counters
        self._clock = clock
        self._refreshers: set[asyncio.Task[None]] = set()

    def _window(self, name: str, kid: str, seconds: int) -> tuple[str, float]:
        """The counter key of the current fixed window, and the seconds until it resets."""
        now = self._clock()
        index = int(now // seconds)
        return f"{kid}:{name}:{index}", (index + 1) * seconds - now

    async def check_budgets(self, kid: str) -> None:
        """Raise `Refusal` (429) when the key's daily audio or token budget is spent."""
        limits = self.config.for_key(kid)
        if limits.tokens_per_day is not None:
            key, reset = self._window("tokens", kid, DAY_S)
            if await self.counters.get(key) >= limits.tokens_per_day:
                raise _rate_limited(
                    f"This API key has used its {limits.tokens_per_day} tokens for today.", reset
                )
        if limits.audio_minutes_per_day is not None:
            key, reset = self._window("audio_s", kid, DAY_S)
            if await self.counters.get(key) >= limits.audio_minutes_per_day * 60:
                raise _rate_limited(
                    f"This API key has used its {limits.audio_minutes_per_day:g} audio minutes for today.",
                    reset,
                )

    async def check(self, kid: str) -> None:
        """Could `kid` start a session now? (Counts nothing: for minting client secrets.)"""
        await self.check_budgets(kid)
        limits = self.config.for_key(kid)
        live = limits.concurrent_sessions
        if live is not None and await self.counters.live(f"{kid}:live") >= live:
            raise self._too_many_live(live)

    async def start_session(self, kid: str) -> Callable[[], Awaitable[None]]:
        """Count a new session for `kid` or raise `Refusal`; returns the function that ends it."""
        await self.check_budgets(kid)
        limits = self.config.for_key(kid)
        minute, reset = self._window("sessions", kid, MINUTE_S)
        live, lease = f"{kid}:live", new_id("lease")
        if await self.counters.hold(live, lease, LEASE_TTL_S) > _cap(limits.concurrent_sessions):
            await self.counters.drop(live, lease)
            raise self._too_many_live(limits.concurrent_sessions or 0)
        if await self.counters.add(minute, 1, MINUTE_S) > _cap(limits.sessions_per_minute):
            # A refused session is not a session: undo both counts.
            await self.counters.add(minute, -1, MINUTE_S)
            await self.counters.drop(live, lease)
            raise _rate_limited(
                f"This API key may start {limits.sessions_per_minute} sessions per minute.", reset
            )
        refresher = asyncio.create_task(self._keep(live, lease))
        self._refreshers.add(refresher)
        refresher.add_done_callback(self._refreshers.discard)

        async def end() -> None:
            refresher.cancel()
            await self.counters.drop(live, lease)

        return end

    async def _keep(self, key: str, lease: str) -> None:
        """Refresh a live session's lease until it ends (a counter-store hiccup is retried)."""
        while True:
            await asyncio.sleep(LEASE_TTL_S / 3)
            try:
                await self.counters.hold(key, lease, LEASE_TTL_S)
            except Exception:
                log.warning("refreshing a session lease failed; retrying", exc_info=True)

    async def close(self) -> None:
        """Stop refreshing leases (their sessions are over) and close the counters."""
        for refresher in list(self._refreshers):
            refresher.cancel()
        await asyncio.gather(*self._refreshers, return_exceptions=True)
        await self.counters.close()

    @staticmethod
    def _too_many_live(limit: int) -> Refusal:
        return _rate_limited(f"This API key may hold {limit} sessions at once; end one first.", 5)

    async def charge(self, kid: str, *, audio_s: float = 0.0, tokens: int = 0) -> None:
        if audio_s > 0:
            await self.counters.add(self._window("audio_s", kid, DAY_S)[0], audio_s, DAY_S)
        if tokens > 0:
            await self.counters.add(self._window("tokens", kid, DAY_S)[0], tokens, DAY_S)

    async def rate_limits(self, kid: str) -> list[dict[str, Any]]:
        """`rate_limits.updated`'s list in OpenAI's schema: `requests` are new sessions this minute,
        `tokens` the day's LLM token budget (the schema has no name for audio minutes)."""
        limits = self.config.for_key(kid)
        out: list[dict[str, Any]] = []
        for name, limit, seconds in (
            ("requests", limits.sessions_per_minute, MINUTE_S),
            ("tokens", limits.tokens_per_day, DAY_S),
        ):
            if limit is None:
                continue
            key, reset = self._window("sessions" if name == "requests" else "tokens", kid, seconds)
            used = await self.counters.get(key)
            out.append(
                {
                    "name": name,
                    "limit": limit,
                    "remaining": max(0, int(limit - used)),
                    "reset_seconds": round(reset, 3),
                }
            )
        return out
