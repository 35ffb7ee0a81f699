"""Why Whisper doubts a new voice's finished turn: its no-speech probability at the pause, taken apart.

`semantic_vad`'s `auto` ends a turn at once only where Whisper's no-speech probability on the
pause's speculative transcript is at most 0.1 (`SemanticTiming.clear_speech`, fourth round: a word
broken off at a gap scored higher). On the voices no round had tuned on (`fresh2`, `fresh3`) that
bound held most finished utterances: 0.11-0.29. Here every case of the tuning splits is replayed
through the session (`turn_fit.log_cases`, a timing that never ends at once), the audio of each
judged pause's transcript is kept, and for the pauses the bound can matter for (words that read
finished, Smart Turn at least 0.5; finished utterances after their speech, mid-sentence pauses
before it) the first decoding step's no-speech probability is read again with the window changed:

- as served: 0.3 s of silence, the speech, at least 1 s after it, in at least 10 s (`whisper_stt`);
- the 30 s window Whisper was trained on; a tight window (no 10 s minimum);
- the speech's level set to -20 dBFS (its loud 20 ms frames' 90th percentile);
- the speech through a telephone band (4 kHz, resampled to 8 kHz and back);
- relative to the turn itself: the change (log-odds) from the same clip without its last 400 ms.

It prints the medians per split and per length of the audio heard, the separation (AUC) of
finished utterances from mid-sentence pauses, and, leave one split out, the bound scaled by that
length, `logit(no speech) <= c + slope * ln(3 s / length)` (slope 0: the flat bound), chosen as
`turn_fit.py --bounds` chooses: no more cut turns than main's `auto` on the other splits, then the
fastest complete-utterance p50.

Run from the repository root: `python bench/no_speech.py [--split SPLIT]` (about 1 min to replay
with the engine cache that `turn_decision.py` shares, then ~7 min of Whisper encoder passes on 2
loaded cores for the tuning splits; the leave-one-split-out part needs two splits or more).
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import soxr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.turn_decision import CACHE, SPLITS, TUNING_SPLITS, CachedEngines, JudgedPause, build_cases
from bench.turn_fit import CASCADE, chosen_each_left_out, ends_with, log_cases

from realtalk.engines import whisper_stt
from realtalk.engines.base import Float32Audio, Transcription
from realtalk.session import turn_detection
from realtalk.session.effects import Transcribe
from realtalk.session.session import RealtimeSession

RATE = whisper_stt.SAMPLE_RATE
LEVEL_DBFS = -20.0
PHONE_RATE = 8000
EARLIER_MS = 400
SLOPES = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
OFFSETS = tuple(round(-3.0 + 0.1 * i, 1) for i in range(31))
"""The scaled bound's grid: log-odds of the bound at 3 s of audio (-2.2 is main's 0.1)."""
LENGTHS_S = (0.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0, math.inf)


class HeardEngines(CachedEngines):
    """The cached engines, keeping the audio (and prompt) of every speculative transcript, by what
    Whisper answered (a judged pause carries the answer's words and no-speech probability)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.audio: dict[tuple[str, float | None], tuple[Float32Audio, str | None]] = {}

    def heard(self, session: RealtimeSession, effect: Transcribe) -> tuple[Transcription, Any]:
        text, report = super().heard(session, effect)
        if effect.speculative:
            self.audio[(text.text, text.no_speech_prob)] = (effect.audio, effect.prompt)
        return text, report


@dataclass(frozen=True)
class Reading:
    """One judged pause the no-speech bound can matter for, read under each variant."""

    split: str
    finished: bool
    """A complete utterance after its speech ended (else a mid-sentence pause before it ended)."""
    seconds: float
    """The audio Whisper heard (the turn from its onset's padding to the pause)."""
    no_speech: dict[str, float]


class FirstStep:
    """Whisper's no-speech probability alone: the encoder and one decoding step."""

    def __init__(self) -> None:
        self.stt = whisper_stt.WhisperStt()
        self.tokenizer, _ = self.stt._tokenizer("en")

    def no_speech(self, audio: Float32Audio, prompt: str | None, min_window_s: float) -> float:
        encoded = self.stt._encode_trimmed([audio], min_window_s)
        start = [*self.stt._previous_tokens(prompt), *self.tokenizer.sot_sequence]
        result = self.stt._model.model.generate(
            encoded, [start], max_length=len(start) + 1, return_no_speech_prob=True, beam_size=1
        )[0]
        return float(result.no_speech_prob)


def loud_level_db(audio: Float32Audio) -> float:
    frame = RATE // 50
    count = len(audio) // frame
    levels = 10 * np.log10(np.mean(np.square(audio[: count * frame].reshape(count, frame)), axis=1) + 1e-10)
    return float(np.percentile(levels, 90))


def phone_band(audio: Float32Audio) -> Float32Audio:
    narrow = soxr.resample(audio, RATE, PHONE_RATE)
    back = np.asarray(soxr.resample(narrow, PHONE_RATE, RATE), dtype=np.float32)
    return np.pad(back, (0, max(0, len(audio) - len(back))))[: len(audio)]


def _log_odds(p: float) -> float:
    p = min(max(p, 1e-3), 1 - 1e-3)
    return math.log(p / (1 - p))


def against_earlier(first: FirstStep, audio: Float32Audio, prompt: str | None) -> float:
    """The no-speech log-odds of the clip less that of the same clip without its last `EARLIER_MS`."""
    earlier = audio[: max(len(audio) - EARLIER_MS * RATE // 1000, RATE // 5)]
    now = first.no_speech(audio, prompt, whisper_stt.MIN_WINDOW_S)
    return _log_odds(now) - _log_odds(first.no_speech(earlier, prompt, whisper_stt.MIN_WINDOW_S))


VARIANTS: dict[str, Callable[[FirstStep, Float32Audio, str | None], float]] = {
    "as served": lambda w, a, p: w.no_speech(a, p, whisper_stt.MIN_WINDOW_S),
    "30 s window": lambda w, a, p: w.no_speech(a, p, 30.0),
    "tight window": lambda w, a, p: w.no_speech(a, p, 0.0),
    f"level {LEVEL_DBFS:.0f} dBFS": lambda w, a, p: w.no_speech(
        a * np.float32(10 ** ((LEVEL_DBFS - loud_level_db(a)) / 20)), p, whisper_stt.MIN_WINDOW_S
    ),
    "telephone band": lambda w, a, p: w.no_speech(phone_band(a), p, whisper_stt.MIN_WINDOW_S),
    f"against {EARLIER_MS} ms earlier": lambda w, a, p: against_earlier(w, a, p),
}
"""The last: relative to the turn itself, the log-odds change from the same clip read without its
last 400 ms (a finished last word should make Whisper surer of speech than the clip without it)."""


loose = ends_with(replace(CASCADE, clear_speech=None))
"""Whether every verdict of main's `auto` but the no-speech bound passes (then the bound alone decides)."""


def _matters(pause: JudgedPause) -> bool:
    """Words that read finished and Smart Turn at `auto`'s bound: where no-speech may decide."""
    closed = turn_detection.transcript_ending(pause.transcript) == "closed"
    return closed and pause.probability >= CASCADE.confident and pause.scores.no_speech is not None


def auc(finished: list[float], mid: list[float]) -> float:
    """How often a finished utterance reads lower than a mid-sentence pause (ties half)."""
    if not finished or not mid:
        return float("nan")
    a, b = np.array(finished)[:, None], np.array(mid)[None, :]
    return float(((a < b).sum() + 0.5 * (a == b).sum()) / (a.size * b.size))


def scaled_bound(slope: float, offset: float, seconds: dict[int, float]) -> Callable[[JudgedPause], bool]:
    """`auto` with the no-speech bound scaled by the length of the audio heard (`seconds`, by pause)."""

    def ends(pause: JudgedPause) -> bool:
        length = seconds.get(id(pause))
        if length is None or pause.scores.no_speech is None:
            return False
        bound = offset + slope * math.log(3.0 / length)
        return loose(pause) and _log_odds(pause.scores.no_speech) <= bound

    return ends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--cache",
        type=Path,
        default=CACHE,
        help="engine results",
    )
    parser.add_argument(
        "--split", action="append", choices=SPLITS, help="default: the tuning splits (fresh5 only when named)"
    )
    args = parser.parse_args()
    splits = tuple(args.split or TUNING_SPLITS)
    started = time.perf_counter()
    engines = HeardEngines(args.cache / "results.pickle")
    try:
        logged = log_cases(build_cases(args.cache, splits), engines)
    finally:
        engines.save()
    seconds = {
        id(p): len(engines.audio[(p.transcript, p.scores.no_speech)][0]) / RATE
        for case in logged
        for p in case.pauses
        if (p.transcript, p.scores.no_speech) in engines.audio
    }
    print(f"{len(logged)} turns replayed ({time.perf_counter() - started:.0f} s)")

    first = FirstStep()
    readings: list[Reading] = []
    decisive: list[Reading] = []
    for case in logged:
        end = case.material.speech_end_ms
        for pause in case.pauses:
            finished = case.material.kind == "complete" and pause.at_ms >= end
            heard = engines.audio.get((pause.transcript, pause.scores.no_speech))
            if heard is None or not _matters(pause) or not (finished or pause.at_ms < end):
                continue
            audio, prompt = heard
            values = {
                name: read(first, np.asarray(audio, dtype=np.float32), prompt)
                for name, read in VARIANTS.items()
            }
            readings.append(Reading(case.material.split, finished, len(audio) / RATE, values))
            if loose(pause):
                decisive.append(readings[-1])
    print(f"{len(readings)} pauses read again ({time.perf_counter() - started:.0f} s)\n")

    print("No-speech probability, median: finished utterances / mid-sentence pauses (AUC)")
    print("| split | finished / mid | " + " | ".join(VARIANTS) + " |")
    print("|---|---|" + "---|" * len(VARIANTS))
    for split in (*splits, "all"):
        chosen = [r for r in readings if split in ("all", r.split)]
        fin, mid = [r for r in chosen if r.finished], [r for r in chosen if not r.finished]
        cells = []
        for v in VARIANTS:
            a, b = [r.no_speech[v] for r in fin], [r.no_speech[v] for r in mid]
            cells.append(f"{np.median(a):.3f} / {np.median(b):.3f} ({auc(a, b):.2f})")
        print(f"| {split} | {len(fin)} / {len(mid)} | " + " | ".join(cells) + " |")

    print("\nAs served, by the length of the audio heard: median, finished / mid-sentence (n)")
    print("| audio heard | finished | mid-sentence |")
    print("|---|---|---|")
    for low, high in itertools.pairwise(LENGTHS_S):
        cell = []
        for finished in (True, False):
            values = [
                r.no_speech["as served"]
                for r in readings
                if r.finished == finished and low <= r.seconds < high
            ]
            cell.append(f"{np.median(values):.3f} ({len(values)})" if values else "-")
        print(f"| {low:.1f}-{high:.1f} s | {cell[0]} | {cell[1]} |")

    print("\nWhere the bound alone decides (every other verdict of `auto` passes): AUC per split, as served")
    print("| split | finished / mid | AUC |")
    print("|---|---|---|")
    for split in (*splits, "all"):
        chosen = [r for r in decisive if split in ("all", r.split)]
        fin = [r.no_speech["as served"] for r in chosen if r.finished]
        mid = [r.no_speech["as served"] for r in chosen if not r.finished]
        print(f"| {split} | {len(fin)} / {len(mid)} | {auc(fin, mid):.2f} |")

    if len(splits) > 1:
        chosen_each_left_out(
            "The no-speech bound scaled by the audio's length, leave one split out",
            {s: [c for c in logged if c.material.split == s] for s in splits},
            {
                f"scaled: slope {slope}, log-odds {offset} at 3 s": scaled_bound(slope, offset, seconds)
                for slope in SLOPES
                for offset in OFFSETS
            },
        )
    print(f"\n({time.perf_counter() - started:.0f} s; {engines.fresh} engine results computed afresh)")


if __name__ == "__main__":
    main()
