"""The ASGI application: `create_app(settings)` wires routes, auth and the shared state."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from importlib.metadata import version
from typing import Any

from fastapi import FastAPI, Request, WebSocket
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.responses import Response

from .. import __version__
from ..config import Settings
from ..protocol.errors import ProtocolError
from ..session.session import Handoff
from ..tools.mcp import connect_mcp_servers
from ..tools.registry import ToolRegistry
from ..transports.websocket import serve_realtime, serve_sideband
from .auth import AuthError, authenticate, client_address, load_or_create_keys, load_or_create_ui_token
from .calls import check_conversation_id
from .chat import chat_router
from .cluster import ClusterGate
from .drain import DrainGate
from .headers import SecurityHeaders
from .health import readiness
from .limits import LOGIN_BODY_BYTES, BodyLimits
from .operator import PAGE as OPERATOR_PAGE
from .operator import operator_router
from .realtime_http import error_response, realtime_router
from .state import AppState
from .web import PUBLIC_PATHS, PUBLIC_PREFIXES, mount_static, web_router

log = logging.getLogger(__name__)


EPHEMERAL_PATHS = frozenset({"/v1/realtime", "/v1/realtime/calls", "/v1/realtalk/chat"})
"""All a client secret may do is open a session: a call, the WebSocket or an SSE chat turn."""


def create_app(
    settings: Settings | None = None,
    *,
    tools: ToolRegistry | None = None,
    session_defaults: dict[str, Any] | None = None,
    handoffs: list[Handoff] | None = None,
    app_name: str | None = None,
    app_title: str = "RealTalk",
) -> FastAPI:
    """Build the RealTalk server. Engines load in the background after start-up.

    `tools` are server-side tools every session's agent may call (see `realtalk.tools`);
    `session_defaults` is a partial GA `session` every connection starts with (an app's persona);
    `handoffs` let the agent hand the conversation to other agents; `app_name`/`app_title` tell
    the web app which example app it fronts.
    """
    settings = settings or Settings()
    state = AppState.create(settings, load_or_create_keys(settings.api_keys, settings.data_dir), tools)
    state.session_defaults = session_defaults or {}
    state.handoffs = handoffs or []
    state.ui_token = load_or_create_ui_token(settings.ui_token, settings.data_dir)
    state.app_name, state.app_title = app_name, app_title

    sip = None
    if settings.sip_port is not None:
        from ..transports.sip.server import SipServer  # the `telephony` extra

        sip = SipServer(state)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            state.mcp_status = await connect_mcp_servers(settings.mcp_servers, state.tools, stack)
            if state.cluster is not None:
                await stack.enter_async_context(state.cluster.running())
            loader = asyncio.create_task(state.load_engines())
            lag_probe = asyncio.create_task(state.capacity.run())
            if sip is not None:
                await sip.start()
                stack.push_async_callback(sip.stop)
            yield
            loader.cancel()
            lag_probe.cancel()
            await state.limiter.close()
            state.tracing.shutdown()
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

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        """Unauthenticated: 200 when this node should get new sessions (see `health`)."""
        return await readiness(state)

    @app.websocket("/v1/realtime")
    async def realtime(websocket: WebSocket) -> None:
        try:
            credential = authenticate(websocket, state.api_keys, state.client_secrets, state.ui_token)
        except AuthError as exc:
            state.refusals.refused("a WebSocket", client_address(websocket), exc.code)
            await websocket.send_denial_response(JSONResponse(exc.to_json(), status_code=exc.status))
            return
        call_id = websocket.query_params.get("call_id")
        conversation_id = websocket.query_params.get("conversation_id")
        if conversation_id is not None:
            try:
                check_conversation_id(conversation_id)
            except ProtocolError as invalid:
                await websocket.send_denial_response(error_response(invalid))
                return
        if call_id is None:
            await serve_realtime(websocket, state, credential)
            return
        call = state.calls.get(call_id)
        if credential.kind != "master":
            denial = AuthError("Joining a call by call_id needs the master API key.", "insufficient_scope")
            await websocket.send_denial_response(JSONResponse(denial.to_json(), status_code=403))
        elif call is None:
            missing = AuthError(f"Call '{call_id}' not found (or already ended).", "call_not_found")
            await websocket.send_denial_response(JSONResponse(missing.to_json(), status_code=404))
        else:
            await serve_sideband(websocket, call)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        """Prometheus metrics; the master key only (they describe every key's traffic)."""
        if request.state.credential.kind != "master":
            denial = AuthError("Metrics need the master API key.", "insufficient_scope")
            return JSONResponse(denial.to_json(), status_code=403)
        body = state.metrics.exposition(state.capacity.lag.ms / 1000, state.capacity.queue.ms / 1000)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    app.include_router(realtime_router(state))
    app.include_router(operator_router(state))
    app.include_router(chat_router(state))
    app.include_router(web_router(state))
    if settings.twilio_auth_token:
        from ..transports.twilio import twilio_router  # the `telephony` extra

        app.include_router(twilio_router(state))
    if sip is not None:
        app.include_router(sip.router())
    mount_static(app)

    @app.middleware("http")
    async def require_key(request: Request, call_next):  # type: ignore[no-untyped-def]
        path = request.url.path
        public = path in PUBLIC_PATHS or path == OPERATOR_PAGE or path in state.public_paths
        if public or path.startswith((*PUBLIC_PREFIXES, *state.public_prefixes)):
            return await call_next(request)
        try:
            credential = authenticate(request, state.api_keys, state.client_secrets, state.ui_token)
        except AuthError as exc:
            state.refusals.refused(f"{request.method} {path}", client_address(request), exc.code)
            return JSONResponse(exc.to_json(), status_code=exc.status)
        if credential.kind == "ephemeral" and path not in EPHEMERAL_PATHS:
            scope = AuthError("A client secret can only open Realtime sessions.", "insufficient_scope")
            return JSONResponse(scope.to_json(), status_code=403)
        request.state.credential = credential
        response: Response = await call_next(request)
        return response

    def body_limit(path: str) -> int:
        if path == "/web/login":
            return LOGIN_BODY_BYTES
        return settings.max_image_body_bytes if path == "/v1/realtalk/chat" else settings.max_body_bytes

    if state.cluster is not None:
        app.add_middleware(ClusterGate, cluster=state.cluster)
    # Outside the cluster's proxy, so a body passed on to another node is held to the same limits.
    app.add_middleware(BodyLimits, limit_for=body_limit, pause_timeout_s=settings.body_timeout_s)
    app.add_middleware(DrainGate, drain=state.drain)  # refusals need no key check first
    app.add_middleware(SecurityHeaders)  # outside the limits, so refusals carry the headers too
    if settings.cors_origins:
        # Outermost, so preflights are answered before auth and errors carry CORS headers too.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["authorization", "content-type", "openai-beta"],
            expose_headers=["Location", "X-RealTalk-Conversation-Id"],
            max_age=600,
        )

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
