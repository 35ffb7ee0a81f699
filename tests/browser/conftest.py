"""Real headless Chromium (Debian's `chromium`) driven by Playwright, with a fake microphone.

Chromium's fake capture device plays a WAV file we write from real recorded speech, once
(`%noloop`), starting when the page opens the microphone.
"""

from __future__ import annotations

import shutil
import wave
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.live_server import LiveServer, start_server

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
UI_TOKEN = "browser-test-ui-token"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
    "--use-fake-device-for-media-stream",
]


def write_wav(path: Path, samples16k: np.ndarray[Any, Any]) -> Path:
    """16 kHz mono float samples as a 16-bit WAV (what the fake capture device reads)."""
    pcm = (np.clip(samples16k, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16_000)
        wav.writeframes(pcm.tobytes())
    return path


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("realtalk-browser"), REALTALK_UI_TOKEN=UI_TOKEN)
    yield live
    live.stop()


Launch = Callable[..., Any]


@pytest_asyncio.fixture
async def launch() -> AsyncIterator[Launch]:
    """`await launch(wav=None, microphone=True)` -> a Chromium whose microphone plays `wav`."""
    async with async_playwright() as playwright:
        browsers: list[Browser] = []

        async def start(wav: Path | None = None, *, microphone: bool = True) -> Browser:
            args = list(CHROMIUM_ARGS)
            if wav is not None:
                args.append(f"--use-file-for-fake-audio-capture={wav}%noloop")
            if microphone:
                args.append("--use-fake-ui-for-media-stream")  # grant the permission prompt
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=args)
            browsers.append(browser)
            return browser

        yield start
        for browser in browsers:
            await browser.close()


async def open_app(
    browser: Browser, server: LiveServer, *, microphone: bool = True, **context_args: Any
) -> tuple[BrowserContext, Page, list[str]]:
    """Open the voice app signed in (the #token link), collecting console errors."""
    permissions = ["microphone"] if microphone else []
    context = await browser.new_context(permissions=permissions, **context_args)
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{server.http_url}/#token={UI_TOKEN}")
    return context, page, errors
