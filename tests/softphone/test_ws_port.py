"""The softphone's page and WebSocket media port on a real uvicorn server, with a scripted call behind it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import numpy as np
import pytest
import websockets
from fastapi import FastAPI

from ivr.calls.registry import TooManyCalls
from ivr.frames import CallerAudio, Dtmf, Hangup, HangupCause
from ivr.softphone.router import softphone_router
from tests.fakes.softphone_fakes import ScriptedCalls
from tests.fixtures.settings import make_test_settings
from tests.softphone.serve import serving

FRAME = 320  # 20 ms at 8 kHz, 16-bit


def tone(ms: int, hz: float = 440.0) -> bytes:
    t = np.arange(8000 * ms // 1000) / 8000
    return (np.sin(2 * np.pi * hz * t) * 8000).astype("<i2").tobytes()


@pytest.fixture
def calls() -> ScriptedCalls:
    return ScriptedCalls(greeting=tone(210), long_pcm=tone(3000, 300))


@pytest.fixture
async def base_url(tmp_path: Path, calls: ScriptedCalls) -> AsyncIterator[str]:
    settings = make_test_settings(tmp_path, softphone={
        "call_request_timeout_s": 0.5, "max_calls": 2,
        "demo_callers": [{"phone": "+254700000001", "label": "Demo member"}]})
    app = FastAPI()
    app.include_router(softphone_router(settings, get_calls=lambda _app: calls))
    async with serving(app) as url:
        yield url


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/phone/ws"


async def next_json(ws: websockets.ClientConnection, timeout: float = 5.0) -> dict[str, object]:
    """The next control message, skipping audio and transcript lines."""
    deadline = time.monotonic() + timeout
    while True:
        msg = await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic()))
        if isinstance(msg, str) and json.loads(msg)["type"] != "transcript":
            return dict(json.loads(msg))


async def test_page_static_files_and_demo_callers(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        page = await http.get("/phone")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert 'data-digit="#"' in page.text and 'role="log"' in page.text and "/phone/static/phone.js" in page.text
        for name in ("phone.js", "player.js", "downsample.js", "mic-worklet.js", "phone.css"):
            r = await http.get(f"/phone/static/{name}")
            assert r.status_code == 200 and len(r.text) > 100, name
        assert (await http.get("/phone/static/phone.js")).headers["content-type"].startswith("text/javascript")
        assert (await http.get("/phone/static/..%2Frouter.py")).status_code == 404
        assert (await http.get("/phone/static/config.py")).status_code == 404
        callers = (await http.get("/phone/callers")).json()
    assert callers == {"callers": [{"phone": "+254700000001", "label": "Demo member"}]}


async def test_call_greets_paced_then_takes_audio_and_digits_until_caller_hangs_up(
        base_url: str, calls: ScriptedCalls) -> None:
    async with websockets.connect(ws_url(base_url)) as ws:
        await ws.send(json.dumps({"type": "call", "caller": "+254 700-000-001"}))
        connected = await next_json(ws)
        assert connected["type"] == "connected" and connected["sample_rate"] == 8000 and connected["frame_ms"] == 20
        audio: list[bytes] = []
        texts: list[dict[str, object]] = []
        started = time.monotonic()
        while time.monotonic() - started < 1.0:
            msg = await asyncio.wait_for(ws.recv(), 2)
            if isinstance(msg, bytes):
                audio.append(msg)
            else:
                texts.append(json.loads(msg))
        for i in range(10):
            await ws.send(bytes([i]) * FRAME)
        await ws.send(json.dumps({"type": "dtmf", "digit": "#"}))
        await ws.send(json.dumps({"type": "hangup"}))
        ended = await next_json(ws)
    assert calls.callers == ["+254700000001"]
    assert texts == [{"type": "transcript", "speaker": "bot", "text": "Welcome to the test line."}]
    assert all(len(f) == FRAME for f in audio)
    # paced: about 50 frames in that second (a burst would deliver hundreds at once; a stall far fewer)
    assert 30 <= len(audio) <= 60
    voiced = b"".join(f for f in audio if any(f))
    assert voiced == calls.greeting + bytes(-len(calls.greeting) % FRAME)  # whole greeting, in order, then silence
    assert ended == {"type": "ended", "reason": "caller"}
    call = calls.calls[0]
    await asyncio.wait_for(call.hung_up.wait(), 5)
    inbound = [f for f in call.frames if isinstance(f, CallerAudio)]
    assert [f.pcm for f in inbound] == [bytes([i]) * FRAME for i in range(10)]
    assert all(f.sample_rate == 8000 and f.arrived > 0 for f in inbound)
    assert [f.digit for f in call.frames if isinstance(f, Dtmf)] == ["#"]
    hangups = [f for f in call.frames if isinstance(f, Hangup)]
    assert len(hangups) == 1 and call.frames[-1] is hangups[0] and hangups[0].cause is HangupCause.CALLER


async def test_bot_hangup_ends_the_call_for_the_browser(base_url: str, calls: ScriptedCalls) -> None:
    async with websockets.connect(ws_url(base_url)) as ws:
        await ws.send(json.dumps({"type": "call", "caller": "0700000001"}))
        assert (await next_json(ws))["type"] == "connected"
        await ws.send(json.dumps({"type": "dtmf", "digit": "9"}))
        assert await next_json(ws) == {"type": "ended", "reason": "bot"}
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(next_json(ws), 5)
        assert ws.close_code == 1000
    await asyncio.wait_for(calls.calls[0].hung_up.wait(), 5)
    assert next(f for f in calls.calls[0].frames if isinstance(f, Hangup)).cause is HangupCause.BOT


async def test_barge_in_flush_reaches_the_page_and_stops_the_audio(base_url: str, calls: ScriptedCalls) -> None:
    async with websockets.connect(ws_url(base_url)) as ws:
        await ws.send(json.dumps({"type": "call", "caller": "0700000001"}))
        assert (await next_json(ws))["type"] == "connected"
        await ws.send(json.dumps({"type": "dtmf", "digit": "7"}))  # 3 s of tone queued
        await asyncio.sleep(0.6)
        await ws.send(json.dumps({"type": "dtmf", "digit": "5"}))  # barge-in
        seen_flush, after = False, list[bytes]()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and len(after) < 25:
            msg = await asyncio.wait_for(ws.recv(), 2)
            if isinstance(msg, str):
                seen_flush = seen_flush or json.loads(msg) == {"type": "flush"}
            elif seen_flush:
                after.append(msg)
        await ws.send(json.dumps({"type": "hangup"}))
    assert seen_flush and calls.calls[0].flushed > 50  # most of the 3 s (150 frames) was dropped
    assert len(after) == 25 and not any(any(f) for f in after)  # only silence after the flush


@pytest.mark.parametrize(("first", "error"), [
    ("hello", "control message is not JSON"),
    (json.dumps({"type": "dtmf", "digit": "1"}), "the first message must be a call request"),
    (json.dumps({"type": "call", "caller": "not a number"}), "caller must be a phone number"),
    (b"\x00\x01", "the first message must be a call request"),
])
async def test_bad_first_message_gets_a_clear_error(base_url: str, calls: ScriptedCalls, first: str | bytes,
                                                   error: str) -> None:
    async with websockets.connect(ws_url(base_url)) as ws:
        await ws.send(first)
        msg = await next_json(ws)
        assert msg["type"] == "error" and str(msg["message"]).startswith(error)
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        assert ws.close_code == 1008
    assert calls.calls == []


async def test_pages_of_other_sites_cannot_place_calls(base_url: str, calls: ScriptedCalls) -> None:
    host = base_url.removeprefix("http://")
    async with websockets.connect(ws_url(base_url), origin="http://evil.example") as ws:  # type: ignore[arg-type]
        assert await next_json(ws) == {"type": "error",
                                       "message": "calls can only be placed from this server's own /phone page"}
    async with websockets.connect(ws_url(base_url), origin=f"http://{host}") as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"type": "call", "caller": "0700000001"}))
        assert (await next_json(ws))["type"] == "connected"
    assert len(calls.calls) == 1


async def test_no_call_request_times_out(base_url: str) -> None:
    async with websockets.connect(ws_url(base_url)) as ws:
        msg = await next_json(ws)
        assert msg == {"type": "error", "message": "no call request within 0.5 s"}


@pytest.mark.parametrize(("bad", "reason"), [
    (b"\x01\x02\x03", "audio message is not whole 16-bit samples"),
    (bytes(1000), "audio message longer than 960 bytes (60 ms at 8 kHz)"),
    (json.dumps({"type": "dtmf", "digit": "A"}), "dtmf digit must be one of 0-9 * #"),
    (json.dumps({"type": "call", "caller": "0700000002"}), "a call is already in progress on this connection"),
])
async def test_bad_message_during_a_call_closes_only_that_call(base_url: str, calls: ScriptedCalls,
                                                               bad: str | bytes, reason: str) -> None:
    async with websockets.connect(ws_url(base_url)) as good, websockets.connect(ws_url(base_url)) as ws:
        await good.send(json.dumps({"type": "call", "caller": "0700000003"}))
        assert (await next_json(good))["type"] == "connected"
        await ws.send(json.dumps({"type": "call", "caller": "0700000001"}))
        assert (await next_json(ws))["type"] == "connected"
        await ws.send(FRAME * b"\x01")
        await ws.send(bad)
        assert await next_json(ws) == {"type": "error", "message": reason}
        assert await next_json(ws) == {"type": "ended", "reason": "protocol_error"}
        bad_call = calls.calls[1]
        await asyncio.wait_for(bad_call.hung_up.wait(), 5)
        assert isinstance(bad_call.frames[0], CallerAudio)  # what came before the bad message was delivered
        assert bad_call.frames[-1] == Hangup(HangupCause.PROTOCOL_ERROR, reason)
        # the other call is untouched: still paced audio, still takes digits
        while not isinstance(await asyncio.wait_for(good.recv(), 2), bytes):
            pass
        await good.send(json.dumps({"type": "dtmf", "digit": "1"}))
        await good.send(json.dumps({"type": "hangup"}))
        assert await next_json(good) == {"type": "ended", "reason": "caller"}
    assert [f.digit for f in calls.calls[0].frames if isinstance(f, Dtmf)] == ["1"]


async def test_browser_vanishing_is_a_caller_hangup(base_url: str, calls: ScriptedCalls) -> None:
    ws = await websockets.connect(ws_url(base_url))
    await ws.send(json.dumps({"type": "call", "caller": "0700000001"}))
    assert (await next_json(ws))["type"] == "connected"
    ws.transport.abort()  # no close handshake, like a closed laptop lid
    await asyncio.wait_for(calls.calls[0].hung_up.wait(), 5)
    assert calls.calls[0].frames[-1].cause is HangupCause.CALLER  # type: ignore[union-attr]


async def test_lines_busy_and_pipeline_failures_are_clear(base_url: str, calls: ScriptedCalls) -> None:
    async with websockets.connect(ws_url(base_url)) as a, websockets.connect(ws_url(base_url)) as b:
        for ws in (a, b):
            await ws.send(json.dumps({"type": "call", "caller": "0700000001"}))
            assert (await next_json(ws))["type"] == "connected"
        async with websockets.connect(ws_url(base_url)) as c:
            await c.send(json.dumps({"type": "call", "caller": "0700000001"}))
            assert await next_json(c) == {"type": "error",
                                          "message": "all 2 softphone lines are busy: try again in a minute"}
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(c.recv(), 5)
            assert c.close_code == 1013
    calls.fail = TooManyCalls("60 calls already admitted (IVR_CALLS__MAX_CALLS)")
    async with websockets.connect(ws_url(base_url)) as d:
        await d.send(json.dumps({"type": "call", "caller": "0700000001"}))
        assert await next_json(d) == {"type": "error", "message": "all lines are busy: try again in a minute"}
    calls.fail = RuntimeError("registry broke")
    async with websockets.connect(ws_url(base_url)) as d:
        await d.send(json.dumps({"type": "call", "caller": "0700000001"}))
        assert await next_json(d) == {"type": "error", "message": "the server could not start the call"}


async def test_no_pipeline_and_disabled_in_production(tmp_path: Path) -> None:
    from ivr.softphone.router import include_softphone

    settings = make_test_settings(tmp_path)
    app = FastAPI()
    app.include_router(softphone_router(settings))  # nothing on app.state: the pipeline is not running
    async with serving(app) as url, websockets.connect(ws_url(url)) as ws:
        await ws.send(json.dumps({"type": "call", "caller": "0700000001"}))
        assert await next_json(ws) == {"type": "error", "message": "the call pipeline is not running on this server"}
    prod = settings.model_copy(update={"env": "production"})
    enabled = prod.model_copy(update={"softphone": prod.softphone.model_copy(update={"enabled": True})})
    for cfg, status in ((prod, 404), (enabled, 200), (settings, 200)):
        app = FastAPI()
        include_softphone(app, cfg)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as http:
            assert (await http.get("/phone")).status_code == status


async def test_a_rebinding_name_can_neither_place_calls_nor_read_the_page(base_url: str, calls: ScriptedCalls) -> None:
    """DNS rebinding: a page on evil.example whose name now resolves to this server is same-origin with itself, so
    the Origin check passes; only the Host allow-list (loopback + IVR_SOFTPHONE__ALLOWED_HOSTS) stops it."""
    port = int(base_url.rsplit(":", 1)[1])
    evil = f"rebind.evil.example:{port}"
    async with websockets.connect(f"ws://{evil}/phone/ws", host="127.0.0.1", port=port,
                                  origin=f"http://{evil}") as ws:  # type: ignore[arg-type]
        msg = await next_json(ws)
        assert msg["type"] == "error" and "IVR_SOFTPHONE__ALLOWED_HOSTS" in str(msg["message"])
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        assert ws.close_code == 1008
    async with httpx.AsyncClient(base_url=base_url) as http:
        for path in ("/phone", "/phone/callers", "/phone/static/phone.js"):
            r = await http.get(path, headers={"Host": evil})
            assert r.status_code == 403 and "IVR_SOFTPHONE__ALLOWED_HOSTS" in r.text, path
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
            assert (await http.get("/phone/callers", headers={"Host": host})).status_code == 200, host
    assert calls.calls == []


async def test_configured_public_names_are_allowed(tmp_path: Path, calls: ScriptedCalls) -> None:
    settings = make_test_settings(tmp_path, softphone={"allowed_hosts": ["ivr.example.org"]})
    app = FastAPI()
    app.include_router(softphone_router(settings, get_calls=lambda _app: calls))
    async with serving(app) as url:
        port = int(url.rsplit(":", 1)[1])
        name = f"ivr.example.org:{port}"
        async with websockets.connect(f"ws://{name}/phone/ws", host="127.0.0.1", port=port,
                                      origin=f"http://{name}") as ws:  # type: ignore[arg-type]
            await ws.send(json.dumps({"type": "call", "caller": "0700000001"}))
            assert (await next_json(ws))["type"] == "connected"
        async with httpx.AsyncClient(base_url=url) as http:
            assert (await http.get("/phone", headers={"Host": "IVR.example.org"})).status_code == 200
            assert (await http.get("/phone", headers={"Host": "other.example.org"})).status_code == 403
