"""The Realtime API's wire audio formats, in both spellings, and byte/duration arithmetic.

The GA API names a format with an object (`{"type": "audio/pcm", "rate": 24000}`,
`{"type": "audio/pcmu"}`, `{"type": "audio/pcma"}`); the beta API with a string (`"pcm16"`,
`"g711_ulaw"`, `"g711_alaw"`). All are mono; PCM is 16-bit little-endian, G.711 one byte a sample.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard

AudioType = Literal["audio/pcm", "audio/pcmu", "audio/pcma"]

_RATES: dict[str, int] = {"audio/pcm": 24000, "audio/pcmu": 8000, "audio/pcma": 8000}
_BYTES_PER_SAMPLE: dict[str, int] = {"audio/pcm": 2, "audio/pcmu": 1, "audio/pcma": 1}
_BETA_TO_TYPE: dict[str, AudioType] = {
    "pcm16": "audio/pcm",
    "g711_ulaw": "audio/pcmu",
    "g711_alaw": "audio/pcma",
}
_TYPE_TO_BETA: dict[str, str] = {t: name for name, t in _BETA_TO_TYPE.items()}


def _is_audio_type(value: object) -> TypeGuard[AudioType]:
    return isinstance(value, str) and value in _RATES


@dataclass(frozen=True)
class AudioFormat:
    """One wire audio format. The rate is fixed by the type: 24 kHz for PCM, 8 kHz for G.711."""

    type: AudioType
    rate: int

    def __post_init__(self) -> None:
        if not _is_audio_type(self.type):
            raise ValueError(f"unknown audio format type {self.type!r}; expected one of {sorted(_RATES)}")
        expected = _RATES[self.type]
        if self.rate != expected:
            raise ValueError(f"{self.type} audio must be at {expected} Hz, not {self.rate!r}")

    @property
    def bytes_per_sample(self) -> int:
        """2 for 16-bit PCM, 1 for G.711."""
        return _BYTES_PER_SAMPLE[self.type]

    @classmethod
    def parse(cls, value: object) -> AudioFormat:
        """Read a format in either spelling: a GA object or a beta string. Raises ValueError."""
        if isinstance(value, str):
            return cls.from_beta(value)
        if isinstance(value, Mapping):
            return cls.from_ga(value)
        raise ValueError(f"audio format must be an object or a string, not {type(value).__name__}")

    @classmethod
    def from_beta(cls, name: str) -> AudioFormat:
        """Read a beta format string: "pcm16", "g711_ulaw" or "g711_alaw". Raises ValueError."""
        audio_type = _BETA_TO_TYPE.get(name)
        if audio_type is None:
            raise ValueError(f"unknown audio format {name!r}; expected one of {sorted(_BETA_TO_TYPE)}")
        return cls(audio_type, _RATES[audio_type])

    @classmethod
    def from_ga(cls, obj: Mapping[str, Any]) -> AudioFormat:
        """Read a GA format object; `rate` may be left out. Raises ValueError."""
        audio_type = obj.get("type")
        if not _is_audio_type(audio_type):
            raise ValueError(f"unknown audio format type {audio_type!r}; expected one of {sorted(_RATES)}")
        unknown = set(obj) - {"type", "rate"}
        if unknown:
            raise ValueError(f"unexpected audio format field(s): {sorted(unknown)}")
        rate = obj.get("rate", _RATES[audio_type])
        if not isinstance(rate, int):
            raise ValueError(f"audio format rate must be an integer, not {rate!r}")
        return cls(audio_type, rate)

    def to_ga(self) -> dict[str, Any]:
        """The GA object form; only PCM carries a `rate`, as in OpenAI's own session objects."""
        if self.type == "audio/pcm":
            return {"type": self.type, "rate": self.rate}
        return {"type": self.type}

    def to_beta(self) -> str:
        """The beta string form."""
        return _TYPE_TO_BETA[self.type]

    def bytes_to_ms(self, n_bytes: int) -> float:
        """How long `n_bytes` of audio in this format lasts, in milliseconds."""
        return n_bytes / (self.bytes_per_sample * self.rate) * 1000.0


PCM16_24K = AudioFormat("audio/pcm", 24000)
"""The Realtime API's default format."""
G711_ULAW = AudioFormat("audio/pcmu", 8000)
G711_ALAW = AudioFormat("audio/pcma", 8000)


def pcm16_duration_ms(n_bytes: int, rate: int) -> float:
    """How long `n_bytes` of mono 16-bit PCM at `rate` Hz lasts, in milliseconds."""
    return n_bytes / (2 * rate) * 1000.0
