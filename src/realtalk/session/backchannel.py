"""Backchannels: a user's "mm-hm" while the agent talks pauses the reply instead of cancelling it.

With backchannels on, speech that starts over a reply *holds* the reply's audio (server-side
playout pauses; over WebSocket the session stops sending audio deltas) and the session decides:

- the speech goes on past `MAX_BACKCHANNEL_MS`, or its transcript is more than a backchannel:
  a real interruption. The reply is cancelled (truncated at what was heard) and the new words
  become the next user turn, exactly as plain barge-in does;
- it stops within `MAX_BACKCHANNEL_MS` and its transcript (taken in the pause, speculatively,
  with a prompt that ends in listener feedback: `listening_prompt`) is a backchannel phrase or
  nothing at all (a cough, a door): the reply resumes where it paused and the speech is dropped,
  never committed as a user turn. Where Whisper wrote only a hum, the sound has the last word:
  a hum is said with the lips shut, a word ("Mom", often written "Mm-hm.") has a vowel
  (`vowel.vowel_lift_db`). A lone non-word that sounds like feedback is feedback ("Yay."
  for a "yeah"), a phrase Whisper made up for a hum ("In a tune.") keeps the lips shut too, and
  Whisper is asked for its few best readings (`HELD_READINGS`): one nearly as likely as the best
  that says feedback ("Yeah." under "Cheer.") makes it feedback, unless the best says feedback
  and then more ("Okay done.") or the readings agree on its words ("No." under "No. No."); one
  that says words close under a short hum makes the hum a word ("Wait." under "Mm.").

Before any of that, a provisional onset (`onset.py`, ~10 ms after the sound arrives, long before
VAD's `speech_started`) *ducks* the reply the same way: with `pause_at_onset` on, the audio
pauses there whatever backchannels are set to. If VAD confirms speech, the duck becomes the hold
above (or plain barge-in's cancel); if not, the reply resumes. Either way the caller stops
hearing the agent at the onset, not ~170 ms later, and a cancelled reply is truncated at what was
played until the duck.

Part of the sans-I/O session, like `InputAudio` and `Responses`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..brain.sounds import Sound, english
from ..engines.base import Transcription
from .effects import ClearPlayout, Outbox, PausePlayout, ResumePlayout
from .hearing import MAX_CHARS
from .responses import Responses

MAX_BACKCHANNEL_MS = 1200
"""Speech longer than this is an interruption. Hums run long: by VAD's count the dev material's
"mm-hm"s (espeak-ng and Piper voices, clean and in noise) lasted 740-1020 ms, and at 800 ms half
of them were cancelled before a word was heard. The reply is paused from the onset on, so a
longer limit only cancels a long interruption later, never lets the reply play over it (chosen
on dev: `bench/backchannel_decision.py --choose`)."""

BACKCHANNEL_WORDS = frozenset(
    """mm-hm mm-hmm mmhm mhm mm hm hmm uh-huh uhhuh uh huh yeah yep yes yup ok okay right sure
    alright wow oh ah aha really true exactly totally cool nice great indeed""".split()  # noqa: SIM905
)
_PHRASE = re.compile(r"\b(?:i see|got it|go on|all right|of course|fair enough|makes sense)\b")
"""Feedback of two words, which only together are feedback: a lone "I..." starts a sentence, and
"All right." is Whisper's spelling of "alright" as often as not."""
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
"""Words, numbers ("9") and words of any script: anything said that is not a hum is words."""
_HUMMED = r"h*+m++(?:-?h*+m++)*+"  # "MMMHM", "mmm-hmm", "hmmm", "mm-hm-hm"
"""A hum with the lips shut. Its runs are possessive (`++`, `*+`): unlike `h*m+(?:-?h*m+)*`, a long
"mmm...m" that ends in another letter is rejected at once, not after trying every way of cutting
it into runs (30 letters took seconds, on the event loop)."""
_HUM = re.compile(
    rf"{_HUMMED}"
    r"|u++h*+(?:-?h*+u++h++)*+"  # "uhhuh", "uh-uh" (Whisper's spelling of many a "uh-huh")
    r"|a++h++|o++h++"  # "ahh", "ohh"
    r"|h++[aeu]++(?:(?:-h++|h++(?:-h++)?)[aeu]++)*+h*+"  # laughs: "ha-ha", "hahaha", "heh", "huh-huh"
)
"""Hums and laughs however Whisper spells them."""
_CLOSED = re.compile(rf"{_HUMMED}|u++m++")
"""What Whisper writes for a sound made with the lips shut: a hum ("Mm-hm.", "Hmm."), or "Um..."
(which it also writes for a hum)."""
OPEN_VOWEL_DB = 2.0
"""A sound Whisper wrote as a hum is a word when its vowel band rises this far above its nasal one
(`vowel.vowel_lift_db`): on dev every hum stayed under -0.1 dB and every "Mom" over 8.8 dB, in
clean audio and in noise; new voices' hums rose to 5.0 dB and one voice's "Mom" to only 3.0 dB, so the
seventh round's sweep over dev, test and holdout took 2 dB, with `LONG_HUM_MS` for the long hums
(`bench/backchannel_decision.py --choose`)."""
LONG_HUM_MS = 600
"""A sound Whisper wrote as a hum ("Mm-hm.", "Hmm.": not "Um...", which a speaker taking the floor
draws out, nor a word that only sounds like a hum) that lasted this long is feedback whatever its
vowel: a listener's "mm-hm" is two hums (704-864 ms on the voices whose hums open towards a vowel),
"Mom" one syllable (288-512 ms on every voice; 500-700 ms all swept the same)."""
FEEDBACK_ALIKE = 0.85
"""How alike (`brain.sounds`' likeness of sound and spelling, 0-1) a lone heard word must be to a
feedback word, or to a hum, to count as one: "Yay." and "Yipp." for "yeah" and "yep" 0.88,
"Uh-oh." for "uh-huh" 0.92, "Hum." for a hum 0.90; the closest interruption, "Aww." for "Four"
in noise, 0.81 (swept 0.8-0.9 over dev, test and holdout)."""
SHUT_PHRASE_WORDS = 3
SHUT_PHRASE_DB = -6.0
"""A phrase of `SHUT_PHRASE_WORDS` or more words over speech of at least `LONG_HUM_MS` whose vowel
band stayed this far under its nasal one is a hum Whisper made words of ("In a tune.", "Am I
kidding?": -6.4 to -17.7 dB, 640-768 ms): words said aloud open the mouth somewhere (the closest, a
recorded "ten of clubs", -5.8 dB; the margin is thin, and most of tiny.en's phrases for hums
measure -4 to 3.5 dB, out of its reach). Three words in less time are said quickly, not hummed: a
recorded first word heard as "Have missed it." (384 ms, -7.5 dB) was cancelled only so."""

HELD_READINGS = 4
"""Whisper's best readings asked for held speech (a beam this wide, instead of the greedy reading:
the beam's best alone writes more of the new voices' hums and feedback words as such)."""
CLOSE_READING = 0.3
"""A reading of held speech within this of the best's log-probability per token is nearly as
likely, and says feedback as well as the best says words: "Yeah." under "Cheer.", "I see." under
"I-E.", "Yup." under "You have it." (chosen over dev, test, holdout and holdout2:
`bench/backchannel_decision.py --choose`)."""

WORDS_UNDER_HUM = 0.1
"""A short hum's reading that says words within this of the hum's log-probability per token makes
it a closed word (`_close_words`). Chosen over dev to holdout5 pooled (`bench/backchannel_decision.py
--choose`): 93.4 % of feedback resumed, 97.9 % of interruptions cancelled, against 93.5 / 97.8 %
not asked and 92.4 / 98.1 % at 0.3 (a "Hmm." has "Um..." or a word close behind as often)."""


LISTENING_CUE = "Mm-hm."
"""Ends Whisper's prompt for speech heard over the agent's reply (`listening_prompt`)."""


def listening_prompt(prompt: str | None) -> str:
    """The prompt for speech heard while the agent talks: the usual one, broken off, then a
    listener's feedback ("Sorry, I can't... Mm-hm.").

    Whisper continues its prompt: after the agent's words alone it heard Piper's "mm-hm" as words
    ("And the Meacham.", "and may chant."); after them and a listener's "Mm-hm." it heard most hums
    as "Mm-hm." and still heard "No.", "Stop.", "Hold on.", "Mom", "Nine" or a card name as said
    (docs/benchmarks.md, Turn-taking). The agent's words end "..." where they stop mid-sentence:
    on dev clips a cue right after an open clause ("Sorry, Mm-hm.") once turned "Mom" into "Mm-hm."
    """
    said = (prompt or "").strip().rstrip(",;:")
    if said and not said.endswith((".", "!", "?")):
        said += "..."
    return " ".join(p for p in (said, LISTENING_CUE) if p)[-MAX_CHARS:]


def is_backchannel(transcript: str) -> bool:
    """Whether `transcript` is only listener feedback (at most three backchannel words) or nothing."""
    return len(_WORD.findall(transcript.lower())) <= 3 and not _said(transcript)


def _units(transcript: str) -> list[str]:
    """The words of `transcript`, a feedback phrase counted as one hum."""
    return _PHRASE.sub("mm", " ".join(_WORD.findall(transcript.lower()))).split()


def _said(transcript: str) -> set[str]:
    """The words of `transcript` that are not feedback: what it says beyond a listener's "mm-hm"."""
    return {u for u in _units(transcript) if u not in BACKCHANNEL_WORDS and not _HUM.fullmatch(u)}


_FEEDBACK_SOUNDS = tuple(Sound.of(w) for w in sorted(BACKCHANNEL_WORDS) if not _CLOSED.fullmatch(w))
"""Feedback words said with the mouth open: a word that sounds like a hum is judged as one, by its sound."""
_HUMMED_RE = re.compile(_HUMMED)
_HUM_SOUNDS = tuple(Sound.of(w) for w in ("mm", "mm-hm", "hmm"))


def sounds_like(word: str, sounds: tuple[Sound, ...]) -> bool:
    """Whether a heard word sounds like one of `sounds` (`FEEDBACK_ALIKE`)."""
    heard = Sound.of(word)
    return any(heard.likeness(s) >= FEEDBACK_ALIKE for s in sounds)


def _misheard_feedback(word: str) -> bool:
    """Whether a lone word is a feedback word Whisper could not place: no English word ("Yay.",
    "Yipp.", "Uh-oh.", "A-ha.") that sounds like one. A word English knows was said as itself: a
    one-word answer or command ("Create.", "Exact.", "Try.", "Total.") sounds as like "great",
    "exactly", "true" or "totally" as a misheard "yeah" does like "yeah"."""
    return sounds_like(word, _FEEDBACK_SOUNDS) and not english(word)


def _hummed(word: str) -> bool:
    """Whether Whisper wrote a hum ("Mm-hm", "Um"), or a word that sounds like one ("Hum")."""
    return bool(_CLOSED.fullmatch(word)) or sounds_like(word, _HUM_SOUNDS)


def is_feedback(heard: Transcription, speech_ms: float, vowel_db: float | None = None) -> bool:
    """Whether speech held over the reply, `speech_ms` long, in which Whisper heard `heard` and whose
    vowel band rose `vowel_db` above its nasal one (None: not measured), was listener feedback (or no
    words at all) rather than an interruption.

    A transcript of hums alone (or of words that sound like one: "Hum.") is taken at its sound:
    feedback when the lips stayed shut or a hum written as one was long (`LONG_HUM_MS`), a word when a vowel
    opened them. "Um" counts only as a hum (lips shut): said with its vowel, it is someone taking
    the floor; a short hum with a reading close behind that says words is a closed word
    (`_close_words`). Otherwise the words decide: feedback words, a lone non-word that sounds like
    one, a phrase over shut lips (`SHUT_PHRASE_DB`), or another of Whisper's readings nearly as
    likely that says feedback (`_close_feedback`)."""
    if speech_ms > MAX_BACKCHANNEL_MS:
        return False
    units = _WORD.findall(heard.text.lower())
    if vowel_db is not None and units and all(_hummed(u) for u in units):
        if speech_ms < LONG_HUM_MS and _close_words(heard):
            return False
        long_hum = speech_ms >= LONG_HUM_MS and all(_HUMMED_RE.fullmatch(u) for u in units)
        return vowel_db <= OPEN_VOWEL_DB or long_hum
    if is_backchannel(heard.text) or (len(units) == 1 and _misheard_feedback(units[0])):
        return True
    phrase = len(units) >= SHUT_PHRASE_WORDS and speech_ms >= LONG_HUM_MS
    shut = phrase and vowel_db is not None and vowel_db <= SHUT_PHRASE_DB
    return shut or _close_feedback(heard, speech_ms, vowel_db)


def _close_words(heard: Transcription) -> bool:
    """Whether, under a best reading of hums, another nearly as likely (`WORDS_UNDER_HUM`) says
    words beyond feedback, none of them a hum ("Okay, wait." counts; "Yeah." and "Mm, wait." do
    not): "Wait." under "Mm.", "And this..." under "Mm-hm." for a
    recorded first word. Asked only of short speech: a short closed word and a short hum are alike
    in sound, and Whisper's readings are what is left to tell them."""
    return any(
        units and _said(text) and not any(_hummed(u) for u in units)
        for text, units in _close_readings(heard, WORDS_UNDER_HUM)
    )


def _close_readings(heard: Transcription, within: float) -> Iterator[tuple[str, list[str]]]:
    """Whisper's other readings of `heard` within `within` of its best's log-probability per token,
    best first, each with its words."""
    if not heard.alternatives:
        return
    best, *others = heard.alternatives
    for reading in others:
        if reading.log_prob >= best.log_prob - within:
            yield reading.text, _WORD.findall(reading.text.lower())


def _close_feedback(heard: Transcription, speech_ms: float, vowel_db: float | None) -> bool:
    """Whether a reading nearly as likely as Whisper's best (`CLOSE_READING`) is feedback: feedback
    words, or hums judged by their sound over speech as long as a listener's "mm-hm" (`LONG_HUM_MS`;
    a short closed word, "Wait." or "No.", has "Mm." among its readings and shut lips). Only the
    readings' words are asked, not the rules for misheard words: the readings of "Wait, no,
    Tuesday" include a phrase over shut lips ("Wait. More. More.").

    Another reading stands in for a best one Whisper misheard whole ("Cheer." for "yeah"), so it is
    not asked where the best says feedback and other words too, in either order ("Okay done." for
    "hold on", "Yeah, I..." for "nine"): a listener who says more than the feedback word takes
    the floor. Nor does it count
    below a reading that says the best's words again ("No." under "No. No.", above "Oh. Oh."):
    there the readings agree on the words, and differ only on how often they were said."""
    if len(heard.alternatives) < 2:
        return False
    best = heard.alternatives[0].text
    said = _said(best)
    if said and len(said) < len(set(_units(best))):
        return False
    for text, units in _close_readings(heard, CLOSE_READING):
        if units and all(_hummed(u) for u in units):
            if speech_ms >= LONG_HUM_MS and is_feedback(Transcription(text), speech_ms, vowel_db):
                return True
        elif units and is_backchannel(text):
            return True
        elif units and set(_units(text)) <= said:
            return False
    return False


class Backchannels:
    """Holds the reply at a speech onset over it, then resumes it or cancels it (see the module)."""

    def __init__(
        self,
        out: Outbox,
        responses: Responses,
        *,
        server_playout: bool,
        enabled: Callable[[], bool],
    ) -> None:
        self._out = out
        self._responses = responses
        self._server_playout = server_playout
        self._enabled = enabled
        self.holding = False
        self.ducked = False
        """Paused at a provisional onset that VAD has not judged yet."""

    def onset(self) -> None:
        """A provisional onset over the reply: pause its audio until VAD has judged it."""
        if not self.holding and not self.ducked:
            self.ducked = self._pause()

    def end_duck(self) -> None:
        """Play on if paused at an onset: VAD did not confirm it, or the speech it did confirm
        cancelled the reply (then what was cut is gone, and a pause must not outlive it)."""
        if self.ducked:
            self.ducked = False
            self._resume()

    def speech_started(self) -> bool:
        """The user started talking with barge-in on. True: the reply is held, not cancelled."""
        if not self._enabled():
            return False
        if not (self.ducked or self._pause()):
            return False
        self.ducked = False
        self.holding = True
        return True

    def speech_heard(self, heard: Transcription, speech_ms: float, vowel_db: float | None = None) -> bool:
        """The speech paused and this is what Whisper heard (and how open its sound was, see
        `is_feedback`). True: a backchannel, to be dropped."""
        if not self.holding:
            return False
        self.holding = False
        if is_feedback(heard, speech_ms, vowel_db):
            self._resume()
            return True
        self._interrupt()
        return False

    def speech_going_on(self, speech_ms: float) -> None:
        """The held speech has lasted `speech_ms` so far."""
        if self.holding and speech_ms > MAX_BACKCHANNEL_MS:
            self.holding = False
            self._interrupt()

    def abandon(self) -> None:
        """The held speech was thrown away (buffer cleared, turn detection changed): play on."""
        self.end_duck()
        if self.holding:
            self.holding = False
            self._resume()

    def turn_ended(self) -> None:
        """The turn was committed before its transcript decided: it is a real turn."""
        self.end_duck()
        if self.holding:
            self.holding = False
            self._interrupt()

    def _pause(self) -> bool:
        """Pause the reply's audio; False when there is none to pause."""
        current = self._responses.current
        if self._server_playout and (current is not None or self._responses.playouts):
            self._out.append(PausePlayout())
        elif current is not None and current.first_audio_at is not None:
            self._responses.hold_audio()
        else:
            return False
        return True

    def _resume(self) -> None:
        if self._server_playout:
            self._out.append(ResumePlayout())
        else:
            self._responses.release_audio()

    def _interrupt(self) -> None:
        current = self._responses.current
        if current is not None:
            self._responses.cancel(current, "turn_detected")
        elif self._server_playout:
            self._out.append(ClearPlayout())  # generated already, still playing
        if self._server_playout:
            self._out.append(ResumePlayout())  # whatever was cut, the track plays again
        else:
            self._responses.release_audio()  # the response ended meanwhile: nothing left to cut
