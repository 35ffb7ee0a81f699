"""Whisper's word error rate on the conversation evaluation's turns, spoken by espeak-ng with noise.

The turns of `bench/eval/<half>.json` are synthesised as `conversation_eval.py --spoken` does
(same voices, noise and seeds) and transcribed by the bundled Whisper tiny.en, prompted three ways:
not at all, with the tools' vocabulary of the case's app (what a session without task titles
gets), and with the tools' vocabulary plus the open task titles the case sets up (what
`tools.vocabulary` adds); and, as a session hears now, Whisper's `--nbest` best readings with that
prompt, their misheard words put back (`brain/sounds.py`), and the reading the conversation makes
most sense of (`session/hypotheses.py`), with its extra latency over greedy; "(as heard)" is the
choice without putting words back. First, how often putting words back would change the turns as
written (false rewrites). `--second-model base` also pools base's readings with tiny.en's
(`engines/pooled_stt.py`, `REALTALK_STT_SECOND_MODEL`), with its extra latency over tiny.en's
n-best alone. For the turns that say a code the tools take (4 digits for the Escape Room's door), how many
chosen readings give that code, as the brain reads it. Run from the repository root:
`python bench/eval_wer.py [--half dev dev2] [--app escape-room] [--beam N] [--nbest N]
[--second-model base] [--limit N]`.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import jiwer
import numpy as np
import soxr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from conversation_eval import VOICES, load, speak  # noqa: E402
from realtalk.apps import App, builtin_apps  # noqa: E402
from realtalk.brain import extract  # noqa: E402
from realtalk.brain.base import BrainRequest, Message  # noqa: E402
from realtalk.brain.builtin import BuiltinBrain  # noqa: E402
from realtalk.engines.base import Hypothesis, NBestSpeechToText  # noqa: E402
from realtalk.engines.pooled_stt import PooledStt  # noqa: E402
from realtalk.engines.whisper_stt import WhisperStt, packaged_model_dir  # noqa: E402
from realtalk.session.hearing import Expectation, with_known  # noqa: E402
from realtalk.session.hypotheses import Fit, Judge, best, choose, put_back  # noqa: E402


def words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower()).split()) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--half", nargs="+", default=["dev"], help="case files of bench/eval (dev, dev2, ...)"
    )
    parser.add_argument("--beam", type=int, default=1, help="beam size (1 = greedy)")
    parser.add_argument("--nbest", type=int, default=5, help="readings to choose from (as sessions do)")
    parser.add_argument(
        "--second-model", choices=["tiny.en", "base"], help="also pool its readings (PooledStt)"
    )
    parser.add_argument("--limit", type=int, help="at most this many turns")
    parser.add_argument("--app", choices=["task-manager", "escape-room"], help="only this app's turns")
    args = parser.parse_args()
    turns = [turn for half in args.half for turn in _turns(half) if args.app in (None, turn[3])][: args.limit]
    audio = [
        soxr.resample(np.frombuffer(speak(text, voice, seed), "<i2").astype(np.float32) / 32768, 24000, 16000)
        for text, voice, seed, _, _ in turns
    ]
    apps = builtin_apps()
    expecting = {
        app: Expectation.of(apps[app].tools.specs(), None, apps[app].session.get("instructions"))
        for app in ("task-manager", "escape-room")
    }
    typed_rewrites(turns, expecting)
    engine = WhisperStt(beam_size=args.beam)
    print(f"{len(turns)} turns of {', '.join(args.half)}, Whisper tiny.en, beam={args.beam}")
    reference = [words(text) for text, *_ in turns]
    titles = [names for *_, names in turns]
    greedy: list[float] = []
    for label, with_tools, with_titles in (
        ("no prompt", False, False),
        ("tools", True, False),
        ("tools + titles", True, True),
    ):
        heard, took = [], []
        for samples, (*_, app, names) in zip(audio, turns, strict=True):
            tools = expecting[app].prompt() if with_tools else None
            prompt = with_known(tools, names) if with_titles else tools
            start = time.perf_counter()
            heard.append(words(engine.transcribe(samples, prompt=prompt).text))
            took.append(1000 * (time.perf_counter() - start))
        greedy = took
        report(label, reference, heard, took, titles)
    engines: list[tuple[str, NBestSpeechToText]] = [(f"+ {args.nbest}-best chosen", engine)]
    if args.second_model:
        second = WhisperStt(
            packaged_model_dir(args.second_model, Path(tempfile.gettempdir()) / "realtalk-models")
        )
        engines.append((f"+ pooled with {args.second_model}", PooledStt(engine, second)))
    single: list[float] = []
    brain = BuiltinBrain()
    for label, recogniser in engines:
        heard, as_heard, took, found, codes, understood, judging, dry_runs = [], [], [], 0, [], [], [], []
        for samples, ref, (text, *_, app, names) in zip(audio, reference, turns, strict=True):
            start = time.perf_counter()
            prompt = with_known(expecting[app].prompt(), names)
            readings = recogniser.transcribe_nbest(
                samples, language="en", prompt=prompt, n=args.nbest
            ).alternatives
            chosen = choose(readings, expecting[app], names).text
            took.append(1000 * (time.perf_counter() - start))
            heard.append(words(chosen))
            asked: list[str] = []
            judge = first_turn_judge(brain, apps[app], names, asked)
            start = time.perf_counter()
            choose(readings, expecting[app], names)
            plain = time.perf_counter() - start
            start = time.perf_counter()
            understood.append(words(choose(readings, expecting[app], names, judge).text))
            dry_runs.append(len(asked))
            judging.append(1000 * (time.perf_counter() - start - plain))
            codes.append((spoken_code(text, expecting[app]), spoken_code(chosen, expecting[app])))
            as_heard.append(words(best(readings, expecting[app], names).text))
            found += any(words(r.text) == ref for r in readings)
        print(f"  {'(as heard)':19} WER {jiwer.wer(reference, as_heard):.3f}; words put back in "
              f"{sum(a != h for a, h in zip(as_heard, heard, strict=True))} turns")  # fmt: skip
        report(label, reference, heard, took, titles)
        print(f"  {'':19} said word for word among the readings: {found}/{len(turns)} turns; "
              f"chosen: {sum(r == h for r, h in zip(reference, heard, strict=True))}")  # fmt: skip
        print(f"  {'+ understood':19} WER {jiwer.wer(reference, understood):.3f}; chosen otherwise by the "
              f"brain's dry runs in {sum(u != h for u, h in zip(understood, heard, strict=True))} turns; "
              f"heard word for word {sum(r == u for r, u in zip(reference, understood, strict=True))}; "
              f"their extra latency: median {statistics.median(judging):.0f} ms, "
              f"p95 {float(np.percentile(judging, 95)):.0f} ms per turn, {sum(dry_runs)} dry runs "
              f"in {sum(n > 0 for n in dry_runs)} turns")  # fmt: skip
        said = [(w, h) for w, h in codes if w is not None]
        print(f"  {'':19} codes heard as said: {sum(w == h for w, h in said)}/{len(said)} turns that say one")
        base = single or greedy
        extra = [n - g for n, g in zip(took, base, strict=True)]
        print(f"  {'':19} extra latency over {'one model' if single else 'greedy'}: median "
              f"{statistics.median(extra):.0f} ms, p95 {float(np.percentile(extra, 95)):.0f} ms")  # fmt: skip
        single = took


def first_turn_judge(brain: BuiltinBrain, app: App, names: list[str], asked: list[str]) -> Judge:
    """The brain's verdict on a reading as the first turn of a conversation with `app` (a case's
    later turns are judged without the turns before them: an approximation of a session's); the
    readings it is asked about are added to `asked`."""
    instructions = str(app.session.get("instructions") or "")
    tools = app.tools.specs()

    def judge(text: str) -> int:
        asked.append(text)
        return brain.understands(BrainRequest(instructions, [Message("user", text)], tools, known=names))

    return judge


def typed_rewrites(
    turns: list[tuple[str, str, int, str, list[str]]], expecting: dict[str, Expectation]
) -> None:
    """How often putting words back (`brain/sounds.py`) would change what the user wrote: every
    change to a right transcript is a false rewrite."""
    changed, took = [], []
    for text, *_, app, names in turns:
        start = time.perf_counter()
        (put,) = put_back([Hypothesis(text, 0.0)], expecting[app], names)
        took.append(1000 * (time.perf_counter() - start))
        if put.text != text:
            changed.append(f"{text!r} -> {put.text!r}")
    median, p95 = statistics.median(took), float(np.percentile(took, 95))
    print(f"turns as written, words put back: {len(changed)}/{len(turns)} (false rewrites); "
          f"median {median:.2f} ms, p95 {p95:.2f} ms per turn")  # fmt: skip
    for change in changed:
        print(f"  {change}")


def spoken_code(text: str, expecting: Expectation) -> str | None:
    """The code of digits `text` gives (as the brain reads one), if the tools take one and it fits."""
    code = extract.code(extract.Utterance(text, datetime.now()), min_length=1, digits=True)
    lengths = {n for w in expecting.wanted for n in w.lengths}
    return code.value if code is not None and len(code.value) in lengths else None


def _turns(half: str) -> list[tuple[str, str, int, str, list[str]]]:
    """The half's turns as conversation_eval speaks them (voice and noise seed numbered per app),
    with the app and the open task titles its case sets up (what the session's prompt names)."""
    cases, fixtures = load(half)
    turns = []
    for app in ("task-manager", "escape-room"):
        for number, case in enumerate(c for c in cases if c["app"] == app):
            setup = case.get("setup", [])
            tasks = fixtures[setup] if isinstance(setup, str) else setup
            names = [t["title"] for t in tasks if t.get("status", "open") == "open"]
            voice = VOICES[number % len(VOICES)]
            turns += [(text, voice, number * 10 + i, app, names) for i, text in enumerate(case["turns"])]
    return turns


def report(
    label: str, reference: list[str], heard: list[str], took: list[float], titles: list[list[str]]
) -> None:
    """WER, latency, and how many turns were heard naming a task they did not name (a prompt's
    names can make Whisper hear them where they were not said)."""
    fits = [Fit(Expectation(()), names) for names in titles]
    invented = sum(f.of(h) > f.of(r) for f, r, h in zip(fits, reference, heard, strict=True))
    error, median, p95 = jiwer.wer(reference, heard), statistics.median(took), float(np.percentile(took, 95))
    print(f"  {label:19} WER {error:.3f}  latency median {median:.0f} ms, p95 {p95:.0f} ms; "
          f"names heard that were not said: {invented}")  # fmt: skip


if __name__ == "__main__":
    main()
