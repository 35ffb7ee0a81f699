"""Identifiers shaped like OpenAI's (`event_…`, `item_…`, `resp_…`), random and URL-safe."""

from __future__ import annotations

import secrets


def new_id(prefix: str) -> str:
    """`prefix_` followed by 20 random hex characters (80 bits: no collisions in practice)."""
    return f"{prefix}_{secrets.token_hex(10)}"
