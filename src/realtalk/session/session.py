"""`RealtimeSession`: one Realtime conversation as a sans-I/O state machine.

Client events and input audio go in; a list of `Effect`s comes out (server events to send, items
to save, transcriptions and responses to run). The runtime reports engine results back through
the `transcription_*` and `response_*` methods. There are no sockets, threads or awaits here and
the clock is passed in, so every rule of the protocol is testable with plain function calls.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..audio.convert import InputDecoder
from ..audio.formats import PCM16_24K, AudioFormat
from ..brain.base import BrainRequest, Image, Message, ToolCall, ToolSpec
from ..engines.base import Float32Audio, Transcription, VadStream
from ..protocol.client_events import validate_client_event
from ..protocol.errors import ProtocolError
from ..protocol.ids import new_id
from ..protocol.images import decode_image_url
from .config import TurnDetectionSettings, default_config, merge_config
from .effects import (
    AudioPlan,
    ClearPlayout,
    DeleteItem,
    Effect,
    Generate,
    PlayAudio,
    Prefetch,
    ReadImage,
    RunTool,
    SaveItem,
    Send,
    StopGenerating,
    Transcribe,
)
from .turn_detection import TurnDetector
from .usage import estimate_audio_tokens, estimate_text_tokens

SAMPLE_RATE = 16_000
"""Rate of the session's internal input audio (what VAD and STT take)."""

# OpenAI: "the audio buffer must contain at least 100ms of audio" for a manual commit.
MIN_COMMIT_MS = 100
# OpenAI caps a single append at 15 MiB of audio.
MAX_APPEND_BYTES = 15 * 1024 * 1024
# Start transcribing this long into the end-of-turn silence: by the time the silence window
# (500 ms by default) confirms the turn is over, the transcript is usually ready.
SPECULATE_AFTER_MS = 160
# Server tools may call more tools; past this many rounds in a row the agent stops and answers.
MAX_TOOL_ROUNDS = 4
# Audio kept after the last speech frame when cutting the utterance for STT: word endings trail.
STT_TAIL_MS = 250


@dataclass(frozen=True)
class Handoff:
    """A tool that hands the conversation to another agent (see `realtalk.apps.Agent`)."""

    agent: str
    tool: ToolSpec
    session_update: dict[str, Any]
    """Partial GA `session`: the agent's instructions, voice…"""
    message: str
    """The function_call_output the brain sees (and the built-in brain speaks)."""


@dataclass
class _Item:
    """A conversation item plus what the wire form does not carry."""

    data: dict[str, Any]
    text: str | None = None
    """Text the brain sees (transcript of audio, images' text); None while either is pending."""
    image_texts: dict[int, str | None] = field(default_factory=dict)
    """What OCR read in each `input_image` part, by content index (None: unreadable)."""
    audio: bytes = b""
    """Input or output audio in the session's wire format (for retrieve and truncate)."""
    audio_rate_bytes_per_ms: float = 48.0
    segments: list[tuple[float, float, str]] = field(default_factory=list)
    """Output audio only: (start_ms, end_ms, text) per spoken sentence."""


@dataclass
class _Response:
    id: str
    data: dict[str, Any]
    context: list[str | dict[str, Any]]
    """Item ids from the conversation, or explicit `input` items for this response only."""
    in_conversation: bool
    plan: AudioPlan | None
    instructions: str
    tools: list[dict[str, Any]]
    tool_choice: Any
    max_output_tokens: int | None
    generating: bool = False
    message: _Item | None = None
    output_tokens: int = 0
    audio_ms: float = 0.0
    first_audio_at: float | None = None
    params: dict[str, Any] = field(default_factory=dict)
    """The `response.create` parameters, reused for the follow-up after server tools."""
    running_tools: int = 0
    tool_outputs: int = 0
    brain_done: bool = False
    tool_round: int = 0


@dataclass
class _Playout:
    """Server-side playout of one response's audio: chunks queued vs. chunks played."""

    queued: int = 0
    played: int = 0


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
        speculative_replies: bool = True,
        vad_frame_samples: int = 512,
        server_tools: Iterable[ToolSpec] = (),
        handoffs: Iterable[Handoff] = (),
        server_playout: bool = False,
    ) -> None:
        """`server_playout`: the transport plays reply audio itself (WebRTC). Audio then leaves as
        `PlayAudio` effects (PCM16 24 kHz) instead of `response.output_audio.delta` events, input
        arrives via `feed_audio` as PCM16 24 kHz, and barge-in truncates the reply at what was heard.
        """
        self.id = session_id or new_id("sess")
        self.conversation_id = conversation_id or new_id("conv")
        self._clock = clock
        self._vad = vad
        self._max_append_bytes = max_append_bytes
        self._speculative_replies = speculative_replies
        self._vad_frame_samples = vad_frame_samples
        self._server_tools = {tool.name: tool for tool in server_tools}
        self._handoffs = {handoff.tool.name: handoff for handoff in handoffs}
        self._agent: str | None = None
        self._server_playout = server_playout
        self._playouts: dict[str, _Playout] = {}
        self._input_ms_total = 0.0
        self.config = default_config(model)
        if base_config:
            self.config = merge_config(self.config, base_config)
        self.created_at = int(time.time())
        self._items: dict[str, _Item] = {}
        self._order: list[str] = []
        self._response: _Response | None = None
        self._last_response_id: str | None = None
        self._waiting_transcripts: set[str] = set()
        self._out: list[Effect] = []
        self._apply_audio_config()
        self._reset_input()
        self._speech_item_id: str | None = None
        self._speculated: dict[str, tuple[int, float, Transcription | None]] = {}
        self._epoch = 0
        self._idle_deadline: float | None = None

    # ------------------------------------------------------------------ public entry points

    def start(self, history: Iterable[dict[str, Any]] = ()) -> list[Effect]:
        """Effects for a new connection: `session.created`, then any restored history."""
        self._out.append(Send(self.created_event()))
        self._restore(history)
        return self._drain()

    def restore_conversation(
        self, conversation_id: str, history: Iterable[dict[str, Any]], client_event_id: str | None = None
    ) -> list[Effect]:
        """RealTalk's restore extension: continue `conversation_id` in this session.

        Allowed while this session's own conversation is still empty, so nothing is orphaned.
        """
        if self._order:
            return self.error(
                ProtocolError(
                    "A conversation can only be restored into a session with no items yet.",
                    code="conversation_not_empty",
                    param="conversation_id",
                ),
                client_event_id,
            )
        self.conversation_id = conversation_id
        self._restore(history)
        self._send(
            {
                "type": "realtalk.conversation.restored",
                "conversation_id": conversation_id,
                "item_count": len(self._order),
                "client_event_id": client_event_id,
            }
        )
        return self._drain()

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
            self._out.append(Send(self._event({"type": "error", "error": exc.to_error(client_event_id)})))
        return self._drain()

    def error(self, exc: ProtocolError, client_event_id: str | None = None) -> list[Effect]:
        """An `error` event for a problem found before `handle_event` (e.g. invalid JSON)."""
        self._send({"type": "error", "error": exc.to_error(client_event_id)})
        return self._drain()

    def tick(self) -> list[Effect]:
        """Let time-based rules fire (the idle timeout). Call every few hundred ms."""
        now = self._clock()
        if self._idle_deadline is not None and now >= self._idle_deadline and self._response is None:
            self._idle_deadline = None
            self._on_idle_timeout()
        return self._drain()

    @property
    def responding(self) -> bool:
        """Whether a response is in progress (including the server tools it runs)."""
        return self._response is not None

    # ------------------------------------------------------------------ results from the runtime

    def image_read(self, item_id: str, content_index: int, text: str) -> list[Effect]:
        """OCR read `text` ("" if none) in an image part; the brain now sees it."""
        self._image_done(item_id, content_index, text)
        return self._drain()

    def image_read_failed(self, item_id: str, content_index: int, message: str) -> list[Effect]:
        """An image part could not be read. The client gets an `error`; the turn goes on without it."""
        record = self._items.get(item_id)
        if record is not None and item_id in self._waiting_transcripts:
            error = ProtocolError(
                f"Could not read the image in item '{item_id}': {message}",
                code="image_unreadable",
                param=f"item.content[{content_index}].image_url",
            )
            self._send({"type": "error", "error": error.to_error(None)})
        self._image_done(item_id, content_index, None)
        return self._drain()

    def _image_done(self, item_id: str, content_index: int, text: str | None) -> None:
        record = self._items.get(item_id)
        if record is None or item_id not in self._waiting_transcripts:
            return
        record.image_texts[content_index] = text
        parts = record.data.get("content") or []
        if all(i in record.image_texts for i, p in enumerate(parts) if p.get("type") == "input_image"):
            self._waiting_transcripts.discard(item_id)
            record.text = self._item_text(record.data, record.image_texts)
            self._maybe_generate()

    def transcription_completed(
        self, item_id: str, result: Transcription, *, speculative: bool = False, epoch: int = 0
    ) -> list[Effect]:
        if speculative:
            spec = self._speculated.get(item_id)
            if spec is not None and spec[0] == epoch:
                self._speculated[item_id] = (epoch, spec[1], result)
                if item_id in self._waiting_transcripts:
                    self._finish_transcription(item_id, result)
                elif self._speech_item_id == item_id:
                    self._prefetch(result.text.strip())
            return self._drain()
        if item_id in self._waiting_transcripts:
            self._finish_transcription(item_id, result)
        return self._drain()

    def transcription_failed(self, item_id: str, message: str) -> list[Effect]:
        if item_id not in self._waiting_transcripts:
            return self._drain()
        self._waiting_transcripts.discard(item_id)
        self._speculated.pop(item_id, None)
        item = self._items.get(item_id)
        if item is not None:
            item.text = ""
        if self._transcription_enabled():
            self._send(
                {
                    "type": "conversation.item.input_audio_transcription.failed",
                    "item_id": item_id,
                    "content_index": 0,
                    "error": {
                        "type": "transcription_error",
                        "code": "transcription_failed",
                        "message": message,
                        "param": None,
                    },
                }
            )
        self._maybe_generate()
        return self._drain()

    def response_text(self, response_id: str, text: str) -> list[Effect]:
        """The brain produced more reply text (text modality)."""
        response = self._live(response_id)
        if response is not None and text:
            item = self._open_message(response, "output_text")
            item.data["content"][0]["text"] += text
            self._send(
                self._response_ref(response, item, {"type": "response.output_text.delta", "delta": text})
            )
            self._count_output(response, estimate_text_tokens(text))
        return self._drain()

    def response_audio(self, response_id: str, audio: bytes, text: str = "") -> list[Effect]:
        """The runtime is sending the next piece of reply audio (wire format), and its words."""
        response = self._live(response_id)
        if response is None:
            return self._drain()
        item = self._open_message(response, "output_audio")
        start_ms = len(item.audio) / item.audio_rate_bytes_per_ms
        item.audio += audio
        end_ms = len(item.audio) / item.audio_rate_bytes_per_ms
        if response.first_audio_at is None:
            response.first_audio_at = self._clock()
        response.audio_ms = end_ms
        if text:
            item.segments.append((start_ms, end_ms, text))
            item.data["content"][0]["transcript"] += text
            self._send(
                self._response_ref(
                    response, item, {"type": "response.output_audio_transcript.delta", "delta": text}
                )
            )
        elif item.segments:
            s_start, _, s_text = item.segments[-1]
            item.segments[-1] = (s_start, end_ms, s_text)
        if audio and self._server_playout:
            self._playouts.setdefault(response_id, _Playout()).queued += 1
            self._out.append(PlayAudio(response_id, item.data["id"], audio))
        elif audio:
            self._send(
                self._response_ref(
                    response,
                    item,
                    {"type": "response.output_audio.delta", "delta": base64.b64encode(audio).decode()},
                )
            )
        self._count_output(response, estimate_audio_tokens(end_ms - start_ms))
        return self._drain()

    def playout_started(self, response_id: str) -> list[Effect]:
        """Server-side playout: the first audio of `response_id` is going out."""
        self._send({"type": "output_audio_buffer.started", "response_id": response_id})
        return self._drain()

    def playout_drained(self, response_id: str, chunks_played: int) -> list[Effect]:
        """Server-side playout: the player ran out of queued audio after `chunks_played` chunks."""
        playout = self._playouts.get(response_id)
        if playout is not None:
            playout.played = chunks_played
            self._maybe_playout_stopped(response_id)
        return self._drain()

    def playout_cleared(self, response_id: str, item_id: str, played_ms: float) -> list[Effect]:
        """Server-side playout: queued audio was dropped after `played_ms` of `item_id` was heard.

        The assistant item is truncated to what was heard, as a client would do over WebSocket.
        """
        self._playouts.pop(response_id, None)
        record = self._items.get(item_id)
        if record is not None and record.audio:
            duration = len(record.audio) / record.audio_rate_bytes_per_ms
            if played_ms < duration:
                self._truncate(record, 0, int(played_ms))
        self._send({"type": "output_audio_buffer.cleared", "response_id": response_id})
        return self._drain()

    def _maybe_playout_stopped(self, response_id: str) -> None:
        playout = self._playouts.get(response_id)
        if playout is None or self._live(response_id) is not None or playout.played < playout.queued:
            return
        del self._playouts[response_id]
        self._send({"type": "output_audio_buffer.stopped", "response_id": response_id})

    def response_tool_call(self, response_id: str, call: ToolCall) -> list[Effect]:
        response = self._live(response_id)
        if response is None:
            return self._drain()
        self._close_message(response, "completed")
        item_id = new_id("item")
        data = {
            "id": item_id,
            "type": "function_call",
            "object": "realtime.item",
            "status": "in_progress",
            "name": call.name,
            "call_id": call.call_id,
            "arguments": "",
        }
        output_index = self._add_output(response, data)
        base = {"response_id": response.id, "item_id": item_id, "output_index": output_index}
        self._send(
            {
                "type": "response.function_call_arguments.delta",
                **base,
                "call_id": call.call_id,
                "delta": call.arguments,
            }
        )
        data["arguments"] = call.arguments
        self._send(
            {
                "type": "response.function_call_arguments.done",
                **base,
                "call_id": call.call_id,
                "name": call.name,
                "arguments": call.arguments,
            }
        )
        data["status"] = "completed"
        self._item_done(response, self._items.get(item_id) or _Item(data), output_index)
        self._count_output(response, estimate_text_tokens(call.arguments) + 5)
        if self._client_defines(response, call.name):
            pass  # the client runs it and answers with a function_call_output item
        elif call.name in self._handoffs:
            self._hand_off(response, call)
        elif call.name in self._server_tools:
            response.running_tools += 1
            self._out.append(RunTool(response.id, call, response.plan))
        return self._drain()

    def response_completed(self, response_id: str) -> list[Effect]:
        """The brain (and TTS) finished the response."""
        response = self._live(response_id)
        if response is not None:
            response.brain_done = True
            if not response.running_tools:
                self._complete_with_tools(response)
        return self._drain()

    def tool_result(self, response_id: str, call_id: str, output: str) -> list[Effect]:
        """A server tool finished. Dropped if its response was cancelled meanwhile.

        The result becomes a `function_call_output` item; when the last tool of the response is
        done, the response completes and a follow-up response speaks the result.
        """
        response = self._live(response_id)
        if response is not None:
            self._tool_done(response, call_id, output)
        return self._drain()

    def _tool_done(self, response: _Response, call_id: str, output: str) -> None:
        self._close_message(response, "completed")  # a filler line, if one was spoken
        data = {"id": new_id("item"), "type": "function_call_output", "object": "realtime.item",
                "status": "completed", "call_id": call_id, "output": output}  # fmt: skip
        if response.in_conversation:
            self._insert(_Item(data, text=output), None)
        else:
            response.context.append(data)
        response.running_tools -= 1
        response.tool_outputs += 1
        if response.running_tools == 0 and response.brain_done:
            self._complete_with_tools(response)

    def _complete_with_tools(self, response: _Response) -> None:
        """Complete the response; if server tools answered in it, a follow-up speaks the answer."""
        self._finish_response(response, "completed", None)
        if response.tool_outputs and response.tool_round < MAX_TOOL_ROUNDS:
            follow_up = self._plan_response(response.params, tool_round=response.tool_round + 1)
            if not response.in_conversation:
                follow_up.context = [*response.context]
            self._start_response(follow_up)

    def _hand_off(self, response: _Response, call: ToolCall) -> None:
        """Switch to another agent: its instructions (and voice) from now on, same conversation."""
        handoff = self._handoffs[call.name]
        self.config = merge_config(self.config, handoff.session_update)
        self._agent = handoff.agent
        self._send({"type": "session.updated", "session": self.session_object()})
        response.running_tools += 1
        self._tool_done(
            response, call.call_id, json.dumps({"message": handoff.message, "agent": handoff.agent})
        )

    def response_failed(self, response_id: str, message: str) -> list[Effect]:
        response = self._live(response_id)
        if response is not None:
            self._finish_response(
                response,
                "failed",
                {
                    "type": "failed",
                    "error": {"type": "server_error", "code": "response_failed", "message": message},
                },
            )
        return self._drain()

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
        audio = new_config["audio"]
        for direction in ("input", "output"):
            try:
                AudioFormat.parse(audio[direction]["format"])
            except ValueError as exc:
                raise ProtocolError(
                    str(exc), code="invalid_value", param=f"session.audio.{direction}.format"
                ) from exc
        if new_config.get("output_modalities") not in (["audio"], ["text"]):
            raise ProtocolError(
                "output_modalities must be ['audio'] or ['text'].",
                code="invalid_value",
                param="session.output_modalities",
            )
        self.config = new_config
        self._apply_audio_config()
        self._send({"type": "session.updated", "session": self.session_object()})

    def _on_input_audio_buffer_append(self, event: dict[str, Any], _: str | None) -> None:
        try:
            audio = base64.b64decode(event["audio"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ProtocolError(
                "Invalid 'audio': expected base64-encoded audio bytes.", code="invalid_value", param="audio"
            ) from exc
        if len(audio) > self._max_append_bytes:
            raise ProtocolError(
                f"Audio chunk too large: {len(audio)} bytes; the limit is {self._max_append_bytes} bytes "
                "per append.",
                code="input_audio_buffer_too_large",
                param="audio",
            )
        if self._input_format.type == "audio/pcm" and len(audio) % 2:
            raise ProtocolError(
                "Invalid 'audio': audio/pcm must be 16-bit little-endian samples (an even number of bytes).",
                code="invalid_audio_format",
                param="audio",
            )
        self._feed(audio)

    def feed_audio(self, audio: bytes) -> list[Effect]:
        """Input audio in the session's input format (from a media track, e.g. WebRTC)."""
        self._feed(audio)
        return self._drain()

    def _feed(self, audio: bytes) -> None:
        samples = self._decoder.feed(audio)
        self._raw_input += audio
        self._chunks.append(samples)
        self._buffer_samples += len(samples)
        self._run_vad(samples)

    def _on_input_audio_buffer_commit(self, _: dict[str, Any], __: str | None) -> None:
        ms = self._buffer_samples / (SAMPLE_RATE / 1000)
        if ms < MIN_COMMIT_MS:
            raise ProtocolError(
                f"Error committing input audio buffer: buffer too small. Expected at least "
                f"{MIN_COMMIT_MS}ms of audio, but buffer only has {ms:.2f}ms of audio.",
                code="input_audio_buffer_commit_empty",
            )
        item_id = self._speech_item_id or new_id("item")
        self._speech_item_id = None
        self._turns.reset()
        tail = self._decoder.flush()  # the resampler's held-back samples belong to this turn
        self._chunks.append(tail)
        self._buffer_samples += len(tail)
        self._commit(item_id, speech_end_ms=None)

    def _on_input_audio_buffer_clear(self, _: dict[str, Any], __: str | None) -> None:
        self._reset_input()
        self._speech_item_id = None
        self._turns.reset()
        self._send({"type": "input_audio_buffer.cleared"})

    def _on_output_audio_buffer_clear(self, _: dict[str, Any], __: str | None) -> None:
        # Over WebSocket the client owns playback; cutting our unsent audio is what we can do.
        response_id = self._response.id if self._response is not None else self._last_response_id
        if response_id is None:
            raise ProtocolError("There is no output audio to clear yet.", code="output_audio_buffer_empty")
        if self._response is not None:
            self._cancel(self._response, "client_cancelled")
        if self._server_playout:
            self._out.append(ClearPlayout())  # the player reports what was heard, then `cleared`
        else:
            self._send({"type": "output_audio_buffer.cleared", "response_id": response_id})

    def _on_conversation_item_create(self, event: dict[str, Any], _: str | None) -> None:
        item = dict(event["item"])
        previous = event.get("previous_item_id")
        if previous is not None and previous != "root" and previous not in self._items:
            raise ProtocolError(
                f"Previous item with id '{previous}' does not exist.",
                code="item_not_found",
                param="previous_item_id",
            )
        item_id = item.get("id") or new_id("item")
        if item_id in self._items:
            raise ProtocolError(
                f"Item with id '{item_id}' already exists.", code="duplicate_item_id", param="item.id"
            )
        if item["type"] not in ("message", "function_call", "function_call_output"):
            raise ProtocolError(
                f"Item type '{item['type']}' cannot be created by the client.",
                code="invalid_value",
                param="item.type",
            )
        images = _decode_images(item)
        item.update({"id": item_id, "object": "realtime.item", "status": "completed"})
        record = _Item(item, text=self._item_text(item))
        audio_part = next((p for p in item.get("content") or [] if p.get("type") == "input_audio"), None)
        if audio_part is not None and audio_part.get("audio") and not audio_part.get("transcript"):
            self._transcribe_part(record, audio_part)
        self._read_images(record, images)
        self._insert(record, previous)

    def _on_conversation_item_retrieve(self, event: dict[str, Any], _: str | None) -> None:
        record = self._get_item(event["item_id"])
        item = self._wire_item(record)
        if record.audio and item.get("type") == "message":
            for part in item["content"]:
                if part.get("type") in ("input_audio", "output_audio"):
                    part["audio"] = base64.b64encode(record.audio).decode()
        self._send({"type": "conversation.item.retrieved", "item": item})

    def _on_conversation_item_delete(self, event: dict[str, Any], _: str | None) -> None:
        item_id = event["item_id"]
        self._get_item(item_id)
        del self._items[item_id]
        self._order.remove(item_id)
        self._waiting_transcripts.discard(item_id)
        self._out.append(DeleteItem(item_id))
        self._send({"type": "conversation.item.deleted", "item_id": item_id})
        self._maybe_generate()

    def _on_conversation_item_truncate(self, event: dict[str, Any], _: str | None) -> None:
        record = self._get_item(event["item_id"])
        data = record.data
        index = event["content_index"]
        if data.get("role") != "assistant" or data.get("type") != "message":
            raise ProtocolError(
                "Only assistant message items can be truncated.", code="invalid_value", param="item_id"
            )
        content = data.get("content") or []
        if index >= len(content) or content[index].get("type") != "output_audio":
            raise ProtocolError(
                f"Content index {index} is not an audio part of item '{data['id']}'.",
                code="invalid_value",
                param="content_index",
            )
        audio_end_ms = event["audio_end_ms"]
        duration = len(record.audio) / record.audio_rate_bytes_per_ms
        if audio_end_ms < 0 or audio_end_ms > duration + 1:
            raise ProtocolError(
                f"audio_end_ms {audio_end_ms} is beyond the item's audio duration of {int(duration)}ms.",
                code="invalid_value",
                param="audio_end_ms",
            )
        if self._response is not None and self._response.message is record:
            self._cancel(self._response, "client_cancelled")
        self._truncate(record, index, audio_end_ms)

    def _truncate(self, record: _Item, index: int, audio_end_ms: int) -> None:
        data = record.data
        content = data["content"]
        keep = int(audio_end_ms * record.audio_rate_bytes_per_ms)
        keep -= keep % self._output_format.bytes_per_sample
        record.audio = record.audio[:keep]
        transcript = _transcript_until(record.segments, audio_end_ms)
        content[index]["transcript"] = transcript
        record.text = transcript
        self._out.append(SaveItem(self._wire_item(record), None))
        self._send(
            {
                "type": "conversation.item.truncated",
                "item_id": data["id"],
                "content_index": index,
                "audio_end_ms": audio_end_ms,
            }
        )

    def _on_response_create(self, event: dict[str, Any], _: str | None) -> None:
        if self._response is not None:
            raise ProtocolError(
                f"Conversation already has an active response in progress: {self._response.id}. "
                "Wait until the response is finished before creating a new one.",
                code="conversation_already_has_active_response",
            )
        self._create_response(event.get("response") or {})

    def _on_response_cancel(self, event: dict[str, Any], _: str | None) -> None:
        response = self._response
        wanted = event.get("response_id")
        if response is None or (wanted and wanted != response.id):
            raise ProtocolError(
                "Cancellation failed: no active response found.", code="response_cancel_not_active"
            )
        self._cancel(response, "client_cancelled")

    # ------------------------------------------------------------------ input audio and turns

    def _apply_audio_config(self) -> None:
        audio = self.config["audio"]
        self._input_format = AudioFormat.parse(audio["input"]["format"])
        self._output_format = AudioFormat.parse(audio["output"]["format"])
        if self._server_playout:  # the media track's codec decides; the session sees PCM16 24 kHz
            self._input_format = self._output_format = PCM16_24K
        self._decoder = InputDecoder(self._input_format, target_rate=SAMPLE_RATE)
        self._detection = TurnDetectionSettings.from_config(audio["input"]["turn_detection"])
        frame_ms = 1000 * self._vad_frame_samples / SAMPLE_RATE
        if self._detection is None:
            self._turns = TurnDetector(0.5, 500, frame_ms)
        else:
            self._turns = TurnDetector(
                self._detection.threshold, self._detection.silence_duration_ms, frame_ms
            )

    def _reset_input(self) -> None:
        self._chunks: list[Float32Audio] = []
        self._raw_input = b""
        self._buffer_samples = 0
        self._vad_pending = np.zeros(0, dtype=np.float32)
        self._buffer_start_ms = self._input_ms_total

    def _run_vad(self, samples: Float32Audio) -> None:
        if self._detection is None:
            self._input_ms_total += len(samples) / (SAMPLE_RATE / 1000)
            return
        pending = np.concatenate([self._vad_pending, samples])
        frame = self._vad_frame_samples
        usable = len(pending) - len(pending) % frame
        for start in range(0, usable, frame):
            self._input_ms_total += frame / (SAMPLE_RATE / 1000)
            probability = self._vad.speech_probability(pending[start : start + frame])
            self._on_vad_frame(probability)
        self._vad_pending = pending[usable:]
        if not self._turns.speaking:
            self._trim_preroll()

    def _on_vad_frame(self, probability: float) -> None:
        assert self._detection is not None
        event = self._turns.update(probability, self._input_ms_total)
        if event is not None and event.kind == "speech_started":
            self._speech_item_id = new_id("item")
            self._epoch += 1
            self._idle_deadline = None
            self._send(
                {
                    "type": "input_audio_buffer.speech_started",
                    "audio_start_ms": max(
                        int(self._buffer_start_ms), event.at_ms - self._detection.prefix_padding_ms
                    ),
                    "item_id": self._speech_item_id,
                }
            )
            if self._detection.interrupt_response:
                if self._response is not None:
                    self._cancel(self._response, "turn_detected")
                elif self._server_playout and self._playouts:
                    self._out.append(ClearPlayout())  # the reply is generated but still playing
        elif event is not None and event.kind == "speech_stopped" and self._speech_item_id:
            item_id = self._speech_item_id
            self._speech_item_id = None
            self._send(
                {"type": "input_audio_buffer.speech_stopped", "audio_end_ms": event.at_ms, "item_id": item_id}
            )
            self._commit(item_id, speech_end_ms=event.at_ms)
            if self._detection.create_response and self._response is None:
                self._create_response({})
        elif self._turns.speaking and self._speech_item_id is not None:
            silence = self._turns.silence_so_far_ms(self._input_ms_total)
            if silence >= SPECULATE_AFTER_MS and self._speech_item_id not in self._speculated:
                self._speculate(self._speech_item_id, self._input_ms_total - silence)

    def _trim_preroll(self) -> None:
        # Outside speech, keep only the prefix padding (plus a frame) so the buffer stays small.
        if self._detection is None or self._speech_item_id is not None:
            return
        keep = int((self._detection.prefix_padding_ms + 64) * SAMPLE_RATE / 1000)
        if self._buffer_samples <= keep * 2:
            return
        audio = np.concatenate(self._chunks)[-keep:]
        dropped = self._buffer_samples - len(audio)
        self._chunks = [audio]
        self._buffer_samples = len(audio)
        self._buffer_start_ms += dropped / (SAMPLE_RATE / 1000)
        raw_keep = (
            int(len(audio) / SAMPLE_RATE * self._input_format.rate) * self._input_format.bytes_per_sample
        )
        self._raw_input = self._raw_input[-raw_keep:] if raw_keep else b""

    def _utterance(self, speech_end_ms: float | None) -> Float32Audio:
        audio = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.float32)
        if speech_end_ms is not None:
            end = int((speech_end_ms + STT_TAIL_MS - self._buffer_start_ms) * SAMPLE_RATE / 1000)
            audio = audio[: max(0, end)]
        return audio

    def _speculate(self, item_id: str, speech_end_ms: float) -> None:
        self._speculated[item_id] = (self._epoch, speech_end_ms, None)
        self._out.append(
            Transcribe(
                item_id,
                self._utterance(speech_end_ms),
                *self._stt_hints(),
                speculative=True,
                epoch=self._epoch,
            )
        )

    def _prefetch(self, text: str) -> None:
        """Ask for the reply this turn would get if it ended now (see `Prefetch`)."""
        detection = self._detection
        if (
            not self._speculative_replies
            or not text
            or detection is None
            or not detection.create_response
            or self._response is not None
            or self._waiting_transcripts
        ):
            return
        response = self._plan_response({})
        request = self._brain_request(response)
        messages = [*request.messages, Message("user", text)]
        self._out.append(Prefetch(replace(request, messages=messages), response.plan))

    def _commit(self, item_id: str, speech_end_ms: float | None) -> None:
        audio = self._utterance(speech_end_ms)
        raw = self._raw_input
        self._reset_input()
        self._buffer_start_ms = self._input_ms_total
        previous = self._order[-1] if self._order else None
        self._send({"type": "input_audio_buffer.committed", "item_id": item_id, "previous_item_id": previous})
        data = {
            "id": item_id,
            "type": "message",
            "object": "realtime.item",
            "status": "completed",
            "role": "user",
            "content": [{"type": "input_audio", "transcript": None}],
        }
        record = _Item(
            data,
            audio=raw,
            audio_rate_bytes_per_ms=self._input_format.rate * self._input_format.bytes_per_sample / 1000,
        )
        spec = self._speculated.get(item_id)
        self._waiting_transcripts.add(item_id)
        self._insert(record, None)
        if (
            spec is not None
            and spec[0] == self._epoch
            and speech_end_ms is not None
            and spec[1] >= speech_end_ms - 1
        ):
            if spec[2] is not None:
                self._finish_transcription(item_id, spec[2])
        else:
            self._speculated.pop(item_id, None)
            self._out.append(Transcribe(item_id, audio, *self._stt_hints()))

    def _stt_hints(self) -> tuple[str | None, str | None]:
        transcription = self.config["audio"]["input"].get("transcription") or {}
        return transcription.get("language"), transcription.get("prompt")

    def _transcription_enabled(self) -> bool:
        return bool(self.config["audio"]["input"].get("transcription"))

    def _transcribe_part(self, record: _Item, part: dict[str, Any]) -> None:
        try:
            audio = base64.b64decode(part["audio"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ProtocolError(
                "Invalid 'audio' in input_audio content: expected base64.",
                code="invalid_value",
                param="item.content.audio",
            ) from exc
        decoder = InputDecoder(self._input_format, target_rate=SAMPLE_RATE)
        record.audio = audio
        record.text = None
        part.pop("audio", None)
        part["transcript"] = None
        self._waiting_transcripts.add(record.data["id"])
        self._out.append(Transcribe(record.data["id"], decoder.feed(audio), *self._stt_hints()))

    def _finish_transcription(self, item_id: str, result: Transcription) -> None:
        self._waiting_transcripts.discard(item_id)
        self._speculated.pop(item_id, None)
        record = self._items.get(item_id)
        if record is None:
            return
        text = result.text.strip()
        record.text = text
        if self._transcription_enabled():
            record.data["content"][0]["transcript"] = text
            self._out.append(SaveItem(self._wire_item(record), None))
            if text:
                self._send(
                    {
                        "type": "conversation.item.input_audio_transcription.delta",
                        "item_id": item_id,
                        "content_index": 0,
                        "delta": text,
                    }
                )
            self._send(
                {
                    "type": "conversation.item.input_audio_transcription.completed",
                    "item_id": item_id,
                    "content_index": 0,
                    "transcript": text,
                    "usage": {"type": "duration", "seconds": round(result.audio_seconds, 3)},
                }
            )
        else:
            # The transcript is still what the brain heard; keep it on disk for restores.
            self._out.append(
                SaveItem(
                    {**self._wire_item(record), "content": [{"type": "input_audio", "transcript": text}]},
                    None,
                )
            )
        self._maybe_generate()

    def _on_idle_timeout(self) -> None:
        item_id = new_id("item")
        now_ms = int(self._input_ms_total)
        self._send(
            {
                "type": "input_audio_buffer.timeout_triggered",
                "item_id": item_id,
                "audio_start_ms": int(self._buffer_start_ms),
                "audio_end_ms": now_ms,
            }
        )
        self._commit(item_id, speech_end_ms=None)
        if self._waiting_transcripts:
            self._waiting_transcripts.discard(item_id)
            self._out = [e for e in self._out if not (isinstance(e, Transcribe) and e.item_id == item_id)]
            self._items[item_id].text = ""
        self._create_response({})

    # ------------------------------------------------------------------ conversation

    def _restore(self, history: Iterable[dict[str, Any]]) -> None:
        for data in history:
            if data.get("id") not in self._items:
                record = _Item(dict(data), text=self._item_text(data))
                self._insert(record, None, save=False)
                # Images were checked when they were created; one unreadable now is noted as such.
                with contextlib.suppress(ProtocolError):
                    self._read_images(record, _decode_images(record.data))

    def _read_images(self, record: _Item, images: list[tuple[int, bytes]]) -> None:
        """Ask for the text in each image; the item's text is pending until all are read."""
        if not images:
            return
        record.text = None
        self._waiting_transcripts.add(record.data["id"])
        for index, image in images:
            self._out.append(ReadImage(record.data["id"], index, image))

    def _insert(
        self, record: _Item, previous_item_id: str | None, *, done: bool = True, save: bool = True
    ) -> None:
        item_id = record.data["id"]
        if previous_item_id == "root":
            self._order.insert(0, item_id)
        elif previous_item_id is not None:
            self._order.insert(self._order.index(previous_item_id) + 1, item_id)
        else:
            self._order.append(item_id)
        self._items[item_id] = record
        index = self._order.index(item_id)
        previous = self._order[index - 1] if index else None
        if save:
            self._out.append(SaveItem(self._wire_item(record), previous_item_id))
        self._send(
            {"type": "conversation.item.added", "previous_item_id": previous, "item": self._wire_item(record)}
        )
        if done:
            self._send(
                {
                    "type": "conversation.item.done",
                    "previous_item_id": previous,
                    "item": self._wire_item(record),
                }
            )

    def _get_item(self, item_id: str) -> _Item:
        record = self._items.get(item_id)
        if record is None:
            raise ProtocolError(
                f"Item with item_id '{item_id}' not found.", code="item_not_found", param="item_id"
            )
        return record

    @staticmethod
    def _wire_item(record: _Item) -> dict[str, Any]:
        data = dict(record.data)
        if "content" in data:
            data["content"] = [dict(part) for part in data["content"]]
        return data

    @staticmethod
    def _item_text(item: dict[str, Any], image_texts: dict[int, str | None] | None = None) -> str | None:
        if item.get("type") == "function_call_output":
            return str(item.get("output", ""))
        if item.get("type") == "function_call":
            return str(item.get("arguments", ""))
        texts = []
        for index, part in enumerate(item.get("content") or []):
            kind = part.get("type")
            if kind in ("input_text", "output_text", "text"):
                texts.append(part.get("text") or "")
            elif kind in ("input_audio", "output_audio", "audio"):
                texts.append(part.get("transcript") or "")
            elif kind == "input_image":
                texts.append(_image(part, (image_texts or {}).get(index)).note())
        return " ".join(t for t in texts if t)

    # ------------------------------------------------------------------ responses

    def _create_response(self, params: dict[str, Any]) -> None:
        self._start_response(self._plan_response(params))

    def _start_response(self, response: _Response) -> None:
        self._response = response
        self._idle_deadline = None
        self._send({"type": "response.created", "response": dict(response.data)})
        self._maybe_generate()

    def _client_defines(self, response: _Response, name: str) -> bool:
        # A client tool of the same name wins: the client asked to run it itself.
        return any(t.get("name") == name for t in response.tools)

    def _plan_response(self, params: dict[str, Any], *, tool_round: int = 0) -> _Response:
        """Resolve `response.create` parameters against the session config (no side effects)."""
        modalities = params.get("output_modalities") or self.config["output_modalities"]
        if modalities not in (["audio"], ["text"]):
            raise ProtocolError(
                "output_modalities must be ['audio'] or ['text'].",
                code="invalid_value",
                param="response.output_modalities",
            )
        out_cfg = self.config["audio"]["output"]
        response_audio = (params.get("audio") or {}).get("output") or {}
        voice = response_audio.get("voice") or out_cfg.get("voice") or "marin"
        fmt_wire = response_audio.get("format") or out_cfg["format"]
        try:
            fmt = PCM16_24K if self._server_playout else AudioFormat.parse(fmt_wire)
        except ValueError as exc:
            raise ProtocolError(str(exc), code="invalid_value", param="response.audio.output.format") from exc
        conversation = params.get("conversation") or "auto"
        in_conversation = conversation != "none"
        context: list[str | dict[str, Any]]
        if params.get("input") is not None:
            context = [self._resolve_input(i) for i in params["input"]]
        else:
            context = list(self._order)
        limit = params.get("max_output_tokens", self.config.get("max_output_tokens"))
        response_id = new_id("resp")
        data = {
            "id": response_id,
            "object": "realtime.response",
            "status": "in_progress",
            "status_details": None,
            "output": [],
            "conversation_id": self.conversation_id if in_conversation else None,
            "output_modalities": modalities,
            "max_output_tokens": limit if limit is not None else "inf",
            "audio": {"output": {"format": fmt.to_ga(), "voice": voice}},
            "usage": None,
            "metadata": params.get("metadata"),
        }
        tools = params.get("tools")
        return _Response(
            id=response_id,
            data=data,
            context=context,
            in_conversation=in_conversation,
            plan=AudioPlan(voice, float(out_cfg.get("speed") or 1.0), fmt)
            if modalities == ["audio"]
            else None,
            instructions=str(
                params["instructions"]
                if params.get("instructions") is not None
                else self.config.get("instructions") or ""
            ),
            tools=tools if tools is not None else self.config.get("tools") or [],
            tool_choice=params.get("tool_choice") or self.config.get("tool_choice") or "auto",
            max_output_tokens=None if limit in (None, "inf") else int(limit),
            params=params,
            tool_round=tool_round,
        )

    def _resolve_input(self, item: dict[str, Any]) -> dict[str, Any]:
        if item.get("type") == "item_reference":
            return self._get_item(str(item.get("id"))).data
        return item

    def _maybe_generate(self) -> None:
        response = self._response
        if response is None or response.generating:
            return
        ids = [i for i in response.context if isinstance(i, str)]
        if any(i in self._waiting_transcripts for i in ids):
            return
        response.generating = True
        self._out.append(Generate(response.id, self._brain_request(response), response.plan))

    def _brain_request(self, response: _Response) -> BrainRequest:
        items = [
            self._items[i].data if isinstance(i, str) else i
            for i in response.context
            if not isinstance(i, str) or i in self._items
        ]
        records = {i: self._items[i] for i in response.context if isinstance(i, str) and i in self._items}
        messages: list[Message] = []
        for item in items:
            record = records.get(item.get("id", ""))
            text = record.text if record is not None else None
            if text is None:
                text = self._item_text(item) or ""
            kind = item.get("type")
            if kind == "function_call":
                call = ToolCall(
                    str(item.get("call_id") or item.get("id")), item["name"], item.get("arguments") or "{}"
                )
                if (
                    messages
                    and messages[-1].role == "assistant"
                    and messages[-1].tool_calls
                    and not messages[-1].content
                ):
                    messages[-1] = Message("assistant", "", (*messages[-1].tool_calls, call))
                else:
                    messages.append(Message("assistant", "", (call,)))
            elif kind == "function_call_output":
                messages.append(Message("tool", text, tool_call_id=item.get("call_id")))
            elif kind == "message" and item.get("role") in ("user", "assistant", "system"):
                readings = record.image_texts if record is not None else {}
                images = tuple(
                    _image(part, readings.get(index))
                    for index, part in enumerate(item.get("content") or [])
                    if part.get("type") == "input_image"
                )
                messages.append(Message(item["role"], text, images=images))
        tools = [
            ToolSpec(t["name"], t.get("description") or "", t.get("parameters") or {})
            for t in response.tools
            if t.get("type", "function") == "function" and t.get("name")
        ]
        offered = [
            *self._server_tools.values(),
            *(h.tool for h in self._handoffs.values() if h.agent != self._agent),
        ]
        tools += [spec for spec in offered if all(t.name != spec.name for t in tools)]
        choice = response.tool_choice
        return BrainRequest(response.instructions, messages, tools, choice, None, response.max_output_tokens)

    def _live(self, response_id: str) -> _Response | None:
        response = self._response
        return response if response is not None and response.id == response_id else None

    def _add_output(self, response: _Response, data: dict[str, Any]) -> int:
        output_index = len(response.data["output"])
        response.data["output"].append(data)
        self._send(
            {
                "type": "response.output_item.added",
                "response_id": response.id,
                "output_index": output_index,
                "item": dict(data),
            }
        )
        if response.in_conversation:
            record = _Item(data, text="", audio_rate_bytes_per_ms=_bytes_per_ms(response))
            self._insert(record, None, done=False)
        return output_index

    def _open_message(self, response: _Response, part_type: str) -> _Item:
        if response.message is not None:
            return response.message
        data: dict[str, Any] = {
            "id": new_id("item"),
            "type": "message",
            "object": "realtime.item",
            "status": "in_progress",
            "role": "assistant",
            "content": [],
        }
        self._add_output(response, data)
        record = self._items.get(data["id"])
        if record is None:
            record = _Item(data, text="", audio_rate_bytes_per_ms=_bytes_per_ms(response))
        response.message = record
        part = (
            {"type": "audio", "transcript": ""}
            if part_type == "output_audio"
            else {"type": "text", "text": ""}
        )
        data["content"].append(
            {"type": part_type, **({"transcript": ""} if part_type == "output_audio" else {"text": ""})}
        )
        self._send(
            self._response_ref(response, record, {"type": "response.content_part.added", "part": part})
        )
        return record

    def _response_ref(self, response: _Response, record: _Item, event: dict[str, Any]) -> dict[str, Any]:
        output_index = next(i for i, d in enumerate(response.data["output"]) if d["id"] == record.data["id"])
        ref = {"response_id": response.id, "item_id": record.data["id"], "output_index": output_index}
        if event["type"].startswith(("response.output_", "response.content_part")):
            ref["content_index"] = 0
        return {**event, **ref}

    def _close_message(self, response: _Response, status: str) -> None:
        record = response.message
        if record is None:
            return
        response.message = None
        part = record.data["content"][0]
        if part["type"] == "output_audio":
            self._send(self._response_ref(response, record, {"type": "response.output_audio.done"}))
            self._send(
                self._response_ref(
                    response,
                    record,
                    {"type": "response.output_audio_transcript.done", "transcript": part["transcript"]},
                )
            )
            done_part = {"type": "audio", "transcript": part["transcript"]}
            record.text = part["transcript"]
        else:
            self._send(
                self._response_ref(
                    response, record, {"type": "response.output_text.done", "text": part["text"]}
                )
            )
            done_part = {"type": "text", "text": part["text"]}
            record.text = part["text"]
        self._send(
            self._response_ref(response, record, {"type": "response.content_part.done", "part": done_part})
        )
        record.data["status"] = status
        output_index = next(i for i, d in enumerate(response.data["output"]) if d["id"] == record.data["id"])
        self._item_done(response, record, output_index)

    def _item_done(self, response: _Response, record: _Item, output_index: int) -> None:
        item = self._wire_item(record)
        if response.in_conversation:
            self._out.append(SaveItem(item, None))
        self._send(
            {
                "type": "response.output_item.done",
                "response_id": response.id,
                "output_index": output_index,
                "item": item,
            }
        )
        if response.in_conversation and record.data["id"] in self._items:
            index = self._order.index(record.data["id"])
            self._send(
                {
                    "type": "conversation.item.done",
                    "previous_item_id": self._order[index - 1] if index else None,
                    "item": item,
                }
            )

    def _count_output(self, response: _Response, tokens: int) -> None:
        response.output_tokens += tokens
        if response.max_output_tokens is not None and response.output_tokens >= response.max_output_tokens:
            self._out.append(StopGenerating(response.id))
            self._finish_response(
                response, "incomplete", {"type": "incomplete", "reason": "max_output_tokens"}
            )

    def _cancel(self, response: _Response, reason: str) -> None:
        self._out.append(StopGenerating(response.id))
        if self._server_playout and response.id in self._playouts:
            self._out.append(ClearPlayout())
        self._finish_response(response, "cancelled", {"type": "cancelled", "reason": reason})

    def _finish_response(self, response: _Response, status: str, details: dict[str, Any] | None) -> None:
        self._close_message(response, "completed" if status == "completed" else "incomplete")
        self._response = None
        self._last_response_id = response.id
        input_tokens = sum(estimate_text_tokens(m.content) for m in self._brain_request(response).messages)
        input_tokens += estimate_text_tokens(response.instructions)
        audio_tokens = estimate_audio_tokens(response.audio_ms)
        text_tokens = max(0, response.output_tokens - audio_tokens)
        response.data.update(
            {
                "status": status,
                "status_details": details,
                "usage": {
                    "total_tokens": input_tokens + response.output_tokens,
                    "input_tokens": input_tokens,
                    "output_tokens": response.output_tokens,
                    "input_token_details": {
                        "text_tokens": input_tokens,
                        "audio_tokens": 0,
                        "cached_tokens": 0,
                    },
                    "output_token_details": {"text_tokens": text_tokens, "audio_tokens": audio_tokens},
                },
            }
        )
        self._send({"type": "response.done", "response": response.data})
        self._maybe_playout_stopped(response.id)
        detection = self._detection
        if detection is not None and detection.idle_timeout_ms:
            played_until = (response.first_audio_at or self._clock()) + response.audio_ms / 1000
            self._idle_deadline = max(played_until, self._clock()) + detection.idle_timeout_ms / 1000

    # ------------------------------------------------------------------ plumbing

    def created_event(self) -> dict[str, Any]:
        """A `session.created` event for the session as it is now (a new or a joining connection)."""
        return self._event({"type": "session.created", "session": copy.deepcopy(self.session_object())})

    def session_object(self) -> dict[str, Any]:
        """The GA `session` object as sent in `session.created` / `session.updated`."""
        return {
            "object": "realtime.session",
            "id": self.id,
            "expires_at": self.created_at + 3600,
            **self.config,
        }

    def _event(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"event_id": new_id("event"), **body}

    def _send(self, body: dict[str, Any]) -> None:
        # A snapshot: the session keeps updating the response and items an event refers to, and
        # the event goes on the wire later (after the saves queued before it).
        self._out.append(Send(self._event(copy.deepcopy(body))))

    def _drain(self) -> list[Effect]:
        out, self._out = self._out, []
        return out


def _decode_images(item: dict[str, Any]) -> list[tuple[int, bytes]]:
    """The bytes of each `input_image` part, by content index. Raises `ProtocolError`."""
    found = []
    for index, part in enumerate(item.get("content") or []):
        if part.get("type") != "input_image":
            continue
        param = f"item.content[{index}].image_url"
        url = part.get("image_url")
        if not url:
            raise ProtocolError(
                f"Missing required parameter: '{param}'.", code="missing_required_parameter", param=param
            )
        found.append((index, decode_image_url(url, param=param)))
    return found


def _image(part: dict[str, Any], text: str | None) -> Image:
    return Image(str(part.get("image_url") or ""), text, part.get("detail"))


def _bytes_per_ms(response: _Response) -> float:
    fmt = response.plan.format if response.plan else PCM16_24K
    return fmt.rate * fmt.bytes_per_sample / 1000


def _transcript_until(segments: list[tuple[float, float, str]], end_ms: float) -> str:
    """The words spoken before `end_ms`: whole sentences, then a proportional share of the next."""
    heard = ""
    for start, stop, text in segments:
        if stop <= end_ms:
            heard += text
        elif start < end_ms:
            words = text.split()
            share = (end_ms - start) / max(stop - start, 1.0)
            heard += " " + " ".join(words[: int(len(words) * share)])
    return " ".join(heard.split())
