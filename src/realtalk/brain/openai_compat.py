"""`OpenAICompatibleBrain`: any Chat Completions endpoint (vLLM, Ollama, llama.cpp server, OpenAI).

Streams the reply with the official `openai` client. Endpoints split a tool call's arguments
across many chunks, so fragments are joined per call index and each call is emitted whole when
the stream ends; calls a small model wrote as text instead are recognised (`written_calls`).
Every failure becomes a `BrainError` whose message names the endpoint but never the API key, so
`FallbackBrain` can log it and answer with the built-in brain.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import openai
from openai import AsyncOpenAI

from .base import (
    BrainError,
    BrainEvent,
    BrainRequest,
    BrainTimeout,
    Image,
    Message,
    TextDelta,
    ToolCall,
    ToolChoice,
    ToolSpec,
)
from .written_calls import WrittenCalls


class OpenAICompatibleBrain:
    """Talks to `base_url` as an OpenAI Chat Completions server.

    `timeout_s` bounds the wait for the first token (connecting included) and, after that, any
    silence between two chunks. With `vision`, the user's images are sent along (the model must
    accept `image_url` content); without, the model reads what OCR found in them.
    """

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 10.0,
        vision: bool = False,
    ) -> None:
        self.name = f"openai-compatible:{model}"
        self.model = model
        self.timeout_s = timeout_s
        self.vision = vision
        self._api_key = api_key
        self._where = _without_credentials(base_url)
        # Local servers accept any key, but the client insists on one. Retries would only delay
        # the fallback, so there are none.
        self._client = AsyncOpenAI(
            base_url=base_url, api_key=api_key or "not-needed", max_retries=0, timeout=timeout_s
        )

    async def stream(self, request: BrainRequest) -> AsyncIterator[BrainEvent]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        calls = _ToolCalls()
        hidden = _HiddenReasoning()
        written = WrittenCalls(_callable(request))
        started = False
        try:
            chunks = await asyncio.wait_for(
                self._client.chat.completions.create(**chat_request(self.model, request, vision=self.vision)),
                self.timeout_s,
            )
            try:
                iterator = aiter(chunks)
                while True:
                    wait = self.timeout_s if started else deadline - loop.time()
                    try:
                        chunk = await asyncio.wait_for(anext(iterator), max(wait, 0.0))
                    except StopAsyncIteration:
                        break
                    for choice in chunk.choices:
                        delta = choice.delta
                        extra = delta.model_extra or {}
                        # Reasoning tokens show the endpoint is working; they are never spoken.
                        thinking = extra.get("reasoning_content") or extra.get("reasoning")
                        started = started or bool(delta.content or delta.tool_calls or thinking)
                        text = written.feed(hidden.feed(delta.content or ""))
                        if text:
                            yield TextDelta(text)
                        for fragment in delta.tool_calls or []:
                            calls.add(fragment)
                rest = written.feed(hidden.flush())
                end, written_calls = written.flush()
                if rest + end:
                    yield TextDelta(rest + end)
                for name, arguments in written_calls:
                    calls.written(name, arguments)
            finally:
                await chunks.close()  # stop the server generating when the reply is cut short
        except TimeoutError as exc:
            if started:
                raise BrainTimeout(f"the LLM endpoint stalled for {self.timeout_s:g} s mid-reply") from exc
            raise BrainTimeout(f"no reply from the LLM endpoint within {self.timeout_s:g} s") from exc
        except openai.APIStatusError as exc:
            raise self._error(f"the LLM endpoint answered HTTP {exc.status_code}: {exc.message}") from exc
        except openai.APIConnectionError as exc:
            cause = exc.__cause__ or exc
            raise self._error(f"cannot reach the LLM endpoint: {type(cause).__name__}: {cause}") from exc
        except openai.APIError as exc:
            raise self._error(f"the LLM endpoint failed: {exc.message}") from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise self._error(f"broken stream from the LLM endpoint: {type(exc).__name__}: {exc}") from exc
        for call in calls.complete():
            yield call

    def _error(self, message: str) -> BrainError:
        if self._api_key:
            message = message.replace(self._api_key, "***")
        if len(message) > 300:
            message = message[:300] + "…"
        return BrainError(f"{message} ({self._where})")


def chat_request(model: str, request: BrainRequest, *, vision: bool = False) -> dict[str, Any]:
    """The keyword arguments of `chat.completions.create` for a request (`vision`: send images)."""
    messages = chat_messages(request, vision=vision)
    body: dict[str, Any] = {"model": model, "messages": messages, "stream": True}
    if request.tools:
        body["tools"] = [chat_tool(t) for t in request.tools]
        body["tool_choice"] = chat_tool_choice(request.tool_choice)
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.max_output_tokens is not None:
        # `max_tokens` rather than `max_completion_tokens`: every compatible server knows it.
        body["max_tokens"] = request.max_output_tokens
    return body


def chat_messages(request: BrainRequest, *, vision: bool = False) -> list[dict[str, Any]]:
    """The conversation as Chat Completions messages, instructions first as the system message.

    When tools are offered, the system message also says today's date: a model knows no date but
    its training data's, and fills a tool's date argument ("move it to Thursday") from that. The
    date alone, not the time, so a local server's cached prompt (the tools after it) lasts a day.
    With `vision`, a user message with images becomes content parts: its text (which still notes
    what OCR read in each image), then the images.
    """
    messages: list[dict[str, Any]] = []
    today = f"Today is {date.today():%A, %B %-d, %Y}." if request.tools else ""
    system = "\n\n".join(part for part in (request.instructions, today) if part)
    if system:
        messages.append({"role": "system", "content": system})
    for message in request.messages:
        if not (message.content or message.tool_calls or message.role == "tool"):
            continue
        chat = _chat_message(message)
        if vision and message.role == "user" and message.images:
            chat["content"] = [{"type": "text", "text": message.content}, *map(_image_part, message.images)]
        messages.append(chat)
    return messages


def _image_part(image: Image) -> dict[str, Any]:
    url: dict[str, Any] = {"url": image.url}
    if image.detail:
        url["detail"] = image.detail
    return {"type": "image_url", "image_url": url}


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


def chat_tool(tool: ToolSpec) -> dict[str, Any]:
    """A Realtime function tool as a Chat Completions tool."""
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.parameters or {"type": "object", "properties": {}},
        },
    }


def chat_tool_choice(choice: ToolChoice) -> Any:
    """Realtime's `{"type": "function", "name": ...}` is Chat Completions' nested form."""
    if isinstance(choice, dict):
        name = choice.get("name") or (choice.get("function") or {}).get("name")
        return {"type": "function", "function": {"name": name}} if name else "auto"
    return choice if choice in ("auto", "none", "required") else "auto"


def _callable(request: BrainRequest) -> list[str]:
    """The tools a call written as text may name: those `tool_choice` leaves the model."""
    choice = chat_tool_choice(request.tool_choice)
    if choice == "none":
        return []
    named = choice["function"]["name"] if isinstance(choice, dict) else None
    return [tool.name for tool in request.tools if named in (None, tool.name)]


@dataclass
class _Fragments:
    call_id: str = ""
    name: str = ""
    arguments: str = ""


class _ToolCalls:
    """Tool-call fragments joined per call."""

    def __init__(self) -> None:
        self._calls: dict[int | str, _Fragments] = {}

    def add(self, fragment: Any) -> None:
        # Servers that omit the index send each call whole, or at least with its id each time.
        key = fragment.index if fragment.index is not None else (fragment.id or len(self._calls) - 1)
        call = self._calls.setdefault(key, _Fragments())
        call.call_id = fragment.id or call.call_id
        if fragment.function is not None:
            call.name += fragment.function.name or ""
            call.arguments += fragment.function.arguments or ""

    def written(self, name: str, arguments: str) -> None:
        """A call the model wrote as text."""
        self._calls[f"written {len(self._calls)}"] = _Fragments(name=name, arguments=arguments)

    def complete(self) -> Sequence[ToolCall]:
        done = []
        for call in self._calls.values():
            if not call.name:
                continue
            arguments = call.arguments.strip() or "{}"
            try:
                json.loads(arguments)
            except ValueError as exc:
                raise BrainError(f"the LLM sent invalid JSON arguments for {call.name}") from exc
            done.append(ToolCall(call.call_id or f"call_{secrets.token_hex(12)}", call.name, arguments))
        return done


class _HiddenReasoning:
    """Drops the `<think>…</think>` block some reasoning models put at the start of the content."""

    _OPEN, _CLOSE = "<think>", "</think>"

    def __init__(self) -> None:
        self._buffer = ""
        self._state = "undecided"  # then "speaking", or "thinking" and "resuming" and "speaking"

    def feed(self, text: str) -> str:
        """The part of `text` to speak."""
        if self._state == "speaking":
            return text
        self._buffer += text
        if self._state == "undecided":
            head = self._buffer.lstrip()
            if self._OPEN.startswith(head):
                return ""  # too little yet to tell
            if not head.startswith(self._OPEN):
                self._state = "speaking"
                return self._take(self._buffer)
            self._state = "thinking"
        if self._state == "thinking":
            end = self._buffer.find(self._CLOSE)
            if end < 0:
                return ""
            self._buffer = self._buffer[end + len(self._CLOSE) :]
            self._state = "resuming"
        # The answer proper starts at its first word, not at the blank lines after the thought.
        spoken = self._take(self._buffer.lstrip())
        if spoken:
            self._state = "speaking"
        return spoken

    def flush(self) -> str:
        """What is left to speak when the stream ends (an unfinished thought is not)."""
        return self._take(self._buffer) if self._state == "undecided" else ""

    def _take(self, text: str) -> str:
        self._buffer = ""
        return text


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
