"""Choosing the brain from settings."""

from __future__ import annotations

from ..config import LlmEndpoint, Settings
from .base import Brain
from .breaker import CircuitBreaker
from .builtin import BuiltinBrain
from .fallback import BrainReport, FallbackBrain
from .openai_compat import OpenAICompatibleBrain


def load_brain(settings: Settings, report: BrainReport | None = None) -> Brain:
    """The built-in brain, or a chain of OpenAI-compatible endpoints that ends in it.

    `REALTALK_LLM_BASE_URL` first, then each of `REALTALK_LLM_FALLBACKS`, each behind its own
    circuit breaker; `report` hears which brain served each reply.
    """
    if not settings.llm_base_url:
        return BuiltinBrain()
    endpoints = [
        LlmEndpoint(base_url=settings.llm_base_url, api_key=settings.llm_api_key),
        *settings.llm_fallbacks,
    ]
    brain: Brain = BuiltinBrain()
    for endpoint in reversed(endpoints):
        llm = OpenAICompatibleBrain(
            base_url=endpoint.base_url,
            model=endpoint.model or settings.llm_model,
            api_key=endpoint.api_key,
            timeout_s=endpoint.timeout_s or settings.llm_timeout_s,
            vision=settings.llm_vision,
        )
        breaker = CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_reset_s)
        brain = FallbackBrain(llm, brain, breaker=breaker, report=report)
    return brain
