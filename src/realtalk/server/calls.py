"""Sessions hosted by the server, whatever carries them.

A `Call` is one `RealtimeSession` and its `SessionRuntime`, plus the connections that see its
events: the caller's own transport (a WebSocket, or a WebRTC data channel) and, for WebRTC calls,
any sideband WebSockets a backend opened with `?call_id=`. Every connection may send client
events; every connection receives every server event, in its own dialect (GA or beta).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..audio.formats import PCM16_24K, AudioFormat
from ..protocol import beta
from ..protocol.client_events import EXTENSION_PREFIX, decode_json_event, event_type
from ..protocol.errors import ProtocolError
from ..protocol.ids import new_id
from ..session.config import default_config, merge_config
from ..session.runtime import SessionRuntime
from ..session.session import RealtimeSession
from .state import AppState

log = logging.getLogger(__name__)

SendText = Callable[[dict[str, Any]], Awaitable[None]]

CONVERSATION_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
"""What a client-chosen conversation id may look like: ours (`conv_…`), UUIDs, slugs."""


def check_conversation_id(conversation_id: object) -> str:
    """`conversation_id` if it has the form of one, else a `ProtocolError` saying what form."""
    if not isinstance(conversation_id, str) or not CONVERSATION_ID.fullmatch(conversation_id):
        raise ProtocolError(
            "Invalid 'conversation_id': use 1 to 128 letters, digits, '_' or '-'.",
            code="invalid_value",
            param="conversation_id",
        )
    return conversation_id


@dataclass(eq=False)
class Listener:
    """One connection that receives the call's server events."""

    send: SendText
    beta: bool = False

    async def deliver(self, event: dict[str, Any]) -> None:
        """Send a GA server event in this connection's dialect (some have no beta form)."""
        wire = beta.server_event_to_beta(event) if self.beta else event
        if wire is not None:
            await self.send(wire)


class Call:
    """A hosted Realtime session (see the module docstring). Create with `open_call`."""

    def __init__(self, state: AppState, session: RealtimeSession, runtime_args: dict[str, Any]) -> None:
        self.id = new_id("rtc")
        self.state = state
        self.session = session
        self.runtime = SessionRuntime(session, send=self._broadcast, **runtime_args)
        self.listeners: list[Listener] = []
        self.ended = asyncio.Event()
        self.on_end: list[Callable[[], Awaitable[None]]] = []
        """Transport clean-ups run when the call ends (close the peer connection…)."""

    async def start(self, history: list[dict[str, Any]]) -> None:
        await self.runtime.start(history)

    async def end(self) -> None:
        """Stop generating, save what was decided, and tell every listener the call is over."""
        if self.ended.is_set():
            return
        self.ended.set()
        self.state.calls.pop(self.id, None)
        await self.runtime.close()
        for close in self.on_end:
            try:
                await close()
            except Exception:
                log.exception("call %s: closing its transport failed", self.id)
        log.info("call %s (session %s) ended", self.id, self.session.id)

    async def _broadcast(self, event: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            try:
                await listener.deliver(event)
            except Exception as exc:  # one dead connection must not silence the others
                log.debug("call %s: a listener failed: %s", self.id, exc)

    async def join(self, listener: Listener) -> None:
        """Add a connection to a running call; it first gets `session.created` for the session."""
        self.listeners.append(listener)
        await listener.deliver(self.session.created_event())

    def error(self, exc: ProtocolError, client_event_id: str | None = None) -> None:
        self.runtime.submit(self.session.error(exc, client_event_id))

    async def handle_text(self, text: str, *, is_beta: bool = False) -> None:
        """One client event as JSON text, from any of the call's connections."""
        try:
            event = decode_json_event(text)
        except ProtocolError as exc:
            self.error(exc)
            return
        if (event_type(event) or "").startswith(EXTENSION_PREFIX):
            await self._handle_extension(event)
            return
        if is_beta:
            event = beta.client_event_to_ga(event)
        self.runtime.submit(self.session.handle_event(event))

    async def _handle_extension(self, event: dict[str, Any]) -> None:
        """RealTalk's namespaced extensions (docs/protocol.md): only clients that send them see them."""
        client_event_id = event.get("event_id") if isinstance(event.get("event_id"), str) else None
        if event["type"] != "realtalk.conversation.restore":
            self.error(
                ProtocolError(
                    f"Unknown RealTalk extension event '{event['type']}'.", code="invalid_value", param="type"
                ),
                client_event_id,
            )
            return
        conversation_id = event.get("conversation_id")
        if not conversation_id:
            self.error(
                ProtocolError(
                    "Missing required parameter: 'conversation_id'.",
                    code="missing_required_parameter",
                    param="conversation_id",
                ),
                client_event_id,
            )
            return
        try:
            conversation_id = check_conversation_id(conversation_id)
        except ProtocolError as exc:
            self.error(exc, client_event_id)
            return
        if not await self.state.has_conversation(conversation_id):
            self.error(
                ProtocolError(
                    f"Conversation '{conversation_id}' not found.",
                    code="conversation_not_found",
                    param="conversation_id",
                ),
                client_event_id,
            )
            return
        history = await self.state.load_history(conversation_id)
        self.runtime.submit(self.session.restore_conversation(conversation_id, history, client_event_id))


async def open_call(
    state: AppState,
    *,
    model: str | None = None,
    conversation_id: str | None = None,
    session_config: dict[str, Any] | None = None,
    server_playout: bool = False,
    playout_format: AudioFormat = PCM16_24K,
) -> tuple[Call, list[dict[str, Any]]]:
    """Build (not start) a call over the shared engines, brain, tools and store.

    `session_config` is a validated GA partial `session` (from an ephemeral key or a calls request)
    applied on top of the app's defaults. With `server_playout` the transport plays reply audio
    itself, in `playout_format` both ways, and sets `call.runtime.player`. Returns the call and
    the history to start it with.
    """
    history = await state.load_history(conversation_id) if conversation_id else []
    await state.ready.wait()
    model = model or (session_config or {}).get("model") or state.settings.llm_model
    base = merge_config(default_config(model), state.session_defaults)
    if session_config:
        base = merge_config(base, session_config)
    session = RealtimeSession(
        model=model,
        vad=state.engines.vad.stream(),
        conversation_id=conversation_id,
        max_append_bytes=state.settings.max_input_buffer_bytes,
        max_input_buffer_ms=state.settings.max_input_buffer_s * 1000,
        speculative_replies=state.settings.speculative_replies,
        vad_frame_samples=state.engines.vad.frame_samples,
        server_tools=state.tools.specs(),
        base_config=base,
        handoffs=state.handoffs,
        server_playout=server_playout,
        playout_format=playout_format,
    )
    runtime_args = {
        "stt": state.engines.stt,
        "tts": state.engines.tts,
        "brain": state.brain,
        "store": state.store,
        "lead_ms": state.settings.output_audio_lead_ms,
        "tools": state.tools,
        "images": state.image_reader,
    }
    return Call(state, session, runtime_args), history
