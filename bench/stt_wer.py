"""Whisper latency and word error rate, full 30 s window vs trimmed window, on real speech.

Run from the repository root: `python bench/stt_wer.py [--threads N] [--beam N] [--repeat N]`.
Clips: pocketsphinx-testdata's LibriVox sentences, card names and "go forward ten meters".
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.speech_data import all_clips, load_wav_16k, word_error_rate

from realtalk.engines.whisper_stt import SttStats, WhisperStt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2, help="CTranslate2 threads (engine_threads)")
    parser.add_argument("--beam", type=int, default=1, help="beam size (1 = greedy)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per clip; the median is reported")
    args = parser.parse_args()

    clips = [(path, reference, load_wav_16k(path)) for path, reference in all_clips()]
    print(f"{len(clips)} clips, threads={args.threads}, beam={args.beam}, repeat={args.repeat}")
    for mode, trim in (("full", False), ("trimmed", True)):
        engine = WhisperStt(threads=args.threads, trim=trim, beam_size=args.beam)
        engine.transcribe(clips[0][2])  # first-call costs
        engine.stats = SttStats()
        print(f"\n== {mode} ==")
        latencies: list[float] = []
        hypotheses: list[str] = []
        for path, reference, audio in clips:
            runs = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                text = engine.transcribe(audio).text
                runs.append(time.perf_counter() - start)
            latency = statistics.median(runs)
            latencies.append(latency)
            hypotheses.append(text)
            print(
                f"{path.name:48s} {len(audio) / 16000:5.2f} s  {latency * 1000:6.0f} ms  "
                f"WER {word_error_rate(reference, text):.2f}  {engine.stats.last_path:8s}  {text}"
            )
        wer = word_error_rate([reference for _, reference, _ in clips], hypotheses)
        print(
            f"{mode}: median latency {statistics.median(latencies) * 1000:.0f} ms, "
            f"mean {statistics.mean(latencies) * 1000:.0f} ms, overall WER {wer:.3f}, "
            f"fallbacks {engine.stats.fallbacks}/{engine.stats.fallbacks + engine.stats.trimmed}"
        )


if __name__ == "__main__":
    main()
