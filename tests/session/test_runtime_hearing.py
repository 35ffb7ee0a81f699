"""The runtime hears a turn with real Whisper: its best readings, chosen by what the conversation
expects, with the names the server's tools hold."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from realtalk.brain.builtin import BuiltinBrain
from realtalk.config import Settings
from realtalk.engines.base import Transcription
from realtalk.engines.loader import load_speech_engines
from realtalk.engines.whisper_stt import WhisperStt
from realtalk.evaluation.audio import speech_bounds_ms, word_gaps_ms
from realtalk.session.effects import Transcribe
from realtalk.session.hearing import Expectation, with_known
from realtalk.session.runtime import SessionRuntime
from realtalk.session.session import RealtimeSession
from realtalk.session.turn_detection import SEMANTIC_TIMING, PauseVerdict
from realtalk.tools.registry import ToolRegistry
from tests.session.test_session_core import QuietVad
from tests.speech_data import librivox_clips, load_wav_16k, several_readings

pytestmark = pytest.mark.slow

NAMES = ["John Dashwood", "Water the plants"]


def runtime(registry: ToolRegistry, readings: int) -> tuple[SessionRuntime, WhisperStt]:
    stt = load_speech_engines(Settings(stt_trim=True)).stt
    assert isinstance(stt, WhisperStt)
    session = RealtimeSession(model="realtalk", vad=QuietVad())
    brain = BuiltinBrain()
    made = SessionRuntime(
        session, stt=stt, tts=None, brain=brain, store=None, send=_ignore, tools=registry, readings=readings
    )  # type: ignore[arg-type]
    return made, stt


def hear(runtime: SessionRuntime, job: Transcribe) -> Transcription:
    """What the runtime takes the turn to say: Whisper's readings, then the choice among them."""
    return runtime._hear(job)


async def _ignore(event: dict[str, Any]) -> None:
    return None


def test_a_turn_is_one_of_whispers_readings_prompted_with_the_names_the_tools_hold() -> None:
    asked: list[str] = []
    registry = ToolRegistry(vocabulary=lambda: asked.append("names") or NAMES)
    hearing, stt = runtime(registry, readings=5)
    audio = load_wav_16k(librivox_clips()[0][0])
    expecting = Expectation(("set task priority", "high"))
    heard = hear(hearing, Transcribe("item", audio, prompt=expecting.prompt(), expecting=expecting))
    assert asked == ["names"]
    readings = stt.transcribe_nbest(audio, prompt=with_known(expecting.prompt(), NAMES), n=5).alternatives
    assert heard.text in [r.text for r in readings] and "Dashwood" in heard.text
    # One reading: Whisper's greedy one, as without the choice.
    greedy, _ = runtime(registry, readings=1)
    alone = hear(greedy, Transcribe("item", audio, prompt=expecting.prompt(), expecting=expecting))
    assert alone.text == stt.transcribe(audio, prompt=with_known(expecting.prompt(), NAMES)).text
    assert not alone.alternatives


def test_a_failing_vocabulary_or_a_clients_prompt_still_hears() -> None:
    def broken() -> list[str]:
        raise RuntimeError("the database is gone")

    hearing, stt = runtime(ToolRegistry(vocabulary=broken), readings=5)
    audio = load_wav_16k(librivox_clips()[0][0])
    expecting = Expectation(("set task priority",))
    assert "Dashwood" in hear(hearing, Transcribe("item", audio, expecting=expecting)).text
    # The client's own prompt: no choice, no names, Whisper's reading as asked.
    own = hear(hearing, Transcribe("item", audio, prompt="Sense and Sensibility."))
    assert own.text == stt.transcribe(audio, prompt="Sense and Sensibility.").text and not own.alternatives


def test_speech_over_a_reply_is_heard_as_whispers_few_best_readings() -> None:
    """Held speech asks for several readings (`Transcribe.readings`), whatever the conversation
    chooses from: one plain call to Whisper's beam, none chosen among, none batched."""
    hearing, stt = runtime(ToolRegistry(), readings=1)
    prompt = "Once upon a time. Mm-hm."
    audio, beam = several_readings(stt, prompt)
    heard = hear(hearing, Transcribe("item", audio, prompt=prompt, readings=4))
    assert heard.alternatives == beam.alternatives and heard.text == beam.text


def test_a_pause_judged_by_its_full_stop_is_read_as_the_replay_reads_it() -> None:
    """`semantic_vad` asks for the full stop (`Transcribe.full_stop`): the runtime's n-best reading
    then reports the greedy decode's score, the one `bench/turn_decision.py` replays, not a share
    of the beam; a transcript nobody judges a pause by does not pay for it."""
    hearing, stt = runtime(ToolRegistry(), readings=5)
    whole = load_wav_16k(librivox_clips()[0][0])  # "And Mr. John Dashwood had then leisure..."
    start, end = speech_bounds_ms(whole)
    gaps = [at for at in word_gaps_ms(whole) if start + 0.1 * (end - start) < at < end][:4]
    expecting = Expectation.of([], None)
    compared = 0
    for audio in [whole, *(whole[: int(at * 16)] for at in gaps)]:
        job = Transcribe("item", audio, prompt=expecting.prompt(), expecting=expecting, speculative=True)
        judged = hear(hearing, replace(job, full_stop=True))
        replayed = stt.transcribe(audio, prompt=expecting.prompt())
        assert judged.full_stop_prob is not None and replayed.full_stop_prob is not None
        if judged.alternatives[0].text == replayed.text:  # the beam's best is the greedy reading
            compared += 1
            assert judged.full_stop_prob == pytest.approx(replayed.full_stop_prob, abs=0.02)
        assert hear(hearing, job).full_stop_prob is None
    assert compared >= 2
    # Speech held over a reply is heard as a few readings too (`Transcribe.readings`): its pause
    # still gets the score when judged.
    held = Transcribe("item", whole, readings=4, speculative=True, full_stop=True)
    assert hear(hearing, held).full_stop_prob == pytest.approx(stt.transcribe(whole).full_stop_prob, abs=0.02)
    # The pause's turn-end verdict in first (`Transcribe.verdict`): read only where the decision
    # will read it, on the reading `_choose` makes of the beam's.
    verdict = PauseVerdict(SEMANTIC_TIMING["auto"], probability=0.95)
    job = Transcribe("item", whole, prompt=expecting.prompt(), expecting=expecting, speculative=True)
    judged_job = replace(job, full_stop=True, verdict=verdict)
    assert hear(hearing, judged_job).full_stop_prob is None, "Smart Turn sure: Whisper's doubts overruled"
    verdict.probability = 0.7
    unsure = hear(hearing, judged_job)
    assert verdict.needs_full_stop([unsure]) and unsure.full_stop_prob is not None
