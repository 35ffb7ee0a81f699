"""Offline OCR with RapidOCR (PP-OCRv4 detection and recognition on ONNX Runtime).

The ONNX models ship inside the `rapidocr-onnxruntime` wheel, so nothing is downloaded. The model
loads on the first image (well under a second), not at start-up: most sessions never send one.
The recogniser often drops the spaces between English words ("Bringthereport"); long runs of
letters are split back into words with `wordninja` (English unigram frequencies), so the text
reads and speaks properly.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections import OrderedDict
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

# Text detection on an image whose longer side is at most this many pixels (larger images are
# scaled down). RapidOCR's default scales the *shorter* side up to 736 px, which costs seconds on
# a wide screenshot without reading better.
DETECTION_SIDE_PX = 1280
CACHE_SIZE = 64
"""Readings kept by image digest: a restored conversation re-reads its images."""
RESPACE_FROM = 8
"""Runs of letters and digits this long or longer are checked for missing spaces."""
_RUN = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*")


class RapidOcr:
    """Reads text in images. Thread-safe; one image at a time, so OCR never takes every core."""

    name = "rapidocr-ppocrv4"

    def __init__(self, *, threads: int = 2, min_score: float = 0.5) -> None:
        self.threads = max(1, threads)
        self.min_score = min_score
        self._engine: Any = None
        self._split_words: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[bytes, str] = OrderedDict()

    def read_text(self, image: bytes) -> str:
        """The text in `image` (PNG or JPEG bytes), top to bottom, one line per line."""
        digest = hashlib.sha256(image).digest()
        with self._lock:
            cached = self._cache.get(digest)
            if cached is not None:
                self._cache.move_to_end(digest)
                return cached
            text = self._read(_decode(image))
            self._cache[digest] = text
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            return text

    def _read(self, picture: Image.Image) -> str:
        if self._engine is None:
            # Imported here: OpenCV and the word frequencies take a moment to load.
            import wordninja
            from rapidocr_onnxruntime import RapidOCR

            self._split_words = wordninja.split
            self._engine = RapidOCR(
                intra_op_num_threads=self.threads,
                inter_op_num_threads=1,
                det_limit_type="max",
                det_limit_side_len=DETECTION_SIDE_PX,
            )
        found, _ = self._engine(picture)
        # Each hit is (box, text, score); the engine returns them in reading order.
        lines = [str(text).strip() for _, text, score in found or [] if float(score) >= self.min_score]
        return "\n".join(self._respace(line) for line in lines if line)

    def _respace(self, line: str) -> str:
        def split(run: re.Match[str]) -> str:
            words = self._split_words(run[0]) if len(run[0]) >= RESPACE_FROM else [run[0]]
            return " ".join(words) if "".join(words) == run[0] else run[0]

        return _RUN.sub(split, line)


def _decode(image: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(image), formats=["PNG", "JPEG"]) as opened:
            # Phone photos are stored sideways with an EXIF note; OCR wants them upright.
            return ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValueError(f"not a readable PNG or JPEG image: {exc}") from exc
