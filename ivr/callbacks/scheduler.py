"""A drop reported by the dialplan → who rang (the ledger, by caller ID) → one stored decision (CallbackStore).

Drops are handled one at a time in this process (a lock), so ten drops in the same second still make one callback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from dialogs.ports import LedgerPort
from ivr.callbacks.config import CallbackSettings
from ivr.callbacks.dialer import CallbackDialer
from ivr.callbacks.store import CallbackStore, Caller
from ledger_client.errors import LedgerError

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class CallbackScheduler:
    def __init__(self, *, store: CallbackStore, ledger: LedgerPort, settings: CallbackSettings,
                 clock: Clock) -> None:
        self._store = store
        self._ledger = ledger
        self._s = settings
        self._clock = clock
        self._lock = asyncio.Lock()
        self.dialer: CallbackDialer | None = None  # set by callbacks_service when AMI is on

    async def caller(self, phone: str) -> Caller:
        """The member behind a number (first membership: one person, one phone), or an unknown caller."""
        try:
            found = (await self._ledger.memberships(phone)).value.memberships
            if not found:
                return Caller("unknown", self._s.default_timezone)
            m = found[0]
            tz = (await self._ledger.group(m.group_id)).value.timezone
            return Caller("member", tz, m.member_id, m.group_id)
        except LedgerError:
            # The ledger is down and nothing is cached: call back anyway; the dialog identifies the caller again
            # (and says the records cannot be reached if they still cannot).
            return Caller("member", self._s.default_timezone)

    async def missed(self, phone: str) -> str:
        async with self._lock:
            caller = await self.caller(phone)
            disposition = await self._store.note_missed(phone, caller, self._clock())
        log.info("missed call (%s): %s", caller.kind, disposition)
        return disposition
