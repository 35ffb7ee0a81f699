"""`input_image` content: the data URL is checked when the item is created, before anything else.

Only `data:` URLs are accepted (the server never fetches from the web), holding PNG or JPEG bytes
(the formats OpenAI documents for Realtime), within size limits. The check reads the image's
header only; decoding the pixels happens later, off the event loop, when the image is read.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings

from PIL import Image, UnidentifiedImageError

from .errors import ProtocolError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""Largest decoded image accepted."""
MAX_IMAGE_PIXELS = 40_000_000
"""Largest image area accepted (width × height): a small file may still decode to gigabytes."""

_DATA_URL = re.compile(r"data:(?P<mime>[^;,]*)(?P<params>(?:;[^;,]*)*?);base64,(?P<data>.*)", re.DOTALL)


def decode_image_url(url: str, *, param: str) -> bytes:
    """The image bytes in a `data:image/…;base64,…` URL, or a `ProtocolError` naming `param`."""
    match = _DATA_URL.fullmatch(url.strip())
    if match is None:
        what = "a web URL" if url.startswith(("http://", "https://")) else "not a base64 data URL"
        raise ProtocolError(
            f"Invalid image_url: {what}. Send the image inline as 'data:image/png;base64,…' or "
            "'data:image/jpeg;base64,…' (this server does not fetch images).",
            code="invalid_image_url",
            param=param,
        )
    if not match["mime"].lower().startswith("image/"):
        raise ProtocolError(
            f"Invalid image_url: the data URL holds '{match['mime'] or 'text/plain'}', not an image.",
            code="invalid_image_format",
            param=param,
        )
    data = match["data"]
    if len(data) > MAX_IMAGE_BYTES * 4 // 3 + 4:  # before decoding: don't decode a huge payload
        raise _too_large(param)
    try:
        image = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError(
            "Invalid image_url: the data after 'base64,' is not valid base64.",
            code="invalid_image_url",
            param=param,
        ) from exc
    if len(image) > MAX_IMAGE_BYTES:
        raise _too_large(param)
    _check_image(image, param)
    return image


def _check_image(image: bytes, param: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit applies
            with Image.open(io.BytesIO(image), formats=["PNG", "JPEG"]) as opened:
                width, height = opened.size
                opened.verify()
    except Image.DecompressionBombError as exc:
        raise ProtocolError(
            f"Image too large: over {MAX_IMAGE_PIXELS:,} pixels.", code="image_too_large", param=param
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ProtocolError(
            "Invalid image_url: the data is not a PNG or JPEG image (the supported formats).",
            code="invalid_image_format",
            param=param,
        ) from exc
    if width * height > MAX_IMAGE_PIXELS:
        raise ProtocolError(
            f"Image too large: {width}x{height} pixels; the limit is {MAX_IMAGE_PIXELS:,} pixels.",
            code="image_too_large",
            param=param,
        )


def _too_large(param: str) -> ProtocolError:
    return ProtocolError(
        f"Image too large: the limit is {MAX_IMAGE_BYTES // (1024 * 1024)} MiB.",
        code="image_too_large",
        param=param,
    )
