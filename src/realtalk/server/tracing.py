"""OpenTelemetry traces: a span per session, a span per turn, and child spans for STT, the brain,
each tool and TTS. Exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the standard
OpenTelemetry variables configure the exporter); otherwise nothing is recorded.

A turn's span is written when its response is done, from the stage times the runtime reported
(`StageObserver`), so the trace shows what each turn actually waited on, speculative work included.
"""

from __future__ import annotations

import os
import time
from typing import Any

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from .metrics import CallStats

MAX_STAGES_PER_TURN = 256
"""A turn's child spans are bounded (a runaway tool loop must not grow memory)."""


def _ns(seconds: float) -> int:
    return int(seconds * 1e9)


class Tracing:
    """The app's tracer: OTLP when configured, a no-op tracer otherwise."""

    def __init__(self, endpoint: str | None = None) -> None:
        endpoint = endpoint or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        self._provider: TracerProvider | None = None
        self.tracer: trace.Tracer = trace.NoOpTracer()
        if endpoint:
            resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", "realtalk")})
            self._provider = TracerProvider(resource=resource)
            exporter = OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces")
            self._provider.add_span_processor(BatchSpanProcessor(exporter))
            self.tracer = self._provider.get_tracer("realtalk")

    def shutdown(self) -> None:
        """Flush what is buffered (on server shutdown)."""
        if self._provider is not None:
            self._provider.shutdown()


class CallTrace:
    """One call's spans (see the module docstring)."""

    def __init__(self, tracer: trace.Tracer, attributes: dict[str, Any]) -> None:
        self._tracer = tracer
        self._started = time.time()
        self._session = tracer.start_span(
            "realtime.session", attributes=attributes, start_time=_ns(self._started)
        )
        self._context = trace.set_span_in_context(self._session)
        self._turn_started: float | None = None
        self._stages: list[tuple[str, float, float, dict[str, str | float | bool]]] = []

    def stage(
        self, name: str, started: float, ended: float, attributes: dict[str, str | float | bool]
    ) -> None:
        if len(self._stages) < MAX_STAGES_PER_TURN:
            self._stages.append((name, started, ended, attributes))

    def observe(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind in ("input_audio_buffer.speech_stopped", "response.created") and self._turn_started is None:
            self._turn_started = time.time()
        elif kind == "response.done":
            self._end_turn(event["response"])

    def _end_turn(self, response: dict[str, Any]) -> None:
        now = time.time()
        start = min([self._turn_started or now, *(s[1] for s in self._stages)])
        usage = response.get("usage") or {}
        turn = self._tracer.start_span(
            "realtime.turn",
            context=self._context,
            start_time=_ns(start),
            attributes={
                "realtime.response.id": str(response.get("id")),
                "realtime.response.status": str(response.get("status")),
                "realtime.usage.total_tokens": int(usage.get("total_tokens") or 0),
            },
        )
        inside = trace.set_span_in_context(turn)
        for name, started, ended, attributes in self._stages:
            label = f"tool {attributes['tool']}" if name == "tool" else name
            child = self._tracer.start_span(
                label, context=inside, start_time=_ns(started), attributes=attributes
            )
            child.end(end_time=_ns(ended))
        turn.end(end_time=_ns(max([now, *(s[2] for s in self._stages)])))
        self._stages.clear()
        self._turn_started = None

    def end(self, stats: CallStats) -> None:
        self._session.set_attributes(
            {
                "realtime.turns": stats.turns,
                "realtime.turn_latency_avg_ms": round(stats.average_latency_ms, 1),
                "realtime.interruptions": stats.interruptions,
                "realtime.tool_calls": stats.tool_calls,
                "realtime.errors": stats.errors,
                "realtime.duration_s": round(time.time() - self._started, 3),
            }
        )
        self._session.end()
