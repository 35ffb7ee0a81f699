"""The pages work under their Content-Security-Policy: the task page, framed by the voice app.

(The voice app itself runs under it in every other browser test, which fail on console errors.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.browser.conftest import UI_TOKEN, Launch, open_app
from tests.live_server import serving

pytestmark = pytest.mark.slow


async def test_the_task_page_works_framed_by_the_voice_app(launch: Launch, tmp_path: Path) -> None:
    with serving(tmp_path / "data", "--app", "task-manager", REALTALK_UI_TOKEN=UI_TOKEN) as server:
        browser = await launch(microphone=False)
        _, page, errors = await open_app(browser, server, microphone=False)
        frame = page.frame_locator("#tasks-frame")
        # Its script ran, its live connection is up, and its stylesheet applied: all under the CSP.
        await expect(frame.locator("#status")).to_have_text("0 open, 0 done", timeout=20_000)
        size = await frame.locator("h1").evaluate("h => getComputedStyle(h).fontSize")
        assert size == "22.4px", "style.css did not apply (1.4rem)"
        csp = await page.evaluate(
            "() => fetch('/apps/tasks/').then(r => r.headers.get('content-security-policy'))"
        )
        assert "frame-ancestors 'self'" in csp
        assert not [e for e in errors if "favicon" not in e], errors
