"""`SessionRuntime`: the async driver around one `RealtimeSession`.

It carries out the session's effects in order on one worker task (so the wire order is the order
the session decided), runs STT and TTS on the shared `InferenceScheduler` (OCR in a worker thread),
streams the brain into a `ReplyStream`, paces reply audio at real time plus a small lead (so
barge-in cuts audio the client has not yet received, and the session knows what was sent), and
saves items before the client hears of them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..audio.convert import OutputEncoder
from ..brain.base import Brain, BrainError, BrainEvent, BrainRequest, Message, TextDelta, ToolCall
from ..engines.base import (
    FullStopAsked,
    Hypothesis,
    ImageTextReader,
    NBestSpeechToText,
    SpeechToText,
    TextToSpeech,
    Transcription,
    TurnEndModel,
    Utterance,
)
from ..engines.phrase_cache import phrases_of
from ..engines.scheduler import InferenceScheduler, Priority, SchedulerBusy, shared_scheduler
from ..storage.store import ConversationStore
from ..tools.registry import ToolContext, ToolError, ToolRegistry
from .effects import (
    AudioPlan,
    ClearPlayout,
    DeleteItem,
    DropPrefetch,
    Effect,
    Generate,
    PausePlayout,
    PlayAudio,
    PredictTurnEnd,
    Prefetch,
    ReadImage,
    ResumePlayout,
    RunTool,
    SaveItem,
    Send,
    StopGenerating,
    Transcribe,
)
from .hearing import with_known
from .hypotheses import Judge, choose, mood_disputed, put_back
from .reply import ReplyStream, Spoken
from .session import RealtimeSession

log = logging.getLogger(__name__)

SendEvent = Callable[[dict[str, Any]], Awaitable[None]]
Readings = tuple[Transcription, list[str]]
"""What the recogniser heard (its readings) and the names the tools hold, as `_listen` gives them."""

AUDIO_CHUNK_MS = 200
"""Size of one `response.output_audio.delta`. Each delta costs the event loop a WebSocket frame
and its wake-ups: 100 ms deltas cost ~0.09 CPU-s more per 18 s reply than these (bench/live_cpu.py,
one caller), and half the lead still stays queued at the client."""
DEFAULT_LEAD_MS = 400
"""How far reply audio may run ahead of real time. Enough to ride out network jitter; small
enough that a barge-in leaves little already-sent audio for the client to drop."""
MAX_QUEUED_BATCHES = 256
"""Effect batches waiting for the worker before client input is held back (see `room`)."""
TICK_S = 0.1
NBEST = 5
"""Readings asked of the recogniser for the conversation to choose from (`REALTALK_STT_READINGS`;
the extra cost over greedy decoding is measured by `bench/eval_wer.py`)."""
FILLER_AFTER_S = 0.7
"""A server tool slower than this gets a filler line, so the caller doesn't sit in silence."""
FILLER = "One moment, let me check that. "


class AudioPlayer(Protocol):
    """Plays reply audio on the server (a WebRTC track) and reports to the session what it played."""

    def play(self, response_id: str, item_id: str, audio: bytes) -> None:
        """Queue audio (the session's playout format) behind what is already queued."""
        ...

    def clear(self) -> None:
        """Drop everything not yet played (and play on, if paused)."""
        ...

    def pause(self) -> None:
        """Play silence, keeping what is queued."""
        ...

    def resume(self) -> None:
        """Play on from where `pause` stopped."""
        ...


@runtime_checkable
class Understanding(Protocol):
    """A brain that can tell, without acting, how well it understands a request's last message:
    -1 (it could only say it can't help, or ask), 0, or 1 (it would act on it). The built-in brain
    can (`brain/understanding.py`); a language model's reply is too slow to ask for each reading."""

    def understands(self, request: BrainRequest) -> int: ...


def judges_readings(brain: object, stt: object, readings: int) -> bool:
    """Whether a turn's reading is chosen among several by dry runs of `brain`: then each turn's
    transcription needs the request a reply would get (`RealtimeSession(reply_context=True)`)."""
    return readings >= 2 and isinstance(stt, NBestSpeechToText) and isinstance(brain, Understanding)


class StageObserver(Protocol):
    """Hears how long each engine call took (traces, metrics): wall-clock `time.time()` seconds.

    `name` is `stt`, `brain`, `tts` or `tool`; `attributes` say more (the tool's name and outcome,
    the brain's first-token time, whether the work was speculative). STT and TTS times include
    their wait in the inference scheduler's queue.
    """

    def stage(
        self, name: str, started: float, ended: float, attributes: dict[str, str | float | bool]
    ) -> None: ...


class SessionRuntime:
    """Runs a `RealtimeSession` against real engines, a brain, a store and a send function."""

    def __init__(
        self,
        session: RealtimeSession,
        *,
        stt: SpeechToText,
        tts: TextToSpeech,
        brain: Brain,
        store: ConversationStore | None,
        send: SendEvent,
        lead_ms: float = DEFAULT_LEAD_MS,
        tools: ToolRegistry | None = None,
        player: AudioPlayer | None = None,
        images: ImageTextReader | None = None,
        scheduler: InferenceScheduler | None = None,
        turn: TurnEndModel | None = None,
        stages: StageObserver | None = None,
        readings: int = NBEST,
        batch: bool = False,
    ) -> None:
        """`turn`: the turn-end model for `semantic_vad`; without it a pause ends the turn only
        after the eagerness's longest wait. `readings`: how many of the recogniser's best readings
        the conversation chooses from (1: its best alone). `batch`: a plain transcript may share
        one Whisper call with other sessions' turns that ended meanwhile."""
        self.session = session
        self._readings = readings
        self._batch = batch
        self.player = player
        """Set for sessions with server-side playout; may be attached after construction."""
        self._stt = stt
        self._tts = tts
        self._images = images
        self._turn = turn
        self._brain = brain
        self._store = store
        self._send = send
        self._lead_ms = lead_ms
        self._queue: asyncio.Queue[list[Effect]] = asyncio.Queue()
        self._room = asyncio.Event()
        self._room.set()
        self._generations: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._worker: asyncio.Task[None] | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._scheduler = scheduler or shared_scheduler()
        self._prefetched: tuple[BrainRequest, AudioPlan | None, ReplyStream] | None = None
        self._deferred: Transcribe | None = None
        """A speculative transcription refused by a full queue; run if its turn is committed."""
        self._speculating: dict[tuple[type, str], asyncio.Task[None]] = {}
        """Each turn's latest speculative transcription and turn-end verdict, by (effect type,
        item): a newer pause's makes them stale."""
        self._last_committed: str | None = None
        self._tools = tools or ToolRegistry()
        self._tool_tasks: dict[str, set[asyncio.Task[None]]] = {}
        self._stages = stages

    def _stage(self, name: str, started: float, **attributes: str | float | bool) -> None:
        if self._stages is not None:
            self._stages.stage(name, started, time.time(), attributes)

    async def start(self, history: list[dict[str, Any]]) -> None:
        """Begin: persist the conversation record, then send `session.created` (+ history)."""
        if self._store is not None:
            await asyncio.to_thread(self._store.ensure_conversation, self.session.conversation_id)
        self._worker = asyncio.create_task(self._work(), name=f"effects-{self.session.id}")
        self._ticker = asyncio.create_task(self._tick(), name=f"tick-{self.session.id}")
        self.submit(self.session.start(history))

    def submit(self, effects: list[Effect]) -> None:
        """Queue effects for the worker, preserving order across all callers."""
        if effects:
            self._queue.put_nowait(effects)
            if self._queue.qsize() >= MAX_QUEUED_BATCHES:
                self._room.clear()

    async def room(self) -> None:
        """Wait until the worker has room for more client work (transports wait before reading on,
        so a client that sends faster than the session keeps up is slowed by TCP, not queued)."""
        # Yield even when there is room: a client's frames already buffered are read without
        # ever suspending, so a flooding client would otherwise keep every other session waiting.
        await asyncio.sleep(0)
        await self._room.wait()

    async def drain(self) -> None:
        """Wait until every queued effect has been carried out (tests and shutdown)."""
        await self._queue.join()

    async def close(self) -> None:
        """Stop generating, finish saving what was decided, and stop the worker."""
        self._room.set()  # a transport waiting to read on must not wait for a worker that stops
        self._drop_prefetch()
        tool_tasks = [t for tasks in self._tool_tasks.values() for t in tasks]
        for task in [*self._generations.values(), *self._tasks, *tool_tasks]:
            task.cancel()
        if self._ticker is not None:
            self._ticker.cancel()
        await self._flush_saves()
        if self._worker is not None:
            self._worker.cancel()
        await asyncio.gather(*self._tasks, *self._generations.values(), return_exceptions=True)

    # ------------------------------------------------------------------ the effect worker

    async def _work(self) -> None:
        while True:
            effects = await self._queue.get()
            try:
                self._start_reply(effects)
                for effect in effects:
                    await self._carry_out(effect)
                self._run_deferred()
            except Exception:
                log.exception("session %s: effect failed", self.session.id)
                self._drop_prefetch()  # a reply started for what was skipped
            finally:
                self._queue.task_done()
                if self._queue.qsize() <= MAX_QUEUED_BATCHES // 2:
                    self._room.set()

    def _start_reply(self, effects: list[Effect]) -> None:
        """A reply this batch orders behind a save (the turn's items, written before the client
        hears of them: 10-45 ms each on a busy disk) starts now, as a reply prepared in a pause
        does (`Prefetch`): its `Generate`, carried out in order after the saves, takes it up
        (`_reply_for`), so nothing it says is sent before them."""
        saving = False
        for effect in effects:
            if isinstance(effect, SaveItem | DeleteItem):
                saving = self._store is not None
            elif isinstance(effect, Generate):
                prefetched = self._prefetched
                if saving and (prefetched is None or prefetched[:2] != (effect.request, effect.audio)):
                    # Its first piece only until taken up (`ReplyStream`): the rest would take the
                    # CPU from the saves.
                    self._prefetch(effect.request, effect.audio, speculative=False)
                return

    async def _flush_saves(self) -> None:
        # On disconnect the client is gone, but anything it was told about must still be saved.
        while not self._queue.empty():
            for effect in self._queue.get_nowait():
                if isinstance(effect, SaveItem | DeleteItem):
                    await self._carry_out(effect)
            self._queue.task_done()

    async def _carry_out(self, effect: Effect) -> None:
        if isinstance(effect, Send):
            if effect.event["type"] == "input_audio_buffer.committed":
                self._last_committed = effect.event["item_id"]
            try:
                await self._send(effect.event)
            except Exception as exc:  # a closed socket must not stop saves and cancels
                log.debug("session %s: send failed: %s", self.session.id, exc)
        elif isinstance(effect, SaveItem):
            if self._store is not None:
                await asyncio.to_thread(
                    self._store.save_item, self.session.conversation_id, effect.item, effect.previous_item_id
                )
        elif isinstance(effect, DeleteItem):
            if self._store is not None:
                await asyncio.to_thread(self._store.delete_item, self.session.conversation_id, effect.item_id)
        elif isinstance(effect, Transcribe):
            deferred = self._deferred
            if not effect.speculative and deferred is not None and deferred.item_id == effect.item_id:
                self._deferred = None  # the session asked for a fresh transcript instead
            task = self._spawn(self._transcribe(effect))
            if effect.speculative:
                self._supersede(Transcribe, effect.item_id, task)
        elif isinstance(effect, PredictTurnEnd):
            if self._turn is not None:
                self._supersede(PredictTurnEnd, effect.item_id, self._spawn(self._predict_turn_end(effect)))
        elif isinstance(effect, ReadImage):
            self._spawn(self._read_image(effect))
        elif isinstance(effect, Prefetch):
            self._prefetch(effect.request, effect.audio, speculative=True)
        elif isinstance(effect, DropPrefetch):
            self._drop_prefetch()
        elif isinstance(effect, Generate):
            rid = effect.response_id
            generation = asyncio.create_task(self._generate(effect), name=f"generate-{rid}")
            self._generations[rid] = generation
            generation.add_done_callback(lambda _: self._generations.pop(rid, None))
        elif isinstance(effect, RunTool):
            tool_task = asyncio.create_task(self._run_tool(effect), name=f"tool-{effect.call.name}")
            tasks = self._tool_tasks.setdefault(effect.response_id, set())
            tasks.add(tool_task)
            tool_task.add_done_callback(partial(self._tool_done, effect.response_id))
        elif isinstance(effect, PlayAudio):
            if self.player is not None:
                self.player.play(effect.response_id, effect.item_id, effect.audio)
        elif isinstance(effect, ClearPlayout):
            if self.player is not None:
                self.player.clear()
        elif isinstance(effect, PausePlayout):
            if self.player is not None:
                self.player.pause()
        elif isinstance(effect, ResumePlayout):
            if self.player is not None:
                self.player.resume()
        elif isinstance(effect, StopGenerating):
            stopped = self._generations.pop(effect.response_id, None)
            if stopped is not None:
                stopped.cancel()
            # A result that arrives after a barge-in or cancel is never spoken.
            for tool_task in self._tool_tasks.pop(effect.response_id, set()):
                tool_task.cancel()

    def _spawn(self, coro: Awaitable[None]) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _supersede(self, kind: type, item_id: str, task: asyncio.Task[None]) -> None:
        """`task` is about the turn's latest pause: the one about an earlier pause is stale (its
        result would be dropped), and skipped if still queued, so the pause that counts is heard
        sooner."""
        key = (kind, item_id)
        stale = self._speculating.pop(key, None)
        if stale is not None:
            stale.cancel()
        self._speculating[key] = task
        task.add_done_callback(partial(self._speculation_done, key))

    def _speculation_done(self, key: tuple[type, str], task: asyncio.Task[None]) -> None:
        if self._speculating.get(key) is task:
            del self._speculating[key]

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            self.submit(self.session.tick())

    # ------------------------------------------------------------------ engines

    def _run_deferred(self) -> None:
        """A committed turn waits for its speculative transcript: run a deferred one now, urgently."""
        job = self._deferred
        if job is not None and job.item_id == self._last_committed:
            self._deferred = None
            self._spawn(self._transcribe(job, urgent=True))

    def _listen(self, job: Transcribe, ahead: Callable[[Readings], None] | None = None) -> Readings:
        """What the recogniser heard (its best few readings when the conversation chooses), prompted
        also with the names the server's tools hold, and those names (in a worker, in the
        recogniser's turn). With what the conversation expects at hand, `_choose` then puts
        misheard words back to the words it knows and takes the reading it makes most sense of
        (`hypotheses`). `ahead` gets the readings before a full stop the recogniser goes on to read
        (`_hear_ahead`)."""
        prompt, known = job.prompt, []
        if job.expecting is not None and self._tools.vocabulary is not None:
            try:
                known = self._tools.vocabulary()
                prompt = with_known(prompt, known)
            except Exception:  # the names only help: without them the words are still heard
                log.exception("session %s: the tools' vocabulary failed", self.session.id)
        n = self._readings_asked(job)
        if n == 1:
            return self._stt.transcribe(job.audio, language=job.language, prompt=prompt), known
        assert isinstance(self._stt, NBestSpeechToText)
        return self._stt.transcribe_nbest(
            job.audio,
            language=job.language,
            prompt=prompt,
            n=n,
            full_stop=self._full_stop_asked(job, known, ahead),
        ), known

    def _full_stop_asked(
        self, job: Transcribe, known: list[str], ahead: Callable[[Readings], None] | None = None
    ) -> FullStopAsked:
        """Whether the recogniser reads the full stop (`Transcribe.full_stop`): where the pause's
        turn-end verdict is in by the time the beam's readings are, only if the decision may read
        it with the transcript `_choose` will make of one of them (`PauseVerdict.needs_full_stop`).
        Where it does, `ahead` gets the readings first."""
        verdict = job.verdict
        if not job.full_stop or verdict is None:
            return job.full_stop

        def asked(heard: Transcription) -> bool:
            if job.expecting is None:  # `_choose` keeps the best reading as heard
                needed = verdict.needs_full_stop([heard])
            else:
                readings = put_back(_readings(heard), job.expecting, known)
                needed = verdict.needs_full_stop(
                    replace(heard, text=r.text, log_prob=r.log_prob) for r in readings
                )
            if needed and ahead is not None:
                ahead((heard, known))
            return needed

        return asked

    def _chooses(self) -> bool:
        return self._readings >= 2 and isinstance(self._stt, NBestSpeechToText)

    def _readings_asked(self, job: Transcribe) -> int:
        """How many readings `_listen` asks the recogniser for: those the conversation chooses
        from, or those the job asks for (`Transcribe.readings`, held speech); 1, a plain
        transcript, where the recogniser gives only one."""
        if not isinstance(self._stt, NBestSpeechToText):
            return 1
        if job.expecting is not None:
            return self._readings if self._chooses() else 1
        return job.readings

    def _reads_ahead(self, job: Transcribe) -> bool:
        """Whether the recogniser may read the full stop of the job's best reading only after its
        beam, depending on the pause's turn-end verdict (`_hear_ahead`)."""
        return job.full_stop and job.verdict is not None and self._readings_asked(job) > 1

    def _asks_brain(self, job: Transcribe) -> bool:
        """Whether choosing the turn's reading dry-runs the brain (`_judge`): tens of milliseconds,
        run in a worker of its own after Whisper's turn. Otherwise the choice takes well under a
        millisecond and stays in Whisper's call (`_hear`), with no second wait for a worker."""
        return (
            job.expecting is not None
            and job.context is not None
            and judges_readings(self._brain, self._stt, self._readings)
        )

    def _hear(self, job: Transcribe) -> Transcription:
        """`_listen`, then `_choose`, in one worker call."""
        return self._choose(job, *self._listen(job))

    def _choose(self, job: Transcribe, heard: Transcription, known: list[str]) -> Transcription:
        """The reading the conversation makes most sense of, its misheard words put back (in a
        worker; outside the recogniser's turn when the brain is asked, `_asks_brain`: its dry runs
        take tens of milliseconds, while another session's speech may be waiting for Whisper)."""
        if job.expecting is None:
            return heard
        if not self._chooses():
            only = Hypothesis(heard.text, heard.log_prob or 0.0)
            return replace(heard, text=choose((only,), job.expecting, known).text)
        readings = _readings(heard)
        chosen = choose(readings, job.expecting, known, self._judge(job.context, known))
        return replace(
            heard, text=chosen.text, log_prob=chosen.log_prob, disputed=mood_disputed(readings, chosen)
        )

    def _judge(self, context: BrainRequest | None, known: list[str]) -> Judge | None:
        """How well the brain understands a reading as the user's turn, when it can say without
        acting (`Understanding`); a brain that fails to say counts it as unclear."""
        brain = self._brain
        if context is None or not isinstance(brain, Understanding):
            return None
        request = replace(context, known=tuple(known))

        def judge(text: str) -> int:
            try:
                turn = Message("user", text)
                return brain.understands(replace(request, messages=(*request.messages, turn)))
            except Exception:  # the verdict only helps: the readings are still weighed by sound
                log.exception("session %s: the brain's dry run failed", self.session.id)
                return 0

        return judge

    async def _transcribe(self, job: Transcribe, *, urgent: bool = False) -> None:
        speculative = job.speculative and not urgent
        if urgent:  # the turn is committed: no pause is left to judge by Whisper's full stop
            job = replace(job, full_stop=False)
        reading: asyncio.Future[Readings] | None = None
        """The recogniser's call still reading the full stop of `result` (`_hear_ahead`)."""
        try:
            if len(job.audio) == 0:
                result = Transcription(text="", audio_seconds=0.0)
            else:
                started = time.time()
                # A speculative transcript is the turn's own in nearly every turn (the speech end
                # rarely moves after 160 ms of silence): dropping it under load only moved the
                # same work later (bench/load_voice.py), so it runs as urgently as a final one.
                # Whisper serves one call at a time: a worker takes other work meanwhile. A plain
                # transcript goes in one batch with the other sessions' turns that ended meanwhile.
                if job.expecting is None and self._readings_asked(job) == 1 and self._batch:
                    utterance = partial(Utterance, job.audio, job.language, job.prompt)
                    result = await self._scheduler.run_batched(
                        Priority.URGENT, self._stt.transcribe_many, utterance, exclusive=self._stt
                    )
                elif speculative and self._reads_ahead(job):
                    result, reading = await self._hear_ahead(job)
                elif self._asks_brain(job):  # the brain's dry runs: beside Whisper, not in its turn
                    heard, known = await self._scheduler.run(
                        Priority.URGENT, self._listen, job, exclusive=self._stt
                    )
                    result = await self._scheduler.run(Priority.URGENT, self._choose, job, heard, known)
                else:
                    result = await self._scheduler.run(Priority.URGENT, self._hear, job, exclusive=self._stt)
                self._stage("stt", started, audio_s=result.audio_seconds, speculative=speculative)
        except SchedulerBusy:
            if speculative and job.item_id == self._last_committed:
                await self._transcribe(job, urgent=True)
            elif speculative:
                self._deferred = job
            else:
                log.warning("session %s: transcription refused: the machine is overloaded", self.session.id)
                self.submit(self.session.transcription_failed(job.item_id, "Transcription failed: busy"))
            return
        except Exception as exc:
            log.exception("session %s: transcription failed", self.session.id)
            if not speculative or job.item_id == self._last_committed:
                self.submit(self.session.transcription_failed(job.item_id, f"Transcription failed: {exc}"))
            return
        if reading is None:
            self.submit(
                self.session.transcription_completed(
                    job.item_id, result, speculative=job.speculative, epoch=job.epoch
                )
            )
            return
        self.submit(self.session.transcript_ahead(job.item_id, result, epoch=job.epoch))
        try:
            heard, _ = await reading
            scored = replace(result, full_stop_prob=heard.full_stop_prob)
        except Exception:  # the pause is judged on its words, as where the score is not asked
            log.exception("session %s: reading the full stop failed", self.session.id)
            scored = result
        finally:
            reading.cancel()  # a newer pause superseded this one: its score is not wanted
        self.submit(
            self.session.transcription_completed(job.item_id, scored, speculative=True, epoch=job.epoch)
        )

    async def _hear_ahead(self, job: Transcribe) -> tuple[Transcription, asyncio.Future[Readings] | None]:
        """A pause's transcript whose full stop the decision may read: the recogniser reads the
        score after its beam, by a forced decode of the best reading (`WhisperStt._forced_full_stop`,
        50-80 ms), so the readings come out first (`_listen`'s `ahead`) and the reading is chosen,
        and the reply prepared (`RealtimeSession.transcript_ahead`), while it runs. Returns the
        chosen transcript and, where the score is still being read, the call that reads it."""
        loop = asyncio.get_running_loop()
        ahead: asyncio.Future[Readings] = loop.create_future()

        def readings_in(readings: Readings) -> None:  # in the recogniser's worker
            loop.call_soon_threadsafe(_resolve, ahead, readings)

        reading = asyncio.ensure_future(
            self._scheduler.run(Priority.URGENT, self._listen, job, readings_in, exclusive=self._stt)
        )
        try:
            await asyncio.wait((ahead, reading), return_when=asyncio.FIRST_COMPLETED)
            if not ahead.done():  # not read after all (the turn-end verdict came in first): one report
                heard, known = reading.result()
                return await self._scheduler.run(Priority.URGENT, self._choose, job, heard, known), None
            return await self._scheduler.run(Priority.URGENT, self._choose, job, *ahead.result()), reading
        except BaseException:
            reading.cancel()
            raise

    async def _predict_turn_end(self, job: PredictTurnEnd) -> None:
        assert self._turn is not None
        try:
            # The turn's end waits on this verdict: it is never put off as speculative work.
            probability = await self._scheduler.run(Priority.URGENT, self._judge_pause, job)
        except Exception:
            log.exception("session %s: turn-end model failed", self.session.id)
            return  # the pause then ends the turn only at the longest wait
        self.submit(self.session.turn_end_predicted(job.item_id, job.pause_id, probability))

    def _judge_pause(self, job: PredictTurnEnd) -> float:
        """The turn-end model's verdict (in a worker), left at once where the pause's transcript,
        heard on another worker, may read it (`PauseVerdict`)."""
        assert self._turn is not None
        probability = self._turn.completion_probability(job.audio)
        if job.verdict is not None:
            job.verdict.probability = probability
        return probability

    async def _read_image(self, job: ReadImage) -> None:
        if self._images is None:
            self.submit(
                self.session.image_read_failed(
                    job.item_id, job.content_index, "reading images is not available on this server"
                )
            )
            return
        try:
            text = await asyncio.to_thread(self._images.read_text, job.image)
        except Exception as exc:
            log.warning("session %s: reading an image failed: %s", self.session.id, exc)
            self.submit(self.session.image_read_failed(job.item_id, job.content_index, str(exc)))
            return
        self.submit(self.session.image_read(job.item_id, job.content_index, text))

    async def _run_tool(self, job: RunTool) -> None:
        """Run a server tool; say a filler line if it is slow; report the result (or the error)."""
        call = job.call
        context = ToolContext(self.session.id, self.session.conversation_id)
        started = time.time()
        work = asyncio.create_task(self._tools.call(call.name, call.arguments, context))
        filler: asyncio.Task[None] | None = None
        try:
            done, _ = await asyncio.wait({work}, timeout=FILLER_AFTER_S)
            if not done:
                tool = self._tools.tools.get(call.name)
                filler = asyncio.create_task(self._say(job, (tool.filler if tool else None) or FILLER))
            try:
                output = await work
                self._stage("tool", started, tool=call.name, outcome="ok")
            except ToolError as exc:
                log.error("session %s: tool %s failed: %s", self.session.id, call.name, exc)
                self._stage("tool", started, tool=call.name, outcome="error")
                output = json.dumps({"error": str(exc)})
            if filler is not None:
                await filler  # the filler's audio goes out before the answer's
        finally:
            work.cancel()
            if filler is not None:
                filler.cancel()
        self.submit(self.session.tool_result(job.response_id, call.call_id, output))

    async def _say(self, job: RunTool, text: str) -> None:
        if job.audio is None:
            self.submit(self.session.response_text(job.response_id, text))
            return
        reply = self._reply(_said(text), job.audio)
        try:
            await self._speak(job.response_id, job.audio, reply)
        finally:
            reply.close()

    def _reply(
        self, events: AsyncIterator[BrainEvent], plan: AudioPlan | None, *, speculative: bool = False
    ) -> ReplyStream:
        return ReplyStream(
            events,
            plan,
            tts=self._tts,
            scheduler=self._scheduler,
            speculative=speculative,
            on_synthesised=partial(self._stages.stage, "tts") if self._stages is not None else None,
            phrases=phrases_of(self._tts),
        )

    async def _timed_brain(self, request: BrainRequest, *, speculative: bool) -> AsyncIterator[BrainEvent]:
        """The brain's stream, reported as a `brain` stage with its first-token time."""
        started = time.time()
        first_token_s: float | None = None
        if self._tools.vocabulary is not None and request.tools:
            try:  # a database read: off the event loop
                request = replace(request, known=tuple(await asyncio.to_thread(self._tools.vocabulary)))
            except Exception:  # the names only make the brain surer: it answers without them
                log.exception("session %s: the tools' vocabulary failed", self.session.id)
        async for event in self._brain.stream(request):
            if first_token_s is None:
                first_token_s = time.time() - started
            yield event
        self._stage("brain", started, first_token_s=first_token_s or 0.0, speculative=speculative)

    def _prefetch(self, request: BrainRequest, plan: AudioPlan | None, *, speculative: bool) -> None:
        """Start the reply to `request` ahead of its `Generate` (`_reply_for` takes it up), in place
        of any prepared before; `speculative`: for a turn not yet ended (the brain's stage says so)."""
        self._drop_prefetch()
        reply = self._reply(self._timed_brain(request, speculative=speculative), plan, speculative=True)
        self._prefetched = (request, plan, reply)

    def _drop_prefetch(self) -> None:
        if self._prefetched is not None:
            self._prefetched[2].close()
            self._prefetched = None

    def _reply_for(self, job: Generate) -> ReplyStream:
        """The reply to `job`: the prefetched stream when it matches (it goes on live), else a new one."""
        prefetched, self._prefetched = self._prefetched, None
        if prefetched is not None:
            request, plan, reply = prefetched
            if request == job.request and plan == job.audio and not reply.failed_early:
                log.debug("session %s: reply %s from the prefetch", self.session.id, job.response_id)
                reply.adopt()
                return reply
            reply.close()
        log.debug("session %s: reply %s not prefetched", self.session.id, job.response_id)
        return self._reply(self._timed_brain(job.request, speculative=False), job.audio)

    def _tool_done(self, response_id: str, task: asyncio.Task[None]) -> None:
        tasks = self._tool_tasks.get(response_id)
        if tasks is not None:
            tasks.discard(task)
            if not tasks:
                del self._tool_tasks[response_id]

    async def _generate(self, job: Generate) -> None:
        rid = job.response_id
        try:
            if job.audio is None:
                await self._generate_text(job)
            else:
                await self._generate_audio(job)
        except asyncio.CancelledError:
            raise
        except BrainError as exc:
            log.warning("session %s: brain failed: %s", self.session.id, exc)
            self.submit(self.session.response_failed(rid, str(exc)))
        except Exception as exc:
            log.exception("session %s: response %s failed", self.session.id, rid)
            self.submit(self.session.response_failed(rid, f"Internal error: {type(exc).__name__}"))

    async def _generate_text(self, job: Generate) -> None:
        reply = self._reply_for(job)
        calls: list[ToolCall] = []
        try:
            async for item in reply.items():
                if isinstance(item, TextDelta):
                    self.submit(self.session.response_text(job.response_id, item.text))
                elif isinstance(item, ToolCall):
                    calls.append(item)
        finally:
            reply.close()
        self._finish(job.response_id, calls)

    async def _generate_audio(self, job: Generate) -> None:
        assert job.audio is not None
        reply = self._reply_for(job)
        try:
            calls = await self._speak(job.response_id, job.audio, reply)
        finally:
            reply.close()  # a cancelled response stops its synthesis at once
        self._finish(job.response_id, calls)

    def _finish(self, response_id: str, calls: list[ToolCall]) -> None:
        for call in calls:
            self.submit(self.session.response_tool_call(response_id, call))
        self.submit(self.session.response_completed(response_id))

    async def _speak(self, response_id: str, plan: AudioPlan, reply: ReplyStream) -> list[ToolCall]:
        """Send each piece's audio paced at real time + lead, as the reply produces it.

        Returns the reply's tool calls, which the session hears of after the speech.
        """
        encoder = OutputEncoder(self._tts.sample_rate, plan.format)
        bytes_per_ms = plan.format.rate * plan.format.bytes_per_sample / 1000
        chunk = int(AUDIO_CHUNK_MS * bytes_per_ms)
        chunk -= chunk % plan.format.bytes_per_sample
        sent_ms = 0.0
        started: float | None = None
        calls: list[ToolCall] = []
        async for item in reply.items():
            if isinstance(item, ToolCall):
                calls.append(item)
                continue
            if not isinstance(item, Spoken):
                continue
            audio = encoder.feed(np.asarray(await reply.audio(item), dtype=np.int16))
            words: str = item.text
            for offset in range(0, len(audio), chunk):
                piece = audio[offset : offset + chunk]
                if started is None:
                    started = time.monotonic()
                ahead = sent_ms - (time.monotonic() - started) * 1000
                if ahead > self._lead_ms:
                    await asyncio.sleep((ahead - self._lead_ms) / 1000)
                self.submit(self.session.response_audio(response_id, piece, words))
                words = ""
                sent_ms += len(piece) / bytes_per_ms
        tail = encoder.flush()
        if tail:
            self.submit(self.session.response_audio(response_id, tail))
        return calls


def _resolve(future: asyncio.Future[Readings], readings: Readings) -> None:
    if not future.done():
        future.set_result(readings)


async def _said(text: str) -> AsyncIterator[BrainEvent]:
    """A fixed line as a brain stream (a filler while a tool runs)."""
    yield TextDelta(text)


def _readings(heard: Transcription) -> tuple[Hypothesis, ...]:
    """The readings a transcript is chosen among (the one heard where the recogniser gave no others)."""
    return heard.alternatives or (Hypothesis(heard.text, 0.0),)
