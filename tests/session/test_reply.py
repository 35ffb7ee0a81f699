"""`ReplyStream` with the real Piper voice: streaming, speculation, look-ahead and cancellation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from realtalk.audio.formats import AudioFormat
from realtalk.brain.base import BrainEvent, TextDelta, ToolCall
from realtalk.config import Settings
from realtalk.engines.base import Int16Audio, TextToSpeech
from realtalk.engines.loader import load_speech_engines
from realtalk.engines.phrase_cache import PhraseCache
from realtalk.engines.scheduler import InferenceScheduler
from realtalk.session.effects import AudioPlan
from realtalk.session.reply import LOOKAHEAD_S, ReplyStream, Spoken

pytestmark = pytest.mark.slow
PLAN = AudioPlan(voice="alloy", speed=1.0, format=AudioFormat.parse({"type": "audio/pcm", "rate": 24000}))
SENTENCE = "This sentence is long enough to take about two seconds to say aloud. "


@pytest.fixture(scope="module")
def tts() -> TextToSpeech:
    return load_speech_engines(Settings()).tts


async def _brain(parts: list[str], gate: asyncio.Event | None = None, closed: list[bool] | None = None
                 ) -> AsyncIterator[BrainEvent]:  # fmt: skip
    try:
        yield TextDelta(parts[0])
        if gate is not None:
            await gate.wait()
        for part in parts[1:]:
            yield TextDelta(part)
        yield ToolCall("call_1", "lookup", "{}")
    finally:
        if closed is not None:
            closed.append(True)


async def test_a_speculative_reply_streams_its_first_piece_before_the_brain_ends(tts: TextToSpeech) -> None:
    scheduler = InferenceScheduler(1)
    gate = asyncio.Event()
    reply = ReplyStream(_brain([SENTENCE, SENTENCE, SENTENCE], gate), PLAN, tts=tts, scheduler=scheduler,
                        speculative=True)  # fmt: skip
    items = reply.items()
    first = await asyncio.wait_for(anext(items), 10)
    assert isinstance(first, Spoken) and first.text == SENTENCE
    assert len(await asyncio.wait_for(reply.audio(first), 10)) > tts.sample_rate  # over a second of speech
    gate.set()
    await asyncio.sleep(0.5)
    assert scheduler.stats.ran == 1  # speculation synthesises the first piece only
    reply.adopt()
    rest = [item async for item in items]
    assert [type(item) for item in rest] == [Spoken, Spoken, ToolCall]
    for item in rest[:2]:
        assert isinstance(item, Spoken)
        assert len(await asyncio.wait_for(reply.audio(item), 10)) > tts.sample_rate
    assert scheduler.stats.ran == 3
    reply.close()


async def test_synthesis_runs_a_bounded_look_ahead_of_playback(tts: TextToSpeech) -> None:
    scheduler = InferenceScheduler(1)
    reply = ReplyStream(_brain([SENTENCE] * 12), PLAN, tts=tts, scheduler=scheduler)
    await asyncio.sleep(3)  # nobody plays: synthesis must stop a few seconds ahead
    ahead = scheduler.stats.ran
    assert 1 <= ahead <= 1 + LOOKAHEAD_S // 2  # pieces of 2-4 s: the first, then LOOKAHEAD_S more
    pieces = [item async for item in reply.items() if isinstance(item, Spoken)]
    for piece in pieces:
        await asyncio.wait_for(reply.audio(piece), 10)
    assert scheduler.stats.ran == 12
    reply.close()


async def test_closing_a_reply_stops_the_brain_and_its_synthesis(tts: TextToSpeech) -> None:
    scheduler = InferenceScheduler(1)
    gate = asyncio.Event()
    closed: list[bool] = []
    reply = ReplyStream(_brain([SENTENCE * 3, SENTENCE], gate, closed), PLAN, tts=tts, scheduler=scheduler)
    first = await asyncio.wait_for(anext(reply.items()), 10)
    assert isinstance(first, Spoken)
    reply.close()
    await asyncio.sleep(0.3)
    assert closed == [True]
    assert scheduler.stats.ran <= 1
    with pytest.raises(asyncio.CancelledError):
        await first.audio


async def test_a_short_opening_spoken_before_is_not_synthesised_again(tts: TextToSpeech) -> None:
    scheduler = InferenceScheduler(1)
    phrases = PhraseCache()
    pieces: list[Int16Audio] = []
    for _ in range(2):
        reply = ReplyStream(_brain(["Sure. ", SENTENCE]), PLAN, tts=tts, scheduler=scheduler, phrases=phrases,
                            speculative=True)  # fmt: skip
        first = await asyncio.wait_for(anext(reply.items()), 10)
        assert isinstance(first, Spoken) and first.text.strip() == "Sure."
        pieces.append(await asyncio.wait_for(reply.audio(first), 10))
        reply.close()
    await asyncio.sleep(0.2)
    assert scheduler.stats.ran == 1, "the second opening came from the cache (a speculation speaks one piece)"
    assert pieces[1] is pieces[0]
    assert phrases.get(SENTENCE.strip(), PLAN.voice, PLAN.speed) is None, "long pieces are not kept"
