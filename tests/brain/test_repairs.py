"""Repairs on tools the apps don't have (a calendar, a bug tracker): a value corrected in the same
breath ("on June 3, sorry, I mean June 5") takes the place of the phrase it repairs, and "same for
X" after a change makes that change for another held thing."""

from __future__ import annotations

from realtalk.brain import phrasing
from realtalk.brain.base import ToolCall
from tests.brain.test_degrees_and_remarks import BUGS, HELD_BUGS, HELD_EVENTS
from tests.brain.test_dialogue import after
from tests.brain.test_unseen_capabilities import EVENTS, HELD, RECIPES, WHICH
from tests.brain.toolbox import called, reply, said, tool


def test_a_repair_mid_sentence_replaces_the_phrase_after_the_last_preposition() -> None:
    assert phrasing.request("Book the hall for June 3, sorry, I mean June 5") == "Book the hall for June 5"
    assert phrasing.request("ring the vet at 4, or rather half past 5") == "ring the vet at half past 5"
    # "no rush" is no repair, and a list is not one either
    assert phrasing.request("file it, no rush") == "file it, no rush"
    assert phrasing.request("add eggs, bread, and milk") == "add eggs, bread, and milk"


def test_a_repaired_day_is_the_day_the_call_gets() -> None:
    name, values = called(
        reply("Create a dinner with Sam on Tuesday, no wait, make that Wednesday", tools=EVENTS)
    )
    assert name == "create_event"
    assert values["start"].startswith("2026-11-25")  # the Wednesday after Sunday the 22nd
    assert "Tuesday" not in values["title"] and "wait" not in values["title"]


def test_same_for_another_held_thing_repeats_the_last_change() -> None:
    history = after(
        "set_bug_severity",
        {"bug": "footer typo", "severity": "minor"},
        {"title": "Typo in the footer", "severity": "minor"},
        "Typo in the footer is now minor.",
    )
    for text in ("Do the same with the export one.", "same goes for export times out please"):
        name, values = called(reply(text, tools=BUGS, history=history, known=HELD_BUGS))
        assert name == "set_bug_severity"
        assert values["severity"] == "minor" and "export" in values["bug"].lower()


def test_clock_times_said_as_minutes_past_or_to_an_hour() -> None:
    for text, clock in (
        ("create a call with Jo on Tuesday at ten to eleven", "T10:50"),
        ("create a run with Kim on Tuesday at twenty past 4 pm", "T16:20"),
        ("create a quiz night on Tuesday at 25 to 8 pm", "T19:35"),
    ):
        name, values = called(reply(text, tools=EVENTS))
        assert name == "create_event" and clock in values["start"], text
        assert "past" not in values["title"] and " to " not in values["title"], text


def test_a_polite_tag_after_an_imperative_asks_for_it_to_be_done() -> None:
    name, values = called(reply("Create a picnic on Saturday at noon, would you?", tools=EVENTS))
    assert name == "create_event" and values["title"].lower() == "picnic"
    name, values = called(reply("file a bug: search is slow, could you please?", tools=BUGS))
    assert name == "file_bug"


def test_a_statement_with_a_question_tag_about_nothing_held_is_small_talk() -> None:
    for text in ("Lovely day, isn't it?", "Evening! Bit chilly out, isn't it?", "Morning!"):
        events = reply(text, tools=EVENTS, known=HELD_EVENTS)
        assert not any(isinstance(e, ToolCall) for e in events), text
    # A tag after words about a held thing still asks about it.
    events = reply("Lunch with Priya is on Friday, isn't it?", tools=EVENTS, known=HELD_EVENTS)
    assert not said(events).startswith("I hear you")


def test_a_report_of_a_thing_done_after_a_discourse_marker() -> None:
    chores = [
        tool("add_chore", "Add a chore to the rota.", ["chore"], chore={"type": "string"}),
        tool(
            "complete_chore",
            "Mark a chore as done.",
            ["chore"],
            chore={"type": "string", "description": "which chore"},
        ),
    ]
    held = ["Clean the gutters", "Descale the kettle", "Write to the council"]
    for text in (
        "Right, I've cleaned the gutters.",
        "Okay, I've written to the council",
        "Oh, we've descaled the kettle",
        "Anyway, I cleaned the gutters",
    ):
        name, _ = called(reply(text, tools=chores, known=held))
        assert name == "complete_chore", text


RENAME = tool(
    "rename_recipe",
    "Rename a recipe: give it new words.",
    ["name", "new_name"],
    name=WHICH,
    new_name={"type": "string"},
)
LABEL = tool(
    "label_recipe",
    "Label a recipe.",
    ["name", "labels"],
    name=WHICH,
    labels={"type": "array", "items": {"type": "string"}},
)
NOTE = tool("note_recipe", "Add a note to a recipe.", ["name", "note"], name=WHICH, note={"type": "string"})


def test_new_words_for_a_thing_just_created_or_renamed_go_to_the_tool_that_renames() -> None:
    tools = [*RECIPES, RENAME]
    added = after(
        "add_recipe",
        {"name": "carrot soup"},
        {"message": "Added carrot soup.", "name": "carrot soup"},
        "Added carrot soup.",
    )
    for text in ("Sorry, I meant parsnip soup.", "no wait, call it parsnip soup"):
        assert called(reply(text, tools=tools, history=added, known=HELD)) == (
            "rename_recipe",
            {"name": "carrot soup", "new_name": "parsnip soup"},
        ), text
    renamed = after(
        "rename_recipe",
        {"name": "stew", "new_name": "beef casserole"},
        {"message": "Renamed Beef stew to beef casserole.", "name": "Beef stew"},
        "Renamed Beef stew to beef casserole.",
    )
    assert called(
        reply("actually, name it slow beef stew instead", tools=tools, history=renamed, known=HELD)
    ) == (
        "rename_recipe",
        {"name": "stew", "new_name": "slow beef stew"},
    )


def test_undo_asked_at_the_end_of_a_longer_utterance() -> None:
    history = after(
        "archive_recipe",
        {"name": "stew"},
        {
            "message": "Archived Beef stew.",
            "name": "Beef stew",
            "undo": {"name": "Beef stew", "restore": True},
        },
        "Archived Beef stew.",
    )
    restore = tool(
        "archive_recipe",
        "Archive a recipe nobody cooks any more.",
        ["name"],
        name=WHICH,
        restore={"type": "boolean"},
    )
    tools = [*RECIPES[:3], restore]
    for text in (
        "Oh no, we still cook that every week, can you undo it?",
        "hmm, my mistake, please revert that",
    ):
        assert called(reply(text, tools=tools, history=history, known=HELD)) == (
            "archive_recipe",
            {"name": "Beef stew", "restore": True},
        ), text


def test_a_follow_up_to_another_tool_is_checked_against_that_tools_schema() -> None:
    tools = [*RECIPES, LABEL, NOTE]
    noted = after(
        "note_recipe",
        {"name": "stew", "note": "less salt"},
        {"message": "Noted on Beef stew: less salt.", "name": "Beef stew"},
        "Noted on Beef stew: less salt.",
    )
    for text in ("Oh, and label it winter as well.", "and label it winter too"):
        name, values = called(reply(text, tools=tools, history=noted, known=HELD))
        assert name == "label_recipe" and values["labels"] == ["winter"], text


def test_naming_the_thing_a_confirmation_asks_about_asks_again_for_that_one() -> None:
    remove = tool(
        "remove_recipe",
        "Remove a recipe for good.",
        ["name"],
        name=WHICH,
        confirm={"type": "boolean", "description": "true once the user said yes"},
    )
    asked = "Do you really want to remove Lemon drizzle cake?"
    history = after(
        "remove_recipe",
        {"name": "cake"},
        {"message": asked, "name": "Lemon drizzle cake", "alternatives": ["Chocolate cake"]},
        asked,
    )
    tools = [*RECIPES, remove]
    assert called(reply("Lemon drizzle.", tools=tools, history=history, known=HELD)) == (
        "remove_recipe",
        {"name": "Lemon drizzle cake"},
    )
    assert called(reply("the chocolate one", tools=tools, history=history, known=HELD)) == (
        "remove_recipe",
        {"name": "Chocolate cake"},
    )
    # "cake" fits both: no answer that names one
    events = reply("cake", tools=tools, history=history, known=HELD)
    assert not any(isinstance(e, ToolCall) and "Chocolate" in e.arguments for e in events)


def test_a_move_by_an_amount_counts_from_where_the_thing_stands() -> None:
    history = after(
        "move_event",
        {"title": "lunch", "start": "2026-11-27T12:30:00"},
        {"message": "Moved Lunch with Priya to Friday at 12:30 PM.", "title": "Lunch with Priya"},
        "Moved Lunch with Priya to Friday at 12:30 PM.",
    )
    for text, start in (
        ("make it an hour earlier", "2026-11-27T11:30:00"),
        ("actually, push it back a day", "2026-11-28T12:30:00"),
        ("half an hour later please", "2026-11-27T13:00:00"),
    ):
        assert called(reply(text, tools=EVENTS, history=history, known=HELD_EVENTS)) == (
            "move_event",
            {"title": "Lunch with Priya", "start": start},
        ), text
    # The moment a result only says aloud counts too.
    listed = after(
        "get_event",
        {"title": "lunch"},
        {"message": "Lunch with Priya, Friday November 27 at 12:30 PM.", "title": "Lunch with Priya"},
        "Lunch with Priya, Friday November 27 at 12:30 PM.",
    )
    tools = [*EVENTS, tool("get_event", "Look up one event.", ["title"], title=WHICH)]
    assert called(reply("two hours later", tools=tools, history=listed, known=HELD_EVENTS))[1]["start"] == (
        "2026-11-27T14:30:00"
    )


def test_a_hedged_hour_after_say() -> None:
    name, values = called(reply("create a barbecue tomorrow, say six", tools=EVENTS))
    assert name == "create_event" and values["start"] == "2026-11-23T18:00:00"


def test_change_a_thing_so_it_says_new_words_renames_it() -> None:
    tools = [*RECIPES, RENAME]
    for text, name in (
        ("Change the stew one so it says slow beef stew", "Beef stew"),
        ("please edit the chocolate cake to read vegan chocolate cake instead", "Chocolate cake"),
        ("could you change the stew one so it reads beef and ale stew?", "Beef stew"),
    ):
        assert called(reply(text, tools=tools, known=HELD)) == (
            "rename_recipe",
            {
                "name": name,
                "new_name": text.split(" says ")[-1]
                .split(" read ")[-1]
                .split(" reads ")[-1]
                .removesuffix(" instead")
                .rstrip("?"),
            },
        ), text
    # without a tool that renames, no guess
    assert not any(
        isinstance(e, ToolCall) and e.name == "rename_recipe"
        for e in reply("Change the stew one so it says slow beef stew", tools=RECIPES, known=HELD)
    )
