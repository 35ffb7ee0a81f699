"""Pipecat 1.14's end of turn, decisions only: its own analyzers driven over recorded audio offline.

Run by `bench/peer_turn_decision.py` in Pipecat's virtual environment (`.venv-pipecat`,
`scripts/setup_pipecat_bench.sh`); never imported by RealTalk. It reads the cases as 16 kHz PCM16
(`--cases`, an .npz the caller wrote) and writes, per case, when the turn ended and why, and each
Smart Turn call (`--out`, JSON).

What a Pipecat app gets by default, as `bench/pipecat_bot.py` builds it: `SileroVADAnalyzer()`
(`VADParams()`: confidence 0.7, start and stop 0.2 s, min volume 0.6) in the user aggregator, and
the default stop strategy, `TurnAnalyzerUserTurnStopStrategy(LocalSmartTurnAnalyzerV3())`
(`SmartTurnParams()`: stop_secs 3 s, pre_speech_ms 500, max_duration_secs 8; the bundled
smart-turn-v3.2-cpu.onnx). The analyzers are Pipecat's own classes, called through their public
methods; what the pipeline around them does is followed here by hand, from the 1.14 sources:

- `LLMUserAggregator.process_frame` hands each audio frame to the `VADController` first, then to
  the stop strategy; the VAD's started/stopped frames are queued behind that audio frame, so the
  strategy appends a frame with the speaking flag as it was before the frame's transition;
- `TurnAnalyzerUserTurnStopStrategy`: VAD started -> `update_vad_start_secs(start_secs)` and any
  earlier verdict dropped; VAD stopped -> `analyze_end_of_turn()` (the model), the turn complete if
  it says so; `append_audio` returning COMPLETE (3 s of silence after the VAD stop) -> complete.
  The turn ends on a complete verdict as with `wait_for_transcript=False` (the realtime-service
  mode): the transcript gate of the default (`True`) is the STT's latency, not the decision.

The clock is the input's: each 20 ms frame is handled when it has fully arrived, Smart Turn's
buffer is stamped with that clock (it reads `time.monotonic()`, patched here), and a model verdict
lands as many ms after it was asked for as it took to compute (as `turn_decision.py` delivers
RealTalk's), with the frames behind it waiting, as they wait live behind the awaited call.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
from loguru import logger
from pipecat.audio.turn.base_turn_analyzer import EndOfTurnState
from pipecat.audio.turn.smart_turn import base_smart_turn
from pipecat.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3
from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.audio.vad.vad_analyzer import VADState

SAMPLE_RATE = 16_000
FRAME_MS = 20
"""The input frames, as `turn_decision.py` streams RealTalk's (the transport passes on what the client
sends); Silero re-buffers them into its 32 ms windows, so this sets only when a frame is handled."""


class InputClock:
    """`time` for Smart Turn's module: `monotonic()` is the input clock, the rest is the real one."""

    def __init__(self) -> None:
        self.now_s = 0.0
        self.perf_counter = time.perf_counter

    def monotonic(self) -> float:
        return self.now_s


async def decide(pcm: np.ndarray, turn: LocalSmartTurnAnalyzerV3, clock: InputClock) -> dict[str, Any]:
    """One case streamed through a fresh VAD and the shared turn analyzer (cleared, as at a session
    start): the first turn end (ms on the input clock, or None) and the model's calls."""
    vad = SileroVADAnalyzer()
    vad.set_sample_rate(SAMPLE_RATE)
    turn.clear()
    step = SAMPLE_RATE * FRAME_MS // 1000
    state = VADState.QUIET
    speaking = False
    busy_until_ms = 0.0
    calls: list[tuple[float, float, float]] = []
    """(asked at ms, probability, ms it took)."""
    try:
        for index in range(len(pcm) // step):
            arrived_ms = (index + 1) * FRAME_MS
            clock.now_s = max(arrived_ms, busy_until_ms) / 1000
            frame = pcm[index * step : (index + 1) * step].tobytes()
            new = await vad.analyze_audio(frame)
            # `VADController` reports only SPEAKING and QUIET, each when it differs from the last
            changed = new in (VADState.SPEAKING, VADState.QUIET) and new != state
            state = new if changed else state
            if turn.append_audio(frame, speaking) == EndOfTurnState.COMPLETE:
                return {"end_ms": clock.now_s * 1000, "by": "silence", "calls": calls}
            if changed and state == VADState.SPEAKING:
                turn.update_vad_start_secs(vad.params.start_secs)
                speaking = True
            elif changed:
                speaking = False
                verdict, metrics = await turn.analyze_end_of_turn()
                if metrics is not None:
                    took = metrics.e2e_processing_time_ms
                    calls.append((clock.now_s * 1000, metrics.probability, took))
                    busy_until_ms = clock.now_s * 1000 + took
                if verdict == EndOfTurnState.COMPLETE:
                    return {"end_ms": max(clock.now_s * 1000, busy_until_ms), "by": "model", "calls": calls}
        return {"end_ms": None, "by": None, "calls": calls}
    finally:
        await vad.cleanup()


def share_onnx_sessions() -> None:
    """One ONNX Runtime session per model file for every analyzer made after this. Silero's is
    stateless (`SileroOnnxModel` keeps the recurrent state itself), so a fresh analyzer per case
    stays exact, without the 0.3 s of making its session again."""
    make = onnxruntime.InferenceSession
    sessions: dict[str, onnxruntime.InferenceSession] = {}

    def shared(path: str, *args: Any, **kwargs: Any) -> onnxruntime.InferenceSession:
        if str(path) not in sessions:
            sessions[str(path)] = make(path, *args, **kwargs)
        return sessions[str(path)]

    onnxruntime.InferenceSession = shared  # type: ignore[assignment,misc]


async def run(cases: Path) -> dict[str, dict[str, Any]]:
    clock = InputClock()
    base_smart_turn.time = clock  # type: ignore[assignment]
    share_onnx_sessions()
    turn = LocalSmartTurnAnalyzerV3()
    turn.set_sample_rate(SAMPLE_RATE)
    with np.load(cases) as data:
        ids = [str(i) for i in data["ids"]]
        results = {}
        for i, case_id in enumerate(ids):
            results[case_id] = await decide(data[f"case{i}"], turn, clock)
            if (i + 1) % 200 == 0:
                print(f"pipecat: {i + 1}/{len(ids)} cases", file=sys.stderr, flush=True)
    await turn.cleanup()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=Path, required=True, help=".npz: ids, case0, case1, ... (PCM16)")
    parser.add_argument("--out", type=Path, required=True, help="JSON written here")
    args = parser.parse_args()
    logger.remove()  # Pipecat logs every VAD and turn verdict at DEBUG
    args.out.write_text(json.dumps(asyncio.run(run(args.cases))))


if __name__ == "__main__":
    main()
