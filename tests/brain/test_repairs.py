"""Repairs on tools the apps don't have (a calendar, a bug tracker): a value corrected in the same
breath ("on June 3, sorry, I mean June 5") takes the place of the phrase it repairs, and "same for
X" after a change makes that change for another held thing."""

from __future__ import annotations

from realtalk.brain import phrasing
from tests.brain.test_degrees_and_remarks import BUGS, HELD_BUGS
from tests.brain.test_dialogue import after
from tests.brain.test_unseen_capabilities import EVENTS
from tests.brain.toolbox import called, reply


def test_a_repair_mid_sentence_replaces_the_phrase_after_the_last_preposition() -> None:
    assert phrasing.request("Book the hall for June 3, sorry, I mean June 5") == "Book the hall for June 5"
    assert phrasing.request("ring the vet at 4, or rather half past 5") == "ring the vet at half past 5"
    # "no rush" is no repair, and a list is not one either
    assert phrasing.request("file it, no rush") == "file it, no rush"
    assert phrasing.request("add eggs, bread, and milk") == "add eggs, bread, and milk"


def test_a_repaired_day_is_the_day_the_call_gets() -> None:
    name, values = called(
        reply("Create a dinner with Sam on Tuesday, no wait, make that Wednesday", tools=EVENTS)
    )
    assert name == "create_event"
    assert values["start"].startswith("2026-11-25")  # the Wednesday after Sunday the 22nd
    assert "Tuesday" not in values["title"] and "wait" not in values["title"]


def test_same_for_another_held_thing_repeats_the_last_change() -> None:
    history = after(
        "set_bug_severity",
        {"bug": "footer typo", "severity": "minor"},
        {"title": "Typo in the footer", "severity": "minor"},
        "Typo in the footer is now minor.",
    )
    for text in ("Do the same with the export one.", "same goes for export times out please"):
        name, values = called(reply(text, tools=BUGS, history=history, known=HELD_BUGS))
        assert name == "set_bug_severity"
        assert values["severity"] == "minor" and "export" in values["bug"].lower()
