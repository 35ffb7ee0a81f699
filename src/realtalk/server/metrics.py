"""Prometheus metrics (`GET /metrics`, master key only): one registry per app, fed by the server.

Per-turn latencies are read off the events a call sends, with the server's clock, so every
transport is measured alike (docs/operations.md lists every metric and how it is measured).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.process_collector import ProcessCollector

OUTPUT_AUDIO_TOKENS_PER_S = 20
"""The rate `session.usage` counts output audio at (one token per 50 ms)."""
RECENT = 500
LATENCY_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # process_cpu_seconds_total, resident memory, fds
        r = self.registry
        self.sessions_live = Gauge("realtalk_sessions_live", "Live sessions.", ["transport"], registry=r)
        self.sessions = Counter("realtalk_sessions", "Sessions started.", ["transport"], registry=r)
        self.refused = Counter(
            "realtalk_sessions_refused", "Sessions refused, by reason.", ["code"], registry=r
        )
        self.slow_clients = Counter(
            "realtalk_slow_client_closes",
            "Connections closed for not reading (send buffer full).",
            registry=r,
        )
        self.queue_wait = Gauge(
            "realtalk_inference_queue_wait_seconds",
            "Average queue wait of the inference scheduler's non-speculative jobs, last ~5 s.",
            registry=r,
        )
        self.loop_lag = Gauge(
            "realtalk_event_loop_lag_seconds", "Worst event-loop lateness, last 2 s.", registry=r
        )
        self.turns = Counter("realtalk_turns", "Responses finished, by status.", ["status"], registry=r)
        self.voice_to_voice = Histogram(
            "realtalk_voice_to_voice_seconds",
            "End of the user's speech to the first reply audio sent.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.stage = Histogram(
            "realtalk_stage_seconds",
            "Per-turn stage latency: endpoint (speech end to turn decision), transcript (decision "
            "to transcript), brain_first_token (brain call to first token), first_audio (response "
            "to first audio).",
            ["stage"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.barge_ins = Counter("realtalk_barge_ins", "User speech that interrupted a reply.", registry=r)
        self.tool_calls = Counter(
            "realtalk_tool_calls", "Tool calls, by name and outcome.", ["name", "outcome"], registry=r
        )
        self.errors = Counter(
            "realtalk_errors", "Error events sent to clients, by code.", ["code"], registry=r
        )
        self.audio = Counter("realtalk_audio_seconds", "Audio heard and spoken.", ["direction"], registry=r)
        self.tokens = Counter("realtalk_tokens", "LLM tokens (estimated), by kind.", ["kind"], registry=r)
        self.cost = Counter(
            "realtalk_cost",
            "Ended sessions' cost in the price table's currency: compute, llm, and hosted_realtime "
            "(what the same usage would have cost at the hosted API's list prices).",
            ["kind"],
            registry=r,
        )
        self.cache_lookups = Counter(
            "realtalk_semantic_cache_lookups", "LLM answer cache lookups, by result.", ["result"], registry=r
        )
        self.cache_seconds = Histogram(
            "realtalk_semantic_cache_seconds",
            "Time to answer from the cache (hits) or to find nothing there (misses).",
            ["result"],
            buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5),
            registry=r,
        )
        self.brain_served = Counter(
            "realtalk_brain_replies", "Replies, by the brain that served them.", ["brain"], registry=r
        )
        self.brain_fallbacks = Counter(
            "realtalk_brain_fallbacks",
            "Brains passed over for a reply, by reason (error, timeout, circuit_open).",
            ["brain", "reason"],
            registry=r,
        )

        self.recent: dict[str, deque[float]] = {}
        """The last `RECENT` samples of each latency, for percentiles on the operator page."""

    def cache_lookup(self, hit: bool, seconds: float) -> None:
        """The answer cache's `CacheReport`."""
        result = "hit" if hit else "miss"
        self.cache_lookups.labels(result).inc()
        self.cache_seconds.labels(result).observe(seconds)

    # The brain chain's `BrainReport`.
    def served(self, brain: str) -> None:
        self.brain_served.labels(brain).inc()

    def fell_back(self, brain: str, reason: str) -> None:
        self.brain_fallbacks.labels(brain, reason).inc()

    def observe_latency(self, stage: str, seconds: float) -> None:
        """A stage latency (or `voice_to_voice`): into its histogram and the recent window."""
        if stage == "voice_to_voice":
            self.voice_to_voice.observe(seconds)
        else:
            self.stage.labels(stage).observe(seconds)
        self.recent.setdefault(stage, deque(maxlen=RECENT)).append(seconds)

    def percentiles(self) -> dict[str, dict[str, float]]:
        """p50/p95 (ms) of each latency over its recent window."""
        out: dict[str, dict[str, float]] = {}
        for stage, samples in self.recent.items():
            ordered = sorted(samples)
            out[stage] = {
                "p50_ms": round(1000 * _quantile(ordered, 0.5), 1),
                "p95_ms": round(1000 * _quantile(ordered, 0.95), 1),
                "samples": len(ordered),
            }
        return out

    def refusals(self) -> dict[str, float]:
        return {
            sample.labels["code"]: sample.value
            for family in self.refused.collect()
            for sample in family.samples
            if sample.name.endswith("_total")
        }

    def exposition(self, loop_lag_s: float, queue_wait_s: float = 0.0) -> bytes:
        self.loop_lag.set(loop_lag_s)
        self.queue_wait.set(queue_wait_s)
        return generate_latest(self.registry)


@dataclass
class CallStats:
    """One call's tallies, for its trace's session span."""

    turns: int = 0
    interruptions: int = 0
    tool_calls: int = 0
    errors: int = 0
    latency_sum_s: float = 0.0
    latency_count: int = 0
    audio_in_s: float = 0.0
    """Input audio received (the session's input clock), brought up to date at each speech end,
    response and the call's end."""
    audio_out_s: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds each engine stage ran (`stt`, `brain`, `tts`, `tool`), speculative included."""

    @property
    def average_latency_ms(self) -> float:
        return 1000 * self.latency_sum_s / self.latency_count if self.latency_count else 0.0


def _quantile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class TurnTimer:
    """Times one call's turns from the events it sends and the runtime's stages (module docstring).

    `server_tools` are counted by the runtime's `tool` stages (with their outcome); other tool
    calls in a response are the client's to run (outcome `client`).
    """

    def __init__(
        self,
        metrics: Metrics,
        input_clock_ms: Callable[[], float],
        server_tools: Collection[str] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._m = metrics
        self._input_clock_ms = input_clock_ms
        self._server_tools = server_tools
        self._clock = clock
        self.stats = CallStats()
        self._speech_end: float | None = None
        self._decided: float | None = None
        self._response_started: float | None = None
        self._first_output = False
        self._responding = False

    def observe(self, event: dict[str, Any]) -> None:
        now = self._clock()
        kind = event.get("type")
        if kind == "input_audio_buffer.speech_started":
            if self._responding:
                self._m.barge_ins.inc()
                self.stats.interruptions += 1
        elif kind == "input_audio_buffer.speech_stopped":
            # The decision comes a silence window after the speech ended, on the input clock.
            end_ms = float(event.get("audio_end_ms", 0))
            endpoint_s = max(0.0, (self._input_clock_ms() - end_ms) / 1000)
            self._m.observe_latency("endpoint", endpoint_s)
            self.sync_input()
            self._decided, self._speech_end = now, now - endpoint_s
        elif kind == "conversation.item.input_audio_transcription.completed" and self._decided is not None:
            self._m.observe_latency("transcript", now - self._decided)
        elif kind == "response.created":
            self._response_started, self._responding = now, True
            self._first_output = False
        elif kind in FIRST_OUTPUT and not self._first_output and self._response_started is not None:
            self._first_output = True
            if kind != "response.output_text.delta":
                self._m.observe_latency("first_audio", now - self._response_started)
            if self._speech_end is not None and kind != "response.output_text.delta":
                self._m.observe_latency("voice_to_voice", now - self._speech_end)
            start = self._speech_end if self._speech_end is not None else self._response_started
            self.stats.latency_sum_s += now - start
            self.stats.latency_count += 1
            self._speech_end = None
        elif kind == "response.done":
            self._responding = False
            self.stats.turns += 1
            response = event["response"]
            self._m.turns.labels(response.get("status", "unknown")).inc()
            self._count_usage(response.get("usage") or {})
            self.sync_input()
            for item in response.get("output") or []:
                if item.get("type") == "function_call":
                    self.stats.tool_calls += 1
                    if item.get("name") not in self._server_tools:
                        # Clients name their own tools: one series for all, so they can't grow the registry.
                        self._m.tool_calls.labels("(client tool)", "client").inc()
        elif kind == "error":
            self.stats.errors += 1
            self._m.errors.labels(event["error"].get("code") or "none").inc()

    def sync_input(self) -> None:
        """Bring `audio_in_s` up to the session's input clock (all input audio received so far)."""
        heard_s = max(0.0, self._input_clock_ms() / 1000 - self.stats.audio_in_s)
        self.stats.audio_in_s += heard_s
        self._m.audio.labels("in").inc(heard_s)

    def _count_usage(self, usage: dict[str, Any]) -> None:
        spoken_s = (usage.get("output_token_details") or {}).get(
            "audio_tokens", 0
        ) / OUTPUT_AUDIO_TOKENS_PER_S
        self.stats.audio_out_s += spoken_s
        self.stats.input_tokens += int(usage.get("input_tokens", 0))
        self.stats.output_tokens += int(usage.get("output_tokens", 0))
        self._m.audio.labels("out").inc(spoken_s)
        self._m.tokens.labels("input").inc(usage.get("input_tokens", 0))
        self._m.tokens.labels("output").inc(usage.get("output_tokens", 0))

    def stage(
        self, name: str, started: float, ended: float, attributes: dict[str, str | float | bool]
    ) -> None:
        """The runtime's `StageObserver`: compute time, the brain's first token, tools' outcomes."""
        self.stats.stage_seconds[name] = self.stats.stage_seconds.get(name, 0.0) + max(0.0, ended - started)
        if name == "brain" and not attributes.get("speculative"):
            self._m.observe_latency("brain_first_token", float(attributes.get("first_token_s", 0.0)))
        elif name == "tool":
            self._m.tool_calls.labels(str(attributes.get("tool")), str(attributes.get("outcome"))).inc()


FIRST_OUTPUT = frozenset(
    {"response.output_text.delta", "response.output_audio.delta", "output_audio_buffer.started"}
)
"""The first of these in a response is its first output (WebRTC plays audio on the server, so
there `output_audio_buffer.started` marks it)."""
