"""The LLM answer cache, in front of a real Chat Completions server, with the real MiniLM embedder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from realtalk.brain.base import BrainRequest, Message, ToolSpec
from realtalk.brain.builtin import BuiltinBrain
from realtalk.brain.fallback import FallbackBrain
from realtalk.brain.openai_compat import OpenAICompatibleBrain
from realtalk.brain.semantic_cache import SemanticCache
from realtalk.engines import minilm_embedder
from realtalk.server.metrics import Metrics
from tests.brain.test_fallback import spoken
from tests.chat_server import ChatServer, Scripted

INSTRUCTIONS = "You are a helpful concierge."


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    with ChatServer() as server:
        yield server


def ask(question: str, *history: Message, tools: tuple[ToolSpec, ...] = ()) -> BrainRequest:
    return BrainRequest(INSTRUCTIONS, [*history, Message("user", question)], tools)


def chain(chat: ChatServer) -> FallbackBrain:
    return FallbackBrain(
        OpenAICompatibleBrain(base_url=chat.base_url, model="m", timeout_s=5), BuiltinBrain()
    )


async def test_a_near_identical_opening_question_is_answered_from_the_cache(chat: ChatServer) -> None:
    metrics, clock = Metrics(), Clock()
    cache = SemanticCache(minilm_embedder.shared, threshold=0.9, ttl_s=600, report=metrics, clock=clock)
    brain = cache.for_key(chain(chat), "key_a")
    chat.replies += [Scripted(text=["Paris", " is the capital."]) for _ in range(5)]
    assert await spoken(brain, ask("What is the capital of France?")) == "Paris is the capital."
    assert await spoken(brain, ask("what's the capital of france")) == "Paris is the capital."
    assert len(chat.requests) == 1, "the second question never reached the LLM"
    hits = metrics.registry.get_sample_value("realtalk_semantic_cache_lookups_total", {"result": "hit"})
    assert hits == 1
    # Never across keys; not for a different question; not once the TTL has passed.
    await spoken(cache.for_key(chain(chat), "key_b"), ask("What is the capital of France?"))
    assert len(chat.requests) == 2
    await spoken(brain, ask("How do I get to the train station?"))
    assert len(chat.requests) == 3
    clock.now += 601
    await spoken(brain, ask("What is the capital of France?"))
    assert len(chat.requests) == 4


async def test_only_self_contained_questions_and_tool_free_answers_are_kept(chat: ChatServer) -> None:
    cache = SemanticCache(minilm_embedder.shared, threshold=0.9, clock=Clock())
    brain = cache.for_key(chain(chat), "key_a")
    earlier = (Message("user", "I'm staying in room 12."), Message("assistant", "Noted."))
    chat.replies += [Scripted(text=["It's on the 1st floor."]) for _ in range(2)]
    await spoken(brain, ask("Where is my room?", *earlier))
    await spoken(brain, ask("Where is my room?", *earlier))
    assert len(chat.requests) == 2, "a question that depends on earlier turns is never cached"
    chat.replies += [Scripted(tool_calls=[("get_weather", ['{"city": "Paris"}'])]) for _ in range(2)]
    weather = ToolSpec("get_weather", "The weather in a city.", {"type": "object", "properties": {}})
    await spoken(brain, ask("What's the weather in Paris?", tools=(weather,)))
    await spoken(brain, ask("What's the weather in Paris?", tools=(weather,)))
    assert len(chat.requests) == 4, "an answer that called a tool is never cached"


async def test_a_fallback_answer_is_never_cached(chat: ChatServer) -> None:
    cache = SemanticCache(minilm_embedder.shared, threshold=0.9, clock=Clock())
    brain = cache.for_key(chain(chat), "key_a")
    chat.replies += [Scripted(status=503), Scripted(text=["From the LLM."])]
    builtin = await spoken(brain, ask("Hello there!"))
    assert builtin and builtin != "From the LLM." and len(chat.requests) == 1, "the built-in brain answered"
    assert await spoken(brain, ask("Hello there!")) == "From the LLM."
    assert len(chat.requests) == 2
