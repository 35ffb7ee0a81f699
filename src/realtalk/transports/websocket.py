"""The Realtime API over WebSocket: `GET /v1/realtime?model=…`.

Text frames carry JSON client events; everything else — validation, state, responses — belongs to
the session. This adapter only decodes frames, applies the beta dialect at the edge and writes
server events back.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ..protocol import beta
from ..protocol.client_events import EXTENSION_PREFIX, decode_json_event
from ..protocol.errors import ProtocolError
from ..server.state import AppState
from ..session.runtime import SessionRuntime
from ..session.session import RealtimeSession

log = logging.getLogger(__name__)

BETA_SUBPROTOCOL = "openai-beta.realtime-v1"


def wants_beta(websocket: WebSocket) -> bool:
    header = websocket.headers.get("openai-beta", "")
    protocols = websocket.headers.get("sec-websocket-protocol", "")
    return "realtime=v1" in header.replace(" ", "") or BETA_SUBPROTOCOL in protocols


def chosen_subprotocol(websocket: WebSocket) -> str | None:
    # Browser clients offer "realtime" plus key/beta markers; the server must echo one back.
    offered = [p.strip() for p in websocket.headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
    return "realtime" if "realtime" in offered else None


async def serve_realtime(websocket: WebSocket, state: AppState) -> None:
    """Run one Realtime session over an accepted-to-be WebSocket (auth already checked)."""
    is_beta = wants_beta(websocket)
    model = websocket.query_params.get("model") or state.settings.llm_model
    conversation_id = websocket.query_params.get("conversation_id")
    history: list[dict[str, Any]] = []
    if conversation_id:
        history = await state.load_history(conversation_id)
    await state.ready.wait()
    session = RealtimeSession(
        model=model,
        vad=state.engines.vad.stream(),
        conversation_id=conversation_id,
        max_append_bytes=state.settings.max_input_buffer_bytes,
        speculative_replies=state.settings.speculative_replies,
        vad_frame_samples=state.engines.vad.frame_samples,
        server_tools=state.tools.specs(),
        base_config=state.session_defaults,
        handoffs=state.handoffs,
    )
    await websocket.accept(
        subprotocol=chosen_subprotocol(websocket),
        headers=[(b"x-realtalk-conversation-id", session.conversation_id.encode())],
    )

    async def send(event: dict[str, Any]) -> None:
        wire = beta.server_event_to_beta(event) if is_beta else event
        if wire is not None and websocket.application_state == WebSocketState.CONNECTED:
            await websocket.send_text(json.dumps(wire, separators=(",", ":")))

    runtime = SessionRuntime(
        session,
        stt=state.engines.stt,
        tts=state.engines.tts,
        brain=state.brain,
        store=state.store,
        send=send,
        lead_ms=state.settings.output_audio_lead_ms,
        tools=state.tools,
    )
    await runtime.start(history)
    log.info(
        "session %s connected (conversation %s, %s dialect)",
        session.id,
        session.conversation_id,
        "beta" if is_beta else "GA",
    )
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None:
                runtime.submit(
                    session.error(
                        ProtocolError(
                            "Binary frames are not supported; send JSON client events as text frames.",
                            code="invalid_frame",
                        )
                    )
                )
                continue
            await _handle_text(text, session, runtime, state, is_beta)
    except WebSocketDisconnect:
        pass
    finally:
        await runtime.close()
        log.info("session %s closed", session.id)


async def _handle_text(
    text: str, session: RealtimeSession, runtime: SessionRuntime, state: AppState, is_beta: bool
) -> None:
    try:
        event = decode_json_event(text)
    except ProtocolError as exc:
        runtime.submit(session.error(exc))
        return
    if event["type"].startswith(EXTENSION_PREFIX):
        await _handle_extension(event, session, runtime, state)
        return
    if is_beta:
        event = beta.client_event_to_ga(event)
    runtime.submit(session.handle_event(event))


async def _handle_extension(
    event: dict[str, Any], session: RealtimeSession, runtime: SessionRuntime, state: AppState
) -> None:
    """RealTalk's namespaced extensions (docs/protocol.md): only clients that send them see them."""
    client_event_id = event.get("event_id") if isinstance(event.get("event_id"), str) else None
    if event["type"] != "realtalk.conversation.restore":
        runtime.submit(
            session.error(
                ProtocolError(
                    f"Unknown RealTalk extension event '{event['type']}'.", code="invalid_value", param="type"
                ),
                client_event_id,
            )
        )
        return
    conversation_id = event.get("conversation_id")
    if not isinstance(conversation_id, str) or not conversation_id:
        runtime.submit(
            session.error(
                ProtocolError(
                    "Missing required parameter: 'conversation_id'.",
                    code="missing_required_parameter",
                    param="conversation_id",
                ),
                client_event_id,
            )
        )
        return
    if not await state.has_conversation(conversation_id):
        runtime.submit(
            session.error(
                ProtocolError(
                    f"Conversation '{conversation_id}' not found.",
                    code="conversation_not_found",
                    param="conversation_id",
                ),
                client_event_id,
            )
        )
        return
    history = await state.load_history(conversation_id)
    runtime.submit(session.restore_conversation(conversation_id, history, client_event_id))
