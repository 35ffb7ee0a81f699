"""`SampleBuffer`: float32 audio appended in chunks and read whole, each sample copied O(1) times.

The input buffer is read whole in every pause of a turn (a speculative transcript, the turn-end
model), so joining its chunks afresh each time would copy the whole turn per pause. Chunks wait
in a list until the next read, which moves them into one array grown by doubling.
"""

from __future__ import annotations

import numpy as np

from ..engines.base import Float32Audio


class SampleBuffer:
    """Appends are O(chunk); `samples()` is amortised O(audio appended since the last read)."""

    def __init__(self) -> None:
        self._joined = np.zeros(0, dtype=np.float32)
        self._size = 0
        """Samples of `_joined` in use; the rest is room to grow into."""
        self._pending: list[Float32Audio] = []
        self._pending_size = 0

    def __len__(self) -> int:
        return self._size + self._pending_size

    def append(self, samples: Float32Audio) -> None:
        # Not joined yet: with no reads until a commit (no turn detection), nothing is held twice.
        self._pending.append(samples)
        self._pending_size += len(samples)

    def samples(self) -> Float32Audio:
        """Everything appended, as a read-only view: later appends write past its end, and
        `keep_last` moves to a new array, so a view handed to a worker thread never changes."""
        if self._pending:
            end = len(self)
            if end > len(self._joined):
                grown = np.empty(max(end, 2 * len(self._joined)), dtype=np.float32)
                grown[: self._size] = self._joined[: self._size]
                self._joined = grown
            np.concatenate(self._pending, out=self._joined[self._size : end])
            self._size, self._pending, self._pending_size = end, [], 0
        view = self._joined[: self._size]
        view.flags.writeable = False
        return view

    def keep_last(self, count: int) -> None:
        """Drop all but the last `count` samples."""
        kept = self.samples()[len(self) - min(count, len(self)) :].copy()
        self._joined, self._size = kept, len(kept)
