"""Whisper's word error rate on the conversation evaluation's turns, spoken by espeak-ng with noise.

The turns of `bench/eval/<half>.json` are synthesised as `conversation_eval.py --spoken` does
(same voices, noise and seeds) and transcribed by the bundled Whisper tiny.en, prompted three ways:
not at all, with the tools' vocabulary (what a session without task titles gets), and with the
tools' vocabulary plus the open task titles of the `home` fixture (what `tools.vocabulary` adds).
Run from the repository root: `python bench/eval_wer.py [--half dev] [--beam N]`.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

import jiwer
import numpy as np
import soxr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from conversation_eval import EVAL, VOICES, speak  # noqa: E402
from realtalk.apps import builtin_apps  # noqa: E402
from realtalk.engines.whisper_stt import WhisperStt  # noqa: E402
from realtalk.session.hearing import context_prompt, with_known  # noqa: E402


def words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower()).split()) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=["dev", "test"], default="dev")
    parser.add_argument("--beam", type=int, default=1, help="beam size (1 = greedy)")
    args = parser.parse_args()
    cases = json.loads((EVAL / f"{args.half}.json").read_text())
    titles = [t["title"] for t in json.loads((EVAL / "fixtures.json").read_text())["home"]]
    turns = []
    for app in ("task-manager", "escape-room"):  # numbered per app, as conversation_eval does
        for number, case in enumerate(c for c in cases if c["app"] == app):
            turns += [
                (text, VOICES[number % len(VOICES)], number * 10 + i) for i, text in enumerate(case["turns"])
            ]
    audio = [
        soxr.resample(np.frombuffer(speak(*turn), "<i2").astype(np.float32) / 32768, 24000, 16000)
        for turn in turns
    ]
    tools = context_prompt(builtin_apps()["task-manager"].tools.specs(), None)
    engine = WhisperStt(beam_size=args.beam)
    print(f"{len(turns)} turns of the {args.half} half, Whisper tiny.en, beam={args.beam}")
    for label, prompt in (
        ("no prompt", None),
        ("tools", tools),
        ("tools + titles", with_known(tools, titles)),
    ):
        heard, took = [], []
        for samples in audio:
            start = time.perf_counter()
            heard.append(words(engine.transcribe(samples, prompt=prompt).text))
            took.append(1000 * (time.perf_counter() - start))
        error = jiwer.wer([words(text) for text, *_ in turns], heard)
        p95 = float(np.percentile(took, 95))
        print(
            f"  {label:15} WER {error:.3f}  latency median {statistics.median(took):.0f} ms, p95 {p95:.0f} ms"
        )


if __name__ == "__main__":
    main()
