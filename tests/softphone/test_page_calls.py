"""The softphone page across calls, in headless Chromium against a scripted call: a new call starts with an empty
conversation, the keys pressed are shown (the last in clear, earlier ones masked), and a server that went away
after the page loaded is explained in words, not with the browser's "Failed to load worklet module script"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from playwright.async_api import Page

from ivr.softphone.router import softphone_router
from tests.fakes.softphone_fakes import ScriptedCalls
from tests.fixtures.settings import make_test_settings
from tests.softphone.browser import chromium
from tests.softphone.serve import serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]
GREETING = "Welcome to the test line."


def app_for(tmp_path: Path, calls: ScriptedCalls) -> FastAPI:
    settings = make_test_settings(tmp_path, softphone={"demo_callers": [{"phone": "+254700000001", "label": "Demo"}]})
    app = FastAPI()
    app.include_router(softphone_router(settings, get_calls=lambda _app: calls))
    return app


def scripted() -> ScriptedCalls:
    t = np.arange(4000) / 8000
    return ScriptedCalls(greeting=(np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2").tobytes())


async def call_and_press(page: Page, keys: str, *, hang_up: bool = True) -> list[str]:
    """Place a call, press `keys`, return what the keys display showed after each press; then hang up (or wait
    for the line to end the call)."""
    await page.get_by_role("button", name="Call").click()
    await page.wait_for_function("window.softphone.stats.state === 'connected'", timeout=15_000)
    await page.get_by_text(GREETING).first.wait_for(timeout=5_000)
    shown = []
    for n, digit in enumerate(keys, start=1):
        await page.get_by_role("button", name="hash" if digit == "#" else digit, exact=True).click()
        await page.wait_for_function(f"window.softphone.stats.digitsSent === {n}", timeout=5_000)
        shown.append(await page.text_content("#keys") or "")
    if hang_up:
        await page.get_by_role("button", name="Hang up").click()
    await page.wait_for_function("window.softphone.stats.state === 'ended'", timeout=5_000)
    return shown


async def test_a_new_call_starts_clean_and_the_keys_pressed_are_shown(tmp_path: Path) -> None:
    calls = scripted()
    async with serving(app_for(tmp_path, calls)) as base_url, chromium(tmp_path, None) as browser:
        page = await browser.new_page()
        await page.goto(base_url + "/phone")
        assert await page.text_content("#keys") == "none"
        first = await call_and_press(page, "12#")
        assert first == ["1", "• 2", "• • #"]  # each key as it is pressed; a PIN is never on screen whole
        assert await page.get_by_role("log").get_by_text(GREETING).count() == 1
        second = await call_and_press(page, "9", hang_up=False)  # 9: the scripted line hangs up
        assert second == ["9"]  # a new call's keys start afresh
        lines = await page.evaluate("window.softphone.stats.transcript")
        on_screen = await page.get_by_role("log").get_by_text(GREETING).count()
    assert on_screen == 1 and [ln["text"] for ln in lines] == [GREETING]  # the first call's lines are gone
    assert len(calls.calls) == 2


async def test_a_server_gone_after_the_page_loaded_is_explained(tmp_path: Path) -> None:
    async with chromium(tmp_path, None) as browser:
        page = await browser.new_page()
        async with serving(app_for(tmp_path, scripted())) as base_url:
            await page.goto(base_url + "/phone")
            await page.wait_for_function("document.querySelector('#demo-callers option') !== null")
        # the server is stopped now; the page stays open and the caller presses Call
        await page.get_by_role("button", name="Call").click()
        alert = page.get_by_role("alert")
        await alert.wait_for(timeout=10_000)
        text = await alert.text_content() or ""
        assert text.startswith("Cannot reach the MiKashBoks server"), text
        assert "worklet" not in text.lower()
        assert await page.text_content("#status") == "Not connected."
        assert await page.is_enabled("#call")  # the caller can try again once it is back
