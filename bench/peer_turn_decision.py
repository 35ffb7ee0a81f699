"""Pipecat 1.14's end of turn beside RealTalk's, decisions only, on `turn_decision.py`'s material.

The same cases (`turn_decision.build_cases`: recorded clips complete and with a 600-1500 ms pause
spliced into a word gap, the same splits) go through RealTalk's session as `turn_decision.py`
replays them (`replay`, same engine cache) and through Pipecat's own Silero VAD and Smart Turn v3
analyzers with a Pipecat app's defaults (`bench/pipecat_turn.py`, run in Pipecat's virtual
environment, `.venv-pipecat`: `scripts/setup_pipecat_bench.sh`). Both are counted by the same
code (`outcome`, `places_cut`): pauses cut, complete clips cut, and how long after the end of
speech a complete clip's turn ends. Pipecat's stream gets `PIPECAT_EXTRA_MS` more silence than
RealTalk's, so that its 3 s fallback after the VAD stop can fire inside it.

Run from the repository root: `python bench/peer_turn_decision.py [--split SPLIT] [--by-place]`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pause_place import PlaceCache
from bench.pipecat_peer import SETUP, VENV_PYTHON
from bench.turn_decision import (
    CACHE,
    SPLITS,
    UNHEARD,
    CachedEngines,
    Material,
    Replay,
    VadRecord,
    build_cases,
    outcome,
    places_cut,
    replay,
)

from realtalk.engines.base import Float32Audio, Transcription
from realtalk.evaluation import audio as au

ROOT = Path(__file__).resolve().parents[1]
PIPECAT = "Pipecat 1.14"
OURS = ("auto", "low", "server_vad")
"""RealTalk's runs beside it: `semantic_vad` auto and low, and the 500 ms silence window for scale."""
PIPECAT_CACHE = "pipecat-1.14-turn.json"
"""Pipecat's decisions, beside the engine results in `--cache`."""
PIPECAT_EXTRA_MS = 2500
"""Pipecat's fallback ends a turn 3 s after the VAD's stop, itself 0.2 s after the speech: room for it
whatever `turn_decision.TAIL_MS` is (3 s when this was measured first; the cached decisions are
keyed by the stream, this silence included)."""


class MeteredEngines(CachedEngines):
    """`CachedEngines` that add up, per engine, the ms its results took (as first computed: wall time
    on the machine of that run), as Pipecat's Smart Turn calls are reported beside."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.ms: Counter[str] = Counter()

    def transcribe(self, *args: Any, **kwargs: Any) -> tuple[Transcription, float]:
        text, took = super().transcribe(*args, **kwargs)
        self.ms["Whisper"] += took
        return text, took

    def probability(self, audio: Float32Audio) -> tuple[float, float]:
        probability, took = super().probability(audio)
        self.ms["Smart Turn"] += took
        return probability, took


def pipecat_decisions(cases: list[Material], python: Path, cache: Path) -> dict[str, dict[str, Any]]:
    """Each case's first turn end, how, and its Smart Turn calls, from `bench/pipecat_turn.py`; kept in
    `cache` by the stream's audio, so a rerun replays what was decided, with the ms each call took
    when first computed (as `CachedEngines` keeps RealTalk's)."""
    streams = {
        c.id: (np.clip(np.concatenate([c.samples, au.silence(PIPECAT_EXTRA_MS)]), -1, 1) * 32767).astype(
            "<i2"
        )
        for c in cases
    }
    keys = {case_id: hashlib.sha1(pcm.tobytes()).hexdigest() for case_id, pcm in streams.items()}
    known: dict[str, dict[str, Any]] = json.loads(cache.read_text()) if cache.exists() else {}
    missing = sorted({keys[c.id] for c in cases} - known.keys())
    if missing:
        first = {key: case_id for case_id, key in keys.items()}
        with tempfile.TemporaryDirectory(prefix="realtalk-pipecat-turn-") as tmp:
            np.savez(
                Path(tmp) / "cases.npz",
                ids=np.array(missing),
                **{f"case{i}": streams[first[key]] for i, key in enumerate(missing)},
            )
            out = Path(tmp) / "decisions.json"
            script = ROOT / "bench" / "pipecat_turn.py"
            subprocess.run(
                [str(python), str(script), "--cases", f"{tmp}/cases.npz", "--out", str(out)], check=True
            )
            known |= json.loads(out.read_text())
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(known))
    return {case_id: known[key] for case_id, key in keys.items()}


def as_replay(case: Material, decision: dict[str, Any]) -> Replay:
    """Pipecat's decision in `turn_decision.Replay`'s terms, its first turn end as the one commit."""
    ended = decision["end_ms"]
    verdicts = [
        f"p={p:.2f} @{at - case.speech_end_ms:+.0f} ({took:.0f} ms)" for at, p, took in decision["calls"]
    ]
    return Replay(
        case, commits_ms=[] if ended is None else [ended], verdicts=[*verdicts, f"by {decision['by']}"]
    )


def row(label: str, split: str, replays: list[Replay]) -> str:
    result = outcome(replays)
    no_turn = sum(not r.commits_ms for r in replays if r.material.kind == "complete")
    return (
        f"| {label} | {split} | {result.pauses_cut}/{result.pauses} | "
        f"{result.complete_cut}/{result.complete} | "
        f"{result.percentile(50):.0f} / {result.percentile(95):.0f} ms | {no_turn} |"
    )


def model_cost(decisions: dict[str, dict[str, Any]], cases: list[Material]) -> list[str]:
    """Pipecat's Smart Turn calls: how many per case, what each took, and how complete clips ended."""
    lines = []
    for kind in ("pause", "complete"):
        calls = [decisions[c.id]["calls"] for c in cases if c.kind == kind]
        took = [t for case_calls in calls for _, _, t in case_calls]
        lines.append(
            f"{kind} cases: {len(calls)}, Smart Turn calls {len(took)} "
            f"({len(took) / max(1, len(calls)):.2f} a case), "
            f"each {np.percentile(took, 50):.0f} ms p50 / {np.percentile(took, 95):.0f} ms p95 "
            f"({sum(took) / max(1, len(calls)):.0f} ms a case)"
            if took
            else f"{kind} cases: {len(calls)}, no Smart Turn call"
        )
    by = [decisions[c.id]["by"] for c in cases if c.kind == "complete"]
    lines.append(
        f"complete clips ended by the model: {by.count('model')}, "
        f"by the 3 s fallback: {by.count('silence')}, no turn: {by.count(None)}"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--split", action="append", choices=SPLITS, help="default: all but the unheard splits"
    )
    parser.add_argument(
        "--by-place", action="store_true", help="pauses cut inside a sentence and between two, apart"
    )
    parser.add_argument("--verbose", action="store_true", help="each case's Pipecat verdicts")
    parser.add_argument("--cache", type=Path, default=CACHE, help="engine results (turn_decision.py's)")
    parser.add_argument(
        "--pipecat-python", type=Path, default=VENV_PYTHON, help=f"Pipecat's Python (made by {SETUP})"
    )
    args = parser.parse_args()
    if not args.pipecat_python.exists():
        raise SystemExit(f"no {args.pipecat_python}: run {SETUP} first")
    splits = tuple(args.split or (s for s in SPLITS if s not in UNHEARD))
    cases = build_cases(args.cache, splits)
    started = time.perf_counter()
    decisions = pipecat_decisions(cases, args.pipecat_python, args.cache / PIPECAT_CACHE)
    pipecat_s = time.perf_counter() - started
    engines = MeteredEngines(args.cache / "results.pickle")
    places = PlaceCache(args.cache / "places.pickle")
    vad: dict[str, VadRecord] = {}
    runs: dict[str, dict[str, list[Replay]]] = {}
    cost: dict[tuple[str, str], Counter[str]] = {}
    """Engine ms per (run, kind of case), and how many cases (`cases`)."""
    try:
        for eagerness in OURS:
            label = f"RealTalk {eagerness}"
            runs[label] = {s: [] for s in splits}
            for case in cases:
                before = Counter(engines.ms)
                runs[label][case.split].append(
                    replay(case, eagerness, engines, vad.setdefault(case.id, VadRecord()))
                )
                spent = cost.setdefault((label, case.kind), Counter())
                spent.update(engines.ms - before)
                spent["cases"] += 1
        runs[PIPECAT] = {s: [as_replay(c, decisions[c.id]) for c in cases if c.split == s] for s in splits}
        print("| decision | split | pauses cut | complete cut | complete: turn end p50 / p95 | no turn |")
        print("|---|---|---|---|---|---|")
        for split in (*splits, "pooled"):
            for label, results in runs.items():
                replays = [r for rs in results.values() for r in rs] if split == "pooled" else results[split]
                print(row(label, split, replays))
        if args.by_place:
            print(
                "\n| decision | split | within a sentence | between sentences | unplaced | complete cut ",
                end="",
            )
            print("| labels |")
            print("|---|---|---|---|---|---|---|")
            for label, results in runs.items():
                print(*places_cut(label, results, places), sep="\n")
    finally:
        engines.save()
        places.save()
    print(f"\n{PIPECAT} (Silero VAD + Smart Turn v3.2, defaults), {pipecat_s:.0f} s for {len(cases)} cases:")
    print(*model_cost(decisions, cases), sep="\n")
    print("\nRealTalk's engine results, ms a case as first computed (the cache keeps that time):")
    for (label, kind), spent in cost.items():
        engines_ms = ", ".join(f"{e} {ms / spent['cases']:.0f} ms" for e, ms in spent.items() if e != "cases")
        print(f"{label}, {kind} cases: {engines_ms or 'none'}")
    if args.verbose:
        for r in (r for rs in runs[PIPECAT].values() for r in rs):
            end = "cut" if r.cut_off else "no turn" if r.turn_end_ms is None else f"{r.turn_end_ms:.0f} ms"
            print(f"    {r.material.id:32s} {end:>8s}  {'  '.join(r.verdicts)}")
    print(f"({time.perf_counter() - started:.0f} s; {engines.fresh} engine results computed afresh)")


if __name__ == "__main__":
    main()
