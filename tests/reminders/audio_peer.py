"""The AMI peer plus what Asterisk does next for an answered reminder call: AudioSocket() to the IVR with the UUID
from IVR_CALL_UUID, then (when the bot sends 0x00 or the member hangs up) the channel's Hangup event."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tests.peers.ami_peer import AmiPeer
from tests.peers.asterisk_audiosocket import FakeAsteriskCall

Answer = Callable[[FakeAsteriskCall, str], Awaitable[None]]  # (the call, the dialled channel)


@dataclass
class AudioAmiPeer(AmiPeer):
    audiosocket: tuple[str, int] = ("127.0.0.1", 0)
    answer: Answer | None = None  # what the member does on the line
    calls: list[FakeAsteriskCall] = field(default_factory=list)

    async def _originate(self, msg: dict[str, list[str]], action_id: str) -> None:
        await super()._originate(msg, action_id)
        target = msg.get("channel", [""])[0]
        live = [ch for name, ch in self.channels.items() if name.startswith(target.split("@")[0] + "-")]
        if not live:
            return  # busy / no answer / failed: no media
        ch = live[-1]
        variables = dict(v.split("=", 1) for v in msg.get("variable", []))
        call = FakeAsteriskCall(*self.audiosocket, call_id=uuid.UUID(variables["IVR_CALL_UUID"]))
        self.calls.append(call)
        await call.connect()
        try:
            if self.answer is not None:
                await self.answer(call, target)
            await call.wait_ended(timeout=120)
        finally:
            await call.close()
            self.channels.pop(ch.name, None)
            await self._hangup(ch, 16, "Normal Clearing")  # the dialplan's Hangup() after AudioSocket() returns
            await asyncio.sleep(0)
