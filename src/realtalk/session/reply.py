"""`ReplyStream`: one reply in the making, streamed from the brain and synthesised ahead of playback.

The brain's text is cut into pieces worth speaking (`SentenceSplitter`) as it arrives, and a
synthesis loop keeps up to `LOOKAHEAD_S` of audio ready ahead of the piece being played, so a
reply flows without gaps while the brain is still writing. A speculative reply (prepared during
the end-of-turn pause) runs the same stream but synthesises only its first piece, at speculative
priority, until a response `adopt`s it; the response then plays what is ready and follows the
live stream from there. Closing the stream stops the brain and any synthesis not yet started.
A short piece the voice has spoken before ("Sure.") is taken from its `PhraseCache`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..brain.base import BrainEvent, TextDelta, ToolCall
from ..engines.base import Int16Audio, TextToSpeech
from ..engines.phrase_cache import PhraseCache
from ..engines.scheduler import InferenceScheduler, Priority, SchedulerBusy
from .effects import AudioPlan
from .sentences import SentenceSplitter

LOOKAHEAD_S = 4.0
"""Audio kept synthesised ahead of playback: longer than any stall of a busy machine we measured
at the target load (bench/load_voice.py), short enough that a barge-in wastes little work."""


@dataclass
class Spoken:
    """One piece of the reply and (once synthesised) its audio."""

    text: str
    audio: asyncio.Future[Int16Audio]


class ReplyStream:
    """Brain events in, text events or spoken pieces out, in order (see the module docstring)."""

    def __init__(
        self,
        events: AsyncIterator[BrainEvent],
        plan: AudioPlan | None,
        *,
        tts: TextToSpeech,
        scheduler: InferenceScheduler,
        speculative: bool = False,
        on_synthesised: Callable[[float, float, dict[str, str | float | bool]], None] | None = None,
        phrases: PhraseCache | None = None,
    ) -> None:
        """`on_synthesised(started, ended, attributes)` hears each piece's synthesis (wall clock);
        `phrases`: short pieces this voice has spoken before, reused instead of synthesised."""
        self.plan = plan
        self.speculative = speculative
        self._tts = tts
        self._scheduler = scheduler
        self._on_synthesised = on_synthesised
        self._phrases = phrases
        self._items: list[TextDelta | ToolCall | Spoken] = []
        """Text mode: the brain's events; audio mode: spoken pieces and tool calls."""
        self._done = False
        self._error: BaseException | None = None
        self._changed = asyncio.Event()
        """Set (and replaced) whenever the items, the look-ahead or `speculative` change."""
        self._synthesised = 0
        self._untaken_s = 0.0
        """Synthesised audio the player has not taken yet (the look-ahead)."""
        self._producer = asyncio.create_task(self._produce(events))
        self._synthesiser = asyncio.create_task(self._synthesise()) if plan is not None else None

    @property
    def failed_early(self) -> bool:
        """The brain failed before producing anything (a fresh attempt loses nothing)."""
        return self._done and self._error is not None and not self._items

    def adopt(self) -> None:
        """A response takes this stream: synthesise ahead of playback at full priority from now on."""
        self.speculative = False
        self._scheduler.promote(self)  # a first piece still queued at speculative priority
        self._notify()

    def close(self) -> None:
        """Stop the brain and every synthesis that has not started."""
        self._producer.cancel()
        if self._synthesiser is not None:
            self._synthesiser.cancel()
        for item in self._items:
            if isinstance(item, Spoken):
                item.audio.cancel()

    async def items(self) -> AsyncIterator[TextDelta | ToolCall | Spoken]:
        """Everything the reply holds, from the start, as it arrives. Raises the brain's error."""
        index = 0
        while True:
            await self._until(partial(self._reached, index))
            if index >= len(self._items):
                if self._error is not None:
                    raise self._error
                return
            index += 1
            yield self._items[index - 1]

    async def audio(self, piece: Spoken) -> Int16Audio:
        """The piece's audio, once synthesised; frees look-ahead for the pieces after it."""
        assert self._synthesiser is not None
        either: set[asyncio.Future[Any]] = {piece.audio, self._synthesiser}
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        if not piece.audio.done():  # synthesis stopped before this piece: its error is the reason
            raise self._synthesiser.exception() or RuntimeError("speech synthesis stopped")
        pcm = piece.audio.result()
        self._untaken_s -= self._seconds(pcm)
        self._notify()
        return pcm

    # ------------------------------------------------------------------ producing

    async def _produce(self, events: AsyncIterator[BrainEvent]) -> None:
        splitter = SentenceSplitter()
        try:
            async for event in events:
                if isinstance(event, ToolCall) or self.plan is None:
                    self._items.append(event)
                else:
                    self._items.extend(self._spoken(piece) for piece in splitter.push(event.text))
                self._notify()
            rest = splitter.flush()
            if rest and self.plan is not None:
                self._items.append(self._spoken(rest))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # handed to whoever reads the stream
            self._error = exc
        finally:
            self._done = True
            self._notify()

    async def _synthesise(self) -> None:
        assert self.plan is not None
        plan = self.plan
        index = 0
        while True:
            await self._until(partial(self._may_synthesise, index))
            if index >= len(self._items):
                return
            item = self._items[index]
            index += 1
            if not isinstance(item, Spoken):
                continue
            text = item.text.strip()
            cached = self._phrases.get(text, plan.voice, plan.speed) if self._phrases is not None else None
            pcm = cached if cached is not None else await self._synthesise_piece(text)
            if cached is None and self._phrases is not None:
                self._phrases.put(text, plan.voice, plan.speed, pcm)
            self._synthesised += 1
            self._untaken_s += self._seconds(pcm)
            if not item.audio.done():
                item.audio.set_result(pcm)
            self._notify()

    async def _synthesise_piece(self, text: str) -> Int16Audio:
        assert self.plan is not None
        while True:
            if self.speculative:
                priority = Priority.SPECULATIVE
            else:
                priority = Priority.PLAYBACK if self._synthesised else Priority.URGENT
            started = time.time()
            try:
                pcm = await self._scheduler.run(
                    priority,
                    self._tts.synthesize,
                    text,
                    voice=self.plan.voice,
                    speed=self.plan.speed,
                    deadline=None if self.speculative else time.monotonic() + self._untaken_s,
                    key=self,
                )
            except SchedulerBusy:
                if priority is not Priority.SPECULATIVE:
                    raise
                # Speculation waits for its turn to be confirmed rather than load a busy machine.
                await self._until(lambda: not self.speculative)
                continue
            if self._on_synthesised is not None:
                attributes: dict[str, str | float | bool] = {
                    "chars": len(text),
                    "speculative": priority is Priority.SPECULATIVE,
                }
                self._on_synthesised(started, time.time(), attributes)
            return pcm

    def _reached(self, index: int) -> bool:
        return index < len(self._items) or self._done

    def _may_synthesise(self, index: int) -> bool:
        if not self._reached(index):
            return False
        if self.speculative:
            return self._synthesised == 0  # the first piece only, until the turn is confirmed
        return self._synthesised == 0 or self._untaken_s < LOOKAHEAD_S

    @staticmethod
    def _spoken(text: str) -> Spoken:
        return Spoken(text, asyncio.get_running_loop().create_future())

    def _seconds(self, pcm: Int16Audio) -> float:
        return len(pcm) / self._tts.sample_rate

    async def _until(self, condition: Callable[[], bool]) -> None:
        while not condition():
            await self._changed.wait()

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()
