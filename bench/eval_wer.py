"""Whisper's word error rate on the conversation evaluation's turns, spoken by espeak-ng with noise.

The turns of `bench/eval/<half>.json` are synthesised as `conversation_eval.py --spoken` does
(same voices, noise and seeds) and transcribed by the bundled Whisper tiny.en, prompted three ways:
not at all, with the tools' vocabulary (what a session without task titles gets), and with the
tools' vocabulary plus the open task titles of the `home` fixture (what `tools.vocabulary` adds);
and, as a session hears now, Whisper's `--nbest` best readings with that prompt and the reading the
conversation makes most sense of (`session/hypotheses.py`), with its extra latency over greedy.
Run from the repository root: `python bench/eval_wer.py [--half dev] [--beam N] [--nbest N]`.
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
from realtalk.session.hearing import Expectation, with_known  # noqa: E402
from realtalk.session.hypotheses import Fit, choose  # noqa: E402


def words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower()).split()) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=["dev", "test"], default="dev")
    parser.add_argument("--beam", type=int, default=1, help="beam size (1 = greedy)")
    parser.add_argument("--nbest", type=int, default=5, help="readings to choose from (as sessions do)")
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
    expecting = Expectation.of(builtin_apps()["task-manager"].tools.specs(), None)
    tools = expecting.prompt()
    engine = WhisperStt(beam_size=args.beam)
    print(f"{len(turns)} turns of the {args.half} half, Whisper tiny.en, beam={args.beam}")
    reference = [words(text) for text, *_ in turns]
    greedy: list[float] = []
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
        greedy = took
        report(label, reference, heard, took, titles)
    heard, took = [], []
    prompt = with_known(tools, titles)
    for samples in audio:
        start = time.perf_counter()
        readings = engine.transcribe_nbest(samples, prompt=prompt, n=args.nbest).alternatives
        heard.append(words(choose(readings, expecting, titles).text))
        took.append(1000 * (time.perf_counter() - start))
    report(f"+ {args.nbest}-best chosen", reference, heard, took, titles)
    extra = [n - g for n, g in zip(took, greedy, strict=True)]
    print(f"  extra latency of the n-best step over greedy: median {statistics.median(extra):.0f} ms, "
          f"p95 {float(np.percentile(extra, 95)):.0f} ms")  # fmt: skip


def report(label: str, reference: list[str], heard: list[str], took: list[float], titles: list[str]) -> None:
    """WER, latency, and how many turns were heard naming a task they did not name (a prompt's
    names can make Whisper hear them where they were not said)."""
    names = Fit(Expectation(()), titles)
    invented = sum(names.of(h) > names.of(r) for r, h in zip(reference, heard, strict=True))
    error, median, p95 = jiwer.wer(reference, heard), statistics.median(took), float(np.percentile(took, 95))
    print(f"  {label:19} WER {error:.3f}  latency median {median:.0f} ms, p95 {p95:.0f} ms; "
          f"names heard that were not said: {invented}")  # fmt: skip


if __name__ == "__main__":
    main()
