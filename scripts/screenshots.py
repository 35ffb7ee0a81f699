"""Take the voice app's screenshots for docs/: a real conversation in headless Chromium.

Starts a server (`--app` optional), opens the page with a fake microphone playing recorded speech
(or `--say` a sentence, spoken by Piper), talks one turn, and saves desktop (1280x800) and phone
(390x844) screenshots.

    .venv/bin/python scripts/screenshots.py --app task-manager --say "Remind me to buy milk tomorrow"
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import soxr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, UI_TOKEN, write_wav
from tests.live_server import LiveServer, free_port
from tests.speech_data import librivox_clips, load_wav_16k, silence_16k

from realtalk.engines.piper_tts import PiperTts

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


async def shoot(server: LiveServer, wav: Path, out: Path, name: str) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        args = [
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop",
        ]
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        for size, viewport in SIZES.items():
            phone = size == "phone"
            context = await browser.new_context(
                viewport=viewport,
                permissions=["microphone"],
                device_scale_factor=2 if phone else 1,
                is_mobile=phone,
                has_touch=phone,
            )
            page = await context.new_page()
            await page.goto(f"{server.http_url}/#token={UI_TOKEN}")
            await page.locator("#talk").click()
            await page.wait_for_function(
                "() => window.realtalk.events.some(e => e.type === 'output_audio_buffer.stopped')",
                timeout=60_000,
            )
            await page.wait_for_timeout(500)
            path = out / f"{name}-{size}.png"
            await page.screenshot(path=str(path))
            print(path)
            await context.close()
        await browser.close()


def spoken(text: str) -> np.ndarray[Any, np.dtype[np.float32]]:
    """`text` as 16 kHz speech from the bundled Piper voice."""
    tts = PiperTts()
    pcm = tts.synthesize(text).astype(np.float32) / 32768.0
    return np.asarray(soxr.resample(pcm, tts.sample_rate, 16_000), dtype=np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", help="an example app to run (escape-room, task-manager)")
    parser.add_argument("--say", help="what the user says (default: a LibriVox sentence)")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="realtalk-shots-"))
    speech = spoken(args.say) if args.say else load_wav_16k(librivox_clips()[1][0])
    wav = write_wav(data / "speech.wav", np.concatenate([silence_16k(3), speech, silence_16k(20)]))
    extra = ["--app", args.app] if args.app else []
    server = LiveServer(data, free_port(), {"REALTALK_UI_TOKEN": UI_TOKEN}, extra)
    server.start()
    try:
        asyncio.run(shoot(server, wav, args.out, args.app or "voice-app"))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
