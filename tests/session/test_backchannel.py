"""What counts as listener feedback in a transcript (`session/backchannel.py`)."""

from __future__ import annotations

import pytest

from realtalk.engines.base import Transcription
from realtalk.session.backchannel import MAX_BACKCHANNEL_MS, is_backchannel, is_feedback, listening_prompt
from realtalk.session.hearing import MAX_CHARS


@pytest.mark.parametrize(
    "heard",
    [
        "", "Mm-hm.", "MMMHM", "mmm-hmm", "Hmmm.", "uhhuh", "Ahh.", "Yeah, right.", "I see.",
        "Mm-hm-hm.", "Uh-uh.", "Ha-ha.", "Ha ha!", "Huh-huh.", "M.", "Got it.", "Go on.", "Oh, I see.",
    ],
)  # fmt: skip
def test_feedback_however_whisper_spells_it(heard: str) -> None:
    assert is_backchannel(heard)


@pytest.mark.parametrize(
    "heard",
    [
        "Wait.", "No.", "and the mission", "mom", "Ma.", "yeah yeah yeah okay", "Stop, Tuesday.", "9.",
        "Нет.", "Um...", "Hum.", "Ham.", "Nope.", "I...", "See?", "On it.", "I go.",
    ],
)  # fmt: skip
def test_words_are_an_interruption(heard: str) -> None:
    assert not is_backchannel(heard)


def test_feedback_is_short() -> None:
    assert is_feedback(Transcription("Mm-hm."), 1000), "a drawn-out hum is still feedback"
    assert not is_feedback(Transcription("Mm-hm."), MAX_BACKCHANNEL_MS + 1), "as long as a sentence"
    assert not is_feedback(Transcription("No."), 300)


def test_speech_over_the_reply_is_heard_expecting_feedback() -> None:
    assert listening_prompt("Once upon a time.") == "Once upon a time. Mm-hm."
    assert listening_prompt("Sorry, I can't") == "Sorry, I can't... Mm-hm.", "broken off"
    assert listening_prompt("Sorry,") == "Sorry... Mm-hm."
    assert listening_prompt(None) == "Mm-hm."
    long = listening_prompt("x" * 2 * MAX_CHARS)
    assert len(long) == MAX_CHARS and long.endswith(" Mm-hm."), "the cue survives a long prompt"
