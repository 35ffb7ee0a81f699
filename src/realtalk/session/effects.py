"""What the sans-I/O session asks its driver to do.

The session never awaits anything: it returns a list of effects, in order, and the runtime carries
them out (sending, saving, running engines) and reports results back through session methods.
Order matters: a `SaveItem` comes before the event that tells the client the item exists, so an
acknowledged item is always on disk.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..audio.formats import AudioFormat
from ..brain.base import BrainRequest, ToolCall
from ..engines.base import Float32Audio
from ..protocol.ids import new_id
from .hearing import Expectation
from .turn_detection import PauseVerdict


@dataclass(frozen=True)
class Send:
    """Send this server event (GA form) to the client."""

    event: dict[str, Any]


@dataclass(frozen=True)
class SaveItem:
    """Persist this conversation item (insert or update)."""

    item: dict[str, Any]
    previous_item_id: str | None


@dataclass(frozen=True)
class DeleteItem:
    item_id: str


@dataclass(frozen=True)
class Transcribe:
    """Run speech-to-text on 16 kHz audio; report with `transcription_completed/failed`.

    `speculative` transcriptions start during the end-of-turn silence window, before the turn is
    over, so the transcript is ready when the endpoint is confirmed; `epoch` tells a stale one.
    """

    item_id: str
    audio: Float32Audio
    language: str | None = None
    prompt: str | None = None
    speculative: bool = False
    epoch: int = 0
    expecting: Expectation | None = None
    """The prompt is what the conversation knows (this), not the client's: the server's tools may
    add to it, and it chooses among the recogniser's readings."""
    context: BrainRequest | None = None
    """The request a reply would get now, without this turn: the brain is asked what it makes of
    each close reading as this turn (`hypotheses.understood`)."""
    readings: int = 1
    """How many of the recogniser's best readings to report (`alternatives`), where it can give
    several: speech held over a reply asks for a few (`backchannel.HELD_READINGS`), as any reading
    nearly as likely as the best may say it was feedback."""
    full_stop: bool = False
    """`semantic_vad` reads the transcript's `full_stop_prob` to judge the pause (a speculative
    transcript): the recogniser must report it whichever way it hears, unless `verdict` says the
    decision will not read it."""
    verdict: PauseVerdict | None = None
    """The turn-end model's verdict on the same pause (`PredictTurnEnd.verdict`), once it is in."""


@dataclass(frozen=True)
class PredictTurnEnd:
    """`semantic_vad`: ask the turn-end model whether the turn so far sounds finished.

    `audio` is the turn up to now (16 kHz, the pause included); report with `turn_end_predicted`,
    echoing `pause_id` so a verdict on a pause the speaker has since broken is dropped.
    """

    item_id: str
    audio: Float32Audio
    pause_id: float
    verdict: PauseVerdict | None = None
    """Where the pause's transcript may skip reading the full stop (`Transcribe.verdict`): the
    runtime sets the probability here as soon as the model gives it."""


@dataclass(frozen=True)
class ReadImage:
    """Read the text in an image (OCR); report with `image_read` / `image_read_failed`.

    `image` holds the PNG or JPEG bytes of part `content_index` of user item `item_id`.
    """

    item_id: str
    content_index: int
    image: bytes


@dataclass(frozen=True)
class AudioPlan:
    """How a response's audio must be produced."""

    voice: str
    speed: float
    format: AudioFormat


@dataclass(frozen=True)
class Generate:
    """Produce the response: ask the brain, speak it (when `audio` is set), report back."""

    response_id: str
    request: BrainRequest
    audio: AudioPlan | None


@dataclass(frozen=True)
class Prefetch:
    """Speculatively prepare the reply to `request` (brain + first sentence of audio).

    Sent when a speculative transcript arrives mid-pause. If the turn does end, the `Generate`
    that follows carries an equal request and the runtime answers from what it prepared; if the
    user keeps talking, `DropPrefetch` follows: nothing was sent and the work is dropped.
    """

    request: BrainRequest
    audio: AudioPlan | None


@dataclass(frozen=True)
class DropPrefetch:
    """The user spoke on after the pause a `Prefetch` was for: stop preparing that reply."""


@dataclass(frozen=True)
class RunTool:
    """Run a server-side tool the brain called; report with `tool_result`.

    `audio` is how to speak a filler line if the tool is slow (None: text replies).
    """

    response_id: str
    call: ToolCall
    audio: AudioPlan | None


@dataclass(frozen=True)
class StopGenerating:
    """Abandon a response's generation and any unsent audio."""

    response_id: str


@dataclass(frozen=True)
class PlayAudio:
    """Server-side playout (WebRTC, phone calls): queue reply audio, in the session's playout format.

    The player reports back with `playout_started` / `playout_drained` / `playout_cleared`.
    """

    response_id: str
    item_id: str
    audio: bytes


@dataclass(frozen=True)
class ClearPlayout:
    """Server-side playout: drop the audio not yet played (barge-in, cancel, clear)."""


@dataclass(frozen=True)
class PausePlayout:
    """Server-side playout: stop playing, keep what is queued (a backchannel may follow)."""


@dataclass(frozen=True)
class ResumePlayout:
    """Server-side playout: play on from where `PausePlayout` stopped."""


Effect = (
    Send
    | SaveItem
    | DeleteItem
    | Transcribe
    | PredictTurnEnd
    | ReadImage
    | Prefetch
    | DropPrefetch
    | Generate
    | RunTool
    | StopGenerating
    | PlayAudio
    | ClearPlayout
    | PausePlayout
    | ResumePlayout
)


def server_event(body: dict[str, Any]) -> dict[str, Any]:
    """`body` as a server event: with a fresh `event_id` first."""
    return {"event_id": new_id("event"), **body}


class Outbox:
    """The effects of one session step, in order; the session's parts all write to one outbox."""

    def __init__(self) -> None:
        self.effects: list[Effect] = []

    def append(self, effect: Effect) -> None:
        self.effects.append(effect)

    def send(self, body: dict[str, Any]) -> None:
        # A snapshot: the session keeps updating the response and items an event refers to, and
        # the event goes on the wire later (after the saves queued before it).
        self.effects.append(Send(server_event(copy.deepcopy(body))))

    def drain(self) -> list[Effect]:
        out, self.effects = self.effects, []
        return out
