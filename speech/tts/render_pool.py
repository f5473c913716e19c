"""Where neural TTS renders run: a few threads at a lower CPU priority than the event loop, so a burst of renders
(a district's members greeted by name at once) makes answers come later, never the audio clock stall.

Rendering is CPU-bound native code (onnxruntime releases the GIL); on a 2-core host a render on each core starves
the loop thread that paces every call's 20 ms frames. Render threads are few (``IVR_SPEECH__TTS__RENDER_THREADS``)
and niced (``IVR_SPEECH__TTS__RENDER_NICE``, Linux: per-thread priority), so the kernel runs the loop first.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_threads, _nice = 2, 5


def configure(threads: int, nice: int) -> None:
    """Size and priority of the pool (before its first render; a running pool is replaced for the next ones)."""
    global _threads, _nice, _pool
    with _lock:
        if (threads, nice) == (_threads, _nice):
            return
        _threads, _nice = threads, nice
        old, _pool = _pool, None
    if old is not None:
        old.shutdown(wait=False)


def _lower_priority(nice: int) -> None:
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    try:  # on Linux PRIO_PROCESS with a thread id sets that thread's nice value only
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except OSError as exc:  # not fatal: renders still run, at the loop's priority
        log.warning("TTS render thread: could not lower its CPU priority (%s)", exc)


def pool() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(_threads, thread_name_prefix="tts-render", initializer=_lower_priority,
                                       initargs=(_nice,))
        return _pool


async def run(fn: Callable[..., T], *args: object) -> T:
    """`fn(*args)` on a render thread; the caller's task waits without blocking the loop."""
    return await asyncio.get_running_loop().run_in_executor(pool(), fn, *args)
