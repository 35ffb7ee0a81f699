"""The evaluation's audio editing, noise and scenario files: plain functions on arrays and files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from realtalk.evaluation import audio as au
from realtalk.evaluation.noise import NOISE_KINDS, REFERENCE_SPEECH_DB, generate, mix
from realtalk.evaluation.scenario import LEAD_IN_MS, ScenarioError, load_scenario, prepare


def _tone(ms: float, level: float = 0.3) -> au.Samples:
    t = np.arange(int(ms * 16)) / au.SAMPLE_RATE
    return (level * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def test_splice_inserts_silence_where_asked() -> None:
    clip = np.concatenate([_tone(500), _tone(500)])
    spliced = au.splice_pauses(clip, [(500, 800)])
    assert len(spliced) == len(clip) + 800 * 16
    assert not np.any(spliced[500 * 16 : 1300 * 16])
    assert np.array_equal(spliced[1300 * 16 :], clip[500 * 16 :])


def test_word_gaps_are_found_between_sounds() -> None:
    clip = np.concatenate([au.silence(200), _tone(400), au.silence(120), _tone(400), au.silence(200)])
    (gap,) = au.word_gaps_ms(clip)
    assert 600 <= gap <= 720
    assert au.speech_bounds_ms(clip) == (200.0, 1120.0)


@pytest.mark.parametrize("kind", NOISE_KINDS)
@pytest.mark.parametrize("snr", [5.0, 20.0])
def test_noise_is_mixed_at_the_requested_snr(kind: str, snr: float) -> None:
    speech = _tone(2000)
    talkers = [_tone(700, 0.2), _tone(900, 0.1)]
    noise = generate(kind, len(speech), seed=3, talkers=talkers)  # type: ignore[arg-type]
    mixed = mix(speech, noise, snr, au.active_level_db(speech))
    added = mixed - speech
    measured = 10 * np.log10(np.mean(speech**2) / np.mean(added**2))
    assert measured == pytest.approx(snr, abs=0.3)


def test_noise_alone_is_set_against_a_nominal_talker() -> None:
    noise = generate("pink", 16000, seed=1)
    mixed = mix(np.zeros(16000, dtype=np.float32), noise, 10)
    assert 10 * np.log10(np.mean(mixed.astype(np.float64) ** 2)) == pytest.approx(
        REFERENCE_SPEECH_DB - 10, abs=0.2
    )


def test_babble_needs_talkers() -> None:
    with pytest.raises(ValueError, match="talkers"):
        generate("babble", 100)


def test_scenario_cases_are_prepared_with_lead_in_pauses_and_noise(tmp_path: Path) -> None:
    clip = np.concatenate([_tone(600), au.silence(100), _tone(600)])
    au.write_wav_16k(tmp_path / "clip.wav", clip)
    (tmp_path / "s.yaml").write_text(
        "configs: {base: {}}\n"
        "cases:\n"
        "  - {id: p, kind: pause, audio: clip.wav, pauses: [[650, 900]], split: test}\n"
        "  - {id: n, kind: noise, duration_ms: 2000, noise: {type: white, snr_db: 10}}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(tmp_path / "s.yaml")
    assert [c.id for c in scenario.split("test")] == ["p"]
    paused = prepare(scenario.cases[0], [])
    assert paused.onset_ms == LEAD_IN_MS
    assert paused.speech_end_ms == pytest.approx(LEAD_IN_MS + 1300 + 900, abs=20)
    alone = prepare(scenario.cases[1], [])
    assert alone.speech_end_ms is None and len(alone.samples) == (LEAD_IN_MS + 2000) * 16
    assert np.std(alone.samples) > 0.001


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("{id: a, kind: chat, audio: x.wav}", "'kind' must be one of"),
        ("{id: a, kind: complete}", "'audio' is required"),
        ("{id: a, kind: noise}", "needs 'noise'"),
        ("{id: a, kind: backchannel, audio: x.wav}", "needs a 'prompt'"),
        ("{id: a, kind: noisy, audio: x.wav, noise: {type: rain}}", "'noise.type' must be one of"),
        ("{id: a, kind: pause, audio: x.wav, pauses: [3]}", "'pauses' must be"),
    ],
)
def test_bad_cases_are_named(tmp_path: Path, case: str, message: str) -> None:
    (tmp_path / "s.yaml").write_text(f"cases:\n  - {case}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=message):
        load_scenario(tmp_path / "s.yaml")
