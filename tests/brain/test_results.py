"""Tool results as spoken sentences, and what the instructions say about the persona."""

from __future__ import annotations

import json
from typing import Any

import pytest

from realtalk.brain import persona, results, routing
from tests.brain.toolbox import EMAIL, MEMORY, ORDER, TASKS, WEATHER


@pytest.mark.parametrize(
    ("tool", "output", "spoken"),
    [
        ("get_weather", {"temperature": 21, "unit": "C", "city": "Paris"},
         "The temperature in Paris is 21 C."),
        ("lookup_order", {"order": "456", "status": "shipped"}, "The status of order 456 is shipped."),
        ("convert_distance", {"kilometers": 5.0, "miles": 3.11}, "5 kilometers is 3.11 miles."),
        ("get_weather", {"location": "Oslo", "temp_c": -3.456, "wind": {"speed": 12, "unit": "km/h"},
                         "is_raining": False},
         "The temperature in Oslo is -3.46 degrees Celsius, the wind speed is 12 km/h and it's not raining."),
        ("book_table", {"success": True, "confirmation": "AB12", "time": "2026-11-23T19:30:00"},
         "The confirmation is AB12 and the time is Monday, November 23 at 7:30 PM."),
        ("search", [{"name": "Pasta Place", "rating": 4.5}, {"name": "Sushi Bar"}, {"name": "Taco Town"}],
         "I found 3: Pasta Place, Sushi Bar and Taco Town."),
        ("search", [], "I didn't find anything."),
        ("get_quote", {"result": "ACME trades at 42 dollars."}, "ACME trades at 42 dollars."),
        ("set_memory", {"ok": True}, "Done."),
        ("count", 42, "The result is 42."),
        ("get_stock_price", {"error": "unknown symbol XYZ"},
         "Sorry, I couldn't get the stock price: unknown symbol XYZ."),
        ("reset_password", {"error": "reset_password failed: the mail server is down"},
         "Sorry, I couldn't reset the password: the mail server is down."),
        ("lookup_order", {"success": False, "message": "No such order"},
         "Sorry, I couldn't look up the order: No such order."),
        ("get_page", {"title": "Home", "url": "https://example.com/a/very/long/link"}, "The title is Home."),
    ],
)  # fmt: skip
def test_json_results_become_short_sentences(tool: str, output: Any, spoken: str) -> None:
    assert results.speak(tool, json.dumps(output)) == spoken


@pytest.mark.parametrize(
    "output",
    [
        {"ok": True, "title": "x"},
        {"message": "Added buy milk.", "task_id": 3},
        {"city": "Paris", "temperature": 21.5, "unit": "C", "raining": None},
        [{"name": "Pasta Place"}, {"name": "Sushi Bar"}],
        {"success": False, "message": "No such order"},
    ],
)
def test_python_repr_results_are_spoken_like_json(output: Any) -> None:
    # LiveKit's RealtimeModel sends str(result): a Python repr, with single quotes and True/None.
    assert results.speak("lookup_order", repr(output)) == results.speak("lookup_order", json.dumps(output))
    spoken = results.speak("lookup_order", repr(output))
    assert not set('{}[]"') & set(spoken) and "': " not in spoken and "True" not in spoken


def test_unparseable_structured_text_is_read_as_text() -> None:
    assert results.speak("notes", "{not python: at all") == "{not python: at all."
    assert results.speak("notes", "(" * 200_000).startswith("(")


def test_text_results() -> None:
    assert results.speak("notes", "saved your note") == "Saved your note."
    assert results.speak("notes", "Error: disk full") == "Sorry, I couldn't use the notes: disk full."
    assert results.speak(None, "") == "Done."
    long = " ".join(f"Sentence number {i} goes on." for i in range(40))
    assert len(results.speak("read", long).split()) <= 60 and results.speak("read", long).endswith(".")


def test_capabilities_in_plain_words() -> None:
    assert routing.describe(WEATHER) == "get the current weather for a city"
    assert routing.describe(MEMORY) == "save important data about the user into memory"
    assert routing.describe(ORDER) == "look up the status of an order"
    assert routing.describe(EMAIL) == "send an email"
    assert [routing.describe(t) for t in TASKS[::4]] == [
        "add a new task to the task list",
        "delete a task from the list",
    ]


def test_persona_parsing() -> None:
    ada = persona.parse(
        "You are Ada, a helpful and friendly concierge for Hotel X, who loves jazz. Be brief."
    )
    assert (ada.name, ada.role) == ("Ada", "your concierge for Hotel X")
    assert persona.parse("Your name is Max and you work at the front desk of the Plaza.").describe() == (
        "Max, from the front desk of the Plaza"
    )
    assert persona.parse("You are a helpful assistant.").introduce() == "Hi there! How can I help?"
    quoted = persona.parse("Greet callers with “Thanks for calling Joe's Diner!” and keep it short.")
    assert quoted.greeting == "Thanks for calling Joe's Diner!"
    scripted = persona.parse("If the caller asks whether we deliver, say that we deliver within 5 miles.")
    assert scripted.rule_for("do you deliver") == "We deliver within 5 miles."
    assert scripted.rule_for("what's the weather") is None
    assert persona.parse("End every call with 'Have a sunny day!'").farewell == "Have a sunny day!"
