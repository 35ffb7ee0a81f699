"""Round 6's capabilities on tools the brain has never seen (a recipe box, an events calendar, a
quiz), each read from names, descriptions and JSON schemas: a name that fits several held things is
asked about, a question that names one held thing looks it up, a label named in a question filters,
an imperative with a time and a new thing creates it, a value's target after "to"/"on", several
values in one command, a bare command asks, the rules come from the greeting, part of a code asks."""

from __future__ import annotations

import json

import pytest

from realtalk.brain.base import Message, ToolCall
from tests.brain.test_dialogue import TASKS
from tests.brain.toolbox import called, reply, said, tool

WHICH = {"type": "string", "description": "which recipe, by its words"}
RECIPES = [
    tool("add_recipe", "Add a new recipe to the recipe box.", ["name"], name={"type": "string"}),
    tool(
        "list_recipes",
        "List the recipes in the box, or those with a label.",
        label={"type": "string", "description": "only recipes with this label"},
    ),
    tool("get_recipe", "Look up one recipe: its ingredients and notes.", ["name"], name=WHICH),
    tool("archive_recipe", "Archive a recipe nobody cooks any more.", ["name"], name=WHICH),
]
HELD = ["Lemon drizzle cake", "Chocolate cake", "Beef stew"]

WHAT = {"type": "string", "description": "which event, by its words"}
START = {"type": "string", "format": "date-time", "description": "when it starts"}
EVENTS = [
    tool(
        "create_event",
        "Create an event in the calendar.",
        ["title", "start"],
        title={"type": "string"},
        start=START,
    ),
    tool("move_event", "Move an event to a new start time.", ["title", "start"], title=WHAT, start=START),
    tool("list_events", "List the events of a day.", day={"type": "string"}),
]


def test_a_name_that_fits_several_held_things_equally_asks_and_the_other_one_answers() -> None:
    asked = said(reply("archive the cake", tools=RECIPES, known=HELD))
    assert asked == "I have Lemon drizzle cake and Chocolate cake. Did you mean Lemon drizzle cake?"
    history = [Message("user", "archive the cake"), Message("assistant", asked)]
    assert called(reply("no, the other one", tools=RECIPES, history=history, known=HELD)) == (
        "archive_recipe",
        {"name": "Chocolate cake"},
    )
    assert called(reply("yes", tools=RECIPES, history=history, known=HELD)) == (
        "archive_recipe",
        {"name": "Lemon drizzle cake"},
    )
    # A name that fits one of them by more of its words is taken at once.
    assert called(reply("archive the chocolate cake", tools=RECIPES, known=HELD)) == (
        "archive_recipe",
        {"name": "chocolate cake"},
    )


def test_a_question_that_names_one_held_thing_looks_it_up() -> None:
    name, arguments = called(reply("what's the story with the stew?", tools=RECIPES, known=HELD))
    assert name == "get_recipe" and arguments["name"].lower().endswith("stew")


def test_a_label_named_in_a_question_filters_the_listing() -> None:
    assert called(reply("anything vegan related?", tools=RECIPES, known=HELD)) == (
        "list_recipes",
        {"label": "vegan"},
    )


def test_an_imperative_with_a_time_and_a_new_thing_creates_it_but_a_statement_does_not() -> None:
    name, arguments = called(reply("Plan a barbecue with the neighbours on Saturday", tools=EVENTS))
    assert name == "create_event" and "barbecue" in arguments["title"] and arguments["start"] == "2026-11-28"
    assert not any(isinstance(e, ToolCall) for e in reply("It's going to rain on Saturday", tools=EVENTS))
    # The verb is the thing's own unless it only arranges a time.
    assert called(reply("Call the plumber tomorrow at 9", tools=EVENTS, known=["Call the bank"])) == (
        "create_event",
        {"title": "Call the plumber", "start": "2026-11-23T09:00:00"},
    )
    # A held thing is moved, not created again.
    assert called(reply("Shift the dentist to Saturday", tools=EVENTS, known=["Dentist"]))[0] == "move_event"


def test_a_note_aimed_at_a_held_thing_and_a_tag_before_to_go_on_it() -> None:
    known = ["Call the electrician", "Order printer ink"]
    asked = said(reply("Add a note to the electrician call.", tools=TASKS, known=known))
    assert asked == "Sure. What's the note to add?"
    history = [Message("user", "Add a note to the electrician call."), Message("assistant", asked)]
    assert called(reply("Ask about the hall light.", tools=TASKS, history=history, known=known)) == (
        "add_task_note",
        {"title": "the electrician call", "note": "Ask about the hall light"},
    )
    assert called(reply("Put a note on the electrician one: bring a ladder.", tools=TASKS, known=known)) == (
        "add_task_note",
        {"title": "the electrician 1", "note": "bring a ladder"},
    )
    assert called(reply("Add the tag errands to printer ink.", tools=TASKS, known=known)) == (
        "tag_task",
        {"title": "printer ink", "tags": ["errands"]},
    )


def test_several_values_in_one_command_each_go_to_their_parameter() -> None:
    name, arguments = called(
        reply(
            "Add a task called sort out the garage, tag it weekend, and note that the dump closes at 4.",
            tools=TASKS,
        )
    )
    assert name == "add_task"
    assert arguments == {"title": "sort out the garage", "tags": ["weekend"], "notes": "the dump closes at 4"}
    _, arguments = called(
        reply("Add buy new running shoes, tag it sport and make it high priority", tools=TASKS)
    )
    assert arguments == {"title": "buy new running shoes", "priority": "high", "tags": ["sport"]}


@pytest.mark.parametrize("text", ["Remind me.", "Remind me about something."])
def test_a_bare_command_asks_rather_than_reading_out(text: str) -> None:
    asked = said(reply(text, tools=TASKS))
    assert asked.endswith("?")
    # The question is the one the writing tool asks: the answer goes on to it.
    history = [Message("user", text), Message("assistant", asked)]
    assert called(reply("call the bank", tools=TASKS, history=history)) == (
        "add_task",
        {"title": "call the bank"},
    )


def test_the_rules_are_told_from_the_instructed_greeting() -> None:
    instructions = (
        "You are Quizzy. Greet the user with 'Hello, I am Quizzy. Answer three questions in a row to win. "
        "Ask me for a clue whenever you like.'"
    )
    clue = tool("give_clue", "Give the player a clue for the current question.")
    assert said(reply("what are the rules here?", instructions=instructions, tools=[clue])) == (
        "Answer three questions in a row to win. Ask me for a clue whenever you like."
    )


def test_part_of_a_code_asks_for_the_code() -> None:
    door = tool(
        "open_safe", "Try a combination on the safe.", ["combination"],
        combination={"type": "string", "description": "the 5-digit combination code"},
    )  # fmt: skip
    for text in (
        "I think it starts with a seven, not sure about the rest",
        "the first digit is a two I reckon",
    ):
        assert said(reply(text, tools=[door])) == "Sure. What's the 5-digit combination code?"


def test_a_phrasal_verb_is_the_request_s_verb_and_a_colon_opens_a_note() -> None:
    colour = tool(
        "set_event_colour", "Set the colour of an event.", ["title", "colour"],
        title=WHAT, colour={"type": "string", "enum": ["red", "blue"]},
    )  # fmt: skip
    name, arguments = called(reply("Set up a meeting with Sara on Monday at 3 pm", tools=[*EVENTS, colour]))
    assert name == "create_event" and arguments["start"] == "2026-11-23T15:00:00"
    noting = tool(
        "add_recipe_note", "Add a note to a recipe.", ["name", "note"],
        name=WHICH, note={"type": "string", "description": "the note"},
    )  # fmt: skip
    assert called(reply("Note on the stew: more salt next time", tools=[*RECIPES, noting], known=HELD)) == (
        "add_recipe_note",
        {"name": "the stew", "note": "more salt next time"},
    )


def test_clauses_about_the_thing_just_added_are_each_a_change_to_it() -> None:
    from tests.brain.test_dialogue import after

    label = tool(
        "label_recipe", "Label a recipe with one or more labels.", ["name", "labels"],
        name=WHICH, labels={"type": "array", "items": {"type": "string"}, "description": "the labels to add"},
    )  # fmt: skip
    rate = tool(
        "rate_recipe", "Rate a recipe out of five stars.", ["name", "stars"],
        name=WHICH, stars={"type": "integer", "minimum": 1, "maximum": 5, "description": "how many stars"},
    )  # fmt: skip
    added = after(
        "add_recipe", {"name": "Apple crumble"}, {"message": "Added.", "name": "Apple crumble"}, "Added."
    )
    events = reply("label it dessert and rate it 5 stars", tools=[*RECIPES, label, rate], history=added)
    assert [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)] == [
        ("label_recipe", {"name": "Apple crumble", "labels": ["dessert"]}),
        ("rate_recipe", {"name": "Apple crumble", "stars": 5}),
    ]


def test_a_new_request_after_an_action_is_about_its_new_thing() -> None:
    from tests.brain.test_dialogue import after

    added = after("add_task", {"title": "milk"}, {"message": "Added milk.", "title": "milk"}, "Added milk.")
    assert called(reply("add eggs, tag it food", tools=TASKS, history=added)) == (
        "add_task",
        {"title": "eggs", "tags": ["food"]},
    )
    assert called(reply("and add a note saying semi-skimmed", tools=TASKS, history=added)) == (
        "add_task_note",
        {"title": "milk", "note": "semi-skimmed"},
    )
