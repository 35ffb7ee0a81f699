"""Offline OCR on real rendered images."""

from __future__ import annotations

import pytest

from realtalk.config import Settings
from realtalk.engines.loader import load_image_reader
from realtalk.engines.rapid_ocr import RapidOcr
from tests.images import MEETING, text_image, words

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ocr() -> RapidOcr:
    reader = load_image_reader(Settings())
    assert isinstance(reader, RapidOcr)
    return reader


def test_reads_the_text_in_a_png(ocr: RapidOcr) -> None:
    text = ocr.read_text(text_image(MEETING))
    assert {"meeting", "room", "42"} <= words(text)
    assert "3" in text and "pm" in text.lower()


def test_reads_lines_top_to_bottom_in_a_jpeg_with_spaces_between_words(ocr: RapidOcr) -> None:
    # The recogniser reads this JPEG as "Bringthequarterlyreport"; the words are split back apart.
    text = ocr.read_text(text_image("Bring the quarterly report", "Lunch is on Friday", fmt="JPEG"))
    assert text.splitlines() == ["Bring the quarterly report", "Lunch is on Friday"]


def test_an_image_without_text_reads_as_empty(ocr: RapidOcr) -> None:
    assert ocr.read_text(text_image()) == ""


def test_bytes_that_are_not_an_image_are_a_value_error(ocr: RapidOcr) -> None:
    with pytest.raises(ValueError, match="not a readable PNG or JPEG"):
        ocr.read_text(b"\x89PNG\r\n\x1a\n but then nothing")


def test_one_reader_per_process(ocr: RapidOcr) -> None:
    assert load_image_reader(Settings()) is ocr
