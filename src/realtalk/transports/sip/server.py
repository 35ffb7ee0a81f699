"""The SIP user agent server: calls in over UDP and TCP, controlled the way OpenAI's SIP calls are.

An INVITE whose SDP offers PCMU or PCMA gets 100 Trying and 180 Ringing (anything else: 488).
With a webhook configured, RealTalk POSTs `realtime.call.incoming` (signed like OpenAI's) and
the call rings until the backend answers on the HTTP API, with OpenAI's paths and bodies:
`POST /v1/realtime/calls/{call_id}/accept` (a session config), `/reject` (`status_code`),
`/refer` (`target_uri`: a SIP REFER to the caller) and `/hangup` (BYE). Without one, calls are
accepted at once with the default agent. An accepted call is a hosted `Call` like a WebRTC call:
the backend can join it by sideband, and it ends on BYE from either side, on hang-up, or when
RTP stops for `sip_rtp_timeout_s`.

The SIP and SDP work (parsing, transactions, dialogs, 2xx retransmission, CANCEL, OPTIONS) is
aiosipua's; RTP (jitter buffer, RFC 4733 events, RTCP) is aiortp's. See docs/telephony.md.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
from aiosipua import IncomingCall, SipUAC, SipUAS
from aiosipua.sdp import SdpMessage
from aiosipua.sdp_negotiate import SdpNegotiationError, negotiate_sdp
from aiosipua.transport import TcpSipTransport, UdpSipTransport
from fastapi import APIRouter, Request
from starlette.responses import Response

from ...audio.formats import AudioFormat
from ...protocol.client_events import validate_session_config
from ...protocol.errors import ProtocolError
from ...protocol.ids import new_id
from ...server.calls import Call
from ...server.capacity import Refusal
from ...server.realtime_http import error_response, json_object
from ...server.state import AppState
from ..phone import open_phone_call
from . import webhook
from .media import PAYLOAD_FORMATS, SipMedia

log = logging.getLogger(__name__)

MAX_RINGING = 100
"""Calls ringing at once, waiting for the backend; more get 486 Busy Here."""
USER_AGENT = "RealTalk"


@dataclass(eq=False)
class _SipCall:
    """One INVITE's life: ringing, then (once accepted) its hosted call and media."""

    id: str
    uas: SipUAS
    invite: IncomingCall
    offer: SdpMessage
    ring_timer: asyncio.TimerHandle | None = None
    answering: asyncio.Future[None] | None = None
    """The first accept's work: later accepts of the call wait for it instead of answering again."""
    call: Call | None = None
    media: SipMedia | None = None
    caller_hung_up: bool = False
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)


class SipServer:
    """Listens for SIP calls and answers them with hosted calls (see the module docstring)."""

    def __init__(self, state: AppState) -> None:
        settings = state.settings
        assert settings.sip_port is not None, "only built when a SIP port is configured"
        if settings.sip_webhook_url and not settings.sip_webhook_secret:
            raise ValueError("REALTALK_SIP_WEBHOOK_URL needs REALTALK_SIP_WEBHOOK_SECRET to sign with")
        self.state = state
        self.settings = settings
        self.bind_ip = settings.host
        self.advertised_ip = settings.sip_advertised_ip or settings.host
        low, _, high = settings.sip_rtp_ports.partition("-")
        self._rtp_ports = range(int(low) // 2 * 2, int(high or low) + 1, 2)  # RTP even, RTCP odd
        if not self._rtp_ports:
            raise ValueError(f"REALTALK_SIP_RTP_PORTS {settings.sip_rtp_ports!r} is not a LOW-HIGH range")
        self._ports_in_use: set[int] = set()
        self._calls: dict[str, _SipCall] = {}
        """By RealTalk call id (`rtc_…`): ringing and answered calls."""
        self._by_dialog: dict[str, _SipCall] = {}
        """The same calls by SIP Call-ID."""
        self._agents: list[SipUAS] = []
        self._allowed = [
            ipaddress.ip_network(source, strict=False) for source in settings.sip_allowed_sources
        ]

    async def start(self) -> None:
        port = self.settings.sip_port
        assert port is not None
        for transport in (
            UdpSipTransport(local_addr=(self.bind_ip, port)),
            TcpSipTransport(local_addr=(self.bind_ip, port)),
        ):
            uas = SipUAS(
                transport,
                user_agent=USER_AGENT,
                uac=SipUAC(transport),
                advertised_addr=(self.advertised_ip, port),
            )
            uas.on_invite = lambda incoming, uas=uas: self._on_invite(uas, incoming)
            uas.on_bye = self._on_bye
            uas.on_reinvite = self._on_reinvite
            uas.on_cancel = self._on_cancel
            await uas.start()
            self._agents.append(uas)
        log.info(
            "SIP: listening on %s:%d (UDP and TCP), RTP ports %s",
            self.bind_ip,
            port,
            self.settings.sip_rtp_ports,
        )

    async def stop(self) -> None:
        for sip_call in list(self._calls.values()):
            if sip_call.call is not None:
                await sip_call.call.end()
            else:
                self._reject(sip_call, 503, "Service Unavailable")
        for uas in self._agents:
            await uas.stop()

    # ------------------------------------------------------------------ SIP side

    def _on_invite(self, uas: SipUAS, incoming: IncomingCall) -> None:
        if incoming.call_id in self._by_dialog:
            return  # a retransmitted INVITE; the transaction layer answers it
        source = ipaddress.ip_address(incoming.source_addr[0])
        if self._allowed and not any(source in network for network in self._allowed):
            incoming.reject(403, "Forbidden")
            log.warning("SIP: INVITE from %s refused: not in REALTALK_SIP_ALLOWED_SOURCES", source)
            return
        offer = incoming.sdp_offer
        if offer is None:
            incoming.reject(488, "Not Acceptable Here")
            log.info("SIP: INVITE %s without an SDP offer: 488", incoming.call_id)
            return
        try:
            self._format(offer)
        except (SdpNegotiationError, ValueError) as exc:
            incoming.reject(488, "Not Acceptable Here")
            log.info("SIP: INVITE %s offers no codec we speak (%s): 488", incoming.call_id, exc)
            return
        if sum(1 for ringing in self._calls.values() if ringing.call is None) >= MAX_RINGING:
            incoming.reject(486, "Busy Here")
            return
        sip_call = _SipCall(new_id("rtc"), uas, incoming, offer)
        self._calls[sip_call.id] = sip_call
        self._by_dialog[incoming.call_id] = sip_call
        incoming.ringing()
        log.info(
            "SIP: call %s from %s ringing (SIP Call-ID %s)", sip_call.id, incoming.caller, incoming.call_id
        )
        url = self.settings.sip_webhook_url
        if url is None:
            self._spawn(sip_call, self._accept_with_defaults(sip_call))
            return
        loop = asyncio.get_running_loop()
        sip_call.ring_timer = loop.call_later(self.settings.sip_ring_timeout_s, self._ring_timeout, sip_call)
        self._spawn(sip_call, self._notify(sip_call, url))

    async def _notify(self, sip_call: _SipCall, url: str) -> None:
        headers = [
            (name, value) for name, values in sip_call.invite.invite.headers.items() for value in values
        ]
        event = webhook.incoming_call_event(sip_call.id, headers)
        assert self.settings.sip_webhook_secret is not None
        if self.state.cluster is not None:  # the backend's accept may come through any node
            try:
                await self.state.cluster.announce(sip_call.id, self.settings.sip_ring_timeout_s + 5)
            except Exception as exc:  # Redis away: no other node could route the accept here
                log.warning("SIP: call %s: registering it failed (%s); rejecting", sip_call.id, exc)
                self._reject(sip_call, 503, "Service Unavailable")
                return
        try:
            status = await webhook.deliver(url, self.settings.sip_webhook_secret, event)
        except httpx.HTTPError as exc:
            self._webhook_failed(sip_call, f"the webhook failed ({exc})")
            return
        if not 200 <= status < 300:
            self._webhook_failed(sip_call, f"the webhook answered {status}")

    def _webhook_failed(self, sip_call: _SipCall, why: str) -> None:
        """Reject the call, unless the backend accepted it meanwhile (from its webhook handler,
        which then failed or outlasted our timeout): that call is answered, and stays so."""
        if sip_call.answering is not None:
            log.warning("SIP: call %s: %s, but it was accepted; keeping it", sip_call.id, why)
            return
        log.warning("SIP: call %s: %s; rejecting", sip_call.id, why)
        self._reject(sip_call, 503, "Service Unavailable")

    async def _accept_with_defaults(self, sip_call: _SipCall) -> None:
        try:
            await self.accept(sip_call.id, {})
        except ProtocolError as exc:  # the caller already got its answer (503)
            log.warning("SIP: call %s could not be answered: %s", sip_call.id, exc.message)

    def _ring_timeout(self, sip_call: _SipCall) -> None:
        if sip_call.call is None and sip_call.id in self._calls:
            log.info("SIP: call %s was not accepted in %.0f s", sip_call.id, self.settings.sip_ring_timeout_s)
            self._reject(sip_call, 480, "Temporarily Unavailable")

    def _format(self, offer: SdpMessage) -> AudioFormat:
        """The G.711 law the answer will pick. Raises `SdpNegotiationError` when there is none."""
        _, payload_type = negotiate_sdp(
            offer, local_ip=self.advertised_ip, rtp_port=0, supported_codecs=list(PAYLOAD_FORMATS)
        )
        return PAYLOAD_FORMATS[payload_type]

    def _on_cancel(self, request: Any, _addr: tuple[str, int]) -> None:
        sip_call = self._by_dialog.get(request.call_id or "")
        if sip_call is not None and sip_call.call is None:
            log.info("SIP: call %s cancelled by the caller", sip_call.id)
            self._forget(sip_call)

    def _on_bye(self, incoming: IncomingCall, _request: Any) -> None:
        sip_call = self._by_dialog.get(incoming.call_id)
        if sip_call is None:
            return
        sip_call.caller_hung_up = True
        log.info("SIP: call %s: the caller hung up", sip_call.id)
        if sip_call.call is not None:
            self._spawn(sip_call, sip_call.call.end())
        else:
            self._forget(sip_call)

    def _on_reinvite(self, incoming: IncomingCall) -> None:
        # A session refresh, hold or a media move: keep our answer, follow the caller's address.
        sip_call = self._by_dialog.get(incoming.call_id)
        if sip_call is None or sip_call.media is None:
            return
        offer = incoming.sdp_offer
        if offer is not None and offer.rtp_address is not None:
            sip_call.media.rtp.update_remote(offer.rtp_address)
        incoming.accept(sip_call.media.rtp.sdp_answer)
        log.info("SIP: call %s re-INVITEd; answered with the same media", sip_call.id)

    def _reject(self, sip_call: _SipCall, status: int, reason: str) -> None:
        sip_call.invite.reject(status, reason)
        self._forget(sip_call)

    def _forget(self, sip_call: _SipCall) -> None:
        if sip_call.ring_timer is not None:
            sip_call.ring_timer.cancel()
        self._calls.pop(sip_call.id, None)
        self._by_dialog.pop(sip_call.invite.call_id, None)

    def _end_soon(self, sip_call: _SipCall) -> None:
        if sip_call.call is not None:
            self._spawn(sip_call, sip_call.call.end())

    def _spawn(self, sip_call: _SipCall, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        sip_call.tasks.add(task)
        task.add_done_callback(sip_call.tasks.discard)

    # ------------------------------------------------------------------ call control

    def ringing(self, call_id: str) -> _SipCall | None:
        sip_call = self._calls.get(call_id)
        return sip_call if sip_call is not None and sip_call.answering is None else None

    async def accept(self, call_id: str, session_config: dict[str, Any]) -> None:
        """Answer a ringing call with this (validated) session config. Raises `ProtocolError`.

        Idempotent: an accept of a call being answered or answered already (a backend that retries,
        or two of its workers handling one webhook) waits for the first one and shares its outcome,
        so the call is answered once, with the first accept's config."""
        sip_call = self._calls.get(call_id)
        if sip_call is None:
            raise ProtocolError(f"Call '{call_id}' is not ringing.", code="call_not_found", param="call_id")
        if sip_call.answering is None:
            if sip_call.ring_timer is not None:
                sip_call.ring_timer.cancel()
            sip_call.answering = asyncio.ensure_future(self._answer(sip_call, session_config))
        # Shielded: a requester that goes away does not leave the call half answered.
        await asyncio.shield(sip_call.answering)

    async def _answer(self, sip_call: _SipCall, session_config: dict[str, Any]) -> None:
        media = await self._open_media(sip_call, session_config)
        if media is None:
            raise ProtocolError("No RTP port is free for the call; it was rejected.", code="server_error")
        call = media.call
        sip_call.call, sip_call.media = call, media
        call.on_end.append(lambda: self._close(sip_call))
        self.state.calls[call.id] = call
        sip_call.invite.accept(media.rtp.sdp_answer)
        await call.start([])
        metadata = {
            "channel": "sip",
            "caller": sip_call.invite.caller,
            "sip_call_id": sip_call.invite.call_id,
        }
        await asyncio.to_thread(
            self.state.store.ensure_conversation, call.session.conversation_id, None, metadata
        )
        log.info(
            "SIP: call %s answered (%s), conversation %s",
            call.id,
            media.format.type,
            call.session.conversation_id,
        )

    async def _open_media(self, sip_call: _SipCall, session_config: dict[str, Any]) -> SipMedia | None:
        """The call and its RTP session on a free port (503 to the caller when none is left)."""
        for port in self._rtp_ports:
            if port in self._ports_in_use:
                continue
            try:
                call, _ = await open_phone_call(
                    self.state, "sip", self._format(sip_call.offer), session_config
                )
            except Refusal as refusal:
                self._reject(sip_call, 503, "Service Unavailable")  # else it rings on, holding a slot
                raise ProtocolError(refusal.message, code=refusal.code, type=refusal.type) from refusal
            call.id = sip_call.id
            media = SipMedia(
                call,
                sip_call.offer,
                bind_ip=self.bind_ip,
                advertised_ip=self.advertised_ip,
                rtp_port=port,
                rtp_timeout_s=self.settings.sip_rtp_timeout_s,
                on_timeout=partial(self._end_soon, sip_call),
            )
            try:
                await media.start()
            except OSError:
                await call.end()
                continue  # taken by another process
            self._ports_in_use.add(port)
            return media
        log.warning("SIP: call %s: no free RTP port in %s", sip_call.id, self.settings.sip_rtp_ports)
        self._reject(sip_call, 503, "Service Unavailable")
        return None

    async def _close(self, sip_call: _SipCall) -> None:
        """The hosted call ended: hang up (unless the caller did) and free the media."""
        if not sip_call.caller_hung_up:
            sip_call.invite.hangup()
            log.info("SIP: call %s: BYE sent", sip_call.id)
        self._forget(sip_call)
        if sip_call.media is not None:
            await sip_call.media.close()
            self._ports_in_use.discard(sip_call.media.rtp_port)

    def reject(self, call_id: str, status: int) -> None:
        sip_call = self.ringing(call_id)
        if sip_call is None:
            raise ProtocolError(f"Call '{call_id}' is not ringing.", code="call_not_found", param="call_id")
        self._reject(sip_call, status, "Decline" if status == 603 else "")

    def refer(self, call_id: str, target_uri: str) -> None:
        sip_call = self._calls.get(call_id)
        if sip_call is None or sip_call.call is None:
            raise ProtocolError(
                f"Call '{call_id}' is not an answered SIP call.", code="call_not_found", param="call_id"
            )
        assert sip_call.uas.uac is not None
        sip_call.uas.uac.send_refer(sip_call.invite.dialog, target_uri, sip_call.invite.source_addr)
        log.info("SIP: call %s referred to %s", call_id, target_uri)

    def router(self) -> APIRouter:
        """OpenAI's call-control endpoints for SIP calls (`/hangup` is shared with WebRTC)."""
        router = APIRouter()

        @router.post("/v1/realtime/calls/{call_id}/accept")
        async def accept(call_id: str, request: Request) -> Response:
            async def act(body: dict[str, Any]) -> None:
                if body.pop("type", "realtime") != "realtime":
                    raise ProtocolError(
                        "Only 'realtime' sessions can be accepted.", code="invalid_value", param="type"
                    )
                await self.accept(call_id, validate_session_config(body))

            return await _call_control(request, act)

        @router.post("/v1/realtime/calls/{call_id}/reject")
        async def reject(call_id: str, request: Request) -> Response:
            async def act(body: dict[str, Any]) -> None:
                status = body.get("status_code", 603)
                if not isinstance(status, int) or not 400 <= status <= 699:
                    raise ProtocolError(
                        "status_code must be a SIP failure code (400-699).",
                        code="invalid_value",
                        param="status_code",
                    )
                self.reject(call_id, status)

            return await _call_control(request, act)

        @router.post("/v1/realtime/calls/{call_id}/refer")
        async def refer(call_id: str, request: Request) -> Response:
            async def act(body: dict[str, Any]) -> None:
                target = body.get("target_uri")
                if not isinstance(target, str) or not target.startswith(("sip:", "sips:", "tel:")):
                    raise ProtocolError(
                        "target_uri must be a sip:, sips: or tel: URI.",
                        code="invalid_value",
                        param="target_uri",
                    )
                self.refer(call_id, target)

            return await _call_control(request, act)

        return router


async def _call_control(request: Request, act: Callable[[dict[str, Any]], Awaitable[None]]) -> Response:
    """Run one call-control request (master key only, a JSON object body): 200, or OpenAI's error."""
    try:
        if request.state.credential.kind != "master":
            raise ProtocolError("Call control needs the master API key.", code="insufficient_scope")
        await act(json_object(await request.body()))
    except ProtocolError as exc:
        return error_response(exc, _status(exc))
    return Response(status_code=200)


def _status(exc: ProtocolError) -> int:
    return {"call_not_found": 404, "insufficient_scope": 403, "server_error": 503}.get(exc.code or "", 400)
