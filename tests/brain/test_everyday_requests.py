"""Everyday request shapes on tools the apps don't have (a shopping list, a bug tracker, a
calendar): a counted list of new things, "a week today" and "first thing", "put down", "could we",
"them" for what was just read out, throwing-away verbs, and a held thing named by the start of
words that go on to say more."""

from __future__ import annotations

import json

import pytest

from realtalk.brain.base import Message, ToolCall
from tests.brain.test_degrees_and_remarks import BUGS, HELD_BUGS, WHICH
from tests.brain.test_dialogue import after
from tests.brain.test_unseen_capabilities import EVENTS
from tests.brain.toolbox import called, reply, said, tool

SHOPPING = [
    tool("add_item", "Add an item to the shopping list.", ["item"], item={"type": "string"}),
    tool("list_items", "List what is on the shopping list."),
]
CLOSE = tool("close_bug", "Close a bug that is fixed.", ["bug"], bug=WHICH)
DROP = tool("delete_bug", "Delete a bug filed by mistake.", ["bug"], bug=WHICH)


def calls(text: str, **kwargs: object) -> list[tuple[str, dict[str, object]]]:
    return [
        (e.name, json.loads(e.arguments))
        for e in reply(text, **kwargs)  # type: ignore[arg-type]
        if isinstance(e, ToolCall)
    ]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("add two things: oat milk, and a bag of lemons", ["oat milk", "bag of lemons"]),
        ("could you add three things for me: rice, flour and eggs", ["rice", "flour", "eggs"]),
        ("add two things: bread and butter, and jam", ["bread and butter", "jam"]),
    ],
)
def test_a_counted_list_of_new_things_is_one_call_each(text: str, items: list[str]) -> None:
    assert calls(text, tools=SHOPPING) == [("add_item", {"item": item}) for item in items]


def test_a_list_that_does_not_match_its_count_is_not_split() -> None:
    assert len(calls("add two things: rice, flour, eggs", tools=SHOPPING)) <= 1


def test_a_week_today_and_first_thing() -> None:
    assert called(reply("create an event called retro a week today at 3pm", tools=EVENTS)) == (
        "create_event",
        {"title": "retro", "start": "2026-11-29T15:00:00"},
    )
    assert called(reply("create an event called retro on friday, first thing", tools=EVENTS)) == (
        "create_event",
        {"title": "retro", "start": "2026-11-27T09:00:00"},
    )


def test_put_down_adds_and_could_we_asks_for_a_change() -> None:
    assert called(reply("put down oat milk", tools=SHOPPING)) == ("add_item", {"item": "oat milk"})
    assert called(
        reply("could we move the lunch to 1pm tomorrow?", tools=EVENTS, known=["Lunch with Priya"])
    ) == ("move_event", {"title": "lunch", "start": "2026-11-23T13:00:00"})


def test_them_is_the_one_thing_just_read_out() -> None:
    history = after(
        "list_bugs",
        {},
        {"message": "You have 1 bug: Typo in the footer.", "titles": ["Typo in the footer"]},
        "You have 1 bug: Typo in the footer.",
    )
    assert called(reply("make them minor", tools=BUGS, history=history, known=HELD_BUGS)) == (
        "set_bug_severity",
        {"bug": "Typo in the footer", "severity": "minor"},
    )


@pytest.mark.parametrize("verb", ["bin", "chuck", "axe"])
def test_throwing_away_verbs_delete_and_the_reason_is_not_the_name(verb: str) -> None:
    text = f"{verb} the footer typo, I'm not fixing it any more"
    assert called(reply(text, tools=[*BUGS, DROP], known=HELD_BUGS)) == ("delete_bug", {"bug": "footer typo"})


def test_bins_as_a_noun_are_no_deletion() -> None:
    assert calls("take the bins out", tools=[*SHOPPING, DROP]) != [("delete_bug", {"bug": "bins"})]


def test_a_held_thing_is_named_by_the_start_of_words_that_go_on() -> None:
    assert called(reply("close the export bug now", tools=[CLOSE], known=HELD_BUGS)) == (
        "close_bug",
        {"bug": "export"},  # "bug" is the tool's word, "now" only goes on
    )
    # A question about one held thing, with talk around its words.
    find = tool("get_bug", "Look up one bug: its severity and who has it.", ["bug"], bug=WHICH)
    assert called(reply("wait, is the footer typo sorted already?", tools=[find], known=HELD_BUGS)) == (
        "get_bug",
        {"bug": "the footer typo"},
    )
    # Words that only sound like the held name are kept whole, to be asked about.
    assert calls("close the exprt thing", tools=[CLOSE], known=HELD_BUGS) == []


def test_a_change_to_several_held_things_is_made_to_each() -> None:
    assert calls("close both the footer typo and the export bug", tools=[CLOSE], known=HELD_BUGS) == [
        ("close_bug", {"bug": "the footer typo"}),
        ("close_bug", {"bug": "the export bug"}),
    ]
    # One name with "and" in it, or a new thing, is one thing.
    assert len(calls("close the login crash and the footer", tools=[CLOSE], known=["Login and footer"])) == 1
    assert calls("add rice and beans", tools=SHOPPING) == [("add_item", {"item": "rice and beans"})]


@pytest.mark.parametrize(
    ("text", "bug"),
    [
        ("um, I guess, close the footer typo", "footer typo"),
        ("right, okay, close the export bug", "export"),
        ("so basically close the login crash", "login crash"),
    ],
)
def test_discourse_markers_are_not_the_name(text: str, bug: str) -> None:
    assert called(reply(text, tools=[CLOSE], known=HELD_BUGS)) == ("close_bug", {"bug": bug})


def test_a_deadline_said_with_done_marks_nothing_done() -> None:
    events = reply("the footer typo needs to be done by friday", tools=[*BUGS, CLOSE], known=HELD_BUGS)
    assert not any(isinstance(e, ToolCall) and e.name == "close_bug" for e in events)


def test_a_word_of_the_same_idea_as_an_options_word_is_a_degree_too() -> None:
    urgency = {"type": "string", "enum": ["low", "normal", "high"], "description": "high if urgent"}
    tools = [
        tool(
            "set_urgency", "Set how urgent a ticket is.", ["ticket", "urgency"], ticket=WHICH, urgency=urgency
        )
    ]
    assert called(reply("the printer ticket is no rush", tools=tools, known=["Printer jammed"])) == (
        "set_urgency",
        {"ticket": "the printer", "urgency": "low"},
    )


def test_a_preface_and_something_to_do_noted() -> None:
    assert called(reply("one more thing: add oat milk", tools=SHOPPING)) == ("add_item", {"item": "oat milk"})
    assert called(reply("I need to get oat milk, can you note that?", tools=SHOPPING)) == (
        "add_item",
        {"item": "get oat milk"},
    )


CLOSE_OR_REOPEN = tool(
    "close_bug",
    "Close a bug that is fixed, or reopen it.",
    ["bug"],
    bug=WHICH,
    reopen={"type": "boolean", "description": "true to reopen a bug closed by mistake"},
)


@pytest.mark.parametrize(
    ("text", "reopened"),
    [
        ("oops, we haven't actually fixed the footer typo yet, can you put it back?", True),
        ("the footer typo isn't fixed after all", False),  # not a word the pattern knows: no change at all
        ("we didn't fix the footer typo", True),
    ],
)
def test_a_report_that_something_is_still_to_do_reopens_it_or_changes_nothing(
    text: str, reopened: bool
) -> None:
    events = reply(text, tools=[CLOSE_OR_REOPEN], known=HELD_BUGS)
    done = [json.loads(e.arguments) for e in events if isinstance(e, ToolCall)]
    assert done == ([{"bug": "Typo in the footer", "reopen": True}] if reopened else [])  # never closed


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("would you mind moving the lunch to 3?", "15:00"),  # an hour a move ends at: the afternoon's
        ("move the lunch to 10 tomorrow", "2026-11-23T10:00:00"),
    ],
)
def test_an_hour_a_move_ends_at(text: str, start: str) -> None:
    assert called(reply(text, tools=EVENTS, known=["Lunch with Priya"])) == (
        "move_event",
        {"title": "lunch", "start": start},
    )


def test_an_exclamation_is_no_question_and_a_bare_hour_corrects_a_time() -> None:
    assert calls("ugh, what a day", tools=EVENTS) == []
    history = after(
        "create_event",
        {"title": "yoga", "start": "2026-11-23T17:00:00"},
        {"message": "Created yoga tomorrow at 5 PM.", "title": "yoga"},
        "Created yoga tomorrow at 5 PM.",
    )
    assert called(reply("no, 6", tools=EVENTS, history=history)) == (
        "move_event",
        {"start": "2026-11-23T18:00:00", "title": "yoga"},
    )


def test_a_day_said_with_a_stretch_is_the_day() -> None:
    assert called(reply("create an event called retro this week, say wednesday", tools=EVENTS))[1][
        "start"
    ] == ("2026-11-25")


def test_that_one_after_a_listing_is_the_one_the_question_named() -> None:
    history = after(
        "list_events",
        {},
        {"message": "You have 2: Standup, Lunch with Priya.", "titles": ["Standup", "Lunch with Priya"]},
        "You have 2: Standup, Lunch with Priya.",
    )
    history[0] = Message("user", "anything with Priya this week?")
    assert called(reply("great, move that one to 1pm", tools=EVENTS, history=history)) == (
        "move_event",
        {"start": "13:00", "title": "Lunch with Priya"},
    )


def test_a_report_of_something_not_done_is_ordinary_talk_without_a_tool_that_reopens() -> None:
    assert "stays to do" not in said(reply("I didn't find the key", tools=[CLOSE], known=HELD_BUGS))


NOTES = [
    tool(
        "list_notes",
        "List the saved notes.",
        label={"type": "string", "description": "only notes with this label"},
    ),
    tool("add_note", "Save a note.", ["text"], text={"type": "string"}),
]


@pytest.mark.parametrize(
    "text", ["Afternoon! How's things?", "how's life?", "How have you been?", "hey, how is everything?"]
)
def test_asking_after_the_agent_is_small_talk_and_calls_nothing(text: str) -> None:
    assert calls(text, tools=NOTES) == []
    assert "?" in said(reply(text, tools=NOTES))


def test_a_label_said_as_a_modifier_is_never_a_contractions_tail() -> None:
    assert calls("any recipe stuff?", tools=NOTES) == [("list_notes", {"label": "recipe"})]
    assert calls("how's things with my garden stuff?", tools=NOTES) == [("list_notes", {"label": "garden"})]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("bung oat milk on my list", "oat milk"),
        ("chuck a bag of lemons onto the to-do list", "bag of lemons"),
    ],
)
def test_any_verb_that_puts_a_thing_on_the_list_adds_it(text: str, item: str) -> None:
    assert calls(text, tools=SHOPPING) == [("add_item", {"item": item})]


@pytest.mark.parametrize("text", ["check the oat milk on my list", "read everything on my list"])
def test_a_verb_that_reads_the_list_adds_nothing(text: str) -> None:
    assert all(name != "add_item" for name, _ in calls(text, tools=SHOPPING))
