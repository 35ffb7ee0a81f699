"""Round 12's classes of commands, on tools the apps don't have (round 10's home-maintenance ticket
tracker, with a tool that changes a ticket's summary and one that drops a ticket): a held thing and a
word an option's description gives ("urgent"), a rename said as what it ought to say, words in
quotes, a label said before its name in a clause of its own, openers before a request's frame, a
request in a later clause, hyphenated words that name one held thing."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from realtalk.brain import dialogue, entities, handoff, moves, story
from realtalk.brain.base import BrainRequest, Message, ToolCall
from realtalk.brain.builtin import BuiltinBrain
from tests.brain.test_commands_every_way import HELD, LABEL_TICKET, TICKETS, WHICH
from tests.brain.test_commands_round11 import CLOSE_TICKET
from tests.brain.toolbox import NOW, called, reply, said, tool

SUMMARY = tool(
    "change_ticket_summary",
    "Change a ticket's summary to new words.",
    ["ticket", "summary"],
    ticket=WHICH,
    summary={"type": "string", "description": "its new summary"},
)
DROP = tool("drop_ticket", "Drop (delete) a ticket for good.", ["ticket"], ticket=WHICH)
TOOLS = [*TICKETS, LABEL_TICKET, CLOSE_TICKET, SUMMARY, DROP]


@pytest.mark.parametrize(
    ("text", "urgency"),
    [("Make the heat pump urgent", "high"), ("make the heat pump one urgent please", "high"),
     ("Make the fire alarm low", "low")],
)  # fmt: skip
def test_a_held_thing_and_a_word_an_option_is_described_by_changes_it(text: str, urgency: str) -> None:
    # "urgent" is no option ("low", "normal", "high"), but the description says "high if urgent":
    # the held thing is changed, not made again as a new ticket
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert name == "set_ticket_urgency" and values["urgency"] == urgency
    assert values["ticket"] in HELD


@pytest.mark.parametrize(
    "text",
    ["I typed it wrong, sorry: it ought to say 'Service the heat pump and the boiler', not just "
     "'Service the heat pump'.",
     "Oh, the heat pump one should say 'Service the heat pump and the boiler'"],
)  # fmt: skip
def test_what_a_thing_ought_to_say_renames_it_by_the_tool_that_changes_its_words(text: str) -> None:
    # the tool's new words are named as a ticket is made ("summary"), not "new_<name>"
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert name == "change_ticket_summary"
    assert values == {"ticket": "Service the heat pump", "summary": "Service the heat pump and the boiler"}


def test_a_person_told_what_to_say_is_no_rename() -> None:
    assert dialogue.reworded("I think you should say hello to my mum, she's nice") is None
    assert dialogue.reworded("Right: the boots one should say return the boots") == (
        "the boots one",
        "return the boots",
    )


def test_words_in_quotes_are_the_new_things_whole_day_and_all() -> None:
    text = "Abeg, create a ticket 'bleed the radiators before Sunday' for Saturday at nine"
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    # the day inside the quote is the summary's; the word before the request is no comment
    assert (name, values) == (
        "create_ticket",
        {"summary": "bleed the radiators before Sunday", "due": "2026-11-28T09:00:00"},
    )


def test_a_quote_beside_a_held_thing_is_still_a_value_for_it() -> None:
    text = "Would you put the heat pump under 'outdoor', please?"
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert name == "label_ticket" and values["labels"] == ["outdoor"]


@pytest.mark.parametrize(
    "text",
    ["Right, stick on the list: clear the gutters, tomorrow at eight, garden label.",
     "create a ticket to clear the gutters, garden label, tomorrow at eight"],
)  # fmt: skip
def test_a_label_said_before_its_name_in_a_clause_of_its_own_labels(text: str) -> None:
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert (name, values) == (
        "create_ticket",
        {"summary": "clear the gutters", "due": "2026-11-23T08:00:00", "labels": ["garden"]},
    )


def test_a_request_to_take_it_off_the_list_in_a_later_clause_drops_it() -> None:
    text = "I won't be checking the fire alarm this year, so please take it off my list."
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert name == "drop_ticket" and "fire alarm" in values["ticket"]


def test_a_hyphenated_word_names_the_one_held_thing_it_is_written_in() -> None:
    known = [*HELD, "Post the thank-you card", "Collect the new bank card"]
    assert entities.tied("the thank-you card", known) == []
    name, values = called(reply("Make the thank-you card low urgency", tools=TOOLS, known=known))
    assert name == "set_ticket_urgency" and values["urgency"] == "low"
    assert "thank-you" in values["ticket"]


def test_a_repair_with_no_preposition_replaces_the_words_that_end_like_it() -> None:
    text = "Create a ticket to replace the brass hinge, no wait, make that steel hinge, for tomorrow."
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert (name, values) == ("create_ticket", {"summary": "replace the steel hinge", "due": "2026-11-23"})


@pytest.mark.parametrize(
    ("text", "due"),
    [("The plumber says the heat pump can't be done on Monday, he is away till Thursday. Shift it to "
      "Thursday, same time.", "2026-11-26"),
     ("I'm shattered, I'll never manage the fire alarm at quarter past three, move the fire alarm check "
      "to half three.", "15:30")],
)  # fmt: skip
def test_a_request_after_a_story_takes_its_own_values_not_the_storys(text: str, due: str) -> None:
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert name == "reschedule_ticket" and values["due"] == due


def test_a_story_that_gives_the_value_the_request_only_points_at_is_read_whole() -> None:
    # "bump it up" says no value of its own: the story's "pretty important" is the request's
    text = "The fire alarm's actually become pretty important, bump it up would you"
    assert story.request_after(TOOLS, text, HELD, NOW) is None
    # another request before the last clause: not a story ("new ticket: ..., and tag it garden")
    assert story.request_after(TOOLS, "new ticket: oil the hinges, and label it garden", HELD, NOW) is None


def test_a_bare_thing_then_note_is_a_comment_on_it() -> None:
    name, values = called(
        reply("The heat pump service, note that the filter is in the shed.", tools=TOOLS, known=HELD)
    )
    assert name == "comment_on_ticket" and values["comment"] == "the filter is in the shed"


@pytest.mark.parametrize(
    ("text", "summary", "due"),
    [("So, um, could you, like, create a ticket to oil the hinges on Wednesday, around noon-ish I suppose.",
      "oil the hinges", "2026-11-25T12:00:00"),
     ("Create a ticket to sweep the yard. Tonight, nine.", "sweep the yard", "2026-11-22T21:00:00"),
     ("could you create a thing to oil the hinges tomorrow, ten", "oil the hinges", "2026-11-23T10:00:00")],
)  # fmt: skip
def test_hedges_placeholders_and_a_bare_hour_after_its_day(text: str, summary: str, due: str) -> None:
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert (name, values) == ("create_ticket", {"summary": summary, "due": due})


def test_requests_said_one_after_another_are_each_made() -> None:
    text = (
        "Okay, three things: the fire alarm's checked, create a ticket to oil the hinges for Friday, and "
        "move the heat pump service to Thursday."
    )
    events = reply(text, tools=TOOLS, known=HELD)
    made = [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)]
    assert [name for name, _ in made] == ["close_ticket", "create_ticket", "reschedule_ticket"]
    assert made[1][1] == {"summary": "oil the hinges", "due": "2026-11-27"}
    assert made[2][1]["due"] == "2026-11-26" and "heat pump" in made[2][1]["ticket"]


def test_requests_said_after_a_long_story_are_read_whole() -> None:
    # past the length of a name (200 characters), the requests are not cut short: no summary cut
    # mid-word, no request left off the end
    text = (
        "Okay, so I have been thinking about the whole house and everything that still needs doing around "
        "it this week, three things: the fire alarm's checked, create a ticket to oil the hinges on the back "
        "gate for Friday, and move the heat pump service to Thursday."
    )
    events = reply(text, tools=TOOLS, known=HELD)
    made = [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)]
    assert [name for name, _ in made] == ["close_ticket", "create_ticket", "reschedule_ticket"]
    assert made[1][1] == {"summary": "oil the hinges on the back gate", "due": "2026-11-27"}
    assert made[2][1]["due"] == "2026-11-26" and "heat pump" in made[2][1]["ticket"]


def test_one_request_with_commas_is_still_one() -> None:
    name, values = called(
        reply("create a ticket to buy hinges, screws and oil, for Friday", tools=TOOLS, known=HELD)
    )
    assert name == "create_ticket" and values["due"] == "2026-11-27"


@pytest.mark.parametrize(
    "text", ["the fire alarm is checked", "The hallway light bulb's replaced now", "the heat pump's serviced"]
)
def test_a_held_thing_said_to_be_in_the_state_its_own_verb_names_is_done(text: str) -> None:
    # "checked" of "Check the fire alarm": the name's own verb, as done (no "I've", no "done")
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert name == "close_ticket" and values.get("reopen") is not True


def test_call_it_instead_after_a_held_thing_gives_it_new_words() -> None:
    text = "the heat pump one, call it 'Service the air source heat pump' instead"
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert name == "change_ticket_summary" and values["summary"] == "Service the air source heat pump"


def test_a_held_thing_that_needs_to_be_later_by_an_amount_is_moved() -> None:
    assert moves.said("The heat pump service needs to be a day later", False) is not None
    events = reply("The heat pump service needs to be a day later", tools=TOOLS, known=HELD)
    # no new ticket: it is moved, or where it stands now is read, or when asked (no events passed before)
    calls = [e.name for e in events if isinstance(e, ToolCall)]
    assert calls in (["reschedule_ticket"], ["list_tickets"]) or (not calls and said(events).endswith("?"))


def test_a_polite_frame_after_a_story_opens_the_request_at_its_verb() -> None:
    text = (
        "Subject to anything urgent coming in, I'd like you to create a ticket to bleed the radiators, due "
        "Friday at ten in the morning, and I'd regard it as urgent."
    )
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert (name, values) == (
        "create_ticket",
        {"summary": "bleed the radiators", "due": "2026-11-27T10:00:00", "urgency": "high"},
    )


def test_a_note_against_a_thing_that_says_something_is_a_comment_on_it() -> None:
    text = "Could you note against the heat pump service that the filter is in the shed."
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert name == "comment_on_ticket" and values["comment"] == "the filter is in the shed"
    assert "heat pump" in values["ticket"]


FOREMAN = tool(
    "transfer_to_foreman", "Hand the conversation to the foreman, who handles scheduling the crew."
)


@pytest.mark.parametrize(
    "text",
    ["I'm snowed under. Can I talk to someone about scheduling the crew?",
     "can I speak to the foreman about scheduling this week?"],
)  # fmt: skip
def test_asking_to_talk_to_someone_about_what_an_agent_handles_hands_over(text: str) -> None:
    name, _ = called(reply(text, tools=[*TOOLS, FOREMAN], known=HELD))
    assert name == "transfer_to_foreman"


def test_an_errand_to_talk_to_someone_is_no_plea_for_help() -> None:
    text = "create a ticket to talk to the neighbours about scheduling the crew"
    assert handoff.helper([*TOOLS, FOREMAN], text) is None
    assert handoff.helper([*TOOLS, FOREMAN], "can I talk to someone about scheduling the crew?") is FOREMAN


@pytest.mark.parametrize("text", ["Good morning! Hope you had a nice weekend.", "Lovely weather today"])
def test_words_far_nearer_to_chat_than_to_any_tool_make_nothing(text: str) -> None:
    # no verb of a tool, and MiniLM puts them nearer to chatting than to any tool by a wide margin
    events = reply(text, tools=TOOLS, known=HELD)
    assert not any(isinstance(e, ToolCall) for e in events)


def test_an_errand_with_no_verb_of_a_tool_is_still_made() -> None:
    name, values = called(reply("pick up the dry cleaning on Friday", tools=TOOLS, known=HELD))
    assert name == "create_ticket" and values["due"] == "2026-11-27"


SAFE = tool(
    "open_safe",
    "Try a combination to open the safe.",
    ["combination"],
    combination={"type": "string", "description": "the 3-digit combination"},
)
CLUE = tool("get_clue", "Give the player a clue.")


def test_the_last_clause_that_only_points_back_says_which_tool() -> None:
    # "clue" names the other tool in the story; "try that" is the request, the code said before it
    text = "Going by the second clue and the clock stopped at ten past four, it must be 4 1 0, so try it."
    name, values = called(reply(text, tools=[CLUE, SAFE]))
    assert (name, values) == ("open_safe", {"combination": "410"})
    assert called(reply("give me a clue, then try that", tools=[CLUE, SAFE]))[0] == "get_clue"


@pytest.mark.parametrize("hour", [9, 15, 16])
def test_an_hour_alone_for_a_thing_that_keeps_its_day_does_not_depend_on_the_clock(hour: int) -> None:
    # "at nine" at 3 pm once read 9 pm (the evening was near); a held thing keeps its own day, which
    # only the tool knows, so how near this evening is says nothing about it
    said = [Message("user", "can the heat pump service happen at nine instead of half ten?")]
    request = BrainRequest("", said, TICKETS, "auto", known=HELD)
    events = BuiltinBrain(clock=lambda: datetime(2026, 11, 22, hour, 5)).reply(request)
    assert [(e.name, json.loads(e.arguments)["due"]) for e in events if isinstance(e, ToolCall)] == [
        ("reschedule_ticket", "09:00")
    ]


def test_a_done_report_about_the_thing_a_request_names_is_its_reason() -> None:
    # "I have checked the fire alarm" gives the reason for dropping it: one request, not two
    events = reply("Drop the fire alarm ticket, I have checked the fire alarm.", tools=TOOLS, known=HELD)
    assert [e.name for e in events if isinstance(e, ToolCall)] == ["drop_ticket"]


RENAME_TICKET = tool(
    "rename_ticket",
    "Rename a ticket.",
    ["ticket", "new_summary"],
    ticket=WHICH,
    new_summary={"type": "string", "description": "its new summary"},
)


def test_the_lead_ins_to_is_not_where_a_rename_splits() -> None:
    text = "I want to rename the heat pump one to service the boiler"
    name, values = called(reply(text, tools=[*TICKETS, RENAME_TICKET], known=HELD))
    assert name == "rename_ticket" and values["new_summary"] == "service the boiler"
    assert "heat pump" in values["ticket"]
