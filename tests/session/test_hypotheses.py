"""Choosing among the recogniser's readings the one the conversation makes most sense of."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any, TypeVar

import numpy as np

from realtalk.brain.base import BrainEvent, BrainRequest, TextDelta, ToolSpec
from realtalk.brain.builtin import BuiltinBrain
from realtalk.engines.base import FullStopAsked, Hypothesis, Transcription
from realtalk.engines.scheduler import InferenceScheduler, Priority
from realtalk.session.effects import Transcribe
from realtalk.session.hearing import Expectation
from realtalk.session.hypotheses import (
    DISPUTE_MARGIN,
    FIT_WEIGHT,
    MAX_JUDGED,
    UNDERSTOOD_WEIGHT,
    VOTE_WEIGHT,
    Fit,
    Judge,
    best,
    choose,
    mood_disputed,
)
from realtalk.session.runtime import SessionRuntime, judges_readings
from realtalk.session.session import RealtimeSession
from tests.session.test_session_core import QuietVad

T = TypeVar("T")

TOOLS = [
    ToolSpec("set_task_priority", "", {"properties": {"priority": {"enum": ["low", "medium", "high"]}}}),
    ToolSpec("tag_task", "", {"properties": {"tags": {"type": "array"}}}),
    ToolSpec("unlock_door", "", {"properties": {"code": {"type": "string"}}}),
]
TITLES = ["Water the plants", "Buy a birthday present for Mia"]


def test_a_close_reading_with_the_tools_words_wins() -> None:
    readings = [
        Hypothesis("Actually, make a type right already.", -0.27),
        Hypothesis("Actually, make it high priority.", -0.40),
    ]
    assert choose(readings, Expectation.of(TOOLS, None)).text == "Actually, make it high priority."


def test_a_known_name_counts_by_two_words_in_a_row() -> None:
    expecting = Expectation.of([], None)
    readings = [
        Hypothesis("Can you remove what on the plants?", -0.40),
        Hypothesis("Can you remove water the plants?", -0.47),
    ]
    assert choose(readings, expecting, TITLES).text == "Can you remove water the plants?"
    # One word of a name is too weak a sign: "Mia" must not turn "me a" into a name.
    readings = [Hypothesis("Tell me a joke.", -0.50), Hypothesis("Tell Mia joke.", -0.52)]
    assert choose(readings, expecting, TITLES).text == "Tell me a joke."


def test_a_yes_or_no_is_expected_after_a_yes_or_no_question() -> None:
    readings = [Hypothesis("Yet, delete it.", -0.30), Hypothesis("Yes, delete it.", -0.36)]
    asked = Expectation.of([], "Do you really want to delete Water the plants?")
    assert choose(readings, asked).text == "Yes, delete it."
    told = Expectation.of([], "Deleted Water the plants. What else?")
    assert choose(readings, told).text == "Yet, delete it."


def test_the_sound_still_decides_between_readings_that_fit_alike() -> None:
    readings = [
        Hypothesis("I'd like to try the code 4821.", -0.48),
        Hypothesis("I'd like to try Nicole 4821.", -0.43),
    ]
    assert choose(readings, Expectation.of(TOOLS, None)).text == "I'd like to try the code 4821."
    far = [Hypothesis("Add it being over new.", -0.3), Hypothesis("Add it high.", -0.3 - 2 * FIT_WEIGHT)]
    assert choose(far, Expectation.of(TOOLS, None)).text == "Add it being over new."
    assert choose([Hypothesis("Only one.", -2.0)], Expectation.of(TOOLS, None)).text == "Only one."


def test_fit_counts_each_expected_thing_once() -> None:
    fit = Fit(Expectation.of(TOOLS, "Shall I read the rest?"), TITLES)
    assert fit.of("yes tag water the plants, high high high") == 1 + 1 + 1 + 1  # yes, tag, water-plant, high
    assert fit.of("the of and") == 0  # small words of tool names ("set") never count


def test_a_reading_two_recognisers_gave_outweighs_a_slightly_likelier_one() -> None:
    readings = [
        Hypothesis("Put it on track or make it.", -0.30),
        Hypothesis("Put it on Saturday.", -0.30 - VOTE_WEIGHT / 2, votes=2),
    ]
    assert choose(readings, Expectation.of([], None)).text == "Put it on Saturday."
    far = [readings[0], Hypothesis("Put it on Saturday.", -0.30 - 2 * VOTE_WEIGHT, votes=2)]
    assert choose(far, Expectation.of([], None)).text == "Put it on track or make it."


class Verdicts:
    """A brain's verdicts by reading, and which readings it was asked about."""

    def __init__(self, **verdicts: int) -> None:
        self.verdicts = verdicts
        self.asked: list[str] = []

    def __call__(self, text: str) -> int:
        self.asked.append(text)
        return self.verdicts.get(text.split()[0].strip(",.?"), 0)


def test_of_close_readings_the_one_the_brain_understands_wins() -> None:
    misheard = Hypothesis("Add it being over poop.", -0.30)
    said = Hypothesis("Anything overdue?", -0.30 - UNDERSTOOD_WEIGHT)  # within reach of a verdict's step
    judge = Verdicts(Add=-1, Anything=1)
    assert choose([misheard, said], Expectation.of([], None), judge=judge).text == "Anything overdue?"
    assert sorted(judge.asked) == ["Add it being over poop.", "Anything overdue?"]
    # Without a brain to ask, or where the brain makes the same of both, the sound decides.
    assert choose([misheard, said], Expectation.of([], None)).text == misheard.text
    assert choose([misheard, said], Expectation.of([], None), judge=Verdicts()).text == misheard.text


def test_the_brain_is_asked_only_about_a_few_readings_within_reach_of_the_best() -> None:
    close = [Hypothesis(f"Reading {n}.", -0.30 - n / 100) for n in range(5)]
    far = Hypothesis("Far off.", -0.30 - DISPUTE_MARGIN - 0.01)
    judge = Verdicts(Far=1)
    assert choose([*close, far], Expectation.of([], None), judge=judge).text == "Reading 0."
    assert judge.asked == [r.text for r in close[:MAX_JUDGED]]
    # A reading still disputed but further behind than a verdict could lift it is not asked about.
    beyond = Hypothesis("Beyond reach.", -0.30 - 2 * UNDERSTOOD_WEIGHT - 0.01)
    assert 2 * UNDERSTOOD_WEIGHT + 0.01 < DISPUTE_MARGIN
    judge = Verdicts(Beyond=1, Reading=-1)
    assert choose([close[0], beyond], Expectation.of([], None), judge=judge).text == "Reading 0."
    assert judge.asked == []
    # One reading within reach (or several that read the same) has nothing to be told apart from.
    alone = Verdicts()
    choose([close[0], far, Hypothesis(close[0].text, -0.31)], Expectation.of([], None), judge=alone)
    assert alone.asked == []


def test_a_command_is_disputed_by_a_close_reading_that_asks() -> None:
    told = Hypothesis("Then I add something about printer ink.", -0.31)
    asked = Hypothesis("Did I add something about printer ink?", -0.35)
    assert mood_disputed([told, asked], told)
    # A reading that asks but is far less likely is no live alternative.
    unlikely = Hypothesis("Did I add something about printer ink?", told.log_prob - DISPUTE_MARGIN - 0.1)
    assert not mood_disputed([told, unlikely], told)
    # A question mark alone is not asking (Whisper punctuates one sentence's readings differently),
    # and a question chosen is never disputed: asking writes nothing.
    marked = Hypothesis("Add milk to the list?", -0.30)
    plain = Hypothesis("Add milk to the list.", -0.29)
    assert not mood_disputed([plain, marked], plain)
    assert not mood_disputed([asked, told], asked)


def test_a_session_puts_misheard_words_back_to_its_tools_words_before_choosing() -> None:
    """Through the sans-I/O session: a committed turn's expectation carries the client's tools and
    instructions, and the readings are put back to their words ("Market done" -> "mark it done")."""
    session = RealtimeSession(model="realtalk", vad=QuietVad())
    session.start()
    tool = {
        "type": "function",
        "name": "archive_photo",
        "description": "Mark a photo as kept and archive it; overdue backups are listed.",
        "parameters": {"type": "object", "properties": {"album": {"type": "string"}}},
    }
    session.handle_event(
        {
            "type": "session.update",
            "session": {
                "type": "realtime",
                "instructions": "You are Lumen, who keeps the family photos.",
                "tools": [tool],
                "audio": {"input": {"turn_detection": None, "transcription": {"model": "whisper-1"}}},
            },
        }
    )
    pcm = np.zeros(24000, dtype=np.int16).tobytes()
    session.handle_event({"type": "input_audio_buffer.append", "audio": base64.b64encode(pcm).decode()})
    job = next(
        e for e in session.handle_event({"type": "input_audio_buffer.commit"}) if isinstance(e, Transcribe)
    )
    assert job.expecting is not None and "Lumen" in " ".join(job.expecting.described)
    readings = [Hypothesis("Okay, market done.", -0.30), Hypothesis("Okay, market on.", -0.35)]
    assert choose(readings, job.expecting).text == "Okay, mark it done."
    assert choose([Hypothesis("Any backups over do?", -0.4)], job.expecting).text == "Any backups overdue?"
    # As heard, before the words are put back; and a plain English "market" after "the" stays.
    assert best(readings, job.expecting).text == "Okay, market done."
    assert (
        choose([Hypothesis("Take it to the market.", -0.2)], job.expecting).text == "Take it to the market."
    )


def test_a_turn_is_heard_with_the_request_a_reply_would_get_without_it() -> None:
    """The brain is asked about each reading as the next turn of the conversation so far (only
    when the session is told a brain will ask: the request is built on the event loop)."""
    session = RealtimeSession(model="realtalk", vad=QuietVad(), reply_context=True)
    session.start()
    tool = {"type": "function", "name": "archive_photo", "parameters": {"type": "object", "properties": {}}}
    audio = {"input": {"turn_detection": None, "transcription": {"model": "whisper-1"}}}
    session.handle_event(
        {"type": "session.update", "session": {"type": "realtime", "tools": [tool], "audio": audio}}
    )
    for role, kind in (("user", "input_text"), ("assistant", "output_text")):
        item = {"type": "message", "role": role, "content": [{"type": kind, "text": f"{role} said"}]}
        session.handle_event({"type": "conversation.item.create", "item": item})
    pcm = np.zeros(24000, dtype=np.int16).tobytes()
    session.handle_event({"type": "input_audio_buffer.append", "audio": base64.b64encode(pcm).decode()})
    job = next(
        e for e in session.handle_event({"type": "input_audio_buffer.commit"}) if isinstance(e, Transcribe)
    )
    assert job.context is not None
    assert [(m.role, m.content) for m in job.context.messages] == [
        ("user", "user said"),
        ("assistant", "assistant said"),
    ]
    assert [t.name for t in job.context.tools] == ["archive_photo"]


def test_a_turn_carries_no_request_when_no_brain_asks() -> None:
    session = RealtimeSession(model="realtalk", vad=QuietVad())
    session.start()
    audio = {"input": {"turn_detection": None, "transcription": {"model": "whisper-1"}}}
    session.handle_event({"type": "session.update", "session": {"type": "realtime", "audio": audio}})
    pcm = np.zeros(24000, dtype=np.int16).tobytes()
    session.handle_event({"type": "input_audio_buffer.append", "audio": base64.b64encode(pcm).decode()})
    job = next(
        e for e in session.handle_event({"type": "input_audio_buffer.commit"}) if isinstance(e, Transcribe)
    )
    assert job.expecting is not None and job.context is None


class Talking:
    """A brain that only streams replies (a language model's): it cannot say without replying."""

    name = "talking"

    async def stream(self, request: BrainRequest) -> AsyncIterator[BrainEvent]:
        yield TextDelta("Hello.")


class Refusing:
    """A brain that fails when asked what it makes of a reading."""

    name = "refusing"

    def understands(self, request: BrainRequest) -> int:
        raise RuntimeError("no dry run today")


async def _ignore(event: dict[str, Any]) -> None:
    return None


def test_the_runtime_asks_a_brain_that_can_say_and_no_other() -> None:
    def judge_of(brain: object, context: BrainRequest | None) -> Judge | None:
        session = RealtimeSession(model="realtalk", vad=QuietVad())
        made = SessionRuntime(session, stt=None, tts=None, brain=brain, store=None, send=_ignore)  # type: ignore[arg-type]
        return made._judge(context, ["Water the plants"])

    title = {"properties": {"title": {"type": "string"}}, "required": ["title"]}
    tools = [ToolSpec("complete_task", "Mark a task as done.", title)]
    context = BrainRequest("", [], tools)
    judge = judge_of(BuiltinBrain(), context)
    assert judge is not None
    assert judge("Mark water the plants as done.") == 1  # the held names reach the dry run
    assert judge("What's the capital of France?") == -1
    assert judge_of(BuiltinBrain(), None) is None  # a client's own prompt: nothing to judge by
    assert judge_of(Talking(), context) is None  # a language model is not asked
    refusing = judge_of(Refusing(), context)
    assert refusing is not None and refusing("Mark water the plants as done.") == 0


def test_a_reading_whose_values_were_weighed_gets_no_verdict() -> None:
    """The brain would count a code again: its values' fit (`values`) already weighed it."""
    door = ToolSpec("unlock_door", "", {"properties": {"code": {"type": "string", "pattern": "^[0-9]{4}$"}}})
    refused = Hypothesis("Enter 1 2 3.", -0.30)
    fitting = Hypothesis("Enter 1 2 3 3.", -0.35)
    chat = Hypothesis("And there we are.", -0.40)
    judge = Verdicts(Enter=1, And=-1)
    chosen = choose([refused, fitting, chat], Expectation.of([door], None), judge=judge)
    assert judge.asked == ["And there we are."]
    assert chosen.text == choose([refused, fitting, chat], Expectation.of([door], None)).text


class Readings:
    """A recogniser that hears two close readings."""

    name = "readings"
    sample_rate = 16000

    def transcribe_many(self, utterances: Any) -> list[Transcription]:
        raise AssertionError("a turn heard with the conversation's expectations is not batched")

    def transcribe(
        self, audio: Any, *, language: str | None = None, prompt: str | None = None
    ) -> Transcription:
        return Transcription("Anything overdue?")

    def transcribe_nbest(
        self,
        audio: Any,
        *,
        language: str | None = None,
        prompt: str | None = None,
        n: int = 4,
        full_stop: FullStopAsked = False,
    ) -> Transcription:
        readings = (Hypothesis("Anything overdue?", -0.3), Hypothesis("Add it being over do.", -0.35))
        return Transcription("Anything overdue?", alternatives=readings)


class Recording(InferenceScheduler):
    """A scheduler that notes which calls waited for a worker."""

    def __init__(self) -> None:
        super().__init__(1)
        self.ran: list[str] = []

    async def run(self, priority: Priority, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.ran.append(getattr(fn, "__name__", ""))
        return await super().run(priority, fn, *args, **kwargs)


def test_only_a_choice_that_dry_runs_the_brain_waits_for_a_worker_of_its_own() -> None:
    """Whisper serves one call at a time: the dry runs run after its turn, and a choice without
    them stays in Whisper's call rather than wait for a worker a second time."""
    job = Transcribe(
        "item", np.zeros(1600, np.float32), expecting=Expectation.of([], None), context=BrainRequest("", [])
    )

    def workers(brain: object, job: Transcribe, readings: int = 5) -> list[str]:
        scheduler = Recording()
        session = RealtimeSession(model="realtalk", vad=QuietVad())
        made = SessionRuntime(
            session, stt=Readings(), tts=None, brain=brain, store=None, send=_ignore,  # type: ignore[arg-type]
            scheduler=scheduler, readings=readings,
        )  # fmt: skip
        asyncio.run(made._transcribe(job))
        return scheduler.ran

    assert workers(BuiltinBrain(), job) == ["_listen", "_choose"]
    assert workers(Talking(), job) == ["_hear"]  # a language model is not asked
    assert workers(BuiltinBrain(), job, readings=1) == ["_hear"]  # one reading: nothing to choose
    assert workers(BuiltinBrain(), replace(job, context=None)) == ["_hear"]  # a client's own prompt


def test_only_a_brain_that_understands_with_several_readings_needs_the_request() -> None:
    """What the server tells the session (`reply_context`) follows the runtime's own rule."""
    assert judges_readings(BuiltinBrain(), Readings(), 5)
    assert not judges_readings(BuiltinBrain(), Readings(), 1)  # one reading: nothing to choose
    assert not judges_readings(Talking(), Readings(), 5)  # a language model is not asked
    assert not judges_readings(BuiltinBrain(), QuietVad(), 5)  # no best few readings
