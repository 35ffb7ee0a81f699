"""`bench/pause_place.py`: where a spliced pause falls, inside a sentence or between two."""

from __future__ import annotations

from bench.pause_place import place

WORDS = [
    ("Login", 0.1, 0.4),
    ("incorrect.", 0.45, 1.0),
    ("Please", 1.3, 1.6),
    ("enter", 1.6, 1.9),
    ("your", 1.9, 2.0),
    ("password.", 2.0, 2.6),
]
"""Whisper base's words for "Login incorrect. Please enter your password." (times in s)."""


def test_a_gap_after_a_finished_sentence_is_between() -> None:
    at = place(WORDS, 1150, "Login incorrect. Please enter your password.")
    assert (at.label, at.source, at.approximate) == ("between", "reference", False)
    assert at.before == ["Login", "incorrect."]


def test_a_gap_inside_a_sentence_is_within() -> None:
    assert place(WORDS, 1950, "Login incorrect. Please enter your password.").label == "within"


def test_without_punctuation_in_the_source_whisper_base_decides() -> None:
    at = place(WORDS, 1150, "login incorrect please enter your password")
    assert (at.label, at.source) == ("between", "whisper-base")


def test_the_transcript_decides_where_whisper_reads_differently() -> None:
    # Whisper ends a sentence at the gap; the source's transcript runs on (a comma).
    at = place(WORDS, 1150, "Log-in incorrect, please enter your password.")
    assert (at.label, at.source) == ("within", "reference")
    assert at.before == ["Log", "in", "incorrect,"]


def test_a_gap_outside_whisper_base_s_words_is_unplaced() -> None:
    # Every spliced gap is inside the speech: past the last word, the word times are off.
    assert place(WORDS, 2500, "Login incorrect. Please enter your password.").label == "unplaced"
    assert place(WORDS, 200, None).label == "unplaced"
