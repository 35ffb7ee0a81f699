"""Streaming conversion between the wire formats and the engines' audio.

`InputDecoder` turns a client's appended bytes into float samples at the rate the VAD and STT
want; `OutputEncoder` turns the TTS's 16-bit samples into the client's output format. Both keep
state across calls (a dangling half sample, the resampler's filter history) so that feeding
audio in arbitrary pieces gives exactly what feeding it at once would.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import soxr

from realtalk.audio import g711
from realtalk.audio.formats import AudioFormat
from realtalk.engines.base import Float32Audio, Int16Audio

_INT16_SCALE = 32768.0
_EMPTY_FLOAT = np.zeros(0, dtype=np.float32)

_DECODERS: dict[str, Callable[[bytes], Int16Audio]] = {
    "audio/pcmu": g711.ulaw_decode,
    "audio/pcma": g711.alaw_decode,
}
_ENCODERS: dict[str, Callable[[Int16Audio], bytes]] = {
    "audio/pcmu": g711.ulaw_encode,
    "audio/pcma": g711.alaw_encode,
}


def pcm16_to_float32(samples: Int16Audio) -> Float32Audio:
    """16-bit samples to floats in [-1, 1)."""
    return samples.astype(np.float32) / np.float32(_INT16_SCALE)


def float32_to_pcm16(samples: Float32Audio) -> Int16Audio:
    """Floats to 16-bit samples, rounded and clipped (resampling can overshoot full scale)."""
    scaled = np.rint(samples * np.float32(_INT16_SCALE))
    pcm: Int16Audio = np.clip(scaled, -32768, 32767).astype(np.int16)
    return pcm


class _Resampler:
    """A soxr stream, or a pass-through when the rates already agree."""

    def __init__(self, in_rate: int, out_rate: int) -> None:
        self._stream = (
            soxr.ResampleStream(in_rate, out_rate, 1, dtype="float32", quality="HQ")
            if in_rate != out_rate
            else None
        )

    def process(self, samples: Float32Audio) -> Float32Audio:
        if self._stream is None:
            return samples
        out: Float32Audio = self._stream.resample_chunk(samples)
        return out

    def flush(self) -> Float32Audio:
        """Emit what the filter still holds and start afresh."""
        if self._stream is None:
            return _EMPTY_FLOAT
        out: Float32Audio = self._stream.resample_chunk(_EMPTY_FLOAT, last=True)
        self._stream.clear()
        return out


class InputDecoder:
    """Decodes one client's input audio stream to mono float32 at `target_rate`.

    soxr releases output in blocks, so each `feed` returns somewhat less audio than it was given
    (at its HQ setting, about 20 ms on average from 24 kHz to 16 kHz, about 60 ms from 8 kHz);
    `flush` returns the rest.
    """

    def __init__(self, fmt: AudioFormat, target_rate: int = 16000) -> None:
        self.format = fmt
        self.target_rate = target_rate
        self._decode = _DECODERS.get(fmt.type)
        self._odd_byte = b""
        self._resampler = _Resampler(fmt.rate, target_rate)

    def feed(self, data: bytes) -> Float32Audio:
        """Decode the next piece of the stream; any byte count is fine."""
        return self.resample(self.decode(data))

    def decode(self, data: bytes) -> Float32Audio:
        """The next piece of the stream at its own rate: no resampler holding any of it back."""
        return pcm16_to_float32(self._to_pcm16(data))

    def resample(self, samples: Float32Audio) -> Float32Audio:
        """`decode`'s output at `target_rate` (in stream order: what `feed` does in two steps)."""
        return self._resampler.process(samples)

    def flush(self) -> Float32Audio:
        """End the stream: return the audio still held back. The decoder can then start a new one.

        A dangling half PCM sample is dropped: a client that sends one never completes it.
        """
        self._odd_byte = b""
        return self._resampler.flush()

    def bytes_to_ms(self, n_bytes: int) -> float:
        """How long `n_bytes` of input in this decoder's format lasts, in milliseconds."""
        return self.format.bytes_to_ms(n_bytes)

    def _to_pcm16(self, data: bytes) -> Int16Audio:
        if self._decode is not None:
            return self._decode(data)
        if self._odd_byte:
            data = self._odd_byte + data
        whole = len(data) - len(data) % 2
        self._odd_byte = data[whole:]
        return np.frombuffer(data, dtype="<i2", count=whole // 2).astype(np.int16)


class OutputEncoder:
    """Encodes 16-bit audio at `source_rate` (the TTS's) into the client's output format."""

    def __init__(self, source_rate: int, fmt: AudioFormat) -> None:
        self.format = fmt
        self.source_rate = source_rate
        self._encode = _ENCODERS.get(fmt.type)
        self._resampler = _Resampler(source_rate, fmt.rate)

    def feed(self, pcm: Int16Audio) -> bytes:
        """Encode the next piece of audio. Returns possibly fewer samples than given; see `flush`."""
        # int16 -> float32 -> int16 is lossless, so the pass-through case needs no special path.
        return self._to_bytes(float32_to_pcm16(self._resampler.process(pcm16_to_float32(pcm))))

    def flush(self) -> bytes:
        """End the stream (a response's audio): the audio still held back. Ready for a new stream."""
        return self._to_bytes(float32_to_pcm16(self._resampler.flush()))

    def _to_bytes(self, pcm: Int16Audio) -> bytes:
        if self._encode is not None:
            return self._encode(pcm)
        return pcm.astype("<i2").tobytes()
