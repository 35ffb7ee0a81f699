"""Dates and times as people say them: how many of a list the built-in brain reads right.

Each case of a list (`bench/eval/when_dev*.json`) is said at a fixed moment and expects a day, a
day and a time, or nothing ("two tickets"). The brain reads it the way it reads a task's due date
(`extract.when(..., "datetime")`). Prints, per list, every miss and the accuracy for days, times and
"none" cases separately; then the median and p95 time per reading over all of them.

Run from the repo root: `python bench/when_eval.py [--list bench/eval/when_dev.json ...]` (all three
lists by default).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from realtalk.brain import extract  # noqa: E402


def kind(expect: str | None) -> str:
    """ "none", "date" (a day alone) or "time" (a day and a time of day)."""
    return "none" if expect is None else "time" if "T" in expect else "date"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--list", type=Path, nargs="+", default=sorted((ROOT / "bench" / "eval").glob("when_dev*.json"))
    )
    args = parser.parse_args()
    extract.warm_up()
    seconds: list[float] = []
    for path in args.list:
        print(f"== {path.name}")
        seconds += evaluate(json.loads(path.read_text()))
    ms = np.array(seconds) * 1000
    print(f"reading: median {np.median(ms):.2f} ms, p95 {np.percentile(ms, 95):.2f} ms")


def evaluate(data: dict[str, Any]) -> list[float]:
    """Print the list's misses and accuracy; return the seconds each reading took."""
    nows = {name: datetime.fromisoformat(at) for name, at in data["nows"].items()}
    right: dict[str, list[bool]] = {"date": [], "time": [], "none": []}
    misses: list[str] = []
    seconds: list[float] = []
    for case in data["cases"]:
        started = time.perf_counter()
        found = extract.when(extract.Utterance(case["said"], nows[case["now"]]), "datetime")
        seconds.append(time.perf_counter() - started)
        got = None if found is None else str(found.value)
        expect = case["expect"]
        right[kind(expect)].append(got == expect)
        if got != expect:
            said = f"[{case['now']}] {case['said']!r}"
            misses.append(f"  {kind(expect):4}  {said}: expected {expect}, got {got}")
    print(f"misses ({len(misses)}):", *misses, sep="\n")
    right["all"] = [r for name in ("date", "time", "none") for r in right[name]]
    for name, results in right.items():
        share = 100 * sum(results) / max(len(results), 1)
        print(f"{name:5} {sum(results):4d}/{len(results):<4d} {share:5.1f} %")
    return seconds


if __name__ == "__main__":
    main()
