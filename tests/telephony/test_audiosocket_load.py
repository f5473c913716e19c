"""Many calls at once and many calls in a row: every frame delivered, nothing leaked, the clock holds."""

from __future__ import annotations

import asyncio
import statistics

import pytest

from ivr.audiosocket.transport import AudioTransport
from tests.peers.asterisk_audiosocket import FakeAsteriskCall
from tests.telephony.helpers import Registry, running_server
from tests.telephony.test_audiosocket_server import HOST, tone

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_hundred_calls_in_a_row_leave_no_task_or_connection_behind() -> None:
    reg = Registry()
    async with running_server(reg) as server:
        baseline = len(asyncio.all_tasks())
        for _ in range(100):
            call_id, handler = reg.register()
            peer = await FakeAsteriskCall(HOST, server.port, call_id).connect()
            await peer.send_audio(tone(40), realtime=False)
            await peer.press("1", hold_s=0, gap_s=0)
            await peer.hang_up()
            await asyncio.wait_for(handler.ended.wait(), 3)
            await peer.close()
        await asyncio.sleep(0.05)
        assert server.active_calls == 0
        assert len(asyncio.all_tasks()) == baseline
    assert all(len(h.audio) == 2 and h.digits == "1" for h in reg.handlers.values())
    assert all(h.transport is not None and h.transport.closed for h in reg.handlers.values())


async def test_thirty_simultaneous_calls_talk_both_ways_in_real_time() -> None:
    reg = Registry()
    n_calls = 30

    async def greet(transport: AudioTransport) -> None:
        transport.play(tone(1000))

    calls = [reg.register(on_start=greet) for _ in range(n_calls)]
    caller_audio = tone(1500)
    async with running_server(reg) as server:
        peers = [await FakeAsteriskCall(HOST, server.port, cid).connect() for cid, _ in calls]
        await asyncio.gather(*(p.send_audio(caller_audio) for p in peers))
        await asyncio.gather(*(p.press("42#", hold_s=0.05, gap_s=0.05) for p in peers))
        for p in peers:
            await p.hang_up()
        await asyncio.gather(*(asyncio.wait_for(h.ended.wait(), 5) for _, h in calls))
        for p in peers:
            await p.close()
    late = [h.transport.metrics.late_frames for _, h in calls if h.transport is not None]
    sent = [h.transport.metrics.frames_sent for _, h in calls if h.transport is not None]
    print(f"\n{n_calls} calls: outbound frames/call median {statistics.median(sent):.0f}, "
          f"late frames total {sum(late)} ({100 * sum(late) / sum(sent):.2f}%)")
    for (_, h), p in zip(calls, peers, strict=True):
        assert p.ended_by == "caller"  # nobody hit the 2 s inactivity timeout or a protocol drop
        assert b"".join(f.pcm for f in h.audio) == caller_audio
        assert h.digits == "42#"
        assert tone(1000) in p.audio_bytes()
    assert sum(late) <= 0.05 * sum(sent)
