"""The `realtime.call.incoming` webhook, signed the way OpenAI signs its webhooks.

OpenAI follows Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the `whsec_…` secret, so
the `openai` SDK's `client.webhooks.unwrap(body, headers, secret=...)` verifies ours unchanged.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from standardwebhooks.webhooks import Webhook

from ...protocol.ids import new_id

TIMEOUT_S = 10.0
"""How long the backend may take to acknowledge the webhook (it accepts the call separately)."""
AUTH_HEADERS = frozenset({"authorization", "proxy-authorization"})
"""Left out of `sip_headers`, as OpenAI does."""


def incoming_call_event(call_id: str, sip_headers: list[tuple[str, str]]) -> dict[str, Any]:
    """The event body, in OpenAI's shape (`RealtimeCallIncomingWebhookEvent`)."""
    return {
        "object": "event",
        "id": new_id("evt"),
        "type": "realtime.call.incoming",
        "created_at": int(time.time()),
        "data": {
            "call_id": call_id,
            "sip_headers": [
                {"name": name, "value": value}
                for name, value in sip_headers
                if name.lower() not in AUTH_HEADERS
            ],
        },
    }


def signed(event: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    """The body and the Standard Webhooks headers for `event`."""
    body = json.dumps(event, separators=(",", ":"))
    now = datetime.now(UTC)
    signature = Webhook(secret).sign(event["id"], now, body)
    headers = {
        "content-type": "application/json",
        "webhook-id": event["id"],
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    return body.encode(), headers


async def deliver(url: str, secret: str, event: dict[str, Any]) -> int:
    """POST the event; returns the HTTP status (raises `httpx.HTTPError` if it could not be sent)."""
    body, headers = signed(event, secret)
    async with httpx.AsyncClient(timeout=TIMEOUT_S) as client:
        response = await client.post(url, content=body, headers=headers)
    return response.status_code
