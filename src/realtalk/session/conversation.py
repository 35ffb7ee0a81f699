"""`Conversation`: the items of one Realtime conversation, in order, and their wire form.

Part of the sans-I/O session: it changes state and writes effects (`SaveItem`, `DeleteItem`,
`conversation.item.*` events) to the session's `Outbox`; it never waits for anything.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..brain.base import Image
from ..protocol.errors import ProtocolError
from ..protocol.ids import new_id
from ..protocol.images import decode_image_url
from ..protocol.limits import MAX_CONVERSATION_ITEMS
from .effects import DeleteItem, Outbox, ReadImage, SaveItem


@dataclass
class Item:
    """A conversation item plus what the wire form does not carry."""

    data: dict[str, Any]
    text: str | None = None
    """Text the brain sees (transcript of audio, images' text); None while either is pending."""
    image_texts: dict[int, str | None] = field(default_factory=dict)
    """What OCR read in each `input_image` part, by content index (None: unreadable)."""
    audio: bytes | bytearray = b""
    """Input or output audio in the session's wire format (for retrieve and truncate). A reply's
    grows a delta at a time, in a bytearray (`bytes +=` copied the whole reply per delta)."""
    audio_rate_bytes_per_ms: float = 48.0
    segments: list[tuple[float, float, str]] = field(default_factory=list)
    """Output audio only: (start_ms, end_ms, text) per spoken sentence."""
    heard_unsure: bool = False
    """Input audio only: the recogniser was unsure of its transcript (`Message.heard_unsure`)."""


class Conversation:
    """The items by id, their order, and which items' text is still pending."""

    def __init__(self, out: Outbox) -> None:
        self._out = out
        self.items: dict[str, Item] = {}
        self.order: list[str] = []
        self.pending: set[str] = set()
        """Items whose text the brain cannot see yet (a transcript or an image reading is due)."""

    def restore(self, history: Iterable[dict[str, Any]]) -> None:
        for data in history:
            if data.get("id") not in self.items:
                record = Item(dict(data), text=item_text(data))
                self.insert(record, None, save=False)
                # Images were checked when they were created; one unreadable now is noted as such.
                with contextlib.suppress(ProtocolError):
                    self.read_images(record, decode_images(record.data))

    def prepare(self, event: dict[str, Any]) -> tuple[Item, list[tuple[int, bytes]], str | None]:
        """Check a `conversation.item.create`; the new record, its images and where it goes."""
        item = dict(event["item"])
        previous = event.get("previous_item_id")
        self.check_room("adding item")
        if previous is not None and previous != "root" and previous not in self.items:
            raise ProtocolError(
                f"Error adding item: the previous item with id '{previous}' does not exist.",
                code="item_create_invalid_previous_item_id",
            )
        item_id = item.get("id") or new_id("item")
        if item_id in self.items:
            raise ProtocolError(
                f"Error adding item: an item with id '{item_id}' already exists.",
                code="item_create_duplicate_item_id",
            )
        if item["type"] not in ("message", "function_call", "function_call_output"):
            raise ProtocolError(
                f"Item type '{item['type']}' cannot be created by the client.",
                code="invalid_value",
                param="item.type",
            )
        images = decode_images(item)
        item.update({"id": item_id, "object": "realtime.item", "status": "completed"})
        return Item(item, text=item_text(item)), images, previous

    def check_room(self, doing: str) -> None:
        """Refuse a client's new item (or response) when the conversation is full."""
        if len(self.items) >= MAX_CONVERSATION_ITEMS:
            raise ProtocolError(
                f"Error {doing}: the conversation already has {len(self.items)} items, the most it "
                "can hold. Delete old items to make room.",
                code="conversation_too_many_items",
            )

    def read_images(self, record: Item, images: list[tuple[int, bytes]]) -> None:
        """Ask for the text in each image; the item's text is pending until all are read."""
        if not images:
            return
        record.text = None
        self.pending.add(record.data["id"])
        for index, image in images:
            self._out.append(ReadImage(record.data["id"], index, image))

    def image_done(self, item_id: str, content_index: int, text: str | None) -> bool:
        """Note an image's text; whether the item's text is now complete."""
        record = self.items.get(item_id)
        if record is None or item_id not in self.pending:
            return False
        record.image_texts[content_index] = text
        parts = record.data.get("content") or []
        if all(i in record.image_texts for i, p in enumerate(parts) if p.get("type") == "input_image"):
            self.pending.discard(item_id)
            record.text = item_text(record.data, record.image_texts)
            return True
        return False

    def insert(
        self, record: Item, previous_item_id: str | None, *, done: bool = True, save: bool = True
    ) -> None:
        item_id = record.data["id"]
        if previous_item_id == "root":
            self.order.insert(0, item_id)
        elif previous_item_id is not None:
            self.order.insert(self.order.index(previous_item_id) + 1, item_id)
        else:
            self.order.append(item_id)
        self.items[item_id] = record
        previous = self.previous_id(item_id)
        if save:
            self._out.append(SaveItem(wire_item(record), previous_item_id))
        self._out.send(
            {"type": "conversation.item.added", "previous_item_id": previous, "item": wire_item(record)}
        )
        if done:
            self._out.send(
                {"type": "conversation.item.done", "previous_item_id": previous, "item": wire_item(record)}
            )

    def last_said(self) -> str | None:
        """The text of the agent's last message (what the user is most likely answering)."""
        for item_id in reversed(self.order[-20:]):
            record = self.items[item_id]
            if record.data.get("type") == "message" and record.data.get("role") == "assistant":
                return record.text or item_text(record.data)
        return None

    def previous_id(self, item_id: str) -> str | None:
        index = self.order.index(item_id)
        return self.order[index - 1] if index else None

    def get(self, item_id: str, action: str) -> Item:
        """The item, or OpenAI's error for `action` ("retrieve", "delete", "truncate") on a missing one."""
        record = self.items.get(item_id)
        if record is None:
            verb = {"retrieve": "retrieving", "delete": "deleting", "truncate": "truncating"}[action]
            raise ProtocolError(
                f"Error {verb} item: the item with id '{item_id}' does not exist.",
                code=f"item_{action}_invalid_item_id",
            )
        return record

    def retrieve(self, item_id: str) -> None:
        record = self.get(item_id, "retrieve")
        item = wire_item(record)
        if record.audio and item.get("type") == "message":
            for part in item["content"]:
                if part.get("type") in ("input_audio", "output_audio"):
                    part["audio"] = base64.b64encode(record.audio).decode()
        self._out.send({"type": "conversation.item.retrieved", "item": item})

    def delete(self, item_id: str) -> None:
        self.get(item_id, "delete")
        del self.items[item_id]
        self.order.remove(item_id)
        self.pending.discard(item_id)
        self._out.append(DeleteItem(item_id))
        self._out.send({"type": "conversation.item.deleted", "item_id": item_id})

    def truncatable(self, item_id: str, index: int, audio_end_ms: int) -> Item:
        """Check a `conversation.item.truncate`; the record to truncate."""
        record = self.get(item_id, "truncate")
        data = record.data
        if data.get("role") != "assistant" or data.get("type") != "message":
            raise ProtocolError(
                "Only assistant message items can be truncated.", code="invalid_value", param="item_id"
            )
        content = data.get("content") or []
        if index >= len(content) or content[index].get("type") != "output_audio":
            raise ProtocolError(
                f"Content index {index} is not an audio part of item '{data['id']}'.",
                code="invalid_value",
                param="content_index",
            )
        duration = len(record.audio) / record.audio_rate_bytes_per_ms
        if audio_end_ms < 0 or audio_end_ms > duration + 1:
            raise ProtocolError(
                f"Audio content of {int(duration)}ms is already shorter than {audio_end_ms}ms.",
                code="invalid_value",
                param="audio_end_ms",
            )
        return record

    def truncate(self, record: Item, index: int, audio_end_ms: int, bytes_per_sample: int) -> None:
        """Cut an assistant item's audio (and its transcript) at what was heard."""
        data = record.data
        content = data["content"]
        keep = int(audio_end_ms * record.audio_rate_bytes_per_ms)
        keep -= keep % bytes_per_sample
        record.audio = record.audio[:keep]
        transcript = _transcript_until(record.segments, audio_end_ms)
        content[index]["transcript"] = transcript
        record.text = transcript
        self._out.append(SaveItem(wire_item(record), None))
        self._out.send(
            {
                "type": "conversation.item.truncated",
                "item_id": data["id"],
                "content_index": index,
                "audio_end_ms": audio_end_ms,
            }
        )


def wire_item(record: Item) -> dict[str, Any]:
    """The item as sent and saved: a copy, down to its content parts."""
    data = dict(record.data)
    if "content" in data:
        data["content"] = [dict(part) for part in data["content"]]
    return data


def item_text(item: dict[str, Any], image_texts: dict[int, str | None] | None = None) -> str | None:
    """What the brain sees of an item."""
    if item.get("type") == "function_call_output":
        return str(item.get("output", ""))
    if item.get("type") == "function_call":
        return str(item.get("arguments", ""))
    texts = []
    for index, part in enumerate(item.get("content") or []):
        kind = part.get("type")
        if kind in ("input_text", "output_text", "text"):
            texts.append(part.get("text") or "")
        elif kind in ("input_audio", "output_audio", "audio"):
            texts.append(part.get("transcript") or "")
        elif kind == "input_image":
            texts.append(image(part, (image_texts or {}).get(index)).note())
    return " ".join(t for t in texts if t)


def image(part: dict[str, Any], text: str | None) -> Image:
    return Image(str(part.get("image_url") or ""), text, part.get("detail"))


def decode_images(item: dict[str, Any]) -> list[tuple[int, bytes]]:
    """The bytes of each `input_image` part, by content index. Raises `ProtocolError`."""
    found = []
    for index, part in enumerate(item.get("content") or []):
        if part.get("type") != "input_image":
            continue
        param = f"item.content[{index}].image_url"
        url = part.get("image_url")
        if not url:
            raise ProtocolError(
                f"Missing required parameter: '{param}'.", code="missing_required_parameter", param=param
            )
        found.append((index, decode_image_url(url, param=param)))
    return found


def _transcript_until(segments: list[tuple[float, float, str]], end_ms: float) -> str:
    """The words spoken before `end_ms`: whole sentences, then a proportional share of the next."""
    heard = ""
    for start, stop, text in segments:
        if stop <= end_ms:
            heard += text
        elif start < end_ms:
            words = text.split()
            share = (end_ms - start) / max(stop - start, 1.0)
            heard += " " + " ".join(words[: int(len(words) * share)])
    return " ".join(heard.split())
