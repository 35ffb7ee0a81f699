"""Ephemeral client secrets (`POST /v1/realtime/client_secrets`), as OpenAI issues them.

A backend holding the master key mints a short-lived `ek_…` secret bound to a session
configuration and hands it to a browser; the browser can open sessions with it until it expires
(sessions already open carry on). Secrets live in this process's memory: a multi-node deployment
shares them through Redis (`server.cluster`).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

DEFAULT_TTL_S = 600
MIN_TTL_S = 10
MAX_TTL_S = 7200
_FORGET_AFTER_S = 3600
"""Expired secrets are remembered this long, so a late client hears "expired", not "invalid"."""


@dataclass(frozen=True)
class ClientSecret:
    value: str
    expires_at: int
    session: dict[str, Any]
    """The validated GA partial session this secret opens."""
    owner: str
    """The id of the key that minted it: sessions it opens count against that key's limits."""


@dataclass
class ClientSecrets:
    """The secrets minted by this process."""

    clock: Callable[[], float] = time.time
    _by_value: dict[str, ClientSecret] = field(default_factory=dict)

    def mint(self, session: dict[str, Any], owner: str, ttl_s: int = DEFAULT_TTL_S) -> ClientSecret:
        now = self.clock()
        self._by_value = {v: s for v, s in self._by_value.items() if s.expires_at + _FORGET_AFTER_S > now}
        secret = ClientSecret("ek_" + secrets.token_urlsafe(24), int(now + ttl_s), session, owner)
        self._by_value[secret.value] = secret
        return secret

    def remember(self, secret: ClientSecret) -> None:
        """Accept a secret another node minted (see `cluster`)."""
        self._by_value[secret.value] = secret

    def check(self, value: str) -> tuple[Literal["valid", "expired", "unknown"], ClientSecret | None]:
        """Look a presented secret up (constant-time enough: the value is a random dict key)."""
        secret = self._by_value.get(value)
        if secret is None:
            return "unknown", None
        if self.clock() >= secret.expires_at:
            return "expired", None
        return "valid", secret
