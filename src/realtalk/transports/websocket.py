"""The Realtime API over WebSocket: `GET /v1/realtime?model=…`, and sideband `?call_id=…`.

Text frames carry JSON client events; everything else — validation, state, responses — belongs to
the session (`server.calls.Call`). This adapter only moves frames and picks the dialect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ..protocol.errors import ProtocolError
from ..server.auth import Credential
from ..server.calls import Call, Listener, open_call
from ..server.capacity import Refusal
from ..server.state import AppState
from .send_buffer import SLOW_CLIENT_CLOSE, SLOW_CLIENT_REASON, SendBuffer

log = logging.getLogger(__name__)

BETA_SUBPROTOCOL = "openai-beta.realtime-v1"
SIDEBAND_FLUSH_S = 2.0
"""How long a sideband connection may take to receive a call's last events before it is closed."""


def wants_beta(websocket: WebSocket) -> bool:
    header = websocket.headers.get("openai-beta", "")
    protocols = websocket.headers.get("sec-websocket-protocol", "")
    return "realtime=v1" in header.replace(" ", "") or BETA_SUBPROTOCOL in protocols


def chosen_subprotocol(websocket: WebSocket) -> str | None:
    # Browser clients offer "realtime" plus key/beta markers; the server must echo one back.
    offered = [p.strip() for p in websocket.headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
    return "realtime" if "realtime" in offered else None


def _outbox(websocket: WebSocket, state: AppState) -> SendBuffer:
    """The connection's bounded send buffer; past the bound, the socket is closed (1008)."""

    async def send_text(text: str) -> None:
        if websocket.application_state == WebSocketState.CONNECTED:
            await websocket.send_text(text)

    async def close() -> None:
        with contextlib.suppress(Exception):
            await websocket.close(SLOW_CLIENT_CLOSE, SLOW_CLIENT_REASON)

    closing: set[asyncio.Task[None]] = set()

    def overflow() -> None:
        state.metrics.slow_clients.inc()
        # Not awaited here: the close frame waits behind the unread data, the call must not.
        task = asyncio.create_task(close())
        closing.add(task)
        task.add_done_callback(closing.discard)

    return SendBuffer(send_text, state.settings.send_buffer_bytes, overflow)


async def serve_realtime(websocket: WebSocket, state: AppState, credential: Credential) -> None:
    """Run one Realtime session over an accepted-to-be WebSocket (auth already checked).

    A node at capacity, or a key over its limits, is refused in the upgrade's HTTP response
    (503 / 429 with `Retry-After`): the client never sees a session that cannot run.
    """
    try:
        call, history = await open_call(
            state,
            key_id=credential.key_id,
            transport="websocket",
            model=websocket.query_params.get("model"),
            conversation_id=websocket.query_params.get("conversation_id"),
            session_config=credential.secret.session if credential.secret else None,
        )
    except Refusal as refusal:
        log.warning("refused a WebSocket session: %s", refusal.message)
        await websocket.send_denial_response(refusal.response())
        return
    outbox = _outbox(websocket, state)
    try:
        await websocket.accept(
            subprotocol=chosen_subprotocol(websocket),
            headers=[(b"x-realtalk-conversation-id", call.session.conversation_id.encode())],
        )
        is_beta = wants_beta(websocket)
        call.listeners.append(Listener(outbox.send, beta=is_beta))
        await call.start(history)
        log.info(
            "session %s connected (conversation %s, %s dialect)",
            call.session.id,
            call.session.conversation_id,
            "beta" if is_beta else "GA",
        )
        await _until_either_ends(
            websocket,
            call,
            _pump(websocket, call, is_beta, idle_timeout_s=state.settings.ws_idle_timeout_s),
            outbox,
        )
    finally:
        await call.end()
        await outbox.close()


async def serve_sideband(websocket: WebSocket, call: Call) -> None:
    """A backend joins a running call: it sees every event and may send client events."""
    await websocket.accept(subprotocol=chosen_subprotocol(websocket))
    outbox = _outbox(websocket, call.state)
    listener = Listener(outbox.send, beta=wants_beta(websocket))
    await call.join(listener)
    log.info("sideband joined call %s", call.id)
    try:
        await _until_either_ends(websocket, call, _pump(websocket, call, listener.beta), outbox)
    finally:
        if listener in call.listeners:
            call.listeners.remove(listener)
        await outbox.close()
        log.info("sideband left call %s", call.id)


async def _until_either_ends(
    websocket: WebSocket, call: Call, pump: Coroutine[Any, Any, None], outbox: SendBuffer
) -> None:
    """Run `pump` until the socket closes or the call ends elsewhere (hang-up, drain): then send
    what is buffered (the last events) and close the socket with the call's close code."""
    pumping = asyncio.create_task(pump)
    ended = asyncio.create_task(call.ended.wait())
    try:
        await asyncio.wait({pumping, ended}, return_when=asyncio.FIRST_COMPLETED)
        if call.ended.is_set() and websocket.application_state == WebSocketState.CONNECTED:
            reason = "server shutting down" if call.close_code == 1001 else "call ended"
            await outbox.flush(SIDEBAND_FLUSH_S)
            with contextlib.suppress(Exception):
                await websocket.close(call.close_code, reason)
    finally:
        pumping.cancel()
        ended.cancel()


async def _pump(websocket: WebSocket, call: Call, is_beta: bool, idle_timeout_s: float | None = None) -> None:
    """Feed text frames to the call until the socket or the call ends, or `idle_timeout_s` passes
    without a frame. Sidebands have none: a backend may just listen, and the call bounds its life."""
    try:
        while not call.ended.is_set():
            try:
                async with asyncio.timeout(idle_timeout_s):
                    message = await websocket.receive()
            except TimeoutError:
                # A client that sends nothing, not even audio, holds a session for nobody.
                log.info("session %s: closed, no client event in %g s", call.session.id, idle_timeout_s)
                with contextlib.suppress(Exception):
                    await websocket.close(1001, "idle timeout")
                return
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                call.error(
                    ProtocolError(
                        "Binary frames are not supported; send JSON client events as text frames.",
                        code="invalid_frame",
                    )
                )
                continue
            await call.handle_text(text, is_beta=is_beta)
    except WebSocketDisconnect:
        pass
