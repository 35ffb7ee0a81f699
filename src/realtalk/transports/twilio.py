"""Twilio Media Streams: phone calls to a Twilio number, answered by a hosted `Call`.

Twilio asks the voice webhook (`POST /v1/realtalk/twilio/voice`, signed with the account's auth
token) what to do with a call; the answer is TwiML `<Connect><Stream>` that points at the stream
WebSocket with per-call `<Parameter>`s. Twilio then opens the socket and speaks JSON messages:
`connected`, `start`, `media` (the caller's 8 kHz μ-law, 20 ms a message), `dtmf`, `mark`, `stop`.
We send `media` (the agent's voice), `mark` (echoed once the audio before it has played) and
`clear` (drop what has not played: barge-in). The marks are how the session learns what the
caller heard, the way WebRTC's `PlayoutTrack` reports it: `playout_started`, `playout_drained`,
`playout_cleared(heard_ms)`.

The webhook's signature is the credential: it mints a one-time stream token that travels as a
`<Parameter>` and must come back in `start`, so nobody can open a stream Twilio was not told to.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from fastapi import APIRouter, Request, WebSocket
from fastapi.responses import Response
from starlette.websockets import WebSocketDisconnect, WebSocketState
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Connect, VoiceResponse

from ..audio.formats import G711_ULAW
from ..protocol.errors import ProtocolError
from ..server.calls import Call
from ..server.capacity import Refusal
from ..server.realtime_http import error_response
from ..server.state import AppState
from ..session.config import merge_config
from .phone import open_phone_call
from .send_buffer import SLOW_CLIENT_CLOSE, SLOW_CLIENT_REASON, SendBuffer

log = logging.getLogger(__name__)

VOICE_PATH = "/v1/realtalk/twilio/voice"
STREAM_PATH = "/v1/realtalk/twilio/stream"
START_TIMEOUT_S = 10.0
"""Twilio sends `connected` and `start` right after the socket opens; a peer that doesn't is not Twilio."""
TOKEN_TTL_S = 60.0
"""Twilio opens the stream within a second or two of fetching the TwiML."""
MAX_PENDING_TOKENS = 1000
"""Calls being set up at once; the oldest token is dropped past this (its call fails to start)."""
MAX_MEDIA_BYTES = G711_ULAW.rate
"""A `media` message's payload at most (1 s of μ-law; Twilio's are 20 ms): the session hears a
payload at once, on the event loop, so one of minutes would stall every other call for seconds."""
KEYPAD = "0123456789*#ABCD"
"""What a `dtmf` message's `digit` may be: one key (the RFC 4733 events SIP hears too). Anything
else would reach the session's listeners and the conversation as the key's name."""
MAX_BAD_MESSAGES = 100
"""Malformed messages tolerated in one stream before it is closed as broken."""
RATE = G711_ULAW.rate
MARK_GRACE_S = 10.0
"""How late a mark may come back before its chunk is taken as played: Twilio echoes a mark as its
audio ends, so a peer that never does would otherwise keep every reply it was sent (8 KB/s)."""


class TwilioProtocolError(ValueError):
    """A message from the peer that does not follow Twilio's Media Streams protocol."""


@dataclass(frozen=True)
class StreamGrant:
    """What the voice webhook decided for one call, redeemed by its stream's `start`."""

    call_sid: str
    caller: str
    agent: str | None
    expires_at: float


class StreamGrants:
    """One-time stream tokens minted by the signed webhook (bounded, expiring)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._grants: OrderedDict[str, StreamGrant] = OrderedDict()

    def mint(self, call_sid: str, caller: str, agent: str | None) -> str:
        self._expire()
        while len(self._grants) >= MAX_PENDING_TOKENS:
            self._grants.popitem(last=False)
        token = secrets.token_urlsafe(24)
        self._grants[token] = StreamGrant(call_sid, caller, agent, self._clock() + TOKEN_TTL_S)
        return token

    def redeem(self, token: str) -> StreamGrant | None:
        self._expire()
        return self._grants.pop(token, None)

    def _expire(self) -> None:
        now = self._clock()
        for token in [t for t, g in self._grants.items() if g.expires_at <= now]:
            del self._grants[token]


def public_url(request_url: str, public_base: str | None) -> str:
    """The URL Twilio requested: `public_base` (scheme and host Twilio sees) + the request's path."""
    if not public_base:
        return request_url
    base = urlsplit(public_base)
    here = urlsplit(request_url)
    return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + here.path, here.query, ""))


def stream_url(webhook_url: str) -> str:
    """The stream WebSocket's URL on the host Twilio reached the webhook at."""
    parts = urlsplit(webhook_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    prefix = parts.path[: -len(VOICE_PATH)] if parts.path.endswith(VOICE_PATH) else ""
    return urlunsplit((scheme, parts.netloc, prefix + STREAM_PATH, "", ""))


def connect_twiml(url: str, token: str, caller: str, agent: str | None) -> str:
    """`<Response><Connect><Stream>` with the call's parameters."""
    response = VoiceResponse()
    connect = Connect()
    stream = connect.stream(url=url)
    stream.parameter(name="token", value=token)
    stream.parameter(name="caller", value=caller)
    if agent:
        stream.parameter(name="agent", value=agent)
    response.append(connect)
    return str(response)


def twilio_router(state: AppState) -> APIRouter:
    """The voice webhook and the stream WebSocket; both authenticate with Twilio's signature."""
    settings = state.settings
    assert settings.twilio_auth_token, "only mounted when an auth token is configured"
    validator = RequestValidator(settings.twilio_auth_token)
    grants = StreamGrants()
    agents = {handoff.agent for handoff in state.handoffs}
    state.public_paths.add(VOICE_PATH)  # Twilio signs instead of sending a bearer key
    router = APIRouter()

    @router.post(VOICE_PATH)
    async def voice(request: Request) -> Response:
        """Twilio's incoming-call webhook: answer with `<Connect><Stream>` (`?agent=NAME` picks one)."""
        form = await request.form()
        url = public_url(str(request.url), settings.twilio_public_url)
        signature = request.headers.get("x-twilio-signature", "")
        if not validator.validate(url, form, signature):
            log.warning("twilio: rejected a voice webhook with a bad signature (url %s)", url)
            return error_response(ProtocolError("Invalid X-Twilio-Signature.", code="invalid_signature"), 403)
        agent = request.query_params.get("agent")
        if agent is not None and agent not in agents:
            unknown = ProtocolError(f"Unknown agent '{agent}'.", code="invalid_value", param="agent")
            return error_response(unknown)
        call_sid, caller = str(form.get("CallSid") or ""), str(form.get("From") or "")
        token = grants.mint(call_sid, caller, agent)
        log.info("twilio: call %s from %s, streaming to %s", call_sid, caller or "unknown", stream_url(url))
        return Response(connect_twiml(stream_url(url), token, caller, agent), media_type="application/xml")

    @router.websocket(STREAM_PATH)
    async def stream(websocket: WebSocket) -> None:
        # Twilio signs the upgrade request too (the stream URL, no parameters). The one-time token
        # in `start` is what admits a stream; a signature that is present must also be right.
        signature = websocket.headers.get("x-twilio-signature")
        if signature is not None and not _signed_stream(
            validator, websocket, settings.twilio_public_url, signature
        ):
            log.warning("twilio: refused a stream with a bad signature")
            denial = ProtocolError("Invalid X-Twilio-Signature.", code="invalid_signature")
            await websocket.send_denial_response(error_response(denial, 403))
            return
        await websocket.accept()
        await TwilioStream(websocket, state, grants).run()

    return router


def _signed_stream(
    validator: RequestValidator, websocket: WebSocket, public_base: str | None, signature: str
) -> bool:
    """Whether `signature` signs the stream URL, in its wss:// form or its https:// form."""
    url = public_url(str(websocket.url), public_base)
    scheme, rest = url.split("://", 1)
    secure = scheme in ("wss", "https")
    forms = {f"{'wss' if secure else 'ws'}://{rest}", f"{'https' if secure else 'http'}://{rest}"}
    return any(validator.validate(form, {}, signature) for form in forms)


class TwilioPlayer:
    """Reply audio out as `media` + `mark` messages; marks coming back say what was played.

    Implements `session.runtime.AudioPlayer`. Each `play` is one chunk of the session's count:
    its mark coming back means the caller heard it; after `clear`, Twilio returns the remaining
    marks too, and those are ignored.
    """

    def __init__(self, call: Call, send: Callable[[dict[str, Any]], None]) -> None:
        self._call = call
        self._send = send
        self._pending: deque[_Sent] = deque()
        self._acked_chunks: dict[str, int] = {}
        self._heard_samples: dict[str, int] = {}
        self._playing_since: float | None = None
        """When Twilio started on the oldest unacknowledged chunk (first send, or the last mark)."""
        self._marks = 0
        self._held: list[tuple[str, str, bytes]] | None = None
        """Audio kept back while the player is paused (an onset or a backchannel is judged)."""

    def pause(self) -> None:
        """Twilio plays everything it was sent, seconds of it: `clear` it now, and keep what it had
        not played yet to send again on `resume`."""
        if self._held is not None:
            return
        self._held = []
        if not self._pending:
            return
        self._send({"event": "clear"})
        oldest = self._pending[0]
        heard = self._heard_of_oldest()
        self._add_heard(oldest.item_id, heard)
        for sent in self._pending:
            audio = sent.audio[heard:] if sent is oldest else sent.audio
            self._held.append((sent.response_id, sent.item_id, audio))
        self._pending.clear()  # Twilio returns their marks as it clears: no longer ours

    def resume(self) -> None:
        held, self._held = self._held or [], None
        for response_id, item_id, audio in held:
            self.play(response_id, item_id, audio)

    def play(self, response_id: str, item_id: str, audio: bytes) -> None:
        if self._held is not None:
            self._held.append((response_id, item_id, audio))
            return
        if response_id not in self._acked_chunks:
            self._acked_chunks[response_id] = 0
            self._report(self._call.session.playout_started(response_id))
        if audio:
            self._send({"event": "media", "media": {"payload": base64.b64encode(audio).decode()}})
        self._marks += 1
        name = f"{response_id}:{self._marks}"
        self._send({"event": "mark", "mark": {"name": name}})
        if not self._pending:
            self._playing_since = time.monotonic()
        self._pending.append(_Sent(name, response_id, item_id, audio))
        self._expire_overdue()

    def clear(self) -> None:
        self._send({"event": "clear"})
        cut: dict[str, str] = {}
        for sent in self._pending:
            cut.setdefault(sent.response_id, sent.item_id)
        for response_id, item_id, _ in self._held or []:
            cut.setdefault(response_id, item_id)
        self._held = None
        if self._pending:
            self._add_heard(self._pending[0].item_id, self._heard_of_oldest())
        self._pending.clear()
        for response_id, item_id in cut.items():
            self._acked_chunks.pop(response_id, None)
            heard_ms = self._heard_samples.get(item_id, 0) * 1000 / RATE
            self._report(self._call.session.playout_cleared(response_id, item_id, heard_ms))

    def marked(self, name: str) -> None:
        """Twilio played everything up to the mark `name` (or cleared it: then it is unknown)."""
        if not any(sent.name == name for sent in self._pending):
            return
        while self._pending:
            sent = self._played_oldest()
            if sent.name == name:
                break
        self._playing_since = time.monotonic()
        if not self._pending:
            played = self._acked_chunks[sent.response_id]
            self._report(self._call.session.playout_drained(sent.response_id, played))

    def _expire_overdue(self) -> None:
        """Take the chunks whose marks are `MARK_GRACE_S` overdue as played (see there)."""
        assert self._playing_since is not None  # something is pending
        now = time.monotonic()
        while len(self._pending) > 1 and now - self._playing_since > self._pending[0].seconds + MARK_GRACE_S:
            self._playing_since += self._played_oldest().seconds
        if len(self._pending) == 1:  # the chunk just sent: it can't have started before now
            self._playing_since = max(self._playing_since, now)

    def _played_oldest(self) -> _Sent:
        sent = self._pending.popleft()
        self._add_heard(sent.item_id, len(sent.audio))
        self._acked_chunks[sent.response_id] = self._acked_chunks.get(sent.response_id, 0) + 1
        return sent

    def _heard_of_oldest(self) -> int:
        """Samples of the oldest unacknowledged chunk Twilio has played by now."""
        if self._playing_since is None:
            return 0
        elapsed = int((time.monotonic() - self._playing_since) * RATE)
        return min(elapsed, len(self._pending[0].audio))

    def _add_heard(self, item_id: str, samples: int) -> None:
        self._heard_samples[item_id] = self._heard_samples.get(item_id, 0) + samples

    def _report(self, effects: list[Any]) -> None:
        self._call.runtime.submit(effects)


@dataclass(frozen=True)
class _Sent:
    name: str
    response_id: str
    item_id: str
    audio: bytes
    """μ-law: a byte a sample. Kept until its mark returns, to send again after a pause."""

    @property
    def seconds(self) -> float:
        return len(self.audio) / RATE


class TwilioStream:
    """One Media Streams WebSocket driving one hosted `Call`."""

    def __init__(self, websocket: WebSocket, state: AppState, grants: StreamGrants) -> None:
        self.websocket = websocket
        self.state = state
        self.grants = grants
        self.stream_sid = ""
        self.call: Call | None = None
        self._bad_messages = 0
        self._closing: asyncio.Future[None] | None = None

    async def run(self) -> None:
        try:
            start = await asyncio.wait_for(self._await_start(), START_TIMEOUT_S)
        except (TimeoutError, TwilioProtocolError, WebSocketDisconnect) as exc:
            log.warning("twilio: stream closed before a valid start: %s", exc or "timed out")
            await self._close(1008, "expected a valid start message")
            return
        parameters = start.get("customParameters")
        token = parameters.get("token", "") if isinstance(parameters, dict) else ""
        grant = self.grants.redeem(str(token))
        if grant is None:
            log.warning("twilio: stream %s has no valid token; closing", self.stream_sid)
            await self._close(1008, "unknown or expired stream token")
            return
        await self._serve(start, grant)

    async def _await_start(self) -> dict[str, Any]:
        """Read `connected` (optional) then `start`; return the `start` object."""
        while True:
            message = await self._receive()
            if message is None:
                continue
            event = message["event"]
            if event == "connected":
                continue
            if event != "start":
                raise TwilioProtocolError(f"expected 'start', got {event!r}")
            start = message.get("start")
            if not isinstance(start, dict) or not isinstance(message.get("streamSid"), str):
                raise TwilioProtocolError("'start' without a start object or streamSid")
            encoding = (start.get("mediaFormat") or {}).get("encoding", "audio/x-mulaw")
            if encoding != "audio/x-mulaw":
                raise TwilioProtocolError(f"unsupported media encoding {encoding!r}")
            self.stream_sid = message["streamSid"]
            return start

    async def _serve(self, start: dict[str, Any], grant: StreamGrant) -> None:
        agent: dict[str, Any] = {}
        for handoff in self.state.handoffs:
            if handoff.agent == grant.agent:
                agent = merge_config(agent, handoff.session_update)
        try:
            call, history = await open_phone_call(self.state, "twilio", G711_ULAW, agent)
        except Refusal as refusal:
            log.warning("refused a Twilio call: %s", refusal.message)
            return
        if grant.call_sid and f"rtc_{grant.call_sid}" not in self.state.calls:
            # The backend that answered the webhook knows the CallSid: it can join by `rtc_<CallSid>`.
            call.id = f"rtc_{grant.call_sid}"
        self.call = call
        # Bounded in bytes like every connection's (`send_buffer_bytes`): a stalled peer ends the call.
        outbox = SendBuffer(self._send_text, self.state.settings.send_buffer_bytes, self._overflowed)
        player = TwilioPlayer(call, lambda message: outbox.put({**message, "streamSid": self.stream_sid}))
        call.runtime.player = player
        call.on_end.append(self._hang_up)
        self.state.calls[call.id] = call
        await call.start(history)
        metadata = {"channel": "twilio", "caller": grant.caller, "call_sid": grant.call_sid}
        if grant.agent:
            metadata["agent"] = grant.agent
        await asyncio.to_thread(
            self.state.store.ensure_conversation, call.session.conversation_id, None, metadata
        )
        log.info(
            "twilio: call %s (stream %s, Twilio call %s, caller %s) is %s, conversation %s",
            call.id,
            self.stream_sid,
            start.get("callSid", grant.call_sid),
            grant.caller or "unknown",
            call.session.id,
            call.session.conversation_id,
        )
        pumping = asyncio.ensure_future(self._pump(call, player))
        ended = asyncio.ensure_future(call.ended.wait())
        try:
            # Until Twilio stops, or the call ends elsewhere (the pump may be waiting for room).
            await asyncio.wait({pumping, ended}, return_when=asyncio.FIRST_COMPLETED)
            if pumping.done():
                pumping.result()  # its error, if any
        finally:
            for task in (pumping, ended):
                task.cancel()
            await asyncio.gather(pumping, ended, return_exceptions=True)
            await call.end()
            await outbox.close()
            await self._close(1000, "call ended")

    async def _pump(self, call: Call, player: TwilioPlayer) -> None:
        session, runtime = call.session, call.runtime
        while not call.ended.is_set():
            # A peer sending faster than the session keeps up is slowed by TCP, not queued.
            await runtime.room()
            try:
                message = await self._receive()
            except WebSocketDisconnect:
                return
            if message is None:
                continue
            event = message["event"]
            body = message.get(event)
            if event == "media":
                ulaw = _b64(body.get("payload")) if isinstance(body, dict) else None
                if ulaw is None or len(ulaw) > MAX_MEDIA_BYTES:
                    self._bad("media without a base64 payload of at most 1 s")
                    continue
                runtime.submit(session.feed_audio(ulaw))
            elif event == "dtmf":
                digit = body.get("digit") if isinstance(body, dict) else None
                if not isinstance(digit, str) or len(digit) != 1 or digit not in KEYPAD:
                    self._bad("dtmf without a keypad digit")
                    continue
                # Nobody watching (no sideband backend): the agent answers the key press itself.
                runtime.submit(session.dtmf_received(digit, int(time.time()), answer=not call.listeners))
            elif event == "mark":
                name = body.get("name") if isinstance(body, dict) else None
                if isinstance(name, str):
                    player.marked(name)
                else:
                    self._bad("mark without a name")
            elif event == "stop":
                log.info("twilio: stream %s stopped by Twilio", self.stream_sid)
                return
            else:
                log.info("twilio: stream %s: ignoring unknown event %r", self.stream_sid, event)

    async def _receive(self) -> dict[str, Any] | None:
        """The next message as a JSON object with a string `event`; None (logged) for a bad one."""
        message = await self.websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        text = message.get("text")
        if text is None:
            self._bad("binary frame")
            return None
        try:
            parsed = json.loads(text)
        except ValueError:
            self._bad("text that is not JSON")
            return None
        if not isinstance(parsed, dict) or not isinstance(parsed.get("event"), str):
            self._bad("a message without an 'event' string")
            return None
        return parsed

    def _bad(self, what: str) -> None:
        self._bad_messages += 1
        log.warning("twilio: stream %s: ignoring %s", self.stream_sid or "(not started)", what)
        if self._bad_messages > MAX_BAD_MESSAGES:
            raise WebSocketDisconnect(1008)

    def _overflowed(self) -> None:
        self.state.metrics.slow_clients.inc()
        log.warning("twilio: stream %s is not reading; ending the call", self.stream_sid)
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close(SLOW_CLIENT_CLOSE, SLOW_CLIENT_REASON))

    async def _send_text(self, text: str) -> None:
        if self.websocket.application_state != WebSocketState.CONNECTED:
            return
        try:
            await self.websocket.send_text(text)
        except Exception as exc:
            log.info("twilio: stream %s: send failed (%s); ending the call", self.stream_sid, exc)
            await self._close(1011, "send failed")
            raise  # stops the outbox

    async def _hang_up(self) -> None:
        # Ended from elsewhere (hang-up, a stalled peer): closing the socket ends Twilio's <Connect>.
        await self._close(1000, "call ended")

    async def _close(self, code: int, reason: str) -> None:
        if self.websocket.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await self.websocket.close(code, reason)


def _b64(value: object) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
