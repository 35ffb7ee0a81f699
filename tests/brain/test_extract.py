"""Typed values from spoken words, and tool arguments from an utterance by JSON-schema type."""

from __future__ import annotations

from typing import Any

import pytest

from realtalk.brain import arguments, extract, parameters
from realtalk.brain.extract import Utterance
from tests.brain.toolbox import NOW, tool


@pytest.mark.parametrize(
    ("spoken", "normal"),
    [
        ("table for twenty five people", "table for 25 people"),
        ("three hundred and two apples and 7 pears", "302 apples and 7 pears"),
        ("two thousand twenty six", "2026"),
        ("one two three four", "1 2 3 4"),
        ("double four seven one", "4 4 7 1"),
        ("four oh seven", "4 0 7"),
        ("two point five kilos", "2.5 kilos"),
        ("minus five degrees", "-5 degrees"),
        ("twenty-one", "21"),
        ("which one is better", "which one is better"),
        ("on december third at 5 p.m.", "on december 3rd at 5 pm"),
        ("the twenty first of june", "the 21st of june"),
        ("order 55,123!", "order 55123"),
        ("What’s up?", "What's up"),
    ],
)
def test_normalize(spoken: str, normal: str) -> None:
    assert extract.normalize(spoken) == normal


@pytest.mark.parametrize(
    ("spoken", "part", "value"),
    [
        ("tomorrow at 3pm", "datetime", "2026-11-23T15:00:00"),
        ("next friday", "date", "2026-11-27"),
        ("on friday at seven thirty pm", "datetime", "2026-11-27T19:30:00"),
        ("monday next week", "date", "2026-11-23"),
        ("the day after tomorrow", "date", "2026-11-24"),
        ("on the fifth", "date", "2026-12-05"),
        ("december third", "date", "2026-12-03"),
        ("this weekend", "date", "2026-11-28"),
        ("in three days", "date", "2026-11-25"),
        ("in two hours", "datetime", "2026-11-22T14:00:00"),
        ("in half an hour", "time", "12:30"),
        ("at half past three", "time", "15:30"),
        ("quarter to eight in the morning", "time", "07:45"),
        ("at noon", "time", "12:00"),
        ("dinner at 8", "time", "20:00"),
        ("at 10", "datetime", "2026-11-23T10:00:00"),  # 10 am today has passed: tomorrow
        ("tomorrow evening", "datetime", "2026-11-23T19:00:00"),
    ],
)
def test_dates_and_times(spoken: str, part: str, value: str) -> None:
    found = extract.when(Utterance(spoken, NOW), part)
    assert found is not None and found.value == value


def test_no_date_or_time_is_none() -> None:
    assert extract.when(Utterance("buy 4 apples", NOW), "datetime") is None
    assert extract.when(Utterance("tomorrow", NOW), "time") is None


@pytest.mark.parametrize(
    ("spoken", "code"),
    [
        ("my pin is one two three four", "1234"),
        ("order a b c one two three", "ABC123"),
        ("reference 4-2-7", "427"),
        ("it's 55123", "55123"),
        ("no digits here", None),
        ("give me a 5", None),
    ],
)
def test_codes(spoken: str, code: str | None) -> None:
    found = extract.code(Utterance(spoken, NOW))
    assert (found.value if found else None) == code


@pytest.mark.parametrize(
    ("heard", "code"),
    [
        ("let me try 1 to 3 4 instead", "1234"),  # "two" heard as "to" among digits said one by one
        ("is it 9 for 0 1", "9401"),
        ("walk 12 to 14 miles", None),  # not digits said one by one
        ("from 3 to the 4", None),
    ],
)
def test_a_digit_heard_as_a_word_that_sounds_like_it(heard: str, code: str | None) -> None:
    found = extract.code(Utterance(heard, NOW), digits=True)
    assert (found.value if found else None) == code
    assert extract.code(Utterance(heard, NOW)) is None or code is None  # only for codes of digits


def test_a_number_written_as_hundreds_and_the_rest() -> None:
    # "four thousand two hundred and twelve", as a speech recogniser writes it
    assert extract.normalize("4,200 and 12.") == "4212"
    assert extract.normalize("it was 300 and 5 pages") == "it was 305 pages"
    assert extract.normalize("between 3 and 12") == "between 3 and 12"


@pytest.mark.parametrize(
    ("heard", "value"),
    [
        ("on Thursday at 7.30 p.m.", "2026-11-26T19:30:00"),  # as speech recognisers write clock times
        ("on Thursday at 730pm", "2026-11-26T19:30:00"),
        ("Thursday at 1030 am", "2026-11-26T10:30:00"),
        ("Thursday at 19.45", "2026-11-26T19:45:00"),
    ],
)
def test_clock_times_as_recognisers_write_them(heard: str, value: str) -> None:
    found = extract.when(Utterance(heard, NOW), "datetime")
    assert found is not None and found.value == value
    assert extract.normalize("it costs 7.30") == "it costs 7.30"


def test_used_words_are_not_used_twice() -> None:
    utterance = Utterance("book for 4 at 7 pm", NOW)
    found = extract.when(utterance, "time")
    assert found is not None and utterance.take(found) == "19:00"
    assert [n.value for n in extract.numbers(utterance)] == [4.0]
    assert utterance.rest() == "book for 4"


PARAMS = tool(
    "everything",
    "A tool with one parameter of each kind",
    email={"type": "string", "format": "email"},
    count={"type": "integer", "description": "number of guests"},
    price={"type": "number"},
    size={"type": "string", "enum": ["small", "extra_large"]},
    vegetarian={"type": "boolean"},
    city={"type": "string"},
    contact_name={"type": "string"},
    tags={"type": "array", "items": {"type": "string", "enum": ["red", "green", "blue"]}},
    labels={"type": "array", "items": {"type": "string"}},
    note={"type": "string"},
)


@pytest.mark.parametrize(
    ("spoken", "expected"),
    [
        ("reach me at jo dot smith at mail dot com", {"email": "jo.smith@mail.com"}),
        ("for twelve guests", {"count": 12}),
        ("a price of 19.99 for 2 guests", {"price": 19.99, "count": 2}),
        ("an extra large one", {"size": "extra_large"}),
        ("make it vegetarian", {"vegetarian": True}),
        ("not vegetarian please", {"vegetarian": False}),
        ("somewhere in rio de janeiro", {"city": "Rio De Janeiro"}),
        ("my name is ada lovelace", {"contact_name": "Ada Lovelace"}),
        ("red and blue ones", {"tags": ["red", "blue"]}),
        ("tagged work and home", {"labels": ["work", "home"]}),
    ],
)
def test_arguments_by_schema(spoken: str, expected: dict[str, Any]) -> None:
    filled = arguments.fill(PARAMS, spoken, NOW).arguments
    assert {k: filled.get(k) for k in expected} == expected


def test_booleans_and_enums_need_their_words() -> None:
    assert arguments.fill(PARAMS, "in paris", NOW).arguments == {"city": "Paris"}


def test_free_text_is_the_request_without_its_phrasing() -> None:
    note = tool("add_note", "Add a note", ["text"], text={"type": "string"}, when={"type": "string"})
    filled = arguments.fill(note, "could you please add a note saying call the plumber on monday", NOW)
    assert filled.arguments == {"text": "call the plumber", "when": "2026-11-23"}
    assert filled.missing == []


def test_required_parameters_that_cannot_be_filled_are_missing() -> None:
    strict = tool("strict", "", ["count", "email"], **PARAMS.parameters["properties"])
    filled = arguments.fill(strict, "hello", NOW)
    assert [p.name for p in filled.missing] == ["email", "count"]
    assert [parameters.question(p) for p in filled.missing] == [
        "What's the email?",
        "What's the number of guests?",
    ]
