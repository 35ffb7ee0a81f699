"""The interfaces every speech engine implements.

Engines are plain, blocking, CPU-bound objects. They are loaded once per process and shared by
all sessions; the async runtime calls the slow ones (STT, TTS) in a worker thread. Per-session
state (the VAD's recurrent state) lives in a separate stream object so the model itself is shared.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

Float32Audio = NDArray[np.float32]
"""Mono samples in [-1, 1]."""

Int16Audio = NDArray[np.int16]
"""Mono 16-bit PCM samples."""


class VadStream(Protocol):
    """One session's view of a voice activity detector (holds the recurrent state)."""

    def speech_probability(self, frame: Float32Audio) -> float:
        """Probability in [0, 1] that `frame` (exactly `frame_samples` long) contains speech."""
        ...

    def reset(self) -> None:
        """Forget everything heard so far."""
        ...


class VoiceActivityDetector(Protocol):
    """A shared VAD model; `stream()` makes per-session state."""

    sample_rate: int
    """Rate the frames must be at, in Hz."""
    frame_samples: int
    """Samples per frame given to `VadStream.speech_probability`."""

    def stream(self) -> VadStream: ...


@dataclass(frozen=True)
class Hypothesis:
    """One reading of an utterance among several (`NBestSpeechToText`)."""

    text: str
    log_prob: float
    """The recogniser's average log-probability per token: higher is surer."""
    votes: int = 1
    """How many recognisers gave this reading (word for word) when several are pooled (`PooledStt`)."""


@dataclass(frozen=True)
class Transcription:
    """What a speech-to-text engine heard."""

    text: str
    language: str = "en"
    audio_seconds: float = 0.0
    alternatives: tuple[Hypothesis, ...] = ()
    """Its best readings, best first by its own score, when asked for several (`text` is the first)."""
    log_prob: float | None = None
    """The recogniser's average log-probability per token of `text`, when it says."""
    no_speech_prob: float | None = None
    """The recogniser's probability that the audio holds no speech at all, when it says."""
    full_stop_prob: float | None = None
    """The recogniser's probability that a sentence ends right after the last word (a full stop,
    question or exclamation mark next), whether or not it wrote one, when it says."""
    disputed: bool = False
    """A reading nearly as likely as `text` asks where `text` tells (`session.hypotheses`)."""


@dataclass(frozen=True)
class Utterance:
    """One finished utterance to transcribe, with what biases its transcription."""

    audio: Float32Audio
    language: str | None = None
    """ISO 639-1 code; None: detect (English-only models ignore it)."""
    prompt: str | None = None
    """Prior text that biases spelling and style, as in OpenAI's API."""


class SpeechToText(Protocol):
    """Turns finished utterances into text. Blocking; called off the event loop."""

    sample_rate: int
    """Rate the audio must be at, in Hz."""
    name: str

    def transcribe(
        self, audio: Float32Audio, *, language: str | None = None, prompt: str | None = None
    ) -> Transcription: ...

    def transcribe_many(self, utterances: Sequence[Utterance]) -> list[Transcription]:
        """Several utterances (of different sessions) at once, one result each, in order."""
        ...


FullStopAsked = bool | Callable[[Transcription], bool]
"""Whether `transcribe_nbest` reads the best reading's `full_stop_prob`: always, never, or where
this function of the readings (in `alternatives`, before the score is read) says so."""


@runtime_checkable
class NBestSpeechToText(SpeechToText, Protocol):
    """A recogniser that can also give its best few readings, for the conversation to choose from."""

    def transcribe_nbest(
        self,
        audio: Float32Audio,
        *,
        language: str | None = None,
        prompt: str | None = None,
        n: int = 4,
        full_stop: FullStopAsked = False,
    ) -> Transcription:
        """`transcribe`, with up to `n` readings in `alternatives` (at least the one of `text`);
        with `full_stop`, the best reading's `full_stop_prob` (else it may be None)."""
        ...


class TextToSpeech(Protocol):
    """Speaks one sentence at a time. Blocking; called off the event loop."""

    sample_rate: int
    """Rate of the audio `synthesize` returns, in Hz."""
    name: str

    def synthesize(self, text: str, *, voice: str | None = None, speed: float = 1.0) -> Int16Audio: ...


class TurnEndModel(Protocol):
    """Judges whether a speaker has finished their turn. Blocking; called off the event loop."""

    sample_rate: int
    """Rate the audio must be at, in Hz."""
    name: str

    def completion_probability(self, audio: Float32Audio) -> float:
        """Probability in [0, 1] that the turn in `audio` (ending now, pause included) is finished."""
        ...


class ImageTextReader(Protocol):
    """Reads the text in an image (OCR). Blocking; called off the event loop."""

    name: str

    def read_text(self, image: bytes) -> str:
        """The text in a PNG or JPEG image, one line per line of text; "" when there is none.

        Raises `ValueError` when the bytes cannot be decoded as an image.
        """
        ...
