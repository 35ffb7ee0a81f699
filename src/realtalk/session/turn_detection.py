"""Server VAD: turns per-frame speech probabilities into speech start/stop decisions.

Pure arithmetic on probabilities, timestamps and verdicts, so it is tested without audio or
models. Two ways to end a turn:

- silence (`server_vad`): the turn ends `silence_duration_ms` after the last speech frame;
- semantics (`semantic_vad`): during a pause the session asks a turn-end model whether the
  audio so far sounds finished, gets the pause's speculative transcript, and measures how the
  speech before it faded (`prosody.py`). Together they set how long the pause must last
  (`pause_wait_ms`): a turn the model is sure of, whose words read finished and whose speech
  faded, ends as soon as the verdicts are in (after enough speech: `quick_after_ms`); one whose
  words stop mid-sentence waits
  `SemanticTiming.max_silence_ms`; any other `settle_ms`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from ..engines.base import Transcription
from .noise_floor import NoiseFloor

# Silero's own recommendation: leave speech only when the probability drops 0.15 below the
# threshold, so a voice hovering around the threshold doesn't flap.
HYSTERESIS = 0.15
# Two 32 ms frames above threshold start speech: one loud click does not barge in, and a real
# onset is still caught within ~64 ms.
ONSET_FRAMES = 2


@dataclass(frozen=True)
class SemanticTiming:
    """How `semantic_vad` waits, for one eagerness: at once when every sign says the turn is over,
    else a fixed wait, or the longest one when the words stop mid-sentence."""

    confident: float
    """Turn-end model probability at or above which, with words that read finished and speech
    that faded, the turn ends once the verdicts are in (above 1: never at once)."""
    falling_db: float | None
    """How far the speech's last 100 ms must have faded below the turn's loud level to end at
    once (`prosody.final_drop_db`); None: the fade is not asked about."""
    settle_ms: int
    """Any other pause whose words do not stop mid-sentence: this long. The reply is prepared
    meanwhile, so it is ready when the turn ends."""
    max_silence_ms: int
    """Words that stop mid-sentence wait this long; any pause this long ends the turn."""
    clear_speech: float | None = None
    """Whisper's no-speech probability on the pause's transcript at or below which the turn may
    end at once (speech broken off at a word gap scores higher); None: not asked."""
    sure_words: float | None = None
    """Whisper's average log-probability per token of the pause's transcript at or above which
    the turn may end at once (a word broken off is often misheard); None: not asked."""
    full_stop: float | None = None
    """Whisper's probability of a sentence-final mark right after the transcript's last word at or
    above which the turn may end at once (`Transcription.full_stop_prob`); None: not asked."""
    sure_turn: float | None = None
    """Turn-end model probability at or above which `sure_words` and `full_stop` are not asked
    (Whisper's doubts overruled); None: always asked."""
    doubted_full_stop: float | None = None
    """Whisper's full-stop probability at or above which a pause whose words read finished ends at
    once whatever the turn-end model and the no-speech probability say (the model doubts finished
    read statements, "He was not an ill disposed young man." 0.05; Whisper hears synthetic voices
    less surely); None: never."""
    doubted_falling_db: float | None = None
    """The fade `doubted_full_stop` also asks for (as `falling_db`); None: not asked."""
    quick_after_ms: int = 0
    """Speech since the turn's last judged pause (or its onset) before a pause may end it at once;
    below it the pause waits `settle_ms`. 0: any. (Counted from the onset alone, the sixteenth round
    measured the same cuts but one.)"""

    @property
    def asks_full_stop(self) -> bool:
        """Whether a pause's decision reads Whisper's full-stop probability (which costs the
        n-best recogniser a forced decode of its best reading, `WhisperStt.transcribe_nbest`)."""
        return self.full_stop is not None or self.doubted_full_stop is not None


_MEDIUM = SemanticTiming(0.5, -18.0, 2000, 4000, 0.1, full_stop=0.6, sure_turn=0.9)
"""`medium` and `auto`: where Smart Turn is below 0.9, Whisper must also have given a full stop 0.6
or more. Every other pause waits 2 s: at 1.6 s, spliced 1.5 s pauses outlasted the wait (sixth
round); 3 s and 4 s cut 3 fewer of the nine tuning splits' 1357 turns for a second or two more
on every unsure turn (fifteenth). Words that stop mid-sentence wait OpenAI's 4 s. The quick end
is not held back (`quick_after_ms`): 2 s of it cut fewer turns but made every short command wait
`settle_ms` (sixteenth round), so it is a client's `turn_detection.realtalk.quick_end_after_ms`."""

# OpenAI: eagerness "low" lets the user take their time, "high" chunks audio as soon as possible,
# "auto" is "medium"; "low, medium, and high have max timeouts of 8s, 4s, and 2s respectively"
# (`max_silence_ms`, the wait of words that stop mid-sentence). The rest chosen by rule from the
# trade-off of pauses cut against turn-end delay on the tuning splits (`python bench/turn_decision.py
# --roc`, `bench/turn_fit.py --waits`, docs/benchmarks.md): low cuts fewest, auto/medium is the
# fastest within 2 points of the fewest it can cut (its quick end alone cuts 3.3 % of the nine
# tuning splits' turns, low none), high the fastest whose other pauses wait only 1 s. The confident
# end comes right after the verdicts (~100 ms of silence, then the transcript and the model).
SEMANTIC_TIMING: dict[str, SemanticTiming] = {
    # eagerness: confident, falling_db, settle_ms, max_silence_ms[, clear_speech, sure_words,
    # full_stop, sure_turn]
    # Never at once: every pause waits at least 3 s, so low is never quicker to end a turn than
    # auto. At 2 s a 1.5 s pause spliced into a natural one, or beside quiet far-field speech VAD
    # misses, outlasted the wait (4 of fresh4's 102 pauses); at 3 s none of the nine tuning splits'
    # 1125 is cut (fifteenth round, `bench/turn_fit.py --waits`).
    "low": SemanticTiming(1.01, None, 3000, 8000),
    "medium": _MEDIUM,
    "auto": _MEDIUM,
    "high": SemanticTiming(0.0, -15.0, 1000, 2000),  # the fade and the words alone
}

# Words an English sentence rarely ends on: articles and other determiners, prepositions that
# cannot stand alone, conjunctions, auxiliaries (but not "is"/"was": "than he was."; nor one right
# after its subject that makes a clause of its own: "Yes, I can."), possessives, subject pronouns,
# contractions of a subject and its verb, titles and fillers.
# "I'd like a table for... um" ends on two of them.
_UNFINISHED_WORDS = frozenset(
    """a an the and or but nor so because if than which whose to of for with from in on at by into
    onto as my your his her its our their be been being have has had will would shall should can
    could may might must very rather quite um uh er erm i we they he she every each another such
    among between toward towards upon via per without within during against except beneath beyond
    whether unless although though whereas i'm you're we're they're he's she's it's that's there's
    what's i've you've we've they've i'll you'll we'll they'll i'd you'd we'd they'd let's gonna
    wanna gotta mr mrs ms dr mister""".split()  # noqa: SIM905
)
# Unfinished even as a question: "Can you book a table for?" is a preposition left hanging, but
# "...waiting for?" is English; "...the?" never is.
_UNFINISHED_QUESTION_WORDS = frozenset(
    "a an the and or but nor my your his her its our their every each".split()  # noqa: SIM905
)
# Words that end a sentence as an adverb ("It's over.") but more often lead on ("...about the").
_MAY_GO_ON_WORDS = frozenset(
    "about above across after along around before behind below over past since through under".split()  # noqa: SIM905
)
# A sentence led by one of these with no comma may not have said its main clause yet ("If it
# rains on Saturday."), or may have without the comma Whisper left out ("Unless to be cold is
# to be ill-disposed."), or may answer a question alone ("Because it's late.").
_SUBORDINATORS = frozenset(
    """if unless although though whereas whether once whenever wherever when while before after
    since because until till""".split()  # noqa: SIM905
)
# After these, "that" introduces a clause still to come ("I think that").
_THAT_CLAUSE_VERBS = frozenset(
    "think thought say said says know knew believe hope guess mean sure so such realize feel".split()  # noqa: SIM905
)
_AUXILIARIES = frozenset("have has had will would shall should can could may might must".split())  # noqa: SIM905
_QUESTION_VERBS = frozenset(
    "is are was were am do does did have has had will would can could should shall may might must".split()  # noqa: SIM905
)
_PRONOUNS = frozenset("i we you they he she it".split())  # noqa: SIM905
_WORD = re.compile(r"[a-z']+")
_CLAUSES = re.compile(r"[.,;!?]")
_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_NUMBER = re.compile(r"\d[\d,.:]*")
_LIST_END = re.compile(r"\b(?:and|or)\b")
_OPEN_MARKS = (",", "...", "\u2026", "-", "\u2014", "\u2013", ":", ";")

Ending = Literal["open", "may_go_on", "closed"]


def sounds_unfinished(transcript: str) -> bool:
    """Whether a transcript stops mid-sentence: on a word sentences rarely end with, a comma or "..."."""
    return transcript_ending(transcript) == "open"


def _is_ellipsis(text: str) -> bool:
    """Whether the last clause is a pronoun and an auxiliary alone, a short answer whose verb is left
    out ("Yes, I can.", "We will."), not a sentence broken off after its auxiliary ("so that I can")."""
    clause = _WORD.findall(_CLAUSES.split(text.rstrip(".!?\"') "))[-1])
    return len(clause) == 2 and clause[0] in _PRONOUNS and clause[1] in _AUXILIARIES


def _subordinate_only(sentence: str) -> str | None:
    """The subordinator that leads `sentence` when it is that clause alone (no comma, not a question)."""
    words = _WORD.findall(sentence)
    if len(words) < 2 or "," in sentence or sentence.endswith("?") or words[1] in _QUESTION_VERBS:
        return None  # "If it rains, we stay."; "When is it?" / "When is it." (a question)
    return words[0] if words[0] in _SUBORDINATORS else None


def transcript_ending(transcript: str) -> Ending:
    """How the words of a pause end: `open` (mid-sentence), `may_go_on`, `closed`.

    Open: on a word sentences rarely end with, a comma, a dash or "...". May go on: on a word that
    more often leads on ("...a joke about."), a sentence led by a subordinator with no comma ("If
    it rains on Saturday.", but also "Because it's late."), a last sentence
    that is a list not closed by "and"/"or" ("eggs, milk, bread."), or numbers being dictated
    ("5 5 5, 1 2"). Whisper's full stop itself says little: it leaves it out of short answers
    ("7 of clubs") and puts it in where a reader paused mid-sentence.
    """
    text = transcript.strip().lower()
    if not text:
        return "closed"
    if text.endswith(_OPEN_MARKS):
        return "open"
    words = _WORD.findall(text)
    last = words[-1] if words else ""
    question = text.endswith("?")
    if last in (_UNFINISHED_QUESTION_WORDS if question else _UNFINISHED_WORDS) and not _is_ellipsis(text):
        return "open"
    if last == "that" and len(words) >= 2 and words[-2] in _THAT_CLAUSE_VERBS:
        return "open"
    sentence = _SENTENCES.split(text)[-1]
    if _subordinate_only(sentence) or (last in _MAY_GO_ON_WORDS and not question):
        return "may_go_on"
    if sentence.count(",") >= 2 and not _LIST_END.search(sentence):
        return "may_go_on"
    core = sentence.rstrip(".!?\"') ]")
    if core[-1:].isdigit() and len(_NUMBER.findall(core)) >= 2:
        return "may_go_on"
    return "closed"


@dataclass(frozen=True)
class WhisperScores:
    """What Whisper said of a pause's transcript besides the words (see `SemanticTiming`); None
    where it did not say."""

    no_speech: float | None = None
    log_prob: float | None = None
    full_stop: float | None = None

    @classmethod
    def of(cls, heard: Transcription) -> WhisperScores:
        return cls(heard.no_speech_prob, heard.log_prob, heard.full_stop_prob)


def pause_wait_ms(
    timing: SemanticTiming,
    probability: float,
    transcript: str,
    drop_db: float | None = None,
    scores: WhisperScores = WhisperScores(),
    speech_ms: float = math.inf,
) -> int:
    """How long the pause must last to end the turn, from the model's verdict, the transcript (and
    Whisper's `scores` on it), how the speech before the pause ended (`drop_db`, see
    `SemanticTiming.falling_db`) and how much speech came before it (`speech_ms`, see
    `SemanticTiming.quick_after_ms`). A score the timing asks about but Whisper did not give keeps
    the turn from ending at once."""
    ending = transcript_ending(transcript)
    if ending == "open":
        return timing.max_silence_ms
    if ending != "closed" or speech_ms < timing.quick_after_ms:
        return timing.settle_ms
    whisper_sure = (
        timing.doubted_full_stop is not None
        and _at_least(scores.full_stop, timing.doubted_full_stop)
        and _at_most(drop_db, timing.doubted_falling_db)
    )
    quick = whisper_sure or (
        probability >= timing.confident
        and _at_most(drop_db, timing.falling_db)
        and _at_most(scores.no_speech, timing.clear_speech)
        and (
            (timing.sure_turn is not None and probability >= timing.sure_turn)
            or (
                _at_least(scores.log_prob, timing.sure_words)
                and _at_least(scores.full_stop, timing.full_stop)
            )
        )
    )
    return 0 if quick else timing.settle_ms


def reads_full_stop(
    timing: SemanticTiming,
    heard: Iterable[Transcription],
    probability: float | None,
    speech_ms: float = math.inf,
) -> bool:
    """Whether Whisper's full-stop probability can change how long a pause must last
    (`pause_wait_ms`) when its transcript is one of `heard` (the recogniser's readings before the
    score is read: the conversation chooses among them after), the turn-end model said
    `probability` (None: not yet, so any) and `speech_ms` of speech came before it
    (`quick_after_ms`). The fade is measured as the last verdict comes in, so any. The probability
    and the fade count only against the timing's bounds, so one value per side of each bound
    stands for all (a value on a bound passes it); the wait only shortens as the full stop grows,
    so none and a certain one stand for every score."""
    if not timing.asks_full_stop:
        return False
    bounds = (-math.inf, timing.confident, timing.sure_turn)
    probabilities = [probability] if probability is not None else [p for p in bounds if p is not None]
    drops = {None, timing.falling_db, timing.doubted_falling_db}
    for transcription in heard:
        text, scores = transcription.text, WhisperScores.of(transcription)
        unsure, sure = replace(scores, full_stop=None), replace(scores, full_stop=1.0)
        for p in probabilities:
            for drop in drops:
                waits = (pause_wait_ms(timing, p, text, drop, s, speech_ms) for s in (unsure, sure))
                if len(set(waits)) > 1:
                    return True
    return False


@dataclass
class PauseVerdict:
    """The turn-end model's probability on one pause, shared by the effects that ask about it
    (`Transcribe.verdict`, `PredictTurnEnd.verdict`): the runtime sets it as the model answers,
    and the recogniser, between its beam and the forced decode that reads the full stop, skips
    that decode where the decision will not read it (`needs_full_stop`). A worker writes the one
    attribute once and another reads it whole, so it needs no lock; read before it is set, it is
    None and the score is read, as without a verdict."""

    timing: SemanticTiming
    probability: float | None = None
    speech_ms: float = math.inf
    """The speech the pause's quick end counts (`TurnDetector.speech_before`): a pause held back
    for too little settles whatever the full stop says."""

    def needs_full_stop(self, heard: Iterable[Transcription]) -> bool:
        """Whether the decision may read the full stop of a transcript among `heard` (`reads_full_stop`)."""
        return reads_full_stop(self.timing, heard, self.probability, self.speech_ms)


def _at_most(value: float | None, bound: float | None) -> bool:
    return bound is None or (value is not None and value <= bound)


def _at_least(value: float | None, bound: float | None) -> bool:
    return bound is None or (value is not None and value >= bound)


@dataclass(frozen=True)
class TurnEvent:
    kind: Literal["speech_started", "speech_stopped"]
    at_ms: int
    """Audio time of the onset (for started) or of the end of the last speech frame (stopped)."""


class TurnDetector:
    """Hysteresis + hang-over endpointing over a stream of (probability, frame end time).

    With `semantic` timing, `silence_duration_ms` is ignored: each pause is judged by
    `sounds_complete` and `heard`, each reported for the pause that `pause_id` named when it was
    asked about, and the two verdicts together set how long that pause must last
    (`pause_wait_ms`); until both are in, the longest wait applies.
    """

    def __init__(
        self,
        threshold: float,
        silence_duration_ms: int,
        frame_ms: float,
        *,
        semantic: SemanticTiming | None = None,
        noise: NoiseFloor | None = None,
    ) -> None:
        """`noise`: the session's noise estimate (it outlives a detector when the settings change)."""
        self.threshold = threshold
        self.semantic = semantic
        self.silence_duration_ms = semantic.max_silence_ms if semantic else silence_duration_ms
        self.frame_ms = frame_ms
        self.speaking = False
        self._onset_run = 0
        self._last_speech_end_ms = 0.0
        # Verdicts as (pause_id, verdict): one about an earlier pause no longer counts.
        self._probability: tuple[float, float] | None = None
        self._transcript: tuple[float, str, WhisperScores] | None = None
        """(pause_id, transcript, Whisper's scores on it)."""
        self._drop: tuple[float, float | None] | None = None
        self._wait_ms: float = self.silence_duration_ms
        """How long the current pause must last to end the turn."""
        self._speech_from_ms = 0.0
        """Where the speech `quick_after_ms` counts began: the turn's onset, or where it went on
        after its last judged pause."""
        self._judged: float | None = None
        """The last pause whose verdicts were all in (its `pause_id`)."""
        self.noise = noise or NoiseFloor()

    def speech_before(self, pause_ms: float) -> float:
        """The speech a quick end at the pause from `pause_ms` counts (`quick_after_ms`): since the
        turn's last judged pause, or its onset."""
        return pause_ms - self._speech_from_ms

    @property
    def pause_id(self) -> float:
        """Names the current pause (the end of the speech before it) for late verdicts."""
        return self._last_speech_end_ms

    def silence_so_far_ms(self, now_ms: float) -> float:
        """How long the current speaker has been quiet (0 when not speaking)."""
        return now_ms - self._last_speech_end_ms if self.speaking else 0.0

    def update(
        self, probability: float, frame_end_ms: float, level_db: float | None = None
    ) -> TurnEvent | None:
        """One VAD frame: its speech probability, end time and (for the noise floor) level in dBFS."""
        if not self.speaking:
            candidate = probability >= self.threshold
            if level_db is not None:
                # Every frame outside speech teaches the floor, the noise Silero takes for speech
                # (chatter) most of all; an onset's first frames weigh 1/64 each.
                self.noise.observe(level_db)
                candidate = candidate and self.noise.starts(level_db)
            self._onset_run = self._onset_run + 1 if candidate else 0
            needed = self.noise.onset_frames(ONSET_FRAMES)
            if self._onset_run >= needed:
                self.speaking = True
                self._onset_run = 0
                self._last_speech_end_ms = frame_end_ms
                onset = frame_end_ms - needed * self.frame_ms
                self._speech_from_ms = onset
                return TurnEvent("speech_started", max(0, int(onset)))
            return None
        if probability >= self.threshold - HYSTERESIS and (
            level_db is None or self.noise.continues(level_db)
        ):
            if self._judged == self._last_speech_end_ms:
                self._speech_from_ms = frame_end_ms - self.frame_ms  # on after a judged pause
            self._last_speech_end_ms = frame_end_ms
            self._wait_ms = self.silence_duration_ms  # a new pause waits for its own verdicts
        elif frame_end_ms - self._last_speech_end_ms >= self._wait_ms:
            return self._stop()
        return None

    def sounds_complete(self, pause_id: float, probability: float, now_ms: float) -> TurnEvent | None:
        """The turn-end model's verdict on the pause `pause_id`; may end the turn now."""
        if self.semantic is None or not self.speaking or pause_id != self._last_speech_end_ms:
            return None
        self._probability = (pause_id, probability)
        return self._verdicts_in(now_ms)

    def heard(
        self,
        pause_id: float,
        transcript: str,
        now_ms: float,
        scores: WhisperScores = WhisperScores(),
    ) -> TurnEvent | None:
        """The transcript of the speech before the pause `pause_id` (and Whisper's scores on it, see
        `pause_wait_ms`); may end the turn now."""
        if self.semantic is None or not self.speaking or pause_id != self._last_speech_end_ms:
            return None
        self._transcript = (pause_id, transcript, scores)
        return self._verdicts_in(now_ms)

    def speech_ends(self, pause_id: float, drop_db: float | None) -> None:
        """How the speech before the pause `pause_id` ended (`prosody.final_drop_db`), measured as
        its verdicts come in; read with them."""
        self._drop = (pause_id, drop_db)

    def reset(self) -> None:
        """Forget the turn in progress (the noise estimate stays: the room has not changed)."""
        self.speaking = False
        self._onset_run = 0
        self._probability = self._transcript = self._drop = None
        self._judged = None
        self._wait_ms = self.silence_duration_ms

    def _verdicts_in(self, now_ms: float) -> TurnEvent | None:
        assert self.semantic is not None
        pause = self._last_speech_end_ms
        if self._probability is None or self._transcript is None:
            return None
        if self._probability[0] != pause or self._transcript[0] != pause:
            return None
        drop = self._drop[1] if self._drop is not None and self._drop[0] == pause else None
        _, transcript, scores = self._transcript
        self._judged = pause
        self._wait_ms = pause_wait_ms(
            self.semantic, self._probability[1], transcript, drop, scores, self.speech_before(pause)
        )
        if now_ms - pause >= self._wait_ms:
            return self._stop()
        return None

    def _stop(self) -> TurnEvent:
        self.speaking = False
        self._probability = self._transcript = self._drop = None
        self._wait_ms = self.silence_duration_ms
        return TurnEvent("speech_stopped", int(self._last_speech_end_ms))
