"""Round 12, dialogue and questions, on tools the apps don't have (a bird hide's chore list, a bike
locker with a 5-digit code): chat with a time in it makes nothing; a label beside a word for things
in general ("items") filters a listing; "past due" is "past its date"; a question that only says when
reads that day; a code too short for its schema is asked for again saying how long it is; asking us
for part of the code asks for the clue; "and X too" after a note is one more note; "the chore" (the
tools' word for their things) is "it"."""

from __future__ import annotations

import pytest

from realtalk.brain import dialogue
from realtalk.brain.base import Message
from tests.brain.test_dialogue import after
from tests.brain.toolbox import called, reply, said, tool

WHEN = {"type": "string", "format": "date-time", "description": "when to do it"}
LOG = [
    tool(
        "add_chore",
        "Add a chore (a job to do) to the hide's chore list.",
        ["chore"],
        chore={"type": "string", "description": "the chore, e.g. refill the feeders"},
        when=WHEN,
    ),
    tool(
        "list_chores",
        "List the chores still to do, or those on a given day.",
        day={"type": "string", "format": "date"},
        label={"type": "string", "description": "only chores with this label"},
        late={"type": "boolean", "default": False, "description": "only late chores; true if past due"},
    ),
    tool(
        "finish_chore",
        "Mark a chore as finished, or reopen it.",
        ["chore"],
        chore={"type": "string", "description": "which chore"},
        reopen={
            "type": "boolean",
            "default": False,
            "description": "true to reopen a chore finished by mistake",
        },
    ),
    tool(
        "note_chore",
        "Add a note (details) to a chore.",
        ["chore", "note"],
        chore={"type": "string", "description": "which chore"},
        note={"type": "string", "description": "the note to add"},
    ),
]
FIND = tool(
    "find_chore",
    "Look up one chore: when it is due, whether it is finished.",
    ["chore"],
    chore={"type": "string", "description": "which chore"},
)
HELD = ["Refill the feeders", "Clean the hide windows", "Count the geese"]
LOCKER = [
    tool(
        "open_locker",
        "Open the bike locker with its code.",
        ["code"],
        code={"type": "string", "description": "the 5-digit code, digit by digit"},
    ),
    tool("get_clue", "Give a clue: reveals the next digit of the locker code."),
]


@pytest.mark.parametrize(
    "text",
    ["Morning! Hope you had a good weekend.", "Lovely day out there today", "Tis a grand day out there."],
)
def test_chat_with_a_time_in_it_makes_nothing(text: str) -> None:
    assert said(reply(text, tools=LOG, known=HELD))  # words, no call


def test_a_chore_with_a_time_is_still_added() -> None:
    assert called(reply("Count the ducks this weekend", tools=LOG, known=HELD))[0] == "add_chore"


def test_a_label_beside_items_filters_the_listing() -> None:
    assert called(reply("What are the garden items?", tools=LOG, known=HELD)) == (
        "list_chores",
        {"label": "garden"},
    )


@pytest.mark.parametrize(
    "text", ["Anything gone past its date?", "Which ones are past the deadline?", "anything past due?"]
)
def test_past_due_said_as_its_date(text: str) -> None:
    assert called(reply(text, tools=LOG, known=HELD)) == ("list_chores", {"late": True})


@pytest.mark.parametrize(("text", "day"), [("Tuesday?", "2026-11-24"), ("Tomorrow?", "2026-11-23")])
def test_a_question_that_only_says_when_reads_that_day(text: str, day: str) -> None:
    assert called(reply(text, tools=LOG, known=HELD)) == ("list_chores", {"day": day})


def test_a_code_too_short_is_asked_for_with_its_length() -> None:
    question = said(reply("Try one two.", tools=LOCKER))
    assert "5 digits" in question and question.endswith("?")


@pytest.mark.parametrize("text", ["What's the first digit, then?", "what's the second number?"])
def test_asking_us_for_a_digit_asks_for_the_clue(text: str) -> None:
    assert called(reply(text, tools=LOCKER)) == ("get_clue", {})


NOTED = after(
    "note_chore",
    {"chore": "feeders", "note": "use the sunflower seed"},
    {"message": "Noted on Refill the feeders.", "chore": "Refill the feeders"},
    "Noted on Refill the feeders: use the sunflower seed.",
)


@pytest.mark.parametrize("text", ["Oh, and check the hinge too.", "and check the hinge as well"])
def test_and_more_words_too_is_one_more_note_on_the_same_thing(text: str) -> None:
    assert called(reply(text, tools=LOG, history=NOTED, known=HELD)) == (
        "note_chore",
        {"chore": "Refill the feeders", "note": "check the hinge"},
    )


def test_and_another_held_thing_too_is_the_same_for_it() -> None:
    assert called(reply("and the geese one too", tools=LOG, history=NOTED, known=HELD)) == (
        "note_chore",
        {"chore": "geese", "note": "use the sunflower seed"},
    )


FINISHED = after(
    "finish_chore",
    {"chore": "geese"},
    {"message": "Marked Count the geese as finished.", "chore": "Count the geese"},
    "Marked Count the geese as finished.",
)


@pytest.mark.parametrize("text", ["Please reinstate the chore.", "I misspoke, reopen the chore please"])
def test_the_tools_word_for_their_things_is_it(text: str) -> None:
    assert called(reply(text, tools=LOG, history=FINISHED, known=HELD)) == (
        "finish_chore",
        {"chore": "Count the geese", "reopen": True},
    )


def test_a_request_for_a_thing_nothing_names_asks_which() -> None:
    assert said(reply("Please sort the one for me.", tools=LOG, known=HELD)).endswith("?")


def test_a_repair_mid_sentence_replaces_the_words_it_ends_on() -> None:
    assert called(
        reply(
            "Add refill the nut feeder, no wait, make that seed feeder, for tomorrow.", tools=LOG, known=HELD
        )
    ) == ("add_chore", {"chore": "refill seed feeder", "when": "2026-11-23"})


@pytest.mark.parametrize(
    "text",
    [
        "Would you be so kind as to enumerate those items pertaining to garden?",
        "Could you itemise the chores relating to the garden?",
    ],
)
def test_a_listing_by_what_the_things_relate_to(text: str) -> None:
    assert called(reply(text, tools=LOG, known=HELD)) == ("list_chores", {"label": "garden"})


RULES = "You are Pip. Greet the player with 'Hello, I am Pip. The locker has a five digit code.'"


@pytest.mark.parametrize(
    "text", ["do I have to say the code digit by digit or what?", "How many guesses do I get, then?"]
)
def test_a_question_about_how_it_works_is_answered_from_the_instructions(text: str) -> None:
    assert "five digit code" in said(reply(text, instructions=RULES, tools=LOCKER))


def test_a_questions_it_is_the_held_thing_named_before_it() -> None:
    assert called(reply("The geese, when is it due?", tools=[*LOG, FIND], known=HELD)) == (
        "find_chore",
        {"chore": "The geese"},
    )


@pytest.mark.parametrize(
    "text", ["Is there anything labelled garden still to do?", "what's outstanding under garden?"]
)
def test_a_label_ends_before_how_things_stand(text: str) -> None:
    assert called(reply(text, tools=LOG, known=HELD)) == ("list_chores", {"label": "garden"})


def test_a_reason_said_with_a_time_is_no_chore() -> None:
    assert said(reply("Yeah, because I'm definitely cleaning the hide tonight. Sure.", tools=LOG, known=HELD))


def test_one_chore_is_a_placeholder_asked_for() -> None:
    assert said(reply("Please add one chore for me.", tools=LOG, known=HELD)).endswith("?")


def test_part_of_a_code_said_in_place_is_no_failed_try() -> None:
    assert "digits" not in said(reply("The first two are nine and one...", tools=LOCKER[:1]))


def test_words_named_as_not_wanted_are_replaced() -> None:
    assert (
        dialogue.in_place("buy a new shower curtain", "a shower head, not a curtain")
        == "buy a new shower head"
    )
    assert dialogue.in_place("buy dog food", "cat food") == "buy cat food"


LISTED_ONE = after(
    "list_chores",
    {"day": "2026-11-22"},
    {"message": "You have 1 chore today: Count the geese.", "titles": ["Count the geese"]},
    "You have 1 chore today: Count the geese.",
)


def test_a_name_read_out_and_referred_to_is_sure() -> None:
    known = [*HELD, "Count the geese on the far pond"]
    assert called(reply("Right, mark that one finished.", tools=LOG, history=LISTED_ONE, known=known)) == (
        "finish_chore",
        {"chore": "Count the geese"},
    )


def test_an_answer_to_did_you_mean_picks_among_the_names_we_told() -> None:
    known = ["Visit Mrs Adeyemi for meds", "Visit Mr Dunleavy for lunch", "Book chiropodist for Mrs Adeyemi"]
    first = "Finish the visit for me."
    asked = said(reply(first, tools=LOG, known=known))
    assert "Did you mean" in asked
    history = [Message("user", first), Message("assistant", asked)]
    assert called(reply("Mrs Adeyemi's.", tools=LOG, history=history, known=known)) == (
        "finish_chore",
        {"chore": "Visit Mrs Adeyemi for meds"},
    )


MOVE = tool(
    "move_chore",
    "Move a chore to a new day and time.",
    ["chore", "when"],
    chore={"type": "string", "description": "which chore"},
    when=WHEN,
)
LISTED_TWO = after(
    "list_chores",
    {"day": "2026-11-23"},
    {
        "message": "You have 2 chores due tomorrow: Refill the feeders at 8 AM, Count the geese at 12:30 PM.",
        "titles": ["Refill the feeders", "Count the geese"],
    },
    "You have 2 chores due tomorrow: Refill the feeders at 8 AM, Count the geese at 12:30 PM.",
)


def test_a_move_by_an_amount_starts_from_the_time_read_out_for_that_one() -> None:
    events = reply(
        "Push the second one back half an hour.", tools=[*LOG, MOVE], history=LISTED_TWO, known=HELD
    )
    assert called(events) == ("move_chore", {"chore": "Count the geese", "when": "2026-11-23T13:00:00"})


def test_which_thing_is_asked_first_when_the_words_name_none_held() -> None:
    first = "Please move the matter."
    asked = said(reply(first, tools=[*LOG, MOVE], known=HELD))
    assert asked.endswith("?") and "when" not in asked.lower()
    history = [Message("user", first), Message("assistant", asked)]
    answer = "The geese. To Friday, at four in the afternoon."
    assert called(reply(answer, tools=[*LOG, MOVE], history=history, known=HELD)) == (
        "move_chore",
        {"chore": "geese", "when": "2026-11-27T16:00:00"},
    )


RENAME = tool(
    "rename_chore",
    "Rename a chore (give it new words).",
    ["chore", "new_words"],
    chore={"type": "string", "description": "which chore"},
    new_words={"type": "string", "description": "its new words"},
)
RENAMED = after(
    "rename_chore",
    {"chore": "Refill the nut feeder", "new_words": "Refill the seed feeder"},
    {
        "message": "Renamed Refill the nut feeder to Refill the seed feeder.",
        "chore": "Refill the nut feeder",
        "undo": {"chore": "Refill the seed feeder", "new_words": "Refill the nut feeder"},
    },
    "Renamed Refill the nut feeder to Refill the seed feeder.",
)


def test_going_back_to_what_a_change_replaced_undoes_it() -> None:
    tools = [*LOG, RENAME]
    assert called(reply("Hmm, no, the nut one after all.", tools=tools, history=RENAMED, known=HELD)) == (
        "rename_chore",
        {"chore": "Refill the seed feeder", "new_words": "Refill the nut feeder"},
    )
