"""Round 13's classes of commands, on tools the apps don't have (round 10's home-maintenance ticket
tracker): a comment aimed at a held thing keeps its days and numbers as its words; a thing said to be
still to do is reopened by its own words; "cross that off"; slang for throwing away; a greeting and a
doubly polite frame before a request; a repair with a preposition inside it; a hedge conceded before
"but"; a held thing changed to words that are no moment; an option denied; a label filed under with its
own word after it; why, said after a move."""

from __future__ import annotations

import json

import pytest

from realtalk.brain import free_text, held, moves, parameters
from realtalk.brain.arguments import Filled
from realtalk.brain.base import Message, ToolCall
from tests.brain.test_commands_every_way import HELD, LABEL_TICKET, TICKETS
from tests.brain.test_commands_round11 import CLOSE_TICKET
from tests.brain.test_commands_round12 import CLUE, DROP, SAFE, SUMMARY
from tests.brain.toolbox import NOW, called, reply

TOOLS = [*TICKETS, CLOSE_TICKET]


@pytest.mark.parametrize(
    "text",
    ["Put a comment on the heat pump one: the engineer can only come on Saturday morning",
     "On the heat pump one, do jot down that the engineer can only come on Saturday morning.",
     "Can I add to the heat pump one that the engineer can only come on Saturday morning? Just so "
     "I remember."],
)  # fmt: skip
def test_a_comment_aimed_at_a_held_thing_keeps_its_day_as_words(text: str) -> None:
    # "Saturday morning" is what the comment says, not a new due date for the heat pump
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert name == "comment_on_ticket"
    assert "heat pump" in values["ticket"]
    assert values["comment"].startswith("the engineer can only come on Saturday")


def test_a_comment_on_it_after_a_story_goes_on_the_thing_the_story_named() -> None:
    text = (
        "So the thing with the fire alarm is the battery's gone, and the shop has them in, so would you "
        "put a comment on it that it needs a nine volt battery."
    )
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert name == "comment_on_ticket" and values["ticket"] == "Check the fire alarm"
    assert "battery" in values["comment"]


def test_what_a_comment_says_is_left_out_of_the_request_it_is_in() -> None:
    said = "a note on the boiler one saying call on Friday"
    assert free_text.without_body(said) == "a note on the boiler one"
    assert free_text.without_body("move the boiler to Friday") == "move the boiler to Friday"


@pytest.mark.parametrize(
    ("text", "ticket"),
    [("Oh no, I closed the gutter clearing, but I haven't done it at all. Can you put it back?",
      "the gutter clearing"),
     ("tbh i didnt actually fix the garden tap, can u make it not done", "the garden tap"),
     ("Ugh, the gas certificate has bounced back, the landlord wants it again. Can you reopen it?",
      "the gas certificate")],
)  # fmt: skip
def test_a_thing_said_to_be_still_to_do_is_reopened_by_its_own_words(text: str, ticket: str) -> None:
    # closed things are no longer held: the words that name it are the ticket, not "it at all",
    # "can u" or the clause that only points back at it ("the landlord wants it redone")
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert (name, values) == ("close_ticket", {"ticket": ticket, "reopen": True})


def _after_reading(thing: str) -> list[Message]:
    """A conversation that has just read out one held ticket."""
    call = ToolCall("c1", "list_tickets", json.dumps({"day": "2026-11-22"}))
    result = json.dumps({"tickets": [{"name": thing, "due": "2026-11-22T19:00:00"}]})
    return [
        Message("user", "What's on today?"),
        Message("assistant", tool_calls=(call,)),
        Message("tool", result, tool_call_id="c1"),
        Message("assistant", f"You have 1 ticket due today: {thing} at 7 PM."),
    ]


def test_a_comment_on_it_keeps_its_numbers_as_words() -> None:
    # "0207 946 0321" is what the comment says, no new time for the thing just read
    history = _after_reading("Service the heat pump")
    text = "Sorry, can you add a comment to it: the engineer's number is 0207 946 0321"
    name, values = called(reply(text, tools=TOOLS, known=HELD, history=history))
    assert (name, values["ticket"]) == ("comment_on_ticket", "Service the heat pump")
    assert values["comment"] == "the engineer's number is 0207 946 0321"


def test_a_thing_crossed_off_by_its_pronoun_is_closed_whatever_moment_follows() -> None:
    history = _after_reading("Service the heat pump")
    text = "Right, cross that off. Did it this morning, believe it or not."
    assert called(reply(text, tools=TOOLS, known=HELD, history=history)) == (
        "close_ticket",
        {"ticket": "Service the heat pump"},
    )


@pytest.mark.parametrize(
    "text", ["yeet the fire alarm one", "k nuke the fire alarm one", "k, bin the fire alarm one"]
)
def test_slang_for_throwing_away_drops_a_held_thing(text: str) -> None:
    name, values = called(reply(text, tools=[*TOOLS, DROP], known=HELD))
    assert name == "drop_ticket" and "fire alarm" in values["ticket"]


def test_a_greeting_and_a_doubly_polite_frame_around_a_reminder_for_me() -> None:
    text = (
        "Good morning. I wonder if you would be so kind as to create a ticket for me to clear the gutters "
        "on Tuesday afternoon, at about three o'clock."
    )
    assert called(reply(text, tools=TOOLS, known=HELD)) == (
        "create_ticket",
        {"summary": "clear the gutters", "due": "2026-11-24T15:00:00"},
    )


@pytest.mark.parametrize(
    ("text", "due"),
    [("Move the heat pump to Thursday at eight, no sorry, Friday at eight", "2026-11-27T08:00:00"),
     ("Move the heat pump to Thursday at eight, sorry, at nine", "2026-11-26T09:00:00")],
)  # fmt: skip
def test_a_repair_replaces_as_many_phrases_as_it_says(text: str, due: str) -> None:
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert (name, values["due"]) == ("reschedule_ticket", due)


@pytest.mark.parametrize(
    "text",
    ["Okay, I don't want to waste a try, but, um, could it be four one oh?",
     "Sorry, this is probably silly, but is it four one oh?"],
)  # fmt: skip
def test_a_hedge_conceded_before_but_leaves_the_request_after_it(text: str) -> None:
    assert called(reply(text, tools=[CLUE, SAFE])) == ("open_safe", {"combination": "410"})


def test_a_held_thing_changed_to_words_that_are_no_moment_takes_them_in_its_name() -> None:
    tools = [*TOOLS, SUMMARY]
    text = "Change the heat pump to heat exchanger, same time"
    assert called(reply(text, tools=tools, known=HELD)) == (
        "change_ticket_summary",
        {"ticket": "Service the heat pump", "summary": "Service the heat exchanger"},
    )
    # a moment is no new words
    chosen = (SUMMARY, Filled({"ticket": "the heat pump"}, [parameters.params_of(SUMMARY)[1]]))
    assert held.renamed_instead(tools, chosen, "Change the heat pump to Friday", NOW, HELD) is None


def test_an_option_denied_is_not_the_one_asked_for() -> None:
    # "high" is denied; "it can wait" is what the description says "low" stands for
    text = "The fire alarm doesn't need to be high again, it can wait"
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert name == "set_ticket_urgency" and values["urgency"] == "low"


def test_a_label_filed_under_with_its_own_word_and_an_additive_after_it() -> None:
    name, values = called(
        reply("Put the heat pump under outdoor tag also", tools=[*TOOLS, LABEL_TICKET], known=HELD)
    )
    assert (name, values) == ("label_ticket", {"ticket": "Service the heat pump", "labels": ["outdoor"]})


def test_why_said_after_a_move_leaves_the_move() -> None:
    assert moves.said("Push the heat pump back an hour, I'm still stuck in traffic") == moves.Move(
        "the heat pump", 1, "an hour"
    )


def test_a_change_asked_as_what_may_be_instead_is_a_request() -> None:
    text = (
        "The heat pump, I won't be in at ten, I've a dentist, so could it be two o'clock instead, same day?"
    )
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert (name, values) == ("reschedule_ticket", {"ticket": "Service the heat pump", "due": "14:00"})


def test_do_the_needful_asks_for_what_follows() -> None:
    text = "Do the needful and put the fire alarm as high urgency."
    name, values = called(reply(text, tools=TOOLS, known=HELD))
    assert (name, values["urgency"]) == ("set_ticket_urgency", "high") and "fire alarm" in values["ticket"]
