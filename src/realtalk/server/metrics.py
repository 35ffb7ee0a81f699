"""Prometheus metrics (`GET /metrics`, master key only): one registry per app, fed by the server.

Per-turn latencies are read off the events a call sends, with the server's clock, so every
transport is measured alike (docs/operations.md lists every metric and how it is measured).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.process_collector import ProcessCollector

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
        self.brain_served = Counter(
            "realtalk_brain_replies", "Replies, by the brain that served them.", ["brain"], registry=r
        )
        self.brain_fallbacks = Counter(
            "realtalk_brain_fallbacks",
            "Brains passed over for a reply, by reason (error, timeout, circuit_open).",
            ["brain", "reason"],
            registry=r,
        )

    # The brain chain's `BrainReport`.
    def served(self, brain: str) -> None:
        self.brain_served.labels(brain).inc()

    def fell_back(self, brain: str, reason: str) -> None:
        self.brain_fallbacks.labels(brain, reason).inc()

    def exposition(self, loop_lag_s: float) -> bytes:
        self.loop_lag.set(loop_lag_s)
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

    @property
    def average_latency_ms(self) -> float:
        return 1000 * self.latency_sum_s / self.latency_count if self.latency_count else 0.0


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
            endpoint_s = max(0.0, (self._input_clock_ms() - float(event.get("audio_end_ms", 0))) / 1000)
            self._m.stage.labels("endpoint").observe(endpoint_s)
            self._decided, self._speech_end = now, now - endpoint_s
        elif kind == "conversation.item.input_audio_transcription.completed" and self._decided is not None:
            self._m.stage.labels("transcript").observe(now - self._decided)
        elif kind == "response.created":
            self._response_started, self._responding = now, True
            self._first_output = False
        elif kind in FIRST_OUTPUT and not self._first_output and self._response_started is not None:
            self._first_output = True
            if kind != "response.output_text.delta":
                self._m.stage.labels("first_audio").observe(now - self._response_started)
            if self._speech_end is not None and kind != "response.output_text.delta":
                self._m.voice_to_voice.observe(now - self._speech_end)
            start = self._speech_end if self._speech_end is not None else self._response_started
            self.stats.latency_sum_s += now - start
            self.stats.latency_count += 1
            self._speech_end = None
        elif kind == "response.done":
            self._responding = False
            self.stats.turns += 1
            response = event["response"]
            self._m.turns.labels(response.get("status", "unknown")).inc()
            for item in response.get("output") or []:
                if item.get("type") == "function_call":
                    self.stats.tool_calls += 1
                    if item.get("name") not in self._server_tools:
                        self._m.tool_calls.labels(item.get("name", ""), "client").inc()
        elif kind == "error":
            self.stats.errors += 1
            self._m.errors.labels(event["error"].get("code") or "none").inc()

    def stage(
        self, name: str, started: float, ended: float, attributes: dict[str, str | float | bool]
    ) -> None:
        """The runtime's `StageObserver`: the brain's first token, server tools' outcomes."""
        if name == "brain" and not attributes.get("speculative"):
            self._m.stage.labels("brain_first_token").observe(float(attributes.get("first_token_s", 0.0)))
        elif name == "tool":
            self._m.tool_calls.labels(str(attributes.get("tool")), str(attributes.get("outcome"))).inc()


FIRST_OUTPUT = frozenset(
    {"response.output_text.delta", "response.output_audio.delta", "output_audio_buffer.started"}
)
"""The first of these in a response is its first output (WebRTC plays audio on the server, so
there `output_audio_buffer.started` marks it)."""
