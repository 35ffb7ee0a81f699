"""Plays each case of a scenario to a server, once per session configuration, and records what happened."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .audio import Samples, load_wav_16k
from .client import EvalClient, of_type
from .scenario import Case, PreparedAudio, Scenario, prepare

log = logging.getLogger(__name__)

_TRANSCRIBED = "conversation.item.input_audio_transcription.completed"
REPLY_TIMEOUT_S = 12.0
"""After the user's audio ends: how long a reply (or a cancel) may take before the case fails."""
TRANSCRIPTION = {"model": "whisper-1"}


@dataclass
class CaseResult:
    case: Case
    config: str
    stages: dict[str, float] = field(default_factory=dict)
    """Latencies in ms: endpoint, transcript, response, voice_to_voice, onset_to_silent..."""
    outcome: dict[str, Any] = field(default_factory=dict)
    timeline: list[tuple[float, str]] = field(default_factory=list)
    """(seconds since the user's clip started, server event type)."""
    spans: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Named intervals in the same seconds: user speech, agent audio."""
    error: str | None = None


def session_update(config: dict[str, Any]) -> dict[str, Any]:
    """The `session.update` for one configuration; input transcription on, so WER can be measured."""
    session = copy.deepcopy(config)
    session.setdefault("type", "realtime")
    audio_input = session.setdefault("audio", {}).setdefault("input", {})
    audio_input.setdefault("transcription", TRANSCRIPTION)
    return {"type": "session.update", "session": session}


async def run_scenario(
    scenario: Scenario,
    url: str,
    key: str,
    *,
    split: str | None = None,
    configs: list[str] | None = None,
    progress: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    babble = [load_wav_16k(p) for p in scenario.babble_sources]
    results: list[CaseResult] = []
    names = configs or list(scenario.configs)
    for case in scenario.split(split):
        prepared = prepare(case, babble)
        for name in names:  # configurations interleaved, so machine load drifts hit them alike
            result = CaseResult(case, name)
            try:
                await _run_case(url, key, scenario.configs[name], case, prepared, result)
            except (TimeoutError, OSError) as exc:
                result.error = f"{type(exc).__name__}: {exc}"
            results.append(result)
            if progress is not None:
                progress(result)
    return results


async def _run_case(
    url: str, key: str, config: dict[str, Any], case: Case, audio: PreparedAudio, result: CaseResult
) -> None:
    client = await EvalClient.connect(url, key)
    try:
        await client.wait_for(of_type("session.created"))
        mark = len(client.events)
        await client.send(session_update(config))
        _, reply = await client.wait_for(lambda e: e.get("type") in ("session.updated", "error"), after=mark)
        if reply["type"] == "error":
            raise OSError(f"session.update refused: {reply['error'].get('message')}")
        client.start_microphone()
        if case.reactive:
            t_clip = await _talk_over_reply(client, case, audio.samples)
        else:
            t_clip = await client.play(audio.samples)
            await _await_turn(client, case, audio, t_clip)
        _score(client, case, audio, t_clip, result)
    finally:
        await client.close()


async def _talk_over_reply(client: EvalClient, case: Case, clip: Samples) -> float:
    """Make the agent talk (a typed prompt), then play `clip` `after_ms` into its audio."""
    await client.send(
        {
            "type": "conversation.item.create",
            "item": {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": case.prompt}],
            },
        }
    )
    await client.send({"type": "response.create"})
    t_audio, first = await client.wait_for(of_type("response.output_audio.delta"), timeout=REPLY_TIMEOUT_S)
    await asyncio.sleep(max(0.0, t_audio + case.after_ms / 1000 - client.now()))
    t_clip = await client.play(clip)
    response_id = first["response_id"]
    await client.wait_for(
        lambda e: e.get("type") == "response.done" and e["response"]["id"] == response_id,
        timeout=len(clip) / 16000 + REPLY_TIMEOUT_S,
    )
    # A real interruption is answered; give that answer (or a backchannel's unwanted one) time.
    await asyncio.sleep(len(clip) / 16000)
    with _no_timeout():
        await client.wait_for(
            lambda e: e.get("type") == "response.output_audio.delta" and e["response_id"] != response_id,
            timeout=4.0,
        )
    return t_clip


async def _await_turn(client: EvalClient, case: Case, audio: PreparedAudio, t_clip: float) -> None:
    clip_s = len(audio.samples) / 16000
    if audio.speech_end_ms is None:  # noise alone: just listen to the whole of it
        await asyncio.sleep(max(0.0, t_clip + clip_s - client.now()) + 0.5)
        return
    with _no_timeout():
        await client.wait_for(of_type("response.output_audio.delta"), timeout=clip_s + REPLY_TIMEOUT_S)
    with _no_timeout():
        await client.wait_for(of_type("conversation.item.input_audio_transcription.completed"), timeout=8.0)
    await asyncio.sleep(max(0.0, t_clip + clip_s - client.now()))  # hear the tail out: late false starts


class _no_timeout:
    """A missing event is an outcome to score (no reply, no cancel), not a failed run."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> bool:
        return kind is TimeoutError


def _score(client: EvalClient, case: Case, audio: PreparedAudio, t_clip: float, result: CaseResult) -> None:
    events = client.events
    result.timeline = [
        (at - t_clip, e["type"]) for at, e in events if e["type"] != "response.output_audio.delta"
    ]
    speech_end = None if audio.speech_end_ms is None else t_clip + audio.speech_end_ms / 1000
    onset = None if audio.onset_ms is None else t_clip + audio.onset_ms / 1000
    if onset is not None and speech_end is not None:
        result.spans["user speech"] = (onset - t_clip, speech_end - t_clip)
    audio_at: dict[str, list[float]] = {}
    for at, e in events:
        if e["type"] == "response.output_audio.delta":
            audio_at.setdefault(e["response_id"], []).append(at)
    for index, times in enumerate(audio_at.values()):
        result.spans[f"agent audio {index + 1}"] = (times[0] - t_clip, times[-1] - t_clip)

    def first(kind: str, after: float = -1e9) -> float | None:
        return next((at for at, e in events if e["type"] == kind and at >= after), None)

    started = [at for at, e in events if e["type"] == "input_audio_buffer.speech_started" and at >= t_clip]
    result.outcome["speech_started"] = len(started)
    if case.kind == "noise":
        result.outcome["minutes"] = len(audio.samples) / 16000 / 60
        return
    if case.reactive:
        _score_reactive(events, case, onset, result, first)
        return
    assert speech_end is not None
    commits = [at for at, e in events if e["type"] == "input_audio_buffer.committed"]
    result.outcome["cut_off"] = any(at < speech_end for at in commits)
    # A turn cut off mid-sentence is answered too soon; time the turn the user then finished.
    since = max([t_clip, *(at for at in commits if at < speech_end)])
    stopped = first("input_audio_buffer.speech_stopped", since)
    after = since if stopped is None else stopped
    reply = next(
        (e["response"]["id"] for at, e in events if e["type"] == "response.created" and at >= after), None
    )
    audio_first = next((at for at, e in events if _audio_of(e, reply or "")), None)
    transcript = first(_TRANSCRIBED, after)
    if stopped is not None:
        result.stages["endpoint"] = (stopped - speech_end) * 1000
    if transcript is not None:
        result.stages["transcript"] = (transcript - speech_end) * 1000
    if audio_first is not None:
        result.stages["voice_to_voice"] = (audio_first - speech_end) * 1000
        if stopped is not None:
            result.stages["response"] = (audio_first - stopped) * 1000
    heard = [e.get("transcript", "") for _, e in events if e["type"] == _TRANSCRIBED]
    result.outcome["transcript"] = " ".join(t for t in heard if t)
    result.outcome["replied"] = audio_first is not None


def _score_reactive(
    events: list[tuple[float, dict[str, Any]]],
    case: Case,
    onset: float | None,
    result: CaseResult,
    first: Callable[..., float | None],
) -> None:
    reply = next((e for _, e in events if e["type"] == "response.output_audio.delta"), None)
    if reply is None:
        result.error = "the agent never talked"
        return
    done = next(
        (
            (at, e)
            for at, e in events
            if e["type"] == "response.done" and e["response"]["id"] == reply["response_id"]
        ),
        None,
    )
    status = done[1]["response"]["status"] if done else "unfinished"
    result.outcome["cancelled"] = status == "cancelled"
    later = {e["response_id"] for _, e in events if e["type"] == "response.output_audio.delta"} - {
        reply["response_id"]
    }
    result.outcome["answered"] = bool(later)
    heard = [e.get("transcript", "") for _, e in events if e["type"] == _TRANSCRIBED]
    result.outcome["transcript"] = " ".join(t for t in heard if t)
    if case.kind == "backchannel":
        result.outcome["resumed"] = status == "completed"
    elif onset is not None:
        noticed = first("input_audio_buffer.speech_started", onset - 0.5)
        if noticed is not None:
            result.stages["onset_to_speech_started"] = (noticed - onset) * 1000
        if done is not None and status == "cancelled":
            result.stages["onset_to_cancel"] = (done[0] - onset) * 1000
            # The reply falls silent when its audio stops coming (a server may hold it before it
            # cancels); what a client had buffered beyond that is the client's to cut.
            sent = [at for at, e in events if _audio_of(e, reply["response_id"]) and at <= done[0]]
            result.stages["onset_to_silent"] = (max(onset, sent[-1] if sent else onset) - onset) * 1000


def _audio_of(event: dict[str, Any], response_id: str) -> bool:
    return event.get("type") == "response.output_audio.delta" and event.get("response_id") == response_id
