"""Readings chosen by whether their values fit the parameters the tools take (`session/values.py`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from realtalk.brain.base import ToolSpec
from realtalk.engines.base import Hypothesis
from realtalk.session.hearing import Expectation
from realtalk.session.hypotheses import choose
from realtalk.session.values import digits_put_back, fit, fits

DOOR = ToolSpec(
    "unlock_door",
    "Try a code.",
    {"type": "object", "properties": {"code": {"type": "string", "description": "The 4-digit code."}}},
)
SAFE = ToolSpec("open_safe", "", {"properties": {"pin": {"type": "string", "pattern": "^[0-9]{6}$"}}})
DUE = {"title": {"type": "string"}, "due": {"type": "string", "format": "date-time"}}
TASKS = [
    ToolSpec("add_task", "", {"properties": DUE}),
    ToolSpec("order", "", {"properties": {"quantity": {"type": "integer", "minimum": 1}}}),
]
NOW = datetime(2026, 11, 30, 9, 0)


def test_a_reading_whose_code_fits_the_schema_wins_over_a_likelier_one_that_does_not() -> None:
    readings = [Hypothesis("The code is 77001.", -0.48), Hypothesis("The code in 7 7 0 1.", -0.56)]
    assert choose(readings, Expectation.of([DOOR], None)).text == "The code in 7 7 0 1."
    # Without a tool that takes a 4-digit code, sound alone decides.
    assert choose(readings, Expectation.of(TASKS, None)).text == "The code is 77001."


def test_a_code_one_reading_alone_gives_gains_nothing_over_readings_that_heard_none() -> None:
    """The prompt's example code can pull one reading of "Another one, please." into a code (heard
    in a hint's context); a code that another reading, or a second recogniser, also gives still wins."""
    door = Expectation.of([DOOR], "The first digit is 5. 3 more to find.")
    heard = [Hypothesis("I heard the one please.", -1.01), Hypothesis("1 3 3 1. Please.", -1.05)]
    assert choose([*heard, Hypothesis("1 please.", -1.17)], door).text == "I heard the one please."
    assert choose([*heard, Hypothesis("It's 1 3 3 1.", -1.2)], door).text == "1 3 3 1. Please."
    assert choose([heard[0], replace(heard[1], votes=2)], door).text == "1 3 3 1. Please."
    # A value other than a code is not in the prompt's example: one reading alone giving it counts.
    when = Expectation.of(TASKS, "Sure. When should it be?")
    assert fits([Hypothesis("Tomorrow at 3.", -0.5), Hypothesis("To morrow.", -0.4)], when.wanted, NOW) == [
        1,
        0,
    ]


def test_a_code_too_short_or_with_letters_loses_and_saying_none_is_neutral() -> None:
    wanted = Expectation.of([DOOR], None).wanted
    assert fit("Is it 4 8 2 1?", wanted, NOW) == 1
    assert fit("482 ion", wanted, NOW) == -1
    assert fit("I'm 0 6 2.", wanted, NOW) == -1
    assert fit("Give me a hint.", wanted, NOW) == 0
    assert fit("1 more, please.", wanted, NOW) == 0  # one digit is no attempt at a 4-digit code
    # A pattern of digits is a code too, its length read from the pattern.
    six = Expectation.of([SAFE], None).wanted
    assert [w.lengths for w in six] == [frozenset({6})]
    assert fit("1 2 3 4 5 6", six, NOW) == 1 and fit("1 2 3 4", six, NOW) == -1


def test_a_pattern_is_read_as_so_many_digits_never_run() -> None:
    def lengths(pattern: str) -> list[frozenset[int]]:
        tool = ToolSpec("t", "", {"properties": {"pin": {"type": "string", "pattern": pattern}}})
        return [w.lengths for w in Expectation.of([tool], None).wanted]

    assert lengths(r"^\d{4,6}$") == [frozenset({4, 5, 6})]
    assert lengths(r"\d{12,}") == [frozenset(range(12, 17))]
    # Letters, or a pattern that would take seconds to search (nested repeats): no code of digits.
    assert lengths("^[A-Z]{3}[0-9]{3}$") == [] and lengths(r"^((\d+)+)+1$") == []


def test_a_value_is_listened_for_only_when_the_agent_asks_for_it() -> None:
    assert Expectation.of(TASKS, "Added Buy milk. What else?").wanted == ()
    when = Expectation.of(TASKS, "Sure. When should it be?")
    assert [w.param.name for w in when.wanted] == ["due"]
    readings = [Hypothesis("To morrow at free.", -0.40), Hypothesis("Tomorrow at 3.", -0.50)]
    assert choose(readings, when).text == "Tomorrow at 3."
    many = Expectation.of(TASKS, "How many would you like?")
    assert [w.param.name for w in many.wanted] == ["quantity"]
    assert fit("12 please", many.wanted, NOW) == 1 and fit("0", many.wanted, NOW) == -1


def test_digits_heard_as_words_that_sound_like_them_make_a_code_of_the_right_length() -> None:
    wanted = Expectation.of([DOOR], None).wanted
    assert digits_put_back("Open it with fine, fine, fine, fine.", wanted) == "Open it with 5 5 5 5."
    assert digits_put_back("Alright, try Nero Nero Nero Nero.", wanted) == "Alright, try 0 0 0 0."
    assert digits_put_back("Let's try 3 or 8, 5.", wanted) == "Let's try 3 0 8 5."
    assert digits_put_back("Nero 0.42, please.", wanted) == "0 0 4 2, please."
    # A run too long by a sound-alike at one end: that one is the word it is.
    assert digits_put_back("Enter fine fine fine fine for me.", wanted) == "Enter 5 5 5 5 for me."
    # Digits or words for them (the brain reads both), not a code's length, no code wanted: as heard.
    for text in (
        "two seven seven one",
        "Try 71 ate 2",
        "Enter 5 5 5 5 for me.",
        "to 5 5 5 5 for",
        "Is it 5 or 6?",
        "I want to go for a walk.",
        "Another one, please.",
        "I'm fine, thanks.",
    ):
        assert digits_put_back(text, wanted) == text
    assert digits_put_back("fine fine fine fine", Expectation.of(TASKS, None).wanted) == "fine fine fine fine"


def test_the_prompt_shows_a_code_written_digit_by_digit_when_the_tools_take_one() -> None:
    prompt = Expectation.of([DOOR], None).prompt()
    assert prompt is not None and prompt.endswith("Code: 1 4 7 0.")
    assert "Code:" not in (Expectation.of(TASKS, None).prompt() or "")


def test_client_tools_as_dicts_are_read_like_specs() -> None:
    tool = {"type": "function", "name": "unlock_door", "parameters": DOOR.parameters}
    assert Expectation.of([tool], None).wanted == Expectation.of([DOOR], None).wanted
    broken = {"type": "function", "name": "x", "parameters": {"properties": {"pin": {"pattern": "(["}}}}
    assert Expectation.of([broken], None).wanted == ()
