"""Dialogue over turns, on tools the apps don't have (a library's loans, a bike workshop): a turn
that only names a held thing makes it the topic, and the next turn's command is about it; "change
it to ..." gives new words or a new value as the words say."""

from __future__ import annotations

import json

import pytest

from realtalk.brain import topic
from realtalk.brain.base import Message, ToolCall
from tests.brain.test_dialogue import after
from tests.brain.test_unseen_capabilities import EVENTS
from tests.brain.toolbox import called, reply, said, tool

BOOK = {"type": "string", "description": "which loan, by its words"}
UNTIL = {"type": "string", "format": "date-time", "description": "when it is due back"}
LOANS = [
    tool("add_loan", "Add a book borrowed from the library.", ["book"], book={"type": "string"}),
    tool("find_loan", "Look up one loan: when it is due back and any notes.", ["book"], book=BOOK),
    tool(
        "renew_loan",
        "Move a loan to a new due date and time (renew it).",
        ["book", "until"],
        book=BOOK,
        until=UNTIL,
    ),
    tool(
        "rename_loan",
        "Give a loan new words.",
        ["book", "new_book"],
        book=BOOK,
        new_book={"type": "string", "description": "its new words"},
    ),
    tool(
        "note_loan",
        "Add a note to a loan.",
        ["book", "note"],
        book=BOOK,
        note={"type": "string", "description": "the note to add"},
    ),
]
HELD = ["Return the road atlas", "Collect the bread cookbook on hold", "Pay the late fine"]
READ = after(
    "find_loan",
    {"book": "Return the road atlas"},
    {"book": "Return the road atlas", "until": "2026-11-20T00:00:00", "overdue": True},
    "Return the road atlas is due back Friday November 20, overdue.",
)


@pytest.mark.parametrize(
    "text",
    ["Oh, the road atlas.", "Regarding the atlas...", "You know the road atlas one?",
     "right, so, the atlas thing", "As for the atlas"],
)  # fmt: skip
def test_a_turn_that_only_names_a_held_thing_reads_it(text: str) -> None:
    assert called(reply(text, tools=LOANS, known=HELD)) == ("find_loan", {"book": "Return the road atlas"})


@pytest.mark.parametrize(
    "text",
    ["return the road atlas", "the atlas is lost", "the atlas and the fine", "the cookbook or the fine",
     "oh, the weather"],
)  # fmt: skip
def test_words_that_say_more_than_a_held_name_are_no_topic(text: str) -> None:
    assert topic.named(text, HELD) is None


def test_the_next_command_is_about_the_topic() -> None:
    assert called(reply("could you put it to Friday?", tools=LOANS, history=READ, known=HELD)) == (
        "renew_loan",
        {"book": "Return the road atlas", "until": "2026-11-27"},
    )
    name, values = called(reply("Add a note that the cover is torn.", tools=LOANS, history=READ, known=HELD))
    assert (name, values["book"]) == ("note_loan", "Return the road atlas")
    assert values["note"].endswith("the cover is torn")


def test_change_it_to_new_words_renames_and_to_a_value_changes_it() -> None:
    assert called(
        reply("Change it to return the atlas and the map.", tools=LOANS, history=READ, known=HELD)
    ) == (
        "rename_loan",
        {"book": "Return the road atlas", "new_book": "return the atlas and the map"},
    )
    name, values = called(reply("Change it to Friday.", tools=LOANS, history=READ, known=HELD))
    assert (name, values["until"][:10]) == ("renew_loan", "2026-11-27")


def test_without_a_reader_we_ask_what_about_it_and_the_next_turn_is_about_it() -> None:
    tools = [t for t in LOANS if t.name != "find_loan"]
    asked = said(reply("Oh, the bread cookbook.", tools=tools, known=HELD))
    assert asked == "What about Collect the bread cookbook on hold?"
    history = [Message("user", "Oh, the bread cookbook."), Message("assistant", asked)]
    assert called(reply("could you put it to Friday?", tools=tools, history=history, known=HELD)) == (
        "renew_loan",
        {"book": "Collect the bread cookbook on hold", "until": "2026-11-27"},
    )


CHOIR = ["Choir practice at the church", "Choir concert in town", "Piano lesson"]


def test_which_of_several_is_asked_before_a_missing_value_and_both_answers_are_kept() -> None:
    request = "I need to move choir."
    asked = said(reply(request, tools=EVENTS, known=CHOIR))
    assert asked.endswith("Did you mean Choir practice at the church?") and "Choir concert in town" in asked
    history = [Message("user", request), Message("assistant", asked)]
    when = said(reply("The concert one.", tools=EVENTS, history=history, known=CHOIR))
    assert when == "Sure. When should it be?"
    history += [Message("user", "The concert one."), Message("assistant", when)]
    assert called(reply("Monday at 9.", tools=EVENTS, history=history, known=CHOIR)) == (
        "move_event",
        {"title": "Choir concert in town", "start": "2026-11-23T09:00:00"},
    )


def test_both_of_them_are_the_things_just_read_out_that_the_question_named() -> None:
    listing = [
        Message("user", "Which choir things have I got?"),
        *after(
            "list_events",
            {},
            {"events": [{"title": n} for n in CHOIR]},
            "You have Choir practice at the church, Choir concert in town and Piano lesson.",
        )[1:],
    ]
    events = reply("Move both of them to Monday at 9.", tools=EVENTS, history=listing, known=CHOIR)
    assert [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)] == [
        ("move_event", {"title": "Choir practice at the church", "start": "2026-11-23T09:00:00"}),
        ("move_event", {"title": "Choir concert in town", "start": "2026-11-23T09:00:00"}),
    ]
    # "both" of three read out, with a question that named none of them: which two is not said.
    listing[0] = Message("user", "What's on?")
    events = reply("Move both of them to Monday at 9.", tools=EVENTS, history=listing, known=CHOIR)
    assert sum(isinstance(e, ToolCall) for e in events) < 2


def test_a_correction_that_undoes_the_change_and_asks_for_a_new_thing_does_both() -> None:
    renamed = after(
        "rename_loan",
        {"book": "atlas", "new_book": "return the map"},
        {"book": "return the map", "undo": {"book": "return the map", "new_book": "Return the road atlas"}},
        "Renamed Return the road atlas to return the map.",
    )
    text = "No, sorry, put the atlas back how it was, I meant add a new one for the map."
    events = reply(text, tools=LOANS, history=renamed, known=["return the map", *HELD[1:]])
    assert [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)] == [
        ("rename_loan", {"book": "return the map", "new_book": "Return the road atlas"}),
        ("add_loan", {"book": "return the map"}),
    ]


def test_a_moment_said_after_adding_a_thing_is_the_new_things_not_a_held_one_its_words_mention() -> None:
    added = after("add_loan", {"book": "Bird guide"}, {"book": "Bird guide"}, "Added Bird guide.")
    text = "Friday, before the moving date, say ten in the morning."  # a changer's words too
    assert called(
        reply(text, tools=LOANS, history=added, known=[*HELD, "Book the moving date", "Bird guide"])
    ) == (
        "renew_loan",
        {"book": "Bird guide", "until": "2026-11-27T10:00:00"},
    )


def test_call_it_new_words_in_quotes_after_and_renames_what_was_just_added() -> None:
    added = after("add_loan", {"book": "Bird guide"}, {"book": "Bird guide"}, "Added Bird guide.")
    text = "Oh, and call it 'the bird guide, second edition' instead."
    assert called(reply(text, tools=LOANS, history=added, known=[*HELD, "Bird guide"])) == (
        "rename_loan",
        {"book": "Bird guide", "new_book": "the bird guide, second edition"},
    )


@pytest.mark.parametrize("text", ["And tomorrow?", "What about Tuesday?", "and for Tuesday then?"])
def test_and_another_value_after_a_reading_reads_again_with_it(text: str) -> None:
    listed = after("list_events", {"day": "2026-11-22"}, {"events": []}, "Nothing on today.")
    name, values = called(reply(text, tools=EVENTS, history=listed, known=CHOIR))
    assert name == "list_events" and values["day"] in ("2026-11-23", "2026-11-24")


LABELLED = [
    *LOANS,
    tool(
        "list_loans",
        "List the loans, or those with a label.",
        label={"type": "string", "description": "only loans with this label"},
    ),
    tool(
        "label_loan",
        "Label a loan.",
        ["book", "labels"],
        book=BOOK,
        labels={
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "description": "the labels (tags) to add",
        },
    ),
]
MAPS = [
    Message("user", "What's labelled maps?"),
    *after(
        "list_loans",
        {"label": "maps"},
        {"loans": [{"title": n} for n in HELD[:2]]},
        "You have 2 loans labelled maps.",
    )[1:],
]


def test_both_of_them_after_a_filtered_listing_are_all_it_read_out() -> None:
    events = reply("Label both of them urgent as well.", tools=LABELLED, history=MAPS, known=HELD)
    assert [json.loads(e.arguments) for e in events if isinstance(e, ToolCall)] == [
        {"labels": ["urgent"], "book": HELD[0]},
        {"labels": ["urgent"], "book": HELD[1]},
    ]


@pytest.mark.parametrize(
    ("until", "moved"), [("2026-11-25T10:00:00", "2026-12-02T10:00:00"), ("2026-11-25", "2026-12-02")]
)
def test_the_second_one_moved_by_an_amount_is_looked_up_then_moved(until: str, moved: str) -> None:
    text = "Push the second one back a week."
    looked = reply(text, tools=LABELLED, history=MAPS, known=HELD)
    assert called(looked) == ("find_loan", {"book": HELD[1]})
    call = looked[0]
    assert isinstance(call, ToolCall)
    history = [
        *MAPS,
        Message("user", text),
        Message("assistant", tool_calls=(call,)),
        Message("tool", json.dumps({"book": HELD[1], "until": until}), tool_call_id=call.call_id),
    ]
    assert called(reply(None, tools=LABELLED, history=history, known=HELD)) == (
        "renew_loan",
        {"book": HELD[1], "until": moved},
    )


@pytest.mark.parametrize(
    "text", ["I need a new loan.", "Can you add a loan for me, eh?", "Oh great, another thing to add."]
)
def test_a_new_thing_named_by_no_words_of_its_own_is_asked_for(text: str) -> None:
    assert said(reply(text, tools=LOANS, known=HELD)) == "Sure. What's the book?"


def test_a_word_that_points_at_the_thing_is_no_value_and_the_missing_one_is_asked_for() -> None:
    request = "Can you label the road atlas thing?"
    asked = said(reply(request, tools=LABELLED, known=HELD))
    assert asked == "Sure. What are the labels?"
    history = [Message("user", request), Message("assistant", asked)]
    name, values = called(reply("Urgent.", tools=LABELLED, history=history, known=HELD))
    assert (name, values["labels"]) == ("label_loan", ["Urgent"]) and "atlas" in values["book"]


def test_ah_no_make_it_an_hour_corrects_the_time_just_given() -> None:
    added = after(
        "create_event",
        {"title": "choir practice", "start": "2026-11-23T10:00:00"},
        {"title": "choir practice", "start": "2026-11-23T10:00:00"},
        "Added choir practice tomorrow at 10 AM.",
    )
    for text in ("Ah no, make it eleven", "Ah no, make it eleven."):
        assert called(reply(text, tools=EVENTS, history=added, known=["choir practice"])) == (
            "move_event",
            {"start": "2026-11-23T11:00:00", "title": "choir practice"},
        )


def test_i_meant_other_words_after_renaming_renames_again() -> None:
    renamed = after(
        "rename_loan",
        {"book": "atlas", "new_book": "return the atlas"},
        {
            "book": "return the atlas",
            "undo": {"book": "return the atlas", "new_book": "Return the road atlas"},
        },
        "Renamed Return the road atlas to return the atlas.",
    )
    text = "No sorry, I meant 'return the atlas and the map'"
    assert called(reply(text, tools=LOANS, history=renamed, known=["return the atlas", *HELD[1:]])) == (
        "rename_loan",
        {"book": "return the atlas", "new_book": "return the atlas and the map"},
    )


def test_put_something_down_for_a_day_asks_what() -> None:
    assert (
        said(reply("Can you put something down for me for Tuesday?", tools=EVENTS))
        == "Sure. What's the title?"
    )


def test_a_report_of_done_after_reading_a_thing_marks_it_done_whatever_moment_it_says() -> None:
    tools = [*LOANS, tool("complete_loan", "Mark a loan as done (returned).", ["book"], book=BOOK)]
    text = "Right, well I did it this morning actually, so tick it off."
    assert called(reply(text, tools=tools, history=READ, known=HELD)) == ("complete_loan", {"book": HELD[0]})


def test_yes_is_no_answer_to_what_a_thing_is_called() -> None:
    history = [Message("user", "I need a new loan."), Message("assistant", "Sure. What's the book?")]
    assert said(reply("Yep.", tools=LOANS, history=history, known=HELD)).endswith("What's the book?")


@pytest.mark.parametrize(
    "text",
    [
        "The road atlas came back, so please move that one to Friday.",
        "About the atlas: move that one to Friday.",
    ],
)
def test_that_one_in_the_last_clause_is_the_held_thing_an_earlier_clause_named(text: str) -> None:
    name, values = called(reply(text, tools=LOANS, known=HELD))
    assert (name, values["book"], values["until"][:10]) == ("renew_loan", HELD[0], "2026-11-27")


def test_a_note_stuck_on_it_goes_on_the_thing_though_its_tool_adds() -> None:
    tools = [
        *(t for t in LOANS if t.name != "note_loan"),
        tool(
            "add_loan_note",
            "Add a note to a loan.",
            ["book", "text"],
            book=BOOK,
            text={"type": "string", "description": "the note"},
        ),
    ]
    text = "Stick a note on it saying the cover is torn."
    name, values = called(reply(text, tools=tools, history=READ, known=HELD))
    assert (name, values["book"]) == ("add_loan_note", HELD[0]) and values["text"].endswith(
        "the cover is torn"
    )


@pytest.mark.parametrize("text", ["Oh, the road atlas loan.", "Right, the late fine loan then"])
def test_the_tools_own_word_after_a_held_name_only_points(text: str) -> None:
    """ "loan" is this app's word for what it holds (find_loan), as "task" is another's."""
    name, arguments = called(reply(text, tools=LOANS, known=HELD))
    assert name == "find_loan" and arguments["book"] in HELD
