"""Round 10's classes of commands, on tools the apps don't have (a home-maintenance ticket tracker):
hedges and asides stay out of values ("if you can", "no rush though"); a held thing named by an
abbreviation or a compound ("the HP", "the lightbulb"); several changes to one held thing said in
one breath as statements ("X needs doing by Wednesday and it's urgent now"); Scots "the morn"."""

from __future__ import annotations

import json

import pytest

from realtalk.brain import extract
from realtalk.brain.base import ToolCall
from tests.brain.toolbox import NOW, called, reply, tool

WHICH = {"type": "string", "description": "which ticket, by its words"}
DUE = {"type": "string", "format": "date-time", "description": "when it must be done"}
URGENCY = {
    "type": "string",
    "enum": ["low", "normal", "high"],
    "description": "high if urgent; low if it can wait",
}
TICKETS = [
    tool(
        "create_ticket",
        "Create a new maintenance ticket (a job to do around the house).",
        ["summary"],
        summary={"type": "string", "description": "the job, e.g. fix the gate"},
        due=DUE,
        urgency=URGENCY,
        labels={"type": "array", "items": {"type": "string"}, "description": "labels, e.g. garden"},
    ),
    tool(
        "reschedule_ticket",
        "Move a ticket to a new due date and time.",
        ["ticket", "due"],
        ticket=WHICH,
        due=DUE,
    ),
    tool(
        "set_ticket_urgency",
        "Change how urgent a ticket is.",
        ["ticket", "urgency"],
        ticket=WHICH,
        urgency=URGENCY,
    ),
    tool(
        "comment_on_ticket",
        "Add a comment to an existing ticket.",
        ["ticket", "comment"],
        ticket=WHICH,
        comment={"type": "string", "description": "the comment"},
    ),
    tool("list_tickets", "List the open tickets.", day={"type": "string"}),
]
HELD = ["Replace the hallway light bulb", "Service the heat pump", "Check the fire alarm"]


def _calls(text: str) -> list[tuple[str, dict[str, object]]]:
    events = reply(text, tools=TICKETS, known=HELD)
    assert events and all(isinstance(e, ToolCall) for e in events), events
    return [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)]


@pytest.mark.parametrize(
    ("text", "summary"),
    [("Create a ticket to bleed the radiators, if you can.", "bleed the radiators"),
     ("Could you create a ticket to descale the kettle when you get a chance", "descale the kettle"),
     ("create a ticket to clear the gutters by Thursday, if that's okay", "clear the gutters")],
)  # fmt: skip
def test_a_hedge_around_a_command_stays_out_of_its_values(text: str, summary: str) -> None:
    name, values = called(reply(text, tools=TICKETS, known=HELD))
    assert name == "create_ticket" and values["summary"] == summary


def test_a_discourse_particle_after_a_value_stays_out_of_the_title() -> None:
    name, values = called(reply("Create a ticket to sweep the chimney, no rush though.", tools=TICKETS))
    assert name == "create_ticket" and values == {"summary": "sweep the chimney", "urgency": "low"}


def test_two_changes_to_a_thing_named_by_its_initials_said_as_statements() -> None:
    calls = _calls("The HP service needs doing by Wednesday at noon and it's urgent now.")
    assert calls == [
        ("reschedule_ticket", {"ticket": "Service the heat pump", "due": "2026-11-25T12:00:00"}),
        ("set_ticket_urgency", {"urgency": "high", "ticket": "Service the heat pump"}),
    ]


def test_a_statement_of_a_new_time_then_a_request_about_the_same_thing() -> None:
    calls = _calls(
        "The hallway lightbulb is quarter to three now, and can you comment that the ladder's in the shed."
    )
    assert [name for name, _ in calls] == ["reschedule_ticket", "comment_on_ticket"]
    assert all(values["ticket"] == HELD[0] for _, values in calls)
    assert calls[0][1]["due"] == "14:45" and "ladder" in str(calls[1][1]["comment"])


@pytest.mark.parametrize(
    ("said", "day"),
    [("feed the hens the morn", "2026-11-23"), ("feed the hens the morn at 8", "2026-11-23T08:00:00")],
)
def test_the_morn_is_tomorrow(said: str, day: str) -> None:
    found = extract.when(extract.Utterance(said, NOW), "datetime")
    assert found is not None and found.value == day


def test_in_the_morn_is_no_day() -> None:
    found = extract.when(extract.Utterance("feed the hens in the morn", NOW), "date")
    assert found is None


def test_things_listed_then_what_goes_with_each_are_each_a_new_thing() -> None:
    calls = _calls("Add fix the gate and the latch, and fix the fence, both for Saturday.")
    assert calls == [
        ("create_ticket", {"summary": "fix the gate and the latch", "due": "2026-11-28"}),
        ("create_ticket", {"summary": "fix the fence", "due": "2026-11-28"}),
    ]


def test_a_thing_put_on_for_a_day_is_new() -> None:
    name, values = called(reply("Bung paint the shed on for Thursday arvo, no rush.", tools=TICKETS))
    assert name == "create_ticket"
    assert values == {"summary": "paint the shed", "due": "2026-11-26T15:00:00", "urgency": "low"}


def test_a_label_said_by_where_it_is_filed_is_a_label_not_words_of_the_title() -> None:
    name, values = called(
        reply("Create a ticket to fix the leak under the sink, file it under plumbing.", tools=TICKETS)
    )
    assert name == "create_ticket" and values == {
        "summary": "fix the leak under the sink",
        "labels": ["plumbing"],
    }


LABEL_TICKET = tool(
    "label_ticket",
    "Label an existing ticket with one or more labels.",
    ["ticket", "labels"],
    ticket=WHICH,
    labels={"type": "array", "items": {"type": "string"}, "description": "the labels to add"},
)


def test_a_label_put_on_a_held_thing_labels_it_whatever_the_verb() -> None:
    name, values = called(
        reply("Slap an outdoor tag on the heat pump.", tools=[*TICKETS, LABEL_TICKET], known=HELD)
    )
    assert name == "label_ticket" and values == {"labels": ["outdoor"], "ticket": "Service the heat pump"}


def test_a_note_on_a_thing_put_first_goes_on_that_thing_in_its_own_words() -> None:
    name, values = called(
        reply("For the fire alarm, comment that we need two nine-volt batteries.", tools=TICKETS, known=HELD)
    )
    assert name == "comment_on_ticket"
    assert values == {"ticket": "the fire alarm", "comment": "we need two nine-volt batteries"}


def test_a_note_said_with_a_new_thing_keeps_its_words_as_said() -> None:
    name, values = called(
        reply(
            "Add a job to bake scones for the fete with a note saying three dozen, cheese ones.",
            tools=TASK_WITH_NOTES,
        )
    )
    assert name == "add_job" and values["notes"] == "three dozen, cheese ones"


TASK_WITH_NOTES = [
    tool(
        "add_job",
        "Add a new job to the list.",
        ["title"],
        title={"type": "string", "description": "what to do"},
        notes={"type": "string", "description": "a note to keep with it"},
    )
]


RENAME = tool(
    "rename_ticket",
    "Rename a ticket: change its summary to new words.",
    ["summary", "new_summary"],
    summary=WHICH,
    new_summary={"type": "string", "description": "its new summary"},
)


def test_a_rename_with_both_names_quoted_keeps_each_whole() -> None:
    name, values = called(
        reply(
            "Change 'check the fire alarm' to 'test the alarm next to the stairs'.",
            tools=[*TICKETS, RENAME],
            known=HELD,
        )
    )
    assert name == "rename_ticket"
    assert values == {"summary": "check the fire alarm", "new_summary": "test the alarm next to the stairs"}


def test_a_hedging_like_before_a_time_is_dropped() -> None:
    name, values = called(reply("create a ticket to reset the router tonight at like 9", tools=TICKETS))
    assert name == "create_ticket" and values == {"summary": "reset the router", "due": "2026-11-22T21:00:00"}


def test_making_a_thing_a_priority_puts_it_at_the_top() -> None:
    ranked = tool(
        "rank_ticket",
        "Set a ticket's priority.",
        ["ticket", "priority"],
        ticket=WHICH,
        priority={"type": "string", "enum": ["low", "medium", "high"]},
    )
    tools = [*TICKETS, ranked]
    name, values = called(
        reply("The heat pump needs looking at, make it a priority.", tools=tools, known=HELD)
    )
    assert name == "rank_ticket" and values["priority"] == "high"
    assert called(reply("the fire alarm is not a priority", tools=tools, known=HELD))[1]["priority"] == "low"


@pytest.mark.parametrize(
    ("text", "due"),
    [("The heat pump service is going to have to wait till Tuesday.", "2026-11-24"),
     ("The plumber's off sick, so the fire alarm check will have to wait until Friday", "2026-11-27")],
)  # fmt: skip
def test_a_thing_that_has_to_wait_is_moved(text: str, due: str) -> None:
    name, values = called(reply(text, tools=TICKETS, known=HELD))
    assert name == "reschedule_ticket" and values["due"] == due and values["ticket"] in HELD


def test_a_thing_that_has_to_be_later_asks_when() -> None:
    events = reply(
        "Something came up, so the heat pump service will have to be later", tools=TICKETS, known=HELD
    )
    assert not any(isinstance(e, ToolCall) for e in events)
    assert "When should it be?" in "".join(getattr(e, "text", "") for e in events)


def test_a_held_thing_put_under_a_bare_label_is_labelled() -> None:
    tools = [*TICKETS, LABEL_TICKET]
    name, values = called(
        reply("Would you put the heat pump under 'outdoor', please?", tools=tools, known=HELD)
    )
    assert name == "label_ticket" and values == {"labels": ["outdoor"], "ticket": "Service the heat pump"}
    name, values = called(reply("create a ticket to put the bucket under the sink", tools=TICKETS))
    assert name == "create_ticket" and "labels" not in values  # a place, not a label


def test_new_things_joined_by_and_each_with_its_own_day_are_each_new() -> None:
    calls = _calls("Add fix the gate for Josh on Tuesday and mend the fence for the party by Friday.")
    assert calls == [
        ("create_ticket", {"summary": "fix the gate for Josh", "due": "2026-11-24"}),
        ("create_ticket", {"summary": "mend the fence for the party", "due": "2026-11-27"}),
    ]


def test_a_note_popped_in_for_the_speaker_is_a_new_thing() -> None:
    name, values = called(
        reply("Could you pop a note in for me to fix the gate on Thursday morning, about ten?", tools=TICKETS)
    )
    assert name == "create_ticket" and values == {"summary": "fix the gate", "due": "2026-11-26T10:00:00"}


DONE = tool("complete_ticket", "Mark a ticket as done (complete, finished).", ["ticket"], ticket=WHICH)


@pytest.mark.parametrize("text", ["Finally serviced the heat pump!", "heat pump's been serviced gg"])
def test_a_report_of_done_without_its_subject_closes_the_thing(text: str) -> None:
    name, values = called(reply(text, tools=[*TICKETS, DONE], known=HELD))
    assert name == "complete_ticket" and "heat pump" in str(values["ticket"])


def test_a_counted_list_said_without_a_verb_adds_each() -> None:
    calls = _calls("Two things: create a ticket to fix the gate on Saturday, and mend the fence.")
    assert [name for name, _ in calls] == ["create_ticket", "create_ticket"]
    assert calls[0][1]["due"] == "2026-11-28" and calls[1][1] == {"summary": "mend the fence"}


def test_a_polite_wondering_if_we_could_is_a_request_not_a_question() -> None:
    name, values = called(
        reply("I was wondering if we could move the heat pump service to Friday?", tools=TICKETS, known=HELD)
    )
    assert name == "reschedule_ticket" and values == {"ticket": "heat pump service", "due": "2026-11-27"}


DELETE = tool(
    "delete_ticket",
    "Delete (remove) a ticket; asks the user to confirm first.",
    ["ticket"],
    ticket=WHICH,
    confirm={"type": "boolean", "description": "true once the user has said yes"},
)


@pytest.mark.parametrize(
    ("text", "tool_name"),
    [("The fire alarm got replaced, so please delete that one.", "delete_ticket"),
     ("The fire alarm, I check it already yesterday. Close it please.", "complete_ticket")],
)  # fmt: skip
def test_that_one_is_the_thing_the_same_utterance_named(text: str, tool_name: str) -> None:
    name, values = called(reply(text, tools=[*TICKETS, DELETE, DONE], known=HELD))
    assert name == tool_name and "fire alarm" in str(values["ticket"]).lower()


def test_would_you_be_so_kind_as_to_asks_for_it() -> None:
    safe = tool(
        "open_safe",
        "Try a PIN on the hotel safe.",
        ["pin"],
        pin={"type": "string", "description": "the 4-digit PIN"},
    )
    assert called(reply("Would you be so kind as to try nine, one, one, four for me?", tools=[safe])) == (
        "open_safe",
        {"pin": "9114"},
    )


def test_new_words_quoted_then_what_they_replace() -> None:
    name, values = called(
        reply(
            "The alarm one should say 'Test the smoke alarm', not check.",
            tools=[*TICKETS, RENAME],
            known=HELD,
        )
    )
    assert name == "rename_ticket"
    assert values == {"summary": "Check the fire alarm", "new_summary": "Test the smoke alarm"}


def test_a_clause_about_it_after_a_named_change_changes_the_same_thing() -> None:
    calls = _calls("Move the fire alarm check to Saturday at eight and bump it up to high urgency.")
    assert calls == [
        ("reschedule_ticket", {"ticket": "fire alarm check", "due": "2026-11-28T08:00:00"}),
        ("set_ticket_urgency", {"urgency": "high", "ticket": "Check the fire alarm"}),
    ]


def test_held_things_named_together_then_what_goes_for_each() -> None:
    tools = [*TICKETS, LABEL_TICKET]
    calls = [
        (e.name, json.loads(e.arguments))
        for e in reply("The heat pump and the fire alarm both go under yearly.", tools=tools, known=HELD)
        if isinstance(e, ToolCall)
    ]
    assert calls == [
        ("label_ticket", {"ticket": "Service the heat pump", "labels": ["yearly"]}),
        ("label_ticket", {"ticket": "Check the fire alarm", "labels": ["yearly"]}),
    ]
