"""The audio of short phrases a voice has already spoken ("Sure.", "Sorry,", "Okay,").

Replies often open with the same word or two, and the reply's first piece is that opening
(`session/sentences.py`): its synthesis is on the path from the end of the user's turn to the
first audio. Kept per TTS engine, bounded, least recently used out.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from realtalk.engines.base import Int16Audio, TextToSpeech

MAX_WORDS = 3
"""Longer pieces rarely repeat word for word."""
MAX_ENTRIES = 256
"""At most ~1 s of 22 kHz audio each: ~11 MB per voice engine."""

_Key = tuple[str, str | None, float]


class PhraseCache:
    """Synthesised audio of short pieces by (text, voice, speed); thread-safe."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._audio: OrderedDict[_Key, Int16Audio] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def holds(text: str) -> bool:
        """Whether a piece is short enough to be kept."""
        return 0 < len(text.split()) <= MAX_WORDS

    def get(self, text: str, voice: str | None, speed: float) -> Int16Audio | None:
        with self._lock:
            audio = self._audio.get((text, voice, speed))
            if audio is not None:
                self._audio.move_to_end((text, voice, speed))
            return audio

    def put(self, text: str, voice: str | None, speed: float, audio: Int16Audio) -> None:
        if not self.holds(text):
            return
        with self._lock:
            self._audio[(text, voice, speed)] = audio
            self._audio.move_to_end((text, voice, speed))
            while len(self._audio) > self.max_entries:
                self._audio.popitem(last=False)


_caches: weakref.WeakKeyDictionary[TextToSpeech, PhraseCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def phrases_of(tts: TextToSpeech) -> PhraseCache:
    """The cache of `tts` (one per engine, shared by every session that speaks with it)."""
    with _caches_lock:
        cache = _caches.get(tts)
        if cache is None:
            cache = _caches[tts] = PhraseCache()
        return cache
