"""What a session cost, priced from a table of prices kept as data (`prices.json`, or the file
`REALTALK_PRICES_FILE` names), each with its source and date, and what the same audio and tokens
would have cost at a hosted Realtime API's list prices.

Compute is the wall-clock seconds each engine stage ran, times the cores it uses (STT and TTS run
`engine_threads` threads; the built-in brain and tools one), at the core-hour price. With an LLM
endpoint configured, the brain's time is mostly waiting on the network: its tokens are priced
instead, at the LLM's prices.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from .metrics import OUTPUT_AUDIO_TOKENS_PER_S, CallStats


class _Priced(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    date: str


class ComputePrice(_Priced):
    core_hour: float


class LlmPrice(_Priced):
    input_per_million: float
    output_per_million: float


class HostedRealtimePrice(_Priced):
    model: str
    audio_input_per_million: float
    audio_output_per_million: float
    text_input_per_million: float
    text_output_per_million: float
    audio_input_tokens_per_second: float
    audio_output_tokens_per_second: float


class PriceTable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    currency: str
    compute: ComputePrice
    llm: LlmPrice
    hosted_realtime: HostedRealtimePrice

    @classmethod
    def load(cls, path: Path | None = None) -> PriceTable:
        text = path.read_text() if path else files("realtalk.server").joinpath("prices.json").read_text()
        return cls.model_validate_json(text)


def price_session(stats: CallStats, table: PriceTable, *, engine_threads: int, llm: bool) -> dict[str, Any]:
    """The session's cost summary (JSON-ready): usage, cost by kind, and the hosted comparison."""
    cores = {"stt": engine_threads, "tts": engine_threads, "brain": 0 if llm else 1, "tool": 1}
    core_seconds = sum(seconds * cores.get(stage, 1) for stage, seconds in stats.stage_seconds.items())
    text_out = max(0, stats.output_tokens - round(stats.audio_out_s * OUTPUT_AUDIO_TOKENS_PER_S))
    compute = core_seconds / 3600 * table.compute.core_hour
    llm_cost = (
        stats.input_tokens * table.llm.input_per_million + text_out * table.llm.output_per_million
    ) / 1e6
    hosted = table.hosted_realtime
    hosted_cost = (
        stats.audio_in_s * hosted.audio_input_tokens_per_second * hosted.audio_input_per_million
        + stats.audio_out_s * hosted.audio_output_tokens_per_second * hosted.audio_output_per_million
        + stats.input_tokens * hosted.text_input_per_million
        + text_out * hosted.text_output_per_million
    ) / 1e6
    return {
        "currency": table.currency,
        "compute_seconds": {stage: round(seconds, 3) for stage, seconds in stats.stage_seconds.items()},
        "core_seconds": round(core_seconds, 3),
        "tokens": {"input": stats.input_tokens, "output_text": text_out},
        "audio_seconds": {"in": round(stats.audio_in_s, 3), "out": round(stats.audio_out_s, 3)},
        "cost": {
            "compute": round(compute, 6),
            "llm": round(llm_cost if llm else 0.0, 6),
            "total": round(compute + (llm_cost if llm else 0.0), 6),
        },
        "hosted_realtime": {"model": hosted.model, "cost": round(hosted_cost, 6)},
        "prices": {
            name: {"source": price.source, "date": price.date}
            for name, price in (("compute", table.compute), ("llm", table.llm), ("hosted_realtime", hosted))
        },
    }
