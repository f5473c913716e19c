"""The loop-lag watch sees a stall injected into the loop (a blocking call in a task) and nothing when all is well."""

from __future__ import annotations

import asyncio
import time

from ivr.ops.loopwatch import LoopWatch


async def test_a_blocking_call_on_the_loop_shows_as_a_stall() -> None:
    async with LoopWatch(interval_ms=20, stall_ms=100) as watch:
        await asyncio.sleep(0.2)
        assert watch.stats.samples >= 3 and watch.stats.stalls == 0  # an idle loop wakes on time

        async def blocker() -> None:
            time.sleep(0.3)  # what an inline SQL query or model call does to every call on this loop

        await asyncio.create_task(blocker())
        await asyncio.sleep(0.1)  # the watch wakes (late) and records it
        st = watch.stats
        assert st.stalls == 1
        assert st.worst_s >= 0.25 and st.recent_max(time.monotonic()) >= 0.25
        assert st.buckets[-1] == st.samples  # every lag so far is under 2 s
        assert st.buckets[0] < st.samples  # ... and one of them was over 1 ms
