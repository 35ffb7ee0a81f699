"""The user's own voice as the vowel measure reads it: the reference held speech is judged against.

The vowel measure (`vowel.vowel_lift_db`) tells a hum from a word within one voice ("Mom" stands
7.6-23 dB over that voice's hums), but across voices its whole scale moves by about 30 dB, so no
fixed bound holds (docs/benchmarks.md, twelfth round). The user has always spoken before they hum
over a reply (the reply answers their turn), so the session measures their committed turns the
same way and reads held speech relative to them: shifted by how far the user's turns sit from
`TYPICAL_TURN_DB`, the level the bounds in `backchannel` were chosen on. Before the first turn
there is no reference and the measure is read as it is.
"""

from __future__ import annotations

from collections import deque
from statistics import median

import numpy as np

from ..engines.base import Float32Audio
from .vowel import vowel_lift_db

TURN_WINDOW_MS = 3000
"""Only a turn's last 3 s are measured: enough vowels for the measure, and its cost on the event
loop bounded (~0.5 ms) however long the turn."""
SILENT_PEAK = 1e-3
"""A turn that never peaks over -60 dBFS holds no voice: its measure would be the room's (digital
silence measures 0 dB), so it is not learnt. The session hands over only turns VAD heard as
speech (`InputAudio._commit`), so this guards the measure, not the session's commits."""
MIN_TURN_SPEECH_MS = 700
"""A turn with less speech than this (VAD's onset to its end) is not learnt: a one-word answer
("Yes.", "No.", ~370 ms) rests the measure on one syllable, and measured 9-12 dB under the same
voice's sentences (median over 16 espeak-ng voices of four splits; down to -45 dB), so a session
that opens with one, or confirms a few things in a row, would read every hum after it as a word.
A sentence of 0.8 s or more measured, voice by voice, within about 5 dB of `backchannel_decision`'s
earlier turn (median per sentence; measured with `SpeakerVoice` on `VOICES`' espeak-ng voices)."""
REFERENCE_TURNS = 5
"""The reference is the median of the user's last this many turns: one turn said oddly (a shout,
a whisper, a cough in it) moves it little."""
TYPICAL_TURN_DB = 2.9
"""The level an ordinary turn is taken to measure, which held speech is read against: an ordinary
sentence measures 8.3 dB over the voices of the six heard splits (-11.6 to 16.9 dB; dev's median
8.9), so a typical voice's held speech reads about 6 dB more shut than as it is, a voice whose
turns measure low (`steph`: -11.6 dB) reads far more open. Chosen by the sweep over -0.1 to 9.9 dB
on the six splits (`bench/backchannel_decision.py --choose`: 94.0 % of feedback resumed and 97.9 %
of interruptions cancelled, pooled, against 93.6 / 97.4 % with the measure read as it is)."""


class SpeakerVoice:
    """The user's recent turns, measured (bounded: `REFERENCE_TURNS`)."""

    def __init__(self, sample_rate: int) -> None:
        self._sample_rate = sample_rate
        self._turns: deque[float] = deque(maxlen=REFERENCE_TURNS)

    def heard_turn(self, audio: Float32Audio, speech_ms: float) -> None:
        """The user's turn, with `speech_ms` of speech in it, was committed: learn their voice from
        it (not from a turn under `MIN_TURN_SPEECH_MS`)."""
        if speech_ms < MIN_TURN_SPEECH_MS:
            return
        window = audio[-TURN_WINDOW_MS * self._sample_rate // 1000 :]
        if not len(window) or float(np.max(np.abs(window))) < SILENT_PEAK:
            return
        lift = vowel_lift_db(window, self._sample_rate)
        if lift is not None:
            self._turns.append(lift)

    def relative(self, vowel_db: float | None) -> float | None:
        """`vowel_db` of held speech on the scale the bounds were chosen on: moved by how far this
        user's turns sit from `TYPICAL_TURN_DB`; as it is before their first turn."""
        if vowel_db is None or not self._turns:
            return vowel_db
        return vowel_db - (median(self._turns) - TYPICAL_TURN_DB)
