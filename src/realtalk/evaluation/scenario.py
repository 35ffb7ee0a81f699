"""Scenario files: which audio to play to the server, in which situation, and what should happen.

A scenario file (YAML or JSON) holds the session configurations to compare and the cases::

    configs:                      # name -> partial GA `session` applied with session.update
      silence-500ms: {audio: {input: {turn_detection: {type: server_vad}}}}
      semantic: {audio: {input: {turn_detection: {type: semantic_vad}}}}
    cases:
      - id: pause-0870-a
        kind: pause               # see CASE_KINDS
        split: dev                # dev | test: tune on dev, report test untouched
        audio: /path/to/clip.wav  # relative paths are relative to the scenario file
        transcript: the words said
        pauses: [[1210, 900]]     # (at_ms in the clip, silence ms) spliced in
        noise: {type: pink, snr_db: 10}
        prompt: Tell me a story.  # backchannel/interruption: what makes the agent talk first
        after_ms: 800             # ... and how far into its reply audio the clip starts
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast, get_args

import numpy as np
import yaml

from . import audio as au
from .noise import NOISE_KINDS, REFERENCE_SPEECH_DB, NoiseKind, generate, mix

CaseKind = Literal["complete", "pause", "noisy", "noise", "backchannel", "interruption"]
CASE_KINDS: tuple[CaseKind, ...] = get_args(CaseKind)
LEAD_IN_MS = 600
"""Silence (or noise) before the clip: the VAD and a noise estimate see some background first."""
TAIL_MS = 3000
"""After the clip: room for the slowest end of turn and the reply's first audio."""
NOISE_ALONE_MS = 30_000


class ScenarioError(ValueError):
    """The scenario file is malformed; the message names the case and field."""


@dataclass(frozen=True)
class Noise:
    kind: NoiseKind
    snr_db: float
    seed: int = 0


@dataclass(frozen=True)
class Case:
    id: str
    kind: CaseKind
    split: str
    audio: Path | None
    transcript: str = ""
    pauses: tuple[tuple[float, float], ...] = ()
    noise: Noise | None = None
    prompt: str = ""
    after_ms: float = 800.0
    duration_ms: float = NOISE_ALONE_MS

    @property
    def reactive(self) -> bool:
        """Played into the agent's reply instead of from the start."""
        return self.kind in ("backchannel", "interruption")


@dataclass(frozen=True)
class Scenario:
    path: Path
    configs: dict[str, dict[str, Any]]
    cases: list[Case]
    babble_sources: list[Path] = field(default_factory=list)

    def split(self, name: str | None) -> list[Case]:
        return [c for c in self.cases if name is None or c.split == name]


@dataclass(frozen=True)
class PreparedAudio:
    """A case's input, ready to stream: the samples, and where the speech in them ends."""

    samples: au.Samples
    speech_end_ms: float | None
    """Offset of the last speech in `samples` (None: there is no speech)."""
    onset_ms: float | None


def load_scenario(path: Path | str) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ScenarioError(f"{path}: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), list):
        raise ScenarioError(f"{path}: expected an object with a 'cases' list")
    configs = raw.get("configs") or {"default": {}}
    if not isinstance(configs, dict) or not all(isinstance(v, dict) for v in configs.values()):
        raise ScenarioError(f"{path}: 'configs' must map names to partial session objects")
    base = path.parent
    cases = [_case(entry, index, base) for index, entry in enumerate(raw["cases"])]
    ids = [c.id for c in cases]
    if len(set(ids)) != len(ids):
        raise ScenarioError(f"{path}: case ids must be unique")
    sources = [base / str(p) for p in raw.get("babble_sources") or []]
    return Scenario(path, configs, cases, sources)


def _case(entry: object, index: int, base: Path) -> Case:
    if not isinstance(entry, dict):
        raise ScenarioError(f"case {index}: expected an object")
    case_id = str(entry.get("id") or f"case-{index}")
    kind = entry.get("kind")
    if kind not in CASE_KINDS:
        raise ScenarioError(f"case {case_id}: 'kind' must be one of {', '.join(CASE_KINDS)}")
    audio = entry.get("audio")
    if audio is None and kind != "noise":
        raise ScenarioError(f"case {case_id}: 'audio' is required for kind {kind}")
    noise = entry.get("noise")
    if noise is not None:
        if not isinstance(noise, dict) or noise.get("type") not in NOISE_KINDS:
            raise ScenarioError(f"case {case_id}: 'noise.type' must be one of {', '.join(NOISE_KINDS)}")
        noise = Noise(noise["type"], float(noise.get("snr_db", 10)), int(noise.get("seed", index)))
    if kind in ("noise", "noisy") and noise is None:
        raise ScenarioError(f"case {case_id}: kind {kind} needs 'noise'")
    if kind in ("backchannel", "interruption") and not entry.get("prompt"):
        raise ScenarioError(f"case {case_id}: kind {kind} needs a 'prompt' that makes the agent talk")
    try:
        pauses = tuple((float(at), float(ms)) for at, ms in entry.get("pauses") or [])
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"case {case_id}: 'pauses' must be [at_ms, length_ms] pairs") from exc
    return Case(
        id=case_id,
        kind=cast(CaseKind, kind),
        split=str(entry.get("split", "dev")),
        audio=(base / str(audio)) if audio is not None else None,
        transcript=str(entry.get("transcript", "")),
        pauses=pauses,
        noise=noise,
        prompt=str(entry.get("prompt", "")),
        after_ms=float(entry.get("after_ms", 800)),
        duration_ms=float(entry.get("duration_ms", NOISE_ALONE_MS)),
    )


def prepare(case: Case, babble: list[au.Samples]) -> PreparedAudio:
    """The samples to stream for `case`: lead-in, clip (pauses spliced in), tail, noise over all."""
    if case.audio is None:
        body = au.silence(case.duration_ms)
        onset = end = None
    else:
        clip = au.splice_pauses(au.load_wav_16k(case.audio), list(case.pauses))
        onset, end = au.speech_bounds_ms(clip)
        body = clip
    if case.reactive:  # streamed into the reply as it is; the gaps around it are the server's
        return PreparedAudio(body, end, onset)
    samples = np.concatenate([au.silence(LEAD_IN_MS), body, au.silence(TAIL_MS if end is not None else 0)])
    if case.noise is not None:
        noise = generate(case.noise.kind, len(samples), seed=case.noise.seed, talkers=babble)
        # The SNR is against the speech itself; noise alone is set against a nominal talker.
        level = au.active_level_db(body) if end is not None else REFERENCE_SPEECH_DB
        samples = mix(samples, noise, case.noise.snr_db, level)
    shift = LEAD_IN_MS
    return PreparedAudio(
        samples, None if end is None else end + shift, None if onset is None else onset + shift
    )
