"""AudioSocket server against a peer that behaves like Asterisk: admission, typed frames, hang-up paths, isolation."""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest

from ivr.audiosocket.codec import encode_audio, encode_dtmf, encode_uuid
from ivr.audiosocket.transport import AudioTransport
from ivr.frames import Hangup, HangupCause
from tests.peers.asterisk_audiosocket import FakeAsteriskCall
from tests.telephony.helpers import RecordingHandler, Registry, running_server

pytestmark = pytest.mark.integration

HOST = "127.0.0.1"


def tone(ms: int, level: int = 1000) -> bytes:
    """Non-silent slin (a square wave) so received audio is distinguishable from silence frames."""
    n = 8 * ms
    return b"".join((level if (i // 8) % 2 else -level).to_bytes(2, "little", signed=True) for i in range(n))


async def test_a_call_delivers_typed_frames_then_one_hangup() -> None:
    reg = Registry()
    call_id, handler = reg.register()
    async with running_server(reg) as server:
        peer = await FakeAsteriskCall(HOST, server.port, call_id).connect()
        caller = tone(500)
        await peer.send_audio(caller)
        await peer.press("12#")
        await peer.hang_up()
        await asyncio.wait_for(handler.ended.wait(), 5)
        await peer.close()
    assert handler.call_id == call_id
    assert b"".join(f.pcm for f in handler.audio) == caller
    assert all(len(f.pcm) == 320 and f.sample_rate == 8000 for f in handler.audio)
    arrivals = [f.arrived for f in handler.audio]
    assert arrivals == sorted(arrivals) and 0.4 < arrivals[-1] - arrivals[0] < 0.7  # paced in real time
    assert handler.digits == "12#"
    assert handler.hangup.cause is HangupCause.CALLER
    assert sum(isinstance(f, Hangup) for f in handler.frames) == 1


async def test_unknown_uuid_is_refused_and_logged_without_pii(caplog: pytest.LogCaptureFixture) -> None:
    reg = Registry()
    stranger = uuid.uuid4()
    caplog.set_level(logging.INFO, logger="ivr.audiosocket")
    async with running_server(reg) as server:
        peer = await FakeAsteriskCall(HOST, server.port, stranger).connect()
        assert await peer.wait_ended(3) == "server_closed"
        await peer.close()
        assert server.refused == 1
    assert any("unknown call" in r.getMessage() and str(stranger) in r.getMessage() for r in caplog.records)


async def test_first_frame_must_be_the_uuid() -> None:
    reg = Registry()
    async with running_server(reg) as server:
        peer = await FakeAsteriskCall(HOST, server.port).connect(send_uuid=False)
        await peer.send_raw(encode_audio(bytes(320)))
        assert await peer.wait_ended(3) == "server_closed"
        await peer.close()
        assert server.protocol_errors == 1


async def test_silent_peer_without_uuid_is_dropped_after_timeout() -> None:
    reg = Registry()
    async with running_server(reg, uuid_timeout_s=0.3) as server:
        peer = await FakeAsteriskCall(HOST, server.port).connect(send_uuid=False)
        assert await peer.wait_ended(3) == "server_closed"
        await peer.close()
        assert server.refused == 1


async def _bad_connection(port: int, reg: Registry, payload: bytes, close_after: bool = False) -> str | None:
    call_id, _ = reg.register()
    peer = await FakeAsteriskCall(HOST, port, call_id).connect()
    await peer.send_audio(tone(60), realtime=False)
    await peer.send_raw(payload)
    if close_after:
        await peer.hang_up()
    ended = await peer.wait_ended(3)
    await peer.close()
    return ended


async def test_bad_frames_close_only_their_own_connection_while_a_good_call_completes() -> None:
    reg = Registry()
    good_id, good = reg.register()
    async with running_server(reg) as server:
        good_peer = await FakeAsteriskCall(HOST, server.port, good_id).connect()
        caller = tone(1500)
        good_call = asyncio.create_task(good_peer.send_audio(caller))
        bad = {
            "oversize": _bad_connection(server.port, reg, b"\x10\x10\x00" + bytes(4096)),
            "unknown_kind": _bad_connection(server.port, reg, b"\x42\x00\x02ab"),
            "garbage": _bad_connection(server.port, reg, bytes.fromhex("deadbeef") * 64),
            "bad_dtmf": _bad_connection(server.port, reg, b"\x03\x00\x02" + b"12"),
            "second_uuid": _bad_connection(server.port, reg, encode_uuid(uuid.uuid4())),
            "truncated": _bad_connection(server.port, reg, encode_audio(bytes(320))[:50], close_after=True),
        }
        results = dict(zip(bad, await asyncio.gather(*bad.values()), strict=True))
        stranger = await FakeAsteriskCall(HOST, server.port, uuid.uuid4()).connect()
        assert await stranger.wait_ended(3) == "server_closed"
        await stranger.close()
        await good_call
        await good_peer.press("7")
        assert good_peer.ended_by is None  # still up after all the bad neighbours
        await good_peer.hang_up()
        await asyncio.wait_for(good.ended.wait(), 5)
        await good_peer.close()
        assert server.protocol_errors == 6
    for name, ended in results.items():
        assert ended in {"server_closed", "caller"}, name
    assert results["oversize"] == "server_closed"
    bad_handlers = [h for cid, h in reg.handlers.items() if cid != good_id]
    assert all(h.hangup.cause is HangupCause.PROTOCOL_ERROR for h in bad_handlers)
    assert b"".join(f.pcm for f in good.audio) == caller
    assert good.digits == "7"
    assert good.hangup.cause is HangupCause.CALLER


async def test_handler_failure_ends_only_that_call() -> None:
    reg = Registry()
    bad_id, bad = reg.register(fail_on_frame=True)
    good_id, good = reg.register()
    async with running_server(reg) as server:
        bad_peer = await FakeAsteriskCall(HOST, server.port, bad_id).connect()
        good_peer = await FakeAsteriskCall(HOST, server.port, good_id).connect()
        await bad_peer.send_raw(encode_dtmf("1"))
        assert await bad_peer.wait_ended(3) == "server_closed"
        await good_peer.send_audio(tone(200))
        await good_peer.hang_up()
        await asyncio.wait_for(good.ended.wait(), 5)
        await bad_peer.close()
        await good_peer.close()
    assert bad.hangup.cause is HangupCause.INTERNAL_ERROR
    assert len(good.audio) == 10 and good.hangup.cause is HangupCause.CALLER


async def test_bot_hangup_sends_0x00_and_reports_bot_cause() -> None:
    reg = Registry()

    async def say_and_hang_up(transport: AudioTransport) -> None:
        async def later() -> None:
            await transport.play(tone(100)).wait()
            await transport.hangup()

        asyncio.get_running_loop().create_task(later())

    call_id, handler = reg.register(on_start=say_and_hang_up)
    async with running_server(reg) as server:
        peer = await FakeAsteriskCall(HOST, server.port, call_id).connect()
        assert await peer.wait_ended(3) == "server_hangup"
        await asyncio.wait_for(handler.ended.wait(), 3)
        await peer.close()
    assert handler.hangup.cause is HangupCause.BOT
    # silence flows from the moment media is up, then the prompt, then 0x00
    assert peer.audio_bytes().lstrip(b"\x00").startswith(tone(100))


async def test_server_stop_hangs_up_live_calls() -> None:
    reg = Registry()
    call_id, handler = reg.register()
    async with running_server(reg) as server:
        peer = await FakeAsteriskCall(HOST, server.port, call_id).connect()
        await asyncio.sleep(0.1)
        assert server.active_calls == 1
    assert await peer.wait_ended(3) == "server_hangup"
    await peer.close()
    assert handler.hangup.cause is HangupCause.SHUTDOWN


async def test_peer_error_frame_ends_the_call() -> None:
    reg = Registry()
    call_id, handler = reg.register()
    async with running_server(reg) as server:
        peer = await FakeAsteriskCall(HOST, server.port, call_id).connect()
        await peer.send_raw(b"\xff\x00\x01\x02")
        assert await peer.wait_ended(3) == "server_closed"
        await peer.close()
    assert handler.hangup.cause is HangupCause.PEER_ERROR and "2" in handler.hangup.detail


async def test_a_failing_registry_refuses_only_that_connection() -> None:
    class Flaky(Registry):
        def accept(self, call_id: uuid.UUID) -> RecordingHandler | None:
            if call_id == broken:
                raise RuntimeError("registry down")
            return super().accept(call_id)

    reg = Flaky()
    broken = uuid.uuid4()
    call_id, handler = reg.register()
    async with running_server(reg) as server:
        bad = await FakeAsteriskCall(HOST, server.port, broken).connect()
        assert await bad.wait_ended(3) == "server_closed"
        await bad.close()
        good = await FakeAsteriskCall(HOST, server.port, call_id).connect()
        await good.press("9", hold_s=0, gap_s=0)
        await good.hang_up()
        await asyncio.wait_for(handler.ended.wait(), 3)
        await good.close()
        assert server.refused == 1
    assert handler.digits == "9"
