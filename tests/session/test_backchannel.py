"""What counts as listener feedback in a transcript (`session/backchannel.py`)."""

from __future__ import annotations

import pytest

from realtalk.engines.base import Hypothesis, Transcription
from realtalk.session.backchannel import (
    CLOSE_READING,
    LONG_HUM_MS,
    MAX_BACKCHANNEL_MS,
    OPEN_VOWEL_DB,
    SHUT_PHRASE_DB,
    WORDS_UNDER_HUM,
    is_backchannel,
    is_feedback,
    listening_prompt,
)
from realtalk.session.hearing import MAX_CHARS


@pytest.mark.parametrize(
    "heard",
    [
        "", "Mm-hm.", "MMMHM", "mmm-hmm", "Hmmm.", "uhhuh", "Ahh.", "Yeah, right.", "I see.",
        "Mm-hm-hm.", "Uh-uh.", "Ha-ha.", "Ha ha!", "Huh-huh.", "M.", "Got it.", "Go on.", "Oh, I see.",
        "All right.", "Of course.", "Fair enough.", "Makes sense.",
    ],
)  # fmt: skip
def test_feedback_however_whisper_spells_it(heard: str) -> None:
    assert is_backchannel(heard)


@pytest.mark.parametrize(
    "heard",
    [
        "Wait.", "No.", "and the mission", "mom", "Ma.", "yeah yeah yeah okay", "Stop, Tuesday.", "9.",
        "Нет.", "Um...", "Hum.", "Ham.", "Nope.", "I...", "See?", "On it.", "I go.",
        "All.", "Of course not, stop.", "All right, Tuesday.",
    ],
)  # fmt: skip
def test_words_are_an_interruption(heard: str) -> None:
    assert not is_backchannel(heard)


def test_feedback_is_short() -> None:
    assert is_feedback(Transcription("Mm-hm."), 1000), "a drawn-out hum is still feedback"
    assert not is_feedback(Transcription("Mm-hm."), MAX_BACKCHANNEL_MS + 1), "as long as a sentence"
    assert not is_feedback(Transcription("No."), 300)


def test_a_hum_is_judged_by_its_sound() -> None:
    shut, opened = OPEN_VOWEL_DB - 5, OPEN_VOWEL_DB + 5
    assert is_feedback(Transcription("Mm-hm."), 400, shut)
    assert not is_feedback(Transcription("Mm-hm."), 400, opened), '"Mom" written as a hum'
    assert not is_feedback(Transcription("Mm."), 400, opened)
    assert is_feedback(Transcription("Um..."), 400, shut), "a hum Whisper wrote as a hesitation"
    assert not is_feedback(Transcription("Um..."), 400, opened), "someone taking the floor"
    assert is_feedback(Transcription("Mm-hm."), 400, None), "not measured: the words decide"
    assert not is_feedback(Transcription("Um..."), 400, None)
    assert is_feedback(Transcription("Yeah."), 400, opened), "feedback with a vowel is still feedback"
    assert is_feedback(Transcription("Mm-hm, yeah."), 400, opened)
    assert not is_feedback(Transcription("Wait."), 400, shut), "words are words however they sound"
    assert not is_feedback(Transcription("Mm-hm."), MAX_BACKCHANNEL_MS + 1, shut)


def test_a_long_hum_is_feedback_whatever_its_vowel() -> None:
    opened = OPEN_VOWEL_DB + 3
    assert is_feedback(Transcription("Mm-hm."), LONG_HUM_MS, opened), "two hums, one opening a little"
    assert not is_feedback(Transcription("Mm-hm."), LONG_HUM_MS - 150, opened), '"Mom" is one syllable'
    assert not is_feedback(Transcription("Mm-hm."), MAX_BACKCHANNEL_MS + 1, opened)
    assert not is_feedback(Transcription("Um..."), LONG_HUM_MS + 200, opened), "a drawn-out 'um'"
    assert not is_feedback(Transcription("Home."), LONG_HUM_MS, opened), "a word that only sounds like a hum"


@pytest.mark.parametrize("heard", ["Yay.", "Yipp.", "Uh-oh.", "A-ha."])
def test_a_word_that_sounds_like_feedback_is_feedback(heard: str) -> None:
    assert is_feedback(Transcription(heard), 400, None)
    assert is_feedback(Transcription(heard), 400, OPEN_VOWEL_DB + 5), "however open"


@pytest.mark.parametrize(
    "heard",
    # "Create." to "Real.": one-word answers that sound like "great", "exactly", "true", "totally", "really".
    [
        *("Wait.", "No.", "Nope.", "4.", "Four.", "Mom.", "John.", "Aww.", "Stop.", "What?", "Nine."),
        *("Create.", "Exact.", "Try.", "Total.", "Real."),
    ],
)
def test_interruptions_do_not_sound_like_feedback(heard: str) -> None:
    assert not is_feedback(Transcription(heard), 400, None)
    assert not is_feedback(Transcription(heard), 400, OPEN_VOWEL_DB + 5)


@pytest.mark.parametrize("heard", ["Hum.", "Ham."])
def test_a_word_that_sounds_like_a_hum_is_judged_as_one(heard: str) -> None:
    assert is_feedback(Transcription(heard), 400, OPEN_VOWEL_DB - 5), "a hum with the lips shut"
    assert not is_feedback(Transcription(heard), 400, OPEN_VOWEL_DB + 5), "a word with its vowel"
    assert not is_feedback(Transcription(heard), 400, None), "not measured: the words decide"


def test_a_phrase_over_shut_lips_is_a_hum_made_words() -> None:
    shut, opened = SHUT_PHRASE_DB - 1, SHUT_PHRASE_DB + 1
    assert is_feedback(Transcription("In a king."), LONG_HUM_MS, shut)
    assert is_feedback(Transcription("Am I kidding?"), LONG_HUM_MS, shut)
    assert not is_feedback(Transcription("In a king."), LONG_HUM_MS, opened), "words open the mouth"
    assert not is_feedback(Transcription("In a king."), LONG_HUM_MS, None), "not measured: the words decide"
    assert not is_feedback(Transcription("Wait, no."), LONG_HUM_MS, shut - 10), "a short phrase is words"
    assert not is_feedback(Transcription("Have missed it."), LONG_HUM_MS - 200, shut), "said quickly"
    assert not is_feedback(Transcription("In a king."), MAX_BACKCHANNEL_MS + 1, shut)


def _read(*readings: tuple[str, float]) -> Transcription:
    """Whisper's readings, best first, each with its log-probability per token."""
    return Transcription(readings[0][0], alternatives=tuple(Hypothesis(t, lp) for t, lp in readings))


def test_a_close_reading_that_says_feedback_is_feedback() -> None:
    close, far = -1.0 - CLOSE_READING / 2, -1.0 - 2 * CLOSE_READING
    assert is_feedback(_read(("Cheer.", -1.0), ("Yeah.", close)), 400, OPEN_VOWEL_DB + 5)
    assert is_feedback(_read(("I-E.", -1.0), ("IT.", -1.01), ("I see.", close)), 500, None)
    assert not is_feedback(_read(("Cheer.", -1.0), ("Yeah.", far)), 400, None), "far less likely"
    assert not is_feedback(_read(("Cheer.", -1.0)), 400, None), "one reading"
    assert not is_feedback(_read(("Cheer.", -1.0), ("Yeah.", close)), MAX_BACKCHANNEL_MS + 1, None)


def test_a_close_reading_of_a_hum_is_judged_by_its_sound_over_long_speech() -> None:
    shut = OPEN_VOWEL_DB - 5
    hum = (("Let me turn.", -0.7), ("Mm-hm.", -0.7 - CLOSE_READING / 2))
    assert is_feedback(_read(*hum), LONG_HUM_MS + 100, shut)
    assert is_feedback(_read(*hum), LONG_HUM_MS + 100, OPEN_VOWEL_DB + 3), "a long hum, however open"
    wait = (("Wait.", -0.8), ("Mm.", -0.8 - CLOSE_READING / 2))
    assert not is_feedback(_read(*wait), 380, shut - 10), "a short closed word has a hum among its readings"
    mom = (("Mom.", -0.8), ("Um...", -0.8 - CLOSE_READING / 2))
    assert not is_feedback(_read(*mom), LONG_HUM_MS + 100, OPEN_VOWEL_DB + 5), "'um' said with its vowel"


def test_a_close_reading_is_asked_for_its_words_only() -> None:
    readings = (("Wait more.", -0.75), ("Wait. More. More.", -0.8))
    assert not is_feedback(_read(*readings), LONG_HUM_MS + 100, SHUT_PHRASE_DB - 3), "no phrase rule"
    assert not is_feedback(_read(("No.", -1.0), ("Yipp.", -1.05)), 400, None), "no sounds-alike rule"
    mom = _read(("Mm-hm.", -0.4), ("Yeah.", -0.5))
    assert not is_feedback(mom, 400, OPEN_VOWEL_DB + 5), "a hum written as one is judged by its sound alone"


def test_feedback_and_then_words_is_not_made_feedback_by_another_reading() -> None:
    close = -1.3 - CLOSE_READING / 2
    assert not is_feedback(_read(("Okay done.", -1.3), ("Go on.", close)), 450, None), "takes the floor"
    assert not is_feedback(_read(("Yeah, I...", -1.3), ("Yeah, yeah.", close)), 540, None)
    misheard = (("So on.", -1.3 + CLOSE_READING / 4), ("Show on.", -1.3), ("Sure.", close))
    assert is_feedback(_read(*misheard), 450, None), "misheard whole"


def test_readings_that_agree_on_the_words_are_not_outweighed_by_feedback() -> None:
    step = CLOSE_READING / 4
    no = _read(("No. No.", -0.9), ("No.", -0.9 - step), ("Oh. Oh.", -0.9 - 2 * step))
    assert not is_feedback(no, 350, None), "the readings agree it was 'no'"
    oh = _read(("No. No.", -0.9), ("Oh. Oh.", -0.9 - step), ("No.", -0.9 - 2 * step))
    assert is_feedback(oh, 350, None), "the feedback reading comes first"
    cheer = _read(("Cheer.", -0.9), ("Cheers.", -0.9 - step), ("Yeah.", -0.9 - 2 * step))
    assert is_feedback(cheer, 350, None), "another word is not the same words"


def test_a_short_hum_with_words_close_behind_is_a_closed_word() -> None:
    shut, close, far = OPEN_VOWEL_DB - 10, -1.2 - WORDS_UNDER_HUM / 2, -1.2 - 2 * WORDS_UNDER_HUM
    assert not is_feedback(_read(("Mm.", -1.2), ("Wait.", close)), 380, shut), '"Wait." written "Mm."'
    assert is_feedback(_read(("Mm.", -1.2), ("Wait.", far)), 380, shut), "far less likely"
    assert is_feedback(_read(("Mm.", -1.2), ("Mm-hm.", close)), 380, shut), "another hum"
    assert is_feedback(_read(("Mm.", -1.2), ("Mm-hm. Yeah.", close)), 380, shut), "feedback words"
    assert is_feedback(_read(("Mm.", -1.2), ("Yeah.", close)), 380, shut), "a feedback word"
    assert is_feedback(_read(("Mm-hm.", -1.2), ("And this...", close)), LONG_HUM_MS, shut), "a long hum"


def test_speech_over_the_reply_is_heard_expecting_feedback() -> None:
    assert listening_prompt("Once upon a time.") == "Once upon a time. Mm-hm."
    assert listening_prompt("Sorry, I can't") == "Sorry, I can't... Mm-hm.", "broken off"
    assert listening_prompt("Sorry,") == "Sorry... Mm-hm."
    assert listening_prompt(None) == "Mm-hm."
    long = listening_prompt("x" * 2 * MAX_CHARS)
    assert len(long) == MAX_CHARS and long.endswith(" Mm-hm."), "the cue survives a long prompt"


def test_a_long_run_of_one_letter_is_judged_in_linear_time() -> None:
    """ "mmm...m" that ends in another letter: no trying every way to cut the run into runs (with
    nested repeats 25 letters took a second, each one more doubling it: 10,000 would never end)."""
    for said in ("m" * 10_000 + "a", "hm" * 5_000 + "-kay", "ha" * 5_000 + "x", "uh" * 5_000 + "m"):
        assert not is_backchannel(said)
        assert is_feedback(Transcription(said), 500, -10.0) is False
