"""Request bodies are limited before they are read (issue 14: four 128 MB bodies took the IVR to 1 GB): a huge body
gets a 413 naming the limit, and the server never buffers it — memory stays flat."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

import ivr.deps
from ivr.app import create_app
from ivr.calls.config import CallSettings
from ivr.calls.registry import CallRegistry
from ivr.calls.session import CallSession
from tests.fixtures.settings import TEST_REGISTER_TOKEN, make_test_settings
from tests.softphone.serve import serving

HUGE = 32 * 1024 * 1024
CHUNK = 64 * 1024


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    """The real app (create_app, so the real middleware stack) with a call registry standing in for the lifespan."""
    monkeypatch.setattr(ivr.deps, "Runtime", object)
    app = create_app(make_test_settings(tmp_path))

    class Runtime:
        registry = CallRegistry(CallSettings(), lambda info, on_end: CallSession.__new__(CallSession))

    app.state.runtime = Runtime()
    return app


async def _chunks(total: int) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        yield b"c" * CHUNK
        sent += CHUNK


def test_a_huge_streamed_body_is_refused_without_being_buffered(app: object) -> None:
    async def post() -> tuple[httpx.Response, int]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            tracemalloc.start()
            tracemalloc.reset_peak()
            try:
                r = await http.post("/asterisk/calls", content=_chunks(HUGE),
                                    headers={"X-IVR-Token": TEST_REGISTER_TOKEN})
                return r, tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

    r, peak = asyncio.run(post())
    assert peak < 8 * 1024 * 1024, f"{peak / 2**20:.1f} MiB traced while refusing a {HUGE / 2**20:.0f} MiB body"
    assert r.status_code == 413 and "over 2048 bytes" in r.text


def test_a_declared_huge_body_is_refused_before_it_is_sent(app: object) -> None:
    """On the real server: Content-Length says 128 MB; the answer comes after the headers, nothing more is read."""

    async def run() -> bytes:
        async with serving(app) as url:  # type: ignore[arg-type]
            port = int(url.rsplit(":", 1)[1])
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /admin/reminders/pause HTTP/1.1\r\nHost: localhost\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 134217728\r\n\r\n" + b"{" * 1000)
            await writer.drain()
            head = await asyncio.wait_for(reader.read(4096), 10)
            writer.close()
            return head

    head = asyncio.run(run())
    assert head.startswith(b"HTTP/1.1 413"), head[:200]
    assert b"IVR_HTTP__MAX_BODY_BYTES" in head


def test_small_bodies_still_work(app: object) -> None:
    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            return await http.post("/asterisk/calls", content=b"caller=%2B254700000001&dialled=100",
                                   headers={"X-IVR-Token": TEST_REGISTER_TOKEN})

    r = asyncio.run(post())
    assert r.status_code == 200 and len(r.text) == 36


def test_the_registration_endpoint_has_its_own_small_limit(app: object) -> None:
    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            return await http.post("/asterisk/calls", content=b"caller=" + b"9" * 5000,
                                   headers={"X-IVR-Token": TEST_REGISTER_TOKEN})

    r = asyncio.run(post())
    assert r.status_code == 413 and "refused" in r.text  # never a UUID: the dialplan plays ss-noservice

