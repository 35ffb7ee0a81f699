"""How close an utterance is in meaning to each tool, and to just chatting.

Words alone miss paraphrase: "give me a clue" shares no content word with "get_hint", and "is
anything late?" none with "overdue". A sentence-embedding model (MiniLM, `engines/minilm_embedder`)
compares the utterance with what each tool says about itself: its name, description and parameter
descriptions, plus any example requests the app lists under the parameters' `x-examples`. It works
for any client's tools, and the tool texts are embedded once and cached.

"Just chat" is scored too, against a few everyday remarks: a tool must beat it to count.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache

import numpy as np

from . import lexicon, parameters
from .base import ToolSpec

log = logging.getLogger(__name__)

_CHAT = (
    "hello, how are you?",
    "tell me a joke",
    "what's the weather like?",
    "thanks, that's all",
    "who are you?",
    "what do you think about music?",
    "how far is it to the moon?",
    "what is the capital of France?",
    "lovely day out there, isn't it?",
)


@cache
def _embedder() -> object | None:
    try:
        from ..engines.minilm_embedder import shared

        return shared()
    except ImportError as error:  # the weights package is installed by scripts/setup.sh
        log.warning("sentence embeddings are off (%s): tools are matched by their words only", error)
        return None


def available() -> bool:
    """Whether the model is installed (it is loaded by the first call)."""
    return _embedder() is not None


def tool_text(tool: ToolSpec) -> str:
    """What a tool says about itself, as one passage to compare requests with."""
    parts = [lexicon.humanize(tool.name) + ".", tool.description.strip()]
    for param in parameters.params_of(tool):
        described = str(param.spec.get("description", "")).strip()
        parts.append(
            f"{lexicon.humanize(param.name)}: {described}" if described else lexicon.humanize(param.name)
        )
    return " ".join(p for p in parts if p)


def _examples(tool: ToolSpec) -> list[str]:
    found = (tool.parameters or {}).get("x-examples")
    return [str(e) for e in found[:8]] if isinstance(found, list) else []


def similarities(tools: Sequence[ToolSpec], text: str) -> tuple[list[float], float] | None:
    """(each tool's closeness to `text`, the closeness of just chatting), cosine in -1..1; None when
    the model is not installed."""
    embedder = _embedder()
    if embedder is None or not tools:
        return None
    passages = [[tool_text(t), *_examples(t)] for t in tools]
    flat = [text, *_CHAT, *(p for group in passages for p in group)]
    vectors = embedder.embed(flat)  # type: ignore[attr-defined]
    said = vectors[0]
    chat = float(np.max(vectors[1 : 1 + len(_CHAT)] @ said))
    scores, at = [], 1 + len(_CHAT)
    for group in passages:
        scores.append(float(np.max(vectors[at : at + len(group)] @ said)))
        at += len(group)
    return scores, chat


CHAT_MARGIN = 0.15
"""How much closer to just chatting than to every tool an utterance must be to count as chat alone
(measured on the tuning halves: "Good morning! Hope you had a nice weekend." 0.34 closer, "Lovely
weather today" 0.39; errands said with no verb of a tool, "call mum" and "pick up the dry cleaning",
are 0.06 and 0.01 closer)."""


def just_chat(tools: Sequence[ToolSpec], text: str, margin: float = CHAT_MARGIN) -> bool:
    """Whether `text` is closer in meaning to chatting than to any of the tools by `margin` or more
    (False when the model is not installed)."""
    found = similarities(tools, text)
    return found is not None and bool(found[0]) and found[1] - max(found[0]) >= margin
