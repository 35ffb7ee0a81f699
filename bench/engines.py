"""VAD cost per frame and TTS time to first sentence / real-time factor.

Run from the repository root: `python bench/engines.py [--threads N]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.speech_data import librivox_clips, load_wav_16k

from realtalk.engines.piper_tts import PiperTts
from realtalk.engines.silero_vad import FRAME_SAMPLES, SileroVad

SENTENCES = (
    "Sure.",
    "Hello there, how can I help you today?",
    "The weather in Paris is sunny with a high of twenty two degrees.",
    "I have set a timer for ten minutes, and I will remind you when it is done.",
    "Once upon a time, in a small village by the sea, there lived an old fisherman and his cat.",
)


def bench_vad() -> None:
    vad = SileroVad()
    audio = np.concatenate([load_wav_16k(path) for path, _ in librivox_clips()])
    frames = [audio[i : i + FRAME_SAMPLES] for i in range(0, len(audio) - FRAME_SAMPLES + 1, FRAME_SAMPLES)]
    stream = vad.stream()
    times = []
    for _ in range(3):
        stream.reset()
        for frame in frames:
            start = time.perf_counter()
            stream.speech_probability(frame)
            times.append(time.perf_counter() - start)
    median_ms = statistics.median(times) * 1000
    frame_ms = FRAME_SAMPLES / vad.sample_rate * 1000
    print(f"VAD: {len(times)} frames, median {median_ms:.3f} ms/frame ({frame_ms:.0f} ms of audio each)")
    print(
        f"VAD: p99 {np.percentile(times, 99) * 1000:.3f} ms/frame, "
        f"real-time factor {median_ms / frame_ms:.4f}"
    )


def bench_tts(threads: int) -> None:
    tts = PiperTts(threads=threads)
    tts.synthesize("Warm up.")
    latencies, factors = [], []
    for sentence in SENTENCES:
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            audio = tts.synthesize(sentence)
            runs.append(time.perf_counter() - start)
        latency = statistics.median(runs)
        seconds = len(audio) / tts.sample_rate
        latencies.append(latency)
        factors.append(latency / seconds)
        print(
            f"TTS: {latency * 1000:5.0f} ms for {seconds:4.1f} s of audio "
            f"(RTF {latency / seconds:.3f})  {sentence}"
        )
    print(
        f"TTS (threads={threads}): median time to first sentence "
        f"{statistics.median(latencies) * 1000:.0f} ms, "
        f"median real-time factor {statistics.median(factors):.3f}"
    )


def bench_brain() -> None:
    """The built-in brain's reply to the tuning sets' Task Manager first turns (dev and dev2):
    the MiniLM embedding of the utterance included, the tools' embeddings cached after the first."""
    import json

    from realtalk.apps import builtin_apps
    from realtalk.brain.base import BrainRequest, Message
    from realtalk.brain.builtin import BuiltinBrain
    from realtalk.engines.minilm_embedder import shared

    cases = [
        c
        for half in ("dev", "dev2")
        for c in json.loads((Path(__file__).parent / "eval" / f"{half}.json").read_text())
    ]
    texts = [c["turns"][0] for c in cases if c["turns"] and c["app"] == "task-manager"]
    tools = builtin_apps()["task-manager"].tools.specs()
    brain = BuiltinBrain()
    brain.reply(BrainRequest("", [Message("user", "warm up")], tools))
    embed = []
    for text in texts:
        start = time.perf_counter()
        shared().embed([text + " (uncached)"])
        embed.append(time.perf_counter() - start)
    replies = []
    for text in texts:
        start = time.perf_counter()
        brain.reply(BrainRequest("", [Message("user", text + " please")], tools))
        replies.append(time.perf_counter() - start)
    for name, times in (("MiniLM embedding, one utterance", embed), ("built-in brain reply", replies)):
        ms = sorted(t * 1000 for t in times)
        print(f"{name}: {len(ms)} utterances, median {statistics.median(ms):.1f} ms, "
              f"p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2, help="TTS ONNX Runtime threads")
    parser.add_argument("--brain", action="store_true", help="only the built-in brain")
    args = parser.parse_args()
    if not args.brain:
        bench_vad()
        bench_tts(args.threads)
    bench_brain()


if __name__ == "__main__":
    main()
