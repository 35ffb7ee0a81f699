"""Choosing the brain from settings."""

from __future__ import annotations

from ..config import Settings
from .base import Brain
from .builtin import BuiltinBrain
from .fallback import FallbackBrain
from .openai_compat import OpenAICompatibleBrain


def load_brain(settings: Settings) -> Brain:
    """The built-in brain, or an OpenAI-compatible endpoint that falls back to it."""
    if not settings.llm_base_url:
        return BuiltinBrain()
    endpoint = OpenAICompatibleBrain(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        timeout_s=settings.llm_timeout_s,
        vision=settings.llm_vision,
    )
    return FallbackBrain(endpoint, BuiltinBrain())
