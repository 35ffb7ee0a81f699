"""The one JSON decoder for everything a client sends: WebSocket and data-channel frames, HTTP bodies.

`json.loads` has no depth limit of its own: `[[[[…` 100,000 deep raises `RecursionError` (not a
`ValueError`), and a document a few hundred levels deep decodes but then breaks whatever walks it
recursively later (pydantic, `copy.deepcopy`, the brains). So nesting is capped here, once, and
every failure is a `ProtocolError` that becomes an `error` event or a 400.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import ProtocolError

MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays/objects accepted. The deepest real event is a tool's JSON Schema inside
`session.tools[]`, about 5 levels of envelope plus the schema's own nesting (OpenAI's structured
outputs allow 10 levels). Precedents: .NET System.Text.Json 64 (its default MaxDepth), serde_json
128, Go encoding/json 10,000; ours stays far below Python's recursion limit of 1,000."""


def decode_json(raw: str | bytes, *, check_depth: bool = True) -> Any:
    """Parse JSON text, refusing documents nested deeper than `MAX_JSON_DEPTH`. Raises `ProtocolError`.

    `check_depth=False` leaves the depth check to the caller (`check_json_depth`), for callers
    that can name the document in their error (a client event's `event_id`); documents too deep
    for the parser itself are refused here all the same.
    """
    try:
        data = json.loads(raw)
    except RecursionError as exc:
        raise _too_deep() from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(
            f"We could not parse the JSON body of your request: {exc}", code="invalid_json"
        ) from exc
    if check_depth:
        check_json_depth(data)
    return data


def check_json_depth(value: Any) -> None:
    """Raise `ProtocolError` when `value` nests deeper than `MAX_JSON_DEPTH`."""
    if json_depth(value) > MAX_JSON_DEPTH:
        raise _too_deep()


def json_depth(value: Any) -> int:
    """How deeply `value` nests arrays and objects (a scalar is 0), without recursing."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_JSON_DEPTH:  # deep enough to refuse; walking on only costs time
                break
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return deepest


def _too_deep() -> ProtocolError:
    return ProtocolError(
        f"We could not parse the JSON body of your request: it nests arrays and objects more than "
        f"{MAX_JSON_DEPTH} levels deep.",
        code="invalid_json",
    )
