"""Who may call: API keys, ephemeral client secrets and the web app's sign-in cookie."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from ..ratelimits.policy import key_id
from .client_secrets import ClientSecret, ClientSecrets

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


def client_address(conn: HTTPConnection) -> str:
    """The caller's IP address (from a trusted proxy's X-Forwarded-For, as uvicorn reads it)."""
    return conn.client.host if conn.client else "unknown"


def key_is_valid(key: str | None, accepted: list[str]) -> bool:
    if not key:
        return False
    # Compare against every key so timing doesn't reveal which prefix matched.
    return any([hmac.compare_digest(key.encode(), ok.encode()) for ok in accepted])


UI_COOKIE = "realtalk_ui"
"""HttpOnly cookie that signs the web app in (see `load_or_create_ui_token`)."""


def load_or_create_ui_token(configured: str | None, data_dir: Path) -> str:
    """The web app's login token: configured, or generated once and kept in `<data_dir>/ui_token`.

    It is a separate secret from the API keys so that the browser never holds a master key: the
    page trades it for an HttpOnly cookie, and the cookie for short-lived client secrets.
    """
    if configured:
        return configured
    token_file = data_dir / "ui_token"
    if token_file.exists():
        return token_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    return token


def ui_cookie_value(ui_token: str) -> str:
    """What the sign-in cookie holds: derived from the token, stable across restarts."""
    return hmac.new(ui_token.encode(), b"realtalk-ui-cookie", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Credential:
    """Who is calling: the master key, an ephemeral client secret, or the signed-in web app."""

    kind: Literal["master", "ephemeral", "browser"]
    key_id: str
    """Whose limits apply: the API key's id, the key that minted the secret, or `WEB_APP_KEY_ID`."""
    secret: ClientSecret | None = None


WEB_APP_KEY_ID = "web_app"
"""The signed-in web app is limited as one key of its own."""
PHONE_KEY_ID = "phone"
"""Phone calls (Twilio, SIP) carry no API key: they are limited as one key of their own."""


class AuthError(Exception):
    def __init__(self, message: str, code: str = "invalid_api_key", status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status

    def to_json(self) -> dict[str, object]:
        return {
            "error": {
                "type": "invalid_request_error",
                "code": self.code,
                "message": self.message,
                "param": None,
            }
        }


def authenticate(
    conn: HTTPConnection, api_keys: list[str], client_secrets: ClientSecrets, ui_token: str
) -> Credential:
    """Identify the caller or raise `AuthError` with a reason the client can act on."""
    key = presented_key(conn)
    if key:
        if key_is_valid(key, api_keys):
            return Credential("master", key_id(key))
        status, secret = client_secrets.check(key)
        if secret is not None:  # valid
            return Credential("ephemeral", secret.owner, secret)
        if status == "expired":
            raise AuthError(
                "This client secret has expired. Mint a new one with POST /v1/realtime/client_secrets.",
                "expired_client_secret",
            )
        raise AuthError("Invalid API key or client secret.")
    cookie = conn.cookies.get(UI_COOKIE)
    if cookie and ui_token and hmac.compare_digest(cookie, ui_cookie_value(ui_token)):
        if not same_origin(conn):
            message = "The sign-in cookie is only accepted from the voice app's own origin."
            raise AuthError(message, "origin_not_allowed", 403)
        return Credential("browser", WEB_APP_KEY_ID)
    raise AuthError("Missing API key. Send 'Authorization: Bearer <key>'.")


def same_origin(conn: HTTPConnection) -> bool:
    """Whether a cookie-carrying request comes from a page of this server.

    Browsers send the cookie with requests that other sites' pages make (a WebSocket is not subject
    to CORS at all), and SameSite does not help against another port of the same host: only the
    `Origin` header tells. Browsers always send it on WebSocket upgrades, so one without it is
    refused; fetches from the page's own origin may leave it out (a GET), and are allowed.
    """
    origin = conn.headers.get("origin")
    if origin is None:
        return bool(conn.scope["type"] != "websocket")
    return urlsplit(origin).netloc.lower() == conn.headers.get("host", "").lower()


class RefusalLog:
    """Refused credentials, logged so that nobody can flood the log with them.

    The first refusal in each `window_s` is logged at INFO with its reason and address; later ones
    in the window are only counted, and the count comes out with the next window's first line.
    """

    def __init__(self, window_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self.clock = clock
        self._window_start = -float("inf")
        self._counted = 0

    def refused(self, what: str, client: str, reason: str) -> None:
        now = self.clock()
        if now - self._window_start < self.window_s:
            self._counted += 1
            return
        if self._counted:
            log.info("refused %d more requests in the %g s before", self._counted, self.window_s)
        self._window_start, self._counted = now, 0
        log.info("refused %s from %s: %s (more are counted, not logged, for %g s)", what, client, reason,
                 self.window_s)  # fmt: skip
