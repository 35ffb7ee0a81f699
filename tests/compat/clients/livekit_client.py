"""LiveKit's `openai.realtime.RealtimeModel` against RealTalk: a text turn, a tool call, a spoken turn.

Its `RealtimeSession` is driven directly, without a LiveKit room: it is the part that speaks the
Realtime protocol. Tool results go through LiveKit's own `make_function_call_output`, as an
`AgentSession` would send them. Run by `.venv-compat/livekit/bin/python`.
Usage: livekit_client.py HTTP_BASE_URL API_KEY SPEECH_PCM24K_FILE. Prints one JSON object.
"""

import asyncio
import json
import sys

from livekit import rtc
from livekit.agents import function_tool, llm
from livekit.agents.llm.utils import make_function_call_output
from livekit.plugins.openai.realtime import RealtimeModel

TURN_TIMEOUT = 60.0


@function_tool
async def get_weather(city: str) -> dict[str, object]:
    """Get the current weather in a city.

    Args:
        city: The city.
    """
    return {"city": city, "temperature": 21, "unit": "C", "conditions": "sunny"}


async def collect(generation: llm.GenerationCreatedEvent) -> dict[str, object]:
    """Everything one generation says and calls."""
    text, audio_bytes, calls = [], 0, []

    async def read_message(message: llm.MessageGeneration) -> None:
        nonlocal audio_bytes

        async def read_text() -> None:
            async for delta in message.text_stream:
                text.append(str(delta))

        async def read_audio() -> None:
            nonlocal audio_bytes
            async for frame in message.audio_stream:
                audio_bytes += len(frame.data) * 2

        await asyncio.gather(read_text(), read_audio())

    async def read_messages() -> None:
        async for message in generation.message_stream:
            await read_message(message)

    async def read_calls() -> None:
        async for call in generation.function_stream:
            calls.append(call)

    await asyncio.wait_for(asyncio.gather(read_messages(), read_calls()), TURN_TIMEOUT)
    return {"text": "".join(text), "audio_bytes": audio_bytes, "calls": calls}


async def main(base_url: str, api_key: str, speech: bytes) -> dict[str, object]:
    model = RealtimeModel(model="realtalk", base_url=base_url, api_key=api_key)
    session = model.session()
    errors: list[str] = []
    session.on("error", lambda event: errors.append(repr(event.error)))
    generations: asyncio.Queue[llm.GenerationCreatedEvent] = asyncio.Queue()
    session.on("generation_created", generations.put_nowait)
    transcripts: list[str] = []

    def on_transcription(event: llm.InputTranscriptionCompleted) -> None:
        if event.is_final:  # LiveKit reports the deltas through the same event
            transcripts.append(event.transcript)

    session.on("input_audio_transcription_completed", on_transcription)
    result: dict[str, object] = {}
    try:
        await session.update_instructions("You are Ada, the concierge of the Grand Hotel.")
        await session.update_tools([get_weather])

        chat = session.chat_ctx.copy()
        chat.add_message(role="user", content="Hello, who are you?")
        await session.update_chat_ctx(chat)
        reply = await collect(await asyncio.wait_for(session.generate_reply(), TURN_TIMEOUT))
        result["text_turn"] = {"text": reply["text"], "audio_bytes": reply["audio_bytes"]}

        chat = session.chat_ctx.copy()
        chat.add_message(role="user", content="What's the weather like in Paris today?")
        await session.update_chat_ctx(chat)
        reply = await collect(await asyncio.wait_for(session.generate_reply(), TURN_TIMEOUT))
        calls: list[llm.FunctionCall] = reply["calls"]
        outputs = []
        chat = session.chat_ctx.copy()
        for call in calls:
            arguments = json.loads(call.arguments)
            output = await get_weather(**arguments)
            out = make_function_call_output(fnc_call=call, output=output, exception=None).fnc_call_out
            outputs.append(out.output)
            chat.items.append(out)
        await session.update_chat_ctx(chat)
        answer = await collect(await asyncio.wait_for(session.generate_reply(), TURN_TIMEOUT))
        result["tool_turn"] = {
            "calls": [{"name": c.name, "arguments": json.loads(c.arguments)} for c in calls],
            "outputs": outputs,
            "reply": answer["text"],
        }

        chunk = 24_000 * 2 // 10  # 100 ms frames, as a room's audio track delivers them
        for start in range(0, len(speech) - chunk + 1, chunk):
            frame = rtc.AudioFrame(speech[start : start + chunk], 24_000, 1, chunk // 2)
            session.push_audio(frame)
        generation = await asyncio.wait_for(generations.get(), TURN_TIMEOUT)
        while generation.user_initiated:  # skip the replies asked for above; this one the server began
            generation = await asyncio.wait_for(generations.get(), TURN_TIMEOUT)
        spoken = await collect(generation)
        result["spoken_turn"] = {
            "transcripts": transcripts,
            "text": spoken["text"],
            "audio_bytes": spoken["audio_bytes"],
        }
        result["remote_items"] = [item.type for item in session.chat_ctx.items]
    finally:
        result["errors"] = errors
        await session.aclose()
        await model.aclose()
    return result


if __name__ == "__main__":
    base_url, api_key, speech_path = sys.argv[1:4]
    with open(speech_path, "rb") as file:
        print(json.dumps(asyncio.run(main(base_url, api_key, file.read()))))
