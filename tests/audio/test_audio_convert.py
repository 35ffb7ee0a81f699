"""Streaming decode/encode: rates, frequencies, round trips and chunking invariance."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise

import numpy as np
import pytest
from numpy.typing import NDArray

from realtalk.audio import g711
from realtalk.audio.convert import InputDecoder, OutputEncoder, float32_to_pcm16, pcm16_to_float32
from realtalk.audio.formats import G711_ALAW, G711_ULAW, PCM16_24K, AudioFormat


def sine(freq: float, rate: int, seconds: float, amplitude: float = 0.5) -> NDArray[np.int16]:
    t = np.arange(int(rate * seconds)) / rate
    return np.round(amplitude * 32767 * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def peak_hz(samples: NDArray[np.floating] | NDArray[np.integer], rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64) * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


def chunks(data: bytes, sizes: tuple[int, ...] = (1, 3, 7, 480, 1001, 2)) -> Iterator[bytes]:
    i = k = 0
    while i < len(data):
        yield data[i : i + sizes[k % len(sizes)]]
        i += sizes[k % len(sizes)]
        k += 1


def decode_all(decoder: InputDecoder, pieces: Iterator[bytes] | list[bytes]) -> NDArray[np.float32]:
    return np.concatenate([*(decoder.feed(p) for p in pieces), decoder.flush()])


def test_int16_float_conversion_is_lossless() -> None:
    every = np.arange(-32768, 32768, dtype=np.int16)
    floats = pcm16_to_float32(every)
    assert floats.dtype == np.float32
    assert floats.min() == -1.0 and floats.max() < 1.0
    np.testing.assert_array_equal(float32_to_pcm16(floats), every)


def test_float_to_int16_clips_overshoot() -> None:
    out = float32_to_pcm16(np.array([1.5, -1.5, 0.99999], dtype=np.float32))
    assert out.tolist() == [32767, -32768, 32767]


def test_pcm16_24k_decodes_to_16k_float_keeping_frequency() -> None:
    pcm = sine(1000, 24000, 1.0)
    out = decode_all(InputDecoder(PCM16_24K), [pcm.astype("<i2").tobytes()])
    assert out.dtype == np.float32
    assert len(out) == 16000
    assert peak_hz(out, 16000) == pytest.approx(1000, abs=2)
    assert np.max(np.abs(out)) == pytest.approx(0.5, abs=0.01)


def test_pcm16_round_trip_through_16k_is_close() -> None:
    pcm = sine(1000, 24000, 1.0)
    floats = decode_all(InputDecoder(PCM16_24K, target_rate=16000), [pcm.astype("<i2").tobytes()])
    encoder = OutputEncoder(16000, PCM16_24K)
    back_bytes = encoder.feed(float32_to_pcm16(floats)) + encoder.flush()
    back = np.frombuffer(back_bytes, dtype="<i2")
    assert len(back) == len(pcm)
    # Away from the edges (where the filters see silence beyond the signal), the sine survives.
    middle = slice(2400, -2400)
    error = np.abs(back[middle].astype(np.int32) - pcm[middle])
    assert error.max() < 0.01 * 32767


def test_same_rate_is_bit_exact() -> None:
    pcm = sine(440, 24000, 0.25)
    floats = decode_all(InputDecoder(PCM16_24K, target_rate=24000), [pcm.tobytes()])
    np.testing.assert_array_equal(float32_to_pcm16(floats), pcm)
    encoder = OutputEncoder(24000, PCM16_24K)
    assert encoder.feed(pcm) + encoder.flush() == pcm.astype("<i2").tobytes()


@pytest.mark.parametrize("fmt", [PCM16_24K, G711_ULAW, G711_ALAW])
def test_decoding_odd_sized_chunks_equals_one_call(fmt: AudioFormat) -> None:
    pcm = sine(1000, fmt.rate, 0.7)
    data = OutputEncoder(fmt.rate, fmt).feed(pcm)
    whole = decode_all(InputDecoder(fmt), [data])
    pieces = decode_all(InputDecoder(fmt), chunks(data))
    assert len(whole) == int(0.7 * 16000)
    np.testing.assert_array_equal(pieces, whole)


def test_decoder_holds_a_dangling_byte() -> None:
    decoder = InputDecoder(PCM16_24K, target_rate=24000)
    assert decoder.feed(b"\x01").size == 0
    assert decoder.feed(b"\x02\x03").tolist() == [0x0201 / 32768]
    assert decoder.flush().size == 0
    # The stray third byte died with the flush rather than starting the next stream.
    assert decoder.feed(b"\x04\x00").tolist() == [4 / 32768]


@pytest.mark.parametrize(("fmt", "decode"), [(G711_ULAW, g711.ulaw_decode), (G711_ALAW, g711.alaw_decode)])
def test_g711_output_from_tts_rate_keeps_frequency(
    fmt: AudioFormat, decode: Callable[[bytes], NDArray[np.int16]]
) -> None:
    encoder = OutputEncoder(22050, fmt)
    data = encoder.feed(sine(1000, 22050, 1.0)) + encoder.flush()
    assert len(data) == 8000  # one byte a sample at 8 kHz
    assert peak_hz(decode(data), 8000) == pytest.approx(1000, abs=2)


@pytest.mark.parametrize("fmt", [G711_ULAW, G711_ALAW])
def test_g711_input_decodes_to_16k_keeping_frequency(fmt: AudioFormat) -> None:
    data = OutputEncoder(8000, fmt).feed(sine(1000, 8000, 1.0))
    out = decode_all(InputDecoder(fmt), [data])
    assert len(out) == 16000
    assert peak_hz(out, 16000) == pytest.approx(1000, abs=2)


@pytest.mark.parametrize("fmt", [PCM16_24K, G711_ULAW])
def test_encoding_in_pieces_equals_one_call(fmt: AudioFormat) -> None:
    pcm = sine(1000, 22050, 0.5)
    one = OutputEncoder(22050, fmt)
    whole = one.feed(pcm) + one.flush()
    many = OutputEncoder(22050, fmt)
    bounds = [0, 1, 4, 300, 301, 5000, 9999, len(pcm)]
    pieces = b"".join(many.feed(pcm[a:b]) for a, b in pairwise(bounds)) + many.flush()
    assert pieces == whole


def test_flush_leaves_the_encoder_ready_for_a_new_stream() -> None:
    pcm = sine(300, 22050, 0.3)
    encoder = OutputEncoder(22050, PCM16_24K)
    first = encoder.feed(pcm) + encoder.flush()
    second = encoder.feed(pcm) + encoder.flush()
    assert first == second
    assert encoder.flush() == b""
