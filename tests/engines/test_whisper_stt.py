"""Whisper on real recorded speech, in both the trimmed and the full 30 s modes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from realtalk.engines import whisper_stt
from realtalk.engines.base import Transcription, Utterance
from realtalk.engines.whisper_stt import WhisperStt, looks_looped
from realtalk.evaluation.audio import speech_bounds_ms, word_gaps_ms
from realtalk.session.backchannel import is_backchannel, listening_prompt
from tests.speech_data import (
    all_clips,
    cards_clips,
    librivox_clips,
    load_wav_16k,
    normalize_text,
    raw_clips,
    several_readings,
    silence_16k,
    word_error_rate,
)


@pytest.mark.parametrize(
    "text",
    [
        "ten of clubs ten of clubs",
        "five five five five",
        "Go forward 10 meters. Go forward 10 meters. Go forward",
        "he might even have been made amiable himself he might even have been made amiable himself",
    ],
)
def test_loops_are_detected(text: str) -> None:
    assert looks_looped(text.split())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "five five",
        "no no no",
        "eight of spades four of clubs seven of hearts",
        "and mister john dashwood had then leisure to consider how much there might be prudently",
    ],
)
def test_ordinary_speech_is_not_a_loop(text: str) -> None:
    assert not looks_looped(text.split())


@pytest.mark.slow
def test_corpus_word_error_rate(stt: WhisperStt) -> None:
    clips = all_clips()
    hypotheses = [stt.transcribe(load_wav_16k(path)).text for path, _ in clips]
    assert word_error_rate([ref for _, ref in clips], hypotheses) < 0.15, hypotheses


@pytest.mark.slow
@pytest.mark.parametrize("index", range(5))
def test_librivox_sentence(stt: WhisperStt, index: int) -> None:
    path, reference = librivox_clips()[index]
    audio = load_wav_16k(path)
    result = stt.transcribe(audio)
    assert word_error_rate(reference, result.text) < 0.35, result.text
    assert result.text == result.text.strip() and "<|" not in result.text and "  " not in result.text
    assert result.language == "en"
    assert result.audio_seconds == pytest.approx(len(audio) / 16_000)


@pytest.mark.slow
@pytest.mark.parametrize("lead, trail", [(0.0, 0.0), (0.3, 0.5), (0.5, 1.0)])
def test_one_second_clip_does_not_loop(stt: WhisperStt, lead: float, trail: float) -> None:
    path, reference = cards_clips()[0]  # "ten of clubs", 1.1 s
    audio = np.concatenate([silence_16k(lead), load_wav_16k(path), silence_16k(trail)])
    text = stt.transcribe(audio).text
    words = normalize_text(text).split()
    assert not looks_looped(words) and len(words) <= 5, text
    assert word_error_rate(reference, text) <= 0.34, text


@pytest.mark.slow
def test_short_clips_stay_on_the_fast_path(stt_trimmed: WhisperStt) -> None:
    """The trimmed window is shaped so that short clips rarely need the 30 s fallback."""
    before = stt_trimmed.stats.fallbacks
    for path, _ in cards_clips():
        stt_trimmed.transcribe(load_wav_16k(path))
        assert stt_trimmed.stats.last_path == "trimmed"
    assert stt_trimmed.stats.fallbacks == before


@pytest.mark.slow
def test_guard_falls_back_to_the_full_window(
    monkeypatch: pytest.MonkeyPatch, stt_trimmed: WhisperStt
) -> None:
    # A token budget too small for the sentence looks exactly like a loop to the guard.
    monkeypatch.setattr(whisper_stt, "MAX_TOKENS_PER_SECOND", 0.5)
    monkeypatch.setattr(whisper_stt, "EXTRA_TOKENS", 1)
    path, reference = librivox_clips()[1]
    text = stt_trimmed.transcribe(load_wav_16k(path)).text
    assert stt_trimmed.stats.last_path == "fallback"
    assert word_error_rate(reference, text) < 0.35, text


@pytest.mark.slow
def test_nbest_guard_falls_back_to_the_full_window_without_a_second_trimmed_decode(
    monkeypatch: pytest.MonkeyPatch, stt_trimmed: WhisperStt
) -> None:
    monkeypatch.setattr(whisper_stt, "MAX_TOKENS_PER_SECOND", 0.5)
    monkeypatch.setattr(whisper_stt, "EXTRA_TOKENS", 1)
    encodes = []
    encode = stt_trimmed._encode_trimmed
    monkeypatch.setattr(stt_trimmed, "_encode_trimmed", lambda batch: encodes.append(1) or encode(batch))
    path, reference = librivox_clips()[1]
    heard = stt_trimmed.transcribe_nbest(load_wav_16k(path), n=4)
    assert stt_trimmed.stats.last_path == "fallback" and len(encodes) == 1
    assert [r.text for r in heard.alternatives] == [heard.text]
    assert word_error_rate(reference, heard.text) < 0.35, heard.text


@pytest.mark.slow
@pytest.mark.parametrize("seconds", [0.5, 1.0, 3.0])
def test_silence_gives_no_text(stt: WhisperStt, seconds: float) -> None:
    assert len(stt.transcribe(silence_16k(seconds)).text.split()) <= 1


@pytest.mark.slow
def test_quiet_noise_gives_no_loop(stt: WhisperStt) -> None:
    noise = (np.random.default_rng(0).standard_normal(2 * 16_000) * 0.01).astype(np.float32)
    text = stt.transcribe(noise).text
    assert len(text.split()) <= 2, text


@pytest.mark.slow
def test_empty_audio(stt: WhisperStt) -> None:
    result = stt.transcribe(np.zeros(0, dtype=np.float32))
    assert (result.text, result.audio_seconds) == ("", 0.0)


@pytest.mark.slow
def test_prompt_and_language_are_accepted(stt: WhisperStt) -> None:
    path, reference = librivox_clips()[4]
    result = stt.transcribe(load_wav_16k(path), language="fr", prompt="Sense and Sensibility, Jane Austen.")
    assert result.language == "en"  # tiny.en only speaks English
    assert word_error_rate(reference, result.text) < 0.35, result.text


@pytest.mark.slow
def test_concurrent_calls_give_the_same_text(stt: WhisperStt) -> None:
    clips = [load_wav_16k(path) for path, _ in librivox_clips()[:3]] * 2
    sequential = [stt.transcribe(audio).text for audio in clips]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(lambda audio: stt.transcribe(audio).text, clips))
    assert concurrent == sequential


@pytest.mark.slow
def test_nbest_gives_distinct_readings_best_first(stt: WhisperStt) -> None:
    counts = []
    for path, reference in librivox_clips()[:4]:
        audio = load_wav_16k(path)
        calls = stt.stats.trimmed + stt.stats.fallbacks + stt.stats.full
        heard = stt.transcribe_nbest(audio, n=4)
        assert stt.stats.trimmed + stt.stats.fallbacks + stt.stats.full == calls + 1  # counted once
        readings = heard.alternatives
        assert 1 <= len(readings) <= 4 and heard.text == readings[0].text
        assert word_error_rate(reference, heard.text) < 0.35, heard.text
        assert [r.log_prob for r in readings] == sorted((r.log_prob for r in readings), reverse=True)
        assert len({normalize_text(r.text) for r in readings}) == len(readings)  # not only case or commas
        assert heard.audio_seconds == pytest.approx(len(audio) / 16_000)
        counts.append(len(readings))
    # The full window gives its one reading; the trimmed one finds others that sound alike.
    assert max(counts) > 1 if stt.trim else max(counts) == 1


@pytest.mark.slow
def test_nbest_of_silence_is_one_empty_reading(stt_trimmed: WhisperStt) -> None:
    heard = stt_trimmed.transcribe_nbest(silence_16k(2.0), n=4)
    assert heard.text == "" and [r.text for r in heard.alternatives] == [""]


@pytest.mark.parametrize(
    "text, twice",
    [
        ("put clean the gutters on the list but clean the gutters on the list", True),
        ("add call the landlord tag it home", False),
        ("the end of the month the end", False),
    ],
)
def test_a_reading_that_says_the_utterance_twice_is_dropped(text: str, twice: bool) -> None:
    assert whisper_stt._says_twice(text.split()) is twice


@pytest.mark.slow
def test_a_batch_hears_what_single_calls_hear(stt: WhisperStt) -> None:
    clips = librivox_clips()[:4]
    prompts = [None, "Sense and Sensibility.", None, "Jane Austen."]  # two prompt lengths: two batches
    utterances = [
        Utterance(load_wav_16k(path), prompt=prompt) for (path, _), prompt in zip(clips, prompts, strict=True)
    ]
    utterances.append(Utterance(np.zeros(0, dtype=np.float32)))
    batch = stt.transcribe_many(utterances)
    single = [stt.transcribe(u.audio, prompt=u.prompt) for u in utterances]
    assert [r.text for r in batch][-1] == ""
    references = [reference for _, reference in clips]
    batch_wer = word_error_rate(references, [r.text for r in batch[:4]])
    assert batch_wer <= word_error_rate(references, [r.text for r in single[:4]]) + 0.02, [
        r.text for r in batch
    ]
    assert [r.audio_seconds for r in batch] == [r.audio_seconds for r in single]


@pytest.mark.slow
def test_a_short_word_over_the_reply_is_still_words(stt_trimmed: WhisperStt) -> None:
    """Held speech is heard after a listener's "Mm-hm." (`listening_prompt`): the first word of
    each recorded card name must still come out as words, never as a backchannel."""
    for path, _ in [*cards_clips(), *raw_clips()]:
        samples = load_wav_16k(path)
        onset, _ = speech_bounds_ms(samples)
        start = int(onset * 16)
        word = samples[start : start + 500 * 16]
        heard = stt_trimmed.transcribe(word, prompt=listening_prompt("Sorry, I can't")).text
        assert heard and not is_backchannel(heard), f"{path.stem}: {heard!r}"


def test_a_transcript_says_how_sure_whisper_was(stt_trimmed: WhisperStt) -> None:
    path, _ = librivox_clips()[0]
    heard = stt_trimmed.transcribe(load_wav_16k(path))
    assert heard.log_prob is not None and -1.0 < heard.log_prob < 0
    assert heard.no_speech_prob is not None and 0 <= heard.no_speech_prob < 0.5
    readings = stt_trimmed.transcribe_nbest(load_wav_16k(path), n=3)
    assert readings.no_speech_prob == pytest.approx(heard.no_speech_prob, abs=0.01), "the beam's first step"
    assert heard.full_stop_prob is not None and heard.full_stop_prob > 0.5, "a whole read sentence"
    assert readings.full_stop_prob is None, "not asked for: no forced decode"
    judged = stt_trimmed.transcribe_nbest(load_wav_16k(path), n=3, full_stop=True)
    assert judged.text == heard.text, "the beam's best reading is the greedy one here"
    assert judged.full_stop_prob == pytest.approx(heard.full_stop_prob, abs=0.02), "the same step's scores"
    # Asked with the beam's readings whether the score is wanted: no forced decode where it is not.
    asked: list[Transcription] = []

    def unwanted(beam: Transcription) -> bool:
        asked.append(beam)
        return False

    spared = stt_trimmed.transcribe_nbest(load_wav_16k(path), n=3, full_stop=unwanted)
    assert spared.full_stop_prob is None and spared.alternatives == readings.alternatives
    assert [h.alternatives for h in asked] == [readings.alternatives] and asked[0].full_stop_prob is None
    wanted = stt_trimmed.transcribe_nbest(load_wav_16k(path), n=3, full_stop=lambda h: True)
    assert wanted.full_stop_prob == judged.full_stop_prob


@pytest.mark.slow
def test_the_full_stop_is_the_reported_readings_where_the_beams_first_is_dropped(
    monkeypatch: pytest.MonkeyPatch, stt_trimmed: WhisperStt
) -> None:
    """A beam's first reading that loops or says itself twice is not reported: the full stop is
    read after the reading that is (`text`), not after the one dropped."""
    audio, plain = several_readings(stt_trimmed)
    dropped = tuple(w.lower() for w in whisper_stt._WORD.findall(plain.text))
    looped = whisper_stt.looks_looped
    monkeypatch.setattr(whisper_stt, "looks_looped", lambda words: tuple(words) == dropped or looped(words))
    forced: list[list[int]] = []
    force = stt_trimmed._forced_full_stop

    def spy(encoded: Any, prompt: list[int], language: str, tokens: list[int], s: float) -> float | None:
        forced.append(tokens)
        return force(encoded, prompt, language, tokens, s)

    monkeypatch.setattr(stt_trimmed, "_forced_full_stop", spy)
    heard = stt_trimmed.transcribe_nbest(audio, n=4, full_stop=True)
    assert heard.text == plain.alternatives[1].text, "the first reading dropped"
    tokenizer, _ = stt_trimmed._tokenizer(heard.language)
    assert len(forced) == 1
    read = whisper_stt._speech_text(tokenizer, forced[0], len(audio) / 16_000)
    assert whisper_stt._clean(read) == heard.text


@pytest.mark.slow
def test_a_transcript_says_whether_whisper_would_end_the_sentence_there(stt_trimmed: WhisperStt) -> None:
    """Read sentences broken off at their word gaps: Whisper mostly gives a full stop less chance
    than it gives each whole sentence (not always: "...leisure to consider how." reads finished)."""
    wholes, broken = [], []
    for path in [p for p, _ in librivox_clips() if p.stem.endswith(("0870", "0920"))]:
        samples = load_wav_16k(path)
        wholes.append(stt_trimmed.transcribe(samples).full_stop_prob)
        start, end = speech_bounds_ms(samples)
        gaps = [
            at for at in word_gaps_ms(samples) if start + 0.1 * (end - start) < at < end - 0.1 * (end - start)
        ]
        broken += [stt_trimmed.transcribe(samples[: int(at * 16)]).full_stop_prob or 0.0 for at in gaps]
    assert all(whole is not None and whole > 0.8 for whole in wholes), wholes
    lowest = min(w for w in wholes if w is not None)
    assert len(broken) >= 10 and sum(b < lowest for b in broken) >= 0.75 * len(broken), broken
    assert stt_trimmed.transcribe(silence_16k(1.0)).full_stop_prob is None, "no word, no sentence end"
