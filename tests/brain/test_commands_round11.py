"""Round 11's classes of commands, on tools the apps don't have (a home-maintenance ticket tracker,
shared with round 10's tests): what people open with ("wait,", "hang on -", "um, sorry,") names
nothing, whatever the place that reads past it (`brain/openers.py`)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from realtalk.brain import dialogue, extract, held, intent, moves, openers
from realtalk.brain.base import ToolCall
from tests.brain.test_commands_every_way import HELD, LABEL_TICKET, TICKETS, WHICH
from tests.brain.toolbox import NOW, called, reply, said, tool


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
    assert intent.is_question("bruh what do i even have to do")  # no comma, no question mark
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
     ("Right, the gutters overflowed again, put it back as not done.", "the gutters")],
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


def test_labels_listed_after_with_keep_a_day_word_among_them() -> None:
    name, values = called(
        reply("Label the heat pump one with plumbing and weekend", tools=[*TICKETS, LABEL_TICKET], known=HELD)
    )
    assert name == "label_ticket" and values["labels"] == ["plumbing", "weekend"]


def test_labels_end_at_a_pause_and_what_follows_is_another_value() -> None:
    text = "Create a ticket to paint the fence, label it garden and outside, low urgency."
    name, values = called(reply(text, tools=TICKETS, known=HELD))
    assert (name, values) == (
        "create_ticket",
        {"summary": "paint the fence", "urgency": "low", "labels": ["garden", "outside"]},
    )


def test_a_held_thing_put_under_several_labels_gets_them_all() -> None:
    text = "put the fire alarm under safety and electrics"
    name, values = called(reply(text, tools=[*TICKETS, LABEL_TICKET], known=HELD))
    assert name == "label_ticket" and values["labels"] == ["safety", "electrics"]
    assert values["ticket"] == "Check the fire alarm"


@pytest.mark.parametrize(
    "text",
    ["checked the fire alarm", "I'm pleased to report that I checked the fire alarm this afternoon.",
     "Finally tested the fire alarm!"],
)  # fmt: skip
def test_a_report_of_done_with_its_subject_dropped_or_announced_first(text: str) -> None:
    name, values = called(reply(text, tools=[*TICKETS, CLOSE_TICKET], known=HELD))
    assert name == "close_ticket" and "fire alarm" in values["ticket"] and "reopen" not in values


def test_two_things_reported_done_in_one_breath() -> None:
    events = reply(
        "serviced the heat pump and checked the fire alarm, finally",
        tools=[*TICKETS, CLOSE_TICKET],
        known=HELD,
    )
    calls = [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)]
    assert [name for name, _ in calls] == ["close_ticket", "close_ticket"]
    assert "heat pump" in calls[0][1]["ticket"] and "fire alarm" in calls[1][1]["ticket"]


def test_an_imperative_that_looks_like_a_past_verb_is_no_report() -> None:
    assert not intent.reports_done("put the fire alarm under safety")
    assert not intent.reports_done("read the fire alarm manual")


@pytest.mark.parametrize(
    "text",
    ["Jot down on the heat pump ticket: the filter is in the garage",
     "For the heat pump, please write a comment: the filter is in the garage."],
)  # fmt: skip
def test_a_note_said_after_a_colon_goes_on_the_thing_named(text: str) -> None:
    name, values = called(reply(text, tools=TICKETS, known=HELD))
    assert name == "comment_on_ticket" and "heat pump" in values["ticket"]
    assert values["comment"] == "the filter is in the garage"


JOB = tool(
    "create_job",
    "Create a new job for the crew.",
    ["job"],
    job={"type": "string", "description": "what to do"},
    details={"type": "string", "description": "notes for the crew"},
)


@pytest.mark.parametrize(
    "text",
    ["create a job to paint the fence, and put a note on it: the green paint in the shed",
     "Create a job to paint the fence. Add a note that the green paint is in the shed.",
     "New job to paint the fence, and put a note on it: the green paint in the shed"],
)  # fmt: skip
def test_a_new_thing_said_with_a_note_on_it_in_one_breath(text: str) -> None:
    name, values = called(reply(text, tools=[JOB]))
    assert name == "create_job" and "paint" in values["job"] and "fence" in values["job"]
    assert values["details"].startswith("the green paint")


@pytest.mark.parametrize(
    "text",
    ["With regard to the heat pump, please append a comment to the effect that the filter is in the garage.",
     "For the heat pump, write that the filter is in the garage."],
)  # fmt: skip
def test_a_note_in_formal_or_plain_words_after_the_thing_named(text: str) -> None:
    name, values = called(reply(text, tools=TICKETS, known=HELD))
    assert name == "comment_on_ticket" and "heat pump" in values["ticket"]
    assert values["comment"] == "the filter is in the garage"


def test_formal_frames_around_a_request() -> None:
    assert (
        said(reply("I should like to create a ticket.", tools=TICKETS, known=HELD))
        == "Sure. What's the summary?"
    )
    text = "I should be most grateful if you would record that the alarm check has, at last, been completed."
    name, values = called(reply(text, tools=[*TICKETS, CLOSE_TICKET], known=HELD))
    assert name == "close_ticket" and "alarm" in values["ticket"]
    text = "In the interests of clarity, would you create a ticket to oil the hinges?"
    assert called(reply(text, tools=TICKETS, known=HELD)) == ("create_ticket", {"summary": "oil the hinges"})


def test_this_afternoon_is_today_for_a_thing_that_keeps_its_day() -> None:
    text = "kindly bring the heat pump service forward to this afternoon at four"
    name, values = called(reply(text, tools=TICKETS, known=HELD))
    assert name == "reschedule_ticket" and values["due"] == "2026-11-22T16:00:00"


def test_a_held_thing_and_its_new_value_run_together_before_instead() -> None:
    name, values = called(
        reply("Can you make the heat pump quarter past three instead?", tools=TICKETS, known=HELD)
    )
    assert name == "reschedule_ticket" and values["due"] == "15:15" and "heat pump" in values["ticket"]


def test_reopened_by_open_up_again_and_done_with_the_thing_put_first() -> None:
    text = "Oh, turns out the fire alarm is still beeping, can you open that one up again?"
    name, values = called(reply(text, tools=[*TICKETS, CLOSE_TICKET], known=HELD))
    assert name == "close_ticket" and values["reopen"] is True and "fire alarm" in values["ticket"]
    name, values = called(
        reply("The fire alarm, I already checked it.", tools=[*TICKETS, CLOSE_TICKET], known=HELD)
    )
    assert name == "close_ticket" and "fire alarm" in values["ticket"] and "reopen" not in values


@pytest.mark.parametrize(
    ("said", "moment"),
    [("at the six of the afternoon", "2026-11-22T18:00:00"),
     ("for the Saturday at the eight of the night", "2026-11-28T20:00:00")],
)  # fmt: skip
def test_an_hour_said_as_in_spanish_or_italian(said: str, moment: str) -> None:
    found = extract.when(extract.Utterance(said, NOW), "datetime")
    assert found is not None and found.value == moment
    assert extract.when(extract.Utterance("one of the morning shifts", NOW), "datetime") is None


def test_things_written_down_in_quotes_each_with_its_day_are_each_new() -> None:
    events = reply(
        "Put down 'bleed the radiators' for Monday, and 'oil the hinges' for Saturday.",
        tools=TICKETS,
        known=HELD,
    )
    calls = [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)]
    assert calls == [
        ("create_ticket", {"summary": "bleed the radiators", "due": "2026-11-23"}),
        ("create_ticket", {"summary": "oil the hinges", "due": "2026-11-28"}),
    ]


@pytest.mark.parametrize(
    ("text", "thing", "amount"),
    [("move the heat pump service a day later", "the heat pump service", timedelta(days=1)),
     ("push the gutter job two hours back", "the gutter job", timedelta(hours=2)),
     ("The heat pump job has been pushed back a week, same time", "The heat pump job", timedelta(weeks=1)),
     ("the gate repair got moved up a day", "the gate repair", timedelta(days=-1))],
)  # fmt: skip
def test_a_move_by_an_amount_said_before_its_way_or_reported_as_done(
    text: str, thing: str, amount: timedelta
) -> None:
    move = moves.said(text)
    assert move is not None and move.thing == thing and moves.by(move) == amount


def test_the_words_the_description_gives_an_option_beat_a_degree_read_beside_them() -> None:
    text = "the heat pump service can wait, it's not that urgent really"
    name, values = called(reply(text, tools=TICKETS, known=HELD))
    assert name == "set_ticket_urgency" and values["urgency"] == "low"


def test_reopened_when_someone_did_not_do_it_and_the_thing_is_the_object() -> None:
    text = "turns out the plumber never fixed the outside tap, can you open that one up again?"
    name, values = called(reply(text, tools=[*TICKETS, CLOSE_TICKET], known=HELD))
    assert (name, values) == ("close_ticket", {"ticket": "the outside tap", "reopen": True})


def test_remind_me_whether_with_a_hedge_asks_and_writes_nothing() -> None:
    events = reply(
        "Remind me, if you would, whether the fire alarm was ever checked.", tools=TICKETS, known=HELD
    )
    # a reply, and no call but the listing ("all" of no events at all passed before)
    assert events and [e.name for e in events if isinstance(e, ToolCall)] in ([], ["list_tickets"])


def test_another_new_thing_after_a_pause_and_also() -> None:
    events = reply("create a ticket to oil the hinges, and also sweep the chimney", tools=TICKETS, known=HELD)
    calls = [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)]
    assert calls == [
        ("create_ticket", {"summary": "oil the hinges"}),
        ("create_ticket", {"summary": "sweep the chimney"}),
    ]
    name, values = called(
        reply("create a ticket to oil the hinges and also the gate", tools=TICKETS, known=HELD)
    )
    assert (name, values) == ("create_ticket", {"summary": "oil the hinges and also the gate"})


def test_what_an_unheld_thing_needs_is_a_new_thing_to_do() -> None:
    name, values = called(reply("The garden shed needs a new lock by Friday.", tools=TICKETS, known=HELD))
    assert name == "create_ticket" and "shed" in values["summary"] and values["due"] == "2026-11-27"
    name, values = called(reply("The heat pump needs doing by Friday.", tools=TICKETS, known=HELD))
    assert name == "reschedule_ticket" and values["due"] == "2026-11-27"


def test_a_parameter_described_with_a_possessive_is_asked_for_plainly() -> None:
    rename = tool(
        "rename_ticket", "Rename a ticket.", ["ticket", "new_summary"], ticket=WHICH,
        new_summary={"type": "string", "description": "its new summary"},
    )  # fmt: skip
    assert said(reply("rename the heat pump ticket", tools=[*TICKETS, rename], known=HELD)).endswith(
        "What's the new summary?"
    )


def test_words_quoted_after_adding_are_new_even_beside_a_held_name() -> None:
    name, values = called(reply("add 'bleed the heat pump' for Monday", tools=TICKETS, known=HELD))
    assert (name, values) == ("create_ticket", {"summary": "bleed the heat pump", "due": "2026-11-23"})
    name, values = called(reply("move 'service the heat pump' to Monday", tools=TICKETS, known=HELD))
    assert name == "reschedule_ticket" and values["due"] == "2026-11-23"
