"""Two Whisper models' best readings of a turn, pooled, for the conversation to choose from.

Whisper tiny.en and base mishear a noisy, unusual voice in different ways: on the conversation
evaluation's spoken turns (espeak-ng voices in noise, dev and dev2 halves) the reading said word
for word was among tiny.en's five best for 46 % of the turns, among base's for 45 %, and among
the pooled ten for 57 % (`bench/eval_wer.py --second-model base`). A reading both models give,
word for word, is much likelier right than either model's own score says, so it carries two
`votes` and the chooser (`session/hypotheses.py`) weighs them. A reading only one model gave that
says nothing but a phrase of the prompt is Whisper repeating its prompt (base heard "Sure, go
ahead." as "Submit the expense report." after being asked about that task), and is left out.
Plain transcripts (`transcribe`) are the first model's alone: only a session that knows what it
expects pays for the second.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from realtalk.engines.base import (
    Float32Audio,
    FullStopAsked,
    Hypothesis,
    NBestSpeechToText,
    Transcription,
    Utterance,
)

_WORD = re.compile(r"[\w']+")


class PooledStt:
    """`first` for plain transcripts; `first` and `second`'s best readings pooled for `transcribe_nbest`.

    Both must take audio at the same rate. The two decode one after the other (each already uses
    the engine threads), so a pooled turn costs about both models' time.
    """

    def __init__(self, first: NBestSpeechToText, second: NBestSpeechToText) -> None:
        if first.sample_rate != second.sample_rate:
            raise ValueError(
                f"pooled recognisers need one sample rate, not {first.sample_rate} and {second.sample_rate}"
            )
        self.first = first
        self.second = second
        self.sample_rate = first.sample_rate
        self.name = f"{first.name}+{second.name}"

    def transcribe(
        self, audio: Float32Audio, *, language: str | None = None, prompt: str | None = None
    ) -> Transcription:
        return self.first.transcribe(audio, language=language, prompt=prompt)

    def transcribe_many(self, utterances: Sequence[Utterance]) -> list[Transcription]:
        return self.first.transcribe_many(utterances)

    def transcribe_nbest(
        self,
        audio: Float32Audio,
        *,
        language: str | None = None,
        prompt: str | None = None,
        n: int = 4,
        full_stop: FullStopAsked = False,
    ) -> Transcription:
        """Up to `n` readings of each model; one heard by both appears once, with two votes and the
        better of its scores. `text` is the first model's best; silence stays the first's one reading.
        Without a `language`, the second hears the one the first heard."""
        # Asked at all, the first reads its full stop: the reading chosen may be the second's, which
        # a function of the first's readings alone could not account for.
        asked = full_stop is not False
        heard = self.first.transcribe_nbest(audio, language=language, prompt=prompt, n=n, full_stop=asked)
        # One utterance, one language: a multilingual second model left to detect it on a short,
        # unusual voice may pick another (espeak-ng's English heard as French).
        also = self.second.transcribe_nbest(audio, language=language or heard.language, prompt=prompt, n=n)
        readings = pool((heard, also), prompt)
        return replace(heard, alternatives=readings) if readings else heard


def pool(results: Sequence[Transcription], prompt: str | None = None) -> tuple[Hypothesis, ...]:
    """The readings of several recognisers' `results`, each once (by its words, whatever the case
    and punctuation) with the votes of all that gave it and the best of their scores; without those
    only one gave that repeat a phrase of three words or more of the `prompt` (a word of the tools'
    vocabulary said alone, "high", is an answer, not an echo)."""
    pooled: dict[tuple[str, ...], Hypothesis] = {}
    for result in results:
        for reading in result.alternatives or (Hypothesis(result.text, 0.0),):
            words = _words(reading.text)
            if not words:
                continue
            seen = pooled.get(words)
            if seen is not None:
                best = max(seen.log_prob, reading.log_prob)
                reading = replace(seen, log_prob=best, votes=seen.votes + reading.votes)
            pooled[words] = reading
    echoes = {words for phrase in re.split(r"[.,;:!?]", prompt or "") if len(words := _words(phrase)) >= 3}
    return tuple(r for words, r in pooled.items() if r.votes > 1 or words not in echoes)


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD.findall(text))
