"""G.711 μ-law and A-law, one byte a sample, to and from 16-bit PCM.

The codec is `audioop`'s (Sun's reference g711.c): from the standard library up to Python 3.12,
and from the `audioop-lts` package, which installs the same module, on 3.13 and later.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray

with warnings.catch_warnings():
    # The stdlib module warns on import from 3.11 on; the codec itself is what we want.
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

_SAMPLE_WIDTH = 2


def ulaw_decode(data: bytes) -> NDArray[np.int16]:
    """μ-law bytes to 16-bit samples."""
    return np.frombuffer(audioop.ulaw2lin(data, _SAMPLE_WIDTH), dtype=np.int16)


def ulaw_encode(samples: NDArray[np.int16]) -> bytes:
    """16-bit samples to μ-law bytes."""
    # audioop reads native byte order, which is what a native int16 array's tobytes() gives.
    return audioop.lin2ulaw(np.ascontiguousarray(samples, dtype=np.int16).tobytes(), _SAMPLE_WIDTH)


def alaw_decode(data: bytes) -> NDArray[np.int16]:
    """A-law bytes to 16-bit samples."""
    return np.frombuffer(audioop.alaw2lin(data, _SAMPLE_WIDTH), dtype=np.int16)


def alaw_encode(samples: NDArray[np.int16]) -> bytes:
    """16-bit samples to A-law bytes."""
    return audioop.lin2alaw(np.ascontiguousarray(samples, dtype=np.int16).tobytes(), _SAMPLE_WIDTH)
