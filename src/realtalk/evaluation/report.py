"""The HTML report: the summary table, latency distributions per stage, and a timeline per turn.

Plots are inline SVG drawn here, so the report is one self-contained file and needs no plotting
library.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from .metrics import METRICS, format_value, summarize
from .runner import CaseResult

STAGES = {
    "endpoint": "end of speech -> speech_stopped",
    "transcript": "end of speech -> transcript",
    "response": "speech_stopped -> first reply audio",
    "voice_to_voice": "end of speech -> first reply audio",
    "onset_to_speech_started": "interruption onset -> speech_started",
    "onset_to_silent": "interruption onset -> reply audio stops coming",
    "onset_to_cancel": "interruption onset -> response.done (cancelled)",
}
MARKED = {
    "input_audio_buffer.speech_started": ("#d62728", "speech_started"),
    "input_audio_buffer.speech_stopped": ("#9467bd", "speech_stopped"),
    "input_audio_buffer.committed": ("#8c564b", "committed"),
    "conversation.item.input_audio_transcription.completed": ("#17becf", "transcript"),
    "response.created": ("#7f7f7f", "response.created"),
    "response.done": ("#000000", "response.done"),
}
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
_STYLE = """
body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}
svg text{font:11px system-ui,sans-serif}.err{color:#b00}
"""


def write_report(results: list[CaseResult], path: Path | str, title: str) -> None:
    parts = [
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>",
        f"<style>{_STYLE}</style><h1>{html.escape(title)}</h1>",
        _summary_table(results),
        "<h2>Latency per stage</h2>",
    ]
    configs = list(dict.fromkeys(r.config for r in results))
    for stage, label in STAGES.items():
        if any(stage in r.stages for r in results):
            parts.append(f"<h3>{html.escape(label)}</h3>{_distribution(results, stage, configs)}")
    parts.append(
        "<h2>Timelines</h2><p>Seconds from the start of the user's clip. Blue: the user's "
        "speech; green: reply audio arriving; ticks: server events (hover for names).</p>"
    )
    for result in results:
        parts.append(_timeline(result))
    parts.append(_case_table(results))
    Path(path).write_text("\n".join(parts), encoding="utf-8")


def _summary_table(results: list[CaseResult]) -> str:
    summary = summarize(results)
    head = "".join(f"<th>{html.escape(c)} [{html.escape(s)}]</th>" for c, s in summary)
    rows = []
    for metric in METRICS:
        cells = [format_value(metric, *summary[key][metric.name]) for key in summary]
        if any(cell != "-" for cell in cells):
            rows.append(
                f"<tr><td>{html.escape(metric.name)}</td>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
            )
    return f"<table><tr><th>metric</th>{head}</tr>{''.join(rows)}</table>"


def _distribution(results: list[CaseResult], stage: str, configs: list[str]) -> str:
    """One row of dots per configuration, with p50 (thick) and p95 (thin) marks."""
    values = {c: [r.stages[stage] for r in results if r.config == c and stage in r.stages] for c in configs}
    everything = [v for vs in values.values() for v in vs]
    top = max(everything) * 1.05 if everything and max(everything) > 0 else 1.0
    left, width, row = 150, 560, 34
    height = row * len(configs) + 30

    def x(ms: float) -> float:
        return left + width * max(0.0, ms) / top

    out = [f'<svg width="{left + width + 20}" height="{height}" role="img">']
    rng = np.random.default_rng(0)
    for index, config in enumerate(configs):
        y = 10 + index * row + row / 2
        color = PALETTE[index % len(PALETTE)]
        out.append(f'<text x="4" y="{y + 4}">{html.escape(config)}</text>')
        for value in values[config]:
            jitter = rng.uniform(-8, 8)
            out.append(
                f'<circle cx="{x(value):.1f}" cy="{y + jitter:.1f}" r="3" fill="{color}" opacity=".6">'
                f"<title>{value:.0f} ms</title></circle>"
            )
        if values[config]:
            p50, p95 = np.percentile(values[config], [50, 95])
            out.append(
                f'<line x1="{x(p50):.1f}" x2="{x(p50):.1f}" y1="{y - 12}" y2="{y + 12}" stroke="#000" '
                f'stroke-width="3"><title>p50 {p50:.0f} ms</title></line>'
            )
            out.append(
                f'<line x1="{x(p95):.1f}" x2="{x(p95):.1f}" y1="{y - 12}" y2="{y + 12}" stroke="#000">'
                f"<title>p95 {p95:.0f} ms</title></line>"
            )
    axis_y = height - 18
    out.append(f'<line x1="{left}" x2="{left + width}" y1="{axis_y}" y2="{axis_y}" stroke="#999"/>')
    for tick in np.linspace(0, top, 6):
        out.append(f'<text x="{x(tick) - 10:.1f}" y="{axis_y + 14}">{tick:.0f}</text>')
    out.append(f'<text x="{left + width - 20}" y="{axis_y - 4}">ms</text></svg>')
    return "".join(out)


def _timeline(result: CaseResult) -> str:
    shown = [t for t, kind in result.timeline if kind in MARKED] + [
        t for span in result.spans.values() for t in span
    ]
    start = min([0.0, *shown])
    end = max([1.0, *shown]) + 0.2
    left, width = 10, 760

    def x(t: float) -> float:
        return left + width * (t - start) / (end - start)

    label = f"{result.case.id} · {result.config}"
    if result.error:
        label += f" · {result.error}"
    out = [
        f"<div><b>{html.escape(label)}</b> {html.escape(_outcome_text(result))}<br>",
        f'<svg width="{left + width + 10}" height="58" role="img">',
    ]
    for name, (a, b) in result.spans.items():
        y, color = (8, "#1f77b4") if name == "user speech" else (24, "#2ca02c")
        out.append(
            f'<rect x="{x(a):.1f}" y="{y}" width="{max(1.0, x(b) - x(a)):.1f}" height="12" fill="{color}" '
            f'opacity=".7"><title>{html.escape(name)} {a:.2f}-{b:.2f} s</title></rect>'
        )
    for t, kind in result.timeline:
        if kind in MARKED:
            color, name = MARKED[kind]
            out.append(
                f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="4" y2="40" stroke="{color}" stroke-width="2">'
                f"<title>{name} {t:.3f} s</title></line>"
            )
    for tick in np.arange(np.ceil(start), end, 1.0):
        out.append(f'<text x="{x(tick):.1f}" y="54">{tick:.0f}</text>')
    out.append("</svg></div>")
    return "".join(out)


def _outcome_text(result: CaseResult) -> str:
    shown = {k: v for k, v in result.outcome.items() if k != "transcript"}
    stages = ", ".join(f"{k} {v:.0f} ms" for k, v in result.stages.items())
    return "; ".join(filter(None, [", ".join(f"{k}={v}" for k, v in shown.items()), stages]))


def _case_table(results: list[CaseResult]) -> str:
    rows = []
    for r in results:
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v))}</td>"
                for v in (
                    r.case.id,
                    r.case.kind,
                    r.case.split,
                    r.config,
                    r.case.transcript,
                    r.outcome.get("transcript", ""),
                )
            )
            + f'<td class="err">{html.escape(r.error or "")}</td></tr>'
        )
    head = "".join(f"<th>{h}</th>" for h in ("case", "kind", "split", "config", "said", "heard", "error"))
    return f"<h2>Cases</h2><table><tr>{head}</tr>{''.join(rows)}</table>"
