"""Names heard against the names the tools hold, and "Did you mean ...?" before a write on a guess."""

from __future__ import annotations

import pytest

from realtalk.apps import builtin_apps
from realtalk.brain.base import Message
from realtalk.brain.entities import Match, closest
from tests.brain.toolbox import called, reply, said

TASKS = builtin_apps()["task-manager"].tools.specs()
KNOWN = [
    "Pick up dry cleaning",
    "Water the plants",
    "Renew passport",
    "Finish quarterly report",
    "Call the landlord",
]


@pytest.mark.parametrize(
    ("heard", "match"),
    [
        ("right cleaning", Match("Pick up dry cleaning", sure=True)),  # half the words are its own
        ("the passport renewal", Match("Renew passport", sure=True)),  # a form of its word
        ("walk around the plant", Match("Water the plants", sure=True)),  # words that fit none do not count
        ("the quarterly rapport", Match("Finish quarterly report", sure=True)),  # one of each
        ("the rapport", Match("Finish quarterly report", sure=False)),  # sounds alike only
        ("lanlord", Match("Call the landlord", sure=False)),  # spelt alike only
        ("fly to the moon", None),
    ],
)
def test_the_closest_known_name_and_how_sure(heard: str, match: Match | None) -> None:
    assert closest(heard, KNOWN) == match


def test_a_write_on_a_guessed_name_asks_first_and_yes_goes_ahead() -> None:
    asked = said(reply("Mark the lanlord as done", tools=TASKS, known=KNOWN))
    assert asked == "Did you mean Call the landlord?"
    history = [Message("user", "Mark the lanlord as done"), Message("assistant", asked)]
    assert called(reply("Yes.", tools=TASKS, history=history, known=KNOWN)) == (
        "complete_task",
        {"title": "Call the landlord"},
    )


def test_no_asks_again_and_the_name_then_said_is_used() -> None:
    history = [
        Message("user", "Mark the lanlord as done"),
        Message("assistant", "Did you mean Call the landlord?"),
    ]
    which = said(reply("No.", tools=TASKS, history=history, known=KNOWN))
    assert which == "Sorry. Which one did you mean?"
    history += [Message("user", "No."), Message("assistant", which)]
    # The held name the words surely name is sent whole.
    assert called(reply("the dry cleaning", tools=TASKS, history=history, known=KNOWN)) == (
        "complete_task",
        {"title": "Pick up dry cleaning"},
    )
    # "No, the passport one" answers both at once.
    assert called(reply("No, the passport one.", tools=TASKS, history=history[:2], known=KNOWN)) == (
        "complete_task",
        {"title": "Renew passport"},
    )


def test_what_is_sure_what_adds_and_what_is_not_an_answer_do_not_ask() -> None:
    assert called(reply("Mark right cleaning as done", tools=TASKS, known=KNOWN))[0] == "complete_task"
    assert called(reply("Add walk around the plant", tools=TASKS, known=KNOWN))[0] == "add_task"  # new names
    history = [
        Message("user", "Mark the lanlord as done"),
        Message("assistant", "Did you mean Call the landlord?"),
    ]
    assert "It's" in said(reply("What time is it?", tools=TASKS, history=history, known=KNOWN))
    # Without the names the tools hold, the call goes to the tool as before.
    assert called(reply("Mark the lanlord as done", tools=TASKS))[0] == "complete_task"


def test_a_write_on_words_heard_unsurely_asks_what_was_said() -> None:
    garbled = Message("user", "Add it being over poop.", heard_unsure=True)
    asked = said(reply(None, tools=TASKS, history=[garbled], known=KNOWN))
    assert asked == 'Sorry, I may have misheard. Did you say "Add it being over poop."?'
    history = [garbled, Message("assistant", asked)]
    assert called(reply("Yes.", tools=TASKS, history=history, known=KNOWN)) == (
        "add_task",
        {"title": "it being over poop"},
    )
    assert said(reply("No.", tools=TASKS, history=history, known=KNOWN)) == "Sorry. Could you say it again?"
    # Reading or asking for what is missing needs no check, and words heard surely are acted on at once.
    unsure_ask = said(reply(None, tools=TASKS, history=[Message("user", "add task,", heard_unsure=True)]))
    assert unsure_ask.endswith("?") and "misheard" not in unsure_ask
    assert called(reply(None, tools=TASKS, history=[Message("user", "What's overdue?", heard_unsure=True)]))[
        0
    ] == ("list_due_tasks")
    assert (
        called(reply(None, tools=TASKS, history=[Message("user", "Add it being over poop.")]))[0]
        == "add_task"
    )
