"""Prometheus metrics (`GET /metrics`, master key only): one registry per app, fed by the server.

Per-turn latencies are read off the events a call sends, with the server's clock, so every
transport is measured alike (docs/operations.md lists every metric and how it is measured).
"""

from __future__ import annotations

import time
from collections.abc import Callable
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
            "Per-turn stage latency: endpoint (speech end to turn decision), transcript (decision to "
            "transcript), brain_first_token (response to first text), first_audio (response to first audio).",
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


class TurnTimer:
    """Times one call's turns from the events it sends (see the module docstring)."""

    def __init__(
        self,
        metrics: Metrics,
        input_clock_ms: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._m = metrics
        self._input_clock_ms = input_clock_ms
        self._clock = clock
        self._speech_end: float | None = None
        self._decided: float | None = None
        self._response_started: float | None = None
        self._first_text = self._first_audio = False
        self._responding = False

    def observe(self, event: dict[str, Any]) -> None:
        now = self._clock()
        kind = event.get("type")
        if kind == "input_audio_buffer.speech_started":
            if self._responding:
                self._m.barge_ins.inc()
        elif kind == "input_audio_buffer.speech_stopped":
            # The decision comes a silence window after the speech ended, on the input clock.
            endpoint_s = max(0.0, (self._input_clock_ms() - float(event.get("audio_end_ms", 0))) / 1000)
            self._m.stage.labels("endpoint").observe(endpoint_s)
            self._decided, self._speech_end = now, now - endpoint_s
        elif kind == "conversation.item.input_audio_transcription.completed" and self._decided is not None:
            self._m.stage.labels("transcript").observe(now - self._decided)
        elif kind == "response.created":
            self._response_started, self._responding = now, True
            self._first_text = self._first_audio = False
        elif kind == "response.output_text.delta" and not self._first_text and self._response_started:
            self._first_text = True
            self._m.stage.labels("brain_first_token").observe(now - self._response_started)
        elif kind == "response.output_audio.delta" and not self._first_audio and self._response_started:
            self._first_audio = True
            self._m.stage.labels("first_audio").observe(now - self._response_started)
            if self._speech_end is not None:
                self._m.voice_to_voice.observe(now - self._speech_end)
                self._speech_end = None
        elif kind == "response.done":
            self._responding = False
            response = event["response"]
            self._m.turns.labels(response.get("status", "unknown")).inc()
            for item in response.get("output") or []:
                if item.get("type") == "function_call":
                    self._m.tool_calls.labels(item.get("name", ""), "called").inc()
        elif kind == "error":
            self._m.errors.labels(event["error"].get("code") or "none").inc()
