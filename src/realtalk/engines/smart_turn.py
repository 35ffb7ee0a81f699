"""Smart Turn v3.2: is the speaker done? A Whisper-encoder classifier over the turn's last 8 s.

The model (BSD-2-Clause, ~8 MB) ships inside the `pipecat-ai` wheel, installed with `--no-deps`
like silero-vad's; only its ONNX file is used, pipecat itself is never imported. Its input is
what Hugging Face's `WhisperFeatureExtractor(chunk_length=8)` makes with `do_normalize=True`: the
last 8 s of 16 kHz audio (zero-padded in front), scaled to zero mean and unit variance, as 80
log-mel bins x 800 frames. faster-whisper's numpy extractor computes the same log-mel.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from faster_whisper.feature_extractor import FeatureExtractor

from realtalk.engines.base import Float32Audio
from realtalk.engines.onnx_session import cpu_session
from realtalk.engines.packaged import package_file

SAMPLE_RATE = 16_000
WINDOW_SECONDS = 8
WINDOW_SAMPLES = WINDOW_SECONDS * SAMPLE_RATE


def bundled_model_path() -> Path:
    """`smart-turn-v3.2-cpu.onnx` in the installed `pipecat-ai` package."""
    return package_file(
        "pipecat", "audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx", distribution="pipecat-ai"
    )


class SmartTurn:
    """The shared Smart Turn model. Stateless per call, so one instance serves every session.

    `completion_probability` takes ~20-40 ms of CPU: call it off the event loop, and only when a
    pause makes the question worth asking.
    """

    sample_rate: int = SAMPLE_RATE
    name: str = "smart-turn-v3.2"

    def __init__(self, model_path: Path | str | None = None, *, threads: int = 1) -> None:
        self.model_path = Path(model_path) if model_path is not None else bundled_model_path()
        self._session = cpu_session(self.model_path, threads=threads)
        self._features = FeatureExtractor(feature_size=80, chunk_length=WINDOW_SECONDS)

    def completion_probability(self, audio: Float32Audio) -> float:
        """Probability in [0, 1] that the turn in `audio` (16 kHz, ending now) is complete."""
        samples = np.asarray(audio, dtype=np.float32).reshape(-1)[-WINDOW_SAMPLES:]
        window = np.zeros(WINDOW_SAMPLES, dtype=np.float32)
        if len(samples):
            window[-len(samples) :] = samples
        # do_normalize: the whole window, padding included, as the training pipeline did it.
        window = (window - window.mean()) / np.sqrt(window.var() + 1e-7)
        features = self._features(window, padding=0)[np.newaxis].astype(np.float32)
        (output,) = self._session.run(None, {"input_features": features})
        return float(np.asarray(output).reshape(-1)[0])
