from __future__ import annotations

from realtalk.session.turn_detection import TurnDetector

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
