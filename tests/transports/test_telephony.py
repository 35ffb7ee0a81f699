"""The parts of the phone transports that need no call: webhook signatures, URLs, stream tokens."""

from __future__ import annotations

import base64

import openai
import pytest
from openai.types.webhooks import RealtimeCallIncomingWebhookEvent

from realtalk.transports.sip import webhook
from realtalk.transports.twilio import StreamGrants, connect_twiml, public_url, stream_url
from tests.twilio_peer import parse_connect_stream

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


def test_incoming_call_webhook_verifies_with_the_openai_sdk() -> None:
    headers_in = [("From", "<sip:+15551230000@pbx>;tag=1"), ("Authorization", "Digest secret"), ("X-Id", "7")]
    body, headers = webhook.signed(webhook.incoming_call_event("rtc_123", headers_in), SECRET)
    client = openai.OpenAI(api_key="unused")
    event = client.webhooks.unwrap(body, headers, secret=SECRET)
    assert isinstance(event, RealtimeCallIncomingWebhookEvent)
    assert event.data.call_id == "rtc_123"
    assert [(h.name, h.value) for h in event.data.sip_headers] == [
        ("From", "<sip:+15551230000@pbx>;tag=1"),
        ("X-Id", "7"),
    ], "authorization headers are left out, the rest kept in order"
    other = "whsec_" + base64.b64encode(b"another-secret-another-secret-00").decode()
    with pytest.raises(openai.InvalidWebhookSignatureError):
        client.webhooks.unwrap(body, headers, secret=other)
    with pytest.raises(openai.InvalidWebhookSignatureError):
        client.webhooks.unwrap(body.replace(b"rtc_123", b"rtc_666"), headers, secret=SECRET)


def test_twilio_urls_follow_the_public_address() -> None:
    seen = "http://127.0.0.1:8080/v1/realtalk/twilio/voice?agent=Max"
    public = public_url(seen, "https://voice.example.com")
    assert public == "https://voice.example.com/v1/realtalk/twilio/voice?agent=Max"
    assert public_url(seen, None) == seen
    assert stream_url(public) == "wss://voice.example.com/v1/realtalk/twilio/stream"
    assert stream_url(seen) == "ws://127.0.0.1:8080/v1/realtalk/twilio/stream"
    behind = public_url(seen, "https://example.com/phone/")
    assert stream_url(behind) == "wss://example.com/phone/v1/realtalk/twilio/stream"


def test_twiml_carries_the_parameters() -> None:
    twiml = parse_connect_stream(connect_twiml("wss://h/v1/realtalk/twilio/stream", "tok", "+1555", "Max"))
    assert twiml.stream_url == "wss://h/v1/realtalk/twilio/stream"
    assert twiml.parameters == {"token": "tok", "caller": "+1555", "agent": "Max"}
    escaped = parse_connect_stream(connect_twiml("wss://h/s", "t", '"<&>', None))
    assert escaped.parameters == {"token": "t", "caller": '"<&>'}, "the library escapes what callers send"


def test_stream_tokens_are_single_use_and_expire() -> None:
    now = [100.0]
    grants = StreamGrants(clock=lambda: now[0])
    token = grants.mint("CA1", "+1555", None)
    grant = grants.redeem(token)
    assert grant is not None and grant.call_sid == "CA1" and grant.caller == "+1555"
    assert grants.redeem(token) is None, "a token opens one stream"
    assert grants.redeem("forged") is None
    late = grants.mint("CA2", "", None)
    now[0] += 61
    assert grants.redeem(late) is None
