"""Round 9's classes from a fresh tuning half, on tools the apps don't have (a bug tracker, a calendar,
a recipe box, a chore rota), each read from names, descriptions and schemas: a change that starts
from where a thing stands reads the thing first; a listing's filter is no thing; values after a
look-up change the thing looked up; "X should say Y"; polite frames; repairs said with "sorry" or
"not"; British and hedged clock times; a held thing named with a value one tool changes; an option
another tool's description explains; "put it back on the list"; asides before a request."""

from __future__ import annotations

import json

import pytest

from realtalk.brain import extract, intent, phrasing
from realtalk.brain.base import Message, ToolCall
from tests.brain.test_degrees_and_remarks import BUGS, HELD_BUGS, HELD_EVENTS
from tests.brain.test_degrees_and_remarks import RENAME as RENAME_EVENT
from tests.brain.test_dialogue import after
from tests.brain.test_unseen_capabilities import EVENTS, HELD, RECIPES, WHAT
from tests.brain.toolbox import NOW, called, reply, said, tool

GET_BUG = tool(
    "get_bug", "Look up one bug: its severity.", ["bug"], bug={"type": "string", "description": "which bug"}
)
GET_EVENT = tool("get_event", "Look up one event: when it starts.", ["title"], title=WHAT)


def _result(call: ToolCall, result: dict[str, str]) -> Message:
    return Message("tool", json.dumps(result), tool_call_id=call.call_id)


def test_a_step_from_where_a_thing_stands_reads_it_first_then_makes_the_change() -> None:
    request = Message("user", "lower the severity of the export bug")
    first = reply(None, tools=[*BUGS, GET_BUG], history=[request], known=HELD_BUGS)
    assert called(first)[0] == "get_bug"
    call = first[0]
    assert isinstance(call, ToolCall)
    result = {"message": "Export times out is open, critical severity.", "title": "Export times out"}
    history = [request, Message("assistant", tool_calls=(call,)), _result(call, result)]
    assert called(reply(None, tools=[*BUGS, GET_BUG], history=history, known=HELD_BUGS)) == (
        "set_bug_severity",
        {"bug": "the export", "severity": "major"},
    )


@pytest.mark.parametrize(
    ("text", "heard_unsure"),
    [("lower the severity of the export bug", True),  # the words themselves may be misheard
     ("lower the severity of the expert bug", False)],  # words that only sound like a held bug
)  # fmt: skip
def test_a_change_after_its_look_up_is_not_made_on_words_it_is_unsure_of(
    text: str, heard_unsure: bool
) -> None:
    request = Message("user", text, heard_unsure=heard_unsure)
    first = reply(None, tools=[*BUGS, GET_BUG], history=[request], known=HELD_BUGS)
    call = first[0]
    assert isinstance(call, ToolCall) and call.name == "get_bug"
    result = {"message": "Export times out is open, critical severity.", "title": "Export times out"}
    history = [request, Message("assistant", tool_calls=(call,)), _result(call, result)]
    events = reply(None, tools=[*BUGS, GET_BUG], history=history, known=HELD_BUGS)
    assert not any(isinstance(e, ToolCall) for e in events)
    assert said(events) == result["message"]


def test_a_move_by_an_amount_reads_the_moment_first() -> None:
    request = Message("user", "Could the standup be an hour later?")
    first = reply(None, tools=[*EVENTS, GET_EVENT], history=[request], known=HELD_EVENTS)
    assert called(first)[0] == "get_event"
    call = first[0]
    assert isinstance(call, ToolCall)
    result = {"message": "Standup with the design team starts Tuesday November 24 at 9:30 AM.",
              "title": HELD_EVENTS[0]}  # fmt: skip
    history = [request, Message("assistant", tool_calls=(call,)), _result(call, result)]
    name, values = called(reply(None, tools=[*EVENTS, GET_EVENT], history=history, known=HELD_EVENTS))
    assert name == "move_event" and values["start"] == "2026-11-24T10:30:00"


def test_it_after_a_filtered_listing_of_one_is_the_thing_listed() -> None:
    archive = RECIPES[3]
    history = after(
        "list_recipes",
        {"label": "baking"},
        {"message": "1 recipe labelled baking: Lemon drizzle cake.", "titles": ["Lemon drizzle cake"]},
        "1 recipe labelled baking: Lemon drizzle cake.",
    )
    assert called(reply("archive it", tools=RECIPES, history=history, known=HELD)) == (
        archive.name,
        {"name": "Lemon drizzle cake"},
    )


def test_values_after_a_look_up_of_one_thing_change_it() -> None:
    history = after(
        "get_event",
        {"title": "lunch"},
        {"message": "Lunch with Priya starts Friday at 1 PM.", "title": "Lunch with Priya"},
        "Lunch with Priya starts Friday at 1 PM.",
    )
    name, values = called(
        reply("Could you make it half two instead?", tools=[*EVENTS, GET_EVENT], history=history)
    )
    assert (name, values) == ("move_event", {"title": "Lunch with Priya", "start": "14:30"})


def test_what_a_thing_should_say_renames_it() -> None:
    name, values = called(
        reply(
            "The lunch one should really say lunch with Priya and Sam",
            tools=[*EVENTS, RENAME_EVENT],
            known=HELD_EVENTS,
        )
    )
    assert (name, values["new_title"]) == ("rename_event", "lunch with Priya and Sam")


def test_repairs_with_sorry_or_not_and_polite_frames() -> None:
    assert phrasing.request("Move the standup to Thursday, sorry, Friday.") == "Move the standup to Friday"
    assert not phrasing.request("I was wondering if you could add a chore?").endswith("?")
    history = after(
        "create_event",
        {"title": "quiz", "start": "2026-11-26T14:00:00"},
        {"message": "Created quiz on Thursday at 2 PM.", "title": "quiz"},
        "Created quiz on Thursday at 2 PM.",
    )
    name, values = called(reply("Sorry, three, not two.", tools=EVENTS, history=history))
    assert name == "move_event" and values["start"] == "2026-11-26T15:00:00"


def test_british_and_hedged_clock_times() -> None:
    for said_as, clock in (("at half two", "T14:30"), ("Sunday afternoon, like four-ish", "T16:00"),
                           ("around nine-ish tomorrow", "T09:00")):  # fmt: skip
        found = extract.when(extract.Utterance(said_as, NOW), "datetime")
        assert found is not None and clock in str(found.value), said_as
    assert extract.when(extract.Utterance("half 2 hours", NOW), "datetime") is None


def test_a_held_thing_and_a_value_one_tool_changes_is_that_change() -> None:
    name, values = called(
        reply("Can you make the standup the day after tomorrow?", tools=EVENTS, known=HELD_EVENTS)
    )
    assert (name, values) == ("move_event", {"title": HELD_EVENTS[0], "start": "2026-11-24"})
    # A new thing that only shares a word with a held one is created.
    assert (
        called(reply("Call the plumber tomorrow at 9", tools=EVENTS, known=["Call the bank"]))[0]
        == "create_event"
    )


def test_an_option_another_tool_explains_filters_a_question() -> None:
    options = {"type": "string", "enum": ["critical", "minor", "major"]}
    filing = tool("file_bug", "File a new bug.", ["summary"], summary={"type": "string"},
                  severity={**options, "description": "minor if it is cosmetic"})  # fmt: skip
    listing = tool("list_bugs", "List the open bugs.", severity=options)
    assert called(reply("which bugs are cosmetic?", tools=[filing, listing], known=HELD_BUGS)) == (
        "list_bugs",
        {"severity": "minor"},
    )


def test_put_back_on_the_list_reopens_the_thing_the_sentence_names() -> None:
    chores = [
        tool("add_chore", "Add a chore to the rota.", ["chore"], chore={"type": "string"}),
        tool("complete_chore", "Mark a chore as done, or reopen it.", ["chore"],
             chore={"type": "string", "description": "which chore"},
             reopen={"type": "boolean", "description": "true to reopen a chore done by mistake"}),
    ]  # fmt: skip
    name, values = called(
        reply("Turns out the oven's still filthy, can you put it back on the list?", tools=chores)
    )
    assert (name, values) == ("complete_chore", {"chore": "the oven", "reopen": True})


def test_how_the_user_feels_before_a_request_is_an_aside() -> None:
    chores = [tool("add_chore", "Add a chore to the rota.", ["chore"], chore={"type": "string"})]
    assert (
        called(reply("I'm absolutely shattered. Add a chore to clean the oven.", tools=chores))[0]
        == "add_chore"
    )
    assert not any(isinstance(e, ToolCall) for e in reply("Ugh, what a week. I'm so tired.", tools=chores))
    assert said(
        reply("I'm good.", tools=chores, history=[Message("assistant", "Anything else?")])
    ).startswith("Alright")


def test_off_the_list_is_gone_unless_ticked_or_crossed() -> None:
    assert (
        phrasing.request("Knock the stew off the list, nobody eats it") == "delete the stew, nobody eats it"
    )
    assert phrasing.request("could you take the stew off my shopping list?").endswith("delete the stew?")
    assert phrasing.request("cross the stew off the list") == "tick off the stew"


def test_a_code_said_in_parts_over_turns_is_joined() -> None:
    door = tool(
        "open_safe",
        "Try a code on the safe.",
        ["code"],
        code={"type": "string", "description": "the 6-digit code"},
    )
    history = [Message("user", "one, two, three")]
    asked = said(reply(None, tools=[door], history=history))
    history.append(Message("assistant", asked))
    assert called(reply("four five six", tools=[door], history=history)) == ("open_safe", {"code": "123456"})


def test_clauses_after_a_change_to_a_named_thing_are_about_it_too() -> None:
    note = tool(
        "add_event_note", "Add a note to an event.", ["title", "note"], title=WHAT, note={"type": "string"}
    )
    events = reply(
        "Move the standup to Friday at 10 and add a note to bring the slides",
        tools=[*EVENTS, note],
        known=HELD_EVENTS,
    )
    assert [e.name for e in events if isinstance(e, ToolCall)] == ["move_event", "add_event_note"]
    last = events[-1]
    assert isinstance(last, ToolCall)
    assert json.loads(last.arguments) == {"title": HELD_EVENTS[0], "note": "bring the slides"}


def test_a_last_sentence_about_all_the_new_things_goes_with_each() -> None:
    chores = [tool("add_chore", "Add a chore to the rota.", ["chore"], chore={"type": "string"},
                   due={"type": "string", "format": "date-time"})]  # fmt: skip
    events = reply("Add two things: hoover the stairs, and clean the oven. Both for Friday.", tools=chores)
    calls = [json.loads(e.arguments) for e in events if isinstance(e, ToolCall)]
    assert [c["due"] for c in calls] == ["2026-11-27", "2026-11-27"]
    assert all("both" not in c["chore"].lower() for c in calls)


def test_a_done_report_in_other_words_marks_the_held_chore_done() -> None:
    chores = [
        tool("add_chore", "Add a chore to the rota.", ["chore"], chore={"type": "string"}),
        tool("complete_chore", "Mark a chore as done, or reopen it.", ["chore"],
             chore={"type": "string", "description": "which chore"}),
    ]  # fmt: skip
    held = ["Pay the water bill", "Collect the parcel from the depot", "Wash the car"]
    for text in (
        "Already I paid the water bill.",
        "That's the water bill paid, at last.",
        "I've been to the depot this morning and picked up the parcel.",
    ):
        assert called(reply(text, tools=chores, known=held))[0] == "complete_chore", text


def test_a_done_report_that_names_another_thing_sharing_one_word_asks() -> None:
    chores = [
        tool("complete_chore", "Mark a chore as done, or reopen it.", ["chore"],
             chore={"type": "string", "description": "which chore"}),
    ]  # fmt: skip
    held = ["Swap the night rota with Sam", "Water the plants"]
    events = reply("Six-day rota done. I'm worn out.", tools=chores, known=held)
    assert not any(isinstance(e, ToolCall) for e in events)
    assert said(events) == "Did you mean Swap the night rota with Sam?"
    assert called(reply("Plants done.", tools=chores, known=held))[0] == "complete_chore"
    assert intent.done_thing("the second one is done") is None  # a pointer back names no other thing


def test_remember_for_me_that_i_have_got_to_adds_what_follows() -> None:
    chores = [tool("add_chore", "Add a chore to the rota.", ["chore"], chore={"type": "string"})]
    text = "I'm hopeless with these, but could you remember for me that I've got to descale the kettle?"
    name, values = called(reply(text, tools=chores))
    assert name == "add_chore"
    assert values["chore"].startswith("descale") and values["chore"].endswith("kettle")


def test_take_it_off_with_no_list_is_gone_and_stick_on_the_list_colon_adds() -> None:
    assert phrasing.request("I think I'd better take the stew off.") == "I think I'd better delete the stew."
    assert phrasing.request("could you knock the stew off?") == "could you delete the stew?"
    assert phrasing.request("tick the stew off") == "tick off the stew"
    assert phrasing.request("Bung on the list: descale the kettle.") == "add descale the kettle."
    assert phrasing.request("check on the list: the kettle?") == "check on the list: the kettle?"


def test_renaming_as_new_words_that_hold_a_to_keeps_them_whole() -> None:
    renaming = tool("rename_chore", "Rename a chore.", ["title", "new_title"],
                    title={"type": "string", "description": "which chore"},
                    new_title={"type": "string", "description": "the new title"})  # fmt: skip
    held = ["Take the bottles to the tip", "Wash the car"]
    name, values = called(
        reply("The bottles, rename it as take the glass to the tip.", tools=[renaming], known=held)
    )
    assert name == "rename_chore" and values["new_title"] == "take the glass to the tip"
    assert called(reply("rename wash the car to wash the van", tools=[renaming], known=held))[1] == {
        "title": "wash the car",
        "new_title": "wash the van",
    }


def test_a_note_on_a_held_thing_that_says_something_is_its_body() -> None:
    assert (
        phrasing.request("Would you make a little note on the kettle one that it needs descaler?")
        == "Would you make a little note on the kettle one saying it needs descaler?"
    )
