"""Headless Debian Chromium driven by Playwright, with a WAV file as the microphone (never downloads a browser)."""

from __future__ import annotations

import shutil
import wave
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
# A phone-sized screen (iPhone 12-ish CSS pixels): the page must be usable there.
PHONE_VIEWPORT = {"width": 390, "height": 844}


def write_wav(path: Path, pcm: bytes, rate: int) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return path


def chromium_args(caller_wav: Path | None, *, fake_ui: bool = True, loop: bool = False) -> list[str]:
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--use-fake-device-for-media-stream",
            "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
            "--disable-quic"]
    if fake_ui:
        args.append("--use-fake-ui-for-media-stream")  # answers the microphone prompt with "allow"
    if caller_wav is not None:
        # %noloop: the caller says their words once, then the fake microphone is silent (default: loop forever)
        args.append(f"--use-file-for-fake-audio-capture={caller_wav}{'' if loop else '%noloop'}")
    return args


@asynccontextmanager
async def chromium(tmp: Path, caller_wav: Path | None, *, fake_ui: bool = True,
                   loop: bool = False) -> AsyncIterator[BrowserContext]:
    """A fresh headless Chromium profile (its own --user-data-dir under `tmp`), closed and removed afterwards."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed: run scripts/setup.sh (step 50-browser)")
    profile = tmp / "chromium-profile"
    profile.mkdir(exist_ok=True)
    async with async_playwright() as p:
        context = await p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=chromium_args(caller_wav, fake_ui=fake_ui, loop=loop),
            headless=True, viewport=PHONE_VIEWPORT)  # type: ignore[arg-type]
        try:
            yield context
        finally:
            await context.close()
            shutil.rmtree(profile, ignore_errors=True)
