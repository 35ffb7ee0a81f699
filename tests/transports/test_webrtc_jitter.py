"""The WebRTC transport's one reach into aiortc internals, checked against the installed aiortc."""

from __future__ import annotations

from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.jitterbuffer import JitterBuffer

from realtalk.transports.webrtc import JITTER_PACKETS, shorten_jitter_buffer
from tests.rtc_client import MicTrack


async def test_the_caller_audio_jitter_buffer_is_shortened() -> None:
    caller, server = RTCPeerConnection(), RTCPeerConnection()
    try:
        caller.addTrack(MicTrack())
        await caller.setLocalDescription(await caller.createOffer())
        await server.setRemoteDescription(RTCSessionDescription(caller.localDescription.sdp, "offer"))
        receiver = next(t.receiver for t in server.getTransceivers() if t.kind == "audio")
        shorten_jitter_buffer(receiver)
        # If aiortc renames its buffer this fails, instead of the latency silently growing back.
        buffer = receiver._RTCRtpReceiver__jitter_buffer  # type: ignore[attr-defined]
        assert isinstance(buffer, JitterBuffer)
        assert buffer._prefetch == JITTER_PACKETS
    finally:
        await caller.close()
        await server.close()
