"""FallbackBrain over a real (or really absent) Chat Completions endpoint, and `load_brain`."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from realtalk.brain.base import BrainEvent, BrainRequest, Message, TextDelta
from realtalk.brain.builtin import BuiltinBrain
from realtalk.brain.fallback import FallbackBrain
from realtalk.brain.loader import load_brain
from realtalk.brain.openai_compat import OpenAICompatibleBrain
from realtalk.config import Settings
from tests.chat_server import ChatServer, Scripted
from tests.live_server import free_port

GREETING = BrainRequest("You are Ada, the concierge of the Grand Hotel.", [Message("user", "hello")])


async def spoken(brain: FallbackBrain, request: BrainRequest = GREETING) -> str:
    events: list[BrainEvent] = [event async for event in brain.stream(request)]
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def over(base_url: str, timeout_s: float = 2.0) -> FallbackBrain:
    return FallbackBrain(
        OpenAICompatibleBrain(base_url=base_url, model="m", timeout_s=timeout_s), BuiltinBrain()
    )


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    with ChatServer() as server:
        yield server


async def test_the_llm_answers_when_it_can(chat: ChatServer, caplog: pytest.LogCaptureFixture) -> None:
    chat.replies.append(Scripted(text=["From", " the LLM."]))
    assert await spoken(over(chat.base_url)) == "From the LLM."
    assert "failed" not in caplog.text


async def test_endpoint_down_falls_back_to_the_builtin_brain(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    text = await spoken(over(f"http://127.0.0.1:{free_port()}/v1"))
    assert text.startswith("Hi, I'm Ada")
    assert "LLM endpoint failed: cannot reach the LLM endpoint" in caplog.text
    assert "answering with the builtin brain" in caplog.text


@pytest.mark.parametrize("failure", [Scripted(hang_s=2.0), Scripted(status=503)], ids=["hangs", "http-503"])
async def test_endpoint_hanging_or_failing_falls_back(
    chat: ChatServer, caplog: pytest.LogCaptureFixture, failure: Scripted
) -> None:
    caplog.set_level(logging.WARNING)
    chat.replies.append(failure)
    assert "Ada" in await spoken(over(chat.base_url, timeout_s=0.3))
    assert "answering with the builtin brain" in caplog.text
    chat.replies.append(Scripted(text=["Back."]))
    assert await spoken(over(chat.base_url, timeout_s=0.3)) == "Back.", "the next turn tries the LLM again"


async def test_failure_mid_reply_ends_the_reply_without_repeating_it(
    chat: ChatServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    chat.replies.append(Scripted(text=["The weather", " in Paris is"], stall_s=3.0))
    assert await spoken(over(chat.base_url, timeout_s=0.3)) == "The weather in Paris is"
    assert "failed mid-reply" in caplog.text and "answering with" not in caplog.text


def test_load_brain_chooses_by_settings() -> None:
    assert isinstance(load_brain(Settings()), BuiltinBrain)
    brain = load_brain(Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen3", llm_timeout_s=3.5))
    assert isinstance(brain, FallbackBrain)
    assert isinstance(brain.primary, OpenAICompatibleBrain) and isinstance(brain.fallback, BuiltinBrain)
    assert brain.primary.model == "qwen3" and brain.primary.timeout_s == 3.5
    assert brain.name == "openai-compatible:qwen3+builtin"
