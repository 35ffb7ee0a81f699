from __future__ import annotations

from realtalk.protocol import beta


def test_beta_session_update_to_ga() -> None:
    ga = beta.client_event_to_ga(
        {
            "type": "session.update",
            "session": {
                "modalities": ["text", "audio"],
                "voice": "alloy",
                "input_audio_format": "g711_ulaw",
                "output_audio_format": "pcm16",
                "turn_detection": None,
                "temperature": 0.7,
                "input_audio_transcription": {"model": "whisper-1"},
                "max_response_output_tokens": 200,
            },
        }
    )
    session = ga["session"]
    assert session["output_modalities"] == ["audio"]
    assert session["audio"]["input"] == {
        "format": {"type": "audio/pcmu"},
        "turn_detection": None,
        "transcription": {"model": "whisper-1"},
    }
    assert session["audio"]["output"] == {"voice": "alloy", "format": {"type": "audio/pcm", "rate": 24000}}
    assert session["max_output_tokens"] == 200 and "temperature" not in session


def test_ga_events_renamed_for_beta() -> None:
    delta = beta.server_event_to_beta(
        {"type": "response.output_audio.delta", "event_id": "e", "delta": "AA=="}
    )
    assert delta is not None and delta["type"] == "response.audio.delta"
    assert beta.server_event_to_beta({"type": "conversation.item.done", "event_id": "e"}) is None
    added = beta.server_event_to_beta(
        {
            "type": "conversation.item.added",
            "event_id": "e",
            "item": {
                "id": "i",
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_audio", "transcript": "hi"}],
            },
        }
    )
    assert added is not None and added["type"] == "conversation.item.created"
    assert added["item"]["content"][0]["type"] == "audio"


def test_beta_response_create_to_ga() -> None:
    ga = beta.client_event_to_ga(
        {
            "type": "response.create",
            "response": {
                "modalities": ["text"],
                "instructions": "x",
                "voice": "echo",
                "output_audio_format": "g711_alaw",
            },
        }
    )
    assert ga["response"] == {
        "output_modalities": ["text"],
        "instructions": "x",
        "audio": {"output": {"voice": "echo", "format": {"type": "audio/pcma"}}},
    }
