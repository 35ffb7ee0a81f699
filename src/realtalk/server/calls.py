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
from ..session.runtime import SessionRuntime, judges_readings
from ..session.session import RealtimeSession
from .capacity import Refusal
from .costs import price_session
from .key_meter import KeyMeter
from .metrics import TurnTimer
from .state import AppState
from .tracing import CallTrace

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

    def __init__(
        self,
        state: AppState,
        session: RealtimeSession,
        runtime_args: dict[str, Any],
        key_id: str,
        transport: str,
    ) -> None:
        self.id = new_id("rtc")
        self.state = state
        self.session = session
        # The input clock says how long ago, in real time, the speech a decision is about ended.
        self.timer = TurnTimer(state.metrics, lambda: session.input_ms, state.tools.tools)
        self.meter = KeyMeter(state.limiter, key_id, self.timer.stats)
        self.trace = CallTrace(
            state.tracing.tracer,
            {
                "realtime.session.id": session.id,
                "realtime.conversation.id": session.conversation_id,
                "realtime.call.id": self.id,
                "realtime.transport": transport,
                "realtime.key_id": key_id,
                "realtime.model": session.config.get("model") or "",
            },
        )
        self.runtime = SessionRuntime(session, send=self._broadcast, stages=self, **runtime_args)
        self.listeners: list[Listener] = []
        self.ended = asyncio.Event()
        self.on_end: list[Callable[[], Awaitable[None]]] = []
        """Transport clean-ups run when the call ends (close the peer connection…)."""
        self.close_code = 1000
        """The WebSocket close code its connections get if the server ends the call (drain: 1001)."""

    async def start(self, history: list[dict[str, Any]]) -> None:
        self.state.drain.live.add(self)
        await self.runtime.start(history)

    async def end(self) -> None:
        """Stop generating, save what was decided, and tell every listener the call is over."""
        if self.ended.is_set():
            return
        self.ended.set()
        self.state.calls.pop(self.id, None)
        await self.runtime.close()
        self.timer.sync_input()  # audio since the last response is billed too
        await self.meter.close()
        self.trace.end(self.timer.stats)
        await self._record_cost()
        self.state.drain.live.discard(self)
        for close in self.on_end:
            try:
                await close()
            except Exception:
                log.exception("call %s: closing its transport failed", self.id)
        log.info("call %s (session %s) ended", self.id, self.session.id)

    async def _record_cost(self) -> None:
        """Price the session and keep the summary with its conversation (and in the metrics)."""
        settings = self.state.settings
        if not self.timer.stats.turns and not self.timer.stats.stage_seconds:
            return  # nothing happened: nothing to keep
        summary = price_session(
            self.timer.stats,
            self.state.prices,
            engine_threads=settings.engine_threads,
            llm=settings.llm_base_url is not None,
        )
        for kind in ("compute", "llm"):
            self.state.metrics.cost.labels(kind).inc(summary["cost"][kind])
        self.state.metrics.cost.labels("hosted_realtime").inc(summary["hosted_realtime"]["cost"])
        try:
            await asyncio.to_thread(
                self.state.store.save_session_cost,
                self.session.conversation_id,
                self.session.id,
                self.meter.key_id,
                summary,
            )
        except Exception:
            log.exception("call %s: saving its cost failed", self.id)
        log.info(
            "session %s: %d turns, cost %.6f %s (hosted Realtime API: %.6f)",
            self.session.id,
            self.timer.stats.turns,
            summary["cost"]["total"],
            summary["currency"],
            summary["hosted_realtime"]["cost"],
        )

    async def _broadcast(self, event: dict[str, Any]) -> None:
        self._observe(event)
        follow = await self.meter.observe(event)  # after the timer has counted the event's usage
        for extra in follow:
            self._observe(extra)
        for wire in [event, *follow]:
            for listener in list(self.listeners):
                try:
                    await listener.deliver(wire)
                except Exception as exc:  # one dead connection must not silence the others
                    log.debug("call %s: a listener failed: %s", self.id, exc)

    def _observe(self, event: dict[str, Any]) -> None:
        try:
            self.timer.observe(event)
            self.trace.observe(event)
        except Exception:  # watching a call must never break it
            log.exception("call %s: observing %s failed", self.id, event.get("type"))

    def stage(
        self, name: str, started: float, ended: float, attributes: dict[str, str | float | bool]
    ) -> None:
        """The runtime's `StageObserver`: to the metrics and the trace."""
        try:
            self.timer.stage(name, started, ended, attributes)
            self.trace.stage(name, started, ended, attributes)
        except Exception:  # watching a call must never break it
            log.exception("call %s: observing stage %s failed", self.id, name)

    async def join(self, listener: Listener) -> None:
        """Add a connection to a running call; it first gets `session.created` for the session."""
        self.listeners.append(listener)
        await listener.deliver(self.session.created_event())

    def error(self, exc: ProtocolError, client_event_id: str | None = None) -> None:
        self.runtime.submit(self.session.error(exc, client_event_id))

    async def handle_text(self, text: str, *, is_beta: bool = False) -> None:
        """One client event as JSON text, from any of the call's connections. Waits while the
        session is behind, so the connection stops being read (backpressure, not a growing queue)."""
        await self.runtime.room()
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
        refused = self.meter.screen(event)
        if refused is not None:
            self.error(refused, event.get("event_id") if isinstance(event.get("event_id"), str) else None)
            return
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
    key_id: str,
    transport: str,
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

    Raises `Refusal` before anything starts when the node is full or `key_id` is over a limit;
    otherwise the session counts (on `transport`, against `key_id`) until the call ends.
    """
    try:
        state.capacity.check()
        end_for_key = await state.limiter.start_session(key_id)
    except Refusal as refusal:
        state.metrics.refused.labels(refusal.code).inc()
        raise
    release = state.capacity.hold(transport)
    state.metrics.sessions.labels(transport).inc()
    state.metrics.sessions_live.labels(transport).inc()
    try:
        call, history = await _build_call(
            state, key_id, transport, model, conversation_id, session_config, server_playout, playout_format
        )
    except BaseException:
        release()
        state.metrics.sessions_live.labels(transport).dec()
        await end_for_key()
        raise

    async def leave() -> None:
        release()
        state.metrics.sessions_live.labels(transport).dec()
        await end_for_key()

    call.on_end.append(leave)
    return call, history


async def _build_call(
    state: AppState,
    key_id: str,
    transport: str,
    model: str | None,
    conversation_id: str | None,
    session_config: dict[str, Any] | None,
    server_playout: bool,
    playout_format: AudioFormat,
) -> tuple[Call, list[dict[str, Any]]]:
    history = await state.load_history(conversation_id) if conversation_id else []
    await state.ready.wait()
    model = model or (session_config or {}).get("model") or state.settings.llm_model
    base = merge_config(default_config(model), state.session_defaults)
    if session_config:
        base = merge_config(base, session_config)
    brain = state.answer_cache.for_key(state.brain, key_id) if state.answer_cache else state.brain
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
        context_tokens=state.settings.llm_context_tokens,
        reply_context=judges_readings(brain, state.engines.stt, state.settings.stt_readings),
    )
    runtime_args = {
        "stt": state.engines.stt,
        "turn": state.engines.turn,
        "tts": state.engines.tts,
        "brain": brain,
        "store": state.store,
        "lead_ms": state.settings.output_audio_lead_ms,
        "tools": state.tools,
        "images": state.image_reader,
        "readings": state.settings.stt_readings,
        "batch": state.settings.stt_batch,
    }
    return Call(state, session, runtime_args, key_id, transport), history
