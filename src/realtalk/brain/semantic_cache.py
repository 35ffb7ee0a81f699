"""An optional answer cache for the LLM path (`REALTALK_SEMANTIC_CACHE`): a near-identical,
self-contained question within the TTL gets the earlier answer without calling the LLM.

Only a conversation's opening question is cacheable (no earlier turns the answer could depend
on, no images), and only answers without tool calls are kept. Questions are compared by their
MiniLM sentence embeddings (`engines/minilm_embedder.py`); a hit needs cosine similarity of at
least `threshold` *and* the same scope: the same API key (answers never cross keys), the same
instructions, tools, temperature and output limit. The cache is bounded in entries.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from .base import Brain, BrainEvent, BrainRequest, TextDelta
from .fallback import FallbackBrain

log = logging.getLogger(__name__)


class Embedder(Protocol):
    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        """Unit-length embeddings, one row per text."""
        ...


class CacheReport(Protocol):
    def cache_lookup(self, hit: bool, seconds: float) -> None:
        """A lookup's outcome and how long answering from the cache took (hits) or the lookup (misses)."""
        ...


@dataclass
class _Entry:
    scope: str
    vector: NDArray[np.float32]
    text: str
    stored_at: float


class SemanticCache:
    """The process's cached answers; `for_key` gives a brain that uses them for one API key."""

    def __init__(
        self,
        embedder: Callable[[], Embedder],
        *,
        threshold: float = 0.9,
        ttl_s: float = 3600.0,
        max_entries: int = 1000,
        report: CacheReport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._embedder = embedder
        self.threshold = threshold
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.report = report
        self._clock = clock
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._next = 0

    def for_key(self, brain: Brain, key_id: str) -> Brain:
        """`brain` with this cache in front of its LLM, for one API key's calls.

        In a fallback chain the cache sits in front of the first endpoint, behind its circuit
        breaker (shared with the chain): only that LLM's answers are kept, never a fallback's.
        """
        if isinstance(brain, FallbackBrain):
            cached = _CachedBrain(self, brain.primary, key_id)
            return FallbackBrain(cached, brain.fallback, breaker=brain.breaker, report=brain.report)
        return _CachedBrain(self, brain, key_id)

    async def lookup(self, scope: str, question: str) -> tuple[str | None, NDArray[np.float32]]:
        """The cached answer for a near-identical question in `scope`, and the question's vector."""
        # The first call loads the model: in the worker too, never on the event loop.
        vector = (await asyncio.to_thread(lambda: self._embedder().embed([question])))[0]
        now = self._clock()
        for key in [k for k, e in self._entries.items() if now - e.stored_at > self.ttl_s]:
            del self._entries[key]
        best, best_score = None, self.threshold
        for entry in self._entries.values():
            if entry.scope == scope:
                score = float(entry.vector @ vector)
                if score >= best_score:
                    best, best_score = entry, score
        return (best.text if best else None), vector

    def store(self, scope: str, vector: NDArray[np.float32], text: str) -> None:
        self._entries[self._next] = _Entry(scope, vector, text, self._clock())
        self._next += 1
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


def cacheable_question(request: BrainRequest) -> str | None:
    """The question, when the request is a self-contained opening question (module docstring)."""
    turns = [m for m in request.messages if m.role != "system"]
    if len(turns) != 1 or turns[0].role != "user" or turns[0].images or not turns[0].content.strip():
        return None
    return turns[0].content.strip()


def _scope(key_id: str, request: BrainRequest) -> str:
    shape = {
        "key": key_id,
        "instructions": request.instructions,
        "system": [m.content for m in request.messages if m.role == "system"],
        "tools": [(t.name, t.description, json.dumps(t.parameters, sort_keys=True)) for t in request.tools],
        "tool_choice": str(request.tool_choice),
        "temperature": request.temperature,
        "max_output_tokens": request.max_output_tokens,
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


class _CachedBrain:
    def __init__(self, cache: SemanticCache, inner: Brain, key_id: str) -> None:
        self._cache = cache
        self._inner = inner
        self._key_id = key_id
        self.name = inner.name
        """The LLM's name: a reply from the cache is that LLM's answer."""

    async def stream(self, request: BrainRequest) -> AsyncIterator[BrainEvent]:
        question = cacheable_question(request)
        if question is None:
            async for event in self._inner.stream(request):
                yield event
            return
        started = time.perf_counter()
        scope = _scope(self._key_id, request)
        try:
            answer, vector = await self._cache.lookup(scope, question)
        except Exception:  # the cache only saves time: without it the LLM still answers
            log.exception("semantic cache lookup failed; asking the LLM")
            async for event in self._inner.stream(request):
                yield event
            return
        if self._cache.report is not None:
            self._cache.report.cache_lookup(answer is not None, time.perf_counter() - started)
        if answer is not None:
            yield TextDelta(answer)
            return
        parts: list[str] = []
        complete = True
        async for event in self._inner.stream(request):
            if isinstance(event, TextDelta):
                parts.append(event.text)
            else:
                complete = False  # a tool call: the answer depends on what the tool says
            yield event
        if complete and "".join(parts).strip():
            self._cache.store(scope, vector, "".join(parts))
