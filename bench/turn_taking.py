"""Turn-taking side by side: the 500 ms silence window vs semantic end of turn, in one run.

Builds the evaluation material from real recorded speech (Debian's pocketsphinx-testdata) into
a scenario file, starts a server (or uses `--url`), and runs `realtalk eval`'s runner on it:

- complete utterances (LibriVox sentences, card names, "go forward ten meters");
- the LibriVox sentences with 700 / 1200 ms of silence spliced into a pause between two words
  in the middle of the sentence (the quiet stretch nearest 40 % and 65 % of the speech);
- backchannels during a reply: "mm-hm", "yeah", "uh-huh" (Piper, the server's own TTS voice,
  at two speeds), a synthesised cough and door slam;
- real interruptions: the recorded card names spoken over the reply;
- speech in noise: white / pink / babble / hum at 5, 10 and 20 dB SNR, and noise alone at 10 dB.

Cases are split into a dev half (tune on it) and a test half (report it, never tune on it) by
source recording, so no test sentence was heard while tuning.

Run from the repository root: `python bench/turn_taking.py [--split dev|test] [--kind KIND]
[--config NAME] [--out DIR] [--against REV]` (`--kind backchannel --kind interruption`: the
barge-in cases only, ~3 min; `--config semantic-high` / `semantic-low`: the other eagerness
settings; `--against main`: the same cases also on a second server running git revision REV's
code, each case on both in turn, its rows labelled `config@REV`).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import soxr
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.live_server import API_KEY, start_server
from tests.speech_data import DATA_DIR, cards_clips, librivox_clips, raw_clips

from realtalk.engines.piper_tts import PiperTts
from realtalk.evaluation import audio as au
from realtalk.evaluation.command import realtime_url
from realtalk.evaluation.metrics import text_table
from realtalk.evaluation.report import write_report
from realtalk.evaluation.runner import CaseResult, run_scenario
from realtalk.evaluation.scenario import CASE_KINDS, load_scenario


def _semantic(eagerness: str) -> dict[str, Any]:
    return {"audio": {"input": {"turn_detection": {"type": "semantic_vad", "eagerness": eagerness}}}}


CONFIGS: dict[str, dict[str, Any]] = {
    "silence-500ms": {"audio": {"input": {"turn_detection": {"type": "server_vad"}}}},
    "semantic": _semantic("auto"),
    "semantic-high": _semantic("high"),
    "semantic-low": _semantic("low"),
}
DEFAULT_CONFIGS = ["silence-500ms", "semantic"]
"""What a plain run compares; the other eagerness settings on request (`--config`)."""
TEST_SOURCES = {"0880", "0930", "002", "004", "goforward"}
"""Recordings whose cases form the test half."""
PAUSES_MS = (700, 1200)
PROMPT = "Tell me about the weather on the moon."
NOISE_SNRS = (20, 10, 5)


def _split(path: Path) -> str:
    return "test" if any(path.stem.endswith(s) for s in TEST_SOURCES) else "dev"


def _gaps_near(samples: au.Samples, fractions: tuple[float, ...]) -> list[float]:
    start, end = au.speech_bounds_ms(samples)
    gaps = au.word_gaps_ms(samples)
    chosen: list[float] = []
    for fraction in fractions:
        target = start + fraction * (end - start)
        candidates = [g for g in gaps if start + 0.25 * (end - start) < g < end - 0.2 * (end - start)]
        if candidates:
            best = min(candidates, key=lambda g: abs(g - target))
            if best not in chosen:
                chosen.append(best)
    return chosen


def _cough(seed: int) -> au.Samples:
    """Two bursts of band-limited noise with a fast attack and ~80 ms decay."""
    rng = np.random.default_rng(seed)
    burst_t = np.arange(int(0.25 * au.SAMPLE_RATE)) / au.SAMPLE_RATE
    spectrum = np.fft.rfft(rng.standard_normal(len(burst_t)))
    freqs = np.fft.rfftfreq(len(burst_t), 1 / au.SAMPLE_RATE)
    spectrum[(freqs < 250) | (freqs > 3500)] = 0
    burst = np.fft.irfft(spectrum, len(burst_t)) * np.exp(-burst_t / 0.08) * (1 - np.exp(-burst_t / 0.005))
    burst /= np.abs(burst).max()
    out = np.concatenate([0.5 * burst, au.silence(120), 0.35 * burst])
    return out.astype(np.float32)


def _door_slam(seed: int) -> au.Samples:
    """A thump (70 Hz, 150 ms decay) and a crack of broadband noise (30 ms decay)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.6 * au.SAMPLE_RATE)) / au.SAMPLE_RATE
    thump = np.sin(2 * np.pi * 70 * t) * np.exp(-t / 0.15)
    crack = rng.standard_normal(len(t)) * np.exp(-t / 0.03)
    out = 0.6 * thump + 0.4 * crack
    slam: au.Samples = (0.7 * out / np.abs(out).max()).astype(np.float32)
    return slam


def build_material(out: Path) -> Path:
    """Write the non-recorded clips and `scenario.yaml` into `out`; return the scenario path."""
    out.mkdir(parents=True, exist_ok=True)
    cases: list[dict[str, Any]] = []
    librivox = librivox_clips()
    spoken = [*librivox, *cards_clips(), *raw_clips()]
    for path, text in spoken:
        cases.append(
            {
                "id": f"complete-{path.stem[-4:]}",
                "kind": "complete",
                "split": _split(path),
                "audio": str(path),
                "transcript": text,
            }
        )
    for path, text in librivox:
        samples = au.load_wav_16k(path)
        for gap_index, gap in enumerate(_gaps_near(samples, (0.4, 0.65))):
            for pause in PAUSES_MS:
                cases.append(
                    {
                        "id": f"pause-{path.stem[-4:]}-{gap_index}-{pause}",
                        "kind": "pause",
                        "split": _split(path),
                        "audio": str(path),
                        "transcript": text,
                        "pauses": [[round(gap), pause]],
                    }
                )
    noise_index = 0
    for kind in ("white", "pink", "babble", "hum"):
        for snr in NOISE_SNRS:
            path, text = spoken[noise_index % len(spoken)]
            noise_index += 1
            cases.append(
                {
                    "id": f"noisy-{kind}-{snr}dB-{path.stem[-4:]}",
                    "kind": "noisy",
                    "split": _split(path),
                    "audio": str(path),
                    "transcript": text,
                    "noise": {"type": kind, "snr_db": snr},
                }
            )
        for split, seed in (("dev", 1), ("test", 2)):
            cases.append(
                {
                    "id": f"noise-{kind}-10dB-{split}",
                    "kind": "noise",
                    "split": split,
                    "duration_ms": 15000,
                    "noise": {"type": kind, "snr_db": 10, "seed": seed},
                }
            )
    tts = PiperTts()
    for word in ("Mm-hm.", "Yeah.", "Uh-huh."):
        for speed, split in ((1.0, "dev"), (1.3, "test")):
            pcm = tts.synthesize(word, speed=speed).astype(np.float32) / 32768.0
            clip = np.asarray(soxr.resample(pcm, tts.sample_rate, au.SAMPLE_RATE), dtype=np.float32)
            name = f"backchannel-{word.strip('.').lower()}-{speed}"
            au.write_wav_16k(out / f"{name}.wav", clip)
            cases.append(
                {
                    "id": name,
                    "kind": "backchannel",
                    "split": split,
                    "audio": f"{name}.wav",
                    "prompt": PROMPT,
                    "transcript": word,
                }
            )
    for name, clip, split in (
        ("cough", _cough(1), "dev"),
        ("door", _door_slam(2), "dev"),
        ("cough-2", _cough(3), "test"),
        ("door-2", _door_slam(4), "test"),
    ):
        au.write_wav_16k(out / f"{name}.wav", clip)
        cases.append(
            {
                "id": f"backchannel-{name}",
                "kind": "backchannel",
                "split": split,
                "audio": f"{name}.wav",
                "prompt": PROMPT,
            }
        )
    for path, text in [*cards_clips(), *raw_clips()]:
        cases.append(
            {
                "id": f"interruption-{path.stem[-4:]}",
                "kind": "interruption",
                "split": _split(path),
                "audio": str(path),
                "prompt": PROMPT,
                "transcript": text,
            }
        )
    scenario = {"configs": CONFIGS, "babble_sources": [str(p) for p, _ in librivox], "cases": cases}
    path = out / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False), encoding="utf-8")
    return path


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="http://host:port of a running server (default: start one)")
    parser.add_argument("--key", default=API_KEY)
    parser.add_argument("--split", choices=("dev", "test"), help="run one half only")
    parser.add_argument("--config", action="append", choices=sorted(CONFIGS), help="default: the first two")
    parser.add_argument("--kind", action="append", choices=CASE_KINDS, help="run these kinds of case only")
    parser.add_argument("--out", type=Path, help="where the material and report go (default: a temp dir)")
    parser.add_argument("--against", metavar="REV", help="also a server running this git revision's code")
    args = parser.parse_args()
    if not (DATA_DIR / "librivox").is_dir():
        raise SystemExit("needs Debian's pocketsphinx-testdata (scripts/setup.sh --dev)")
    out = args.out or Path(tempfile.mkdtemp(prefix="realtalk-turns-"))
    scenario = load_scenario(build_material(out))
    if args.kind:
        scenario = replace(scenario, cases=[c for c in scenario.cases if c.kind in args.kind])
    servers = []
    if args.url:
        bases = {"": args.url}
    else:
        servers.append(start_server(out / "server"))
        bases = {"": servers[0].http_url}
    if args.against:
        servers.append(start_server(out / "server-against", PYTHONPATH=str(_source_of(args.against, out))))
        bases[f"@{args.against}"] = servers[-1].http_url

    def progress(result: CaseResult) -> None:
        stages = "  ".join(f"{k} {v:.0f}" for k, v in result.stages.items())
        status = result.error or ", ".join(f"{k}={v}" for k, v in result.outcome.items())
        print(f"  {result.case.id:30s} {result.config:14s} {status}  {stages}", flush=True)

    results: list[CaseResult] = []
    try:
        # Each case on every server in turn, the first server changing per case, so the shared
        # machine's load drifts hit them alike.
        for index, case in enumerate(scenario.split(args.split)):
            labels = list(bases)
            for label in labels[index % len(labels) :] + labels[: index % len(labels)]:
                for result in await run_scenario(
                    replace(scenario, cases=[case]),
                    realtime_url(bases[label], "bench"),
                    args.key,
                    configs=args.config or DEFAULT_CONFIGS,
                ):
                    results.append(replace(result, config=result.config + label))
                    progress(results[-1])
    finally:
        for server in servers:
            server.stop()
    print()
    print(text_table(results))
    write_report(results, out / "report.html", "Turn-taking: silence window vs semantic end of turn")
    print(f"\nreport: {out / 'report.html'}")


def _source_of(revision: str, out: Path) -> Path:
    """Git revision `revision`'s `src/`, exported under `out` (what its server imports)."""
    target = out / f"src-{revision.replace('/', '_')}"
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", revision, "src"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


if __name__ == "__main__":
    asyncio.run(main())
