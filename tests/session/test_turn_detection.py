from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from realtalk.engines.base import Transcription
from realtalk.session.turn_detection import (
    SEMANTIC_TIMING,
    PauseVerdict,
    SemanticTiming,
    TurnDetector,
    TurnEvent,
    WhisperScores,
    pause_wait_ms,
    reads_full_stop,
    sounds_unfinished,
    transcript_ending,
)

FRAME_MS = 32.0


def run(probabilities: list[float], silence_ms: int = 500) -> list[tuple[str, int]]:
    detector = TurnDetector(0.5, silence_ms, FRAME_MS)
    out = []
    for index, p in enumerate(probabilities):
        event = detector.update(p, (index + 1) * FRAME_MS)
        if event:
            out.append((event.kind, event.at_ms))
    return out


def test_onset_needs_two_frames_and_reports_the_first() -> None:
    assert run([0.0, 0.9, 0.1, 0.0]) == [], "one loud frame is a click, not speech"
    assert run([0.0, 0.9, 0.9]) == [("speech_started", 32)]


def test_stop_after_silence_window_at_end_of_last_speech() -> None:
    speech = [0.9] * 10  # 320 ms of speech from t=0
    events = run(speech + [0.0] * 15, silence_ms=320)
    assert events == [("speech_started", 0), ("speech_stopped", 320)]


def test_short_pause_does_not_end_the_turn_and_hysteresis_holds() -> None:
    probabilities = [0.9] * 5 + [0.0] * 5 + [0.4] * 20 + [0.9] * 5
    assert run(probabilities, silence_ms=500) == [("speech_started", 0)]


def semantic_detector(timing: SemanticTiming = SEMANTIC_TIMING["auto"]) -> TurnDetector:
    detector = TurnDetector(0.5, 500, FRAME_MS, semantic=timing)
    for index in range(10):  # 320 ms of speech
        detector.update(0.9, (index + 1) * FRAME_MS)
    return detector


def test_semantic_turn_ends_when_the_model_the_transcript_and_the_fade_say_finished() -> None:
    detector = semantic_detector()
    pause = detector.pause_id
    assert detector.update(0.0, 352) is None
    detector.speech_ends(pause, -30.0)
    assert detector.sounds_complete(pause, 0.95, 352) is None, "the transcript is not in yet"
    ended = detector.heard(pause, "Book a table for two.", 384, WhisperScores(0.05))
    assert ended == TurnEvent("speech_stopped", 320)
    assert not detector.speaking


def test_a_less_certain_turn_ends_after_the_settling_wait() -> None:
    timing = SEMANTIC_TIMING["auto"]
    detector = semantic_detector()
    pause = detector.pause_id
    assert detector.heard(pause, "Book a table for two.", 416, WhisperScores(0.05)) is None
    assert detector.sounds_complete(pause, 0.3, 448) is None, "finished-sounding, but not confidently"
    assert detector.update(0.0, 320 + timing.settle_ms - FRAME_MS) is None
    assert detector.update(0.0, 320 + timing.settle_ms) == TurnEvent("speech_stopped", 320)


def test_verdicts_that_come_after_the_wait_end_the_turn_at_once() -> None:
    detector = semantic_detector()
    pause = detector.pause_id
    late = 320 + SEMANTIC_TIMING["auto"].settle_ms + 100
    assert detector.heard(pause, "Book a table for two.", late) is None
    assert detector.sounds_complete(pause, 0.7, late) == TurnEvent("speech_stopped", 320)


def test_speech_after_a_pause_takes_back_its_shorter_wait() -> None:
    timing = SemanticTiming(0.9, None, 700, 2000)
    detector = semantic_detector(timing)
    pause = detector.pause_id
    detector.heard(pause, "Book a table for two.", 400)
    detector.sounds_complete(pause, 0.7, 400)  # settle: 700 ms
    detector.update(0.9, 448)  # speech resumed: the next pause waits for its own verdicts
    assert detector.update(0.0, 448 + timing.settle_ms) is None
    assert detector.speaking


def test_semantic_turn_waits_for_an_unfinished_sentence_up_to_the_maximum() -> None:
    detector = semantic_detector()
    pause = detector.pause_id
    assert detector.heard(pause, "I'd like to book a table for", 400) is None
    assert detector.sounds_complete(pause, 0.95, 400) is None
    assert sounds_unfinished("I'd like a table for... um")
    longest = SEMANTIC_TIMING["auto"].max_silence_ms
    assert detector.update(0.0, 320 + longest - FRAME_MS) is None
    assert detector.update(0.0, 320 + longest) == TurnEvent("speech_stopped", 320)


def test_semantic_turn_waits_when_it_does_not_sound_finished() -> None:
    detector = semantic_detector(SEMANTIC_TIMING["low"])
    pause = detector.pause_id
    assert detector.heard(pause, "Book a table.", 400) is None
    assert detector.sounds_complete(pause, 0.6, 400) is None, "low never ends at once"
    assert detector.speaking


def test_a_verdict_on_an_earlier_pause_does_not_end_the_turn() -> None:
    detector = semantic_detector()
    old = detector.pause_id
    detector.update(0.0, 352)
    detector.update(0.9, 384)  # speech resumed
    assert detector.heard(old, "Book a table.", 400) is None
    assert detector.sounds_complete(old, 0.99, 400) is None
    assert detector.speaking and detector.pause_id == 384


def test_server_vad_ignores_verdicts() -> None:
    detector = TurnDetector(0.5, 500, FRAME_MS)
    for index in range(10):
        detector.update(0.9, (index + 1) * FRAME_MS)
    assert detector.sounds_complete(detector.pause_id, 1.0, 2000) is None
    assert detector.heard(detector.pause_id, "Done.", 2000) is None
    assert detector.speaking
    assert detector.update(0.0, 320 + 500 - FRAME_MS) is None, "the silence window, exactly"
    assert detector.update(0.0, 320 + 500) == TurnEvent("speech_stopped", 320)


@pytest.mark.parametrize(
    ("text", "unfinished"),
    [
        ("What time is it?", False),
        ("Go forward ten meters.", False),
        ("He might even have been made", False),
        ("and mister john dashwood had then leisure to", True),
        ("I want to, um", True),
        ("Let me think,", True),
        ("So the thing is...", True),
        ("Yes, I can.", False),
        ("No. We will", False),
        ("Do you want it? Yes, you should.", False),
        ("so that I can", True),
        ("Yes I can and I", True),
        ("I'd like it if they could", True),
        ("", False),
    ],
)
def test_sounds_unfinished(text: str, unfinished: bool) -> None:
    assert sounds_unfinished(text) is unfinished


def test_noise_needs_louder_longer_onsets_and_quiet_rooms_do_not() -> None:
    detector = TurnDetector(0.5, 500, FRAME_MS)
    t = 0.0
    for _ in range(40):  # chatter at -40 dBFS that Silero takes for speech, at its own level
        t += FRAME_MS
        assert detector.update(0.95, t, -40.0 + (t % 64 > 0) * 2.0) is None
    assert detector.noise.noisy and detector.noise.level_db == pytest.approx(-39.5, abs=0.5)
    for level in (-31.0, -31.0):  # a voice 8 dB above it
        t += FRAME_MS
        assert detector.update(0.9, t, level) is None
    t += FRAME_MS
    assert detector.update(0.9, t, -31.0) == TurnEvent("speech_started", int(t - 3 * FRAME_MS)), (
        "three frames"
    )
    after = []
    for _ in range(20):  # the voice stops; the chatter's quieter half no longer holds the turn open
        t += FRAME_MS
        after.append(detector.update(0.95, t, -40.0))
    assert [e.kind for e in after if e] == ["speech_stopped"]

    quiet = TurnDetector(0.5, 500, FRAME_MS)
    for index in range(20):
        quiet.update(0.0, (index + 1) * FRAME_MS, -80.0)
    assert not quiet.noise.noisy
    quiet.update(0.9, 21 * FRAME_MS, -62.0)  # a soft voice, far below the noisy line
    assert quiet.update(0.9, 22 * FRAME_MS, -62.0) == TurnEvent("speech_started", int(20 * FRAME_MS))


@pytest.mark.parametrize(
    ("text", "ending"),
    [
        ("Book a table for two.", "closed"),
        ("7 of clubs", "closed"),
        ("What time is it?", "closed"),
        ("I'd like a table for", "open"),
        ("Eggs, milk, bread.", "may_go_on"),
        ("Eggs, milk and bread.", "closed"),
        ("My number is 555, 123", "may_go_on"),
        ("It costs 5 dollars.", "closed"),
        ("If it rains on Saturday.", "may_go_on"),  # a subordinate clause alone: its main clause may come
        ("Unless to be rather cold-hearted is to be ill-disposed.", "may_go_on"),  # or came, comma left out
        ("If it rains, we stay inside.", "closed"),
        ("When is the meeting.", "closed"),  # a question Whisper did not mark
        ("Because it's late.", "may_go_on"),  # may answer "why?" alone
        ("When I get home.", "may_go_on"),
        ("Can you book a table for?", "closed"),  # a question may end on its preposition
        ("Is it the?", "open"),  # but never on an article
        ("Tell me a joke about.", "may_go_on"),  # a particle or a preposition about to go on
        ("It's over.", "may_go_on"),
        ("Tell me a joke between.", "open"),
        ("I think that", "open"),
        ("I like that.", "closed"),
        ("Well I'm.", "open"),
        ("Good morning Mr.", "open"),
        ("how much there might be prudently in his—", "open"),
    ],
)
def test_transcript_ending(text: str, ending: str) -> None:
    assert transcript_ending(text) == ending


def test_the_wait_shortens_with_confidence() -> None:
    timing = SEMANTIC_TIMING["auto"]
    assert pause_wait_ms(timing, 0.95, "Book a table for two.", -30.0, WhisperScores(0.05)) == 0
    assert pause_wait_ms(timing, 0.95, "Eggs, milk, bread.", -30.0, WhisperScores(0.05)) == timing.settle_ms
    assert pause_wait_ms(timing, 0.3, "Book a table for two.", -30.0, WhisperScores(0.05)) == timing.settle_ms
    assert pause_wait_ms(timing, 0.95, "Book a table for two.", -30.0, WhisperScores(0.3)) == timing.settle_ms
    assert pause_wait_ms(timing, 0.7, "Book a table for two.", -30.0, WhisperScores(0.05, full_stop=0.9)) == 0
    assert (
        pause_wait_ms(timing, 0.7, "Book a table for two.", -30.0, WhisperScores(0.05, full_stop=0.2))
        == timing.settle_ms
    ), "Smart Turn unsure and Whisper would have gone on"
    assert (
        pause_wait_ms(timing, 0.99, "Book a table for", -30.0, WhisperScores(0.05)) == timing.max_silence_ms
    )
    assert timing.settle_ms <= timing.max_silence_ms
    low = SEMANTIC_TIMING["low"]
    assert pause_wait_ms(low, 0.99, "Book a table for two.", -30.0) == low.settle_ms, "low never ends at once"
    high = SEMANTIC_TIMING["high"]
    assert pause_wait_ms(high, 0.6, "Book a table for two.", -15.0) == 0, "high ends on less"
    assert high.settle_ms < timing.settle_ms


def test_the_longest_waits_are_openais() -> None:
    """OpenAI documents `semantic_vad`'s maximum waits: low 8 s, medium (and auto) 4 s, high 2 s."""
    assert {e: t.max_silence_ms for e, t in SEMANTIC_TIMING.items()} == {
        "low": 8000,
        "medium": 4000,
        "auto": 4000,
        "high": 2000,
    }
    assert all(t.settle_ms <= t.max_silence_ms for t in SEMANTIC_TIMING.values())


def test_the_quick_end_can_ask_that_the_speech_faded() -> None:
    timing = SemanticTiming(0.9, -18.0, 700, 2000)
    assert pause_wait_ms(timing, 0.95, "Book a table for two.", -25.0) == 0
    assert pause_wait_ms(timing, 0.95, "Book a table for two.", -8.0) == timing.settle_ms, (
        "stopped at full voice"
    )
    assert pause_wait_ms(timing, 0.95, "Book a table for two.", None) == timing.settle_ms, "too short to tell"
    assert pause_wait_ms(timing, 0.95, "Book a table for", -25.0) == timing.max_silence_ms
    assert pause_wait_ms(SemanticTiming(0.9, None, 700, 2000), 0.95, "Book a table for two.", None) == 0, (
        "the fade need not be asked"
    )


def test_the_quick_end_can_ask_that_whisper_heard_speech() -> None:
    timing = SemanticTiming(0.9, None, 700, 2000, clear_speech=0.15)
    assert pause_wait_ms(timing, 0.95, "Book a table for two.", None, WhisperScores(0.05)) == 0
    assert (
        pause_wait_ms(timing, 0.95, "Book a table for two.", None, WhisperScores(0.4)) == timing.settle_ms
    ), "doubted"
    assert pause_wait_ms(timing, 0.95, "Book a table for two.", None, WhisperScores()) == timing.settle_ms, (
        "not said"
    )
    detector = semantic_detector(timing)
    pause = detector.pause_id
    assert detector.heard(pause, "Book a table for two.", 416, WhisperScores(0.4)) is None
    assert detector.sounds_complete(pause, 0.95, 416) is None, "Whisper doubted it: it settles"
    detector = semantic_detector(timing)
    assert detector.heard(pause, "Book a table for two.", 416, WhisperScores(0.05)) is None
    assert detector.sounds_complete(pause, 0.95, 416) == TurnEvent("speech_stopped", 320)


def test_the_quick_end_can_ask_whisper_for_sure_words_and_a_full_stop() -> None:
    timing = SemanticTiming(0.5, None, 1600, 2000, sure_words=-0.6, full_stop=0.5)
    sentence = "Had he married a more amiable woman."
    assert pause_wait_ms(timing, 0.9, sentence, scores=WhisperScores(log_prob=-0.3, full_stop=0.95)) == 0
    assert (
        pause_wait_ms(timing, 0.9, sentence, scores=WhisperScores(log_prob=-0.3, full_stop=0.1))
        == timing.settle_ms
    ), "Whisper would rather have gone on than end the sentence here"
    assert (
        pause_wait_ms(timing, 0.9, sentence, scores=WhisperScores(log_prob=-0.9, full_stop=0.95))
        == timing.settle_ms
    ), "words heard unsurely"
    assert pause_wait_ms(timing, 0.9, sentence, scores=WhisperScores(log_prob=-0.3)) == timing.settle_ms, (
        "no full stop known"
    )
    assert pause_wait_ms(
        timing, 0.9, "Had he married a", scores=WhisperScores(log_prob=-0.3, full_stop=0.95)
    ) == (timing.max_silence_ms), "the words still say it goes on"
    overruled = SemanticTiming(0.5, None, 1600, 2000, full_stop=0.5, sure_turn=0.95)
    assert pause_wait_ms(overruled, 0.97, sentence, scores=WhisperScores(full_stop=0.1)) == 0, (
        "Smart Turn sure: Whisper not asked"
    )
    assert pause_wait_ms(overruled, 0.9, sentence, scores=WhisperScores(full_stop=0.1)) == overruled.settle_ms
    assert pause_wait_ms(overruled, 0.9, sentence, scores=WhisperScores(full_stop=0.8)) == 0
    detector = semantic_detector(timing)
    pause = detector.pause_id
    assert detector.heard(pause, sentence, 416, WhisperScores(0.05, log_prob=-0.3, full_stop=0.2)) is None
    assert detector.sounds_complete(pause, 0.9, 416) is None, "no full stop: it settles"
    detector = semantic_detector(timing)
    assert detector.heard(pause, sentence, 416, WhisperScores(0.05, log_prob=-0.3, full_stop=0.8)) is None
    assert detector.sounds_complete(pause, 0.9, 416) == TurnEvent("speech_stopped", 320)


def test_the_detector_reads_the_fade_of_the_pause_it_is_judging() -> None:
    timing = SemanticTiming(0.9, -18.0, 700, 2000)
    detector = semantic_detector(timing)
    pause = detector.pause_id
    detector.speech_ends(pause - 64, -30.0)  # an earlier pause's fade does not count
    assert detector.heard(pause, "Book a table for two.", 416) is None
    assert detector.sounds_complete(pause, 0.95, 416) is None, "no fade known: it settles"
    detector = semantic_detector(timing)
    detector.speech_ends(pause, -30.0)
    assert detector.heard(pause, "Book a table for two.", 416) is None
    assert detector.sounds_complete(pause, 0.95, 416) == TurnEvent("speech_stopped", 320)


def test_the_quick_end_is_held_back_after_little_speech() -> None:
    held = SemanticTiming(0.9, None, 700, 2000, quick_after_ms=1000, doubted_full_stop=0.9)
    sure = WhisperScores(full_stop=0.95)
    assert pause_wait_ms(held, 0.95, "Book a table for two.", None, sure, speech_ms=999) == held.settle_ms
    assert pause_wait_ms(held, 0.2, "Book a table for two.", None, sure, speech_ms=999) == held.settle_ms, (
        "Whisper's sure full stop is held back too"
    )
    assert pause_wait_ms(held, 0.95, "Book a table for two.", None, sure, speech_ms=1000) == 0
    assert pause_wait_ms(held, 0.95, "Book a table for", None, sure, speech_ms=500) == held.max_silence_ms
    assert pause_wait_ms(replace(held, quick_after_ms=0), 0.95, "Go.", None, sure, speech_ms=100) == 0


def judge(detector: TurnDetector, probability: float, now_ms: float) -> TurnEvent | None:
    """Verdicts on the current pause: the model's `probability`, words that read finished."""
    pause = detector.pause_id
    assert detector.heard(pause, "Book a table for two.", now_ms) is None
    return detector.sounds_complete(pause, probability, now_ms)


def test_the_detector_counts_the_speech_before_a_quick_end() -> None:
    timing = SemanticTiming(0.9, None, 700, 2000, quick_after_ms=1000)
    detector = semantic_detector(timing)  # 320 ms of speech from 0
    assert judge(detector, 0.95, 416) is None, "320 ms of speech: held back"
    assert detector.update(0.0, 320 + timing.settle_ms) == TurnEvent("speech_stopped", 320), "it settles"
    detector = semantic_detector(timing)
    for at in range(352, 1249, 32):  # the speech goes on to 1248 ms, unbroken
        detector.update(0.9, at)
    assert judge(detector, 0.95, 1300) == TurnEvent("speech_stopped", 1248)
    detector = semantic_detector(timing)
    for at in range(352, 1249, 32):
        detector.update(0.0 if at < 700 else 0.9, at)  # a pause at 320 ms, on at 672 ms
        if at == 416:
            assert judge(detector, 0.3, at) is None, "judged: not sure enough to end"
    assert judge(detector, 0.95, 1300) is None, "576 ms since the judged pause (1248 ms since the onset)"


def test_a_pause_not_judged_does_not_restart_the_count() -> None:
    timing = SemanticTiming(0.9, None, 700, 2000, quick_after_ms=1000)
    detector = semantic_detector(timing)
    for at in range(352, 1249, 32):
        detector.update(0.0 if at < 500 else 0.9, at)  # a gap with no verdicts: a word gap
    assert judge(detector, 0.95, 1300) == TurnEvent("speech_stopped", 1248)


@pytest.mark.parametrize(
    ("probability", "transcript", "drop_db", "scores"),
    [
        (0.99, "Book a table for two.", -30.0, WhisperScores(0.05, full_stop=0.9)),
        (0.7, "Book a table for two.", -25.0, WhisperScores(0.05, full_stop=0.3)),
        (0.3, "Book a table", -10.0, WhisperScores()),
        (0.95, "Book a table for", -30.0, WhisperScores(0.05)),
    ],
)
def test_low_eagerness_never_ends_a_turn_sooner_than_the_others(
    probability: float, transcript: str, drop_db: float, scores: WhisperScores
) -> None:
    """Low is the patient setting: whatever the pause, it waits at least as long as auto and medium."""
    low = pause_wait_ms(SEMANTIC_TIMING["low"], probability, transcript, drop_db, scores)
    for eagerness in ("auto", "medium", "high"):
        assert low >= pause_wait_ms(SEMANTIC_TIMING[eagerness], probability, transcript, drop_db, scores), (
            eagerness
        )


def test_whisper_sure_of_a_full_stop_ends_a_doubted_turn_at_once() -> None:
    timing = SemanticTiming(0.5, -18.0, 2000, 2000, 0.1, doubted_full_stop=0.9, doubted_falling_db=-15.0)
    statement = "He was not an ill disposed young man."
    sure_stop = WhisperScores(0.3, full_stop=0.95)
    assert pause_wait_ms(timing, 0.05, statement, -16.0, sure_stop) == 0, (
        "Smart Turn's doubt and Whisper's no-speech overruled"
    )
    assert pause_wait_ms(timing, 0.05, statement, -16.0, WhisperScores(0.05, full_stop=0.8)) == (
        timing.settle_ms
    ), "Whisper not sure enough of the full stop"
    assert pause_wait_ms(timing, 0.05, statement, -10.0, sure_stop) == timing.settle_ms, "did not fade"
    assert pause_wait_ms(timing, 0.05, statement, None, sure_stop) == timing.settle_ms, "too short to tell"
    assert pause_wait_ms(timing, 0.05, "He was not an", -16.0, sure_stop) == timing.max_silence_ms
    assert pause_wait_ms(timing, 0.05, "Eggs, milk, bread.", -16.0, sure_stop) == timing.settle_ms, (
        "a list not closed may go on"
    )
    assert pause_wait_ms(timing, 0.05, statement, -16.0, WhisperScores(0.05)) == timing.settle_ms, (
        "no full stop known"
    )
    no_fade = SemanticTiming(0.5, -18.0, 2000, 2000, 0.1, doubted_full_stop=0.9)
    assert pause_wait_ms(no_fade, 0.05, statement, None, sure_stop) == 0, "the fade need not be asked"
    unset = SemanticTiming(0.5, -18.0, 2000, 2000, 0.1)
    assert pause_wait_ms(unset, 0.05, statement, -25.0, sure_stop) == unset.settle_ms, "not asked: waits"


def test_a_timing_says_whether_its_decision_reads_the_full_stop() -> None:
    """The recogniser pays a forced decode for the full stop only where the decision reads it."""
    assert not SEMANTIC_TIMING["low"].asks_full_stop and not SEMANTIC_TIMING["high"].asks_full_stop
    assert SemanticTiming(0.5, None, 1600, 2000, full_stop=0.6).asks_full_stop
    assert SemanticTiming(0.5, None, 1600, 2000, doubted_full_stop=0.9).asks_full_stop
    assert not SemanticTiming(0.5, None, 1600, 2000, clear_speech=0.1).asks_full_stop


def test_a_pause_skips_the_full_stop_where_the_decision_would_not_read_it() -> None:
    auto = SEMANTIC_TIMING["auto"]
    finished = Transcription("Book a table for two.", no_speech_prob=0.05)
    assert reads_full_stop(auto, [finished], 0.7), "Smart Turn unsure: the full stop decides"
    assert not reads_full_stop(auto, [finished], 0.95), "Smart Turn sure: Whisper's doubts overruled"
    assert not reads_full_stop(auto, [finished], 0.3), "ruled unfinished: it waits whatever the score"
    assert reads_full_stop(auto, [finished], None), "no verdict yet: any, so read it"
    for unfinished in ("Book a table for", "If it rains on Saturday."):
        assert not reads_full_stop(auto, [Transcription(unfinished, no_speech_prob=0.05)], None), unfinished
    unclear = Transcription("Book a table for two.", no_speech_prob=0.5)
    assert not reads_full_stop(auto, [unclear], 0.7), "speech broken off at a gap waits whatever the score"
    open_reading = Transcription("Book a table for", no_speech_prob=0.05)
    assert reads_full_stop(auto, [open_reading, finished], 0.7), "any reading the conversation may choose"
    assert not reads_full_stop(SEMANTIC_TIMING["high"], [finished], 0.7), "high never reads it"
    doubted = SemanticTiming(0.5, -18.0, 2000, 2000, 0.1, doubted_full_stop=0.9, doubted_falling_db=-15.0)
    assert reads_full_stop(doubted, [unclear], 0.3), "Whisper's own full stop overrules the doubts"
    verdict = PauseVerdict(auto)
    assert verdict.needs_full_stop([finished])
    verdict.probability = 0.95
    assert not verdict.needs_full_stop([finished])
    held = replace(auto, quick_after_ms=2000)
    assert PauseVerdict(held, speech_ms=2000).needs_full_stop([finished])
    assert not PauseVerdict(held, speech_ms=1999).needs_full_stop([finished]), (
        "a pause held back for too little speech settles whatever the full stop says"
    )


@pytest.mark.parametrize(
    "timing",
    [
        SEMANTIC_TIMING["auto"],
        SemanticTiming(0.5, -18.0, 2000, 2000, 0.1, doubted_full_stop=0.9, doubted_falling_db=-15.0),
        SemanticTiming(0.5, None, 1600, 2000, sure_words=-0.6, full_stop=0.5),
    ],
)
def test_a_skipped_full_stop_never_changes_the_decision(timing: SemanticTiming) -> None:
    """Wherever the score is said not to be read, every score gives the same wait, whatever the
    fade measured later (and whatever the probability, where it was not in)."""
    texts = ("Book a table for two.", "Book a table for", "If it rains on Saturday.", "Yes")
    grid = itertools.product(
        texts,
        (None, 0.05, 0.1, 0.5),  # no-speech probability
        (None, -0.3, -0.9),  # log-probability
        (None, 0.0, 0.49, 0.5, 0.7, 0.9, 0.97),  # turn-end probability (None: not in)
    )
    skipped = 0
    for text, no_speech, log_prob, probability in grid:
        heard = Transcription(text, no_speech_prob=no_speech, log_prob=log_prob)
        if reads_full_stop(timing, [heard], probability):
            continue
        skipped += 1
        scores = WhisperScores.of(heard)
        for p, drop in itertools.product(
            [probability] if probability is not None else [0.0, 0.5, 0.7, 0.9, 0.97],
            (None, -30.0, -18.0, -16.0, -15.0, -10.0),
        ):
            waits = {
                pause_wait_ms(timing, p, text, drop, replace(scores, full_stop=stop))
                for stop in (None, 0.0, 0.3, 0.5, 0.6, 0.9, 1.0)
            }
            assert len(waits) == 1, (text, no_speech, log_prob, p, drop, waits)
    assert skipped > 100
