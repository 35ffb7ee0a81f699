"""Silero VAD (v5+) run directly on ONNX Runtime.

The model ships inside the `silero-vad` pip package, but importing that package pulls in torch,
so the `.onnx` file is located with `importlib.util.find_spec`, which does not import it. Of the
package's exports we run the 16 kHz "sequence" one: the same network and the same probabilities
as the stock `silero_vad.onnx` (tests/engines/test_silero_vad.py), without its graph's branch on
the sample rate: 58 instead of 77 us per frame back to back (in the live server, where a frame
every 32 ms finds the weights out of cache, the gain was within bench/live_cpu.py's noise).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from realtalk.engines.base import Float32Audio
from realtalk.engines.onnx_session import cpu_session
from realtalk.engines.packaged import package_file

SAMPLE_RATE = 16_000
FRAME_SAMPLES = 512
# v5+ models expect each 512-sample frame prefixed by the last 64 samples of the previous one.
CONTEXT_SAMPLES = 64
_STATE_SHAPE = (1, 1, 128)
"""Each of the LSTM's two states (h and c)."""


def bundled_model_path() -> Path:
    """Path of `silero_vad/data/silero_vad_16k_sequence.onnx` in the installed `silero-vad` package."""
    return package_file("silero_vad", "data/silero_vad_16k_sequence.onnx", distribution="silero-vad")


class SileroVad:
    """The shared Silero VAD model (16 kHz, 512-sample frames); `stream()` makes per-session state.

    The ONNX Runtime session is safe to call from several threads at once; each `SileroVadStream`
    holds its own recurrent state and must be used by one thread at a time.
    """

    sample_rate: int = SAMPLE_RATE
    frame_samples: int = FRAME_SAMPLES
    name: str = "silero-vad"

    def __init__(self, model_path: Path | str | None = None, *, threads: int = 1) -> None:
        self.model_path = Path(model_path) if model_path is not None else bundled_model_path()
        # One frame is ~0.1 ms of work: extra threads only add synchronisation overhead.
        self._session = cpu_session(self.model_path, threads=threads)

    def stream(self) -> SileroVadStream:
        """A fresh per-session stream (silent history, zero recurrent state)."""
        return SileroVadStream(self)

    def _run(
        self, window: NDArray[np.float32], h: NDArray[np.float32], c: NDArray[np.float32]
    ) -> tuple[float, NDArray[np.float32], NDArray[np.float32]]:
        """One frame (with its context) through the network: its probability and the next states."""
        output, h, c = self._session.run(None, {"input": window[np.newaxis, :], "h": h, "c": c})
        return float(output.reshape(-1)[0]), h, c


class SileroVadStream:
    """One session's recurrent state and 64-sample context for a `SileroVad`."""

    def __init__(self, vad: SileroVad) -> None:
        self._vad = vad
        self._h = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._c = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._window = np.zeros(CONTEXT_SAMPLES + FRAME_SAMPLES, dtype=np.float32)

    def speech_probability(self, frame: Float32Audio) -> float:
        """Probability in [0, 1] that `frame` (exactly 512 samples at 16 kHz) contains speech."""
        samples = np.asarray(frame, dtype=np.float32).reshape(-1)
        if samples.shape[0] != FRAME_SAMPLES:
            raise ValueError(f"Silero VAD frames must be {FRAME_SAMPLES} samples, got {samples.shape[0]}")
        # The window's head still holds the previous frame's last 64 samples.
        self._window[CONTEXT_SAMPLES:] = samples
        probability, self._h, self._c = self._vad._run(self._window, self._h, self._c)
        self._window[:CONTEXT_SAMPLES] = samples[-CONTEXT_SAMPLES:]
        return probability

    def reset(self) -> None:
        """Forget everything heard so far."""
        self._h = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._c = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._window[:] = 0.0
