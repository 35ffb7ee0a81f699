"""What the built-in brain makes of a reading, told from its reply without acting on it."""

from __future__ import annotations

from realtalk.brain.base import BrainRequest, Message
from realtalk.brain.builtin import BuiltinBrain
from realtalk.brain.understanding import NOT_UNDERSTOOD, UNCLEAR, UNDERSTOOD
from tests.brain.toolbox import DOOR, NOW, tool

# A photo keeper's tools: none of the apps' words.
NAME = {"type": "string", "description": "which album, by its words"}
TOOLS = [
    tool("archive_album", "Archive a photo album.", ["name"], name=NAME),
    tool("list_albums", "List the photo albums."),
    tool("find_album", "Look up one photo album by its name.", ["name"], name=NAME),
    tool("create_album", "Create a new photo album.", ["name"], name={"type": "string"}),
    DOOR,
]
KNOWN = ["Summer in Porto", "Grandma's birthday"]
BRAIN = BuiltinBrain(lambda: NOW)


def understands(text: str, *earlier: Message) -> int:
    request = BrainRequest(
        "You keep the family photos.", [*earlier, Message("user", text)], TOOLS, known=KNOWN
    )
    return BRAIN.understands(request)


def test_a_fitting_call_on_a_held_thing_is_understood() -> None:
    assert understands("Archive the summer in Porto album") == UNDERSTOOD


def test_a_call_on_a_thing_no_held_name_fits_is_not_understood_and_one_only_alike_is_unclear() -> None:
    assert understands("Archive the winter in Oslo album") == NOT_UNDERSTOOD
    assert understands("Find the album Grammars Earthday") == UNCLEAR  # "Grandma's birthday", by sound alone


def test_what_the_brain_can_only_refuse_or_ask_about_is_not_understood() -> None:
    assert understands("What's the meaning of life?") == NOT_UNDERSTOOD  # "Sorry, I can't help with that"
    assert understands("Try the code 482 ion") == NOT_UNDERSTOOD  # "Sorry, that doesn't sound like 4 digits"


def test_small_talk_a_new_thing_and_a_question_for_a_missing_argument_are_unclear() -> None:
    assert understands("Good morning") == UNCLEAR
    # Any words make a new album's name: a creation is no sign of being understood.
    assert understands("Create an album called walk around the plant") == UNCLEAR
    # Nor is a call that names no held thing: a list reads whatever was asked, a code is the
    # values' to weigh (`session/values.py`).
    assert understands("Which albums do I have?") == UNCLEAR
    assert understands("Try the code 1 2 3 4") == UNCLEAR
    assert understands("Archive an album") == UNCLEAR  # "What's the name?"


def test_a_yes_after_the_brains_yes_or_no_question_is_understood_and_nothing_is_kept() -> None:
    said = "Archive the summer in Porto album"
    messages = [
        Message("user", said, heard_unsure=True),
        Message("assistant", f'Sorry, I may have misheard. Did you say "{said}"?'),
    ]
    assert understands("Yes", *messages) == UNDERSTOOD
    assert understands("Yet", *messages) == NOT_UNDERSTOOD
    # A dry run keeps no state: the same request is understood the same way again.
    assert understands("Yes", *messages) == UNDERSTOOD
