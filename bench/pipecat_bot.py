"""A Pipecat 1.14 voice bot server: the peer that `bench/load_voice_pipecat.py` measures RealTalk against.

Runs ONLY in its own virtual environment (`scripts/setup_pipecat_bench.sh` makes `.venv-pipecat`);
nothing in RealTalk imports it. One WebSocket per caller, one Pipecat pipeline per WebSocket:

    audio in (16 kHz PCM16) -> Whisper (faster-whisper) -> user aggregator (Silero VAD, Smart Turn v3)
    -> OpenAI LLM service (the fake LLM) -> Piper -> audio out (24 kHz PCM16) -> assistant aggregator

Pipecat's defaults everywhere except the model files, which are the ones RealTalk uses (passed in
by the driver), and Whisper's compute type, which the driver sets to RealTalk's int8 (Pipecat's
"default" follows the model file, float16, which this CPU runs as float32: ~7x the CPU per
transcript): Whisper beam size 5 and its temperature fallback, Silero
VAD (confidence 0.7, start/stop 0.2 s), the default end-of-turn strategy (Smart Turn v3 after a VAD
stop), Piper's sentence aggregation, and the WebSocket output paced at twice real time. The loaded
Whisper and Piper models are shared by all sessions (each session still gets its own services,
VAD and turn analyser), as a multi-session server would do rather than loading them per call.

The wire format is this bench's own (Pipecat's WebSocket serializers speak telephony or protobuf):
binary messages are raw PCM16 mono, text messages are JSON events for the driver:
`{"type": "speech_stopped"}` (VAD stop), `{"type": "transcript", "text": ...}`, and
`{"type": "reply_done"}` after the last audio of a reply.

    .venv-pipecat/bin/python bench/pipecat_bot.py --port P --llm URL --whisper DIR --voice FILE.onnx
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, WebSocket
from faster_whisper import WhisperModel
from loguru import logger
from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.frames.frames import (
    Frame,
    InputAudioRawFrame,
    LLMFullResponseEndFrame,
    OutputAudioRawFrame,
    OutputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
    TranscriptionFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.task import PipelineParams
from pipecat.pipeline.worker import PipelineWorker
from pipecat.processors.aggregators.llm_context import LLMContext
from pipecat.processors.aggregators.llm_response_universal import (
    LLMContextAggregatorPair,
    LLMUserAggregatorParams,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.serializers.base_serializer import FrameSerializer
from pipecat.services.openai.llm import OpenAILLMService
from pipecat.services.piper.tts import PiperTTSService
from pipecat.services.whisper.stt import WhisperSTTService
from pipecat.transports.websocket.fastapi import FastAPIWebsocketParams, FastAPIWebsocketTransport
from pipecat.workers.runner import WorkerRunner
from piper import PiperVoice

IN_RATE = 16_000
OUT_RATE = 24_000
INSTRUCTIONS = "You are a helpful voice assistant. Answer briefly."


class RawPcmSerializer(FrameSerializer):
    """Binary messages are PCM16 mono audio; the bench's JSON events go out as text."""

    async def serialize(self, frame: Frame) -> str | bytes | None:
        if isinstance(frame, OutputAudioRawFrame):
            return frame.audio
        if isinstance(frame, (OutputTransportMessageFrame, OutputTransportMessageUrgentFrame)):
            return json.dumps(frame.message)
        return None

    async def deserialize(self, data: str | bytes) -> Frame | None:
        if isinstance(data, bytes):
            return InputAudioRawFrame(audio=data, sample_rate=IN_RATE, num_channels=1)
        return None


class UserEvents(FrameProcessor):
    """Between STT and the user aggregator: reports the VAD stop (which the aggregator broadcasts
    upstream) and each transcript, at once."""

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        event: dict[str, Any] | None = None
        if isinstance(frame, VADUserStoppedSpeakingFrame) and direction == FrameDirection.UPSTREAM:
            event = {"type": "speech_stopped"}
        elif isinstance(frame, TranscriptionFrame):
            event = {"type": "transcript", "text": frame.text}
        await self.push_frame(frame, direction)
        if event is not None:
            await self.push_frame(OutputTransportMessageUrgentFrame(message=event))


class ReplyDone(FrameProcessor):
    """Before the output transport: a reply's end as an ordinary (not urgent) message, which the
    transport sends in order, after the audio queued before it."""

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if isinstance(frame, LLMFullResponseEndFrame) and direction == FrameDirection.DOWNSTREAM:
            await self.push_frame(OutputTransportMessageFrame(message={"type": "reply_done"}))


@functools.cache
def whisper_model(path: str, compute_type: str) -> WhisperModel:
    # WhisperSTTService's own loading (device "auto"), once per process.
    return WhisperModel(path, device="auto", compute_type=compute_type)


@functools.cache
def piper_voice(path: str) -> PiperVoice:
    return PiperVoice.load(path, use_cuda=False)


class SharedWhisperSTTService(WhisperSTTService):
    """WhisperSTTService with the process's loaded model instead of a new one per session."""

    def _load(self) -> None:
        self._model = whisper_model(str(self._settings.model), self._compute_type)


class SharedPiperTTSService(PiperTTSService):
    """PiperTTSService with the process's loaded voice (its constructor loads one per session)."""

    def __init__(self, voice_path: Path, **kwargs: Any) -> None:
        super(PiperTTSService, self).__init__(  # TTSService's, as PiperTTSService's would call it
            push_start_frame=True,
            push_stop_frames=True,
            settings=PiperTTSService.Settings(model=None, voice=voice_path.stem, language=None),
            **kwargs,
        )
        self._voice = piper_voice(str(voice_path))


def build_app(llm_url: str, whisper: str, compute_type: str, voice: Path) -> FastAPI:
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.websocket("/ws")
    async def talk(websocket: WebSocket) -> None:
        await websocket.accept()
        transport = FastAPIWebsocketTransport(
            websocket=websocket,
            params=FastAPIWebsocketParams(
                audio_in_enabled=True,
                audio_out_enabled=True,
                audio_in_sample_rate=IN_RATE,
                audio_out_sample_rate=OUT_RATE,
                serializer=RawPcmSerializer(),
            ),
        )
        aggregators = LLMContextAggregatorPair(
            LLMContext(), user_params=LLMUserAggregatorParams(vad_analyzer=SileroVADAnalyzer())
        )
        llm = OpenAILLMService(
            api_key="fake",
            base_url=llm_url,
            settings=OpenAILLMService.Settings(model="fake", system_instruction=INSTRUCTIONS),
        )
        stt = SharedWhisperSTTService(
            settings=WhisperSTTService.Settings(model=whisper), compute_type=compute_type
        )
        pipeline = Pipeline([
            transport.input(),
            stt,
            UserEvents(),
            aggregators.user(),
            llm,
            SharedPiperTTSService(voice),
            ReplyDone(),
            transport.output(),
            aggregators.assistant(),
        ])  # fmt: skip
        worker = PipelineWorker(
            pipeline,
            params=PipelineParams(audio_in_sample_rate=IN_RATE, audio_out_sample_rate=OUT_RATE),
            idle_timeout_secs=None,
        )

        @transport.event_handler("on_client_disconnected")
        async def on_client_disconnected(_transport: Any, _client: Any) -> None:
            await worker.cancel()

        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(worker)
        await runner.run()

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--llm", required=True, help="base URL of the OpenAI-compatible LLM")
    parser.add_argument("--whisper", required=True, help="directory of a CTranslate2 Whisper model")
    parser.add_argument("--compute-type", default="default", help="Whisper's (Pipecat's default: default)")
    parser.add_argument("--voice", type=Path, required=True, help="Piper .onnx (its .onnx.json beside it)")
    parser.add_argument("--log-level", default="WARNING", help="loguru's (Pipecat's default is DEBUG)")
    args = parser.parse_args()
    logger.remove()
    logger.add(sys.stderr, level=args.log_level)
    whisper_model(args.whisper, args.compute_type)  # load before serving, as RealTalk does
    piper_voice(str(args.voice))
    app = build_app(args.llm, args.whisper, args.compute_type, args.voice)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
