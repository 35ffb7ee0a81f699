"""Two recognisers' best readings pooled: one both gave counts once, with both votes."""

from __future__ import annotations

import numpy as np
import pytest

from realtalk.config import Settings
from realtalk.engines.base import Hypothesis, NBestSpeechToText, Transcription
from realtalk.engines.loader import load_speech_engines, warm_up
from realtalk.engines.pooled_stt import PooledStt, pool
from realtalk.engines.whisper_stt import WhisperStt
from tests.speech_data import librivox_clips, load_wav_16k, normalize_text, silence_16k, word_error_rate

pytestmark = pytest.mark.slow


def test_readings_both_gave_carry_two_votes(stt_trimmed: WhisperStt, stt_full: WhisperStt) -> None:
    # The full window gives one reading, the trimmed one up to four: on clear speech Whisper's best
    # is the same both ways, so it is one reading with two votes, and the rest have one.
    pooled = PooledStt(stt_trimmed, stt_full)
    assert isinstance(pooled, NBestSpeechToText) and pooled.name == f"{stt_trimmed.name}+{stt_full.name}"
    path, reference = librivox_clips()[0]
    audio = load_wav_16k(path)
    heard = pooled.transcribe_nbest(audio, n=4)
    alone = stt_trimmed.transcribe_nbest(audio, n=4)
    assert heard.text == alone.text and word_error_rate(reference, heard.text) < 0.35
    words = [normalize_text(r.text) for r in heard.alternatives]
    assert len(set(words)) == len(words)
    assert set(words) >= {normalize_text(r.text) for r in alone.alternatives}
    assert sorted(r.votes for r in heard.alternatives) == [1] * (len(words) - 1) + [2]
    assert pooled.transcribe(audio).text == alone.text  # plain transcripts are the first's alone
    # Asked whether to read the full stop with the first's readings only, it reads it: the turn
    # may be one of the second's readings, which the question never saw.
    assert pooled.transcribe_nbest(audio, n=4, full_stop=lambda beam: False).full_stop_prob is not None


def test_pooling_counts_each_reading_once_and_leaves_out_a_lone_echo_of_the_prompt() -> None:
    # As sessions prompt: the tools' words, the agent's last words, the names the tools hold.
    prompt = "set task priority, high, low. Delete it? Pick up dry cleaning, Submit the expense report."
    tiny = Transcription("Sure, go ahead.", alternatives=(Hypothesis("Sure, go ahead.", -0.5),
                                                         Hypothesis("High.", -0.9)))  # fmt: skip
    base = Transcription("Submit the expense report.", alternatives=(
        Hypothesis("Submit the expense report.", -0.2), Hypothesis("sure go ahead", -0.4)))  # fmt: skip
    readings = pool((tiny, base), prompt)
    # The prompt's phrase that only base gave is its prompt repeated; a tool word alone is not.
    assert readings == (Hypothesis("Sure, go ahead.", -0.4, votes=2), Hypothesis("High.", -0.9))
    both = Transcription("", alternatives=(Hypothesis("Submit the expense report", -0.6),))
    assert pool((base, both), prompt)[0] == Hypothesis("Submit the expense report.", -0.2, votes=2)
    assert pool((Transcription(""), Transcription(""))) == ()


def test_silence_stays_one_empty_reading(stt_trimmed: WhisperStt, stt_full: WhisperStt) -> None:
    heard = PooledStt(stt_trimmed, stt_full).transcribe_nbest(silence_16k(2.0), n=4)
    assert heard.text == "" and [r.text for r in heard.alternatives] == [""]


def test_the_loader_shares_both_models_and_warms_both() -> None:
    engines = load_speech_engines(Settings(stt_trim=True, stt_second_model="tiny.en"))
    plain = load_speech_engines(Settings(stt_trim=True))
    assert isinstance(engines.stt, PooledStt) and engines.stt.first is plain.stt
    assert load_speech_engines(Settings(stt_trim=True, stt_second_model="tiny.en")).stt is engines.stt
    first = engines.stt.first
    assert isinstance(first, WhisperStt)
    calls = first.stats.trimmed + first.stats.fallbacks + first.stats.full
    warm_up(engines)
    # The same model twice here (only tiny.en is always installed): each part warmed once.
    assert first.stats.trimmed + first.stats.fallbacks + first.stats.full == calls + 2
    assert np.isfinite(engines.stt.transcribe(silence_16k(0.5)).audio_seconds)
