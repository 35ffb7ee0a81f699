"""Spoken turns from real recorded speech: server VAD, transcription, audio replies, barge-in."""

from __future__ import annotations

import base64
from typing import Any

import jiwer
import numpy as np
import pytest
import soxr

from realtalk.audio import g711
from tests.live_server import LiveServer
from tests.realtime_client import Recorder, audio_bytes, pcm24k, realtime, silence
from tests.speech_data import librivox_clips, load_wav_16k

pytestmark = pytest.mark.slow


def clip(index: int) -> tuple[bytes, str]:
    path, transcript = librivox_clips()[index]
    return pcm24k(load_wav_16k(path)), transcript


async def enable_transcription(conn: Recorder, **audio_input: Any) -> None:
    await conn.send(
        {
            "type": "session.update",
            "session": {
                "type": "realtime",
                "audio": {"input": {"transcription": {"model": "whisper-1"}, **audio_input}},
            },
        }
    )
    await conn.until("session.updated")


async def test_spoken_turn_with_server_vad(server: LiveServer) -> None:
    speech, reference = clip(1)  # "he was not an ill disposed young man"
    async with realtime(server) as conn:
        await enable_transcription(conn)
        start = len(conn.events)
        await conn.append_audio(silence(300) + speech + silence(1200))
        completed = await conn.until("conversation.item.input_audio_transcription.completed")
        assert jiwer.wer(reference, completed["transcript"].lower().strip(" .")) < 0.3, completed[
            "transcript"
        ]
        assert completed["usage"]["type"] == "duration" and completed["usage"]["seconds"] > 1
        events = await conn.collect_response()
        kinds = conn.types(start)
        order = [
            "input_audio_buffer.speech_started",
            "input_audio_buffer.speech_stopped",
            "input_audio_buffer.committed",
            "response.created",
            "response.done",
        ]
        assert [kinds.index(k) for k in order] == sorted(kinds.index(k) for k in order)
        started = next(e for e in conn.events[start:] if e["type"] == "input_audio_buffer.speech_started")
        stopped = next(e for e in conn.events[start:] if e["type"] == "input_audio_buffer.speech_stopped")
        speech_ms = len(speech) / 48
        assert 0 <= started["audio_start_ms"] <= 300 + 400
        assert speech_ms * 0.6 < stopped["audio_end_ms"] - started["audio_start_ms"] < speech_ms + 600
        assert started["item_id"] == stopped["item_id"] == completed["item_id"]
        assert len(audio_bytes(events)) > 24000
        assert events[-1]["response"]["status"] == "completed"


async def test_barge_in_cancels_the_reply(server: LiveServer) -> None:
    speech, _ = clip(1)
    interruption, _ = clip(4)
    async with realtime(server) as conn:
        await conn.send(
            {
                "type": "session.update",
                "session": {"type": "realtime", "instructions": "You are a chatty storyteller."},
            }
        )
        await conn.until("session.updated")
        await conn.append_audio(speech + silence(800))
        first_audio = await conn.until("response.output_audio.delta")
        response_id = first_audio["response_id"]
        await conn.append_audio(interruption + silence(800), pace=0.5)
        done = await conn.until("response.done")
        assert done["response"]["id"] == response_id
        assert done["response"]["status"] == "cancelled"
        assert done["response"]["status_details"]["reason"] == "turn_detected"
        kinds = [e["type"] for e in conn.events]
        first_audio_at = conn.events.index(first_audio)
        done_at = conn.events.index(done)
        assert "input_audio_buffer.speech_started" in kinds[first_audio_at:done_at], (
            "the user's onset caused it"
        )
        # The interruption gets its own reply; no audio of the cancelled one follows its done.
        next_done = await conn.until("response.done")
        late = [
            e
            for e in conn.events[done_at:]
            if e["type"] == "response.output_audio.delta" and e["response_id"] == response_id
        ]
        assert late == []
        assert next_done["response"]["id"] != response_id
        item = done["response"]["output"][0]
        assert item["status"] == "incomplete"


async def test_g711_ulaw_in_and_out(server: LiveServer) -> None:
    speech, reference = clip(4)  # "he might even have been made amiable himself"
    pcm8k = soxr.resample(np.frombuffer(speech, dtype="<i2"), 24000, 8000)
    ulaw = g711.ulaw_encode(pcm8k.astype(np.int16))
    async with realtime(server) as conn:
        await enable_transcription(conn, format={"type": "audio/pcmu"})
        await conn.send(
            {
                "type": "session.update",
                "session": {"type": "realtime", "audio": {"output": {"format": {"type": "audio/pcmu"}}}},
            }
        )
        await conn.until("session.updated")
        step = 800
        for offset in range(0, len(ulaw) + 9600, step):
            chunk = ulaw[offset : offset + step] or b"\xff" * step  # 0xff is μ-law silence
            await conn.send({"type": "input_audio_buffer.append", "audio": base64.b64encode(chunk).decode()})
        completed = await conn.until("conversation.item.input_audio_transcription.completed")
        assert jiwer.wer(reference, completed["transcript"].lower().strip(" .")) < 0.35, completed[
            "transcript"
        ]
        events = await conn.collect_response()
        reply = audio_bytes(events)
        decoded = g711.ulaw_decode(reply)
        assert len(reply) > 4000 and np.abs(decoded).max() > 1000, "audible μ-law at 8 kHz"


async def test_semantic_vad_and_manual_commit(server: LiveServer) -> None:
    speech, _ = clip(4)
    async with realtime(server) as conn:
        await enable_transcription(conn, turn_detection={"type": "semantic_vad", "eagerness": "high"})
        await conn.append_audio(speech + silence(900))
        await conn.until("input_audio_buffer.speech_stopped")
        assert (await conn.until("response.done"))["response"]["status"] == "completed"

        await conn.send(
            {
                "type": "session.update",
                "session": {"type": "realtime", "audio": {"input": {"turn_detection": None}}},
            }
        )
        await conn.until("session.updated")
        start = len(conn.events)
        await conn.append_audio(speech + silence(900))
        await conn.send({"type": "input_audio_buffer.commit"})
        committed = await conn.until("input_audio_buffer.committed")
        assert "input_audio_buffer.speech_started" not in conn.types(start)
        completed = await conn.until("conversation.item.input_audio_transcription.completed")
        assert completed["item_id"] == committed["item_id"] and "amiable" in completed["transcript"].lower()
        assert "response.created" not in conn.types(start), "manual mode answers only when asked"


async def test_idle_timeout_prompts_the_user(server: LiveServer) -> None:
    async with realtime(server) as conn:
        await conn.update(
            output_modalities=["text"],
            audio={"input": {"turn_detection": {"type": "server_vad", "idle_timeout_ms": 5000}}},
        )
        await conn.ask("hello")
        await conn.until("response.done")
        timeout = await conn.until("input_audio_buffer.timeout_triggered", timeout=15)
        assert timeout["audio_end_ms"] >= timeout["audio_start_ms"]
        assert (await conn.until("response.done"))["response"]["status"] == "completed"


async def test_semantic_vad_ends_a_finished_sentence_before_its_longest_wait(server: LiveServer) -> None:
    speech, _ = clip(3)  # "had he married a more amiable woman ... than he was"
    async with realtime(server) as conn:
        await enable_transcription(conn, turn_detection={"type": "semantic_vad", "eagerness": "auto"})
        # 1.2 s of silence is less than auto's 2 s: only the model and the transcript can end it.
        await conn.append_audio(silence(300) + speech + silence(1200))
        stopped = await conn.until("input_audio_buffer.speech_stopped")
        speech_ms = 300 + len(speech) / 48
        assert speech_ms - 800 < stopped["audio_end_ms"] <= speech_ms
        await conn.until("input_audio_buffer.committed")
        events = await conn.collect_response()
        assert events[-1]["response"]["status"] == "completed"
