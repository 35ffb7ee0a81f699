"""`Responses`: the session's response in progress, from `response.created` to `response.done`.

It plans a response from `response.create` parameters and the session config, asks for it to be
generated once the context is ready, turns the brain's text, audio and tool calls into output
items, runs server tools and handoffs, and finishes, cancels or fails the response. With
server-side playout it also tracks what of each response's audio was played. Part of the sans-I/O
session: effects go to the session's `Outbox`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..audio.formats import PCM16_24K, AudioFormat
from ..brain.base import BrainRequest, Message, ToolCall, ToolSpec
from ..protocol.errors import ProtocolError
from ..protocol.ids import new_id
from .conversation import Conversation, Item, image, item_text, wire_item
from .effects import AudioPlan, ClearPlayout, Generate, Outbox, PlayAudio, RunTool, SaveItem, StopGenerating
from .truncation import Truncation
from .usage import estimate_audio_tokens, estimate_text_tokens

# Server tools may call more tools; the last of this many rounds in a row may not call one, so the
# agent answers in words (a model retrying a failing tool would otherwise leave the user in silence).
MAX_TOOL_ROUNDS = 4
# Audio deltas (100 ms each) held while a backchannel is judged; a verdict comes within ~1.5 s,
# and past this the audio goes out anyway rather than pile up.
MAX_HELD_DELTAS = 50


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
class Response:
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
    message: Item | None = None
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


class Responses:
    """The response in progress (at most one), its output items, tools and playout."""

    def __init__(
        self,
        out: Outbox,
        conversation: Conversation,
        *,
        clock: Callable[[], float],
        config: Callable[[], dict[str, Any]],
        conversation_id: Callable[[], str],
        server_tools: Iterable[ToolSpec],
        handoffs: Iterable[Handoff],
        playout_format: AudioFormat | None,
        on_started: Callable[[], None],
        on_finished: Callable[[Response], None],
        on_handoff: Callable[[Handoff], None],
        truncation: Truncation,
    ) -> None:
        """`on_handoff`: switch the session config to the agent's (a handoff tool was called);
        `truncation`: what of the conversation the brain sees."""
        self._out = out
        self._conversation = conversation
        self._clock = clock
        self._config = config
        self._conversation_id = conversation_id
        self._server_tools = {tool.name: tool for tool in server_tools}
        self._handoffs = {handoff.tool.name: handoff for handoff in handoffs}
        self._agent: str | None = None
        self._playout_format = playout_format
        self._server_playout = playout_format is not None
        self._on_started = on_started
        self._on_finished = on_finished
        self._on_handoff = on_handoff
        self._truncation = truncation
        self.current: Response | None = None
        self.last_id: str | None = None
        self.playouts: dict[str, _Playout] = {}
        self._held: list[dict[str, Any]] | None = None
        """Audio deltas held back while a backchannel is being judged (WebSocket only)."""

    # ------------------------------------------------------------------ starting

    def create(self, params: dict[str, Any]) -> None:
        self._start(self.plan(params))

    def _start(self, response: Response) -> None:
        self.current = response
        self._on_started()
        self._out.send({"type": "response.created", "response": dict(response.data)})
        self.maybe_generate()

    def plan(self, params: dict[str, Any], *, tool_round: int = 0) -> Response:
        """Resolve `response.create` parameters against the session config (no side effects)."""
        config = self._config()
        modalities = params.get("output_modalities") or config["output_modalities"]
        if modalities not in (["audio"], ["text"]):
            raise ProtocolError(
                "output_modalities must be ['audio'] or ['text'].",
                code="invalid_value",
                param="response.output_modalities",
            )
        out_cfg = config["audio"]["output"]
        response_audio = (params.get("audio") or {}).get("output") or {}
        voice = response_audio.get("voice") or out_cfg.get("voice") or "marin"
        fmt_wire = response_audio.get("format") or out_cfg["format"]
        try:
            fmt = self._playout_format or AudioFormat.parse(fmt_wire)
        except ValueError as exc:
            raise ProtocolError(str(exc), code="invalid_value", param="response.audio.output.format") from exc
        conversation = params.get("conversation") or "auto"
        in_conversation = conversation != "none"
        context: list[str | dict[str, Any]]
        if params.get("input") is not None:
            context = [self._resolve_input(i) for i in params["input"]]
        else:
            context = list(self._conversation.order)
        limit = params.get("max_output_tokens", config.get("max_output_tokens"))
        response_id = new_id("resp")
        data = {
            "id": response_id,
            "object": "realtime.response",
            "status": "in_progress",
            "status_details": None,
            "output": [],
            "conversation_id": self._conversation_id() if in_conversation else None,
            "output_modalities": modalities,
            "max_output_tokens": limit if limit is not None else "inf",
            "audio": {"output": {"format": fmt.to_ga(), "voice": voice}},
            "usage": None,
            "metadata": params.get("metadata"),
        }
        tools = params.get("tools")
        return Response(
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
                else config.get("instructions") or ""
            ),
            tools=tools if tools is not None else config.get("tools") or [],
            tool_choice=params.get("tool_choice") or config.get("tool_choice") or "auto",
            max_output_tokens=None if limit in (None, "inf") else int(limit),
            params=params,
            tool_round=tool_round,
        )

    def _resolve_input(self, item: dict[str, Any]) -> dict[str, Any]:
        if item.get("type") == "item_reference":
            record = self._conversation.items.get(str(item.get("id")))
            if record is None:
                raise ProtocolError(
                    f"Invalid 'response.input': the item with id '{item.get('id')}' does not exist.",
                    code="invalid_value",
                    param="response.input",
                )
            return record.data
        return item

    def maybe_generate(self) -> None:
        """Ask for the response to be generated once every item in its context has its text."""
        response = self.current
        if response is None or response.generating:
            return
        ids = [i for i in response.context if isinstance(i, str)]
        if any(i in self._conversation.pending for i in ids):
            return
        response.generating = True
        self._out.append(Generate(response.id, self.brain_request(response), response.plan))

    def brain_request(self, response: Response, *, keep_cut: bool = True) -> BrainRequest:
        """What the brain gets for `response`; `keep_cut`: see `Truncation.apply`'s `keep`."""
        known = self._conversation.items
        items = [
            known[i].data if isinstance(i, str) else i
            for i in response.context
            if not isinstance(i, str) or i in known
        ]
        records = {i: known[i] for i in response.context if isinstance(i, str) and i in known}
        messages: list[Message] = []
        for item in items:
            record = records.get(item.get("id", ""))
            text = record.text if record is not None else None
            if text is None:
                text = item_text(item) or ""
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
                    image(part, readings.get(index))
                    for index, part in enumerate(item.get("content") or [])
                    if part.get("type") == "input_image"
                )
                unsure = record is not None and record.heard_unsure
                messages.append(Message(item["role"], text, images=images, heard_unsure=unsure))
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
        messages = self._truncation.apply(
            messages,
            self._config().get("truncation") or "auto",
            instructions_tokens=estimate_text_tokens(response.instructions),
            max_output_tokens=response.max_output_tokens,
            keep=keep_cut,
        )
        return BrainRequest(response.instructions, messages, tools, choice, None, response.max_output_tokens)

    # ------------------------------------------------------------------ output from the runtime

    def text(self, response_id: str, text: str) -> None:
        response = self._live(response_id)
        if response is not None and text:
            item = self._open_message(response, "output_text")
            item.data["content"][0]["text"] += text
            self._out.send(
                self._response_ref(response, item, {"type": "response.output_text.delta", "delta": text})
            )
            self._count_output(response, estimate_text_tokens(text))

    def audio(self, response_id: str, audio: bytes, text: str) -> None:
        response = self._live(response_id)
        if response is None:
            return
        item = self._open_message(response, "output_audio")
        start_ms = len(item.audio) / item.audio_rate_bytes_per_ms
        if not isinstance(item.audio, bytearray):
            item.audio = bytearray(item.audio)
        item.audio += audio
        end_ms = len(item.audio) / item.audio_rate_bytes_per_ms
        if response.first_audio_at is None:
            response.first_audio_at = self._clock()
        response.audio_ms = end_ms
        if text:
            item.segments.append((start_ms, end_ms, text))
            item.data["content"][0]["transcript"] += text
            self._out.send(
                self._response_ref(
                    response, item, {"type": "response.output_audio_transcript.delta", "delta": text}
                )
            )
        elif item.segments:
            s_start, _, s_text = item.segments[-1]
            item.segments[-1] = (s_start, end_ms, s_text)
        if audio and self._server_playout:
            self.playouts.setdefault(response_id, _Playout()).queued += 1
            self._out.append(PlayAudio(response_id, item.data["id"], audio))
        elif audio:
            delta = self._response_ref(
                response,
                item,
                {"type": "response.output_audio.delta", "delta": base64.b64encode(audio).decode()},
            )
            if self._held is None:
                self._out.send(delta)
            else:
                self._held.append(delta)
                if len(self._held) > MAX_HELD_DELTAS:
                    self.release_audio()
        self._count_output(response, estimate_audio_tokens(end_ms - start_ms))

    def tool_call(self, response_id: str, call: ToolCall) -> None:
        response = self._live(response_id)
        if response is None:
            return
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
        self._out.send(
            {
                "type": "response.function_call_arguments.delta",
                **base,
                "call_id": call.call_id,
                "delta": call.arguments,
            }
        )
        data["arguments"] = call.arguments
        self._out.send(
            {
                "type": "response.function_call_arguments.done",
                **base,
                "call_id": call.call_id,
                "name": call.name,
                "arguments": call.arguments,
            }
        )
        data["status"] = "completed"
        self._item_done(response, self._conversation.items.get(item_id) or Item(data), output_index)
        self._count_output(response, estimate_text_tokens(call.arguments) + 5)
        if self._client_defines(response, call.name):
            pass  # the client runs it and answers with a function_call_output item
        elif call.name in self._handoffs:
            self._hand_off(response, call)
        elif call.name in self._server_tools:
            response.running_tools += 1
            self._out.append(RunTool(response.id, call, response.plan))

    def completed(self, response_id: str) -> None:
        response = self._live(response_id)
        if response is not None:
            response.brain_done = True
            if not response.running_tools:
                self._complete_with_tools(response)

    def tool_result(self, response_id: str, call_id: str, output: str) -> None:
        response = self._live(response_id)
        if response is not None:
            self._tool_done(response, call_id, output)

    def failed(self, response_id: str, message: str) -> None:
        response = self._live(response_id)
        if response is not None:
            self._finish(
                response,
                "failed",
                {
                    "type": "failed",
                    "error": {"type": "server_error", "code": "response_failed", "message": message},
                },
            )

    def hold_audio(self) -> None:
        """Stop sending audio deltas until `release_audio` (or the response's end)."""
        if self._held is None:
            self._held = []

    def release_audio(self) -> None:
        """Send the held audio deltas, and later ones as they come."""
        held, self._held = self._held or [], None
        for delta in held:
            self._out.send(delta)

    def _drop_held(self, response: Response) -> None:
        """A cut reply's held audio never goes out: its item keeps only what was sent."""
        dropped = sum(len(base64.b64decode(d["delta"])) for d in self._held or [])
        self._held = None
        record = response.message
        if record is not None and dropped:
            sent_ms = (len(record.audio) - dropped) / record.audio_rate_bytes_per_ms
            fmt = response.plan.format if response.plan else PCM16_24K
            self._conversation.truncate(record, 0, int(sent_ms), fmt.bytes_per_sample)

    # ------------------------------------------------------------------ server-side playout

    def playout_drained(self, response_id: str, chunks_played: int) -> None:
        playout = self.playouts.get(response_id)
        if playout is not None:
            playout.played = chunks_played
            self._maybe_playout_stopped(response_id)

    def _maybe_playout_stopped(self, response_id: str) -> None:
        playout = self.playouts.get(response_id)
        if playout is None or self._live(response_id) is not None or playout.played < playout.queued:
            return
        del self.playouts[response_id]
        self._out.send({"type": "output_audio_buffer.stopped", "response_id": response_id})

    # ------------------------------------------------------------------ tools

    def _client_defines(self, response: Response, name: str) -> bool:
        # A client tool of the same name wins: the client asked to run it itself.
        return any(t.get("name") == name for t in response.tools)

    def _tool_done(self, response: Response, call_id: str, output: str) -> None:
        self._close_message(response, "completed")  # a filler line, if one was spoken
        data = {"id": new_id("item"), "type": "function_call_output", "object": "realtime.item",
                "status": "completed", "call_id": call_id, "output": output}  # fmt: skip
        if response.in_conversation:
            self._conversation.insert(Item(data, text=output), None)
        else:
            response.context.append(data)
        response.running_tools -= 1
        response.tool_outputs += 1
        if response.running_tools == 0 and response.brain_done:
            self._complete_with_tools(response)

    def _complete_with_tools(self, response: Response) -> None:
        """Complete the response; if server tools answered in it, a follow-up speaks the answer."""
        self._finish(response, "completed", None)
        if response.tool_outputs and response.tool_round < MAX_TOOL_ROUNDS:
            last = response.tool_round + 1 == MAX_TOOL_ROUNDS
            params = response.params | {"tool_choice": "none"} if last else response.params
            follow_up = self.plan(params, tool_round=response.tool_round + 1)
            if not response.in_conversation:
                follow_up.context = [*response.context]
            self._start(follow_up)

    def _hand_off(self, response: Response, call: ToolCall) -> None:
        """Switch to another agent: its instructions (and voice) from now on, same conversation."""
        handoff = self._handoffs[call.name]
        self._agent = handoff.agent
        self._on_handoff(handoff)
        response.running_tools += 1
        self._tool_done(
            response, call.call_id, json.dumps({"message": handoff.message, "agent": handoff.agent})
        )

    # ------------------------------------------------------------------ output items

    def _live(self, response_id: str) -> Response | None:
        response = self.current
        return response if response is not None and response.id == response_id else None

    def _add_output(self, response: Response, data: dict[str, Any]) -> int:
        output_index = len(response.data["output"])
        response.data["output"].append(data)
        self._out.send(
            {
                "type": "response.output_item.added",
                "response_id": response.id,
                "output_index": output_index,
                "item": dict(data),
            }
        )
        if response.in_conversation:
            record = Item(data, text="", audio_rate_bytes_per_ms=_bytes_per_ms(response))
            self._conversation.insert(record, None, done=False)
        return output_index

    def _open_message(self, response: Response, part_type: str) -> Item:
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
        record = self._conversation.items.get(data["id"])
        if record is None:
            record = Item(data, text="", audio_rate_bytes_per_ms=_bytes_per_ms(response))
        response.message = record
        part = (
            {"type": "audio", "transcript": ""}
            if part_type == "output_audio"
            else {"type": "text", "text": ""}
        )
        data["content"].append(
            {"type": part_type, **({"transcript": ""} if part_type == "output_audio" else {"text": ""})}
        )
        self._out.send(
            self._response_ref(response, record, {"type": "response.content_part.added", "part": part})
        )
        return record

    def _response_ref(self, response: Response, record: Item, event: dict[str, Any]) -> dict[str, Any]:
        output_index = next(i for i, d in enumerate(response.data["output"]) if d["id"] == record.data["id"])
        ref = {"response_id": response.id, "item_id": record.data["id"], "output_index": output_index}
        if event["type"].startswith(("response.output_", "response.content_part")):
            ref["content_index"] = 0
        return {**event, **ref}

    def _close_message(self, response: Response, status: str) -> None:
        record = response.message
        if record is None:
            return
        response.message = None
        part = record.data["content"][0]
        if part["type"] == "output_audio":
            self._out.send(self._response_ref(response, record, {"type": "response.output_audio.done"}))
            self._out.send(
                self._response_ref(
                    response,
                    record,
                    {"type": "response.output_audio_transcript.done", "transcript": part["transcript"]},
                )
            )
            done_part = {"type": "audio", "transcript": part["transcript"]}
            record.text = part["transcript"]
        else:
            self._out.send(
                self._response_ref(
                    response, record, {"type": "response.output_text.done", "text": part["text"]}
                )
            )
            done_part = {"type": "text", "text": part["text"]}
            record.text = part["text"]
        self._out.send(
            self._response_ref(response, record, {"type": "response.content_part.done", "part": done_part})
        )
        record.data["status"] = status
        output_index = next(i for i, d in enumerate(response.data["output"]) if d["id"] == record.data["id"])
        self._item_done(response, record, output_index)

    def _item_done(self, response: Response, record: Item, output_index: int) -> None:
        item = wire_item(record)
        if response.in_conversation:
            self._out.append(SaveItem(item, None))
        self._out.send(
            {
                "type": "response.output_item.done",
                "response_id": response.id,
                "output_index": output_index,
                "item": item,
            }
        )
        if response.in_conversation and record.data["id"] in self._conversation.items:
            self._out.send(
                {
                    "type": "conversation.item.done",
                    "previous_item_id": self._conversation.previous_id(record.data["id"]),
                    "item": item,
                }
            )

    # ------------------------------------------------------------------ finishing

    def _count_output(self, response: Response, tokens: int) -> None:
        response.output_tokens += tokens
        if response.max_output_tokens is not None and response.output_tokens >= response.max_output_tokens:
            self._out.append(StopGenerating(response.id))
            self._finish(response, "incomplete", {"type": "incomplete", "reason": "max_output_tokens"})

    def cancel(self, response: Response, reason: str) -> None:
        self._out.append(StopGenerating(response.id))
        if self._server_playout and response.id in self.playouts:
            self._out.append(ClearPlayout())
        self._finish(response, "cancelled", {"type": "cancelled", "reason": reason})

    def _finish(self, response: Response, status: str, details: dict[str, Any] | None) -> None:
        # Held audio goes out before response.done when the reply completed; a cut one loses it.
        if status == "completed":
            self.release_audio()
        elif self._held is not None:
            self._drop_held(response)
        self._close_message(response, "completed" if status == "completed" else "incomplete")
        self.current = None
        self.last_id = response.id
        input_tokens = sum(estimate_text_tokens(m.content) for m in self.brain_request(response).messages)
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
        self._out.send({"type": "response.done", "response": response.data})
        self._maybe_playout_stopped(response.id)
        self._on_finished(response)


def _bytes_per_ms(response: Response) -> float:
    fmt = response.plan.format if response.plan else PCM16_24K
    return fmt.rate * fmt.bytes_per_sample / 1000
