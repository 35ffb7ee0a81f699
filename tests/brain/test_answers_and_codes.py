"""Yes and no said any way, codes said in parts, questions said inside statements, and remarks
that share a tool's words, on tools the apps don't have: a subscription that asks before it is
cancelled, a safe with a 6-digit PIN, a locker whose combination is a pattern, a recipe box, a
calendar, a garden planner with a summary of the week."""

from __future__ import annotations

import pytest

from realtalk.brain import intent, phrasing, yes_no
from realtalk.brain.base import Message, ToolCall
from tests.brain.test_dialogue import after
from tests.brain.test_unseen_capabilities import EVENTS, HELD, RECIPES
from tests.brain.toolbox import TASKS, called, reply, said, tool

SUBSCRIPTIONS = [
    tool(
        "cancel_subscription",
        "Cancel a subscription; asks the user to confirm first.",
        ["service"],
        service={"type": "string", "description": "which subscription, by its name"},
        confirm={"type": "boolean", "description": "true once the user has agreed"},
    ),
    tool("list_subscriptions", "List the user's subscriptions."),
]
ASKED = after(
    "cancel_subscription",
    {"service": "streaming"},
    {"message": "Do you really want to cancel the film streaming plan?", "service": "Film streaming plan"},
    "Do you really want to cancel Film streaming plan? Say: yes, cancel it.",
)
SAFE = [
    tool(
        "open_safe",
        "Open the hotel room safe.",
        ["pin"],
        pin={"type": "string", "description": "the 6-digit PIN the guest chose"},
    ),
    tool("call_reception", "Put the guest through to reception."),
]
LOCKERS = [
    tool(
        "open_locker",
        "Open a gym locker.",
        ["combination"],
        combination={"type": "string", "pattern": "^[0-9]{3}$"},
    ),
]


@pytest.mark.parametrize(
    "text",
    ["Ay, crack on then.", "nah yeah, do it", "Haan ji.", "if you insist", "sure, why not", "I don't mind",
     "I'm fine with that", "yeah, we're happy with that"],
)  # fmt: skip
def test_yes_in_any_dialect_confirms(text: str) -> None:
    name, values = called(reply(text, tools=SUBSCRIPTIONS, history=ASKED))
    assert name == "cancel_subscription" and values == {"service": "Film streaming plan", "confirm": True}


@pytest.mark.parametrize(
    "text",
    [
        "yeah nah",
        "Better not, actually.",
        "Och no, I'll hang on to it.",
        "I'd rather you didn't",
        "nahi",
        "Nah love, keep it",
        "I'm good, thanks",
    ],
)
def test_no_in_any_dialect_leaves_it(text: str) -> None:
    assert "leave it" in said(reply(text, tools=SUBSCRIPTIONS, history=ASKED)).lower()


def test_the_last_word_of_an_answer_decides_and_a_request_is_no_answer() -> None:
    assert yes_no.answer("yes... no wait") is False
    assert yes_no.answer("no, no, go ahead") is True
    assert yes_no.answer("no worries") is True  # "no" inside a phrase that agrees
    assert yes_no.answer("oh don't do that") is False  # "do that" inside a phrase that refuses
    assert yes_no.answer("add milk, please") is None  # opens with a request, not an answer
    assert yes_no.bare("yep, and list them") is None  # an answer that goes on to ask for more


def test_a_bare_dialect_yes_or_no_with_nothing_asked_is_small_talk() -> None:
    for text in ("yeah nah", "aye"):
        assert "cancel" not in said(reply(text, tools=SUBSCRIPTIONS)).lower()


@pytest.mark.parametrize(
    ("text", "pin"),
    [
        ("open it with four-four-one-nine-oh-two", "441902"),
        ("triple one, then two, and then double five", "111255"),
        ("Might it be nineteen eighty-four twelve? My wife's birthday, you know.", "198412"),
    ],
)
def test_codes_said_every_way(text: str, pin: str) -> None:
    assert called(reply(text, tools=SAFE)) == ("open_safe", {"pin": pin})


def test_a_code_said_over_several_turns_is_joined() -> None:
    history: list[Message] = []
    for part in ("the PIN starts with three one", "then seven"):
        answer = said(reply(part, tools=SAFE, history=history))
        assert "PIN" in answer  # asked for the rest, nothing called yet
        history += [Message("user", part), Message("assistant", answer)]
    assert called(reply("and it ends with nine nine two", tools=SAFE, history=history)) == (
        "open_safe",
        {"pin": "317992"},
    )


def test_a_part_that_overshoots_the_length_is_asked_again() -> None:
    history = [Message("user", "it starts with 4 4"), Message("assistant", "Sure. What's the PIN?")]
    assert "PIN" in said(reply("then 1 2 3 4 5", tools=SAFE, history=history))


def test_how_long_a_code_is_comes_from_the_schema() -> None:
    assert said(reply("How many digits is the PIN?", tools=SAFE)) == "The PIN has 6 digits."
    assert said(reply("how many numbers do I need?", tools=LOCKERS)) == "The combination has 3 digits."
    # "how long" may be about time: only a question that names the code is answered so
    assert "digits" not in said(reply("how long have I got?", tools=LOCKERS))


GARDEN = [
    tool("add_job", "Add a job to the garden planner.", ["job"], job={"type": "string"}),
    tool("summarize_week", "Summarise the week's garden jobs: what is due and what is late."),
    tool("water_bed", "Water a flower bed now.", ["bed"], bed={"type": "string", "description": "which bed"}),
]


@pytest.mark.parametrize(
    "text",
    [
        "I was wondering if I'd saved the beef stew one",
        "do you happen to know whether the chocolate cake is in there",
        "could you check if I archived the lemon drizzle",
        "not sure if I ever added a pavlova",
        "I can't remember whether the stew has carrots in it",
        "the chocolate cake's in the box, right",
    ],
)
def test_a_question_said_inside_a_statement_never_writes(text: str) -> None:
    for event in reply(text, tools=RECIPES, known=HELD):
        assert not isinstance(event, ToolCall) or event.name in ("list_recipes", "get_recipe"), text


def test_an_embedded_question_is_asked_and_a_polite_frame_still_requests() -> None:
    assert intent.is_question(phrasing.request("can you tell me when the standup is"))
    assert intent.is_question(phrasing.request("the lunch with Priya is Friday, yeah"))
    # "is (it) possible to ..." and "do you think you could ...?" ask for the thing to be done
    name, values = called(reply("Is possible to move the lunch with Priya to Friday at 1pm?", tools=EVENTS))
    assert name == "move_event" and values["start"].startswith("2026-11-27T13:00")
    assert called(reply("Do you think you could archive the beef stew?", tools=RECIPES, known=HELD))[0] == (
        "archive_recipe"
    )


def test_a_request_with_a_tag_that_agrees_is_still_a_request() -> None:
    # "..., right?" after a statement asks; after a request it only looks for agreement.
    assert called(reply("remind me to call mum tomorrow, yes", tools=TASKS)) == (
        "add_task",
        {"title": "call mum", "due": "2026-11-23"},
    )
    assert called(reply("mark the passport done, right", tools=TASKS, known=["Renew passport"]))[0] == (
        "complete_task"
    )
    assert intent.is_question(phrasing.request("Bin day is Tuesday, yeah"))


@pytest.mark.parametrize(
    "text",
    [
        "Pure dreich out there the week.",
        "what a lovely week for it",
        "it's been a long week",
        "the neighbours are adding a conservatory",
        "How was your week?",
    ],
)
def test_a_remark_with_a_tools_words_calls_nothing(text: str) -> None:
    assert not any(isinstance(e, ToolCall) for e in reply(text, tools=GARDEN)), text


def test_my_week_still_asks_for_the_summary() -> None:
    for text in ("run me through my week", "what does my week look like?"):
        assert called(reply(text, tools=GARDEN))[0] == "summarize_week", text


NURSERY = [
    tool(
        "list_orders", "List the customer's plant orders.", tag={"type": "string", "description": "a label"}
    ),
    tool("summarize_orders", "Summarise what the orders cost."),
    tool("transfer_to_sam", "Hand the conversation to Sam, who handles garden design and planting advice."),
]


def test_a_plea_for_help_goes_to_the_agent_who_handles_it() -> None:
    for text in ("I'm overwhelmed, could somebody help me with the planting?", "help me design the garden"):
        assert called(reply(text, tools=NURSERY)) == ("transfer_to_sam", {}), text
    # help with what no agent handles is no handoff
    assert not any(
        isinstance(e, ToolCall) and e.name == "transfer_to_sam" for e in reply("help me", tools=NURSERY)
    )


def test_what_things_are_for_filters_a_listing_by_label() -> None:
    assert called(reply("whats on for the allotment rn", tools=NURSERY)) == (
        "list_orders",
        {"tag": "allotment"},
    )
    assert called(reply("what's on for december?", tools=NURSERY))[1] == {}  # a month is no label


def test_a_repair_after_a_full_stop_or_said_with_nah() -> None:
    assert (
        phrasing.request(
            "Book the hall for Monday. No, wait, make that Tuesday, the caretaker is off Monday."
        )
        == "Book the hall for Tuesday"
    )
    assert phrasing.request("book the hall for Monday, nah, Tuesday") == "book the hall for Tuesday"
    # a new sentence that only says no is no repair
    assert phrasing.request("Move it to Monday. No, it's fine") == "Move it to Monday. No, it's fine"


def test_of_two_codes_the_last_is_meant_and_parts_go_where_their_words_put_them() -> None:
    assert called(reply("four four one nine oh two, no sorry, four four one nine oh three", tools=SAFE)) == (
        "open_safe",
        {"pin": "441903"},
    )
    history = [Message("user", "it ends with 0 5 5"), Message("assistant", "Sure. What's the PIN?")]
    assert called(reply("and the first three are 7 7 1", tools=SAFE, history=history)) == (
        "open_safe",
        {"pin": "771055"},
    )


def test_questions_about_the_rules_are_answered_from_the_instructions() -> None:
    greeting = "Greet the player with 'Welcome aboard. The safe opens with a six digit PIN.'"
    for text in ("What happens if I get it wrong?", "is there a time limit?", "how many tries do I get"):
        assert "six digit PIN" in said(reply(text, tools=SAFE, instructions=greeting)), text


def test_slot_answers_said_loosely() -> None:
    table = [
        tool("rate_film", "Rate a film.", ["stars"], stars={"type": "string", "enum": ["low", "mid", "high"]})
    ]
    asked = [Message("user", "rate a film"), Message("assistant", "Sure. Which stars: low, mid or high?")]
    assert called(reply("the highest", tools=table, history=asked)) == ("rate_film", {"stars": "high"})
    asked = [Message("user", "add a task"), Message("assistant", "Sure. What's the title?")]
    assert called(reply("it's to water the ferns", tools=TASKS, history=asked)) == (
        "add_task",
        {"title": "water the ferns"},
    )


def test_the_date_asked_alone_is_told_not_listed() -> None:
    assert said(reply("what's the date today?", tools=GARDEN)).startswith("Today is Sunday")


def test_a_request_with_only_a_placeholder_asks_what() -> None:
    for text in ("I need to remember something.", "remind me to do something"):
        assert said(reply(text, tools=TASKS)).endswith("What's the title?"), text


def test_a_repair_reaches_the_preposition_the_sentence_opens_with() -> None:
    assert phrasing.request("On Monday... no, no, the Tuesday, at ten in the morning.") == (
        "On the Tuesday, at ten in the morning"
    )


def test_can_i_asks_for_a_thing_but_not_for_what_is_possible() -> None:
    assert called(reply("can I add repot the fern please", tools=TASKS)) == (
        "add_task",
        {"title": "repot the fern"},
    )
    for text in ("Can I add more than one recipe?", "could I add several recipes at once?"):
        assert not any(
            isinstance(e, ToolCall) and e.name == "add_recipe" for e in reply(text, tools=RECIPES)
        ), text


def test_a_statement_of_how_things_are_writes_nothing() -> None:
    held = ["Standup with the design team", "Lunch with Priya"]
    for text in ("the design team is always off on Fridays", "lunch with Priya is usually closed on Mondays",
                 "board night is Thursday round here"):  # fmt: skip
        assert not any(isinstance(e, ToolCall) for e in reply(text, tools=EVENTS, known=held)), text


def test_digits_put_in_place_one_at_a_time() -> None:
    text = "first digit is 4, second is 4, then 1, 9 and nought, and the last is 2"
    assert called(reply(text, tools=SAFE)) == ("open_safe", {"pin": "441902"})
    history = [
        Message("user", "the first number is 3, the second is 9"),
        Message("assistant", "Sure. What's the PIN?"),
    ]
    assert called(
        reply("third is 1, fourth is 4, then 5 and the last is 6", tools=SAFE, history=history)
    ) == (
        "open_safe",
        {"pin": "391456"},
    )


def test_asking_for_the_code_is_no_try_of_one() -> None:
    helping = [*SAFE, tool("give_clue", "Give the guest a clue: reveals the next digit of the PIN.")]
    for text in ("Oh just tell me the PIN", "what's the PIN?"):
        assert called(reply(text, tools=helping))[0] == "give_clue", text
    rules = "Greet the guest with 'Hello. Six digit PINs only.'"
    assert (
        said(reply("what am I meant to be doing?", tools=SAFE, instructions=rules)) == "Six digit PINs only."
    )


def test_a_yes_or_no_slot_is_answered_in_any_dialect() -> None:
    table = [
        tool(
            "book_court",
            "Book a tennis court.",
            ["day", "floodlit"],
            day={"type": "string", "format": "date"},
            floodlit={"type": "boolean", "description": "a court with floodlights"},
        )
    ]
    question = said(reply("book a court for Friday", tools=table))
    assert question.endswith("yes or no?")
    asked = [Message("user", "book a court for Friday"), Message("assistant", question)]
    for text, lit in (("nah yeah, go on", True), ("yeah nah", False), ("aye", True), ("best not", False)):
        name, values = called(reply(text, tools=table, history=asked))
        assert name == "book_court" and values["floodlit"] is lit, text
