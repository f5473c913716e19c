"""The loop-lag watch sees a stall injected into the loop (a blocking call in a task) and nothing when all is well."""

from __future__ import annotations

import asyncio
import time

from ivr.ops.loopwatch import LoopWatch, cause_of


async def test_a_blocking_call_on_the_loop_shows_as_a_stall() -> None:
    async with LoopWatch(interval_ms=20, stall_ms=100) as watch:
        await asyncio.sleep(0.2)
        assert watch.stats.samples >= 3 and watch.stats.stalls == 0  # an idle loop wakes on time

        async def blocker() -> None:
            time.sleep(0.3)  # what an inline SQL query or model call does to every call on this loop

        await asyncio.create_task(blocker())
        await asyncio.sleep(0.1)  # the watch wakes (late) and records it
        st = watch.stats
        assert st.stalls == 1 and st.causes["waited"] == 1  # a blocking wait on the loop (no CPU used)
        assert st.worst_s >= 0.25 and st.recent_max(time.monotonic()) >= 0.25
        assert st.buckets[-1] == st.samples  # every lag so far is under 2 s
        assert st.buckets[0] < st.samples  # ... and one of them was over 1 ms


async def test_code_running_on_the_loop_is_told_from_a_blocking_wait() -> None:
    async with LoopWatch(interval_ms=20, stall_ms=100) as watch:
        await asyncio.sleep(0.05)

        async def spin() -> None:
            end = time.monotonic() + 0.3
            while time.monotonic() < end:  # CPU-bound work inline (a model call, a big JSON dump)
                pass

        await asyncio.create_task(spin())
        await asyncio.sleep(0.1)
        st = watch.stats
        assert st.stalls == 1
        # on a loaded machine the spinning thread also waits for a core: either way it is not a blocking wait
        assert st.causes["cpu"] + st.causes["no_cpu"] == 1 and st.causes["waited"] == 0


def test_causes_follow_where_the_time_went() -> None:
    assert cause_of(0.3, cpu=0.28, no_cpu=0.0) == "cpu"
    assert cause_of(0.3, cpu=0.05, no_cpu=0.2) == "no_cpu"
    assert cause_of(0.3, cpu=0.01, no_cpu=0.01) == "waited"
