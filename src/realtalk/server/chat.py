"""Text chat without a call: `POST /v1/realtalk/chat`, answered as Server-Sent Events.

One request is one user turn. It opens a text-only Realtime session over the same agent, tools and
conversation store as the WebSocket and WebRTC paths (`open_call`), continues `conversation_id`
when given, adds the user's message (text and/or an image), asks for a response, and streams every
server event from then on as one SSE message each (`data: <GA server event JSON>`). The stream
ends when the agent has finished: no response in progress, server-tool round trips included.
Items are saved as over WebSocket, so either path can continue a conversation the other began.
If the client goes away mid-reply, generation stops; what was saved stays.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError
from sse_starlette import EventSourceResponse

from ..protocol import limits
from ..protocol.errors import ProtocolError
from ..protocol.ids import new_id
from ..protocol.images import decode_image_url
from ..session.config import merge_config
from .auth import WEB_APP_KEY_ID, Credential
from .calls import Call, Listener, check_conversation_id, open_call
from .capacity import Refusal
from .realtime_http import error_response, json_object
from .state import AppState


class ChatRequest(BaseModel):
    """The request body. Unknown fields are an error, like everywhere in the API."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str = ""
    conversation_id: str | None = None
    image_url: str | None = None
    """A `data:image/png;base64,…` or `data:image/jpeg;base64,…` URL."""
    instructions: str | None = None
    """Instructions for this session, instead of the server's defaults."""


def chat_router(state: AppState) -> APIRouter:
    """The `POST /v1/realtalk/chat` route (auth is the app's middleware)."""
    router = APIRouter()

    @router.post("/v1/realtalk/chat", response_model=None)
    async def chat(request: Request) -> Response:
        try:
            body = _parse(await request.body())
        except ProtocolError as exc:
            return error_response(exc, 400 if exc.code in ("invalid_json", "invalid_type") else 422)
        if body.conversation_id and not await state.has_conversation(body.conversation_id):
            return error_response(
                ProtocolError(
                    f"Conversation '{body.conversation_id}' not found.",
                    code="conversation_not_found",
                    param="conversation_id",
                ),
                404,
            )
        credential: Credential | None = getattr(request.state, "credential", None)
        config: dict[str, Any] = {"output_modalities": ["text"]}
        if body.instructions is not None:
            config["instructions"] = body.instructions
        if credential is not None and credential.secret is not None:
            config = merge_config(credential.secret.session, config)
        try:
            call, history = await open_call(
                state,
                key_id=credential.key_id if credential else WEB_APP_KEY_ID,
                transport="chat",
                conversation_id=body.conversation_id,
                session_config=config,
            )
        except Refusal as refusal:
            return refusal.response()
        headers = {"X-RealTalk-Conversation-Id": call.session.conversation_id}
        return EventSourceResponse(_stream(call, history, body), headers=headers)

    return router


def _parse(raw: bytes) -> ChatRequest:
    """The validated body, or a `ProtocolError` with the reason."""
    data = json_object(raw)
    try:
        body = ChatRequest.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        param = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            raise ProtocolError(
                f"Unknown parameter: '{param}'.", code="unknown_parameter", param=param
            ) from exc
        raise ProtocolError(
            f"Invalid value for '{param}': {error['msg']}.", code="invalid_value", param=param
        ) from exc
    limits.check_string(body.text, "text", limits.MAX_TEXT_CHARS)
    limits.check_string(body.instructions, "instructions", limits.MAX_INSTRUCTIONS_CHARS)
    if body.conversation_id is not None:
        check_conversation_id(body.conversation_id)
    if body.image_url is not None:
        decode_image_url(body.image_url, param="image_url")
    elif not body.text.strip():
        raise ProtocolError(
            "Missing required parameter: 'text' (non-empty, unless 'image_url' is given).",
            code="missing_required_parameter",
            param="text",
        )
    return body


def _user_item(body: ChatRequest) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if body.image_url is not None:
        content.append({"type": "input_image", "image_url": body.image_url})
    if body.text.strip():
        content.append({"type": "input_text", "text": body.text})
    return {"type": "message", "role": "user", "content": content}


async def _stream(
    call: Call, history: list[dict[str, Any]], body: ChatRequest
) -> AsyncIterator[dict[str, str]]:
    """Run the turn and yield its server events as SSE messages (see the module docstring)."""
    events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    listening = False

    async def collect(event: dict[str, Any]) -> None:
        if listening:
            events.put_nowait(event)

    call.listeners.append(Listener(collect))
    try:
        # `session.created` and the restored history are not news to this client: skip them.
        await call.start(history)
        await call.runtime.drain()
        listening = True
        session = call.session
        started = {"type": "realtalk.chat.started", "event_id": new_id("event"),
                   "conversation_id": session.conversation_id}  # fmt: skip
        yield _sse(started)
        call.runtime.submit(
            session.handle_event({"type": "conversation.item.create", "item": _user_item(body)})
        )
        call.runtime.submit(session.handle_event({"type": "response.create"}))
        while True:
            event = await events.get()
            yield _sse(event)
            if event["type"] in ("response.done", "error") and not session.responding:
                # Finished; whatever the session decided before that still goes out.
                await call.runtime.drain()
                while not events.empty():
                    yield _sse(events.get_nowait())
                if not session.responding:
                    return
    finally:
        # Also on disconnect, when the stream is being cancelled: end the call regardless.
        with anyio.CancelScope(shield=True):
            await call.end()


def _sse(event: dict[str, Any]) -> dict[str, str]:
    return {"data": json.dumps(event, separators=(",", ":"))}
