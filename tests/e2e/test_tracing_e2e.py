"""OpenTelemetry traces from a real server to a real OTLP/HTTP receiver (session, turns, stages);
the session's cost, kept with its conversation; the operator's view."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from realtalk.ratelimits.policy import key_id
from realtalk.storage.store import ConversationStore
from tests.live_server import API_KEY, LiveServer, serving
from tests.otlp_receiver import OtlpReceiver, Span
from tests.realtime_client import pcm24k, realtime, silence
from tests.speech_data import librivox_clips, load_wav_16k

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def otlp() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, otlp: OtlpReceiver) -> Iterator[LiveServer]:
    with serving(
        tmp_path_factory.mktemp("tracing"),
        "--tools",
        "tests.tools.sample_tools:tools",
        OTEL_EXPORTER_OTLP_ENDPOINT=otlp.endpoint,
        OTEL_BSP_SCHEDULE_DELAY="100",
    ) as live:
        yield live


async def wait_for_span(otlp: OtlpReceiver, name: str, timeout: float = 15.0) -> Span:
    for _ in range(int(timeout / 0.1)):
        found = [s for s in otlp.spans if s.name == name]
        if found:
            return found[-1]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {name!r} span; got {[s.name for s in otlp.spans]}")


async def test_a_session_is_traced_turn_by_turn(server: LiveServer, otlp: OtlpReceiver) -> None:
    path, _ = librivox_clips()[1]
    async with realtime(server) as conn:
        session_id = conn.events[0]["session"]["id"]
        await conn.append_audio(silence(300) + pcm24k(load_wav_16k(path)) + silence(1200))
        await conn.collect_response(timeout=90)
        await conn.update(output_modalities=["text"])
        await conn.turn("what's the weather in paris")
    session = await wait_for_span(otlp, "realtime.session")
    assert session.resource["service.name"] == "realtalk"
    attributes = session.attributes
    assert attributes["realtime.session.id"] == session_id and attributes["realtime.transport"] == "websocket"
    assert attributes["realtime.turns"] == 3  # the spoken turn, the tool call, the answer with its result
    assert attributes["realtime.tool_calls"] == 1 and attributes["realtime.errors"] == 0
    assert 0 < attributes["realtime.turn_latency_avg_ms"] < 10_000
    assert attributes["realtime.duration_s"] > 1 and attributes["realtime.interruptions"] == 0
    spans = [s for s in otlp.spans if s.trace_id == session.trace_id]
    turns = [s for s in spans if s.name == "realtime.turn"]
    assert len(turns) == 3 and all(t.parent_id == session.span_id for t in turns)
    turn_ids = {t.span_id for t in turns}
    children = [s for s in spans if s.parent_id in turn_ids]
    names = {s.name for s in children}
    assert {"stt", "brain", "tts", "tool get_weather"} <= names, names
    tool = next(s for s in children if s.name == "tool get_weather")
    assert tool.attributes["outcome"] == "ok"
    spoken_turn = min(turns, key=lambda t: t.start_ns)
    first_children = [s for s in children if s.parent_id == spoken_turn.span_id]
    assert {"stt", "brain", "tts"} <= {s.name for s in first_children}
    for child in children:
        parent = next(t for t in turns if t.span_id == child.parent_id)
        assert parent.start_ns <= child.start_ns <= child.end_ns <= parent.end_ns
    brain = next(s for s in first_children if s.name == "brain")
    assert 0 <= brain.attributes["first_token_s"] <= (brain.end_ns - brain.start_ns) / 1e9


async def test_the_session_cost_is_kept_and_the_operator_view_sums_it(
    server: LiveServer, otlp: OtlpReceiver
) -> None:
    """After the traced session above (pytest keeps file order): its cost and the operator's view."""
    session = await wait_for_span(otlp, "realtime.session")
    conversation_id = session.attributes["realtime.conversation.id"]
    with ConversationStore(f"sqlite:///{server.data_dir / 'realtalk.db'}") as store:
        costs = store.session_costs(conversation_id)
    assert len(costs) == 1 and costs[0]["session_id"] == session.attributes["realtime.session.id"]
    cost = costs[0]
    assert {"stt", "brain", "tts", "tool"} <= set(cost["compute_seconds"])
    assert cost["audio_seconds"]["in"] > 1.5 and cost["audio_seconds"]["out"] > 0.5
    assert 0 < cost["cost"]["total"] < cost["hosted_realtime"]["cost"]
    assert cost["prices"]["hosted_realtime"]["source"].startswith("OpenAI")
    headers = {"Authorization": f"Bearer {API_KEY}"}
    async with httpx.AsyncClient(base_url=server.http_url, headers=headers) as http:
        view = (await http.get("/v1/realtalk/operator")).json()
        secret = (await http.post("/v1/realtime/client_secrets", json={})).json()["value"]
        denied = await http.get("/v1/realtalk/operator", headers={"Authorization": f"Bearer {secret}"})
        page = await http.get("/operator", headers={"Authorization": ""})
    assert denied.status_code == 403
    assert page.status_code == 200 and "/static/js/operator.js" in page.text
    assert view["capacity"]["max_sessions"] == 8 and sum(view["capacity"]["live"].values()) == 0
    assert view["latency"]["voice_to_voice"]["samples"] == 1
    assert 0 < view["latency"]["voice_to_voice"]["p50_ms"] < 10_000
    mine = next(row for row in view["costs_today"] if row["key_id"] == key_id(API_KEY))
    assert mine["sessions"] == 1 and mine["total"] == pytest.approx(cost["cost"]["total"], abs=1e-6)
    assert view["currency"] == "USD" and view["refused"] == {}
