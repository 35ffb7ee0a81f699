"""Pipecat's OpenAIRealtimeLLMService against RealTalk: a text turn, a tool call, a spoken turn.

Run by `.venv-compat/pipecat/bin/python` (Pipecat pins its own openai/aiohttp), never imported by
the tests. Usage: pipecat_client.py turns|retrieve-missing WS_URL API_KEY SPEECH_PCM24K_FILE.
Prints one JSON object; a step that times out ends the run with "timed_out" set.
"""

import asyncio
import json
import sys
from typing import Any

from pipecat.adapters.llm.schemas.function_schema import FunctionSchema
from pipecat.adapters.llm.schemas.tools_schema import ToolsSchema
from pipecat.frames.frames import (
    Frame,
    FunctionCallResultFrame,
    InputAudioRawFrame,
    LLMFullResponseEndFrame,
    LLMMessagesAppendFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    TTSTextFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.aggregators.llm_context import LLMContext
from pipecat.processors.aggregators.llm_response_universal import LLMContextAggregatorPair
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.services.llm_service import FunctionCallParams
from pipecat.services.openai.realtime.events import (
    AudioConfiguration,
    AudioInput,
    InputAudioTranscription,
    SessionProperties,
)
from pipecat.services.openai.realtime.llm import OpenAIRealtimeLLMService, OpenAIRealtimeLLMSettings
from pipecat.workers.runner import WorkerRunner

TURN_TIMEOUT = 60.0
WEATHER = FunctionSchema(
    name="get_weather",
    description="Get the current weather in a city",
    properties={"city": {"type": "string", "description": "The city"}},
    required=["city"],
)


class Probe(FrameProcessor):
    """Records what the service emits, in both directions, and passes everything on."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.audio_bytes = 0
        self.transcripts: list[str] = []
        self.tool_results: list[Any] = []
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.transcribed = asyncio.Event()

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, TTSTextFrame):
            self.text.append(frame.text)
        elif isinstance(frame, TTSAudioRawFrame):
            self.audio_bytes += len(frame.audio)
        elif isinstance(frame, TranscriptionFrame):
            self.transcripts.append(frame.text)
            self.transcribed.set()
        elif isinstance(frame, FunctionCallResultFrame):
            self.tool_results.append(frame.result)
        elif isinstance(frame, LLMFullResponseEndFrame):
            self.replies.put_nowait({"text": "".join(self.text), "audio_bytes": self.audio_bytes})
            self.text, self.audio_bytes = [], 0
        await self.push_frame(frame, direction)


class Client:
    """A pipeline of Pipecat's own aggregators around the service, with probes on either side."""

    def __init__(self, url: str, api_key: str) -> None:
        self.llm = OpenAIRealtimeLLMService(
            api_key=api_key,
            base_url=url,
            settings=OpenAIRealtimeLLMSettings(
                model="realtalk",
                system_instruction="You are Ada, the concierge of the Grand Hotel.",
                session_properties=SessionProperties(
                    audio=AudioConfiguration(input=AudioInput(transcription=InputAudioTranscription())),
                ),
            ),
        )
        self.calls: list[dict[str, Any]] = []
        self.item_ids: list[str] = []
        self.llm.register_function("get_weather", self.get_weather)
        self.llm.add_event_handler("on_conversation_item_created", self.on_item_created)
        user, assistant = LLMContextAggregatorPair(LLMContext([], ToolsSchema(standard_tools=[WEATHER])))
        self.before, self.after = Probe(), Probe()
        pipeline = Pipeline([user, self.before, self.llm, self.after, assistant])
        self.worker = PipelineWorker(pipeline, params=PipelineParams())
        self.set_up = False

    async def get_weather(self, params: FunctionCallParams) -> None:
        self.calls.append(dict(params.arguments))
        await params.result_callback({"city": "Paris", "temperature": 21, "unit": "C", "conditions": "sunny"})

    async def on_item_created(self, service: object, item_id: str, item: object) -> None:
        self.item_ids.append(item_id)

    async def turn(self, text: str) -> dict[str, Any]:
        """Typed text as Pipecat's realtime service takes it.

        The first append sets the conversation up through the user aggregator; later ones go to
        the service (which sends them as items) and on to the assistant aggregator, which asks for
        the response, as an RTVI text message does.
        """
        append = LLMMessagesAppendFrame([{"role": "user", "content": text}], run_llm=True)
        if self.set_up:
            await self.before.push_frame(append)
        else:
            await self.worker.queue_frame(append)
            self.set_up = True
        return await self.reply()

    async def reply(self) -> dict[str, Any]:
        """What the next response said, when Pipecat has seen all of it."""
        return await asyncio.wait_for(self.after.replies.get(), TURN_TIMEOUT)

    async def speak(self, speech: bytes) -> dict[str, Any]:
        """20 ms frames of 24 kHz PCM16, as a transport delivers them; server VAD ends the turn."""
        chunk = 24_000 * 2 // 50
        for start in range(0, len(speech), chunk):
            audio = speech[start : start + chunk]
            await self.worker.queue_frame(InputAudioRawFrame(audio=audio, sample_rate=24_000, num_channels=1))
        await asyncio.wait_for(self.before.transcribed.wait(), TURN_TIMEOUT)
        return {"transcript": self.before.transcripts[-1], **await self.reply()}

    async def turns(self, speech: bytes, result: dict[str, Any]) -> None:
        """A text turn, a tool call answered by a registered function, a spoken turn, a retrieval."""
        result["text_turn"] = await self.turn("Hello, who are you?")
        reply = await self.turn("What's the weather like in Paris today?")
        if self.calls:
            reply = await self.reply()  # the response that answers the tool result
        result["tool_turn"] = {"calls": self.calls, "results": self.after.tool_results, "reply": reply}
        result["spoken_turn"] = await self.speak(speech)
        item = await asyncio.wait_for(self.llm.retrieve_conversation_item(self.item_ids[0]), 10)
        result["retrieved"] = {"id": item.id, "type": item.type, "role": item.role}

    async def retrieve_missing(self, result: dict[str, Any]) -> None:
        """Pipecat stops reading at an error code it does not expect; this one it must expect."""
        result["text_turn"] = await self.turn("Hello, who are you?")
        try:
            await asyncio.wait_for(self.llm.retrieve_conversation_item("item_does_not_exist"), 10)
            result["retrieve_missing"] = "returned"
        except TimeoutError:
            result["retrieve_missing"] = "timed out"
        except Exception as error:  # Pipecat raises a bare Exception with the server's message
            result["retrieve_missing"] = f"raised: {error}"
        result["after_error"] = await self.turn("Thank you, goodbye.")


async def main(scenario: str, url: str, api_key: str, speech: bytes) -> dict[str, Any]:
    client = Client(url, api_key)
    run = asyncio.create_task(WorkerRunner(handle_sigint=False).run(client.worker))
    result: dict[str, Any] = {}
    try:
        if scenario == "turns":
            await client.turns(speech, result)
        else:
            await client.retrieve_missing(result)
    except TimeoutError:
        result["timed_out"] = True
    finally:
        await client.worker.cancel()
        await asyncio.wait_for(run, 10)
    return result


if __name__ == "__main__":
    scenario, url, api_key, speech_path = sys.argv[1:5]
    with open(speech_path, "rb") as file:
        print(json.dumps(asyncio.run(main(scenario, url, api_key, file.read()))))
