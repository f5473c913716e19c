"""Outbound pacing measured at an Asterisk-like peer: 20 ms frames on a clock, silence when idle, flush, stalls."""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time

import pytest

from ivr.audiosocket.transport import AudioTransport, Playback
from tests.peers.asterisk_audiosocket import FakeAsteriskCall
from tests.telephony.helpers import Registry, running_server
from tests.telephony.test_audiosocket_server import HOST, tone

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def gaps_ms(times: list[float]) -> list[float]:
    return [(b - a) * 1000 for a, b in itertools.pairwise(times)]


async def test_frames_are_paced_at_20ms_without_drift_and_silence_keeps_the_call_alive() -> None:
    reg = Registry()
    playbacks: list[Playback] = []

    async def speak(transport: AudioTransport) -> None:
        playbacks.append(transport.play(tone(1000)))

    call_id, handler = reg.register(on_start=speak)
    async with running_server(reg) as server:
        peer = await FakeAsteriskCall(HOST, server.port, call_id).connect()
        # 1 s of prompt, then 3 s in which the bot plays nothing and the caller sends nothing at all
        assert await playbacks_done(playbacks) is True
        await asyncio.sleep(3.0)
        assert peer.ended_by is None, "Asterisk's 2 s inactivity timeout fired"
        await peer.hang_up()
        await asyncio.wait_for(handler.ended.wait(), 3)
        await peer.close()
        assert handler.transport is not None
        metrics = handler.transport.metrics
    arrivals = peer.audio_arrivals()
    g = gaps_ms(arrivals)
    # Other work on this 2-core machine can deschedule the loop now and then; what Asterisk needs is that no gap
    # comes near its 2 s inactivity timeout and that the stream is 20 ms frames, not bursts.
    assert max(g) < 500, f"a {max(g):.0f} ms gap in outbound audio"
    assert statistics.median(g) == pytest.approx(20, abs=2)
    assert sum(1 for x in g if 10 <= x <= 30) >= 0.5 * len(g)  # loose: peer-side timing shares the CPU
    # no drift: frame n goes out at start + n * 20 ms, except slots dropped (not burst) after a stall
    n = len(arrivals) - 1 + metrics.skipped_slots
    assert abs((arrivals[-1] - arrivals[0]) - n * 0.020) < 0.100  # 1 ms/frame of drift would be 200 ms
    # no burst: back-to-back frames are rare (a late read of the peer can still show two at once)
    assert sum(1 for x in g if x < 2) < 0.15 * len(g)
    # the prompt went out whole and in order, then silence
    audio = peer.audio_bytes()
    start = audio.index(tone(1000)[:320])
    assert audio[start : start + 16000] == tone(1000)
    assert set(audio[start + 16000 :]) <= {0}
    assert metrics.audio_frames == 50 and metrics.silence_frames >= 140
    assert metrics.late_frames <= metrics.frames_sent * 0.02


async def playbacks_done(playbacks: list[Playback]) -> bool:
    while not playbacks:
        await asyncio.sleep(0.01)
    return await asyncio.wait_for(playbacks[0].wait(), 5)


async def test_flush_stops_playback_within_a_frame_and_drops_the_queue() -> None:
    reg = Registry()
    playbacks: list[Playback] = []

    async def speak(transport: AudioTransport) -> None:
        playbacks.append(transport.play(tone(2000)))
        playbacks.append(transport.play(tone(500)))

    call_id, handler = reg.register(on_start=speak)
    async with running_server(reg) as server:
        peer = await FakeAsteriskCall(HOST, server.port, call_id).connect()
        await asyncio.sleep(0.3)
        assert handler.transport is not None
        flushed_at = time.monotonic()
        dropped = handler.transport.flush()
        assert 100 < dropped < 120  # 125 frames queued (2.5 s) minus ~15 played in 0.3 s
        assert await playbacks[0].wait() is False and await playbacks[1].wait() is False
        await asyncio.sleep(0.3)
        await peer.hang_up()
        await asyncio.wait_for(handler.ended.wait(), 3)
        await peer.close()
    voiced_at = [i for i, r in enumerate(peer.received) if set(r.payload) != {0}]
    voiced = [peer.received[i] for i in voiced_at]
    # one contiguous run of prompt audio, silence after it: nothing queued leaked out after the flush
    assert voiced_at == list(range(voiced_at[0], voiced_at[0] + len(voiced_at)))
    assert len(peer.received) > voiced_at[-1] + 10
    assert voiced[-1].at < flushed_at + 0.1
    assert len(voiced) == handler.transport.metrics.audio_frames == 125 - dropped  # every voiced frame arrived
    assert handler.transport.metrics.flushed_frames == dropped


async def test_a_stalled_loop_is_counted_late_and_never_bursts() -> None:
    reg = Registry()
    call_id, handler = reg.register()
    async with running_server(reg) as server:
        peer = await FakeAsteriskCall(HOST, server.port, call_id).connect()
        await asyncio.sleep(0.2)
        time.sleep(0.25)  # block the event loop, as a heavy synchronous call on it would
        await asyncio.sleep(0.5)
        await peer.hang_up()
        await asyncio.wait_for(handler.ended.wait(), 3)
        await peer.close()
    assert handler.transport is not None
    m = handler.transport.metrics
    assert m.late_frames >= 1 and m.max_late_ms > 200
    assert m.skipped_slots >= 10  # the ~12 missed slots were dropped, not sent in a burst
    times = peer.audio_arrivals()
    stall = max(range(1, len(times)), key=lambda i: times[i] - times[i - 1])
    following = times[stall : stall + 5]
    assert following[-1] - following[0] > 0.04, "frames after the stall arrived in a burst"


async def test_play_pads_the_tail_to_a_whole_frame_and_validates() -> None:
    reg = Registry()
    results: list[Playback] = []

    async def speak(transport: AudioTransport) -> None:
        with pytest.raises(ValueError):
            transport.play(b"\x01")
        results.append(transport.play(b"\x01\x02" * 170))  # 340 bytes → 2 frames

    call_id, handler = reg.register(on_start=speak)
    async with running_server(reg) as server:
        peer = await FakeAsteriskCall(HOST, server.port, call_id).connect()
        assert await playbacks_done(results) is True
        assert results[0].frames == 2
        await peer.hang_up()
        await asyncio.wait_for(handler.ended.wait(), 3)
        await peer.close()
    audio = peer.audio_bytes()
    i = audio.index(b"\x01\x02")
    assert audio[i : i + 640] == b"\x01\x02" * 170 + bytes(300)
