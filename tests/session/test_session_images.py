"""`input_image` content in the sans-I/O session: checked at creation, read by OCR, then answered."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest

from realtalk.brain.base import Image
from realtalk.protocol.images import MAX_IMAGE_BYTES
from realtalk.session.effects import Generate, ReadImage, SaveItem
from realtalk.session.session import RealtimeSession
from tests.images import MEETING, data_url, text_image
from tests.session.test_session_core import QuietVad, events, types, user_text

PNG = text_image(MEETING)


@pytest.fixture
def session() -> RealtimeSession:
    s = RealtimeSession(model="realtalk", vad=QuietVad())
    s.start()
    return s


def create_image_item(session: RealtimeSession, url: str, text: str | None = None) -> list[Any]:
    content: list[dict[str, Any]] = [{"type": "input_image", "image_url": url, "detail": "low"}]
    if text is not None:
        content.append({"type": "input_text", "text": text})
    return session.handle_event(
        {
            "type": "conversation.item.create",
            "event_id": "evt_img",
            "item": {"type": "message", "role": "user", "content": content},
        }
    )


def test_an_image_is_read_before_the_response_is_generated(session: RealtimeSession) -> None:
    effects = create_image_item(session, data_url(PNG), "what does it say?")
    read = [e for e in effects if isinstance(e, ReadImage)]
    assert len(read) == 1 and read[0].image == PNG and read[0].content_index == 0
    saved = next(e for e in effects if isinstance(e, SaveItem))
    assert saved.item["content"][0]["image_url"] == data_url(PNG), "the image is kept in the store"
    added = events(effects)[0]
    assert added["type"] == "conversation.item.added" and added["item"]["content"][0]["detail"] == "low"

    waiting = session.handle_event({"type": "response.create"})
    assert types(waiting) == ["response.created"]
    assert not any(isinstance(e, Generate) for e in waiting), "the response waits for the reading"

    done = session.image_read(read[0].item_id, 0, "Meeting at 3 PM\nin room 42")
    generate = next(e for e in done if isinstance(e, Generate))
    message = generate.request.messages[-1]
    assert message.content == '[image; the text in it reads: "Meeting at 3 PM\nin room 42"] what does it say?'
    assert message.images == (Image(data_url(PNG), "Meeting at 3 PM\nin room 42", "low"),)
    assert not events(done), "the reading is internal: nothing new goes on the wire"


def test_an_image_without_text_and_one_that_cannot_be_read(session: RealtimeSession) -> None:
    jpeg = text_image(fmt="JPEG")
    effects = session.handle_event(
        {
            "type": "conversation.item.create",
            "item": {
                "type": "message",
                "role": "user",
                "content": [
                    {"type": "input_image", "image_url": data_url(jpeg, "image/jpeg")},
                    {"type": "input_image", "image_url": data_url(PNG)},
                ],
            },
        }
    )
    item_id = next(e for e in effects if isinstance(e, ReadImage)).item_id
    assert [e.content_index for e in effects if isinstance(e, ReadImage)] == [0, 1]
    session.handle_event({"type": "response.create"})
    assert not any(isinstance(e, Generate) for e in session.image_read(item_id, 1, ""))
    failed = session.image_read_failed(item_id, 0, "not a readable PNG or JPEG image")
    error = events(failed)[0]
    assert error["type"] == "error" and error["error"]["code"] == "image_unreadable"
    assert error["error"]["param"] == "item.content[0].image_url"
    message = next(e for e in failed if isinstance(e, Generate)).request.messages[-1]
    assert message.content == "[an image that could not be read] [image with no readable text]"
    assert [i.text for i in message.images] == [None, ""]


@pytest.mark.parametrize(
    ("url", "code", "says"),
    [
        ("https://example.com/cat.png", "invalid_image_url", "does not fetch images"),
        ("cat.png", "invalid_image_url", "not a base64 data URL"),
        ("data:image/png;base64,@@not base64@@", "invalid_image_url", "not valid base64"),
        ("data:text/plain;base64,aGVsbG8=", "invalid_image_format", "not an image"),
        (data_url(b"GIF89a not really"), "invalid_image_format", "not a PNG or JPEG"),
        (data_url(PNG[:40]), "invalid_image_format", "not a PNG or JPEG"),
        (data_url(b"\0" * (MAX_IMAGE_BYTES + 1)), "image_too_large", "10 MiB"),
        ("", "missing_required_parameter", "content[0].image_url"),
    ],
)
def test_bad_image_data_is_an_error_and_the_session_lives_on(
    session: RealtimeSession, url: str, code: str, says: str
) -> None:
    out = events(create_image_item(session, url))
    assert [e["type"] for e in out] == ["error"], "nothing is added or saved"
    error = out[0]["error"]
    assert error["code"] == code and says in error["message"], error
    assert error["param"] == "item.content[0].image_url" and error["event_id"] == "evt_img"
    user_text(session, "still here")
    effects = session.handle_event({"type": "response.create"})
    assert next(e for e in effects if isinstance(e, Generate)).request.messages[-1].content == "still here"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_a_huge_picture_in_a_small_file_is_refused(session: RealtimeSession) -> None:
    # A valid PNG header for 100,000 x 100,000 pixels: a few bytes that would decode to 30 GB.
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
    png = b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"IDAT", zlib.compress(b"")) + png_chunk(b"IEND", b"")
    error = events(create_image_item(session, data_url(png)))[0]["error"]
    assert error["code"] == "image_too_large" and "pixels" in error["message"], error


def test_restored_images_are_read_again(session: RealtimeSession) -> None:
    history = [
        {"id": "item_a", "type": "message", "object": "realtime.item", "status": "completed", "role": "user",
         "content": [{"type": "input_image", "image_url": data_url(PNG)}]},
    ]  # fmt: skip
    restored = RealtimeSession(model="realtalk", vad=QuietVad(), conversation_id="conv_x")
    effects = restored.start(history)
    assert [(e.item_id, e.image) for e in effects if isinstance(e, ReadImage)] == [("item_a", PNG)]
    assert not any(isinstance(e, SaveItem) for e in effects), "restoring saves nothing"
    restored.handle_event({"type": "response.create"})
    generate = next(e for e in restored.image_read("item_a", 0, MEETING) if isinstance(e, Generate))
    assert generate.request.messages[0].images[0].text == MEETING
