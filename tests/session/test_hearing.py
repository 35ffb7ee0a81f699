"""The speech-recognition prompt built from what the conversation knows."""

from __future__ import annotations

from realtalk.brain.base import ToolSpec
from realtalk.session.hearing import MAX_CHARS, MAX_KNOWN, context_prompt, with_known


def test_the_prompt_holds_the_tools_vocabulary_and_the_agents_last_words() -> None:
    tools = [
        ToolSpec("set_task_priority", "", {"properties": {"priority": {"enum": ["low", "high"]}}}),
        {
            "type": "function",
            "name": "unlock_door",
            "parameters": {"properties": {"code": {"type": "string"}}},
        },
    ]
    prompt = context_prompt(tools, "Do you really want to delete Pick up dry cleaning?")
    assert (
        prompt
        == "set task priority, low, high, unlock door. Do you really want to delete Pick up dry cleaning?"
    )


def test_no_context_no_prompt_and_a_long_one_is_cut() -> None:
    assert context_prompt([], None) is None
    prompt = context_prompt([], "word " * 1000)
    assert prompt is not None and len(prompt) <= MAX_CHARS


def test_the_names_the_tools_hold_end_the_prompt() -> None:
    names = ["Pick up dry cleaning", "Water the plants", "Water the plants", " "]
    assert with_known("add task. Anything else?", names) == (
        "add task. Anything else? Pick up dry cleaning, Water the plants."
    )
    assert with_known(None, []) is None
    many = with_known("Anything else?", [f"chore {i}" for i in range(500)])
    assert many is not None and len(many) <= MAX_CHARS and many.endswith(f"chore {MAX_KNOWN - 1}.")
