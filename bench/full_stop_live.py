"""Whisper's full-stop probability as live sessions read it, against the offline replay's.

`bench/turn_decision.py` replays pauses with the greedy `transcribe`, whose full-stop probability
is the scores of the step after the last word. Live sessions that choose among readings hear each
pause with `transcribe_nbest` (a beam of `stt_readings`, default 5), which reports no step's
scores; with `full_stop=True` it decodes the best reading's words once more, forced, for that
step (`WhisperStt._forced_full_stop`). This prints, on dev material only (recorded speech that
`turn_taking.py` does not test on, cut at each word gap between 10 % and 90 % of its speech, and
whole):

- how close the live score is to the replay's (|difference| p50 / p95, and how often each is at
  least 0.9, the bound the eighth round found on test);
- what the forced decode costs per pause: the n-best call with and without it, in turns, p50 /
  p95 of the difference and of the ratio;
- what `auto` pays with Smart Turn's verdict in first (`PauseVerdict`, the eleventh round): how
  many pauses skip the forced decode, and the n-best call with the full stop always read (main
  before) against read only where the decision will, in turns.

Run from the repository root: `python bench/full_stop_live.py [--readings 5] [--rounds 2]`
(about 3 min on a quiet 2-core machine).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.turn_decision import EXTRA_RECORDINGS, MIDDLE
from bench.turn_taking import TEST_SOURCES
from tests.speech_data import DATA_DIR, all_clips

from realtalk.engines.base import Float32Audio, Transcription
from realtalk.engines.smart_turn import SmartTurn
from realtalk.engines.whisper_stt import WhisperStt
from realtalk.evaluation import audio as au
from realtalk.session.input_audio import STT_TAIL_MS
from realtalk.session.turn_detection import SEMANTIC_TIMING, PauseVerdict

BOUND = 0.9


def dev_pauses() -> list[tuple[str, Float32Audio]]:
    """Each dev recording whole and cut at its middle word gaps (plus the tail a session keeps)."""
    recordings = [p for p, _ in all_clips() if not any(p.stem.endswith(s) for s in TEST_SOURCES)]
    recordings += [DATA_DIR / name for name in EXTRA_RECORDINGS]
    cuts = []
    for path in recordings:
        clip = au.load_wav_16k(path)
        start, end = au.speech_bounds_ms(clip)
        low, high = (start + f * (end - start) for f in MIDDLE)
        for at in [g for g in au.word_gaps_ms(clip) if low < g < high] + [end]:
            cuts.append((f"{path.stem}@{at:.0f}", clip[: round((at + STT_TAIL_MS) * au.SAMPLE_RATE / 1000)]))
    return cuts


def _asking(verdict: PauseVerdict) -> Callable[[Transcription], bool]:
    """What the runtime asks the recogniser where no conversation chooses among the readings."""
    return lambda heard: verdict.needs_full_stop([heard])


def percentiles(values: list[float]) -> str:
    return f"{np.percentile(values, 50):.3g} / {np.percentile(values, 95):.3g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readings", type=int, default=5, help="the beam, as `stt_readings`")
    parser.add_argument("--rounds", type=int, default=2, help="timed pairs per pause")
    parser.add_argument("--verbose", action="store_true", help="each pause's scores")
    args = parser.parse_args()
    stt, turn = WhisperStt(), SmartTurn()
    stt.transcribe(au.silence(1000))  # warm up
    pauses = dev_pauses()
    differences, replay_high, live_high, both_high = [], 0, 0, 0
    extra_ms, ratios, plain_ms = [], [], []
    spared, always_ms, saved_ms = 0, [], []
    for name, audio in pauses:
        offline = stt.transcribe(audio).full_stop_prob
        live = None
        for round_ in range(args.rounds):
            took = {}
            for asked in (False, True) if round_ % 2 == 0 else (True, False):
                started = time.perf_counter()
                heard = stt.transcribe_nbest(audio, n=args.readings, full_stop=asked)
                took[asked] = (time.perf_counter() - started) * 1000
                if asked:
                    live = heard.full_stop_prob
            plain_ms.append(took[False])
            extra_ms.append(took[True] - took[False])
            ratios.append(took[True] / took[False])
        # `auto`, the turn-end verdict in before the beam is done: asked as the runtime asks it.
        verdict = PauseVerdict(SEMANTIC_TIMING["auto"], turn.completion_probability(audio))
        only_where_read = _asking(verdict)
        spared += not only_where_read(stt.transcribe_nbest(audio, n=args.readings))
        for round_ in range(args.rounds):
            took = {}
            for always in (True, False) if round_ % 2 == 0 else (False, True):
                started = time.perf_counter()
                stt.transcribe_nbest(audio, n=args.readings, full_stop=True if always else only_where_read)
                took[always] = (time.perf_counter() - started) * 1000
            always_ms.append(took[True])
            saved_ms.append(took[True] - took[False])
        replay_high += (offline or 0) >= BOUND
        live_high += (live or 0) >= BOUND
        both_high += (offline or 0) >= BOUND and (live or 0) >= BOUND
        if offline is not None and live is not None:
            differences.append(abs(offline - live))
        if args.verbose:
            print(f"  {name:40s} replay {offline}  live {live}  {heard.text!r}")
    print(f"{len(pauses)} pauses and whole clips (dev recordings), beam {args.readings}")
    print(f"| full stop, live vs replay | |difference| p50 / p95 | {percentiles(differences)} |")
    print(f"| within 0.05 | {sum(d <= 0.05 for d in differences)}/{len(differences)} |")
    print(f"| >= {BOUND}: replay / live / both | {replay_high} / {live_high} / {both_high} |")
    print(f"| forced decode's cost per pause, ms p50 / p95 | {percentiles(extra_ms)} |")
    print(f"| n-best call with it / without, ratio p50 / p95 | {percentiles(ratios)} |")
    print(f"| n-best call without it, ms p50 / p95 | {percentiles(plain_ms)} |")

    print(f"| `auto`, Smart Turn's verdict in first: the forced decode skipped | {spared}/{len(pauses)} |")
    print(f"| n-best call, full stop always read, ms p50 / p95 | {percentiles(always_ms)} |")
    print(f"| ... saved where the verdict spares it, ms p50 / p95 | {percentiles(saved_ms)} |")


if __name__ == "__main__":
    main()
