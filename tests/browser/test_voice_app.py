"""The voice app in real headless Chromium: WebRTC to the server, a fake microphone playing real
recorded speech, and assertions on what the person would see and hear."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soxr
from openai import AsyncOpenAI
from playwright.async_api import Page, expect

from realtalk.engines.piper_tts import PiperTts
from tests.browser.conftest import UI_TOKEN, Launch, open_app, write_wav
from tests.live_server import API_KEY, LiveServer, serving, start_server
from tests.speech_data import librivox_clips, load_wav_16k, silence_16k

pytestmark = pytest.mark.slow

# The fake microphone starts when the page opens it; the call needs a moment to connect.
LEAD_IN_S = 3.0


def speech(index: int) -> np.ndarray[Any, Any]:
    return load_wav_16k(librivox_clips()[index][0])


async def stats(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = await page.evaluate(
        "() => ({state: window.realtalk.state, audio: window.realtalk.audioStats,"
        " types: window.realtalk.events.map(e => e.type)})"
    )
    return result


async def wait_for(page: Page, predicate: str, timeout_s: float = 60) -> None:
    await page.wait_for_function(predicate, timeout=timeout_s * 1000)


async def test_talk_hear_and_interrupt(launch: Launch, web_server: LiveServer, tmp_path: Path) -> None:
    """Captions of the user's words, the agent's audio arriving, and a visible barge-in."""
    wav = write_wav(
        tmp_path / "talk.wav",
        np.concatenate([silence_16k(LEAD_IN_S), speech(1), silence_16k(1.4), speech(4), silence_16k(8)]),
    )
    browser = await launch(wav)
    _, page, errors = await open_app(browser, web_server)
    await page.locator("#talk").click()
    await expect(page.locator("#captions .bubble.user").first).to_contain_text(
        "young man", timeout=30_000, ignore_case=True
    )
    await expect(page.locator("#captions .bubble.agent").first).not_to_be_empty(timeout=30_000)
    # The agent's voice really arrived: the page measured sound on the remote track.
    await wait_for(page, "() => window.realtalk.audioStats.remoteFramesWithSound > 10")
    # "he might even have been made amiable himself" lands while the agent talks: cut off, visibly.
    await expect(page.locator("#captions .bubble.agent.interrupted").first).to_be_visible(timeout=30_000)
    await expect(page.locator("#captions .bubble.user").nth(1)).to_contain_text(
        "amiable", timeout=30_000, ignore_case=True
    )
    await expect(page.locator("#latency")).to_contain_text("ms", timeout=30_000)
    seen = await stats(page)
    assert "output_audio_buffer.cleared" in seen["types"]
    assert "conversation.item.truncated" in seen["types"]
    assert not [e for e in errors if "favicon" not in e], errors


async def test_denied_microphone_says_so(launch: Launch, web_server: LiveServer) -> None:
    browser = await launch(microphone=False)
    _, page, _ = await open_app(browser, web_server, microphone=False)
    await page.locator("#talk").click()
    await expect(page.locator("#error")).to_contain_text("microphone", timeout=15_000, ignore_case=True)
    # Typing still works without a microphone (the SSE text path).
    await page.locator("#text-input").fill("Hello there")
    await page.locator("#send").click()
    await expect(page.locator("#captions .bubble.agent").first).not_to_be_empty(timeout=30_000)


async def test_expired_key_gives_a_clear_error(launch: Launch, web_server: LiveServer) -> None:
    client = AsyncOpenAI(base_url=web_server.base_url, api_key=API_KEY)
    secret = await client.realtime.client_secrets.create(
        session={"type": "realtime"}, expires_after={"anchor": "created_at", "seconds": 10}
    )
    await asyncio.sleep(max(0.0, secret.expires_at - time.time()) + 0.5)
    browser = await launch()
    _, page, _ = await open_app(browser, web_server)
    # The page is handed a real, expired key instead of a fresh one.
    expired = {"value": secret.value, "expires_at": secret.expires_at, "session": {}}
    await page.route("**/web/session", lambda route: route.fulfill(json=expired))
    await page.locator("#talk").click()
    await expect(page.locator("#error")).to_contain_text("expired", timeout=15_000, ignore_case=True)


async def test_tool_card_for_a_spoken_request(launch: Launch, tmp_path: Path) -> None:
    """Escape Room: asking for a hint aloud runs the server's get_hint tool; a card shows it."""
    tts = PiperTts()

    def spoken(text: str) -> np.ndarray[Any, Any]:
        pcm = tts.synthesize(text).astype(np.float32) / 32768.0
        return np.asarray(soxr.resample(pcm, tts.sample_rate, 16_000), dtype=np.float32)

    # Asked twice, a few seconds apart: one slip of speech recognition on a busy machine is not
    # what this test is about.
    asks = [spoken("Can you give me a hint, please?"), silence_16k(6), spoken("Give me a hint.")]
    wav = write_wav(tmp_path / "hint.wav", np.concatenate([silence_16k(LEAD_IN_S), *asks, silence_16k(8)]))
    with serving(tmp_path / "escape", "--app", "escape-room", REALTALK_UI_TOKEN=UI_TOKEN) as server:
        browser = await launch(wav)
        _, page, _ = await open_app(browser, server)
        await expect(page.locator("#door")).to_have_attribute("data-state", "locked", timeout=15_000)
        await page.locator("#talk").click()
        card = page.locator('#tool-cards .tool-card[data-name="get_hint"]').first
        await expect(card).to_be_visible(timeout=45_000)
        await expect(card).to_contain_text("digit", timeout=30_000, ignore_case=True)


async def test_server_restart_mid_call_reconnects_and_restores(launch: Launch, tmp_path: Path) -> None:
    wav = write_wav(
        tmp_path / "one.wav", np.concatenate([silence_16k(LEAD_IN_S), speech(1), silence_16k(30)])
    )
    server = start_server(tmp_path / "restart", REALTALK_UI_TOKEN=UI_TOKEN)
    try:
        browser = await launch(wav)
        _, page, _ = await open_app(browser, server)
        await page.locator("#talk").click()
        await expect(page.locator("#captions .bubble.user").first).to_contain_text(
            "young man", timeout=30_000, ignore_case=True
        )
        await wait_for(page, "() => window.realtalk.events.some(e => e.type === 'response.done')")
        conversation = await page.evaluate("() => window.realtalk.conversationId")
        assert conversation
        server.stop()
        await expect(page.locator("#status")).to_contain_text("reconnect", timeout=30_000, ignore_case=True)
        server.start()
        await wait_for(page, "() => window.realtalk.state === 'live'", timeout_s=90)
        assert await page.evaluate("() => window.realtalk.conversationId") == conversation
        # The restored history is on screen: the earlier user turn is still there.
        await expect(page.locator("#captions .bubble.user").first).to_contain_text(
            "young man", ignore_case=True
        )
    finally:
        server.stop()
