"""Semantic end of turn, decisions only: the turn-taking material replayed through the session offline.

`bench/turn_taking.py` measures turn-taking end to end on a live server, where machine load moves
every number. This replays the same complete and mid-sentence-pause utterances straight into a
`RealtimeSession` on the input clock, with the real VAD, Whisper and Smart Turn, each result
delivered as many ms of audio after it was asked for as it took to compute (an idle machine). It
prints, per eagerness, how many pauses cut the turn and how long after the end of speech a
finished turn ends, so the decision can be tuned on the dev half in seconds, and shows each
pause's verdicts (Smart Turn's probability, the transcript) to see why.

Run from the repository root: `python bench/turn_decision.py [--split dev|test] [--eagerness ...]`.
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.turn_taking import build_material
from tests.speech_data import DATA_DIR

from realtalk.config import Settings
from realtalk.engines.loader import load_speech_engines
from realtalk.evaluation import audio as au
from realtalk.evaluation.scenario import Case, load_scenario, prepare
from realtalk.session.effects import Effect, PredictTurnEnd, Send, Transcribe
from realtalk.session.session import RealtimeSession

CHUNK_MS = 20
LEAD_MS = 500
TAIL_MS = 3000


@dataclass
class Replay:
    case: Case
    speech_end_ms: float
    commits_ms: list[float] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)

    @property
    def cut_off(self) -> bool:
        return any(at < self.speech_end_ms for at in self.commits_ms)

    @property
    def turn_end_ms(self) -> float | None:
        """The first commit after the speech ended, counted from the end of speech."""
        after = [at - self.speech_end_ms for at in self.commits_ms if at >= self.speech_end_ms]
        return after[0] if after else None


def replay(case: Case, eagerness: str, engines: Any) -> Replay:
    prepared = prepare(case, [])
    assert prepared.speech_end_ms is not None
    samples = np.concatenate([au.silence(LEAD_MS), prepared.samples, au.silence(TAIL_MS)]).astype(np.float32)
    result = Replay(case, LEAD_MS + prepared.speech_end_ms)
    session = RealtimeSession(model="bench", vad=engines.vad.stream(), speculative_replies=False)
    session.start()
    detection = {"type": "semantic_vad", "eagerness": eagerness, "create_response": False}
    session.handle_event(
        {"type": "session.update", "session": {"audio": {"input": {"turn_detection": detection}}}}
    )
    due: list[tuple[float, Any]] = []  # (input ms, a call that reports a result back)

    def carry_out(effects: list[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, Send) and effect.event["type"] == "input_audio_buffer.committed":
                result.commits_ms.append(session.input_ms)
            elif isinstance(effect, Transcribe):
                started = time.perf_counter()
                text = engines.stt.transcribe(effect.audio, language=effect.language, prompt=effect.prompt)
                took = (time.perf_counter() - started) * 1000
                if effect.speculative:
                    result.verdicts.append(f"@{session.input_ms - result.speech_end_ms:+.0f} {text.text!r}")
                due.append(
                    (
                        session.input_ms + took,
                        lambda e=effect, t=text: session.transcription_completed(
                            e.item_id, t, speculative=e.speculative, epoch=e.epoch
                        ),
                    )
                )
            elif isinstance(effect, PredictTurnEnd):
                started = time.perf_counter()
                probability = engines.turn.completion_probability(effect.audio)
                took = (time.perf_counter() - started) * 1000
                result.verdicts.append(f"p={probability:.2f}")
                due.append(
                    (
                        session.input_ms + took,
                        lambda e=effect, p=probability: session.turn_end_predicted(e.item_id, e.pause_id, p),
                    )
                )

    pcm = au.pcm24k(samples)
    step = au.WIRE_RATE * 2 * CHUNK_MS // 1000
    for offset in range(0, len(pcm), step):
        chunk = base64.b64encode(pcm[offset : offset + step]).decode()
        carry_out(session.handle_event({"type": "input_audio_buffer.append", "audio": chunk}))
        ready = [d for d in due if d[0] <= session.input_ms]
        due = [d for d in due if d[0] > session.input_ms]
        for _, report in sorted(ready, key=lambda d: d[0]):
            carry_out(report())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "test"), help="one half only (default: both)")
    parser.add_argument("--eagerness", action="append", choices=("low", "medium", "high", "auto"))
    parser.add_argument("--verbose", action="store_true", help="each case's verdicts")
    args = parser.parse_args()
    if not (DATA_DIR / "librivox").is_dir():
        raise SystemExit("needs Debian's pocketsphinx-testdata (scripts/setup.sh --dev)")
    scenario = load_scenario(build_material(Path(tempfile.mkdtemp(prefix="realtalk-decisions-"))))
    engines = load_speech_engines(Settings())
    print("| eagerness | split | pauses cut | turn end after speech p50 / max, complete |")
    print("|---|---|---|---|")
    for eagerness in args.eagerness or ["high", "auto", "low"]:
        for split in [args.split] if args.split else ["dev", "test"]:
            cases = [c for c in scenario.split(split) if c.kind in ("complete", "pause")]
            replays = [replay(c, eagerness, engines) for c in cases]
            pauses = [r for r in replays if r.case.kind == "pause"]
            ends = [r.turn_end_ms for r in replays if r.case.kind == "complete" and r.turn_end_ms is not None]
            cut = sum(r.cut_off for r in pauses)
            print(
                f"| {eagerness} | {split} | {cut}/{len(pauses)} | {median(ends):.0f} / {max(ends):.0f} ms |",
                flush=True,
            )
            if args.verbose:
                for r in replays:
                    end = "cut" if r.cut_off else f"{r.turn_end_ms:.0f} ms"
                    print(f"    {r.case.id:24s} {end:>8s}  {'  '.join(r.verdicts)}")


if __name__ == "__main__":
    main()
