"""`OpenAICompatibleBrain`: any Chat Completions endpoint (vLLM, Ollama, llama.cpp, OpenAI).

Streams the reply with the official `openai` client. Tool-call fragments are accumulated per
index until the stream ends, because endpoints split a call's arguments across many chunks.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import openai
from openai import AsyncOpenAI

from .base import BrainError, BrainEvent, BrainRequest, Message, TextDelta, ToolCall


class OpenAICompatibleBrain:
    """Talks to `base_url` as an OpenAI Chat Completions server."""

    def __init__(
        self, *, base_url: str, model: str, api_key: str | None = None, timeout_s: float = 10.0
    ) -> None:
        self.name = f"openai-compatible:{model}"
        self.model = model
        self.timeout_s = timeout_s
        # Local servers accept any key; the client library insists on one.
        self._client = AsyncOpenAI(
            base_url=base_url, api_key=api_key or "not-needed", max_retries=0, timeout=timeout_s
        )

    async def stream(self, request: BrainRequest) -> AsyncIterator[BrainEvent]:
        kwargs: dict[str, Any] = {"model": self.model, "messages": chat_messages(request), "stream": True}
        if request.tools:
            kwargs["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": t.name,
                        "description": t.description,
                        "parameters": t.parameters or {"type": "object", "properties": {}},
                    },
                }
                for t in request.tools
            ]
            kwargs["tool_choice"] = chat_tool_choice(request.tool_choice)
        if request.temperature is not None:
            kwargs["temperature"] = request.temperature
        if request.max_output_tokens is not None:
            kwargs["max_tokens"] = request.max_output_tokens
        calls: dict[int, dict[str, str]] = {}
        try:
            stream = await asyncio.wait_for(self._client.chat.completions.create(**kwargs), self.timeout_s)
            chunks = aiter(stream)
            while True:
                try:
                    # The first token bounds the wait; later gaps get the same allowance each.
                    chunk = await asyncio.wait_for(anext(chunks), self.timeout_s)
                except StopAsyncIteration:
                    break
                for choice in chunk.choices:
                    delta = choice.delta
                    if delta.content:
                        yield TextDelta(delta.content)
                    for fragment in delta.tool_calls or []:
                        call = calls.setdefault(fragment.index, {"id": "", "name": "", "arguments": ""})
                        if fragment.id:
                            call["id"] = fragment.id
                        if fragment.function and fragment.function.name:
                            call["name"] += fragment.function.name
                        if fragment.function and fragment.function.arguments:
                            call["arguments"] += fragment.function.arguments
        except TimeoutError as exc:
            raise BrainError(f"no reply from the LLM endpoint within {self.timeout_s:g} s") from exc
        except openai.APIStatusError as exc:
            raise BrainError(f"LLM endpoint answered HTTP {exc.status_code}: {_short(exc.message)}") from exc
        except openai.APIError as exc:
            raise BrainError(f"LLM endpoint error: {type(exc).__name__}: {_short(str(exc))}") from exc
        for index in sorted(calls):
            call = calls[index]
            arguments = call["arguments"] or "{}"
            try:
                json.loads(arguments)
            except ValueError as exc:
                raise BrainError(f"LLM returned invalid JSON arguments for {call['name']}") from exc
            yield ToolCall(call["id"] or f"call_{index}", call["name"], arguments)


def chat_messages(request: BrainRequest) -> list[dict[str, Any]]:
    """The request's conversation as Chat Completions messages, instructions first."""
    messages: list[dict[str, Any]] = []
    if request.instructions:
        messages.append({"role": "system", "content": request.instructions})
    for message in request.messages:
        messages.append(_chat_message(message))
    return messages


def _chat_message(message: Message) -> dict[str, Any]:
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id or "", "content": message.content}
    if message.role == "assistant" and message.tool_calls:
        return {
            "role": "assistant",
            "content": message.content or None,
            "tool_calls": [
                {"id": c.call_id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in message.tool_calls
            ],
        }
    return {"role": message.role, "content": message.content}


def chat_tool_choice(choice: Any) -> Any:
    """Realtime's `{"type": "function", "name": …}` is Chat Completions' nested form."""
    if isinstance(choice, dict) and choice.get("name"):
        return {"type": "function", "function": {"name": choice["name"]}}
    return choice if choice in ("auto", "none", "required") else "auto"


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
