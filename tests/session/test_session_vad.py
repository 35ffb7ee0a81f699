"""The session's turn-taking driven by the real Silero VAD on recorded speech (no sockets)."""

from __future__ import annotations

import base64
from dataclasses import replace

import numpy as np
import pytest
import soxr

from realtalk.audio.g711 import ulaw_encode
from realtalk.engines.base import Transcription
from realtalk.engines.piper_tts import PiperTts
from realtalk.engines.silero_vad import SileroVad
from realtalk.evaluation.audio import speech_bounds_ms, word_gaps_ms
from realtalk.session.backchannel import HELD_READINGS
from realtalk.session.effects import (
    DropPrefetch,
    Generate,
    PausePlayout,
    PredictTurnEnd,
    Prefetch,
    ResumePlayout,
    Send,
    StopGenerating,
    Transcribe,
)
from realtalk.session.session import RealtimeSession
from realtalk.session.turn_detection import SEMANTIC_TIMING
from tests.realtime_client import pcm24k, silence
from tests.speech_data import cards_clips, librivox_clips, load_wav_16k

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def vad() -> SileroVad:
    return SileroVad()


def append(session: RealtimeSession, pcm: bytes) -> list[object]:
    effects: list[object] = []
    for offset in range(0, len(pcm), 4800):  # 100 ms appends, like a typical client
        chunk = base64.b64encode(pcm[offset : offset + 4800]).decode()
        effects += session.handle_event({"type": "input_audio_buffer.append", "audio": chunk})
    return effects


def kinds(effects: list[object]) -> list[str]:
    return [e.event["type"] for e in effects if isinstance(e, Send)]


def test_turn_is_detected_committed_and_answered(vad: SileroVad) -> None:
    session = RealtimeSession(model="m", vad=vad.stream())
    session.start()
    speech = pcm24k(load_wav_16k(librivox_clips()[1][0]))
    effects = append(session, silence(300) + speech + silence(900))
    assert kinds(effects)[:3] == [
        "input_audio_buffer.speech_started",
        "input_audio_buffer.speech_stopped",
        "input_audio_buffer.committed",
    ]
    assert kinds(effects)[-1] == "response.created"
    jobs = [e for e in effects if isinstance(e, Transcribe)]
    speculative = [j for j in jobs if j.speculative]
    assert len(speculative) == 1 and len(jobs) == 1, "the speculative transcript is reused at commit"
    assert not any(isinstance(e, Generate) for e in effects), "no reply before the transcript"
    job = speculative[0]
    assert job.expecting is not None and job.prompt == job.expecting.prompt()  # no prompt of the client's
    text = "he was not an ill disposed young man"
    effects = session.transcription_completed(
        job.item_id, Transcription(text, log_prob=-1.2), speculative=True, epoch=job.epoch
    )
    generate = next(e for e in effects if isinstance(e, Generate))
    assert generate.request.messages[-1].content == text
    assert generate.request.messages[-1].heard_unsure  # Whisper was unsure: the brain may check


def test_prefetch_matches_the_reply_it_predicts(vad: SileroVad) -> None:
    session = RealtimeSession(model="m", vad=vad.stream())
    session.start()
    speech = pcm24k(load_wav_16k(librivox_clips()[1][0]))
    effects = append(session, speech + silence(200))
    job = next(e for e in effects if isinstance(e, Transcribe) and e.speculative)
    assert not job.full_stop, "server_vad judges no pause by its words"
    effects = session.transcription_completed(
        job.item_id, Transcription("hello there"), speculative=True, epoch=job.epoch
    )
    prefetch = next(e for e in effects if isinstance(e, Prefetch))
    effects = append(session, silence(700))
    generate = next(e for e in effects if isinstance(e, Generate))
    assert generate.request == prefetch.request and generate.audio == prefetch.audio
    assert not generate.request.messages[-1].heard_unsure


def test_speech_during_a_reply_interrupts_it(vad: SileroVad) -> None:
    session, rid = replying_session(vad, semantic=False)
    effects = append(session, pcm24k(load_wav_16k(librivox_clips()[4][0])))
    assert "input_audio_buffer.speech_started" in kinds(effects)
    assert any(isinstance(e, StopGenerating) and e.response_id == rid for e in effects)
    done = next(e.event for e in effects if isinstance(e, Send) and e.event["type"] == "response.done")
    assert done["response"]["status_details"]["reason"] == "turn_detected"


def semantic_session(vad: SileroVad, realtalk: dict[str, object] | None = None) -> RealtimeSession:
    session = RealtimeSession(model="m", vad=vad.stream())
    session.start()
    detection: dict[str, object] = {"type": "semantic_vad"}
    if realtalk is not None:
        detection["realtalk"] = realtalk
    session.handle_event(
        {
            "type": "session.update",
            "session": {"type": "realtime", "audio": {"input": {"turn_detection": detection}}},
        }
    )
    return session


def test_semantic_vad_ends_a_finished_turn_after_a_short_pause(vad: SileroVad) -> None:
    session = semantic_session(vad)
    speech = pcm24k(load_wav_16k(librivox_clips()[1][0]))
    effects = append(session, speech + silence(300))
    assert "input_audio_buffer.speech_stopped" not in kinds(effects)
    ask = [e for e in effects if isinstance(e, PredictTurnEnd)][-1]  # the last pause's
    job = [e for e in effects if isinstance(e, Transcribe) and e.speculative][-1]
    assert ask.item_id == job.item_id and len(ask.audio) > len(job.audio) - 16000 * 0.25
    assert job.full_stop, "`auto` reads Whisper's full stop: the recogniser must report it"
    assert job.verdict is not None and ask.verdict is job.verdict, "one verdict: read where the beam is done"
    assert not kinds(session.turn_end_predicted(ask.item_id, ask.pause_id, 0.9))
    heard = Transcription("He was not an ill-disposed young man.", no_speech_prob=0.05)
    effects = session.transcription_completed(job.item_id, heard, speculative=True, epoch=job.epoch)
    assert kinds(effects)[:3] == [
        "input_audio_buffer.speech_stopped",
        "input_audio_buffer.committed",
        "conversation.item.added",
    ]
    assert "response.created" in kinds(effects)
    assert [e for e in effects if isinstance(e, Transcribe)] == [], "the speculative transcript is the turn's"


@pytest.mark.parametrize("hold_ms", [None, 5000])
def test_a_client_can_hold_the_quick_end_back(vad: SileroVad, hold_ms: int | None) -> None:
    """A finished turn of 3 s: at once on `auto`, but it settles held back for 5 s of speech."""
    speech = load_wav_16k(librivox_clips()[1][0])
    session = semantic_session(vad, None if hold_ms is None else {"quick_end_after_ms": hold_ms})
    effects = append(session, pcm24k(speech) + silence(300))
    ask = [e for e in effects if isinstance(e, PredictTurnEnd)][-1]
    job = [e for e in effects if isinstance(e, Transcribe) and e.speculative][-1]
    assert not kinds(session.turn_end_predicted(ask.item_id, ask.pause_id, 0.95))
    heard = Transcription("He was not an ill-disposed young man.", no_speech_prob=0.05)
    assert job.verdict is not None
    assert job.verdict.needs_full_stop([heard]) == (hold_ms is None), "held back: no decode of its full stop"
    effects = session.transcription_completed(job.item_id, heard, speculative=True, epoch=job.epoch)
    assert ("input_audio_buffer.speech_stopped" in kinds(effects)) == (hold_ms is None)
    if hold_ms is not None:
        assert len(speech) / 16 < hold_ms, "less speech than the hold-back"
        effects = append(session, silence(SEMANTIC_TIMING["auto"].settle_ms))
        assert "input_audio_buffer.speech_stopped" in kinds(effects), "it settles"


def test_semantic_vad_does_not_end_at_once_where_the_speech_stopped_at_full_voice(vad: SileroVad) -> None:
    clip = load_wav_16k(librivox_clips()[0][0])
    gap = min(word_gaps_ms(clip), key=lambda g: abs(g - 5700))  # "...in his power to do | for them"
    session = semantic_session(vad)
    effects = append(session, pcm24k(clip[: round(gap * 16)]) + silence(300))
    ask = [e for e in effects if isinstance(e, PredictTurnEnd)][-1]
    job = [e for e in effects if isinstance(e, Transcribe) and e.speculative][-1]
    assert not kinds(session.turn_end_predicted(ask.item_id, ask.pause_id, 0.95))
    words = "And Mr. John Dashwood had then leisure to consider how much there might be in his power to do."
    effects = session.transcription_completed(
        job.item_id, Transcription(words), speculative=True, epoch=job.epoch
    )
    assert "input_audio_buffer.speech_stopped" not in kinds(effects), "sure model, finished words, no fade"
    effects = append(session, silence(SEMANTIC_TIMING["auto"].settle_ms))
    assert "input_audio_buffer.speech_stopped" in kinds(effects), "it settles"


@pytest.mark.parametrize("full_stop", [0.95, 0.3])
def test_a_pause_whose_full_stop_is_read_after_its_words_is_judged_when_the_score_arrives(
    vad: SileroVad, full_stop: float
) -> None:
    """The recogniser reads the full stop after its beam (`SessionRuntime._hear_ahead`): the words
    come first and prepare the reply, and the pause is judged, as one report would judge it, when
    the score arrives (Smart Turn unsure: the full stop decides)."""
    speech = pcm24k(load_wav_16k(librivox_clips()[1][0]))
    heard = Transcription("He was not an ill-disposed young man.", no_speech_prob=0.05)
    scored = replace(heard, full_stop_prob=full_stop)
    ended = []
    for ahead in (False, True):
        session = semantic_session(vad)
        effects = append(session, speech + silence(300))
        ask = [e for e in effects if isinstance(e, PredictTurnEnd)][-1]
        job = [e for e in effects if isinstance(e, Transcribe) and e.speculative][-1]
        assert not session.turn_end_predicted(ask.item_id, ask.pause_id, 0.7)
        prefetched: list[object] = []
        if ahead:
            effects = session.transcript_ahead(job.item_id, heard, epoch=job.epoch)
            assert "input_audio_buffer.speech_stopped" not in kinds(effects), "judged with the score"
            prefetched = [e for e in effects if isinstance(e, Prefetch)]
            assert len(prefetched) == 1, "the reply is prepared while the score is read"
        effects = session.transcription_completed(job.item_id, scored, speculative=True, epoch=job.epoch)
        ended.append("input_audio_buffer.speech_stopped" in kinds(effects))
        if ahead:
            assert not any(isinstance(e, Prefetch | DropPrefetch) for e in effects), "prepared once"
            if ended[-1]:
                generate = next(e for e in effects if isinstance(e, Generate))
                assert generate.request == prefetched[0].request  # type: ignore[attr-defined]
    assert ended == [full_stop >= 0.6] * 2, "the same verdict as the words and the score together"


def settling_pause(session: RealtimeSession, log_prob: float | None = None) -> Prefetch:
    """Speech, a pause, and verdicts that make the turn wait (finished-sounding, not confidently);
    Whisper's average log-probability of the words, `log_prob`."""
    speech = pcm24k(load_wav_16k(librivox_clips()[1][0]))
    effects = append(session, speech + silence(300))
    ask = [e for e in effects if isinstance(e, PredictTurnEnd)][-1]  # the last pause's
    job = [e for e in effects if isinstance(e, Transcribe) and e.speculative][-1]
    assert not session.turn_end_predicted(ask.item_id, ask.pause_id, 0.7)
    heard = Transcription("He was not an ill-disposed young man.", log_prob=log_prob)
    effects = session.transcription_completed(job.item_id, heard, speculative=True, epoch=job.epoch)
    assert "input_audio_buffer.speech_stopped" not in kinds(effects)
    return next(e for e in effects if isinstance(e, Prefetch))


@pytest.mark.parametrize("log_prob", [None, -1.0])
def test_semantic_vad_answers_a_settling_turn_with_the_reply_prepared_in_its_pause(
    vad: SileroVad, log_prob: float | None
) -> None:
    """Words Whisper was unsure of (-1.0) are told to the brain as such (`Message.heard_unsure`),
    in the prepared reply's request as in the turn's own."""
    session = semantic_session(vad)
    prefetch = settling_pause(session, log_prob)
    effects: list[object] = []
    while "input_audio_buffer.speech_stopped" not in kinds(effects):
        assert not any(isinstance(e, Generate | DropPrefetch) for e in effects)
        effects = append(session, silence(100))
    stopped = next(e.event for e in effects if isinstance(e, Send) and e.event["type"].endswith("stopped"))
    waited = session.input_ms - stopped["audio_end_ms"]
    settle = SEMANTIC_TIMING["auto"].settle_ms
    assert settle <= waited < settle + 100 + 32, "auto settles"
    assert kinds(effects)[:2] == ["input_audio_buffer.speech_stopped", "input_audio_buffer.committed"]
    generate = next(e for e in effects if isinstance(e, Generate))
    assert generate.request == prefetch.request and generate.audio == prefetch.audio
    assert not any(isinstance(e, DropPrefetch | Transcribe) for e in effects)


def test_semantic_vad_drops_the_prepared_reply_when_the_user_speaks_on(vad: SileroVad) -> None:
    session = semantic_session(vad)
    settling_pause(session)
    effects = append(session, pcm24k(load_wav_16k(librivox_clips()[4][0])))
    assert sum(isinstance(e, DropPrefetch) for e in effects) == 1
    assert not any(isinstance(e, Generate) for e in effects)
    assert not [k for k in kinds(effects) if k.startswith(("response.", "input_audio_buffer.speech_stopped"))]


def test_semantic_vad_waits_for_an_unfinished_turn(vad: SileroVad) -> None:
    session = semantic_session(vad)
    speech = pcm24k(load_wav_16k(librivox_clips()[1][0]))
    effects = append(session, speech + silence(300))
    ask = [e for e in effects if isinstance(e, PredictTurnEnd)][-1]  # the last pause's
    job = [e for e in effects if isinstance(e, Transcribe) and e.speculative][-1]
    session.turn_end_predicted(ask.item_id, ask.pause_id, 0.9)
    effects = session.transcription_completed(
        job.item_id,
        Transcription("He was not an ill-disposed young man and"),
        speculative=True,
        epoch=job.epoch,
    )
    assert "input_audio_buffer.speech_stopped" not in kinds(effects)
    assert any(isinstance(e, Prefetch) for e in effects), "the reply is still prepared in the pause"
    timing = SEMANTIC_TIMING["auto"]
    effects = append(session, silence(timing.settle_ms))  # 300 ms more than a settling turn waits
    assert "input_audio_buffer.speech_stopped" not in kinds(effects)
    effects = append(session, silence(timing.max_silence_ms - timing.settle_ms - 300 - 400))
    assert "input_audio_buffer.speech_stopped" not in kinds(effects), "words left hanging wait longer"
    effects = append(session, silence(700))  # past auto's longest wait (OpenAI's 4 s for medium)
    assert "input_audio_buffer.speech_stopped" in kinds(effects)


def replying_session(
    vad: SileroVad, *, server_playout: bool = False, semantic: bool = True, input_format: str = "audio/pcm"
) -> tuple[RealtimeSession, str]:
    """A session whose reply is talking: semantic_vad (backchannels on by default), else server_vad."""
    session = RealtimeSession(model="m", vad=vad.stream(), server_playout=server_playout)
    session.start()
    if semantic:
        session.handle_event(
            {
                "type": "session.update",
                "session": {
                    "type": "realtime",
                    "audio": {
                        "input": {
                            "turn_detection": {"type": "semantic_vad"},
                            "format": {"type": input_format},
                        }
                    },
                },
            }
        )
    session.handle_event(
        {
            "type": "conversation.item.create",
            "item": {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": "a story"}],
            },
        }
    )
    rid = next(
        e for e in session.handle_event({"type": "response.create"}) if isinstance(e, Generate)
    ).response_id
    session.response_audio(rid, silence(500), "Once upon a time. ")
    return session, rid


def short_word() -> bytes:
    """The first ~450 ms of a recorded card name: as long as an "mm-hm"."""
    samples = load_wav_16k(cards_clips()[0][0])
    onset, _ = speech_bounds_ms(samples)
    start = int(onset * 16)
    return pcm24k(samples[start : start + 450 * 16])


def test_a_backchannel_holds_the_reply_and_resumes_it(vad: SileroVad) -> None:
    session, rid = replying_session(vad)
    effects = append(session, silence(200) + short_word())
    assert "input_audio_buffer.speech_started" in kinds(effects)
    assert "response.done" not in kinds(effects), "held, not cancelled"
    held = session.response_audio(rid, silence(100))
    assert "response.output_audio.delta" not in kinds(held), "no audio goes out while judging"
    effects = append(session, silence(300))
    job = next(e for e in effects if isinstance(e, Transcribe) and e.speculative)
    effects = session.transcription_completed(
        job.item_id, Transcription("Mm-hm."), speculative=True, epoch=job.epoch
    )
    assert kinds(effects) == ["response.output_audio.delta", "input_audio_buffer.speech_stopped"]
    assert "input_audio_buffer.committed" not in kinds(append(session, silence(2500))), "not a turn"
    assert "response.output_audio.delta" in kinds(session.response_audio(rid, silence(100)))
    done = [e.event for e in session.response_completed(rid) if isinstance(e, Send)][-1]
    assert done["type"] == "response.done" and done["response"]["status"] == "completed"


@pytest.fixture(scope="module")
def tts() -> PiperTts:
    return PiperTts()


def spoken(tts: PiperTts, text: str) -> bytes:
    samples = tts.synthesize(text).astype(np.float32) / 32768
    return pcm24k(soxr.resample(samples, tts.sample_rate, 16_000))


@pytest.mark.parametrize(("said", "resumed"), [("Mm-hm.", True), ("Mom.", False)])
def test_what_whisper_wrote_as_a_hum_is_judged_by_its_sound(
    vad: SileroVad, tts: PiperTts, said: str, resumed: bool
) -> None:
    session, _ = replying_session(vad)
    effects = append(session, silence(200) + spoken(tts, said) + silence(300))
    job = [e for e in effects if isinstance(e, Transcribe) and e.speculative][-1]  # the last pause's
    effects = session.transcription_completed(
        job.item_id, Transcription("Mm-hm."), speculative=True, epoch=job.epoch
    )
    assert ("response.done" not in kinds(effects)) is resumed, "a hum plays on, a word with a vowel cancels"


def test_a_hum_over_a_telephone_line_is_judged_by_its_transcript(vad: SileroVad, tts: PiperTts) -> None:
    """A telephone channel (300-3400 Hz, G.711 at 8 kHz) cuts the nasal murmur that tells a hum from
    an open vowel: band-limited so, Piper's "Mm-hm." would measure as a word and cancel the reply."""
    samples = tts.synthesize("Mm-hm.").astype(np.float32) / 32768
    line = np.fft.rfft(soxr.resample(samples, tts.sample_rate, 8_000))
    hz = np.fft.rfftfreq(2 * (len(line) - 1), 1 / 8_000)
    line[(hz < 300) | (hz > 3400)] = 0
    hum = ulaw_encode((np.fft.irfft(line) * 32767).astype(np.int16))
    session, _ = replying_session(vad, input_format="audio/pcmu")
    effects = append(session, b"\xff" * 1600 + hum + b"\xff" * 2400)
    job = [e for e in effects if isinstance(e, Transcribe) and e.speculative][-1]
    effects = session.transcription_completed(
        job.item_id, Transcription("Mm-hm."), speculative=True, epoch=job.epoch
    )
    assert "response.done" not in kinds(effects), "resumed"


def test_speech_over_the_reply_is_transcribed_expecting_feedback(vad: SileroVad) -> None:
    session, _ = replying_session(vad)
    append(session, silence(200) + short_word())
    job = next(e for e in append(session, silence(300)) if isinstance(e, Transcribe) and e.speculative)
    assert job.prompt is not None and job.prompt.endswith("Once upon a time. Mm-hm.")
    assert job.expecting is None, "no tools' names after the cue"
    assert job.readings == HELD_READINGS, "Whisper's few best readings, any of which may say feedback"
    effects = session.transcription_completed(
        job.item_id, Transcription("Wait."), speculative=True, epoch=job.epoch
    )
    assert "response.done" in kinds(effects), "an interruption"
    effects = append(session, short_word() + silence(300))
    job = next(e for e in effects if isinstance(e, Transcribe) and e.speculative)
    assert job.prompt is None or not job.prompt.endswith("Mm-hm."), "a turn of its own: heard as usual"
    assert job.readings == 1


def test_words_over_the_reply_cancel_it_and_are_answered(vad: SileroVad) -> None:
    session, rid = replying_session(vad)
    append(session, silence(200) + short_word())
    session.response_audio(rid, silence(100))  # held
    effects = append(session, silence(300))
    job = next(e for e in effects if isinstance(e, Transcribe) and e.speculative)
    effects = session.transcription_completed(
        job.item_id, Transcription("Wait, no."), speculative=True, epoch=job.epoch
    )
    done = next(e.event for e in effects if isinstance(e, Send) and e.event["type"] == "response.done")
    assert done["response"]["status"] == "cancelled"
    assert "conversation.item.truncated" in kinds(effects), "the held audio never played"
    longest = SEMANTIC_TIMING["auto"].max_silence_ms  # no turn-end verdict here: the longest wait
    effects = append(session, silence(longest + 500))
    assert "input_audio_buffer.committed" in kinds(effects), "the words are a turn"


def test_long_speech_over_the_reply_cancels_it_without_waiting_for_words(vad: SileroVad) -> None:
    session, _ = replying_session(vad)
    effects = append(session, silence(200) + pcm24k(load_wav_16k(librivox_clips()[4][0])))
    done = next(e.event for e in effects if isinstance(e, Send) and e.event["type"] == "response.done")
    assert done["response"]["status_details"]["reason"] == "turn_detected"


def test_server_playout_pauses_and_resumes(vad: SileroVad) -> None:
    session, _ = replying_session(vad, server_playout=True)
    effects = session.feed_audio(silence(200) + short_word())
    assert any(isinstance(e, PausePlayout) for e in effects)
    effects = session.feed_audio(silence(300))
    job = next(e for e in effects if isinstance(e, Transcribe) and e.speculative)
    effects = session.transcription_completed(
        job.item_id, Transcription(""), speculative=True, epoch=job.epoch
    )
    assert any(isinstance(e, ResumePlayout) for e in effects), "a cough is no turn either"


def test_backchannels_can_be_switched_off(vad: SileroVad) -> None:
    session, _ = replying_session(vad)
    session.handle_event(
        {
            "type": "session.update",
            "session": {
                "type": "realtime",
                "audio": {
                    "input": {"turn_detection": {"type": "semantic_vad", "realtalk": {"backchannels": False}}}
                },
            },
        }
    )
    effects = append(session, silence(200) + short_word())
    assert "response.done" in kinds(effects), "plain barge-in"


def test_clearing_the_buffer_releases_a_held_reply(vad: SileroVad) -> None:
    session, rid = replying_session(vad)
    append(session, silence(200) + short_word())
    held = session.response_audio(rid, silence(100))
    assert "response.output_audio.delta" not in kinds(held)
    effects = session.handle_event({"type": "input_audio_buffer.clear"})
    assert "response.output_audio.delta" in kinds(effects), "the held audio goes out"
    assert "response.output_audio.delta" in kinds(session.response_audio(rid, silence(100)))


def test_clearing_the_buffer_resumes_paused_playout(vad: SileroVad) -> None:
    session, _ = replying_session(vad, server_playout=True)
    assert any(isinstance(e, PausePlayout) for e in session.feed_audio(silence(200) + short_word()))
    effects = session.handle_event({"type": "input_audio_buffer.clear"})
    assert any(isinstance(e, ResumePlayout) for e in effects)


def test_a_late_backchannel_verdict_on_a_broken_pause_keeps_the_speech(vad: SileroVad) -> None:
    session, rid = replying_session(vad)
    append(session, silence(200) + short_word())
    effects = append(session, silence(300))
    job = next(e for e in effects if isinstance(e, Transcribe) and e.speculative)
    append(session, short_word())  # the speaker goes on before the pause's transcript arrives
    effects = session.transcription_completed(
        job.item_id, Transcription("Yeah."), speculative=True, epoch=job.epoch
    )
    assert "input_audio_buffer.speech_stopped" not in kinds(effects), "the speech goes on"
    assert "response.output_audio.delta" not in kinds(session.response_audio(rid, silence(100))), "held"
