"""The Realtime API's HTTP side: client secrets, WebRTC calls and hang-up, as OpenAI serves them."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

from ..protocol import beta
from ..protocol.client_events import validate_session_config
from ..protocol.errors import ProtocolError
from ..protocol.ids import new_id
from ..protocol.json_decode import decode_json
from ..session.config import default_config, merge_config
from ..transports.webrtc import RtcCall, SdpError
from .auth import Credential
from .calls import check_conversation_id, open_call
from .capacity import Refusal
from .client_secrets import DEFAULT_TTL_S, MAX_TTL_S, MIN_TTL_S, ClientSecret
from .state import AppState

log = logging.getLogger(__name__)


def error_response(exc: ProtocolError, status: int = 400) -> JSONResponse:
    """An OpenAI-shaped HTTP error body."""
    body = exc.to_error(None)
    body.pop("event_id", None)
    return JSONResponse({"error": body}, status_code=status)


def json_object(raw: bytes) -> dict[str, Any]:
    """A request body that must be a JSON object (empty means `{}`). Raises `ProtocolError`:
    `invalid_json` when it is not JSON, `invalid_type` when it is not an object."""
    body = decode_json(raw) if raw.strip() else {}
    if not isinstance(body, dict):
        raise ProtocolError("The request body must be a JSON object.", code="invalid_type")
    return body


def session_description(state: AppState, config: dict[str, Any], expires_at: int) -> dict[str, Any]:
    """The full GA session object a client secret opens (the app's defaults + its config)."""
    model = config.get("model") or state.settings.llm_model
    full = merge_config(merge_config(default_config(model), state.session_defaults), config)
    return {"object": "realtime.session", "id": new_id("sess"), "expires_at": expires_at, **full}


async def mint_client_secret(
    state: AppState, body: dict[str, Any], owner: str, *, default_ttl_s: int = DEFAULT_TTL_S
) -> tuple[ClientSecret, dict[str, Any]]:
    """Validate a client-secrets request body and mint the secret for the key `owner`.

    Raises `ProtocolError`, or `Refusal` when the node is full or the key could not start a
    session now (a secret that could not open one is no use to the browser).
    """
    unknown = set(body) - {"expires_after", "session"}
    if unknown:
        name = sorted(unknown)[0]
        raise ProtocolError(f"Unknown parameter: '{name}'.", code="unknown_parameter", param=name)
    ttl = default_ttl_s
    expires_after = body.get("expires_after")
    if expires_after is not None:
        if not isinstance(expires_after, dict) or expires_after.get("anchor", "created_at") != "created_at":
            raise ProtocolError(
                "expires_after.anchor must be 'created_at'.",
                code="invalid_value",
                param="expires_after.anchor",
            )
        seconds = expires_after.get("seconds", default_ttl_s)
        if not isinstance(seconds, int) or not MIN_TTL_S <= seconds <= MAX_TTL_S:
            raise ProtocolError(
                f"expires_after.seconds must be an integer between {MIN_TTL_S} and {MAX_TTL_S}.",
                code="invalid_value",
                param="expires_after.seconds",
            )
        ttl = seconds
    config = validate_session_config(body.get("session") or {})
    try:
        state.capacity.check()
        await state.limiter.check(owner)
    except Refusal as refusal:
        state.metrics.refused.labels(refusal.code).inc()
        raise
    secret = state.client_secrets.mint(config, owner, ttl)
    return secret, session_description(state, config, secret.expires_at)


def realtime_router(state: AppState) -> APIRouter:
    router = APIRouter()

    # Client secrets cannot reach these: the auth middleware keeps them to session paths.
    @router.post("/v1/realtime/client_secrets")
    async def create_client_secret(request: Request) -> JSONResponse:
        """Mint a short-lived `ek_…` secret for a browser (needs the master key)."""
        credential: Credential = request.state.credential
        try:
            body = json_object(await request.body())
            secret, session = await mint_client_secret(state, body, credential.key_id)
        except ProtocolError as exc:
            return error_response(exc)
        except Refusal as refusal:
            return refusal.response()
        return JSONResponse({"value": secret.value, "expires_at": secret.expires_at, "session": session})

    @router.post("/v1/realtime/sessions")
    async def create_beta_session(request: Request) -> JSONResponse:
        """The beta way to mint a key: a beta session object with a one-minute `client_secret`."""
        credential: Credential = request.state.credential
        try:
            session_ga = beta.session_to_ga(json_object(await request.body()))
            secret, session = await mint_client_secret(
                state, {"session": session_ga, "expires_after": {"seconds": 60}}, credential.key_id
            )
        except ProtocolError as exc:
            return error_response(exc)
        except Refusal as refusal:
            return refusal.response()
        client_secret = {"value": secret.value, "expires_at": secret.expires_at}
        return JSONResponse({**beta.session_to_beta(session), "client_secret": client_secret})

    @router.post("/v1/realtime")
    async def create_beta_call(request: Request) -> Response:
        """The beta WebRTC endpoint: same as calls, with beta events on the data channel."""
        return await _create_call(request, is_beta=True)

    @router.post("/v1/realtime/calls")
    async def create_call(request: Request) -> Response:
        """SDP offer in, SDP answer out; the call id comes back in `Location`."""
        return await _create_call(request, is_beta=False)

    async def _create_call(request: Request, *, is_beta: bool) -> Response:
        credential: Credential = request.state.credential
        conversation_id = request.query_params.get("conversation_id")
        try:
            if conversation_id is not None:
                check_conversation_id(conversation_id)
            offer, requested = await _read_offer(request)
        except ProtocolError as exc:
            return error_response(exc)
        # A client secret's session first, then what this request adds.
        config = merge_config(credential.secret.session if credential.secret else {}, requested)
        try:
            call, history = await open_call(
                state,
                key_id=credential.key_id,
                transport="webrtc",
                conversation_id=conversation_id,
                session_config=config,
                server_playout=True,
            )
        except Refusal as refusal:
            log.warning("refused a WebRTC call: %s", refusal.message)
            return refusal.response()
        rtc = RtcCall(call, beta=is_beta)
        try:
            answer = await rtc.answer(offer)
        except SdpError as exc:
            await call.end()
            return error_response(ProtocolError(str(exc), code="invalid_offer", param="sdp"))
        state.calls[call.id] = call
        await call.start(history)
        log.info(
            "call %s: session %s, conversation %s", call.id, call.session.id, call.session.conversation_id
        )
        return Response(
            answer,
            status_code=201,
            media_type="application/sdp",
            headers={
                "Location": f"/v1/realtime/calls/{call.id}",
                "X-RealTalk-Conversation-Id": call.session.conversation_id,
            },
        )

    @router.post("/v1/realtime/calls/{call_id}/hangup")
    async def hang_up(call_id: str) -> JSONResponse:
        call = state.calls.get(call_id)
        if call is None:
            return error_response(
                ProtocolError(f"Call '{call_id}' not found.", code="call_not_found", param="call_id"), 404
            )
        await call.end()
        return JSONResponse({})

    return router


async def _read_offer(request: Request) -> tuple[str, dict[str, Any]]:
    """The SDP offer and the optional `session` part (multipart) of a calls request."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sdp":
        sdp = (await request.body()).decode("utf-8", "replace")
        session: object = None
    elif content_type == "multipart/form-data":
        form = await request.form()
        sdp = await _part_text(form.get("sdp")) or ""
        raw = await _part_text(form.get("session"))
        try:
            session = decode_json(raw) if raw is not None else None
        except ProtocolError as exc:
            exc.param = "session"
            raise
    else:
        raise ProtocolError(
            "Send the SDP offer as 'application/sdp', or as multipart/form-data with 'sdp' and 'session'.",
            code="unsupported_content_type",
        )
    if not sdp.strip().startswith("v=0"):
        raise ProtocolError(
            "The body is not an SDP offer (it must start with 'v=0').", code="invalid_offer", param="sdp"
        )
    return sdp, validate_session_config(session) if session is not None else {}


async def _part_text(part: str | UploadFile | None) -> str | None:
    """A multipart field's text, whether it came as a plain field or as a file."""
    if part is None or isinstance(part, str):
        return part
    return (await part.read()).decode("utf-8", "replace")
