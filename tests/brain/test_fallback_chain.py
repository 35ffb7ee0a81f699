"""The LLM fallback chain: endpoints in order, each behind a circuit breaker, then the built-in brain.

Every endpoint is a real Chat Completions server on loopback (or a port nobody listens on).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from realtalk.brain.breaker import CircuitBreaker
from realtalk.brain.builtin import BuiltinBrain
from realtalk.brain.fallback import FallbackBrain
from realtalk.brain.loader import load_brain
from realtalk.brain.openai_compat import OpenAICompatibleBrain
from realtalk.config import Settings
from realtalk.server.metrics import Metrics
from tests.brain.test_fallback import spoken
from tests.chat_server import ChatServer, Scripted
from tests.live_server import free_port


@pytest.fixture
def first() -> Iterator[ChatServer]:
    with ChatServer() as server:
        yield server


@pytest.fixture
def second() -> Iterator[ChatServer]:
    with ChatServer() as server:
        yield server


def llm(base_url: str, model: str, timeout_s: float = 2.0) -> OpenAICompatibleBrain:
    return OpenAICompatibleBrain(base_url=base_url, model=model, timeout_s=timeout_s)


def served(metrics: Metrics, brain: str) -> float:
    return metrics.registry.get_sample_value("realtalk_brain_replies_total", {"brain": brain}) or 0.0


def skipped(metrics: Metrics, brain: str, reason: str) -> float:
    labels = {"brain": brain, "reason": reason}
    return metrics.registry.get_sample_value("realtalk_brain_fallbacks_total", labels) or 0.0


async def test_each_endpoint_in_order_then_the_builtin_brain(second: ChatServer) -> None:
    metrics = Metrics()
    dead = llm(f"http://127.0.0.1:{free_port()}/v1", "a")
    chain = FallbackBrain(
        dead, FallbackBrain(llm(second.base_url, "b"), BuiltinBrain(), report=metrics), report=metrics
    )
    second.replies.append(Scripted(text=["From", " b."]))
    assert await spoken(chain) == "From b."
    assert skipped(metrics, "openai-compatible:a", "error") == 1
    assert served(metrics, "openai-compatible:b") == 1
    second.replies.append(Scripted(status=500))
    assert (await spoken(chain)).startswith("Hi, I'm Ada"), "both endpoints failed: the built-in brain"
    assert served(metrics, "builtin") == 1 and skipped(metrics, "openai-compatible:b", "error") == 1


async def test_a_dead_endpoint_is_skipped_until_the_probe(first: ChatServer, second: ChatServer) -> None:
    metrics = Metrics()
    breaker = CircuitBreaker(failures=2, reset_s=0.5)
    chain = FallbackBrain(
        llm(first.base_url, "a"), llm(second.base_url, "b"), breaker=breaker, report=metrics
    )
    first.replies += [Scripted(status=503), Scripted(status=503)]
    second.replies += [Scripted(text=[f"b{i}"]) for i in range(4)]
    assert [await spoken(chain) for _ in range(3)] == ["b0", "b1", "b2"]
    assert len(first.requests) == 2, "the open circuit kept the third turn away from the dead endpoint"
    assert breaker.state == "open" and skipped(metrics, "openai-compatible:a", "circuit_open") == 1
    await asyncio.sleep(0.6)
    first.replies.append(Scripted(text=["a is back"]))
    assert await spoken(chain) == "a is back", "after reset_s one call probes the endpoint"
    assert breaker.state == "closed" and len(first.requests) == 3


async def test_a_failed_probe_opens_the_circuit_again(first: ChatServer) -> None:
    breaker = CircuitBreaker(failures=1, reset_s=0.3)
    chain = FallbackBrain(llm(first.base_url, "a", timeout_s=0.3), BuiltinBrain(), breaker=breaker)
    metrics = Metrics()
    chain.report = metrics
    first.replies += [Scripted(hang_s=1.0), Scripted(status=502)]
    assert "Ada" in await spoken(chain)
    assert skipped(metrics, "openai-compatible:a", "timeout") == 1 and breaker.state == "open"
    await asyncio.sleep(0.35)
    assert "Ada" in await spoken(chain)  # the probe fails
    assert breaker.state == "open" and len(first.requests) == 2
    assert "Ada" in await spoken(chain)
    assert len(first.requests) == 2


def test_load_brain_builds_the_chain_from_settings() -> None:
    settings = Settings(
        llm_base_url="http://127.0.0.1:9/v1",
        llm_model="main",
        llm_timeout_s=4.0,
        llm_fallbacks=[{"base_url": "http://127.0.0.1:10/v1", "model": "backup", "timeout_s": 1.5}],
        llm_breaker_failures=5,
    )
    brain = load_brain(settings)
    assert brain.name == "openai-compatible:main+openai-compatible:backup+builtin"
    assert isinstance(brain, FallbackBrain) and isinstance(brain.fallback, FallbackBrain)
    backup = brain.fallback.primary
    assert isinstance(backup, OpenAICompatibleBrain) and (backup.model, backup.timeout_s) == ("backup", 1.5)
    assert brain.breaker.failures == 5 and isinstance(brain.fallback.fallback, BuiltinBrain)


def test_fallbacks_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REALTALK_LLM_FALLBACKS", '[{"base_url": "http://b/v1"}, {"base_url": "http://c/v1"}]')
    assert [e.base_url for e in Settings().llm_fallbacks] == ["http://b/v1", "http://c/v1"]
