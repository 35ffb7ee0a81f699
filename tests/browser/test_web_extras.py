"""The voice app's accessibility, installability and image turns, checked in real headless Chromium.

Accessibility is judged by axe-core (vendored in tests/browser/vendor/) against WCAG 2 A/AA, in the
states a person sees: signed in and idle, the settings dialog, and a live call with captions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import Launch, open_app, write_wav
from tests.images import MEETING, text_image
from tests.live_server import API_KEY, LiveServer
from tests.speech_data import librivox_clips, load_wav_16k, silence_16k

pytestmark = pytest.mark.slow

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
LEAD_IN_S = 3.0  # The fake microphone starts when the page opens it; the call needs a moment.
MIN_TARGET_PX = 44  # Apple's and WCAG 2.5.5's comfortable touch target.
MAIN_CONTROLS = ["#talk", "#settings-open", "#attach", "#screen-capture", "#text-input", "#send"]


async def ready(page: Page) -> None:
    await expect(page.locator("body[data-ready]")).to_have_count(1, timeout=15_000)


async def live_call(page: Page) -> None:
    await page.wait_for_function("() => window.realtalk.state === 'live'", timeout=30_000)


async def axe_violations(page: Page, where: str) -> list[str]:
    """Run axe on the page; print every violation, return the serious and critical ones."""
    if not await page.evaluate("() => 'axe' in window"):
        # Evaluated, not added as a <script>: the app's CSP rightly refuses inline scripts.
        await page.evaluate(AXE.read_text())
    result: dict[str, Any] = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    blocking = []
    for violation in result["violations"]:
        nodes = "; ".join(
            f"{' '.join(node['target'])}: {node['failureSummary']}" for node in violation["nodes"][:5]
        )
        line = f"[{where}] {violation['impact']}: {violation['id']} - {violation['help']} ({nodes})"
        print(line)
        if violation["impact"] in BLOCKING:
            blocking.append(line)
    return blocking


async def both_schemes(page: Page, where: str) -> list[str]:
    """Violations in the light and the dark colour scheme (the app themes itself on the media query)."""
    found = []
    for scheme in ("light", "dark"):
        await page.emulate_media(color_scheme=scheme)
        # Colours ease between themes: judge them once the CSS transitions have run.
        await page.evaluate(
            "() => Promise.all(document.getAnimations()"
            ".filter(a => a instanceof CSSTransition).map(a => a.finished.catch(() => {})))"
        )
        found += await axe_violations(page, f"{where}, {scheme}")
    return found


# ---- Accessibility -------------------------------------------------------------------------------


async def test_axe_finds_no_serious_violations(
    launch: Launch, web_server: LiveServer, tmp_path: Path
) -> None:
    """Idle, settings open, and a live call with captions: light and dark, per axe-core."""
    clip = load_wav_16k(librivox_clips()[1][0])
    wav = write_wav(tmp_path / "talk.wav", np.concatenate([silence_16k(LEAD_IN_S), clip, silence_16k(20)]))
    browser = await launch(wav)
    _, page, _ = await open_app(browser, web_server, color_scheme="light")
    await ready(page)
    found = await both_schemes(page, "idle")

    await page.locator("#settings-open").click()
    await expect(page.locator("#settings")).to_have_attribute("open", "")
    found += await both_schemes(page, "settings")
    await page.locator("#settings-close").click()
    await expect(page.locator("#settings")).not_to_have_attribute("open", "")

    await page.locator("#talk").click()
    await expect(page.locator("#captions .bubble.user").first).to_contain_text(
        "young man", timeout=30_000, ignore_case=True
    )
    await page.wait_for_function(
        "() => window.realtalk.events.some(e => e.type === 'response.done')", timeout=30_000
    )
    await expect(page.locator("#captions .bubble.agent").first).not_to_be_empty()
    found += await both_schemes(page, "live call")
    assert not found, "\n".join(found)


async def focus_ring(page: Page) -> dict[str, Any]:
    """The focused element and whether its outline or box shadow differ from when it is not focused."""
    stop: dict[str, Any] = await page.evaluate(
        """() => {
            const el = document.activeElement;
            const look = () => {
                const s = getComputedStyle(el);
                return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | ");
            };
            const focused = look();
            el.blur();
            const unfocused = look();
            el.focus();
            return {id: el.id || el.className || el.tagName, focused, unfocused};
        }"""
    )
    return stop


async def tab_to(page: Page, target: str, limit: int = 20) -> list[dict[str, Any]]:
    """Press Tab until `target` (an id) has focus; the focus ring of every stop on the way."""
    stops = []
    for _ in range(limit):
        await page.keyboard.press("Tab")
        stops.append(await focus_ring(page))
        if stops[-1]["id"] == target:
            return stops
    raise AssertionError(f"Tab never reached #{target}: {[stop['id'] for stop in stops]}")


async def test_keyboard_only(launch: Launch, web_server: LiveServer, tmp_path: Path) -> None:
    """Tab to the talk button, Enter calls and hangs up; the settings dialog opens and Escape closes it."""
    browser = await launch(write_wav(tmp_path / "quiet.wav", silence_16k(30)))
    _, page, _ = await open_app(browser, web_server)
    await ready(page)
    # Without transitions a focus ring's computed style is final the moment focus moves.
    # A constructed stylesheet: the app's CSP rightly refuses an inline <style>.
    await page.evaluate(
        """() => {
            const sheet = new CSSStyleSheet();
            sheet.replaceSync("*, *::before, *::after { transition: none !important; }");
            document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
        }"""
    )

    stops = await tab_to(page, "talk")
    await page.keyboard.press("Enter")
    await live_call(page)
    await expect(page.locator("#talk")).to_have_attribute("aria-pressed", "true")
    await page.keyboard.press("Enter")
    await expect(page.locator("#talk")).to_have_attribute("aria-pressed", "false", timeout=15_000)
    assert await page.evaluate("() => window.realtalk.state") != "live"

    await page.keyboard.press("Shift+Tab")  # The settings button sits before the talk button.
    stops.append(await focus_ring(page))
    assert stops[-1]["id"] == "settings-open", stops[-1]
    await page.keyboard.press("Enter")
    dialog = page.locator("#settings")
    await expect(dialog).to_have_attribute("open", "")
    assert await page.evaluate("() => document.getElementById('settings').contains(document.activeElement)")
    stops += await tab_to(page, "settings-save")
    await page.keyboard.press("Escape")
    await expect(dialog).not_to_have_attribute("open", "")
    assert await page.evaluate("() => document.activeElement.id") == "settings-open"

    invisible = [stop for stop in stops if stop["focused"] == stop["unfocused"]]
    assert not invisible, f"focus is not visible on: {invisible}"


# ---- Installable app -----------------------------------------------------------------------------


async def test_manifest_service_worker_and_offline_page(launch: Launch, web_server: LiveServer) -> None:
    browser = await launch(microphone=False)
    context, page, errors = await open_app(browser, web_server, microphone=False)
    await ready(page)

    href = await page.locator("link[rel=manifest]").get_attribute("href")
    assert href
    response = await page.request.get(f"{web_server.http_url}{href}")
    assert response.ok
    manifest = json.loads(await response.text())
    assert manifest["name"] and manifest["start_url"] == "/"
    assert manifest["display"] in {"standalone", "fullscreen", "minimal-ui"}
    png_sizes = {icon["sizes"] for icon in manifest["icons"] if icon.get("type") == "image/png"}
    assert {"192x192", "512x512"} <= png_sizes
    for icon in manifest["icons"]:
        fetched = await page.request.get(f"{web_server.http_url}{icon['src']}")
        assert fetched.ok, icon["src"]
        if icon["sizes"] != "any":  # A PNG's width and height sit at bytes 16..24 of its IHDR chunk.
            body = await fetched.body()
            width, height = int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")
            assert f"{width}x{height}" == icon["sizes"], icon["src"]

    scope = await page.evaluate(
        """() => Promise.race([
            navigator.serviceWorker.ready.then(r => r.scope),
            new Promise(resolve => setTimeout(() => resolve("no worker in 15 s"), 15000)),
        ])"""
    )
    assert scope == f"{web_server.http_url}/"
    await page.reload()
    await ready(page)
    assert await page.evaluate("() => navigator.serviceWorker.controller?.state") == "activated"

    await context.set_offline(True)
    await page.goto(f"{web_server.http_url}/")
    await expect(page.locator("h1")).to_have_text("RealTalk can't reach its server")
    await expect(page.locator("#retry")).to_be_visible()
    # Styled by its stylesheet under the CSP (an inline style would be refused and leave it plain).
    radius = await page.evaluate("() => getComputedStyle(document.querySelector('main')).borderRadius")
    assert radius == "18px"
    assert not [e for e in errors if "Content Security Policy" in e], errors


async def test_phone_layout(launch: Launch, web_server: LiveServer) -> None:
    """On a 390 px wide phone nothing scrolls sideways and the main controls are thumb-sized."""
    browser = await launch(microphone=False)
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    _, page, _ = await open_app(browser, web_server, microphone=False, device_scale_factor=3, **phone)
    await ready(page)
    # A long unbroken word in the conversation must wrap, not widen the page.
    await page.locator("#text-input").fill("https://example.com/" + "a" * 120)
    await page.locator("#send").click()
    await expect(page.locator("#captions .bubble.agent").first).not_to_be_empty(timeout=30_000)

    width = await page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"page is {width[0]} px wide in a {width[1]} px viewport"
    # The conversation scrolls by itself, so a caption too wide would hide in it rather than widen the page.
    too_wide = await page.evaluate(
        """() => [...document.querySelectorAll('.conversation-scroll, #captions .bubble')]
            .filter(el => el.scrollWidth > el.clientWidth).map(el => el.className)"""
    )
    assert not too_wide, f"wider than their box: {too_wide}"
    small = {}
    for selector in MAIN_CONTROLS:
        box = await page.locator(selector).bounding_box()
        assert box is not None, selector
        if box["width"] < MIN_TARGET_PX or box["height"] < MIN_TARGET_PX:
            small[selector] = (box["width"], box["height"])
    assert not small, f"controls smaller than {MIN_TARGET_PX}x{MIN_TARGET_PX} CSS px: {small}"


# ---- Images into the conversation ----------------------------------------------------------------


async def send_image(page: Page, path: Path) -> None:
    await page.locator("#image-input").set_input_files(path)
    await expect(page.locator("#attachment")).to_be_visible()
    await page.locator("#send").click()
    await expect(page.locator("#captions .bubble.user img.thumb").last).to_be_visible(timeout=15_000)


async def expect_read_out(page: Page) -> None:
    """The agent's reply reads the text in the picture (the server OCRs it)."""
    reply = page.locator("#captions .bubble.agent").last
    await expect(reply).to_contain_text("The image says", timeout=30_000)
    await expect(reply).to_contain_text("room 42", ignore_case=True)
    await expect(reply).to_contain_text("Meeting", ignore_case=True)


@pytest.fixture
def meeting_png(tmp_path: Path) -> Path:
    path = tmp_path / "meeting.png"
    path.write_bytes(text_image(MEETING))
    return path


async def test_image_without_a_call(launch: Launch, web_server: LiveServer, meeting_png: Path) -> None:
    browser = await launch(microphone=False)
    _, page, errors = await open_app(browser, web_server, microphone=False)
    await ready(page)
    await send_image(page, meeting_png)
    await expect_read_out(page)
    assert await page.evaluate("() => window.realtalk.state") == "idle"  # It went over SSE chat.
    assert not [e for e in errors if "favicon" not in e], errors


async def test_image_during_a_call(
    launch: Launch, web_server: LiveServer, meeting_png: Path, tmp_path: Path
) -> None:
    browser = await launch(write_wav(tmp_path / "quiet.wav", silence_16k(40)))
    _, page, errors = await open_app(browser, web_server)
    await ready(page)
    await page.locator("#talk").click()
    await live_call(page)
    await send_image(page, meeting_png)
    await expect_read_out(page)
    # It went over the call, not the SSE chat: the agent also said it aloud, and the call stayed up.
    await page.wait_for_function("() => window.realtalk.audioStats.remoteFramesWithSound > 5", timeout=30_000)
    assert await page.evaluate("() => window.realtalk.state") == "live"
    assert not [e for e in errors if "favicon" not in e], errors


async def test_operator_page_needs_the_master_key(launch: Launch, web_server: LiveServer) -> None:
    browser = await launch(microphone=False)
    page = await browser.new_page()
    await page.goto(f"{web_server.http_url}/operator")
    await expect(page.locator("#key-form")).to_be_visible()
    await page.fill("#operator-key", "not-the-key")
    await page.click("#key-form button")
    await expect(page.locator("#operator-error")).to_contain_text("needs the master API key")
    await page.fill("#operator-key", API_KEY)
    await page.click("#key-form button")
    await expect(page.locator("#summary")).to_have_attribute("data-loaded", "true")
    await expect(page.locator("#live")).to_contain_text("live of 8")
    await expect(page.locator("#key-form")).to_be_hidden()
    await expect(page.locator("#operator-error")).to_be_hidden()
    violations = await axe_violations(page, "operator page")
    assert not violations, violations
