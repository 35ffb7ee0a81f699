"""From case results to the numbers that matter, per configuration and split, and a text table."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from .runner import CaseResult
from .wer import word_error_rate


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    """"ms", "%", "/min" or "" (a ratio such as WER)."""
    compute: Callable[[list[CaseResult]], tuple[float | None, int]]
    """Value (None: no cases) and how many cases it is over."""


def _stage(kinds: set[str], stage: str, q: float) -> Callable[[list[CaseResult]], tuple[float | None, int]]:
    def compute(results: list[CaseResult]) -> tuple[float | None, int]:
        values = [r.stages[stage] for r in results if r.case.kind in kinds and stage in r.stages]
        return (float(np.percentile(values, q)) if values else None), len(values)

    return compute


def _rate(kind: str, key: str) -> Callable[[list[CaseResult]], tuple[float | None, int]]:
    def compute(results: list[CaseResult]) -> tuple[float | None, int]:
        scored = [r for r in results if r.case.kind == kind and key in r.outcome]
        return (100 * sum(bool(r.outcome[key]) for r in scored) / len(scored) if scored else None), len(
            scored
        )

    return compute


def _false_starts(results: list[CaseResult]) -> tuple[float | None, int]:
    noise = [r for r in results if r.case.kind == "noise" and "minutes" in r.outcome]
    minutes = sum(r.outcome["minutes"] for r in noise)
    return (sum(r.outcome["speech_started"] for r in noise) / minutes if minutes else None), len(noise)


def _wer(kinds: set[str], snr: float | None = None) -> Callable[[list[CaseResult]], tuple[float | None, int]]:
    def compute(results: list[CaseResult]) -> tuple[float | None, int]:
        scored = [
            r
            for r in results
            if r.case.kind in kinds
            and r.case.transcript
            and "transcript" in r.outcome
            and (snr is None or (r.case.noise is not None and r.case.noise.snr_db == snr))
        ]
        if not scored:
            return None, 0
        return word_error_rate(
            [r.case.transcript for r in scored], [r.outcome["transcript"] for r in scored]
        ), len(scored)

    return compute


SPOKEN = {"complete", "pause", "noisy"}
METRICS: list[Metric] = [
    Metric("voice-to-voice p50, complete", "ms", _stage({"complete"}, "voice_to_voice", 50)),
    Metric("voice-to-voice p95, complete", "ms", _stage({"complete"}, "voice_to_voice", 95)),
    Metric("end of speech -> speech_stopped p50", "ms", _stage(SPOKEN, "endpoint", 50)),
    Metric("speech_stopped -> first audio p50", "ms", _stage(SPOKEN, "response", 50)),
    Metric("mid-sentence pauses cut off", "%", _rate("pause", "cut_off")),
    Metric("voice-to-voice p50, with pauses", "ms", _stage({"pause"}, "voice_to_voice", 50)),
    Metric("backchannels resumed", "%", _rate("backchannel", "resumed")),
    Metric("interruptions cancelled", "%", _rate("interruption", "cancelled")),
    Metric("interruptions answered", "%", _rate("interruption", "answered")),
    Metric(
        "interruption onset -> reply audio stops p50", "ms", _stage({"interruption"}, "onset_to_silent", 50)
    ),
    Metric(
        "interruption onset -> response cancelled p50", "ms", _stage({"interruption"}, "onset_to_cancel", 50)
    ),
    Metric("false turn starts, noise alone", "/min", _false_starts),
    Metric("WER clean", "", _wer({"complete", "pause"})),
    Metric("WER in noise, 20 dB", "", _wer({"noisy"}, 20)),
    Metric("WER in noise, 10 dB", "", _wer({"noisy"}, 10)),
    Metric("WER in noise, 5 dB", "", _wer({"noisy"}, 5)),
    Metric("voice-to-voice p50, in noise", "ms", _stage({"noisy"}, "voice_to_voice", 50)),
]


def columns(results: Iterable[CaseResult]) -> list[tuple[str, str]]:
    """(config, split) pairs in first-seen order."""
    seen: dict[tuple[str, str], None] = {}
    for r in results:
        seen.setdefault((r.config, r.case.split), None)
    return list(seen)


def summarize(results: list[CaseResult]) -> dict[tuple[str, str], dict[str, tuple[float | None, int]]]:
    table: dict[tuple[str, str], dict[str, tuple[float | None, int]]] = {}
    for config, split in columns(results):
        chosen = [r for r in results if r.config == config and r.case.split == split and r.error is None]
        table[(config, split)] = {m.name: m.compute(chosen) for m in METRICS}
    return table


def format_value(metric: Metric, value: float | None, count: int) -> str:
    if value is None:
        return "-"
    shown = (
        f"{value:.0f}" if metric.unit in ("ms", "%") else f"{value:.2f}" if metric.unit else f"{value:.3f}"
    )
    return f"{shown}{metric.unit if metric.unit != 'ms' else ' ms'} (n={count})"


def text_table(results: list[CaseResult]) -> str:
    summary = summarize(results)
    heads = [f"{config} [{split}]" for config, split in summary]
    rows = [[m.name, *(format_value(m, *summary[key][m.name]) for key in summary)] for m in METRICS]
    rows = [row for row in rows if any(cell != "-" for cell in row[1:])]
    errors = sum(r.error is not None for r in results)
    widths = [max(len(str(x)) for x in column) for column in zip(["metric", *heads], *rows, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(["metric", *heads], widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    if errors:
        lines.append(f"{errors} case run(s) failed; see the report")
    return "\n".join(lines)
