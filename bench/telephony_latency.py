"""Phone calls: voice-to-voice latency on a Twilio stream and on a SIP call, and WER at 8 kHz μ-law.

Real recorded speech (Debian's pocketsphinx-testdata LibriVox clips), streamed at real time:

- Twilio: the Twilio-protocol peer (tests/twilio_peer.py) sends 20 ms μ-law `media` messages;
  voice-to-voice is the end of the caller's speech (the last 20 ms window within 30 dB of the
  clip's loudest, as in bench/voice_latency.py) leaving the peer -> the first loud reply `media`
  arriving.
- SIP: SIPp places the call and replays the clip from a pcap right after its ACK; the server's
  RTP comes to a socket in this script. The clip's timeline starts with the server's first RTP
  packet (sent as the call is answered, when SIPp starts playing; loopback, so within a
  millisecond or two); voice-to-voice ends at the first loud reply packet.
- WebSocket, for comparison: bench/voice_latency.py's turn on the same server (24 kHz PCM).
- WER: Whisper on the clips at 16 kHz (what 24 kHz PCM reaches it as) against the same clips
  through an 8 kHz μ-law phone line (decoded and resampled as the session does).

Phone sessions end a turn after 600 ms of silence, WebSocket ones after 500 ms (the default), so
the phone figures carry 100 ms more by design. Run from the repo root:
`python bench/telephony_latency.py [--rounds N]` (starts its own server; needs `sipp`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.voice_latency import one_turn, pct, speech_bounds_ms
from tests.live_server import API_KEY, free_port, start_server
from tests.sip_caller import WAIT_FOR_BYE, RtpReceiver, answered, place_call, play, scenario, speech_pcap
from tests.speech_data import librivox_clips, load_wav_16k, word_error_rate
from tests.twilio_peer import (
    AUTH_TOKEN,
    TwilioPeer,
    is_loud,
    parse_connect_stream,
    ulaw_8k,
    ulaw_silence,
    voice_webhook,
)

from realtalk.audio.convert import InputDecoder
from realtalk.audio.formats import G711_ULAW
from realtalk.config import Settings
from realtalk.engines.loader import load_speech_engines

LEAD_IN_MS = 300


def first_loud_after(
    arrivals: list[tuple[float, int]], audio: bytes | bytearray, offset: int
) -> float | None:
    """Arrival time of the first loud packet at or after byte `offset`."""
    for index, (at, start) in enumerate(arrivals):
        end = arrivals[index + 1][1] if index + 1 < len(arrivals) else len(audio)
        if start >= offset and is_loud(bytes(audio[start:end])):
            return at
    return None


async def twilio_turn(http_url: str, samples: object) -> float:
    _, end_ms = speech_bounds_ms(samples)  # type: ignore[arg-type]
    response, form = await voice_webhook(http_url)
    peer = await TwilioPeer.open(parse_connect_stream(response.text), form["CallSid"])
    try:
        await peer.say(ulaw_silence(LEAD_IN_MS))
        offset = len(peer.received)
        started = time.monotonic()
        talking = asyncio.create_task(peer.say(ulaw_8k(samples) + ulaw_silence(3000)))
        speech_end = started + end_ms / 1000
        deadline = time.monotonic() + 60
        while (loud := first_loud_after(peer.arrivals, peer.received, offset)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError("no reply on the Twilio stream")
            await asyncio.sleep(0.01)
        talking.cancel()
        await peer.stop()
        return (loud - speech_end) * 1000
    finally:
        await peer.close()


async def sip_turn(sip_port: int, samples: object, workdir: Path) -> float:
    _, end_ms = speech_bounds_ms(samples)  # type: ignore[arg-type]
    receiver = await RtpReceiver.open()
    pcap = speech_pcap(
        workdir / "clip.pcap", ulaw_silence(LEAD_IN_MS) + ulaw_8k(samples) + ulaw_silence(4000)
    )
    sipp = place_call(
        workdir / "sipp", scenario(answered(play(pcap) + WAIT_FOR_BYE), media_port=receiver.port), sip_port
    )
    try:
        deadline = time.monotonic() + 60
        while (
            receiver.first_packet_at is None
            or (loud := first_loud_after(receiver.arrivals, receiver.audio, 0)) is None
        ):
            if time.monotonic() > deadline:
                raise TimeoutError("no reply on the SIP call")
            await asyncio.sleep(0.01)
        speech_end = receiver.first_packet_at + (LEAD_IN_MS + end_ms) / 1000
        return (loud - speech_end) * 1000
    finally:
        sipp.process.kill()
        receiver.close()


def wer_24k_vs_phone() -> tuple[float, float]:
    stt = load_speech_engines(Settings()).stt
    references, wide, narrow = [], [], []
    for path, reference in librivox_clips():
        samples = load_wav_16k(path)
        decoder = InputDecoder(G711_ULAW, target_rate=16000)
        phone = np.concatenate([decoder.feed(ulaw_8k(samples)), decoder.flush()])
        references.append(reference)
        wide.append(stt.transcribe(samples).text)
        narrow.append(stt.transcribe(phone).text)
    return word_error_rate(references, wide), word_error_rate(references, narrow)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="passes over the clips")
    args = parser.parse_args()
    sip_port = free_port()
    rtp = free_port() // 2 * 2
    server = start_server(
        Path(tempfile.mkdtemp(prefix="realtalk-bench-")),
        REALTALK_TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        REALTALK_SIP_PORT=str(sip_port),
        REALTALK_SIP_RTP_PORTS=f"{rtp}-{rtp + 40}",
    )
    ws_url = server.http_url.replace("http", "ws", 1) + "/v1/realtime?model=bench"
    results: dict[str, list[float]] = {"websocket": [], "twilio": [], "sip": []}
    try:
        clips = [load_wav_16k(path) for path, _ in librivox_clips()]
        for _ in range(args.rounds):
            for index, samples in enumerate(clips):
                ws = (await one_turn(ws_url, API_KEY, samples, None))["voice_to_voice_ms"]
                tw = await twilio_turn(server.http_url, samples)
                workdir = Path(tempfile.mkdtemp(prefix="realtalk-sipp-"))
                sip = await sip_turn(sip_port, samples, workdir)
                for name, value in (("websocket", ws), ("twilio", tw), ("sip", sip)):
                    results[name].append(value)
                print(
                    f"  clip {index}: websocket {ws:6.0f} ms   twilio {tw:6.0f} ms   sip {sip:6.0f} ms",
                    flush=True,
                )
    finally:
        server.stop()
    print()
    print(
        f"voice-to-voice over {len(results['sip'])} turns "
        "(machine shared; phone silence window 600 ms, WebSocket 500 ms)"
    )
    for name, values in results.items():
        print(f"  {name:10s} p50 {pct(values, 50):6.0f} ms   p95 {pct(values, 95):6.0f} ms")
    wide, narrow = wer_24k_vs_phone()
    print(f"STT WER (LibriVox): 24 kHz PCM {wide:.3f}   8 kHz μ-law {narrow:.3f}")


if __name__ == "__main__":
    asyncio.run(main())
