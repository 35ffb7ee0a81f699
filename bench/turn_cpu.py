"""Where the CPU-seconds of one spoken turn go, component by component.

A turn as `bench/load_voice.py` makes it: the caller's microphone streams ~28 s (5 s of speech,
~20 s of silence while it hears the reply, a 3.5 s pause) in 40 ms appends; Whisper transcribes
the utterance once speculatively (and, when the speech end moved, once more); Piper speaks a
~20 s answer, sent as 100 ms deltas. Each component is timed on its own with the real engines
and the server's own code (CPU time, not wall time, so a shared machine skews it less), then
scaled to one turn. Run from the repo root: `python bench/turn_cpu.py`.
"""

from __future__ import annotations

import base64
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fake_llm import ANSWER
from tests.realtime_client import pcm24k
from tests.speech_data import librivox_clips, load_wav_16k

from realtalk.audio.convert import InputDecoder, OutputEncoder
from realtalk.audio.formats import AudioFormat
from realtalk.config import Settings
from realtalk.engines.base import Utterance
from realtalk.engines.loader import load_speech_engines
from realtalk.protocol.client_events import decode_json_event
from realtalk.session.sentences import SentenceSplitter
from realtalk.session.session import RealtimeSession

STREAMED_S = 28.0
APPEND_MS = 40
DELTA_MS = 100
PCM = AudioFormat.parse({"type": "audio/pcm", "rate": 24000})


def _append(audio: bytes) -> str:
    return json.dumps({"type": "input_audio_buffer.append", "audio": base64.b64encode(audio).decode()})


def _delta(audio: bytes) -> str:
    event = {"type": "response.output_audio.delta", "response_id": "resp_x", "item_id": "item_x"}
    event |= {"output_index": 0, "content_index": 0, "delta": base64.b64encode(audio).decode()}
    return json.dumps(event)


def cpu(work: Callable[[], object], repeat: int = 3) -> float:
    """Median process CPU seconds of `work()` (process time: engines run their own threads)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return float(np.median(times))


def main() -> None:
    engines = load_speech_engines(Settings())
    speech16k = load_wav_16k(librivox_clips()[0][0])
    # Four turns of different callers that finished at once (simultaneous pattern).
    turns = [Utterance(load_wav_16k(path)) for path, _ in librivox_clips()[:4]]
    speech_s = len(speech16k) / 16000
    mic = pcm24k(np.concatenate([speech16k, np.zeros(int((STREAMED_S - speech_s) * 16000), np.float32)]))
    step = APPEND_MS * 48
    appends = [_append(mic[i : i + step]) for i in range(0, len(mic), step)]

    def parse() -> None:
        for raw in appends:
            base64.b64decode(decode_json_event(raw)["audio"])

    def resample() -> None:
        decoder = InputDecoder(PCM)
        for i in range(0, len(mic), step):
            decoder.feed(mic[i : i + step])

    frames = InputDecoder(PCM).feed(mic)
    frames = frames[: len(frames) // 512 * 512].reshape(-1, 512)

    def vad() -> None:
        stream = engines.vad.stream()
        for frame in frames:
            stream.speech_probability(frame)

    def session() -> None:
        rt = RealtimeSession(model="realtalk", vad=engines.vad.stream())
        for raw in appends:
            rt.handle_event(decode_json_event(raw))

    splitter = SentenceSplitter()
    pieces = [*splitter.push(ANSWER), splitter.flush()]
    pieces = [p.strip() for p in pieces if p.strip()]
    spoken = [engines.tts.synthesize(p) for p in pieces]
    spoken_s = sum(len(a) for a in spoken) / engines.tts.sample_rate
    repeats = 20.0 / spoken_s  # scale to a 20 s answer

    def synthesize() -> None:
        for piece in pieces:
            engines.tts.synthesize(piece)

    def encode() -> None:
        encoder = OutputEncoder(engines.tts.sample_rate, PCM)
        chunk = DELTA_MS * 48
        for audio in spoken:
            out = encoder.feed(audio)
            for i in range(0, len(out), chunk):
                _delta(out[i : i + chunk])

    def one_by_one() -> None:
        for turn in turns:
            engines.stt.transcribe_many([turn])

    rows = [
        ("client JSON + base64 decode (appends)", cpu(parse)),
        ("resample 24 -> 16 kHz", cpu(resample)),
        ("Silero VAD", cpu(vad)),
        ("session.handle_event, all of the above", cpu(session)),
        ("Whisper (one transcription)", cpu(lambda: engines.stt.transcribe(speech16k))),
        ("Whisper, 4 turns one by one (per turn)", cpu(one_by_one) / 4),
        ("Whisper, 4 turns in one batch (per turn)", cpu(lambda: engines.stt.transcribe_many(turns)) / 4),
        ("Piper (20 s of reply audio)", cpu(synthesize) * repeats),
        ("resample + base64 + JSON (reply deltas)", cpu(encode) * repeats),
    ]
    print(
        f"one turn: {STREAMED_S:.0f} s streamed in {APPEND_MS} ms appends,"
        f" {speech_s:.1f} s of speech, a 20 s reply"
    )
    for name, seconds in rows:
        print(f"  {name:42} {seconds * 1000:7.0f} ms CPU")
    print(f"threads per engine call: STT {Settings().engine_threads}, TTS/VAD/turn-end 1")


if __name__ == "__main__":
    main()
