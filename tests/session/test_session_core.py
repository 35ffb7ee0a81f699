"""The sans-I/O session driven by plain function calls: no sockets, no models."""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np
import pytest

from realtalk.brain.base import ToolCall, ToolSpec
from realtalk.engines.base import Float32Audio, Transcription
from realtalk.protocol.client_events import decode_json_event
from realtalk.protocol.errors import ProtocolError
from realtalk.session.effects import Generate, SaveItem, Send, StopGenerating, Transcribe
from realtalk.session.session import RealtimeSession
from realtalk.session.turn_detection import SEMANTIC_TIMING
from tests.realtime_schema import validate_server_event


class QuietVad:
    """Hears nothing: these tests drive turns through explicit commits, not VAD."""

    def speech_probability(self, frame: Float32Audio) -> float:
        return 0.0

    def reset(self) -> None:
        pass


def events(effects: list[Any]) -> list[dict[str, Any]]:
    out = [e.event for e in effects if isinstance(e, Send)]
    for event in out:
        validate_server_event(event)
    return out


def types(effects: list[Any]) -> list[str]:
    return [e["type"] for e in events(effects)]


@pytest.fixture
def session() -> RealtimeSession:
    s = RealtimeSession(model="realtalk", vad=QuietVad())
    assert types(s.start()) == ["session.created"]
    return s


def user_text(session: RealtimeSession, text: str) -> str:
    effects = session.handle_event(
        {
            "type": "conversation.item.create",
            "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]},
        }
    )
    assert isinstance(effects[0], SaveItem), "an item is saved before the client hears of it"
    added = events(effects)[0]
    assert added["type"] == "conversation.item.added"
    return str(added["item"]["id"])


def asked_with_tool(tool: ToolSpec, text: str) -> tuple[RealtimeSession, Generate]:
    """A session offering the server tool `tool`, asked `text` and then for a response."""
    session = RealtimeSession(model="m", vad=QuietVad(), server_tools=[tool])
    session.start()
    user_text(session, text)
    generate = next(e for e in session.handle_event({"type": "response.create"}) if isinstance(e, Generate))
    return session, generate


def test_session_update_merges_and_echoes(session: RealtimeSession) -> None:
    out = events(
        session.handle_event(
            {
                "type": "session.update",
                "session": {
                    "type": "realtime",
                    "instructions": "Be brief.",
                    "audio": {
                        "input": {"turn_detection": {"type": "server_vad", "silence_duration_ms": 300}}
                    },
                },
            }
        )
    )
    assert out[0]["type"] == "session.updated"
    detection = out[0]["session"]["audio"]["input"]["turn_detection"]
    assert detection["silence_duration_ms"] == 300 and detection["threshold"] == 0.5
    assert out[0]["session"]["instructions"] == "Be brief."


def test_invalid_update_is_an_error_and_changes_nothing(session: RealtimeSession) -> None:
    before = json.dumps(session.config, sort_keys=True)
    out = events(
        session.handle_event(
            {
                "type": "session.update",
                "event_id": "c1",
                "session": {
                    "type": "realtime",
                    "instructions": "x",
                    "audio": {"input": {"turn_detection": {"type": "server_vad", "threshold": "high"}}},
                },
            }
        )
    )
    assert out[0]["type"] == "error"
    assert out[0]["error"]["param"] == "session.audio.input.turn_detection.threshold"
    assert out[0]["error"]["event_id"] == "c1"
    assert json.dumps(session.config, sort_keys=True) == before


def test_text_response_event_order(session: RealtimeSession) -> None:
    user_text(session, "hello")
    effects = session.handle_event({"type": "response.create", "response": {"output_modalities": ["text"]}})
    assert types(effects) == ["response.created"]
    generate = next(e for e in effects if isinstance(e, Generate))
    assert generate.audio is None
    assert [(m.role, m.content) for m in generate.request.messages] == [("user", "hello")]
    rid = generate.response_id
    out = types(session.response_text(rid, "Hi ") + session.response_text(rid, "there."))
    assert out == [
        "response.output_item.added",
        "conversation.item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
    ]
    done = events(session.response_completed(rid))
    assert [e["type"] for e in done] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "conversation.item.done",
        "response.done",
    ]
    assert done[0]["text"] == "Hi there."
    assert done[-1]["response"]["status"] == "completed"
    assert done[-1]["response"]["output"][0]["content"][0]["text"] == "Hi there."
    assert done[-1]["response"]["usage"]["output_tokens"] > 0


def test_audio_response_and_truncate(session: RealtimeSession) -> None:
    user_text(session, "tell me a story")
    rid = next(
        e for e in session.handle_event({"type": "response.create"}) if isinstance(e, Generate)
    ).response_id
    second = np.zeros(24000, dtype=np.int16).tobytes()  # one second of 24 kHz PCM
    out = types(
        session.response_audio(rid, second, "First sentence. ")
        + session.response_audio(rid, second, "Second one.")
    )
    assert out[:3] == ["response.output_item.added", "conversation.item.added", "response.content_part.added"]
    assert out.count("response.output_audio.delta") == 2
    done = events(session.response_completed(rid))
    item_id = done[-1]["response"]["output"][0]["id"]
    assert done[-1]["response"]["output"][0]["content"][0]["transcript"] == "First sentence. Second one."
    out = events(
        session.handle_event(
            {
                "type": "conversation.item.truncate",
                "item_id": item_id,
                "content_index": 0,
                "audio_end_ms": 1000,
            }
        )
    )
    assert out[0] == {**out[0], "type": "conversation.item.truncated", "audio_end_ms": 1000}
    retrieved = events(session.handle_event({"type": "conversation.item.retrieve", "item_id": item_id}))[0]
    part = retrieved["item"]["content"][0]
    assert part["transcript"] == "First sentence."
    assert len(base64.b64decode(part["audio"])) == 48000
    bad = events(
        session.handle_event(
            {
                "type": "conversation.item.truncate",
                "item_id": item_id,
                "content_index": 0,
                "audio_end_ms": 5000,
            }
        )
    )[0]
    assert bad["type"] == "error" and bad["error"]["param"] == "audio_end_ms"


def test_tool_call_round_trip(session: RealtimeSession) -> None:
    session.handle_event(
        {
            "type": "session.update",
            "session": {
                "type": "realtime",
                "tools": [
                    {
                        "type": "function",
                        "name": "get_weather",
                        "description": "Weather for a city",
                        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
                    }
                ],
            },
        }
    )
    user_text(session, "weather in Paris?")
    generate = next(e for e in session.handle_event({"type": "response.create"}) if isinstance(e, Generate))
    assert [t.name for t in generate.request.tools] == ["get_weather"]
    out = events(
        session.response_tool_call(
            generate.response_id, ToolCall("call_1", "get_weather", '{"city":"Paris"}')
        )
    )
    assert [e["type"] for e in out] == [
        "response.output_item.added",
        "conversation.item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "conversation.item.done",
    ]
    assert out[3]["arguments"] == '{"city":"Paris"}' and out[3]["call_id"] == "call_1"
    events(session.response_completed(generate.response_id))
    session.handle_event(
        {
            "type": "conversation.item.create",
            "item": {"type": "function_call_output", "call_id": "call_1", "output": '{"temp": 21}'},
        }
    )
    generate = next(e for e in session.handle_event({"type": "response.create"}) if isinstance(e, Generate))
    roles = [(m.role, m.tool_call_id) for m in generate.request.messages]
    assert roles == [("user", None), ("assistant", None), ("tool", "call_1")]
    assert generate.request.messages[1].tool_calls[0].name == "get_weather"


def test_cancel_and_second_response(session: RealtimeSession) -> None:
    user_text(session, "hi")
    rid = next(
        e for e in session.handle_event({"type": "response.create"}) if isinstance(e, Generate)
    ).response_id
    busy = events(session.handle_event({"type": "response.create"}))[0]
    assert busy["error"]["code"] == "conversation_already_has_active_response"
    session.response_audio(rid, b"\0\0" * 2400, "Hello. ")
    effects = session.handle_event({"type": "response.cancel"})
    assert any(isinstance(e, StopGenerating) and e.response_id == rid for e in effects)
    done = events(effects)[-1]
    assert done["response"]["status"] == "cancelled"
    assert done["response"]["status_details"]["reason"] == "client_cancelled"
    assert done["response"]["output"][0]["status"] == "incomplete"
    assert types(session.response_audio(rid, b"\0\0" * 2400, "late")) == [], "late audio is dropped"
    assert (
        events(session.handle_event({"type": "response.cancel"}))[0]["error"]["code"]
        == "response_cancel_not_active"
    )


def test_conversation_none_and_metadata(session: RealtimeSession) -> None:
    user_text(session, "hi")
    effects = session.handle_event(
        {
            "type": "response.create",
            "response": {
                "conversation": "none",
                "metadata": {"topic": "x"},
                "output_modalities": ["text"],
                "instructions": "Classify.",
                "input": [
                    {
                        "type": "message",
                        "role": "user",
                        "content": [{"type": "input_text", "text": "classify this"}],
                    }
                ],
            },
        }
    )
    generate = next(e for e in effects if isinstance(e, Generate))
    assert [m.content for m in generate.request.messages] == ["classify this"]
    assert generate.request.instructions == "Classify."
    out = types(session.response_text(generate.response_id, "positive"))
    assert "conversation.item.added" not in out
    done = events(session.response_completed(generate.response_id))[-1]
    assert done["response"]["conversation_id"] is None and done["response"]["metadata"] == {"topic": "x"}


def test_manual_commit_transcribes_then_generates(session: RealtimeSession) -> None:
    session.handle_event(
        {
            "type": "session.update",
            "session": {
                "type": "realtime",
                "audio": {"input": {"turn_detection": None, "transcription": {"model": "whisper-1"}}},
            },
        }
    )
    too_short = events(session.handle_event({"type": "input_audio_buffer.commit"}))[0]
    assert too_short["error"]["code"] == "input_audio_buffer_commit_empty"
    pcm = np.zeros(24000, dtype=np.int16).tobytes()
    session.handle_event({"type": "input_audio_buffer.append", "audio": base64.b64encode(pcm).decode()})
    effects = session.handle_event({"type": "input_audio_buffer.commit"})
    assert types(effects) == [
        "input_audio_buffer.committed",
        "conversation.item.added",
        "conversation.item.done",
    ]
    job = next(e for e in effects if isinstance(e, Transcribe))
    assert abs(len(job.audio) - 16000) < 100, "one second at 16 kHz"
    effects = session.handle_event({"type": "response.create"})
    assert not any(isinstance(e, Generate) for e in effects), "waits for the transcript"
    effects = session.transcription_completed(
        job.item_id, Transcription("what time is it", audio_seconds=1.0)
    )
    assert types(effects) == [
        "conversation.item.input_audio_transcription.delta",
        "conversation.item.input_audio_transcription.completed",
    ]
    generate = next(e for e in effects if isinstance(e, Generate))
    assert generate.request.messages[-1].content == "what time is it"


@pytest.mark.parametrize(
    ("event", "code", "param"),
    [
        ({"type": "conversation.item.delete", "item_id": "nope"}, "item_delete_invalid_item_id", None),
        ({"type": "conversation.item.retrieve", "item_id": "nope"}, "item_retrieve_invalid_item_id", None),
        (
            {"type": "conversation.item.truncate", "item_id": "nope", "content_index": 0, "audio_end_ms": 1},
            "item_truncate_invalid_item_id",
            None,
        ),
        ({"type": "input_audio_buffer.append", "audio": "###"}, "invalid_value", "audio"),
        (
            {"type": "input_audio_buffer.append", "audio": base64.b64encode(b"\0\0\0").decode()},
            "invalid_audio_format",
            "audio",
        ),
        ({"type": "input_audio_buffer.append"}, "missing_required_parameter", "audio"),
        (
            {"type": "response.create", "response": {"output_modalities": ["video"]}},
            "invalid_value",
            "response.output_modalities[0]",
        ),
        (
            {
                "type": "session.update",
                "session": {"type": "realtime", "audio": {"input": {"format": {"type": "audio/flac"}}}},
            },
            "invalid_value",
            None,
        ),
        ({"type": "no.such.event"}, "invalid_value", "type"),
        (
            {"type": "session.update", "session": {"type": "realtime", "colour": "blue"}},
            "unknown_parameter",
            "session.colour",
        ),
        (
            {
                "type": "session.update",
                "session": {
                    "type": "realtime",
                    "audio": {
                        "input": {"turn_detection": {"type": "server_vad", "realtalk": {"duck": True}}}
                    },
                },
            },
            "unknown_parameter",
            "session.audio.input.turn_detection.realtalk.duck",
        ),
        (
            {
                "type": "session.update",
                "session": {
                    "type": "realtime",
                    "audio": {
                        "input": {
                            "turn_detection": {"type": "server_vad", "realtalk": {"backchannels": "on"}}
                        }
                    },
                },
            },
            "invalid_type",
            "session.audio.input.turn_detection.realtalk.backchannels",
        ),
        (
            {
                "type": "session.update",
                "session": {
                    "type": "realtime",
                    "audio": {"input": {"turn_detection": {"type": "semantic_vad", "realtalk": True}}},
                },
            },
            "invalid_type",
            "session.audio.input.turn_detection.realtalk",
        ),
    ],
)
def test_bad_events_are_errors(
    session: RealtimeSession, event: dict[str, Any], code: str, param: str | None
) -> None:
    out = events(session.handle_event({**event, "event_id": "evt_client"}))
    assert len(out) == 1 and out[0]["type"] == "error"
    assert out[0]["error"]["code"] == code
    if param is not None:
        assert out[0]["error"]["param"] == param
    assert out[0]["error"]["event_id"] == "evt_client"
    # ...and the session lives on.
    assert types(session.handle_event({"type": "input_audio_buffer.clear"})) == ["input_audio_buffer.cleared"]


def test_append_over_limit_is_rejected() -> None:
    session = RealtimeSession(model="m", vad=QuietVad(), max_append_bytes=1000)
    out = events(
        session.handle_event(
            {"type": "input_audio_buffer.append", "audio": base64.b64encode(b"\0" * 2000).decode()}
        )
    )
    assert out[0]["error"]["code"] == "input_audio_buffer_too_large"


def test_invalid_json_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError) as info:
        decode_json_event("{not json")
    assert info.value.code == "invalid_json"
    with pytest.raises(ProtocolError):
        decode_json_event("[1, 2]")


def test_output_audio_buffer_clear_cuts_the_reply(session: RealtimeSession) -> None:
    empty = events(session.handle_event({"type": "output_audio_buffer.clear"}))[0]
    assert empty["error"]["code"] == "output_audio_buffer_empty"
    user_text(session, "hi")
    rid = next(
        e for e in session.handle_event({"type": "response.create"}) if isinstance(e, Generate)
    ).response_id
    session.response_audio(rid, b"\0\0" * 2400, "Hello. ")
    effects = session.handle_event({"type": "output_audio_buffer.clear"})
    assert any(isinstance(e, StopGenerating) for e in effects)
    out = events(effects)
    assert out[-2]["response"]["status"] == "cancelled"
    assert out[-1] == {**out[-1], "type": "output_audio_buffer.cleared", "response_id": rid}


def test_server_tool_runs_and_the_result_is_spoken_in_a_follow_up() -> None:
    from realtalk.session.effects import RunTool

    weather = ToolSpec("get_weather", "Weather for a city", {"type": "object", "properties": {}})
    session, generate = asked_with_tool(weather, "weather in paris")
    assert [t.name for t in generate.request.tools] == ["get_weather"], (
        "server tools are offered to the brain"
    )
    rid = generate.response_id
    effects = session.response_tool_call(rid, ToolCall("call_1", "get_weather", '{"city": "Paris"}'))
    run = next(e for e in effects if isinstance(e, RunTool))
    assert run.call.call_id == "call_1"
    assert "response.done" not in types(session.response_completed(rid)), "waits for the tool"
    effects = session.tool_result(rid, "call_1", '{"temperature": 21}')
    out = events(effects)
    kinds = [e["type"] for e in out]
    assert kinds[:3] == ["conversation.item.added", "conversation.item.done", "response.done"]
    assert out[0]["item"] == {**out[0]["item"], "type": "function_call_output", "call_id": "call_1"}
    assert kinds[3] == "response.created" and out[3]["response"]["id"] != rid
    follow_up = next(e for e in effects if isinstance(e, Generate))
    assert (
        follow_up.request.messages[-1].role == "tool"
        and follow_up.request.messages[-1].content == '{"temperature": 21}'
    )


def test_the_last_tool_round_in_a_row_must_answer_in_words() -> None:
    from realtalk.session.responses import MAX_TOOL_ROUNDS

    add = ToolSpec("add_task", "Add a task", {"type": "object", "properties": {}})
    session, generate = asked_with_tool(add, "add buy milk")
    choices = [generate.request.tool_choice]
    for round_ in range(MAX_TOOL_ROUNDS):  # a model retrying a tool that keeps failing
        rid = generate.response_id
        session.response_tool_call(rid, ToolCall(f"call_{round_}", "add_task", "{}"))
        session.response_completed(rid)
        effects = session.tool_result(rid, f"call_{round_}", '{"error": "bad date"}')
        generate = next(e for e in effects if isinstance(e, Generate))
        choices.append(generate.request.tool_choice)
    assert choices == ["auto"] * MAX_TOOL_ROUNDS + ["none"]


def test_tool_result_after_cancel_is_dropped() -> None:
    from realtalk.session.effects import RunTool

    session, generate = asked_with_tool(ToolSpec("slow", "", {}), "do the slow thing")
    rid = generate.response_id
    assert any(isinstance(e, RunTool) for e in session.response_tool_call(rid, ToolCall("c1", "slow", "{}")))
    cancelled = session.handle_event({"type": "response.cancel"})
    assert any(isinstance(e, StopGenerating) for e in cancelled)
    assert session.tool_result(rid, "c1", '"late"') == []
    # ...and a tool call from the cancelled response is never run.
    assert session.response_tool_call(rid, ToolCall("c2", "slow", "{}")) == []


def test_handoff_switches_agent_and_keeps_the_conversation() -> None:
    from realtalk.apps import Agent

    max_agent = Agent("Max", "focus coaching", "You are Max, a focus coach.", "Hi, I am Max.", voice="cedar")
    session = RealtimeSession(model="m", vad=QuietVad(), handoffs=[max_agent.handoff()])
    session.start()
    first = user_text(session, "can i talk to the coach")
    generate = next(e for e in session.handle_event({"type": "response.create"}) if isinstance(e, Generate))
    assert "transfer_to_max" in [t.name for t in generate.request.tools]
    out = events(session.response_tool_call(generate.response_id, ToolCall("c1", "transfer_to_max", "{}")))
    updated = next(e for e in out if e["type"] == "session.updated")
    assert updated["session"]["instructions"] == "You are Max, a focus coach."
    assert updated["session"]["audio"]["output"]["voice"] == "cedar"
    effects = session.response_completed(generate.response_id)
    follow_up = next(e for e in effects if isinstance(e, Generate))
    assert follow_up.request.instructions == "You are Max, a focus coach."
    assert follow_up.request.messages[0].content == "can i talk to the coach", "context is preserved"
    assert "transfer_to_max" not in [t.name for t in follow_up.request.tools], "no handoff to itself"
    assert first


def test_events_are_snapshots_of_the_moment_they_were_sent(session: RealtimeSession) -> None:
    user_text(session, "hi")
    created = events(session.handle_event({"type": "response.create"}))[0]
    rid = created["response"]["id"]
    first = events(session.response_text(rid, "Hello"))
    session.response_text(rid, " there.")
    session.response_completed(rid)
    assert created["response"]["output"] == [] and created["response"]["status"] == "in_progress"
    added = next(e for e in first if e["type"] == "response.output_item.added")
    assert added["item"]["content"] == [] and added["item"]["status"] == "in_progress"
    delta_part = next(e for e in first if e["type"] == "response.content_part.added")["part"]
    assert delta_part == {"type": "text", "text": ""}


def test_turn_detection_extension_is_kept_and_echoed(session: RealtimeSession) -> None:
    detection = {"type": "server_vad", "realtalk": {"backchannels": True}}
    out = events(
        session.handle_event(
            {
                "type": "session.update",
                "session": {"type": "realtime", "audio": {"input": {"turn_detection": detection}}},
            }
        )
    )
    echoed = out[-1]["session"]["audio"]["input"]["turn_detection"]
    assert out[-1]["type"] == "session.updated"
    assert echoed["realtalk"] == {"backchannels": True} and echoed["silence_duration_ms"] == 500


def update_turn_detection(session: RealtimeSession, detection: dict[str, Any]) -> list[dict[str, Any]]:
    return events(
        session.handle_event(
            {
                "type": "session.update",
                "session": {"type": "realtime", "audio": {"input": {"turn_detection": detection}}},
            }
        )
    )


def test_the_quick_end_can_be_held_back_for_a_session(session: RealtimeSession) -> None:
    out = update_turn_detection(session, {"type": "semantic_vad", "realtalk": {"quick_end_after_ms": 2000}})
    assert out[-1]["type"] == "session.updated"
    assert out[-1]["session"]["audio"]["input"]["turn_detection"]["realtalk"] == {"quick_end_after_ms": 2000}
    timing = session._input.detection.semantic if session._input.detection else None
    assert timing is not None and timing.quick_after_ms == 2000
    assert session._input._turns.semantic is timing, "the detector judges pauses with it"
    update_turn_detection(session, {"type": "semantic_vad", "eagerness": "auto"})
    assert session._input._turns.semantic == SEMANTIC_TIMING["auto"], "a new turn_detection replaces it"


def test_server_vad_accepts_the_quick_end_setting_and_has_no_quick_end(session: RealtimeSession) -> None:
    out = update_turn_detection(session, {"type": "server_vad", "realtalk": {"quick_end_after_ms": 2000}})
    assert out[-1]["session"]["audio"]["input"]["turn_detection"]["realtalk"] == {"quick_end_after_ms": 2000}
    assert session._input._turns.semantic is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2000", "invalid_type"),
        (True, "invalid_type"),
        (2000.0, "invalid_type"),
        (10_001, "integer_above_max_value"),
        (-1, "integer_below_min_value"),
    ],
)
def test_a_bad_quick_end_setting_is_an_error_and_changes_nothing(
    session: RealtimeSession, value: object, code: str
) -> None:
    update_turn_detection(session, {"type": "semantic_vad", "realtalk": {"quick_end_after_ms": 1500}})
    out = update_turn_detection(session, {"type": "semantic_vad", "realtalk": {"quick_end_after_ms": value}})
    assert [e["type"] for e in out] == ["error"]
    assert out[0]["error"]["code"] == code
    assert out[0]["error"]["param"] == "session.audio.input.turn_detection.realtalk.quick_end_after_ms"
    semantic = session._input._turns.semantic
    assert semantic is not None and semantic.quick_after_ms == 1500
