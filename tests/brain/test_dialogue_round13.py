"""Round 13, dialogue and questions, on tools the apps don't have (a boatyard's job sheet whose
jobs have a summary, can be retitled, and are scrapped only once confirmed): a correction in the
next turn gives the words meant in place of those just given, or names the other thing meant for
a change we asked to confirm; a repair mid-sentence with phrases of its own replaces as many; a
placeholder said with a synonym of the tools' word, or qualified by a clause, asks; an hour said
last, after a pause, pins down the day or the part of it said before."""

from __future__ import annotations

import pytest

from realtalk.brain import phrasing
from realtalk.brain.base import Message
from tests.brain.test_dialogue import after
from tests.brain.toolbox import TASKS, called, reply, said, tool

JOB = {"type": "string", "description": "which job, by its words"}
YARD = [
    tool(
        "add_job",
        "Add a job to the boatyard's job sheet.",
        ["summary"],
        summary={"type": "string", "description": "what is to be done, e.g. antifoul the hull"},
        due={"type": "string", "format": "date-time", "description": "when it is to be done by"},
    ),
    tool("list_jobs", "List the jobs on the sheet, or those due on a given day.", day={"type": "string"}),
    tool(
        "retitle_job",
        "Rename a job: give it a new summary.",
        ["job", "new_summary"],
        job=JOB,
        new_summary={"type": "string", "description": "the job's new summary"},
    ),
    tool(
        "move_job",
        "Move a job to a new date and time.",
        ["job", "due"],
        job=JOB,
        due={"type": "string", "format": "date-time"},
    ),
    tool(
        "scrap_job",
        "Delete (scrap) a job; asks the user to confirm first.",
        ["job"],
        job=JOB,
        confirm={"type": "boolean", "description": "true once the user has said yes"},
    ),
]
HELD = ["Antifoul the hull", "Service the outboard", "Replace the bilge pump", "Varnish the tiller"]

RETITLED = after(
    "retitle_job",
    {"job": "outboard", "new_summary": "service the engine"},
    {"message": "Retitled.", "job": "Service the outboard"},
    "Service the outboard is now service the engine.",
)


@pytest.mark.parametrize(
    "text", ["wait no, service the inboard engine", "Sorry, just 'service the inboard engine'."]
)
def test_a_correction_gives_the_words_meant_in_place_of_those_just_given(text: str) -> None:
    assert called(reply(text, tools=YARD, history=RETITLED, known=[*HELD, "service the engine"])) == (
        "retitle_job",
        {"job": "service the engine", "new_summary": "service the inboard engine"},
    )


def test_a_correction_that_only_gives_a_value_is_no_new_words() -> None:
    events = reply("no, Thursday", tools=YARD, history=RETITLED, known=[*HELD, "service the engine"])
    assert not any(
        getattr(e, "name", None) == "retitle_job" and "Thursday" in getattr(e, "arguments", "")
        for e in events
    )


ASKED = after(
    "scrap_job",
    {"job": "hull"},
    {"message": "Do you really want to scrap Antifoul the hull?", "job": "Antifoul the hull"},
    "Do you really want to scrap Antifoul the hull? Say: yes, scrap Antifoul the hull.",
)


@pytest.mark.parametrize("text", ["no wait, the bilge pump, not the hull", "no sorry, the bilge pump"])
def test_no_and_another_held_thing_names_the_one_to_confirm(text: str) -> None:
    name, arguments = called(reply(text, tools=YARD, history=ASKED, known=HELD))
    assert name == "scrap_job" and "bilge pump" in arguments["job"] and "confirm" not in arguments


def test_a_repair_with_phrases_of_its_own_replaces_as_many() -> None:
    said_then = "Move the tiller to Monday at three, no sorry, Tuesday at four"
    assert phrasing.repaired(said_then) == "Move the tiller to Tuesday at four"
    assert phrasing.repaired("put it on Friday, no wait, make that Saturday") == "put it on Saturday"


@pytest.mark.parametrize(
    "text", ["add a new item", "Add an entry for me", "I need to add something but I don't know when yet"]
)
def test_a_placeholder_asks_for_what_the_thing_is(text: str) -> None:
    question = said(reply(text, tools=YARD, known=HELD))
    assert question.endswith("?") and "summary" in question.lower()


@pytest.mark.parametrize("text", ["add a chore", "Add another errand"])
def test_a_synonym_of_the_tools_word_is_a_placeholder(text: str) -> None:
    assert said(reply(text, tools=TASKS)).endswith("?")


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Sand the mast tomorrow after work, like 6", "2026-11-23T18:00:00"),
        ("Sand the mast Tuesday first thing, eight", "2026-11-24T08:00:00"),
    ],
)
def test_an_hour_said_last_after_a_pause_pins_down_the_day(text: str, due: str) -> None:
    assert called(reply(text, tools=YARD, known=HELD)) == (
        "add_job",
        {"summary": "Sand the mast", "due": due},
    )


# Questions: a listing asked for every way, and never a write.
SHEET = [
    *YARD,
    tool(
        "list_open_jobs",
        "List the open jobs: all of them, those due on a day, the late ones, or those with a label.",
        day={"type": "string", "format": "date"},
        label={"type": "string", "description": "only jobs with this label"},
        late={"type": "boolean", "default": False, "description": "only late jobs; true if past due"},
        skip={"type": "integer", "default": 0, "description": "how many jobs were already read out"},
    ),
    tool("summarise_week", "Summarise the week in the yard.", week={"type": "string"}),
]


@pytest.mark.parametrize(
    "text",
    ["Can you just read me everything, so I know where I stand?", "go through the whole lot with me"],
)
def test_everything_asked_for_is_the_listing_of_all(text: str) -> None:
    assert called(reply(text, tools=SHEET, known=HELD)) == ("list_open_jobs", {})


def test_everything_for_a_label_filters_the_listing() -> None:
    assert called(reply("Show me everything for rigging", tools=SHEET, known=HELD)) == (
        "list_open_jobs",
        {"label": "rigging"},
    )


def test_how_is_everything_is_small_talk() -> None:
    assert said(reply("hey, how is everything?", tools=SHEET, known=HELD))


@pytest.mark.parametrize("text", ["Is there anything that has passed its time?", "anything passed its date?"])
def test_passed_its_time_is_past_due(text: str) -> None:
    assert called(reply(text, tools=SHEET, known=HELD)) == ("list_open_jobs", {"late": True})


def test_a_number_in_an_aside_sets_no_optional_count() -> None:
    assert called(reply("Anything late? Be quick, I'm out in ten.", tools=SHEET, known=HELD)) == (
        "list_open_jobs",
        {"late": True},
    )


def test_a_phone_number_is_no_time() -> None:
    name, values = called(reply("add call the sailmaker on 0207 946 0321", tools=YARD, known=HELD))
    assert name == "add_job" and "due" not in values


# References back, and requests that point at nothing.
READ = after(
    "find_job",
    {"job": "outboard"},
    {"message": "Service the outboard is due Friday.", "job": "Service the outboard"},
    "Service the outboard is due Friday.",
)
FIND = tool("find_job", "Look up one job: when it is due.", ["job"], job=JOB)


def test_the_other_kind_is_the_other_held_thing_sharing_the_word() -> None:
    known = ["Service the outboard", "Service the winch", "Antifoul the hull"]
    assert called(reply("and the other service?", tools=[*YARD, FIND], history=READ, known=known)) == (
        "find_job",
        {"job": "Service the winch"},
    )


def test_a_pronoun_between_a_verb_and_off_is_the_phrase() -> None:
    finish = tool("finish_job", "Mark a job as done (complete, finished).", ["job"], job=JOB)
    listed = after(
        "list_jobs",
        {"day": "2026-11-22"},
        {"message": "You have 1 job due today: Varnish the tiller.", "titles": ["Varnish the tiller"]},
        "You have 1 job due today: Varnish the tiller.",
    )
    text = "Right, cross that off. Did it this morning, believe it or not."
    assert called(reply(text, tools=[*YARD, finish], history=listed, known=HELD)) == (
        "finish_job",
        {"job": "Varnish the tiller"},
    )


@pytest.mark.parametrize(
    "text", ["scrap the one for the regatta", "Please add it for me, the one I told you"]
)
def test_a_thing_pointed_at_that_nothing_names_is_asked_about(text: str) -> None:
    assert said(reply(text, tools=YARD, known=HELD)).endswith("?")


ROOM = [
    tool(
        "open_hatch",
        "Try a code on the hatch.",
        ["code"],
        code={"type": "string", "description": "the 4-digit code"},
    )
]


def test_a_guess_asked_after_a_word_about_oneself_is_tried() -> None:
    text = "Okay, I don't want to waste a try, but, um, could it be zero zero one seven?"
    assert called(reply(text, tools=ROOM)) == ("open_hatch", {"code": "0017"})


@pytest.mark.parametrize(
    ("text", "day"), [("ok push that to sat", "2026-11-28"), ("move it to sun", "2026-11-29")]
)
def test_a_short_day_said_last_after_to_is_the_day(text: str, day: str) -> None:
    moved = after(
        "find_job",
        {"job": "tiller"},
        {"message": "Varnish the tiller is due Friday.", "job": "Varnish the tiller"},
        "Varnish the tiller is due Friday.",
    )
    name, values = called(reply(text, tools=[*YARD, FIND], history=moved, known=HELD))
    assert name == "move_job" and values["due"].startswith(day)


@pytest.mark.parametrize(
    ("text", "day"), [("Wha's on Saturday?", "2026-11-28"), ("And whit's on the morn?", "2026-11-23")]
)
def test_a_question_no_rule_reads_that_says_a_day_is_read_for_that_day(text: str, day: str) -> None:
    assert called(reply(text, tools=YARD, known=HELD)) == ("list_jobs", {"day": day})


def test_a_question_on_another_topic_reads_nothing() -> None:
    assert said(reply("what's the weather tomorrow?", tools=YARD, known=HELD))


def test_a_question_with_no_value_is_not_guessed_at() -> None:
    assert said(
        reply("Is it the blue key?", tools=[*ROOM, tool("get_clue", "Give a clue to the hatch code.")])
    )


TWO_LATE = after(
    "list_jobs",
    {},
    {"message": "You have 2 jobs late: Antifoul the hull; Varnish the tiller.",
     "titles": ["Antifoul the hull", "Varnish the tiller"]},
    "You have 2 jobs late: Antifoul the hull; Varnish the tiller.",
)  # fmt: skip


def test_that_one_after_a_listing_of_two_asks_which() -> None:
    finish = tool("finish_job", "Mark a job as done (complete, finished).", ["job"], job=JOB)
    question = said(reply("ok mark that one done", tools=[*YARD, finish], history=TWO_LATE, known=HELD))
    assert "Antifoul the hull" in question and "Varnish the tiller" in question and question.endswith("?")
    asked = [*TWO_LATE, Message("user", "ok mark that one done"), Message("assistant", question)]
    assert called(reply("the tiller one", tools=[*YARD, finish], history=asked, known=HELD)) == (
        "finish_job",
        {"job": "Varnish the tiller"},
    )
