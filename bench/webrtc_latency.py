"""Voice-to-voice latency and barge-in time over WebRTC, measured on the audio itself.

A real aiortc peer (tests/rtc_client.py) speaks recorded speech (Debian's pocketsphinx-testdata)
into an Opus track in real time and listens to the agent's track. It prints p50/p95 of:

- voice-to-voice: end of the user's speech (the last 20 ms window within 30 dB of the clip's
  loudest, as in bench/voice_latency.py) leaving the microphone -> first loud frame of the reply
  arriving on the agent's track (Opus both ways, jitter buffer included);
- barge-in: onset of speech (the spoken card names) sent over a playing reply -> that reply's
  `response.done` (cancelled) on the data channel (the core bench's definition), and -> the
  agent's voice going silent on the track (what the person hears).

Run from the repo root: `python bench/webrtc_latency.py` (starts its own server). The playout
pauses at the first sound of the interruption (`pause_at_onset`) in both modes; with
`--semantic` the sessions use `semantic_vad`, so the reply is then held (backchannels on) and
cancelled once judged an interruption. `--peer-jitter 1` makes the test peer buffer one packet
of the agent's audio instead of aiortc's fixed four (closer to a browser on a quiet network).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.voice_latency import pct, speech_bounds_ms
from tests.live_server import API_KEY, start_server
from tests.realtime_client import pcm24k, silence
from tests.rtc_client import RtcClient
from tests.speech_data import cards_clips, librivox_clips, load_wav_16k

QUIET_GAP_S = 0.3
"""Silence on the track this long after an interruption's onset means the cut reply has stopped
(Piper's pauses between a reply's sentences are shorter)."""


async def voice_to_voice(call: RtcClient, samples: object) -> float:
    """One spoken turn; ms from the end of speech leaving the mic to the reply's first sound."""
    _, end_ms = speech_bounds_ms(samples)  # type: ignore[arg-type]
    call.say(pcm24k(samples) + silence(1200))
    started = await call.until("output_audio_buffer.started", timeout=60)
    assert call.mic is not None and call.mic.said_at is not None
    speech_end = call.mic.said_at + end_ms / 1000
    first_sound = await call.first_sound_after(speech_end)
    await _until_stopped(call, started["response_id"])
    return (first_sound - speech_end) * 1000


async def _until_stopped(call: RtcClient, response_id: str) -> None:
    while True:
        event = await call.until("output_audio_buffer.stopped", timeout=60)
        if event["response_id"] == response_id:
            return


async def barge_in(call: RtcClient, first: object, interruption: object) -> tuple[float, float]:
    """(onset -> response.done cancelled, onset -> agent silent), in ms."""
    call.say(pcm24k(first) + silence(1200))
    started = await call.until("output_audio_buffer.started", timeout=60)
    await asyncio.sleep(0.8)
    onset_ms, _ = speech_bounds_ms(interruption)  # type: ignore[arg-type]
    call.say(pcm24k(interruption) + silence(1200))
    while True:
        event = await call.until("response.done", timeout=60)
        if event["response"]["id"] == started["response_id"]:
            break
    done_at = time.monotonic()
    assert event["response"]["status"] == "cancelled", event["response"]["status"]
    assert call.mic is not None and call.mic.said_at is not None
    onset = call.mic.said_at + onset_ms / 1000
    await asyncio.sleep(1.0)  # the interruption is still being spoken: no new reply yet
    # The cut reply's voice ends at the first quiet stretch after the onset; the reply to the
    # interruption comes later (and, when the cancel waits for the words, inside any fixed window).
    silent_at = onset
    for t in sorted(t for t in call.heard.loud_at if t >= onset):
        if t - silent_at > QUIET_GAP_S:
            break
        silent_at = t
    await call.until("response.done", timeout=60)  # the interruption's own reply
    await asyncio.sleep(0.3)
    return (done_at - onset) * 1000, (silent_at - onset) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="passes over the five LibriVox clips")
    parser.add_argument("--semantic", action="store_true", help="semantic_vad with backchannels")
    parser.add_argument("--barge-in-only", action="store_true", help="skip the voice-to-voice turns")
    parser.add_argument(
        "--peer-jitter",
        type=int,
        default=4,
        help="packets the test peer buffers before playing the agent (aiortc's 4; a browser's adaptive "
        "buffer holds ~1-2 on a quiet network)",
    )
    args = parser.parse_args()
    detection = {"audio": {"input": {"turn_detection": {"type": "semantic_vad"}}}} if args.semantic else {}
    clips = [load_wav_16k(path) for path, _ in librivox_clips()]
    interruptions = [load_wav_16k(path) for path, _ in cards_clips()]  # as in bench/voice_latency.py
    server = start_server(Path(tempfile.mkdtemp(prefix="realtalk-bench-")))
    try:
        call = RtcClient(jitter_packets=args.peer_jitter)
        await call.connect(server, API_KEY)
        await call.until("session.created")
        await call.send({"type": "session.update", "session": {"type": "realtime", **detection}})
        turns = 0 if args.barge_in_only else args.rounds
        latencies = [await voice_to_voice(call, clip) for _ in range(turns) for clip in clips]
        await call.close()
        cut_done, cut_silent = [], []
        for index in range(args.rounds * len(interruptions)):
            call = RtcClient(jitter_packets=args.peer_jitter)
            await call.connect(server, API_KEY)
            await call.send(
                {
                    "type": "session.update",
                    "session": {
                        "type": "realtime",
                        "instructions": "You are a chatty storyteller.",
                        **detection,
                    },
                }
            )
            done_ms, silent_ms = await barge_in(
                call, clips[index % len(clips)], interruptions[index % len(interruptions)]
            )
            cut_done.append(done_ms)
            cut_silent.append(silent_ms)
            await call.close()
    finally:
        server.stop()
    if latencies:
        print(
            f"WebRTC voice-to-voice (n={len(latencies)}): p50 {pct(latencies, 50):.0f} ms, "
            f"p95 {pct(latencies, 95):.0f} ms"
        )
    print(
        f"WebRTC barge-in -> response.done (n={len(cut_done)}): p50 {pct(cut_done, 50):.0f} ms, "
        f"p95 {pct(cut_done, 95):.0f} ms"
    )
    print(
        f"WebRTC barge-in -> agent silent on the track: p50 {pct(cut_silent, 50):.0f} ms, "
        f"p95 {pct(cut_silent, 95):.0f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
