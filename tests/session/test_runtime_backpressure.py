"""The runtime's effect queue is bounded by backpressure: client input waits while the worker is behind."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from realtalk.brain.builtin import BuiltinBrain
from realtalk.engines.base import FullStopAsked, Transcription, Utterance
from realtalk.engines.scheduler import InferenceScheduler, Priority
from realtalk.session.backchannel import HELD_READINGS
from realtalk.session.effects import Effect, PredictTurnEnd, Send, Transcribe
from realtalk.session.runtime import MAX_QUEUED_BATCHES, SessionRuntime
from realtalk.session.session import RealtimeSession
from realtalk.session.turn_detection import SEMANTIC_TIMING, PauseVerdict
from tests.session.test_session_core import QuietVad


async def test_input_waits_while_the_worker_is_behind() -> None:
    unblocked = asyncio.Event()
    sent: list[dict[str, Any]] = []

    async def slow_send(event: dict[str, Any]) -> None:
        await unblocked.wait()  # a client connection that is not taking anything
        sent.append(event)

    session = RealtimeSession(model="realtalk", vad=QuietVad())
    runtime = SessionRuntime(session, stt=None, tts=None, brain=BuiltinBrain(), store=None, send=slow_send)  # type: ignore[arg-type]
    await runtime.start([])
    await asyncio.wait_for(runtime.room(), 1)
    for index in range(MAX_QUEUED_BATCHES + 10):
        runtime.submit([Send({"type": "test", "n": index})])
    waiting = asyncio.create_task(runtime.room())
    await asyncio.sleep(0.1)
    assert not waiting.done(), "a long queue holds client input back"
    unblocked.set()
    await asyncio.wait_for(waiting, 5)
    await runtime.drain()
    assert [e["n"] for e in sent if e["type"] == "test"] == list(range(MAX_QUEUED_BATCHES + 10))
    await runtime.close()


class _CountingStt:
    """Speech to text that hears everything as "hello" and remembers each call."""

    sample_rate = 16_000

    def __init__(self) -> None:
        self.heard: list[int] = []
        self.batches: list[int] = []

    def transcribe(
        self, audio: Any, *, language: str | None = None, prompt: str | None = None
    ) -> Transcription:
        self.heard.append(len(audio))
        return Transcription("hello", audio_seconds=len(audio) / 16_000)

    def transcribe_many(self, utterances: Sequence[Utterance]) -> list[Transcription]:
        self.batches.append(len(utterances))
        return [self.transcribe(u.audio) for u in utterances]


async def test_a_newer_pause_skips_the_stale_speculative_transcript_still_queued() -> None:
    scheduler = InferenceScheduler(workers=1)
    stt = _CountingStt()
    runtime = await _started_runtime(scheduler, stt=stt)
    async with _worker_held(scheduler):
        runtime.submit([Transcribe("item_1", np.zeros(1600, np.float32), speculative=True, epoch=1)])
        runtime.submit([Transcribe("item_1", np.zeros(3200, np.float32), speculative=True, epoch=2)])
        await runtime.drain()
        await asyncio.sleep(0.05)
    await _until(lambda: bool(stt.heard))
    await asyncio.sleep(0.1)
    assert stt.heard == [3200], "only the latest pause is transcribed"
    await runtime.close()


class _NBestStt(_CountingStt):
    """Also gives several readings (one finished sentence), and remembers whether each call read
    the full stop (where asked with a function of the readings, what it said). With `scored`, a
    full stop asked for is read only once that is set, as a forced decode takes its time after
    the beam; with `fails` too, that decode then fails."""

    name = "nbest"

    def __init__(self, scored: threading.Event | None = None, *, fails: bool = False) -> None:
        super().__init__()
        self.full_stops: list[bool] = []
        self.scored = scored
        self.fails = fails

    def transcribe_nbest(
        self,
        audio: Any,
        *,
        language: str | None = None,
        prompt: str | None = None,
        n: int = 4,
        full_stop: FullStopAsked = False,
    ) -> Transcription:
        self.heard.append(len(audio))
        heard = Transcription("Book a table for two.", no_speech_prob=0.05)
        self.full_stops.append(full_stop if isinstance(full_stop, bool) else full_stop(heard))
        if self.full_stops[-1] and self.scored is not None:
            assert self.scored.wait(5)
            if self.fails:
                raise RuntimeError("the forced decode failed")
            return replace(heard, full_stop_prob=0.95)
        return heard


async def test_a_committed_turns_transcript_run_late_is_not_asked_for_the_full_stop() -> None:
    """A speculative transcript put off while the machine was busy runs urgently once its turn is
    committed: no pause is left to judge, so the recogniser skips the forced full-stop decode."""
    stt = _NBestStt()
    runtime = await _started_runtime(InferenceScheduler(workers=1), stt=stt)
    job = Transcribe(
        "item_1", np.zeros(1600, np.float32), readings=HELD_READINGS, speculative=True, full_stop=True
    )
    await runtime._transcribe(job)
    await runtime._transcribe(job, urgent=True)
    assert stt.full_stops == [True, False], "asked while the pause is judged, not once committed"
    await runtime.close()


class _CountingTurnModel:
    """A turn-end model that remembers how much audio each verdict was asked about."""

    sample_rate = 16_000
    name = "counting"

    def __init__(self, probability: float = 0.5) -> None:
        self.heard: list[int] = []
        self.probability = probability

    def completion_probability(self, audio: Any) -> float:
        self.heard.append(len(audio))
        return self.probability


@pytest.mark.parametrize(("probability", "read"), [(0.95, False), (0.7, True)])
async def test_a_pauses_turn_end_verdict_in_first_spares_the_full_stop_it_will_not_read(
    probability: float, read: bool
) -> None:
    """The session asks the turn-end model first (`_speculate`): the runtime leaves its verdict in
    the pause's `PauseVerdict`, so the recogniser, on the worker next, reads the full stop only
    where the decision will (Smart Turn sure of a finished sentence: it will not)."""
    scheduler = InferenceScheduler(workers=1)
    stt, model = _NBestStt(), _CountingTurnModel(probability)
    runtime = await _started_runtime(scheduler, stt=stt, turn=model)
    verdict = PauseVerdict(SEMANTIC_TIMING["auto"])
    audio = np.zeros(1600, np.float32)
    job = Transcribe(
        "item_1", audio, readings=HELD_READINGS, speculative=True, full_stop=True, verdict=verdict
    )
    async with _worker_held(scheduler):
        runtime.submit([PredictTurnEnd("item_1", audio, 100.0, verdict), job])
        await runtime.drain()
        await _until(lambda: scheduler.pending == 2)
    await _until(lambda: bool(stt.full_stops))
    assert model.heard == [1600] and verdict.probability == probability
    assert stt.full_stops == [read]
    await runtime.close()


class _Reports(RealtimeSession):
    """A session that only notes the transcripts reported to it: ahead of their full stop or not."""

    def __init__(self) -> None:
        super().__init__(model="realtalk", vad=QuietVad())
        self.reports: list[tuple[str, float | None]] = []

    def transcript_ahead(self, item_id: str, result: Transcription, *, epoch: int) -> list[Effect]:
        self.reports.append(("ahead", result.full_stop_prob))
        return []

    def transcription_completed(
        self, item_id: str, result: Transcription, *, speculative: bool = False, epoch: int = 0
    ) -> list[Effect]:
        self.reports.append(("completed", result.full_stop_prob))
        return []


@pytest.mark.parametrize(("probability", "fails", "reports"), [
    (None, False, [("ahead", None), ("completed", 0.95)]),  # the verdict not in: the score may decide
    (0.95, False, [("completed", None)]),  # Smart Turn sure: the decision will not read the score
    (None, True, [("ahead", None), ("completed", None)]),  # the score failed: judged on the words
])  # fmt: skip
async def test_a_pauses_words_are_reported_while_its_full_stop_is_read(
    probability: float | None, fails: bool, reports: list[tuple[str, float | None]]
) -> None:
    """The forced decode that reads the full stop runs after the beam (50-80 ms): the words go to
    the session first, so the reading is chosen and the reply prepared meanwhile, and the score
    follows with the transcript whole, which the pause is judged on (without the score where
    reading it failed, as where it is not asked)."""
    scored = threading.Event()
    stt, session = _NBestStt(scored, fails=fails), _Reports()
    runtime = SessionRuntime(
        session,
        stt=stt,
        tts=None,  # type: ignore[arg-type]
        brain=BuiltinBrain(),
        store=None,
        send=_ignore,
        scheduler=InferenceScheduler(workers=2),
    )
    await runtime.start([])
    verdict = PauseVerdict(SEMANTIC_TIMING["auto"], probability)
    runtime.submit(
        [
            Transcribe(
                "item_1",
                np.zeros(1600, np.float32),
                readings=HELD_READINGS,
                speculative=True,
                epoch=1,
                full_stop=True,
                verdict=verdict,
            )
        ]
    )
    await _until(lambda: bool(session.reports))
    assert session.reports == reports[:1], "the words before the score"
    scored.set()
    await _until(lambda: len(session.reports) == len(reports))
    await asyncio.sleep(0.05)
    assert session.reports == reports
    await runtime.close()


async def test_a_newer_pause_skips_the_stale_turn_end_verdict_still_queued() -> None:
    scheduler = InferenceScheduler(workers=1)
    model = _CountingTurnModel()
    runtime = await _started_runtime(scheduler, turn=model)
    async with _worker_held(scheduler):
        runtime.submit([PredictTurnEnd("item_1", np.zeros(1600, np.float32), 100.0)])
        runtime.submit([PredictTurnEnd("item_1", np.zeros(3200, np.float32), 300.0)])
        runtime.submit([PredictTurnEnd("item_2", np.zeros(800, np.float32), 50.0)])
        await runtime.drain()
        await asyncio.sleep(0.05)
    await _until(lambda: len(model.heard) >= 2)
    await asyncio.sleep(0.1)
    assert sorted(model.heard) == [800, 3200], "only each turn's latest pause is judged"
    await runtime.close()


@pytest.mark.parametrize("batch", [True, False])
@pytest.mark.parametrize("readings", [1, HELD_READINGS])
async def test_turns_that_end_together_share_one_whisper_call_unless_batching_is_off(
    batch: bool, readings: int
) -> None:
    """Speech held over a reply asks for a few readings (`Transcribe.readings`): from a recogniser
    that gives one, it is a plain transcript like any other, batched as well."""
    scheduler = InferenceScheduler(workers=1)
    stt = _CountingStt()
    runtimes = [await _started_runtime(scheduler, stt=stt, batch=batch) for _ in range(3)]
    async with _worker_held(scheduler):
        for runtime in runtimes:
            runtime.submit([Transcribe("item_1", np.zeros(1600, np.float32), readings=readings)])
            await runtime.drain()
        await _until(lambda: scheduler.pending == len(runtimes))
    await _until(lambda: len(stt.heard) == len(runtimes))
    assert len(stt.heard) == len(runtimes)
    assert stt.batches == ([3] if batch else []), "one call for all three, or one plain call each"
    for runtime in runtimes:
        await runtime.close()


async def _started_runtime(
    scheduler: InferenceScheduler, *, stt: Any = None, turn: Any = None, batch: bool = False
) -> SessionRuntime:
    """A started runtime for a quiet session on `scheduler`, with only the engines given."""
    runtime = SessionRuntime(
        RealtimeSession(model="realtalk", vad=QuietVad()),
        stt=stt,
        tts=None,
        brain=BuiltinBrain(),
        store=None,
        send=_ignore,
        scheduler=scheduler,
        turn=turn,
        batch=batch,
    )
    await runtime.start([])
    return runtime


async def _ignore(_: dict[str, Any]) -> None:
    return None


@contextlib.asynccontextmanager
async def _worker_held(scheduler: InferenceScheduler) -> AsyncIterator[None]:
    """Keep the scheduler's only worker busy inside the block, so what is submitted there queues up."""
    busy, release = threading.Event(), threading.Event()
    blocker = asyncio.create_task(scheduler.run(Priority.URGENT, lambda: (busy.set(), release.wait(5))))
    await asyncio.to_thread(busy.wait, 5)
    try:
        yield
    finally:
        release.set()
        await blocker


async def _until(condition: Callable[[], bool]) -> None:
    """Wait up to two seconds for a condition the worker thread makes true."""
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0.02)
