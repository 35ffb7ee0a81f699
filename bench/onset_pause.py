"""Pausing the agent at a speech onset: how early, and how often for nothing.

Streams bench/turn_taking.py's material (recorded speech, speech in noise, coughs, door slams,
noise alone) 20 ms at a time into a session whose reply is playing through a real
`PlayoutQueue`, as WebRTC and the phone transports drive them (tests/playout_line.py), with the
real Silero VAD. Times are on the input audio clock: what the server itself adds, without the
network, Opus or either jitter buffer (bench/webrtc_latency.py measures those end to end).

- spoken onsets (complete utterances, interruptions, speech in noise): onset (the first 20 ms
  within 30 dB of the clip's loudest) -> the agent's audio paused, and -> `speech_started`
  (which paused it before `pause_at_onset`);
- noise alone (white, pink, babble, hum at 10 dB under a nominal talker, 15 s each): pauses per
  minute while the agent talks (after 2 s of the noise before the reply: the floor learns it);
- coughs and door slams over the reply: paused, then resumed without a `speech_started`.

Run from the repository root: `python bench/onset_pause.py [--phone]` (~1 min, no server;
`--phone`: the session's media is 8 kHz μ-law, as on SIP and Twilio calls).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import soxr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.turn_taking import build_material
from bench.voice_latency import pct
from tests.playout_line import Line, encode
from tests.realtime_client import pcm24k

from realtalk.audio.formats import G711_ULAW, PCM16_24K, AudioFormat
from realtalk.engines.silero_vad import SileroVad
from realtalk.evaluation import audio as au
from realtalk.evaluation.scenario import LEAD_IN_MS, Case, load_scenario, prepare
from realtalk.session.effects import PausePlayout, ResumePlayout

CONFIGS = {"server_vad": {"type": "server_vad"}, "semantic_vad": {"type": "semantic_vad"}}
WARM_UP_MS = 2000
"""Noise heard before the agent starts talking."""


def _media(samples: au.Samples, fmt: AudioFormat) -> bytes:
    """16 kHz float samples as the caller's media."""
    if fmt == PCM16_24K:
        return pcm24k(samples)
    narrow = np.asarray(soxr.resample(samples, 16_000, fmt.rate), dtype=np.float32)
    return encode(np.clip(narrow * 32768, -32768, 32767).astype(np.int16).tobytes(), fmt)


def _run(
    vad: SileroVad, detection: dict[str, str], case: Case, babble: list[au.Samples], fmt: AudioFormat
) -> dict[str, float]:
    """One case over a playing reply; times in ms of input audio from the case's speech onset."""
    audio = prepare(case, babble)
    samples, onset = audio.samples, audio.onset_ms
    if case.reactive:  # played into the reply as it is: give it a second of the reply first
        samples = np.concatenate([au.silence(1000), samples])
        onset = None if onset is None else onset + 1000
    line = Line(vad.stream(), detection, fmt)
    # Noise is there before the agent talks (the floor learns it), as in a call: noise alone for
    # `WARM_UP_MS`, speech in noise for the lead-in before its speech.
    warm_up = WARM_UP_MS if onset is None else (LEAD_IN_MS - 100 if case.noise is not None else 0)
    line.talk(_media(samples[: warm_up * 16], fmt))
    line.reply(len(samples) / 16000 + 2)
    start, effects = len(line.out), len(line.effects)
    line.talk(_media(samples[warm_up * 16 :], fmt))
    voiced = line.voiced()[start:]
    started = line.frame_of("input_audio_buffer.speech_started", start)
    result = {
        "pauses": sum(isinstance(e, PausePlayout) for e in line.effects[effects:]),
        "resumes": sum(isinstance(e, ResumePlayout) for e in line.effects[effects:]),
        "minutes": len(voiced) * 20 / 60000,
        "paused_ms": voiced.count(False) * 20,
        "speech_started": float(started is not None),
    }
    if onset is not None:
        # Frame i goes out once input chunk i (ending at (i + 1) * 20 ms) has been heard.
        onset -= warm_up
        silent = next((i for i, v in enumerate(voiced) if not v), None)
        if silent is not None:
            result["onset_to_paused"] = (silent + 1) * 20 - onset
        if started is not None:
            result["onset_to_started"] = (started - start + 1) * 20 - onset
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phone", action="store_true", help="8 kHz μ-law media (SIP, Twilio)")
    fmt = G711_ULAW if parser.parse_args().phone else PCM16_24K
    out = Path(tempfile.mkdtemp(prefix="realtalk-onsets-"))
    scenario = load_scenario(build_material(out))
    babble = [au.load_wav_16k(p) for p in scenario.babble_sources]
    vad = SileroVad()
    for name, detection in CONFIGS.items():
        for split in ("dev", "test"):
            cases = [c for c in scenario.cases if c.split == split and c.kind != "pause"]
            spoken, noise, knocks = [], [], []
            for case in cases:
                result = _run(vad, detection, case, babble, fmt)
                if case.kind == "noise":
                    noise.append(result)
                elif case.kind == "backchannel" and not case.transcript:
                    knocks.append(result)
                elif case.kind in ("complete", "interruption", "noisy"):
                    spoken.append(result)
            paused = [r["onset_to_paused"] for r in spoken if "onset_to_paused" in r]
            started = [r["onset_to_started"] for r in spoken if "onset_to_started" in r]
            early = sum(
                1
                for r in spoken
                if "onset_to_paused" in r and r["onset_to_paused"] < r.get("onset_to_started", 1e9)
            )
            minutes = sum(r["minutes"] for r in noise)
            false_pauses = sum(r["pauses"] for r in noise)
            paused_share = sum(r["paused_ms"] for r in noise) / 60000 / minutes
            print(f"{name} {split}:")
            print(
                f"  spoken onset -> agent paused (n={len(paused)}/{len(spoken)}): "
                f"p50 {pct(paused, 50):.0f} ms, p95 {pct(paused, 95):.0f} ms; "
                f"paused before speech_started: {early}/{len(spoken)}"
            )
            print(
                f"  spoken onset -> speech_started (n={len(started)}): p50 {pct(started, 50):.0f} ms, "
                f"p95 {pct(started, 95):.0f} ms"
            )
            print(
                f"  noise alone while the agent talks ({minutes:.1f} min): "
                f"{false_pauses / minutes:.1f} pauses/min, "
                f"{100 * paused_share:.1f} % of the time paused, "
                f"{sum(r['speech_started'] for r in noise):.0f} cases with a speech_started"
            )
            print(
                f"  coughs and door slams (n={len(knocks)}): paused {sum(r['pauses'] > 0 for r in knocks)}, "
                f"resumed {sum(r['resumes'] > 0 for r in knocks)}, "
                f"speech_started {sum(r['speech_started'] > 0 for r in knocks)}"
            )


if __name__ == "__main__":
    main()
