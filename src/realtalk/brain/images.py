"""What the built-in brain says about images: it cannot see, but it can read out their text (OCR)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .base import Image

MAX_WORDS = 60
"""Longer text is cut here when read out: a wall of text is no answer when spoken."""

NO_VISION = (
    "Without a vision model I can only read the text in pictures; one can be configured to describe them."
)


def read_out(images: Sequence[Image]) -> str:
    """A reply to a turn with images: each one's text, or that there is none to read."""
    names = ["The image"] if len(images) == 1 else [f"Image {n}" for n in range(1, len(images) + 1)]
    said = [_one(name, image) for name, image in zip(names, images, strict=True)]
    if any(not image.text for image in images):
        said.append(NO_VISION)
    return " ".join(said)


def _one(name: str, image: Image) -> str:
    if image.text is None:
        return f"Sorry, I couldn't open {name[0].lower()}{name[1:]}."
    if not image.text:
        return f"I can't make out any text in {name[0].lower()}{name[1:]}."
    return f"{name} says: {_as_sentences(image.text)}"


def _as_sentences(text: str) -> str:
    """Lines as sentences (so speech pauses between them), cut after `MAX_WORDS` words.

    A line starting in lowercase goes on the sentence of the line before.
    """
    text = re.sub(r"(?<![.!?:;])\n+(?=[a-z])", " ", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    sentences = " ".join(line if line[-1] in ".!?:;" else line + "." for line in lines)
    words = sentences.split()
    if len(words) <= MAX_WORDS:
        return sentences
    return " ".join(words[:MAX_WORDS]).rstrip(".,;:") + "… and there is more text after that."
