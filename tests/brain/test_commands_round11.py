"""Round 11's classes of commands, on tools the apps don't have (a home-maintenance ticket tracker,
shared with round 10's tests): what people open with ("wait,", "hang on -", "um, sorry,") names
nothing, whatever the place that reads past it (`brain/openers.py`)."""

from __future__ import annotations

import json

import pytest

from realtalk.brain import dialogue, held, intent, openers
from realtalk.brain.base import ToolCall
from tests.brain.test_commands_every_way import HELD, LABEL_TICKET, TICKETS
from tests.brain.toolbox import called, reply, tool


@pytest.mark.parametrize(
    "text",
    ["Wait, create a ticket to oil the hinges", "Hang on - create a ticket to oil the hinges.",
     "um, sorry, create a ticket to oil the hinges", "Actually, create a ticket to oil the hinges please"],
)  # fmt: skip
def test_a_request_after_breaking_off_keeps_the_opener_out_of_its_values(text: str) -> None:
    # "wait" is also a word of the urgency's description ("low if it can wait"): no value either
    name, values = called(reply(text, tools=TICKETS, known=HELD))
    assert (name, values) == ("create_ticket", {"summary": "oil the hinges"})


def test_an_opener_before_a_question_still_asks() -> None:
    assert intent.is_question("hold on, which tickets are open?")
    events = reply("hold on, which tickets are open?", tools=TICKETS, known=HELD)
    assert [e.name for e in events if isinstance(e, ToolCall)] == ["list_tickets"]


def test_wait_with_no_pause_after_it_is_a_word_of_the_request() -> None:
    assert intent.without_lead_in("wait until Friday to call") == "wait until Friday to call"
    assert intent.without_lead_in("wait - until Friday") == "until Friday"


def test_one_list_with_the_difference_each_place_needs_as_a_parameter() -> None:
    assert openers.is_opener("ummm") and openers.is_opener("Okay") and not openers.is_opener("no")
    assert openers.is_opener("no", [*openers.USUAL, *openers.REFUSALS])
    # a correction opens with a refusal or a break, never a link: "and Saturday" adds
    assert dialogue.correction("no wait, Saturday") == "Saturday"
    assert dialogue.correction("and Saturday") is None


CLOSE_TICKET = tool(
    "close_ticket",
    "Close a ticket when the job is done, or reopen one.",
    ["ticket"],
    ticket={"type": "string", "description": "which ticket, by its words"},
    reopen={"type": "boolean", "description": "true to reopen a ticket closed by mistake"},
)


@pytest.mark.parametrize(
    ("text", "ticket"),
    [("Oops, I closed off the gutters ticket by mistake, it's not finished.", "the gutters ticket"),
     ("Argh, the gutters ticket isn't done, the ladder broke. Can you reopen it?", "the gutters ticket"),
     ("the gutters, I haven't actually cleared them yet, can you put that back on", "the gutters"),
     ("Right, the gutters overflowed again, put it back as not done.", "the gutters overflowed again")],
)  # fmt: skip
def test_a_thing_said_to_be_not_done_after_all_is_reopened(text: str, ticket: str) -> None:
    # "closed off" is no verb of the tool's words ("closed" is): only the done thing's words name it
    name, values = called(reply(text, tools=[*TICKETS, CLOSE_TICKET], known=HELD))
    assert name == "close_ticket" and values["reopen"] is True
    assert values["ticket"] == ticket


def test_a_question_then_a_request_in_its_own_sentence_is_still_a_question() -> None:
    assert intent.is_question("Did I pay the gas bill? Can you check?")
    assert not intent.is_question("The gas bill isn't paid. Can you reopen it?")


@pytest.mark.parametrize(
    ("text", "due"),
    [("Create a ticket to fix the gate on tuesday no wait wednesday", "2026-11-25"),
     ("create a ticket to fix the gate for Monday, nah sorry, for Thursday", "2026-11-26")],
)  # fmt: skip
def test_a_repair_said_mid_sentence_replaces_the_value_it_repairs(text: str, due: str) -> None:
    name, values = called(reply(text, tools=TICKETS, known=HELD))
    assert (name, values) == ("create_ticket", {"summary": "fix the gate", "due": due})


def test_a_repair_with_its_own_preposition_replaces_it_too() -> None:
    text = "Reschedule the heat pump service to tomorrow, no sorry, to Thursday at ten."
    name, values = called(reply(text, tools=TICKETS, known=HELD))
    assert name == "reschedule_ticket" and values["due"] == "2026-11-26T10:00:00"
    assert "heat pump" in values["ticket"]


def test_not_this_word_but_that_one_replaces_the_word_named() -> None:
    text = "Put the label plumbing on the heat pump ticket, no sorry, not plumbing, heating."
    name, values = called(reply(text, tools=[*TICKETS, LABEL_TICKET], known=HELD))
    assert name == "label_ticket" and values["labels"] == ["heating"]


@pytest.mark.parametrize(
    ("text", "due"),
    [("The heat pump man can't come tomorrow, make it Thursday at 2 in the afternoon", "2026-11-26T14:00:00"),
     ("Let's do the heat pump service on Friday at 4pm instead", "2026-11-27T16:00:00"),
     ("can the heat pump service happen on Friday at nine instead of Monday?", "2026-11-27T09:00:00")],
)  # fmt: skip
def test_a_held_thing_then_the_value_it_is_to_have_instead_changes_it(text: str, due: str) -> None:
    name, values = called(reply(text, tools=TICKETS, known=HELD))
    assert name == "reschedule_ticket" and values["due"] == due and "heat pump" in values["ticket"]


def test_only_a_held_thing_is_made_to_have_a_value_instead() -> None:
    assert (
        held.made_instead("the heat pump, make it Friday instead", HELD) == "change the heat pump to Friday"
    )
    assert held.made_instead("fix the gate, make it Friday instead", HELD) is None
