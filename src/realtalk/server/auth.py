"""API keys: where they come from, and checking a request's key in constant time."""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from pathlib import Path

from starlette.requests import HTTPConnection

log = logging.getLogger(__name__)

# Browsers can't set headers on a WebSocket; OpenAI's browser SDKs put the key in a subprotocol.
KEY_SUBPROTOCOL_PREFIX = "openai-insecure-api-key."


def load_or_create_keys(configured: list[str], data_dir: Path) -> list[str]:
    """The configured keys, or one generated on first start and kept in `<data_dir>/api_key`.

    The generated key is written to a file readable only by its owner and never logged.
    """
    if configured:
        return configured
    key_file = data_dir / "api_key"
    if key_file.exists():
        return [key_file.read_text().strip()]
    data_dir.mkdir(parents=True, exist_ok=True)
    key = "rt-" + secrets.token_urlsafe(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    log.warning("No REALTALK_API_KEYS set: generated an API key in %s", key_file)
    return [key]


def presented_key(conn: HTTPConnection) -> str | None:
    """The key a request carries: `Authorization: Bearer …` or the browser subprotocol."""
    header = conn.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    for proto in conn.headers.get("sec-websocket-protocol", "").split(","):
        proto = proto.strip()
        if proto.startswith(KEY_SUBPROTOCOL_PREFIX):
            return proto[len(KEY_SUBPROTOCOL_PREFIX) :]
    return None


def key_is_valid(key: str | None, accepted: list[str]) -> bool:
    if not key:
        return False
    # Compare against every key so timing doesn't reveal which prefix matched.
    return any([hmac.compare_digest(key.encode(), ok.encode()) for ok in accepted])
