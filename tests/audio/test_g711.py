"""The G.711 codec against an independent transcription of the reference algorithm (Sun's g711.c)."""

from __future__ import annotations

import numpy as np

from realtalk.audio import g711

_ULAW_SEG_END = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)
_ALAW_SEG_END = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)
_BIAS = 0x84


def _segment(value: int, ends: tuple[int, ...]) -> int:
    return next((i for i, end in enumerate(ends) if value <= end), len(ends))


def _ref_linear_to_ulaw(sample: int) -> int:
    value = sample >> 2
    if value < 0:
        value, mask = -value, 0x7F
    else:
        mask = 0xFF
    value = min(value, 8159) + (_BIAS >> 2)
    seg = _segment(value, _ULAW_SEG_END)
    if seg >= 8:
        return 0x7F ^ mask
    return ((seg << 4) | ((value >> (seg + 1)) & 0xF)) ^ mask


def _ref_ulaw_to_linear(code: int) -> int:
    code = ~code & 0xFF
    t = (((code & 0x0F) << 3) + _BIAS) << ((code & 0x70) >> 4)
    return _BIAS - t if code & 0x80 else t - _BIAS


def _ref_linear_to_alaw(sample: int) -> int:
    value = sample >> 3
    if value >= 0:
        mask = 0xD5
    else:
        mask, value = 0x55, -value - 1
    seg = _segment(value, _ALAW_SEG_END)
    if seg >= 8:
        return 0x7F ^ mask
    mantissa = (value >> 1) & 0xF if seg < 2 else (value >> seg) & 0xF
    return ((seg << 4) | mantissa) ^ mask


def _ref_alaw_to_linear(code: int) -> int:
    code ^= 0x55
    t = (code & 0x0F) << 4
    seg = (code & 0x70) >> 4
    if seg == 0:
        t += 8
    elif seg == 1:
        t += 0x108
    else:
        t = (t + 0x108) << (seg - 1)
    return t if code & 0x80 else -t


ALL_SAMPLES = np.arange(-32768, 32768, dtype=np.int16)
ALL_CODES = bytes(range(256))


def test_ulaw_encode_matches_reference_for_every_sample() -> None:
    expected = bytes(_ref_linear_to_ulaw(int(s)) for s in ALL_SAMPLES)
    assert g711.ulaw_encode(ALL_SAMPLES) == expected


def test_ulaw_decode_matches_reference_for_every_code() -> None:
    expected = [_ref_ulaw_to_linear(c) for c in ALL_CODES]
    assert g711.ulaw_decode(ALL_CODES).tolist() == expected


def test_alaw_encode_matches_reference_for_every_sample() -> None:
    expected = bytes(_ref_linear_to_alaw(int(s)) for s in ALL_SAMPLES)
    assert g711.alaw_encode(ALL_SAMPLES) == expected


def test_alaw_decode_matches_reference_for_every_code() -> None:
    expected = [_ref_alaw_to_linear(c) for c in ALL_CODES]
    assert g711.alaw_decode(ALL_CODES).tolist() == expected


def test_well_known_codes() -> None:
    silence = np.zeros(1, dtype=np.int16)
    assert g711.ulaw_encode(silence) == b"\xff"
    assert g711.alaw_encode(silence) == b"\xd5"
    assert g711.ulaw_decode(b"\xff\x7f").tolist() == [0, 0]
    assert g711.ulaw_decode(b"\x00\x80").tolist() == [-32124, 32124]
    assert g711.alaw_decode(b"\xd5\x55").tolist() == [8, -8]


def test_codes_survive_a_decode_encode_round_trip() -> None:
    # Every code but μ-law's negative zero (0x7F decodes to 0, which encodes as 0xFF) is a fixed point.
    ulaw = g711.ulaw_encode(g711.ulaw_decode(ALL_CODES))
    assert [i for i in range(256) if ulaw[i] != i] == [0x7F]
    assert g711.alaw_encode(g711.alaw_decode(ALL_CODES)) == ALL_CODES
