"""Whisper latency and word error rate, full 30 s window vs trimmed window, on real speech.

Run from the repository root: `python bench/stt_wer.py [--threads N] [--beam N] [--repeat N]
[--model tiny.en|base] [--noise-snr DB] [--modes trimmed] [--readings 5 [--second-model base]
[--app task-manager]]`. `--readings` adds how a session hears (no tools): the reading chosen among
Whisper's n best, or among the readings of two models pooled (`REALTALK_STT_SECOND_MODEL`); with
`--app`, its misheard words are put back to that app's words (`brain/sounds.py`): on speech that is
not about the app, every word put back is a false rewrite. Clips: pocketsphinx-testdata's LibriVox
sentences, card names and "go forward ten meters"; `--noise-snr` adds white noise at that SNR.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.speech_data import all_clips, load_wav_16k, word_error_rate

from realtalk.apps import builtin_apps
from realtalk.engines.base import Hypothesis, NBestSpeechToText
from realtalk.engines.pooled_stt import PooledStt
from realtalk.engines.whisper_stt import MODELS, SttStats, WhisperStt, packaged_model_dir
from realtalk.session.hearing import Expectation
from realtalk.session.hypotheses import choose


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2, help="CTranslate2 threads (engine_threads)")
    parser.add_argument("--beam", type=int, default=1, help="beam size (1 = greedy)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per clip; the median is reported")
    parser.add_argument("--model", choices=MODELS, default="tiny.en", help="the packaged Whisper model")
    parser.add_argument("--noise-snr", type=float, help="add white noise at this signal-to-noise ratio (dB)")
    parser.add_argument("--modes", nargs="+", choices=["full", "trimmed"], default=["full", "trimmed"])
    parser.add_argument("--readings", type=int, default=0, help="also the reading chosen among this many")
    parser.add_argument("--second-model", choices=MODELS, help="with --readings: pool this model's readings")
    parser.add_argument("--app", help="with --readings: hear as a session of this built-in app (its words)")
    args = parser.parse_args()

    clips = [(path, reference, load_wav_16k(path)) for path, reference in all_clips()]
    if args.noise_snr is not None:
        rng = np.random.default_rng(0)
        clips = [(path, reference, _noisy(audio, args.noise_snr, rng)) for path, reference, audio in clips]
    cache = Path(tempfile.gettempdir()) / "realtalk-models"
    model_dir = packaged_model_dir(args.model, cache)
    language = None if args.model.endswith(".en") else "en"
    print(f"{len(clips)} clips, model={args.model}, noise SNR={args.noise_snr} dB, threads={args.threads}, "
          f"beam={args.beam}, repeat={args.repeat}")  # fmt: skip
    for mode, trim in (("full", False), ("trimmed", True)):
        if mode not in args.modes:
            continue
        engine = WhisperStt(model_dir, threads=args.threads, trim=trim, beam_size=args.beam)
        engine.transcribe(clips[0][2])  # first-call costs
        engine.stats = SttStats()
        plain = partial(_plain, engine, language)
        _run(f"{args.model} {mode}", clips, plain, engine, args.repeat)
    if args.readings > 1:
        # As a session hears (no prompt): the reading chosen among the n best.
        expecting = Expectation(())
        if args.app:
            app = builtin_apps()[args.app]
            expecting = Expectation.of(app.tools.specs(), None, app.session.get("instructions"))
        engine = WhisperStt(model_dir, threads=args.threads)
        hearing: NBestSpeechToText = engine
        label = f"{args.model} {args.readings} readings"
        if args.second_model:
            second_dir = packaged_model_dir(args.second_model, cache)
            hearing = PooledStt(engine, WhisperStt(second_dir, threads=args.threads))
            label += f" pooled with {args.second_model}"
        label += f", {args.app}'s words" if args.app else ""

        def chosen(audio: np.ndarray) -> str:
            heard = hearing.transcribe_nbest(audio, language=language or "en", n=args.readings)
            return choose(heard.alternatives or (Hypothesis(heard.text, 0.0),), expecting).text

        chosen(clips[0][2])  # first-call costs
        _run(label, clips, chosen, engine, args.repeat)


def _plain(engine: WhisperStt, language: str | None, audio: np.ndarray) -> str:
    return engine.transcribe(audio, language=language).text


def _run(label: str, clips: list[tuple[Path, str, np.ndarray]], hear: Callable[[np.ndarray], str],
         engine: WhisperStt, repeat: int) -> None:  # fmt: skip
    print(f"\n== {label} ==")
    latencies: list[float] = []
    hypotheses: list[str] = []
    for path, reference, audio in clips:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            text = hear(audio)
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
        f"{label}: median latency {statistics.median(latencies) * 1000:.0f} ms, "
        f"mean {statistics.mean(latencies) * 1000:.0f} ms, overall WER {wer:.3f}, "
        f"fallbacks {engine.stats.fallbacks}/{engine.stats.fallbacks + engine.stats.trimmed}"
    )


def _noisy(audio: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    power = float(np.mean(audio**2)) or 1e-6
    noise = rng.normal(0, np.sqrt(power / 10 ** (snr_db / 10)), audio.size)
    return np.clip(audio + noise, -1, 1).astype(np.float32)


if __name__ == "__main__":
    main()
