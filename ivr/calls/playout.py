"""What the bot is saying right now: the queue of prompts handed to the media port and whether it may be cut."""

from __future__ import annotations

import asyncio
import collections
import time
from dataclasses import dataclass

from ivr.calls.media import MediaPort, PlaybackHandle

FRAME_S = 0.020


@dataclass
class _Item:
    handle: PlaybackHandle
    interruptible: bool


class Playout:
    """Queues prompt audio on the media port; answers "is an interruptible prompt playing?" and "since when idle?"."""

    def __init__(self, media: MediaPort) -> None:
        self.media = media
        self._items: collections.deque[_Item] = collections.deque()
        self._idle_since: float | None = time.monotonic()
        self.barge_ins = 0

    def play(self, pcm: bytes, *, interruptible: bool) -> float:
        """Queue audio; returns the monotonic time its first frame is due on the wire (within one 20 ms slot)."""
        ahead = self.media.queued_frames
        handle = self.media.send_audio(pcm)
        self._items.append(_Item(handle, interruptible))
        self._idle_since = None
        return time.monotonic() + ahead * FRAME_S

    def _settle(self) -> None:
        while self._items and self._items[0].handle.done:
            self._items.popleft()
        if not self._items and self._idle_since is None:
            self._idle_since = time.monotonic()

    @property
    def playing(self) -> bool:
        self._settle()
        return bool(self._items)

    @property
    def interruptible_now(self) -> bool:
        """True while the prompt on the wire may be cut by the caller."""
        self._settle()
        return bool(self._items) and self._items[0].interruptible

    @property
    def idle_since(self) -> float | None:
        """When the last prompt finished (None while one is playing): the no-input timer starts here."""
        self._settle()
        return self._idle_since

    def barge_in(self) -> int:
        """Stop the interruptible prompt now and drop everything queued; returns frames dropped."""
        dropped = self.media.flush()
        self._items.clear()
        self._idle_since = time.monotonic()
        self.barge_ins += 1
        return dropped

    async def drain(self, timeout_s: float, stop: asyncio.Event | None = None) -> None:
        """Wait until everything queued has been played (or `stop` is set, or the timeout passes)."""
        waits = [asyncio.ensure_future(item.handle.wait()) for item in self._items]
        if not waits:
            return
        everything = asyncio.ensure_future(asyncio.gather(*waits))
        stopper = asyncio.ensure_future(stop.wait()) if stop is not None else None
        try:
            await asyncio.wait([f for f in (everything, stopper) if f is not None], timeout=timeout_s,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            for f in (everything, stopper, *waits):
                if f is not None and not f.done():
                    f.cancel()
            await asyncio.gather(everything, *(s for s in (stopper,) if s), return_exceptions=True)
        self._settle()
