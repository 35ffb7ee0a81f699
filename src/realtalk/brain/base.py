"""The interface between a Realtime session and whatever decides what the agent says.

The session turns its conversation into a `BrainRequest` (shaped like a Chat Completions call,
since that is what most LLM servers speak) and consumes the `BrainEvent`s a brain streams back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class ToolSpec:
    """A function the agent may call (Realtime `{"type": "function", ...}` tool)."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolCall:
    """A complete function call decided by the brain. `arguments` is a JSON object as text."""

    call_id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class Image:
    """An image in a user turn: its data URL and the text read in it (OCR)."""

    url: str
    """`data:image/png;base64,…` or `data:image/jpeg;base64,…`."""
    text: str | None
    """The text found in it, one line per line ("" if none); None if it could not be read."""
    detail: str | None = None
    """The client's `detail` ("auto", "low", "high"), for vision models."""

    def note(self) -> str:
        """How the image reads in the message's text, for a brain that cannot see it."""
        if self.text is None:
            return "[an image that could not be read]"
        if not self.text:
            return "[image with no readable text]"
        return f'[image; the text in it reads: "{self.text}"]'


@dataclass(frozen=True)
class Message:
    """One turn of the conversation, in Chat Completions terms.

    - user / system / assistant: `content` holds the text (or audio transcript);
    - a user turn with images has them in `images`, and each image's `note()` in `content`;
    - an assistant turn that called tools has them in `tool_calls`;
    - role "tool" carries a tool result for `tool_call_id` in `content`.
    """

    role: Literal["system", "user", "assistant", "tool"]
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    images: tuple[Image, ...] = ()
    heard_unsure: bool = False
    """A user turn that speech recognition was unsure of: a brain may check before acting on it."""


ToolChoice = str | dict[str, Any]
""""auto", "none", "required", or {"type": "function", "name": ...}."""


@dataclass(frozen=True)
class BrainRequest:
    """Everything a brain needs to produce one response."""

    instructions: str
    messages: Sequence[Message]
    tools: Sequence[ToolSpec] = ()
    tool_choice: ToolChoice = "auto"
    temperature: float | None = None
    max_output_tokens: int | None = None
    known: Sequence[str] = ()
    """Names the server's tools hold (task titles): a call that would change one on words that
    only sound like it asks first (`entities`)."""


@dataclass(frozen=True)
class TextDelta:
    """More of the spoken/written reply."""

    text: str


BrainEvent = TextDelta | ToolCall


class Brain(Protocol):
    """Streams a reply: text deltas, then zero or more tool calls."""

    name: str

    def stream(self, request: BrainRequest) -> AsyncIterator[BrainEvent]:
        """Yield the reply as it is produced. Raise `BrainError` when it cannot answer."""
        ...


class BrainError(RuntimeError):
    """The brain could not produce a reply (endpoint down, timeout, bad answer)."""


class BrainTimeout(BrainError):
    """The brain said nothing (or stalled) for longer than its timeout."""
