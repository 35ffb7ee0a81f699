"""Silero VAD on real recorded speech."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import onnxruntime as ort
import pytest
from numpy.typing import NDArray

from realtalk.engines.silero_vad import FRAME_SAMPLES, SileroVad, SileroVadStream, bundled_model_path
from tests.speech_data import librivox_clips, load_wav_16k, silence_16k

pytestmark = [
    pytest.mark.slow,
]


def probabilities(stream: SileroVadStream, audio: NDArray[np.float32]) -> NDArray[np.float64]:
    frames = len(audio) // FRAME_SAMPLES
    return np.array(
        [stream.speech_probability(audio[i * FRAME_SAMPLES : (i + 1) * FRAME_SAMPLES]) for i in range(frames)]
    )


def frames(seconds: float) -> int:
    return int(seconds * 16_000 / FRAME_SAMPLES)


def test_model_is_found_without_importing_torch() -> None:
    assert bundled_model_path().name == "silero_vad_16k_sequence.onnx"
    assert "silero_vad" not in sys.modules and "torch" not in sys.modules


@pytest.mark.parametrize("index", range(5))
def test_speech_scores_high_and_silence_low(vad: SileroVad, index: int) -> None:
    speech = load_wav_16k(librivox_clips()[index][0])
    audio = np.concatenate([silence_16k(1.0), speech, silence_16k(1.5)])
    probs = probabilities(vad.stream(), audio)
    lead, body = frames(1.0), frames(len(speech) / 16_000)
    before, during, after = probs[:lead], probs[lead : lead + body], probs[lead + body + frames(0.5) :]
    assert before.max() < 0.1
    assert after.max() < 0.2
    # Recordings have pauses between phrases, so not every frame is speech.
    assert np.mean(during > 0.5) > 0.6
    assert during.max() > 0.95


def test_quiet_noise_is_not_speech(vad: SileroVad) -> None:
    noise = (np.random.default_rng(0).standard_normal(3 * 16_000) * 0.003).astype(np.float32)
    assert probabilities(vad.stream(), noise).max() < 0.2


def test_reset_and_independent_streams(vad: SileroVad) -> None:
    speech = load_wav_16k(librivox_clips()[1][0])[: 40 * FRAME_SAMPLES]
    first = vad.stream()
    reference = probabilities(first, speech)
    first.reset()
    assert np.allclose(probabilities(first, speech), reference, atol=1e-5)

    # Interleaving two sessions must not leak state between them.
    a, b = vad.stream(), vad.stream()
    silent = np.zeros(FRAME_SAMPLES, dtype=np.float32)
    interleaved = []
    for i in range(len(reference)):
        interleaved.append(a.speech_probability(speech[i * FRAME_SAMPLES : (i + 1) * FRAME_SAMPLES]))
        b.speech_probability(silent)
    assert np.allclose(interleaved, reference, atol=1e-5)


def test_matches_the_reference_wrapper(vad: SileroVad) -> None:
    """Same numbers as silero-vad's own OnnxWrapper on its stock streaming model (the cheaper
    sequence export we run is the same network): state carried over, plus the previous frame's
    last 64 samples prepended (leaving that context out changes the probabilities)."""
    stock = vad.model_path.with_name("silero_vad.onnx")
    session = ort.InferenceSession(str(stock), providers=["CPUExecutionProvider"])
    speech = load_wav_16k(librivox_clips()[1][0])[: 60 * FRAME_SAMPLES]
    state = np.zeros((2, 1, 128), dtype=np.float32)
    context = np.zeros(64, dtype=np.float32)
    expected = []
    for i in range(60):
        frame = speech[i * FRAME_SAMPLES : (i + 1) * FRAME_SAMPLES]
        window = np.concatenate([context, frame])[np.newaxis]
        out, state = session.run(None, {"input": window, "state": state, "sr": np.array(16_000)})
        expected.append(float(out[0, 0]))
        context = frame[-64:]
    assert np.allclose(probabilities(vad.stream(), speech), expected, atol=1e-6)


@pytest.mark.parametrize("length", [0, 256, 513, 1024])
def test_wrong_frame_length_is_rejected(vad: SileroVad, length: int) -> None:
    with pytest.raises(ValueError, match="512"):
        vad.stream().speech_probability(np.zeros(length, dtype=np.float32))


def test_protocol_attributes(vad: SileroVad) -> None:
    assert (vad.sample_rate, vad.frame_samples) == (16_000, 512)
    assert 0.0 <= vad.stream().speech_probability(np.zeros(512, dtype=np.float32)) <= 1.0


def test_streams_on_several_threads(vad: SileroVad) -> None:
    clips = [load_wav_16k(path) for path, _ in librivox_clips()]
    sequential = [probabilities(vad.stream(), audio) for audio in clips]
    with ThreadPoolExecutor(max_workers=5) as pool:
        concurrent = list(pool.map(lambda audio: probabilities(vad.stream(), audio), clips))
    for expected, got in zip(sequential, concurrent, strict=True):
        assert np.allclose(expected, got, atol=1e-5)
