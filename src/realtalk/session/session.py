"""`RealtimeSession`: one Realtime conversation as a sans-I/O state machine.

Client events and input audio go in; a list of `Effect`s comes out (server events to send, items
to save, transcriptions and responses to run). The runtime reports engine results back through
the `transcription_*` and `response_*` methods. There are no sockets, threads or awaits here and
the clock is passed in, so every rule of the protocol is testable with plain function calls.

The session is a facade over three parts that write to one `Outbox`: the `Conversation`
(`conversation.py`), the `InputAudio` buffer and its turns (`input_audio.py`), and the
`Responses` (`responses.py`). It dispatches client events, applies `session.update`, and wires
the parts' callbacks (barge-in, the turn's end, the idle timeout).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from ..audio.formats import PCM16_24K, AudioFormat
from ..brain.base import BrainRequest, Message, ToolCall, ToolSpec
from ..engines.base import Transcription, VadStream
from ..protocol.client_events import validate_client_event
from ..protocol.errors import ProtocolError
from ..protocol.ids import new_id
from .backchannel import Backchannels
from .config import check_config, default_config, merge_config
from .conversation import Conversation
from .effects import ClearPlayout, Effect, Outbox, Prefetch, Send, server_event
from .input_audio import MAX_APPEND_BYTES, MAX_BUFFER_MS, InputAudio
from .responses import Handoff, Response, Responses
from .truncation import DEFAULT_CONTEXT_TOKENS, Truncation

__all__ = ["Handoff", "RealtimeSession"]


class RealtimeSession:
    """The protocol state of one Realtime session (see the module docstring)."""

    def __init__(
        self,
        *,
        model: str,
        vad: VadStream,
        clock: Callable[[], float] = time.monotonic,
        session_id: str | None = None,
        conversation_id: str | None = None,
        base_config: dict[str, Any] | None = None,
        max_append_bytes: int = MAX_APPEND_BYTES,
        max_input_buffer_ms: int = MAX_BUFFER_MS,
        speculative_replies: bool = True,
        vad_frame_samples: int = 512,
        server_tools: Iterable[ToolSpec] = (),
        handoffs: Iterable[Handoff] = (),
        server_playout: bool = False,
        playout_format: AudioFormat = PCM16_24K,
        context_tokens: int = DEFAULT_CONTEXT_TOKENS,
        reply_context: bool = False,
    ) -> None:
        """`server_playout`: the transport plays reply audio itself (WebRTC, phone calls). Audio then
        leaves as `PlayAudio` effects in `playout_format` instead of `response.output_audio.delta`
        events, input arrives via `feed_audio` in that format, and barge-in truncates the reply at
        what was heard. A phone line's μ-law stays μ-law: no resampling round trip.
        `context_tokens`: the brain's context window, which `truncation` keeps the conversation in.
        `reply_context`: each `Transcribe` carries the request a reply would get (`_reply_context`),
        for a brain that judges the turn's readings by dry runs; built on the event loop per turn,
        so only when some brain reads it.
        """
        server_tools = tuple(server_tools)  # read by the input (its vocabulary) and by the responses
        self.id = session_id or new_id("sess")
        self.conversation_id = conversation_id or new_id("conv")
        self._clock = clock
        self._speculative_replies = speculative_replies
        self._server_playout = server_playout
        self.config = default_config(model)
        if base_config:
            self.config = merge_config(self.config, base_config)
        self.created_at = int(time.time())
        self._idle_deadline: float | None = None
        self._out = Outbox()
        self._conversation = Conversation(self._out)
        self._input = InputAudio(
            self._out,
            self._conversation,
            vad,
            config=lambda: self.config,
            server_tools=server_tools,
            max_append_bytes=max_append_bytes,
            max_buffer_ms=max_input_buffer_ms,
            vad_frame_samples=vad_frame_samples,
            playout_format=playout_format if server_playout else None,
            on_speech_started=self._speech_started,
            on_turn_ended=self._turn_ended,
            on_early_transcript=self._prefetch,
            on_transcribed=self._generate_if_ready,
            on_speaking=lambda ms: self._backchannels.speech_going_on(ms),
            on_pause_heard=lambda heard, ms, vowel: self._backchannels.speech_heard(heard, ms, vowel),
            on_onset=self._onset,
            on_onset_unconfirmed=lambda: self._backchannels.end_duck(),
            held=lambda: self._backchannels.holding,
            context=self._reply_context if reply_context else lambda: None,
        )
        self._responses = Responses(
            self._out,
            self._conversation,
            clock=clock,
            config=lambda: self.config,
            conversation_id=lambda: self.conversation_id,
            server_tools=server_tools,
            handoffs=handoffs,
            playout_format=playout_format if server_playout else None,
            on_started=self._response_started,
            on_finished=self._response_finished,
            on_handoff=self._hand_off,
            truncation=Truncation(context_tokens),
        )
        self._backchannels = Backchannels(
            self._out,
            self._responses,
            server_playout=server_playout,
            enabled=lambda: self._input.detection is not None and self._input.detection.backchannels,
        )

    # ------------------------------------------------------------------ public entry points

    def start(self, history: Iterable[dict[str, Any]] = ()) -> list[Effect]:
        """Effects for a new connection: `session.created`, then any restored history."""
        self._out.append(Send(self.created_event()))
        self._conversation.restore(history)
        return self._out.drain()

    def restore_conversation(
        self, conversation_id: str, history: Iterable[dict[str, Any]], client_event_id: str | None = None
    ) -> list[Effect]:
        """RealTalk's restore extension: continue `conversation_id` in this session.

        Allowed while this session's own conversation is still empty, so nothing is orphaned.
        """
        if self._conversation.order:
            return self.error(
                ProtocolError(
                    "A conversation can only be restored into a session with no items yet.",
                    code="conversation_not_empty",
                    param="conversation_id",
                ),
                client_event_id,
            )
        self.conversation_id = conversation_id
        self._conversation.restore(history)
        self._out.send(
            {
                "type": "realtalk.conversation.restored",
                "conversation_id": conversation_id,
                "item_count": len(self._conversation.order),
                "client_event_id": client_event_id,
            }
        )
        return self._out.drain()

    def handle_event(self, data: dict[str, Any]) -> list[Effect]:
        """Handle one decoded GA client event. Protocol errors become `error` events."""
        client_event_id = data.get("event_id") if isinstance(data.get("event_id"), str) else None
        try:
            if data.get("type") == "session.update" and isinstance(data.get("session"), dict):
                data["session"].setdefault("type", "realtime")
            event = validate_client_event(data)
            handler = getattr(self, "_on_" + data["type"].replace(".", "_"))
            handler(event.model_dump(exclude_unset=True), client_event_id)
        except ProtocolError as exc:
            self._out.append(Send(server_event({"type": "error", "error": exc.to_error(client_event_id)})))
        return self._out.drain()

    def error(self, exc: ProtocolError, client_event_id: str | None = None) -> list[Effect]:
        """An `error` event for a problem found before `handle_event` (e.g. invalid JSON)."""
        self._out.send({"type": "error", "error": exc.to_error(client_event_id)})
        return self._out.drain()

    def tick(self) -> list[Effect]:
        """Let time-based rules fire (the idle timeout). Call every few hundred ms."""
        now = self._clock()
        if self._idle_deadline is not None and now >= self._idle_deadline and self._responses.current is None:
            self._idle_deadline = None
            self._input.time_out()
            self._responses.create({})
        return self._out.drain()

    @property
    def input_ms(self) -> float:
        """The input clock: milliseconds of input audio received (what `audio_end_ms` counts in)."""
        return self._input.ms_total

    def feed_audio(self, audio: bytes) -> list[Effect]:
        """Input audio in the session's input format (from a media track, e.g. WebRTC)."""
        self._input.feed_track(audio)
        return self._out.drain()

    @property
    def responding(self) -> bool:
        """Whether a response is in progress (including the server tools it runs)."""
        return self._responses.current is not None

    def created_event(self) -> dict[str, Any]:
        """A `session.created` event for the session as it is now (a new or a joining connection)."""
        return server_event({"type": "session.created", "session": copy.deepcopy(self.session_object())})

    def session_object(self) -> dict[str, Any]:
        """The GA `session` object as sent in `session.created` / `session.updated`."""
        return {
            "object": "realtime.session",
            "id": self.id,
            "expires_at": self.created_at + 3600,
            **self.config,
        }

    # ------------------------------------------------------------------ results from the runtime

    def image_read(self, item_id: str, content_index: int, text: str) -> list[Effect]:
        """OCR read `text` ("" if none) in an image part; the brain now sees it."""
        self._image_done(item_id, content_index, text)
        return self._out.drain()

    def image_read_failed(self, item_id: str, content_index: int, message: str) -> list[Effect]:
        """An image part could not be read. The client gets an `error`; the turn goes on without it."""
        if item_id in self._conversation.items and item_id in self._conversation.pending:
            error = ProtocolError(
                f"Could not read the image in item '{item_id}': {message}",
                code="image_unreadable",
                param=f"item.content[{content_index}].image_url",
            )
            self._out.send({"type": "error", "error": error.to_error(None)})
        self._image_done(item_id, content_index, None)
        return self._out.drain()

    def _image_done(self, item_id: str, content_index: int, text: str | None) -> None:
        if self._conversation.image_done(item_id, content_index, text):
            self._responses.maybe_generate()

    def transcription_completed(
        self, item_id: str, result: Transcription, *, speculative: bool = False, epoch: int = 0
    ) -> list[Effect]:
        self._input.transcription_completed(item_id, result, speculative=speculative, epoch=epoch)
        return self._out.drain()

    def transcript_ahead(self, item_id: str, result: Transcription, *, epoch: int) -> list[Effect]:
        """A speculative transcript's words, before the recogniser has read its full stop: the
        `transcription_completed` that follows brings the score (see `InputAudio.transcript_ahead`)."""
        self._input.transcript_ahead(item_id, result, epoch=epoch)
        return self._out.drain()

    def turn_end_predicted(self, item_id: str, pause_id: float, probability: float) -> list[Effect]:
        """The turn-end model's verdict on a pause of the user's turn (`PredictTurnEnd`)."""
        self._input.turn_end_predicted(item_id, pause_id, probability)
        return self._out.drain()

    def transcription_failed(self, item_id: str, message: str) -> list[Effect]:
        self._input.transcription_failed(item_id, message)
        return self._out.drain()

    def response_text(self, response_id: str, text: str) -> list[Effect]:
        """The brain produced more reply text (text modality)."""
        self._responses.text(response_id, text)
        return self._out.drain()

    def response_audio(self, response_id: str, audio: bytes, text: str = "") -> list[Effect]:
        """The runtime is sending the next piece of reply audio (wire format), and its words."""
        self._responses.audio(response_id, audio, text)
        return self._out.drain()

    def response_tool_call(self, response_id: str, call: ToolCall) -> list[Effect]:
        self._responses.tool_call(response_id, call)
        return self._out.drain()

    def response_completed(self, response_id: str) -> list[Effect]:
        """The brain (and TTS) finished the response."""
        self._responses.completed(response_id)
        return self._out.drain()

    def tool_result(self, response_id: str, call_id: str, output: str) -> list[Effect]:
        """A server tool finished. Dropped if its response was cancelled meanwhile.

        The result becomes a `function_call_output` item; when the last tool of the response is
        done, the response completes and a follow-up response speaks the result.
        """
        self._responses.tool_result(response_id, call_id, output)
        return self._out.drain()

    def response_failed(self, response_id: str, message: str) -> list[Effect]:
        self._responses.failed(response_id, message)
        return self._out.drain()

    def playout_started(self, response_id: str) -> list[Effect]:
        """Server-side playout: the first audio of `response_id` is going out."""
        self._out.send({"type": "output_audio_buffer.started", "response_id": response_id})
        return self._out.drain()

    def playout_drained(self, response_id: str, chunks_played: int) -> list[Effect]:
        """Server-side playout: the player ran out of queued audio after `chunks_played` chunks."""
        self._responses.playout_drained(response_id, chunks_played)
        return self._out.drain()

    def playout_cleared(self, response_id: str, item_id: str, played_ms: float) -> list[Effect]:
        """Server-side playout: queued audio was dropped after `played_ms` of `item_id` was heard.

        The assistant item is truncated to what was heard, as a client would do over WebSocket.
        """
        self._responses.playouts.pop(response_id, None)
        record = self._conversation.items.get(item_id)
        if record is not None and record.audio:
            duration = len(record.audio) / record.audio_rate_bytes_per_ms
            if played_ms < duration:
                self._conversation.truncate(
                    record, 0, int(played_ms), self._input.output_format.bytes_per_sample
                )
        self._out.send({"type": "output_audio_buffer.cleared", "response_id": response_id})
        return self._out.drain()

    def dtmf_received(self, key: str, received_at: int, *, answer: bool = False) -> list[Effect]:
        """A telephone keypad press (RFC 4733 on SIP, `dtmf` on Twilio) at Unix time `received_at`.

        Like OpenAI's SIP calls, the event goes to the session's connections (a sideband backend
        acts on it); it carries no `event_id` in OpenAI's schema, so it has none here either.
        With `answer` (a call no backend watches), the press is also the caller's turn: it cuts
        off the reply like speech would, and the agent answers a user message that says which
        key was pressed ("press 1 for opening hours" works with any brain).
        """
        event = {"type": "input_audio_buffer.dtmf_event_received", "event": key, "received_at": received_at}
        self._out.append(Send(event))
        if not answer:
            return self._out.drain()
        self._speech_started()
        effects = self._out.drain()
        text = f"[The caller pressed {key} on the keypad]"
        item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}
        effects += self.handle_event({"type": "conversation.item.create", "item": item})
        if self._responses.current is None:
            effects += self.handle_event({"type": "response.create"})
        return effects

    # ------------------------------------------------------------------ client events

    def _on_session_update(self, event: dict[str, Any], _: str | None) -> None:
        update = event["session"]
        if update.get("type") not in (None, "realtime"):
            raise ProtocolError(
                "Only 'realtime' sessions are supported on this endpoint.",
                code="invalid_value",
                param="session.type",
            )
        new_config = merge_config(self.config, update)
        check_config(new_config)
        self.config = new_config
        self._input.configure()
        self._backchannels.abandon()
        self._out.send({"type": "session.updated", "session": self.session_object()})

    def _on_input_audio_buffer_append(self, event: dict[str, Any], _: str | None) -> None:
        self._input.append(event["audio"])

    def _on_input_audio_buffer_commit(self, _: dict[str, Any], __: str | None) -> None:
        self._input.commit()
        self._backchannels.turn_ended()  # the held speech is a turn now: the reply gives way

    def _on_input_audio_buffer_clear(self, _: dict[str, Any], __: str | None) -> None:
        self._input.clear()
        self._backchannels.abandon()

    def _on_output_audio_buffer_clear(self, _: dict[str, Any], __: str | None) -> None:
        # Over WebSocket the client owns playback; cutting our unsent audio is what we can do.
        current = self._responses.current
        response_id = current.id if current is not None else self._responses.last_id
        if response_id is None:
            raise ProtocolError("There is no output audio to clear yet.", code="output_audio_buffer_empty")
        if current is not None:
            self._responses.cancel(current, "client_cancelled")
        if self._server_playout:
            self._out.append(ClearPlayout())  # the player reports what was heard, then `cleared`
        else:
            self._out.send({"type": "output_audio_buffer.cleared", "response_id": response_id})

    def _on_conversation_item_create(self, event: dict[str, Any], _: str | None) -> None:
        record, images, previous = self._conversation.prepare(event)
        parts = record.data.get("content") or []
        audio_part = next((p for p in parts if p.get("type") == "input_audio"), None)
        if audio_part is not None and audio_part.get("audio") and not audio_part.get("transcript"):
            self._input.transcribe_part(record, audio_part)
        self._conversation.read_images(record, images)
        self._conversation.insert(record, previous)

    def _on_conversation_item_retrieve(self, event: dict[str, Any], _: str | None) -> None:
        self._conversation.retrieve(event["item_id"])

    def _on_conversation_item_delete(self, event: dict[str, Any], _: str | None) -> None:
        self._conversation.delete(event["item_id"])
        self._responses.maybe_generate()

    def _on_conversation_item_truncate(self, event: dict[str, Any], _: str | None) -> None:
        index = event["content_index"]
        audio_end_ms = event["audio_end_ms"]
        record = self._conversation.truncatable(event["item_id"], index, audio_end_ms)
        current = self._responses.current
        if current is not None and current.message is record:
            self._responses.cancel(current, "client_cancelled")
        self._conversation.truncate(record, index, audio_end_ms, self._input.output_format.bytes_per_sample)

    def _on_response_create(self, event: dict[str, Any], _: str | None) -> None:
        current = self._responses.current
        if current is not None:
            raise ProtocolError(
                f"Conversation already has an active response in progress: {current.id}. "
                "Wait until the response is finished before creating a new one.",
                code="conversation_already_has_active_response",
            )
        params = event.get("response") or {}
        if params.get("conversation", "auto") != "none":
            self._conversation.check_room("creating response")
        self._responses.create(params)

    def _on_response_cancel(self, event: dict[str, Any], _: str | None) -> None:
        response = self._responses.current
        wanted = event.get("response_id")
        if response is None or (wanted and wanted != response.id):
            raise ProtocolError(
                "Cancellation failed: no active response found.", code="response_cancel_not_active"
            )
        self._responses.cancel(response, "client_cancelled")

    # ------------------------------------------------------------------ how the parts meet

    def _speech_started(self) -> None:
        """Barge-in: the user started talking over the reply."""
        self._idle_deadline = None
        detection = self._input.detection
        if detection is not None and detection.interrupt_response:
            if self._backchannels.speech_started():
                return  # held until it is judged a backchannel or an interruption
            if self._responses.current is not None:
                self._responses.cancel(self._responses.current, "turn_detected")
            elif self._server_playout and self._responses.playouts:
                self._out.append(ClearPlayout())  # the reply is generated but still playing
            self._backchannels.end_duck()

    def _onset(self) -> None:
        """A provisional speech onset (before VAD confirms it): pause the reply's audio."""
        detection = self._input.detection
        if detection is not None and detection.interrupt_response and detection.pause_at_onset:
            self._backchannels.onset()

    def _turn_ended(self) -> None:
        self._backchannels.turn_ended()
        detection = self._input.detection
        if detection is not None and detection.create_response and self._responses.current is None:
            self._responses.create({})

    def _generate_if_ready(self) -> None:
        self._responses.maybe_generate()

    def _prefetch(self, text: str, unsure: bool) -> bool:
        """Ask for the reply this turn would get if it ended now with these words, heard unsure or
        not (see `Prefetch`); whether it did."""
        detection = self._input.detection
        if (
            not self._speculative_replies
            or not text
            or detection is None
            or not detection.create_response
            or self._responses.current is not None
            or self._conversation.pending
        ):
            return False
        response = self._responses.plan({})
        request = self._responses.brain_request(response)
        messages = [*request.messages, Message("user", text, heard_unsure=unsure)]
        self._out.append(Prefetch(replace(request, messages=messages), response.plan))
        return True

    def _reply_context(self) -> BrainRequest:
        """The request a reply would get now, less the turn being heard (its text is not in yet): a
        look only, which moves no cut through the conversation (`Truncation`)."""
        request = self._responses.brain_request(self._responses.plan({}), keep_cut=False)
        messages = list(request.messages)
        if messages and messages[-1].role == "user" and not messages[-1].content:
            messages.pop()
        return replace(request, messages=messages)

    def _response_started(self) -> None:
        self._idle_deadline = None

    def _response_finished(self, response: Response) -> None:
        """The idle timeout counts from when the reply's audio has been played out."""
        detection = self._input.detection
        if detection is not None and detection.idle_timeout_ms:
            played_until = (response.first_audio_at or self._clock()) + response.audio_ms / 1000
            self._idle_deadline = max(played_until, self._clock()) + detection.idle_timeout_ms / 1000

    def _hand_off(self, handoff: Handoff) -> None:
        self.config = merge_config(self.config, handoff.session_update)
        self._out.send({"type": "session.updated", "session": self.session_object()})
