"""`InputAudio`: the input audio buffer of a Realtime session, and how it becomes user turns.

Appended audio is decoded to 16 kHz, fed to VAD frame by frame and turn detection; a turn's end
commits the buffer as a user item and asks for its transcript (speculatively, in every pause that
may end the turn). With `semantic_vad` each such pause is also put to the turn-end model, and
the model's verdict and the transcript together set how long the pause must last
(`turn_detection.pause_wait_ms`); a reply prepared for a pause is dropped if speech resumes.

Part of the sans-I/O session: effects go to the session's `Outbox`, and what the rest of the
session must react to (speech started, a turn ended, a transcript arrived) is reported through
the callbacks it was given.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

import numpy as np

from ..audio.convert import InputDecoder
from ..audio.formats import AudioFormat
from ..audio.sample_buffer import SampleBuffer
from ..brain.base import BrainRequest, ToolSpec
from ..engines.base import Float32Audio, Transcription, VadStream
from ..protocol.errors import ProtocolError
from ..protocol.ids import new_id
from .backchannel import HELD_READINGS, listening_prompt
from .config import TurnDetectionSettings
from .conversation import Conversation, Item, wire_item
from .effects import DropPrefetch, Outbox, PredictTurnEnd, SaveItem, Transcribe
from .hearing import UNSURE_LOG_PROB, Expectation
from .noise_floor import NoiseFloor
from .onset import OnsetWatch
from .prosody import final_drop_db
from .speaker_voice import SpeakerVoice
from .turn_detection import PauseVerdict, TurnDetector, WhisperScores
from .vowel import MIN_INPUT_RATE, vowel_lift_db

SAMPLE_RATE = 16_000
"""Rate of the session's internal input audio (what VAD and STT take)."""

# OpenAI: "the audio buffer must contain at least 100ms of audio" for a manual commit.
MIN_COMMIT_MS = 100
# OpenAI: "up to a maximum of 15 MiB" of audio per `input_audio_buffer.append`.
MAX_APPEND_BYTES = 15 * 1024 * 1024
# The whole buffer. OpenAI documents a cap per append but none for the buffer; without one, a
# client that appends and never commits grows the server without bound (300 appends of 1 MiB:
# +734 MB). Ten minutes holds one 15 MiB append of 24 kHz PCM16 (5.5 min) and any spoken turn,
# and costs at most ~67 MB (the raw audio, 48 KB/s, plus its 16 kHz float copy, 64 KB/s).
MAX_BUFFER_MS = 600_000
# Start transcribing this long into a pause: by the time the silence window (500 ms by default)
# confirms the turn is over, the transcript is usually ready.
SPECULATE_AFTER_MS = 160
# semantic_vad asks its model and starts the transcript sooner: the turn's end waits on them
# (three 32 ms VAD frames; shorter gaps between words are common and would waste transcripts).
SEMANTIC_SPECULATE_AFTER_MS = 96
# What the turn-end model hears of a turn (Smart Turn's window); a long turn is not copied whole.
TURN_MODEL_WINDOW_MS = 8000
# What the fade of the speech before a pause is measured on (`prosody.final_drop_db`).
FADE_WINDOW_MS = 4000
# Audio kept after the last speech frame when cutting the utterance for STT: word endings trail.
STT_TAIL_MS = 250


class InputAudio:
    """The input buffer, VAD and turn detection, and the transcription of user audio."""

    def __init__(
        self,
        out: Outbox,
        conversation: Conversation,
        vad: VadStream,
        *,
        config: Callable[[], dict[str, Any]],
        server_tools: tuple[ToolSpec, ...] = (),
        max_append_bytes: int,
        max_buffer_ms: int,
        vad_frame_samples: int,
        playout_format: AudioFormat | None,
        on_speech_started: Callable[[], None],
        on_turn_ended: Callable[[], None],
        on_early_transcript: Callable[[str, bool], bool],
        on_transcribed: Callable[[], None],
        on_speaking: Callable[[float], None] = lambda _: None,
        on_pause_heard: Callable[[Transcription, float, float | None], bool] = lambda *_: False,
        on_onset: Callable[[], None] = lambda: None,
        on_onset_unconfirmed: Callable[[], None] = lambda: None,
        held: Callable[[], bool] = lambda: False,
        context: Callable[[], BrainRequest | None] = lambda: None,
    ) -> None:
        """`on_early_transcript`: a speculative transcript arrived while the pause goes on (its
        words, and whether the recogniser was unsure of them, as the turn's item will say); True
        when a reply is being prepared for it (`DropPrefetch` follows if the user speaks on).
        `on_transcribed`: an item's transcript is in (or failed), so its text is known.
        `on_speaking`: the user's speech has lasted this many ms so far (every VAD frame).
        `on_pause_heard`: what Whisper heard in the speech before a pause, how long it lasted (ms)
        and, for held speech, how open its sound was (`vowel.vowel_lift_db`); True drops the speech
        (a backchannel) instead of letting it become a turn.
        `on_onset`: a provisional onset (`onset.py`), before VAD confirms it; `on_onset_unconfirmed`:
        VAD did not confirm it in time (no `speech_started` followed).
        `held`: the speech is held over the agent's reply, to be judged a backchannel or not; its
        pauses are transcribed expecting listener feedback (`listening_prompt`).
        `context`: the request a reply would get now, without the turn being heard (`Transcribe`).
        """
        self._out = out
        self._conversation = conversation
        self._vad = vad
        self._config = config
        self._server_tools = server_tools
        self._max_append_bytes = max_append_bytes
        self._max_buffer_ms = max_buffer_ms
        self._overflowing = False
        """Media-track audio is being dropped because the buffer is full (told once, not per frame)."""
        self._vad_frame_samples = vad_frame_samples
        self._playout_format = playout_format
        self._on_speech_started = on_speech_started
        self._on_turn_ended = on_turn_ended
        self._on_early_transcript = on_early_transcript
        self._on_transcribed = on_transcribed
        self._on_speaking = on_speaking
        self._on_pause_heard = on_pause_heard
        self._on_onset = on_onset
        self._on_onset_unconfirmed = on_onset_unconfirmed
        self._held = held
        self._context = context
        self._onset_ms = 0.0
        self._noise = NoiseFloor()
        """The room's noise, learnt once per session (settings changes keep it)."""
        self._onsets = OnsetWatch(self._noise, SAMPLE_RATE)
        self.voice = SpeakerVoice(SAMPLE_RATE)
        """The user's own voice, learnt from their committed turns (settings changes keep it)."""
        self.ms_total = 0.0
        """Input audio heard so far in this session (the clock of `audio_start_ms` / `audio_end_ms`)."""
        self.configure()
        self.reset()
        self._speech_item_id: str | None = None
        self._speculated: dict[str, tuple[int, float, Transcription | None]] = {}
        self._epoch = 0
        self._prefetched_pause: float | None = None
        """The pause a reply is being prepared for (`Prefetch`), until the turn ends or goes on."""

    def configure(self) -> None:
        """Take the formats and turn detection settings from the session config."""
        audio = self._config()["audio"]
        self.input_format = AudioFormat.parse(audio["input"]["format"])
        self.output_format = AudioFormat.parse(audio["output"]["format"])
        if self._playout_format is not None:  # the transport's media decides, not the config
            self.input_format = self.output_format = self._playout_format
        self._decoder = InputDecoder(self.input_format, target_rate=SAMPLE_RATE)
        # Onsets are heard at the input's own rate: the resampler holds back 20-60 ms.
        self._onsets = OnsetWatch(self._noise, self.input_format.rate, self._onsets.clock_ms)
        self.detection = TurnDetectionSettings.from_config(audio["input"]["turn_detection"])
        frame_ms = 1000 * self._vad_frame_samples / SAMPLE_RATE
        if self.detection is None:
            self._turns = TurnDetector(0.5, 500, frame_ms, noise=self._noise)
        else:
            self._turns = TurnDetector(
                self.detection.threshold,
                self.detection.silence_duration_ms,
                frame_ms,
                semantic=self.detection.semantic,
                noise=self._noise,
            )

    def reset(self) -> None:
        self._samples = SampleBuffer()  # read in every pause: joined once, not per read
        self._raw_input = bytearray()  # appends are amortised O(chunk); `bytes +=` copied it all
        self._overflowing = False
        self._vad_pending = np.zeros(0, dtype=np.float32)
        self._buffer_start_ms = self.ms_total

    # ------------------------------------------------------------------ client events

    def append(self, encoded: str) -> None:
        """`input_audio_buffer.append`: base64 audio in the session's input format."""
        try:
            audio = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ProtocolError(
                "Invalid 'audio': expected base64-encoded audio bytes.", code="invalid_value", param="audio"
            ) from exc
        if len(audio) > self._max_append_bytes:
            raise ProtocolError(
                f"Audio chunk too large: {len(audio)} bytes; the limit is {self._max_append_bytes} bytes "
                "per append.",
                code="input_audio_buffer_too_large",
                param="audio",
            )
        if self.input_format.type == "audio/pcm" and len(audio) % 2:
            raise ProtocolError(
                "Invalid 'audio': audio/pcm must be 16-bit little-endian samples (an even number of bytes).",
                code="invalid_audio_format",
                param="audio",
            )
        self._make_room(audio)
        self.feed(audio)

    def feed_track(self, audio: bytes) -> None:
        """Audio from a media track (WebRTC): no client event to refuse, so a full buffer drops the
        audio and says so once, until a commit or clear makes room."""
        try:
            self._make_room(audio)
        except ProtocolError as exc:
            if not self._overflowing:
                self._out.send({"type": "error", "error": exc.to_error(None)})
            self._overflowing = True
            return
        self._overflowing = False
        self.feed(audio)

    def _make_room(self, audio: bytes) -> None:
        """Make sure the buffer can hold `audio` as well. With turn detection, a turn that fills the
        buffer ends there (the server owns commits; refusing the audio would also starve VAD of the
        silence that ends the turn). Without it, the client must commit: raise `ProtocolError`."""
        held_ms = len(self._samples) / (SAMPLE_RATE / 1000)
        incoming_ms = len(audio) / (self.input_format.rate * self.input_format.bytes_per_sample / 1000)
        if held_ms + incoming_ms <= self._max_buffer_ms:
            return
        if self._speech_item_id is not None and incoming_ms < self._max_buffer_ms:
            item_id, self._speech_item_id = self._speech_item_id, None
            self._turns.reset()
            self._out.send(
                {
                    "type": "input_audio_buffer.speech_stopped",
                    "audio_end_ms": int(self.ms_total),
                    "item_id": item_id,
                }
            )
            self._commit(item_id, speech_end_ms=None, spoken=True)
            self._on_turn_ended()
            return
        raise ProtocolError(
            f"Error appending to input audio buffer: buffer full. It holds {held_ms:.0f}ms of audio "
            f"and can hold at most {self._max_buffer_ms}ms; commit or clear it before appending more.",
            code="input_audio_buffer_full",
        )

    def feed(self, audio: bytes) -> None:
        decoded = self._decoder.decode(audio)
        if self._onsets.hear(decoded, listening=self.detection is not None and not self._turns.speaking):
            self._on_onset()
        samples = self._decoder.resample(decoded)
        self._raw_input += audio
        self._samples.append(samples)
        self._run_vad(samples)

    def commit(self) -> None:
        """`input_audio_buffer.commit`: the buffer becomes a user item now."""
        ms = len(self._samples) / (SAMPLE_RATE / 1000)
        if ms < MIN_COMMIT_MS:
            raise ProtocolError(
                f"Error committing input audio buffer: buffer too small. Expected at least "
                f"{MIN_COMMIT_MS}ms of audio, but buffer only has {ms:.2f}ms of audio.",
                code="input_audio_buffer_commit_empty",
            )
        spoken = self._speech_item_id is not None
        item_id = self._speech_item_id or new_id("item")
        self._speech_item_id = None
        self._prefetched_pause = None  # the turn is committed: its prepared reply may still answer it
        self._turns.reset()
        self._samples.append(self._decoder.flush())  # the resampler's held-back samples: this turn's
        self._commit(item_id, speech_end_ms=None, spoken=spoken)

    def clear(self) -> None:
        """`input_audio_buffer.clear`."""
        self.reset()
        self._speculated.pop(self._speech_item_id or "", None)  # its late transcript has no turn
        self._speech_item_id = None
        self._turns.reset()
        self._onsets.reset()
        if self._prefetched_pause is not None:
            self._prefetched_pause = None
            self._out.append(DropPrefetch())
        self._out.send({"type": "input_audio_buffer.cleared"})

    def time_out(self) -> None:
        """The idle timeout fired: commit what was heard as a user turn, with no transcript to wait for."""
        item_id = new_id("item")
        now_ms = int(self.ms_total)
        self._out.send(
            {
                "type": "input_audio_buffer.timeout_triggered",
                "item_id": item_id,
                "audio_start_ms": int(self._buffer_start_ms),
                "audio_end_ms": now_ms,
            }
        )
        self._commit(item_id, speech_end_ms=None, spoken=False)
        if self._conversation.pending:
            self._conversation.pending.discard(item_id)
            self._out.effects = [
                e for e in self._out.effects if not (isinstance(e, Transcribe) and e.item_id == item_id)
            ]
            self._conversation.items[item_id].text = ""

    def transcribe_part(self, record: Item, part: dict[str, Any]) -> None:
        """A client-created item's `input_audio` part without a transcript: transcribe it."""
        try:
            audio = base64.b64decode(part["audio"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ProtocolError(
                "Invalid 'audio' in input_audio content: expected base64.",
                code="invalid_value",
                param="item.content.audio",
            ) from exc
        decoder = InputDecoder(self.input_format, target_rate=SAMPLE_RATE)
        record.audio = audio
        record.text = None
        part.pop("audio", None)
        part["transcript"] = None
        self._conversation.pending.add(record.data["id"])
        self._out.append(Transcribe(record.data["id"], decoder.feed(audio), **self._stt_hints()))

    # ------------------------------------------------------------------ results from the runtime

    def transcription_completed(
        self, item_id: str, result: Transcription, *, speculative: bool, epoch: int
    ) -> None:
        if speculative:
            spec = self._speculated.get(item_id)
            if spec is not None and spec[0] == epoch:
                self._speculated[item_id] = (epoch, spec[1], result)
                if item_id in self._conversation.pending:
                    self._finish_transcription(item_id, result)
                elif self._speech_item_id == item_id:
                    unbroken = spec[1] == self._turns.pause_id  # else the speaker went on: not a backchannel
                    if unbroken and self._on_pause_heard(
                        result, spec[1] - self._onset_ms, self._vowel(spec[1])
                    ):
                        self._drop_speech(spec[1])
                        return
                    self._measure_fade(spec[1])
                    ended = self._turns.heard(spec[1], result.text, self.ms_total, WhisperScores.of(result))
                    if ended is not None:
                        self._end_turn(ended.at_ms)
                    elif unbroken:
                        self._prepare_reply(spec[1], result)
            return
        if item_id in self._conversation.pending:
            self._finish_transcription(item_id, result)

    def transcript_ahead(self, item_id: str, result: Transcription, *, epoch: int) -> None:
        """The words of a pause's speculative transcript whose full stop the recogniser is still
        reading (`Transcribe.full_stop`): the pause is judged when the `transcription_completed`
        that brings the score arrives, from the same verdicts and the fade measured then, as if the
        words had come with it. Meanwhile a turn committed since takes the words, and an open pause
        prepares its reply, so that a turn the score ends at once finds its reply under way."""
        spec = self._speculated.get(item_id)
        if spec is None or spec[0] != epoch:
            return
        self._speculated[item_id] = (epoch, spec[1], result)
        if item_id in self._conversation.pending:
            self._finish_transcription(item_id, result)
        elif (
            self._speech_item_id == item_id
            and spec[1] == self._turns.pause_id
            and not self._held()  # held speech is judged a backchannel or not first
        ):
            self._prepare_reply(spec[1], result)

    def _prepare_reply(self, pause_id: float, result: Transcription) -> None:
        """The reply the turn would get if it ended at this pause with these words, asked for once
        a pause (the words ahead of the full stop may have asked for it already)."""
        if self._prefetched_pause != pause_id and self._on_early_transcript(
            result.text.strip(), heard_unsure(result)
        ):
            self._prefetched_pause = pause_id

    def turn_end_predicted(self, item_id: str, pause_id: float, probability: float) -> None:
        """The turn-end model's verdict on a pause (see `PredictTurnEnd`)."""
        if item_id != self._speech_item_id:
            return
        self._measure_fade(pause_id)
        ended = self._turns.sounds_complete(pause_id, probability, self.ms_total)
        if ended is not None:
            self._end_turn(ended.at_ms)

    def _vowel(self, speech_end_ms: float) -> float | None:
        """How open the held speech's sound was, against the user's own turns (`speaker_voice`; only
        held speech is judged by it, and not over a telephone line: `vowel.MIN_INPUT_RATE`)."""
        if not self._held() or self.input_format.rate < MIN_INPUT_RATE:
            return None
        return self.voice.relative(vowel_lift_db(self._utterance(speech_end_ms), SAMPLE_RATE))

    def _measure_fade(self, pause_id: float) -> None:
        """How the speech before the current pause faded, measured as a verdict on it arrives: by
        then (~100-300 ms into the pause) the word's fading tail, which VAD no longer calls
        speech, has been heard."""
        if self._turns.semantic is None or pause_id != self._turns.pause_id:
            return
        recent = self._utterance(None)[-FADE_WINDOW_MS * SAMPLE_RATE // 1000 :]
        self._turns.speech_ends(pause_id, final_drop_db(recent, SAMPLE_RATE, self.ms_total - pause_id))

    def transcription_failed(self, item_id: str, message: str) -> None:
        if item_id not in self._conversation.pending:
            return
        self._conversation.pending.discard(item_id)
        self._speculated.pop(item_id, None)
        item = self._conversation.items.get(item_id)
        if item is not None:
            item.text = ""
        if self._transcription_enabled():
            self._out.send(
                {
                    "type": "conversation.item.input_audio_transcription.failed",
                    "item_id": item_id,
                    "content_index": 0,
                    "error": {
                        "type": "transcription_error",
                        "code": "transcription_failed",
                        "message": message,
                        "param": None,
                    },
                }
            )
        self._on_transcribed()

    # ------------------------------------------------------------------ VAD and turns

    def _run_vad(self, samples: Float32Audio) -> None:
        if self.detection is None:
            self.ms_total += len(samples) / (SAMPLE_RATE / 1000)
            return
        pending = np.concatenate([self._vad_pending, samples])
        frame = self._vad_frame_samples
        usable = len(pending) - len(pending) % frame
        for start in range(0, usable, frame):
            self.ms_total += frame / (SAMPLE_RATE / 1000)
            samples = pending[start : start + frame]
            probability = self._vad.speech_probability(samples)
            self._on_vad_frame(probability, _level_db(samples))
        self._vad_pending = pending[usable:]
        if self._onsets.unconfirmed(self._turns.speaking, self.ms_total):
            self._on_onset_unconfirmed()
        if not self._turns.speaking:
            self._trim_preroll()

    def _on_vad_frame(self, probability: float, level_db: float) -> None:
        assert self.detection is not None
        event = self._turns.update(probability, self.ms_total, level_db)
        if event is not None and event.kind == "speech_started":
            self._speech_item_id = new_id("item")
            self._onset_ms = event.at_ms
            self._epoch += 1
            self._out.send(
                {
                    "type": "input_audio_buffer.speech_started",
                    "audio_start_ms": max(
                        int(self._buffer_start_ms), event.at_ms - self.detection.prefix_padding_ms
                    ),
                    "item_id": self._speech_item_id,
                }
            )
            self._on_speech_started()
        elif event is not None and event.kind == "speech_stopped" and self._speech_item_id:
            self._end_turn(event.at_ms)
        elif self._turns.speaking and self._speech_item_id is not None:
            pause = self._turns.pause_id
            if self._prefetched_pause is not None and self._prefetched_pause != pause:
                self._prefetched_pause = None  # the user spoke on: that reply would answer half a turn
                self._out.append(DropPrefetch())
            self._on_speaking(pause - self._onset_ms)
            spec = self._speculated.get(self._speech_item_id)
            after = SPECULATE_AFTER_MS if self._turns.semantic is None else SEMANTIC_SPECULATE_AFTER_MS
            if self._turns.silence_so_far_ms(self.ms_total) >= after and (spec is None or spec[1] != pause):
                self._speculate(self._speech_item_id, pause)

    def _drop_speech(self, speech_end_ms: float) -> None:
        """The speech was not a turn (a backchannel): it ends here and is never committed."""
        item_id = self._speech_item_id
        self._speech_item_id = None
        self._speculated.pop(item_id or "", None)
        self._turns.reset()
        self.reset()
        self._out.send(
            {
                "type": "input_audio_buffer.speech_stopped",
                "audio_end_ms": int(speech_end_ms),
                "item_id": item_id,
            }
        )

    def _end_turn(self, speech_end_ms: int) -> None:
        item_id = self._speech_item_id
        assert item_id is not None
        self._speech_item_id = None
        self._prefetched_pause = None  # the reply it prepared is the turn's now (if it matches)
        self._out.send(
            {"type": "input_audio_buffer.speech_stopped", "audio_end_ms": speech_end_ms, "item_id": item_id}
        )
        self._commit(item_id, speech_end_ms=speech_end_ms, spoken=True)
        self._on_turn_ended()

    def _trim_preroll(self) -> None:
        # Outside speech, keep only the prefix padding (plus a frame) so the buffer stays small.
        if self.detection is None or self._speech_item_id is not None:
            return
        keep = int((self.detection.prefix_padding_ms + 64) * SAMPLE_RATE / 1000)
        if len(self._samples) <= keep * 2:
            return
        dropped = len(self._samples) - keep
        self._samples.keep_last(keep)
        self._buffer_start_ms += dropped / (SAMPLE_RATE / 1000)
        raw_keep = int(keep / SAMPLE_RATE * self.input_format.rate) * self.input_format.bytes_per_sample
        self._raw_input = self._raw_input[-raw_keep:] if raw_keep else bytearray()

    def _utterance(self, speech_end_ms: float | None) -> Float32Audio:
        audio = self._samples.samples()
        if speech_end_ms is not None:
            end = int((speech_end_ms + STT_TAIL_MS - self._buffer_start_ms) * SAMPLE_RATE / 1000)
            audio = audio[: max(0, end)]
        return audio

    def _speculate(self, item_id: str, speech_end_ms: float) -> None:
        self._epoch += 1  # a result for an earlier pause of this turn is stale
        self._speculated[item_id] = (self._epoch, speech_end_ms, None)
        hints = self._stt_hints()
        if self._held():
            # No tools' names after the cue (`expecting`): Whisper weighs the prompt's end most.
            hints = {
                "language": hints["language"],
                "prompt": listening_prompt(hints["prompt"]),
                "readings": HELD_READINGS,
            }
        semantic = self._turns.semantic
        full_stop = semantic is not None and semantic.asks_full_stop
        # The pause's two verdicts share this: the turn-end model's, asked first and quick (~10-30
        # ms against the beam's ~100+), may spare the transcript the forced decode of its full stop.
        verdict = (
            PauseVerdict(semantic, speech_ms=self._turns.speech_before(speech_end_ms))
            if semantic is not None and full_stop
            else None
        )
        if semantic is not None:
            recent = self._utterance(None)[-TURN_MODEL_WINDOW_MS * SAMPLE_RATE // 1000 :]
            self._out.append(PredictTurnEnd(item_id, recent, speech_end_ms, verdict))
        self._out.append(
            Transcribe(
                item_id,
                self._utterance(speech_end_ms),
                **hints,
                speculative=True,
                epoch=self._epoch,
                full_stop=full_stop,
                verdict=verdict,
            )
        )

    def _commit(self, item_id: str, speech_end_ms: float | None, *, spoken: bool) -> None:
        """Make the buffer a user item. `spoken`: VAD heard speech in it, so it is the user's voice
        to learn (`speaker_voice`); an idle timeout's or a client's commit of what VAD never called
        speech (room noise, or any audio without turn detection, where held speech is never
        judged) is not."""
        audio = self._utterance(speech_end_ms)
        if spoken and self.input_format.rate >= MIN_INPUT_RATE:
            speech_ms = (self.ms_total if speech_end_ms is None else speech_end_ms) - self._onset_ms
            self.voice.heard_turn(audio, speech_ms)
        raw = bytes(self._raw_input)
        self.reset()
        self._buffer_start_ms = self.ms_total
        order = self._conversation.order
        previous = order[-1] if order else None
        self._out.send(
            {"type": "input_audio_buffer.committed", "item_id": item_id, "previous_item_id": previous}
        )
        data = {
            "id": item_id,
            "type": "message",
            "object": "realtime.item",
            "status": "completed",
            "role": "user",
            "content": [{"type": "input_audio", "transcript": None}],
        }
        record = Item(
            data,
            audio=raw,
            audio_rate_bytes_per_ms=self.input_format.rate * self.input_format.bytes_per_sample / 1000,
        )
        spec = self._speculated.get(item_id)
        self._conversation.pending.add(item_id)
        self._conversation.insert(record, None)
        if (
            spec is not None
            and spec[0] == self._epoch
            and speech_end_ms is not None
            and spec[1] >= speech_end_ms - 1
        ):
            if spec[2] is not None:
                self._finish_transcription(item_id, spec[2])
        else:
            self._speculated.pop(item_id, None)
            self._out.append(Transcribe(item_id, audio, **self._stt_hints()))

    # ------------------------------------------------------------------ transcripts

    def _stt_hints(self) -> dict[str, Any]:
        """The language and prompt for Whisper: the client's, else what the conversation knows."""
        config = self._config()
        transcription = config["audio"]["input"].get("transcription") or {}
        if transcription.get("prompt"):
            return {"language": transcription.get("language"), "prompt": transcription["prompt"]}
        expecting = Expectation.of(
            [*self._server_tools, *(config.get("tools") or [])],
            self._conversation.last_said(),
            config.get("instructions"),
        )
        return {
            "language": transcription.get("language"),
            "prompt": expecting.prompt(),
            "expecting": expecting,
            "context": self._context(),
        }

    def _transcription_enabled(self) -> bool:
        return bool(self._config()["audio"]["input"].get("transcription"))

    def _finish_transcription(self, item_id: str, result: Transcription) -> None:
        self._conversation.pending.discard(item_id)
        self._speculated.pop(item_id, None)
        record = self._conversation.items.get(item_id)
        if record is None:
            return
        text = result.text.strip()
        record.text = text
        record.heard_unsure = heard_unsure(result)
        if self._transcription_enabled():
            record.data["content"][0]["transcript"] = text
            self._out.append(SaveItem(wire_item(record), None))
            if text:
                self._out.send(
                    {
                        "type": "conversation.item.input_audio_transcription.delta",
                        "item_id": item_id,
                        "content_index": 0,
                        "delta": text,
                    }
                )
            self._out.send(
                {
                    "type": "conversation.item.input_audio_transcription.completed",
                    "item_id": item_id,
                    "content_index": 0,
                    "transcript": text,
                    "usage": {"type": "duration", "seconds": round(result.audio_seconds, 3)},
                }
            )
        else:
            # The transcript is still what the brain heard; keep it on disk for restores.
            self._out.append(
                SaveItem(
                    {**wire_item(record), "content": [{"type": "input_audio", "transcript": text}]}, None
                )
            )
        self._on_transcribed()


def heard_unsure(result: Transcription) -> bool:
    """Whether the recogniser was unsure of a transcript (`Item.heard_unsure`)."""
    return result.disputed or (result.log_prob is not None and result.log_prob < UNSURE_LOG_PROB)


def _level_db(frame: Float32Audio) -> float:
    """Mean power of a frame in dB relative to full scale."""
    return float(10 * np.log10(np.mean(np.square(frame, dtype=np.float64)) + 1e-10))
