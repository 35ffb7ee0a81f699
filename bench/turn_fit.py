"""Semantic end of turn: the pause's verdicts weighed together, fitted and checked split by split.

`bench/turn_decision.py` replays each case through the session; here each case of the tuning
splits is replayed once with a timing that never ends a turn at once but reads every verdict, and
every pause the detector judges is logged (when, the turn-end model's probability, the transcript,
the fade, Whisper's scores). Since the verdicts do not depend on the decision, and `auto` waits
the same on every pause it does not end at once (2 s; 4 s where the words read unfinished, whatever
the verdicts), any decision is then replayed from the log
in milliseconds: a case ends at the first judged pause the decision ends at once (cut if the
speech goes on after it), else where the logged run ended it.

On the log, a linear score of the verdicts of the pauses whose words read finished
(`fused_turn_end.FusedVerdicts`, five weights) and its threshold are chosen as `choose` chooses
`auto`: the fastest complete-utterance turn end with at most 2 % of turns cut (`low`, never at
once, cuts none). Leave one split out: fitted on the other tuning splits, measured on the one left
out, beside main's `auto` (the cascade of hand-set bounds) replayed from the same log. Then
fitted on all: `fused_turn_end.FUSED`, which `turn_decision.py --fused` replays through the
session (measured on `fresh2` in the twelfth round, and not adopted).

`--waits` (fifteenth round) chooses each eagerness's `settle_ms` the same way, leave one split out,
with the whole session replayed per setting (the log holds one wait); `--bounds` re-chooses
`auto`'s hand-set bounds (fourteenth).

Run from the repository root: `python bench/turn_fit.py` (about 2.5 min with the engine cache
that `turn_decision.py` shares, 4-5 min more the first time; the log is cached too).
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fused_turn_end import FEATURES, FUSED, FusedVerdicts, features
from bench.pause_place import PlaceCache
from bench.turn_decision import (
    CACHE,
    TUNING_SPLITS,
    CachedEngines,
    JudgedPause,
    Material,
    Outcome,
    Replay,
    VadRecord,
    build_cases,
    outcome,
    places_cut,
    replay,
    timing_as,
)

from realtalk.session import turn_detection

CASCADE = turn_detection.SEMANTIC_TIMING["auto"]
"""Main's `auto`: every verdict past its own hand-set bound."""
LOGGING = replace(CASCADE, confident=1.01)
"""Never at once (Smart Turn is never above 1), every verdict asked for, the full stop included;
the speech before each pause counted since the last judged one, as `quick_end_after_ms` counts."""
MAX_CUT_SHARE = 0.02
"""`choose`'s rule: `auto` may cut 2 points more turns than `low`, which cuts none."""
VARIANTS = {
    "fused": FEATURES,
    "fused, no full stop": tuple(f for f in FEATURES if f != "full_stop"),
}
"""What is fitted: every verdict, or all but Whisper's full stop (which costs the live recogniser
a forced decode of its best reading wherever the decision may read it)."""
DIRECTIONS = 3000
"""Weight directions tried (seeded): five weights, so a few thousand cover them finely."""


@dataclass(frozen=True)
class Logged:
    material: Material
    pauses: tuple[JudgedPause, ...]
    commit_ms: float
    """Where the logged run (never at once) ended the turn."""


def log_cases(cases: list[Material], engines: CachedEngines) -> list[Logged]:
    """Each case that makes a turn, logged (`fresh3`'s "Noise" never does: VAD hears no speech)."""
    engines.keep_full_stop = True
    logged = []
    with timing_as("auto", LOGGING):
        for case in cases:
            pauses: list[JudgedPause] = []
            result = replay(case, "auto", engines, VadRecord(), pauses)
            if result.commits_ms:
                logged.append(Logged(case, tuple(pauses), result.commits_ms[0]))
    engines.keep_full_stop = False
    return logged


def _closed(pause: JudgedPause) -> bool:
    return turn_detection.transcript_ending(pause.transcript) == "closed"


def _features(pause: JudgedPause) -> tuple[float, ...]:
    return features(pause.probability, pause.drop_db, pause.scores)


def ends_with(timing: turn_detection.SemanticTiming) -> Callable[[JudgedPause], bool]:
    """Whether `timing`'s cascade ends the turn at a pause."""

    def ends(pause: JudgedPause) -> bool:
        wait = turn_detection.pause_wait_ms(
            timing, pause.probability, pause.transcript, pause.drop_db, pause.scores, pause.speech_ms
        )
        return wait == 0

    return ends


cascade = ends_with(CASCADE)
"""Whether main's `auto` ends the turn at a pause."""


def weighed(fused: FusedVerdicts) -> Callable[[JudgedPause], bool]:
    def ends(pause: JudgedPause) -> bool:
        return fused.wait_ms(CASCADE, pause.probability, pause.transcript, pause.drop_db, pause.scores) == 0

    return ends


def simulate(logged: list[Logged], ends_at_once: Callable[[JudgedPause], bool]) -> Outcome:
    """A decision's outcome replayed from the log (every pause it does not end at once waits 2 s,
    as `auto`'s do)."""
    cut = {"pause": 0, "complete": 0}
    count = {"pause": 0, "complete": 0}
    ends: list[float] = []
    for case in logged:
        end = case.material.speech_end_ms
        commit = next((p.at_ms for p in case.pauses if ends_at_once(p)), case.commit_ms)
        count[case.material.kind] += 1
        cut[case.material.kind] += commit < end
        if case.material.kind == "complete" and commit >= end:
            ends.append(commit - end)
    return Outcome(cut["pause"], count["pause"], cut["complete"], count["complete"], tuple(ends))


@dataclass(frozen=True)
class Scored:
    """One case's pauses whose words read finished, as standardised features: those before the
    speech ended, and those after it with when (ms after the end of speech)."""

    complete: bool
    before: np.ndarray
    after: list[tuple[float, np.ndarray]]
    commit_ms: float
    """The logged run's turn end, after the speech."""


def _scored(logged: list[Logged], mean: np.ndarray, std: np.ndarray) -> list[Scored]:
    cases = []
    for case in logged:
        end = case.material.speech_end_ms
        closed = [(p.at_ms - end, (np.array(_features(p)) - mean) / std) for p in case.pauses if _closed(p)]
        before = np.array([x for at, x in closed if at < 0]).reshape(-1, len(FEATURES))
        after = [(at, x) for at, x in closed if at >= 0]
        cases.append(Scored(case.material.kind == "complete", before, after, case.commit_ms - end))
    return cases


def _operating_point(cases: list[Scored], direction: np.ndarray) -> tuple[float, float, int]:
    """The lowest threshold on `direction`'s score that cuts at most `MAX_CUT_SHARE` of the turns
    (a case is cut when a pause before its speech ended scores at or above it), the complete
    utterances' turn-end p50 there, and how many of them end at once."""
    highest = np.sort([float((c.before @ direction).max(initial=-np.inf)) for c in cases])[::-1]
    allowed = int(MAX_CUT_SHARE * len(cases))
    threshold = float(highest[allowed]) + 1e-6  # above it, whatever the rounding of the raw weights
    ends = []
    at_once = 0
    for case in cases:
        if case.complete and not (case.before @ direction >= threshold).any():
            ends.append(next((at for at, x in case.after if x @ direction >= threshold), case.commit_ms))
            at_once += ends[-1] < case.commit_ms
    return threshold, float(np.median(ends)), at_once


def fit(logged: list[Logged], used: tuple[str, ...] = FEATURES, seed: int = 0) -> FusedVerdicts:
    """The weights (a direction in the standardised features, drawn at random, seeded) and the
    threshold `choose` would take: the fastest complete-utterance p50 (then the most ending at
    once) cutting at most `MAX_CUT_SHARE` of the turns. Searched directly: a logistic regression
    over every pause (tried first) spends its weights on pauses far from that operating point, and
    held out ended almost no complete utterance at once. Features not `used` weigh 0."""
    rows = np.array([_features(p) for case in logged for p in case.pauses if _closed(p)])
    mean, std = rows.mean(axis=0), rows.std(axis=0) + 1e-9
    cases = _scored(logged, mean, std)
    drawn = np.random.default_rng(seed).normal(size=(DIRECTIONS, len(FEATURES)))
    drawn[:, [i for i, name in enumerate(FEATURES) if name not in used]] = 0.0
    best: tuple[tuple[float, int], np.ndarray, float] | None = None
    for direction in drawn / np.linalg.norm(drawn, axis=1, keepdims=True):
        threshold, p50, at_once = _operating_point(cases, direction)
        if best is None or (p50, -at_once) < best[0]:
            best = ((p50, -at_once), direction, threshold)
    assert best is not None
    _, direction, threshold = best
    weights = direction / std
    return FusedVerdicts(float(-weights @ mean), tuple(float(w) for w in weights), threshold)


BOUNDS = {
    "confident": (0.5, 0.7, 0.9, 0.95),
    "falling_db": (-12.0, -15.0, -18.0, -21.0, -24.0),
    "clear_speech": (0.1, 0.15, 0.2, 0.25, 0.3, None),
    "full_stop": (None, 0.5, 0.6, 0.7, 0.8, 0.9),
    "sure_turn": (0.9, 0.95, None),
}
"""`--bounds`: the hand-set bounds of `auto`'s cascade re-chosen (2160 settings), Whisper's no-speech
bound (`clear_speech`) loosened or dropped among them (fourteenth round)."""


def bounds_grid() -> list[turn_detection.SemanticTiming]:
    names = list(BOUNDS)
    return [
        replace(CASCADE, **dict(zip(names, values, strict=True)))
        for values in itertools.product(*BOUNDS.values())
    ]


def chosen_without(split: str, outcomes: list[dict[str, Outcome]], main: dict[str, Outcome]) -> int | None:
    """Which decision (its outcomes per split) `choose` would take for `auto` on every split but
    `split`: no more cut turns than main's `auto` there (main cuts more than 2 % of the pooled
    tuning turns, so "2 points more than `low`" would allow more cuts than it makes), then the
    fastest complete-utterance p50, then fewer cuts. None: none cuts as few."""
    others = [s for s in main if s != split]
    allowed = pool([main[s] for s in others])
    best: tuple[tuple[float, int], int] | None = None
    for index, result in enumerate(outcomes):
        trained = pool([result[s] for s in others])
        cut = trained.pauses_cut + trained.complete_cut
        if cut <= allowed.pauses_cut + allowed.complete_cut:
            key = (trained.percentile(50), cut)
            best = best if best is not None and best[0] <= key else (key, index)
    return None if best is None else best[1]


def chosen_each_left_out(
    title: str, by_split: dict[str, list[Logged]], decisions: dict[str, Callable[[JudgedPause], bool]]
) -> None:
    """Leave one split out: of `decisions` (by their row's label), the one chosen on the other
    splits (`chosen_without`), measured on the split left out beside main's `auto`."""
    labels = list(decisions)
    outcomes = [
        {split: simulate(held, decisions[label]) for split, held in by_split.items()} for label in labels
    ]
    main_outcomes = {split: simulate(held, cascade) for split, held in by_split.items()}
    print(f"\n{title}")
    print("| decision | split left out | pauses cut | complete cut | turns cut | complete p50 / p95 |")
    print("|---|---|---|---|---|---|")
    held_out = []
    for split in by_split:
        index = chosen_without(split, outcomes, main_outcomes)
        if index is None:
            print(row("nothing cuts as few as main", split, main_outcomes[split]))
            held_out.append(main_outcomes[split])
            continue
        held_out.append(outcomes[index][split])
        print(row("main's `auto`", split, main_outcomes[split]))
        print(row(labels[index], split, held_out[-1]), flush=True)
    print(row("main's `auto`", "all", pool(list(main_outcomes.values()))))
    print(row("chosen, each split left out", "all", pool(held_out)))


def rechoose_bounds(by_split: dict[str, list[Logged]]) -> None:
    """`--bounds`: a setting of `bounds_grid` chosen with each split left out."""
    decisions = {
        "re-chosen (" + ", ".join(f"{name} {getattr(t, name)}" for name in BOUNDS) + ")": ends_with(t)
        for t in bounds_grid()
    }
    chosen_each_left_out(
        "The hand-set bounds re-chosen, leave one split out (`--bounds`)", by_split, decisions
    )


def fewest_cuts(outcomes: dict[str, dict[str, Outcome]], splits: list[str]) -> str:
    """Of `outcomes`, the one `turn_decision.choose` takes for `low` pooled over `splits`: the fewest
    cut turns, then the fastest complete-utterance p50 (one that ends no complete utterance within
    the replayed audio is the slowest)."""
    pooled = {label: pool([result[s] for s in splits]) for label, result in outcomes.items()}
    return min(pooled, key=lambda label: (pooled[label].cut_share, _p50(pooled[label])))


def _p50(result: Outcome) -> float:
    """The complete-utterance p50, inf where no complete utterance ended within the replayed audio
    (NaN would compare false both ways and leave `min`'s choice to the order)."""
    return float(np.nan_to_num(result.percentile(50), nan=np.inf))


def by_rule(outcomes: dict[str, dict[str, Outcome]], splits: list[str], fewest: float | None = None) -> str:
    """Of `outcomes` (a decision's per split, by its label), the one `turn_decision.choose` takes for
    `auto` pooled over `splits`: the fastest complete-utterance p50 within `MAX_CUT_SHARE` of the
    `fewest` cut turns (default: the fewest among them), then fewer cuts. Where none is so close to
    `fewest` (`auto`'s quick end alone cuts more than 2 points above `low`, and no wait changes
    that), within 2 points of the fewest among them."""
    pooled = {label: pool([result[s] for s in splits]) for label, result in outcomes.items()}
    least = min(p.cut_share for p in pooled.values())
    bound = (least if fewest is None or least > fewest + MAX_CUT_SHARE else fewest) + MAX_CUT_SHARE
    within = [label for label, p in pooled.items() if p.cut_share <= bound + 1e-9]
    return min(within, key=lambda label: (_p50(pooled[label]), pooled[label].cut_share))


def replays_by_split(
    cases: list[Material],
    eagerness: str,
    timing: turn_detection.SemanticTiming,
    engines: CachedEngines,
    vad: dict[str, VadRecord],
) -> dict[str, list[Replay]]:
    """`cases` replayed through the session with `timing` for `eagerness`, per tuning split."""
    with timing_as(eagerness, timing):
        replays = [replay(c, eagerness, engines, vad.setdefault(c.id, VadRecord())) for c in cases]
    return {s: [r for r in replays if r.material.split == s] for s in TUNING_SPLITS}


def replayed(
    cases: list[Material],
    eagerness: str,
    timing: turn_detection.SemanticTiming,
    engines: CachedEngines,
    vad: dict[str, VadRecord],
) -> dict[str, Outcome]:
    """`replays_by_split`'s outcome per split."""
    return {s: outcome(r) for s, r in replays_by_split(cases, eagerness, timing, engines, vad).items()}


BEFORE_WAITS = {"low": (2000, 2000), "auto": (2000, 2000)}
"""(settle, longest wait) of each eagerness before the fifteenth round: 2 s for all."""
SETTLE_MS = {"low": (2000, 3000, 4000, 8000), "auto": (1500, 2000, 3000, 4000)}
"""`--waits`: the `settle_ms` tried per eagerness, each up to its `max_silence_ms` (OpenAI's)."""


def rechoose_waits(cases: list[Material], engines: CachedEngines) -> None:
    """`--waits`: each eagerness's `settle_ms` chosen with each split left out (`low`: `fewest_cuts`;
    `auto`: `by_rule`, within 2 points of the share `low`'s choice cuts there), the whole session
    replayed per setting: the waits move where a turn ends, so the log cannot replay them."""
    before: dict[str, dict[str, Outcome]] = {}
    outcomes: dict[str, dict[str, dict[str, Outcome]]] = {}
    vad: dict[str, VadRecord] = {}
    for eagerness, settles in SETTLE_MS.items():
        timing = turn_detection.SEMANTIC_TIMING[eagerness]
        settle, longest = BEFORE_WAITS[eagerness]
        before[eagerness] = replayed(
            cases, eagerness, replace(timing, settle_ms=settle, max_silence_ms=longest), engines, vad
        )
        for split, result in [*before[eagerness].items(), ("all", pool(list(before[eagerness].values())))]:
            print(row(f"{eagerness} before", split, result), flush=True)
        outcomes[eagerness] = {}
        for ms in settles:
            label = f"{eagerness} settle {ms} / longest {timing.max_silence_ms} ms"
            outcomes[eagerness][label] = replayed(
                cases, eagerness, replace(timing, settle_ms=ms), engines, vad
            )
            for split, result in [
                *outcomes[eagerness][label].items(),
                ("all", pool(list(outcomes[eagerness][label].values()))),
            ]:
                print(row(label, split, result), flush=True)
    splits = list(TUNING_SPLITS)
    for eagerness in SETTLE_MS:
        print(f"\n`{eagerness}`'s settle, leave one split out (`--waits`)")
        print("| decision | split left out | pauses cut | complete cut | turns cut | complete p50 / p95 |")
        print("|---|---|---|---|---|---|")
        held_out = []
        for split in [*splits, None]:
            others = [s for s in splits if s != split]
            low = fewest_cuts(outcomes["low"], others)
            floor = pool([outcomes["low"][low][s] for s in others]).cut_share
            label = low if eagerness == "low" else by_rule(outcomes[eagerness], others, floor)
            if split is None:
                print(row("before", "all", pool(list(before[eagerness].values()))))
                print(row("chosen, each split left out", "all", pool(held_out)))
                print(f"On every split: {label}")
                break
            held_out.append(outcomes[eagerness][label][split])
            print(row("before", split, before[eagerness][split]))
            print(row(label, split, held_out[-1]), flush=True)


TARGET_MS = 350
"""Issue 11's target: complete utterances answered within 350 ms (p50) with at most 2 % of the
pauses cut (`MAX_CUT_SHARE`)."""


def ceiling(logged: list[Logged]) -> None:
    """`--ceiling`: how many complete utterances each decision ends at once, and within
    `TARGET_MS`, against how many must for a p50 within it (more than half), and the turns it
    cuts against the `MAX_CUT_SHARE` allowed: `auto`, and with its quick end held back 2 s since
    the last judged pause (`turn_detection.realtalk.quick_end_after_ms` 2000); every pause whose
    words read finished ending at once (the most the word rules let a quick end fire); and the
    verdicts weighed at the best operating point that cuts at most 2 % (`fit`, on all nine
    splits: tuned on them, so a ceiling, not a held-out number)."""
    allowed = int(MAX_CUT_SHARE * len(logged))
    print(f"\nThe target's ceiling (`--ceiling`): {len(logged)} turns, at most {allowed} may be cut")
    print(
        "| decision | turns cut | complete not cut | ended at once, after the speech p10 / p50 "
        "| within 350 ms | needed within 350 ms | complete p50 |"
    )
    print("|---|---|---|---|---|---|---|")
    decisions = (
        ("`auto`", cascade),
        (
            "`auto`, quick end after 2 s",
            ends_with(replace(CASCADE, quick_after_ms=2000)),
        ),
        ("every pause whose words read finished", _closed),
        ("the verdicts weighed, best at 2 % cut", weighed(fit(logged))),
    )
    for label, decision in decisions:
        result = simulate(logged, decision)
        at_once = [  # the complete utterances it ends at once after their speech: how long after
            first.at_ms - case.material.speech_end_ms
            for case in logged
            if case.material.kind == "complete"
            for first in [next((p for p in case.pauses if decision(p)), None)]
            if first is not None and first.at_ms >= case.material.speech_end_ms
        ]
        within = sum(end <= TARGET_MS for end in result.ends_ms)
        print(
            f"| {label} | {result.pauses_cut + result.complete_cut} | {len(result.ends_ms)} | "
            f"{len(at_once)}, {np.percentile(at_once, 10):.0f} / {np.median(at_once):.0f} ms | {within} | "
            f"{len(result.ends_ms) // 2 + 1} | {result.percentile(50):.0f} ms |"
        )


HOLD_MS = (1000, 1500, 2000, 2500, 3000)
"""`--hold` (sixteenth round): the speech a turn must have held before a pause may end it at once
(`quick_after_ms`), counted since its last judged pause; round 15's cut quick ends came 1.1-2.6 s
into the speech. (The round also counted from the onset, at `981261a`: the same cuts but one.)"""


def hold_grid() -> dict[str, turn_detection.SemanticTiming]:
    """`auto` with each hold-back of `HOLD_MS`, and without (`auto`)."""
    grid = {"no hold-back": CASCADE}
    for ms in HOLD_MS:
        grid[f"hold {ms} ms since the last pause"] = replace(CASCADE, quick_after_ms=ms)
    return grid


def clip_of(case: Material) -> str:
    """The recording a case was cut from (its complete clip and every splice share it)."""
    return re.sub(r"-(complete|pause\d+-\d+)$", "", case.id)


def cut_clips(replays: list[Replay]) -> str:
    """The clips with a cut turn, each with how many of its cases were cut."""
    cut = Counter(clip_of(r.material) for r in replays if r.cut_off)
    return f"{len(cut)} clips: " + ", ".join(f"{clip} {n}" for clip, n in sorted(cut.items()))


def rechoose_hold(cases: list[Material], engines: CachedEngines, places: PlaceCache) -> None:
    """`--hold`: `auto`'s hold-back (`hold_grid`) chosen with each split left out by `by_rule`
    (within 2 points of the share `low` cuts there), the whole session replayed per setting (a
    held quick end waits `settle_ms`, and the speech may go on: the log holds one decision).
    Per split and pooled, tuning (the other eight) and held out, with the pauses cut inside a
    sentence (`--by-place`) and the clips cut."""
    vad: dict[str, VadRecord] = {}
    low = replayed(cases, "low", turn_detection.SEMANTIC_TIMING["low"], engines, vad)
    print(row("low", "all", pool(list(low.values()))), flush=True)
    runs: dict[str, dict[str, list[Replay]]] = {}
    for label, timing in hold_grid().items():
        runs[label] = replays_by_split(cases, "auto", timing, engines, vad)
        for split, replays in runs[label].items():
            print(row(label, split, outcome(replays)))
        print(row(label, "all", outcome([r for rs in runs[label].values() for r in rs])), flush=True)
    outcomes = {label: {s: outcome(r) for s, r in run.items()} for label, run in runs.items()}
    splits = list(TUNING_SPLITS)
    print("\n`auto`'s hold-back, leave one split out (`--hold`): tuning = the other eight pooled")
    print("| decision | split | pauses cut | complete cut | turns cut | complete p50 / p95 |")
    print("|---|---|---|---|---|---|")
    held_out: dict[str, list[Replay]] = {}
    for split in splits:
        others = [s for s in splits if s != split]
        floor = pool([low[s] for s in others]).cut_share
        label = by_rule(outcomes, others, floor)
        held_out[split] = runs[label][split]
        print(row(f"{label}, tuning", f"all but {split}", pool([outcomes[label][s] for s in others])))
        print(row("no hold-back, held out", split, outcomes["no hold-back"][split]))
        print(row(f"{label}, held out", split, outcome(held_out[split])), flush=True)
    print(row("no hold-back", "all", pool(list(outcomes["no hold-back"].values()))))
    print(row("chosen, each split left out", "all", outcome([r for rs in held_out.values() for r in rs])))
    chosen = by_rule(outcomes, splits, pool(list(low.values())).cut_share)
    print(f"On all nine: {chosen}")
    print("\nPauses cut by place (`--by-place`)")
    print("| decision | split | within a sentence | between sentences | unplaced | complete cut | labels |")
    print("|---|---|---|---|---|---|---|")
    for label, results in (
        ("no hold-back", runs["no hold-back"]),
        ("chosen, each split left out", held_out),
        (f"{chosen}, on all nine", runs[chosen]),
    ):
        print(*places_cut(label, results, places), sep="\n")
    print("\nCut by clip")
    for label, results in (
        ("no hold-back", runs["no hold-back"]),
        ("chosen, each split left out", held_out),
        *((lab, run) for lab, run in runs.items() if lab != "no hold-back"),
    ):
        print(f"- {label}: {cut_clips([r for rs in results.values() for r in rs])}")


def pool(outcomes: list[Outcome]) -> Outcome:
    return Outcome(
        sum(o.pauses_cut for o in outcomes),
        sum(o.pauses for o in outcomes),
        sum(o.complete_cut for o in outcomes),
        sum(o.complete for o in outcomes),
        tuple(e for o in outcomes for e in o.ends_ms),
    )


def row(label: str, split: str, result: Outcome) -> str:
    return (
        f"| {label} | {split} | {result.pauses_cut}/{result.pauses} | "
        f"{result.complete_cut}/{result.complete} | "
        f"{100 * result.cut_share:.1f} % | {result.percentile(50):.0f} / {result.percentile(95):.0f} ms |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--cache",
        type=Path,
        default=CACHE,
        help="engine results (shared with turn_decision.py) and the log",
    )
    parser.add_argument(
        "--bounds", action="store_true", help="only re-choose the hand-set bounds, leave one split out"
    )
    parser.add_argument(
        "--waits", action="store_true", help="only re-choose each eagerness's settle, leave one split out"
    )
    parser.add_argument(
        "--hold",
        action="store_true",
        help="only choose `auto`'s hold-back of the quick end after little speech, leave one split out",
    )
    parser.add_argument(
        "--ceiling",
        action="store_true",
        help="only what issue 11's target asks of the quick end, against what the verdicts allow",
    )
    parser.add_argument(
        "--split", action="append", choices=TUNING_SPLITS, help="with --bounds: only these (default: all)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    if args.hold:
        engines = CachedEngines(args.cache / "results.pickle")
        places = PlaceCache(args.cache / "places.pickle")
        try:
            rechoose_hold(build_cases(args.cache, TUNING_SPLITS), engines, places)
        finally:
            engines.save()
            places.save()
        print(f"\n({time.perf_counter() - started:.0f} s; {engines.fresh} engine results computed afresh)")
        return
    if args.waits:
        engines = CachedEngines(args.cache / "results.pickle")
        try:
            rechoose_waits(build_cases(args.cache, TUNING_SPLITS), engines)
        finally:
            engines.save()
        print(f"\n({time.perf_counter() - started:.0f} s; {engines.fresh} engine results computed afresh)")
        return
    # Named by the splits and the waits: a log of fewer splits or other waits is not reused.
    waits = f"{LOGGING.settle_ms}-{LOGGING.max_silence_ms}"
    log_path = args.cache / f"judged-pauses-{len(TUNING_SPLITS)}-splits-{waits}.pickle"
    engines = CachedEngines(args.cache / "results.pickle")
    if log_path.exists():
        logged: list[Logged] = pickle.loads(log_path.read_bytes())
    else:
        try:
            logged = log_cases(build_cases(args.cache, TUNING_SPLITS), engines)
        finally:
            engines.save()
        log_path.write_bytes(pickle.dumps(logged))
    by_split = {s: [c for c in logged if c.material.split == s] for s in TUNING_SPLITS}
    judged = sum(len(c.pauses) for c in logged)
    print(f"{len(logged)} turns, {judged} judged pauses ({time.perf_counter() - started:.0f} s)\n")
    if args.ceiling:
        ceiling(logged)
        print(f"\n({time.perf_counter() - started:.0f} s; {engines.fresh} engine results computed afresh)")
        return
    if args.bounds:
        rechoose_bounds({s: by_split[s] for s in args.split or TUNING_SPLITS})
        print(f"\n({time.perf_counter() - started:.0f} s; {engines.fresh} engine results computed afresh)")
        return

    print("Leave one split out: fitted on the others, measured on the one left out")
    print("| decision | split left out | pauses cut | complete cut | turns cut | complete p50 / p95 |")
    print("|---|---|---|---|---|---|")
    for split, held in by_split.items():
        print(row("cascade (main's `auto`)", split, simulate(held, cascade)))
    print(row("cascade (main's `auto`)", "all", simulate(logged, cascade)))
    for label, used in VARIANTS.items():
        held_out = []
        for split, held in by_split.items():
            fused = fit([c for c in logged if c.material.split != split], used)
            held_out.append(simulate(held, weighed(fused)))
            print(row(label, split, held_out[-1]), flush=True)
        print(row(f"{label}, each split left out", "all", pool(held_out)))

    print("\nFitted on every tuning split")
    print("| decision | split | pauses cut | complete cut | turns cut | complete p50 / p95 |")
    print("|---|---|---|---|---|---|")
    fitted = {label: fit(logged, used) for label, used in VARIANTS.items()}
    for label, fused in fitted.items():
        for split, cases in [*by_split.items(), ("all", logged)]:
            print(row(label, split, simulate(cases, weighed(fused))))
    for label, fused in fitted.items():
        names = ", ".join(f"{name} {w:+.4f}" for name, w in zip(FEATURES, fused.weights, strict=True))
        print(f"\n{label}: bias {fused.bias:+.4f}, {names}; threshold {fused.threshold:+.4f}")
        print(repr(fused))
        print("(`fused_turn_end.FUSED`, replayed by `turn_decision.py --fused`)" if fused == FUSED else "")
    print(f"\n({time.perf_counter() - started:.0f} s; {engines.fresh} engine results computed afresh)")


if __name__ == "__main__":
    main()
