"""Real images with text in them, rendered with Pillow, for OCR and `input_image` tests."""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageDraw, ImageFont

MEETING = "Meeting at 3 PM in room 42"


def text_image(*lines: str, fmt: str = "PNG", size: tuple[int, int] = (720, 240)) -> bytes:
    """Black text on white, one line per argument, encoded as PNG or JPEG."""
    picture = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=36)
    for number, line in enumerate(lines):
        draw.text((24, 30 + 70 * number), line, fill="black", font=font)
    out = io.BytesIO()
    picture.save(out, format=fmt)
    return out.getvalue()


def data_url(image: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(image).decode()}"


def words(text: str) -> set[str]:
    """Lowercase words, for asserting on OCR output (which may drop a space between words)."""
    return set(text.lower().replace(".", " ").replace(",", " ").split())
