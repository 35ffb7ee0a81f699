"""What of a long conversation the brain sees: the session's `truncation` setting, as OpenAI has it.

The store keeps every item; only the brain's view is cut, oldest turns first, so a conversation
never fails at the model's context limit. The budget is the context window (`context_tokens`)
less the reply's `max_output_tokens` (or `OUTPUT_RESERVE`) and the instructions, or
`token_limits.post_instructions` when set.

- `auto`: drop just enough of the oldest messages to fit.
- `{"type": "retention_ratio", "retention_ratio": r}`: when over, drop down to `r` of the budget,
  and keep that cut until the budget is exceeded again (the kept prefix stays stable for caching).
- `disabled`: send everything.

System messages stay; a cut never leaves tool results without the call that asked for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..brain.base import Message
from .usage import estimate_text_tokens

DEFAULT_CONTEXT_TOKENS = 8192
OUTPUT_RESERVE = 1024
"""Tokens kept free for the reply when the response sets no `max_output_tokens`."""


def message_tokens(message: Message) -> int:
    calls = sum(estimate_text_tokens(f"{c.name} {c.arguments}") for c in message.tool_calls)
    return estimate_text_tokens(message.content) + calls + 4  # + the role and framing


class Truncation:
    """One session's cut through its conversation (stateful for `retention_ratio`)."""

    def __init__(self, context_tokens: int) -> None:
        self.context_tokens = context_tokens
        self._dropped = 0
        """Leading non-system messages the brain no longer sees."""

    def apply(
        self,
        messages: Sequence[Message],
        setting: str | dict[str, Any],
        *,
        instructions_tokens: int,
        max_output_tokens: int | None,
        keep: bool = True,
    ) -> list[Message]:
        """The messages the brain sees; `keep`: the cut is kept for the next request (False: a
        look at what a reply would see, which leaves the session's cut where it was)."""
        if setting == "disabled":
            return list(messages)
        budget = self.context_tokens - (max_output_tokens or OUTPUT_RESERVE) - instructions_tokens
        ratio = 1.0
        if isinstance(setting, dict):
            ratio = float(setting.get("retention_ratio", 1.0))
            post = (setting.get("token_limits") or {}).get("post_instructions")
            if post is not None:
                budget = min(budget, int(post))
        budget = max(0, budget)
        pinned = [m for m in messages if m.role == "system"]
        turns = [m for m in messages if m.role != "system"]
        dropped = min(self._dropped, len(turns))
        size = sum(map(message_tokens, pinned)) + sum(map(message_tokens, turns[dropped:]))
        if size > budget:
            target = budget * ratio
            # Keep at least the newest message: the brain must see what it is answering.
            while size > target and dropped < len(turns) - 1:
                size -= message_tokens(turns[dropped])
                dropped += 1
        while dropped < len(turns) - 1 and turns[dropped].role == "tool":
            dropped += 1  # a tool result without its call is not valid Chat Completions
        if keep:
            self._dropped = dropped
        kept: list[Message] = []
        index = 0
        for message in messages:
            if message.role == "system":
                kept.append(message)
                continue
            if index >= dropped:
                kept.append(message)
            index += 1
        return kept
