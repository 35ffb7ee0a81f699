"""The advertised WebRTC address and ICE servers: on a real aiortc answer, and on a live node."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription

from realtalk.transports.rtc_network import advertise, ice_configuration
from tests.live_server import API_KEY, start_server
from tests.rtc_client import RtcClient


def _host_candidates(sdp: str) -> list[list[str]]:
    return [
        line.split(" ")
        for line in sdp.split("\r\n")
        if line.startswith("a=candidate:") and " typ host" in line
    ]


async def _real_answer() -> str:
    caller, node = RTCPeerConnection(), RTCPeerConnection()
    try:
        caller.addTransceiver("audio")
        caller.createDataChannel("oai-events")
        await caller.setLocalDescription(await caller.createOffer())
        await node.setRemoteDescription(caller.localDescription)
        await node.setLocalDescription(await node.createAnswer())
        return str(node.localDescription.sdp)
    finally:
        await caller.close()
        await node.close()


async def test_advertise_replaces_host_candidate_addresses_and_keeps_ports() -> None:
    sdp = await _real_answer()
    before = _host_candidates(sdp)
    assert before, "aiortc offers host candidates"
    rewritten = advertise(sdp, "203.0.113.7")
    after = _host_candidates(rewritten)
    assert {c[4] for c in after} == {"203.0.113.7"}
    assert {c[5] for c in after} <= {c[5] for c in before}  # same ports: a 1:1 NAT maps them
    assert "c=IN IP4 203.0.113.7" in rewritten.split("\r\n")
    assert advertise(sdp, None) == sdp
    RTCSessionDescription(sdp=rewritten, type="answer")  # still an answer aiortc accepts


def test_ice_servers_take_the_browser_shape() -> None:
    config = ice_configuration(
        [
            {"urls": "stun:stun.example.org:3478"},
            {"urls": ["turn:turn.example.org"], "username": "u", "credential": "p"},
        ]
    )
    assert config.iceServers is not None
    stun, turn = config.iceServers
    assert stun.urls == "stun:stun.example.org:3478" and stun.username is None
    assert turn.urls == ["turn:turn.example.org"] and (turn.username, turn.credential) == ("u", "p")
    assert ice_configuration([]).iceServers == []


@pytest.mark.slow
async def test_a_call_connects_through_the_advertised_address(tmp_path: Path) -> None:
    address = _host_candidates(await _real_answer())[0][4]  # this machine's address, as a NAT would map it
    server = start_server(
        tmp_path / "data",
        REALTALK_RTC_ADVERTISE_ADDRESS=address,
        REALTALK_RTC_ICE_SERVERS=json.dumps([]),
    )
    call = RtcClient()
    try:
        await call.connect(server, API_KEY)  # waits for the data channel: ICE went through
        assert {c[4] for c in _host_candidates(call.pc.remoteDescription.sdp)} == {address}
        assert (await call.until("session.created"))["type"] == "session.created"
    finally:
        await call.close()
        server.stop()
