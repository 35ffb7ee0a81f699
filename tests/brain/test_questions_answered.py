"""Questions that must be answered and never write (round 11), on tools the apps don't have (a
gardener's job book): a question after a word that asks for nothing ("bruh what do i even have to
do"), a hedge set apart by commas ("remind me, if you would, whether ..."), "were the X ever done?"."""

from __future__ import annotations

import pytest

from realtalk.brain import intent
from realtalk.brain.base import ToolCall
from tests.brain.test_unclear_requests import HELD, JOB, JOBS
from tests.brain.toolbox import called, reply, tool

READERS = [
    *JOBS,
    tool("find_job", "Look up one job: when it is due and whether it is done.", ["job"], job=JOB),
    tool(
        "note_job",
        "Add a note to a job.",
        ["job", "note"],
        job=JOB,
        note={"type": "string", "description": "the note to add"},
    ),
]


@pytest.mark.parametrize(
    "text",
    ["bruh what do i even have to do", "so like when am I mowing",
     "Remind me, if you would, whether the fern got repotted.", "were the tomato plants ever fed?"],
)  # fmt: skip
def test_a_question_after_other_words_is_a_question(text: str) -> None:
    assert intent.is_question(text)
    events = reply(text, tools=READERS, known=HELD)
    # one reader is called: with no call at all, "all" of none would pass
    calls = [e.name for e in events if isinstance(e, ToolCall)]
    assert len(calls) == 1 and calls[0] in ("list_jobs", "find_job")


@pytest.mark.parametrize("text", ["add check what do I need", "move what do I need to Friday"])
def test_a_verb_before_a_question_word_makes_it_a_request(text: str) -> None:
    assert not intent.is_question(text)


def test_whether_a_thing_was_done_looks_it_up() -> None:
    name, values = called(reply("were the tomato plants ever fed?", tools=READERS, known=HELD))
    assert name == "find_job" and "tomato plants" in values["job"]


RECIPES = [
    tool(
        "list_recipes",
        "List the saved recipes.",
        label={"type": "string", "description": "only recipes with this label"},
    ),
    tool("find_recipe", "Look up one recipe by its name.", ["recipe"], recipe={"type": "string"}),
    tool("save_recipe", "Save a new recipe.", ["recipe"], recipe={"type": "string"}),
]


@pytest.mark.parametrize(
    ("text", "label"),
    [("any pudding recipes?", "pudding"), ("got any pudding stuff?", "pudding"),
     ("which of my recipes are for the kids?", "kids"), ("what's on the cards for the kids?", "kids")],
)  # fmt: skip
def test_a_label_is_said_beside_the_tools_own_word_for_what_they_hold(text: str, label: str) -> None:
    assert called(reply(text, tools=RECIPES, known=["Lemon drizzle cake"])) == (
        "list_recipes",
        {"label": label},
    )


def test_another_apps_word_for_things_names_no_label() -> None:
    events = reply("any pudding tasks?", tools=RECIPES, known=["Lemon drizzle cake"])
    assert not any(isinstance(e, ToolCall) and "label" in e.arguments for e in events)
