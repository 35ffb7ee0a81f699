"""Targeted hostile cases, one per class: depth, nulls, tool schemas, limits, OpenAI's error wording."""

from __future__ import annotations

import json
from typing import Any

import pytest

from realtalk.protocol import limits
from realtalk.protocol.client_events import decode_json_event
from realtalk.protocol.errors import ProtocolError
from realtalk.protocol.json_decode import MAX_JSON_DEPTH, decode_json
from tests.hostile import Client


def deep(depth: int) -> Any:
    value: Any = {}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "[" * 100_000, '{"a":' * 100_000])
def test_json_nested_beyond_the_parser_is_a_protocol_error(text: str) -> None:
    with pytest.raises(ProtocolError) as info:
        decode_json(text)
    assert info.value.code == "invalid_json"


def test_json_depth_limit_is_exact() -> None:
    assert decode_json(json.dumps(deep(MAX_JSON_DEPTH - 1)))
    with pytest.raises(ProtocolError) as info:
        decode_json(json.dumps(deep(MAX_JSON_DEPTH)))
    assert f"more than {MAX_JSON_DEPTH} levels" in info.value.message


def error_of(client: Client, event: dict[str, Any]) -> dict[str, Any]:
    out = client.send(json.dumps({**event, "event_id": "evt_x"}))
    errors = [e["error"] for e in out if e["type"] == "error"]
    assert len(errors) == 1 and errors[0]["event_id"] == "evt_x", out
    return errors[0]


@pytest.fixture
def client() -> Client:
    return Client(is_beta=False)


def test_a_deep_event_is_refused_with_its_event_id(client: Client) -> None:
    tool = {"type": "function", "name": "f", "parameters": deep(600)}
    error = error_of(client, {"type": "session.update", "session": {"tools": [tool]}})
    assert error["code"] == "invalid_json"


@pytest.mark.parametrize(
    ("session", "param", "expected"),
    [
        ({"audio": None}, "session.audio", "an object"),
        ({"audio": {"input": None}}, "session.audio.input", "an object"),
        ({"audio": {"output": None}}, "session.audio.output", "an object"),
        ({"audio": {"input": {"format": None}}}, "session.audio.input.format", "an object"),
        ({"instructions": None}, "session.instructions", "a string"),
        ({"tools": None}, "session.tools", "an array"),
        ({"tools": [None]}, "session.tools[0]", "an object"),
    ],
)
def test_null_for_a_field_that_cannot_be_cleared_is_refused_as_openai_does(
    client: Client, session: dict[str, Any], param: str, expected: str
) -> None:
    error = error_of(client, {"type": "session.update", "session": session})
    assert error == {
        "type": "invalid_request_error",
        "code": "invalid_type",
        "message": f"Invalid type for '{param}': expected {expected}, but got null instead.",
        "param": param,
        "event_id": "evt_x",
    }
    # Nothing half-applied: the session is as it was.
    assert client.session.config["audio"]["input"]["format"] == {"type": "audio/pcm", "rate": 24000}


def test_null_clears_the_fields_openai_lets_you_clear(client: Client) -> None:
    update = {"audio": {"input": {"turn_detection": None, "transcription": None, "noise_reduction": None}}}
    out = client.send(json.dumps({"type": "session.update", "session": update}))
    assert out[-1]["type"] == "session.updated"
    assert out[-1]["session"]["audio"]["input"]["turn_detection"] is None


def test_null_item_fields_mean_absent(client: Client) -> None:
    item = {
        "id": None,
        "type": "message",
        "role": "user",
        "status": None,
        "content": [{"type": "input_text", "text": "hi", "transcript": None}],
    }
    out = client.send(json.dumps({"type": "conversation.item.create", "item": item}))
    assert out[-1]["type"] == "conversation.item.done" and out[-1]["item"]["id"]


@pytest.mark.parametrize("where", ["session", "response"])
def test_a_function_tool_needs_a_name(client: Client, where: str) -> None:
    tools = [{"type": "function", "description": "does things"}]
    event = (
        {"type": "session.update", "session": {"tools": tools}}
        if where == "session"
        else {"type": "response.create", "response": {"tools": tools}}
    )
    error = error_of(client, event)
    assert error["code"] == "missing_required_parameter"
    assert error["message"] == f"Missing required parameter: '{where}.tools[0].name'."


@pytest.mark.parametrize(
    ("event", "code", "param"),
    [
        (
            {
                "type": "session.update",
                "session": {"instructions": "x" * (limits.MAX_INSTRUCTIONS_CHARS + 1)},
            },
            "string_above_max_length",
            "session.instructions",
        ),
        (
            {
                "type": "conversation.item.create",
                "item": {
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "x" * (limits.MAX_TEXT_CHARS + 1)}],
                },
            },
            "string_above_max_length",
            "item.content[0].text",
        ),
        (
            {
                "type": "conversation.item.create",
                "item": {
                    "type": "function_call_output",
                    "call_id": "c",
                    "output": "x" * (limits.MAX_TEXT_CHARS + 1),
                },
            },
            "string_above_max_length",
            "item.output",
        ),
        (
            {
                "type": "session.update",
                "session": {
                    "tools": [{"type": "function", "name": f"t{i}"} for i in range(limits.MAX_TOOLS + 1)]
                },
            },
            "array_above_max_length",
            "session.tools",
        ),
        (
            {
                "type": "session.update",
                "session": {
                    "tools": [
                        {
                            "type": "function",
                            "name": "big",
                            "parameters": {"type": "object", "description": "x" * limits.MAX_TOOL_CHARS},
                        }
                    ]
                },
            },
            "invalid_value",
            "session.tools[0]",
        ),
        (
            {
                "type": "session.update",
                "session": {
                    "audio": {"input": {"transcription": {"model": "whisper-1", "prompt": "x" * 1025}}}
                },
            },
            "string_above_max_length",
            "session.audio.input.transcription.prompt",
        ),
        (
            {"type": "response.create", "response": {"metadata": {f"k{i}": "v" for i in range(17)}}},
            "object_above_max_properties",
            "response.metadata",
        ),
        (
            {"type": "response.create", "response": {"metadata": {"k" * 65: "v"}}},
            "property_name_above_max_length",
            "response.metadata",
        ),
        (
            {"type": "response.create", "response": {"metadata": {"k": "v" * 513}}},
            "string_above_max_length",
            "response.metadata.k",
        ),
        (
            {"type": "conversation.item.create", "item": {"id": "vision_" + "x" * 32, "type": "message"}},
            "string_above_max_length",
            "item.id",
        ),
    ],
)
def test_limits_answer_with_openais_codes(
    client: Client, event: dict[str, Any], code: str, param: str
) -> None:
    error = error_of(client, event)
    assert (error["code"], error["param"]) == (code, param), error
    assert error["message"].startswith(f"Invalid '{param}'")


@pytest.mark.parametrize("field", ["output", "arguments"])
def test_tool_json_nested_too_deep_is_refused(client: Client, field: str) -> None:
    item: dict[str, Any] = {"type": "function_call_output", "call_id": "c", "output": "ok"}
    if field == "arguments":
        item = {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"}
    item[field] = "[" * 10_000 + "]" * 10_000
    error = error_of(client, {"type": "conversation.item.create", "item": item})
    assert (error["code"], error["param"]) == ("invalid_value", f"item.{field}")
    item[field] = "not JSON, [just text"
    assert client.send(json.dumps({"type": "conversation.item.create", "item": item}))[-1]["type"] == (
        "conversation.item.done"
    )


def test_openai_wording_for_wrong_types(client: Client) -> None:
    error = error_of(client, {"type": "session.update", "session": {"instructions": 5}})
    assert (
        error["message"]
        == "Invalid type for 'session.instructions': expected a string, but got an integer instead."
    )
    assert (error["code"], error["param"]) == ("invalid_type", "session.instructions")
    detection = {"type": "semantic_vad", "realtalk": {"quick_end_after_ms": 2000.0}}
    error = error_of(
        client, {"type": "session.update", "session": {"audio": {"input": {"turn_detection": detection}}}}
    )
    assert error["message"] == (
        "Invalid type for 'session.audio.input.turn_detection.realtalk.quick_end_after_ms': "
        "expected an integer, but got a decimal number instead."
    )
    error = error_of(client, {"type": 5})
    assert (error["code"], error["param"]) == ("invalid_type", "type")
    error = error_of(client, {"item_id": "x"})
    assert (error["code"], error["param"]) == ("missing_required_parameter", "type")


def test_a_frame_that_is_not_an_object_is_refused() -> None:
    for text in ("[]", "null", '"session.update"', "5"):
        with pytest.raises(ProtocolError) as info:
            decode_json_event(text)
        assert info.value.code == "invalid_json"


def test_null_response_fields_mean_the_sessions(client: Client) -> None:
    """LiveKit's RealtimeModel sends every response.create with `"instructions": null`."""
    response = {"instructions": None, "tool_choice": None, "metadata": {"client_event_id": "r1"}}
    out = client.send(json.dumps({"type": "response.create", "response": response}))
    created = next(e for e in out if e["type"] == "response.created")
    assert created["response"]["metadata"] == {"client_event_id": "r1"}
    assert not [e for e in out if e["type"] == "error"]
