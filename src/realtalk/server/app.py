"""The ASGI application: `create_app(settings)` wires routes, auth and the shared state."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from importlib.metadata import version
from typing import Any

from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse
from starlette.responses import Response

from .. import __version__
from ..config import Settings
from ..session.session import Handoff
from ..tools.mcp import connect_mcp_servers
from ..tools.registry import ToolRegistry
from ..transports.websocket import serve_realtime
from .auth import key_is_valid, load_or_create_keys, presented_key
from .state import AppState

log = logging.getLogger(__name__)

_UNAUTHORIZED = {
    "error": {
        "type": "invalid_request_error",
        "code": "invalid_api_key",
        "message": "Missing or invalid API key. Send 'Authorization: Bearer <key>'.",
        "param": None,
    }
}


def create_app(
    settings: Settings | None = None,
    *,
    tools: ToolRegistry | None = None,
    session_defaults: dict[str, Any] | None = None,
    handoffs: list[Handoff] | None = None,
) -> FastAPI:
    """Build the RealTalk server. Engines load in the background after start-up.

    `tools` are server-side tools every session's agent may call (see `realtalk.tools`);
    `session_defaults` is a partial GA `session` every connection starts with (an app's persona);
    `handoffs` let the agent hand the conversation to other agents.
    """
    settings = settings or Settings()
    state = AppState.create(settings, load_or_create_keys(settings.api_keys, settings.data_dir), tools)
    state.session_defaults = session_defaults or {}
    state.handoffs = handoffs or []

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            state.mcp_status = await connect_mcp_servers(settings.mcp_servers, state.tools, stack)
            loader = asyncio.create_task(state.load_engines())
            yield
            loader.cancel()
            state.store.close()

    app = FastAPI(title="RealTalk", version=__version__, lifespan=lifespan)
    app.state.realtalk = state

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        """Unauthenticated: 200 once the models are loaded, 503 while loading or on failure."""
        body: dict[str, object] = {
            "status": "ok" if state.ready.is_set() else ("error" if state.load_error else "loading"),
            "version": __version__,
            "versions": {
                name: _version(name) for name in ("faster-whisper", "piper-tts", "onnxruntime", "openai")
            },
            "engines": _engine_names(state),
        }
        if state.load_error:
            body["error"] = state.load_error
        if state.mcp_status:
            body["mcp_servers"] = state.mcp_status
        return JSONResponse(body, status_code=200 if state.ready.is_set() else 503)

    @app.websocket("/v1/realtime")
    async def realtime(websocket: WebSocket) -> None:
        if not key_is_valid(presented_key(websocket), state.api_keys):
            await websocket.send_denial_response(JSONResponse(_UNAUTHORIZED, status_code=401))
            return
        await serve_realtime(websocket, state)

    @app.middleware("http")
    async def require_key(request: Request, call_next):  # type: ignore[no-untyped-def]
        if request.url.path != "/healthz" and not key_is_valid(presented_key(request), state.api_keys):
            return JSONResponse(_UNAUTHORIZED, status_code=401)
        response: Response = await call_next(request)
        return response

    return app


def _version(name: str) -> str | None:
    try:
        return version(name)
    except Exception:
        return None


def _engine_names(state: AppState) -> dict[str, str | None]:
    engines = state._engines
    return {
        "vad": type(engines.vad).__name__ if engines else None,
        "stt": engines.stt.name if engines else None,
        "tts": engines.tts.name if engines else None,
        "brain": state.brain.name,
        "server_tools": ", ".join(state.tools.tools) or None,
    }
