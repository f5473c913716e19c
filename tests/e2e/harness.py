"""End-to-end harness: the real IVR app (uvicorn + AudioSocket in one loop) and an Asterisk-like caller on the wire."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from ivr.app import create_app
from ivr.settings import Settings
from tests.peers.asterisk_audiosocket import FakeAsteriskCall


@asynccontextmanager
async def running_ivr(settings: Settings, app: FastAPI | None = None) -> AsyncIterator[str]:
    """Serve `app` (default create_app(settings)) on 127.0.0.1:settings.http.port; yields the base URL; stops it
    afterwards."""
    app = app or create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=settings.http.port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 300
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("the IVR app exited during start-up")
        if time.monotonic() > deadline:
            raise RuntimeError("the IVR app did not start within 300 s")
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{settings.http.port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 60)


TOKEN = "e2e-register-token"


async def register(http: httpx.AsyncClient, base_url: str, caller: str, *, token: str | None = TOKEN,
                   dialled: str = "100") -> str:
    """What the dialplan's CURL() does: a form POST; the body is the call UUID (or `refused`)."""
    headers = {"X-IVR-Token": token} if token else {}
    r = await http.post(f"{base_url}/asterisk/calls", headers=headers,
                        data={"caller": caller, "dialled": dialled, "channel": "PJSIP/phone-0001",
                              "uniqueid": "1700000000.1"})
    return r.text


def bot_speech_frames(call: FakeAsteriskCall) -> list[tuple[float, bytes]]:
    """(arrival, payload) of every audio frame the bot sent."""
    return [(r.at, r.payload) for r in call.received if r.kind.name.startswith("AUDIO")]


async def wait_bot_said_something(call: FakeAsteriskCall, *, since: float, quiet_s: float = 1.0,
                                  timeout: float = 60.0) -> tuple[float, float]:
    """Wait until the bot spoke after `since` and then stayed silent `quiet_s`; returns (first voiced, last voiced)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        voiced = [t for t, pcm in bot_speech_frames(call) if t >= since and any(pcm)]
        if voiced and time.monotonic() - voiced[-1] >= quiet_s:
            return voiced[0], voiced[-1]
        if call.ended_by is not None:
            raise AssertionError(f"the call ended ({call.ended_by}) while waiting for the bot")
        await asyncio.sleep(0.05)
    raise AssertionError(f"the bot said nothing (then paused {quiet_s}s) within {timeout}s")


def bot_audio_between(call: FakeAsteriskCall, start: float, end: float) -> bytes:
    return b"".join(pcm for t, pcm in bot_speech_frames(call) if start <= t <= end)
