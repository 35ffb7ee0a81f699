"""Loads the engines once per process; every session shares them."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from realtalk.config import Settings
from realtalk.engines.base import (
    ImageTextReader,
    SpeechToText,
    TextToSpeech,
    TurnEndModel,
    VoiceActivityDetector,
)
from realtalk.engines.piper_tts import PiperTts
from realtalk.engines.pooled_stt import PooledStt
from realtalk.engines.rapid_ocr import RapidOcr
from realtalk.engines.silero_vad import SileroVad
from realtalk.engines.smart_turn import SmartTurn
from realtalk.engines.whisper_stt import WhisperStt, packaged_model_dir


@dataclass(frozen=True)
class SpeechEngines:
    """The shared VAD, STT, TTS and turn-end models."""

    vad: VoiceActivityDetector
    stt: SpeechToText
    tts: TextToSpeech
    turn: TurnEndModel


_SttKey = tuple[Path | None, str, int, bool]

_lock = threading.Lock()
_vad: SileroVad | None = None
_turn: SmartTurn | None = None
_stt: dict[_SttKey, WhisperStt] = {}
_pooled: dict[tuple[WhisperStt, WhisperStt], PooledStt] = {}
_tts: dict[Path | None, PiperTts] = {}  # by voice
_ocr: dict[int, RapidOcr] = {}


def load_speech_engines(settings: Settings) -> SpeechEngines:
    """The engines for `settings`, loaded on first use and cached by the settings they depend on.

    Blocking (seconds on first call); thread-safe. Later calls with equivalent settings return the
    very same objects.
    """
    global _vad, _turn
    threads = max(1, settings.engine_threads)
    # The scheduler (engines/scheduler.py) runs one job per core; Piper gains little from a second
    # thread (measured: 0.23 s for a long sentence with 1 or 2, and 25-35 % more CPU), so two
    # syntheses share the cores better than one with both. Whisper's calls are serialised (batched
    # across sessions with `stt_batch`), so STT keeps `engine_threads`.
    with _lock:
        if _vad is None:
            _vad = SileroVad()  # One thread whatever the setting: a frame is ~0.1 ms of work.
        if _turn is None:
            _turn = SmartTurn()  # One thread: it runs beside the speculative transcription.
        first = _whisper(settings, settings.stt_model_dir, settings.stt_model, threads)
        stt: SpeechToText = first
        if settings.stt_second_model is not None:
            pair = (first, _whisper(settings, None, settings.stt_second_model, threads))
            if pair not in _pooled:
                _pooled[pair] = PooledStt(*pair)
            stt = _pooled[pair]
        voice = settings.tts_voice_path
        if voice not in _tts:
            _tts[voice] = PiperTts(voice, threads=1)
        return SpeechEngines(vad=_vad, stt=stt, tts=_tts[voice], turn=_turn)


def _whisper(settings: Settings, model_dir: Path | None, model: str, threads: int) -> WhisperStt:
    """The shared Whisper of a model directory, else of a packaged model (call with `_lock` held)."""
    model_dir = model_dir or (
        None if model == "tiny.en" else packaged_model_dir(model, settings.data_dir / "models")
    )
    key: _SttKey = (model_dir, settings.stt_compute_type, threads, settings.stt_trim)
    if key not in _stt:
        _stt[key] = WhisperStt(
            model_dir, compute_type=settings.stt_compute_type, threads=threads, trim=settings.stt_trim
        )
    return _stt[key]


def load_image_reader(settings: Settings) -> ImageTextReader:
    """The shared OCR engine. Cheap: its model loads on the first image, in the reading thread."""
    threads = max(1, settings.engine_threads)
    with _lock:
        if threads not in _ocr:
            _ocr[threads] = RapidOcr(threads=threads)
        return _ocr[threads]


def warm_up(engines: SpeechEngines) -> None:
    """Run each engine once on a short input so the first user does not pay first-call costs."""
    stream = engines.vad.stream()
    stream.speech_probability(np.zeros(engines.vad.frame_samples, dtype=np.float32))
    stream.reset()
    engines.turn.completion_probability(np.zeros(engines.turn.sample_rate // 2, dtype=np.float32))
    # Quiet noise rather than digital silence, so STT's trimmed path runs (and falls back).
    noise = np.random.default_rng(0).standard_normal(engines.stt.sample_rate // 2) * 1e-3
    stt = engines.stt
    for model in (stt.first, stt.second) if isinstance(stt, PooledStt) else (stt,):
        model.transcribe(noise.astype(np.float32))
    engines.tts.synthesize("Hello.")
