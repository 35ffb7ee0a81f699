"""The voice app at `/`: its static shell, sign-in, and the ephemeral keys it talks with.

The shell (HTML, JS, CSS, PWA files) holds no secrets and is served without a key. The page signs
in once with the UI token (`POST /web/login` → HttpOnly cookie); with the cookie it gets its
configuration and mints a short-lived client secret per connection, so no master key ever reaches
the browser.
"""

from __future__ import annotations

import hmac
import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from ..protocol.errors import ProtocolError
from ..session.config import default_config, merge_config
from ..web import STATIC_DIR
from .auth import UI_COOKIE, client_address, ui_cookie_value
from .capacity import Refusal
from .realtime_http import error_response, json_object, mint_client_secret
from .state import AppState

ROOT_FILES = ("manifest.webmanifest", "sw.js", "offline.html")
"""Served at the site root: a service worker's scope is the folder it is served from."""
PUBLIC_PATHS = frozenset({"/", "/healthz", "/readyz", "/web/login", *(f"/{name}" for name in ROOT_FILES)})
PUBLIC_PREFIXES = ("/static/",)
VOICES = ["alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar"]
PAGE_KEY_TTL_S = 120
"""The page mints a key right before each (re)connection, so a short life is enough."""
COOKIE_MAX_AGE_S = 30 * 24 * 3600


def mount_static(app: Any) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")


def web_router(state: AppState) -> APIRouter:
    router = APIRouter()

    @router.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    for name in ROOT_FILES:
        router.add_api_route(f"/{name}", _file_endpoint(name), methods=["GET"], include_in_schema=False)

    @router.post("/web/login")
    async def login(request: Request) -> Response:
        """Trade the UI token for the sign-in cookie. Only the UI token: an API key is a bigger
        secret than the page needs, and this public route must not become a way to test keys."""
        client = client_address(request)
        wait_s = state.login_throttle.retry_after(client)
        if wait_s > 0:
            return _too_many_tries(wait_s)
        try:
            body = json_object(await request.body())
        except ProtocolError:
            body = {}
        token = body.get("token")
        if not isinstance(token, str) or not token:
            return error_response(
                ProtocolError('Send {"token": "..."}.', code="missing_required_parameter", param="token")
            )
        if not hmac.compare_digest(token.encode(), state.ui_token.encode()):
            state.login_throttle.failed(client)
            state.refusals.refused("a sign-in", client, "wrong UI token")
            return error_response(
                ProtocolError("That access token is not valid.", code="invalid_api_key"), 401
            )
        state.login_throttle.succeeded(client)
        response = Response(status_code=204)
        response.set_cookie(
            UI_COOKIE,
            ui_cookie_value(state.ui_token),
            max_age=COOKIE_MAX_AGE_S,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @router.post("/web/logout")
    async def logout() -> Response:
        response = Response(status_code=204)
        response.delete_cookie(UI_COOKIE)
        return response

    @router.get("/web/config")
    async def config() -> JSONResponse:
        session = merge_config(default_config(state.settings.llm_model), state.session_defaults)
        return JSONResponse(
            {"app": state.app_name, "title": state.app_title, "session": session, "voices": VOICES}
        )

    @router.post("/web/session")
    async def page_session(request: Request) -> JSONResponse:
        """A client secret for the page's next connection, with its settings applied."""
        try:
            body = json_object(await request.body())
            # Captions need transcription events; a page that says nothing about it wants them.
            audio = body.setdefault("audio", {})
            if isinstance(audio, dict) and isinstance(audio.setdefault("input", {}), dict):
                audio["input"].setdefault("transcription", {"model": "whisper-1"})
            secret, session = await mint_client_secret(
                state, {"session": body}, request.state.credential.key_id, default_ttl_s=PAGE_KEY_TTL_S
            )
        except ProtocolError as exc:
            return error_response(exc)
        except Refusal as refusal:
            return refusal.response()
        return JSONResponse({"value": secret.value, "expires_at": secret.expires_at, "session": session})

    return router


def _too_many_tries(wait_s: float) -> JSONResponse:
    seconds = math.ceil(wait_s)
    response = error_response(
        ProtocolError(
            f"Too many wrong tokens from this address: try again in {seconds} s.", code="rate_limit_exceeded"
        ),
        429,
    )
    response.headers["Retry-After"] = str(seconds)
    return response


def _file_endpoint(name: str) -> Any:
    async def serve() -> FileResponse:
        headers = {"Cache-Control": "no-cache"}
        if name == "sw.js":
            headers["Service-Worker-Allowed"] = "/"
        return FileResponse(STATIC_DIR / name, headers=headers)

    return serve
