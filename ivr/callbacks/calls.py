"""Admits answered callback calls into the live pipeline: AudioSocket UUID → CallSession with the member dialog.

The dialer stores each attempt's UUID before it sends Originate (IVR_CALL_UUID). When the answered channel reaches
AudioSocket(), this registry asks the database (one indexed lookup); a callback attempt in progress, never
connected before, gets a CallSession whose dialog is the normal member dialog (identity first, the PIN before any
figure) with direction "out" and purpose "callback" — or, for a number in no group, the one-message
UnknownCallbackDialog. Any other UUID goes on to `inner` (ReminderCalls → the HTTP call registry).

Wiring in the app (ivr/app.py, run_ivr): ReminderCalls(inner=CallbackCalls(inner=registry, ...), ...).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from dialogs.callback_unknown import UnknownCallbackDialog
from dialogs.store import SqlStore
from ivr.audiosocket.server import CallHandler, CallRegistry
from ivr.callbacks.store import CallbackStore
from ivr.calls.session import CallInfo, CallSession, SessionDeps
from ivr.settings import Settings
from models.base import utcnow

log = logging.getLogger(__name__)


class CallbackCalls:
    def __init__(self, *, inner: CallRegistry, deps: SessionDeps, sessions: sessionmaker[Session], settings: Settings,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self._inner = inner
        self._deps = deps
        self._store = CallbackStore(sessions, settings.callbacks, settings.reminders)
        self._sql = SqlStore(sessions)
        self._lang = settings.dialogs.default_language
        self._clock = clock
        self.sessions: dict[uuid.UUID, CallSession] = {}

    async def accept(self, call_id: uuid.UUID) -> CallHandler | None:
        found = await asyncio.to_thread(self._store.admit, call_id, self._clock())
        if found is None:
            inner = self._inner.accept(call_id)
            return await inner if isinstance(inner, Awaitable) else inner
        phone, kind = found
        deps = self._deps
        if kind == "unknown":
            dialog = UnknownCallbackDialog(call_id=call_id, store=self._sql, clock=self._clock,
                                           lang=self._lang)
            deps = dataclasses.replace(deps, new_dialog=lambda _cid: dialog)  # type: ignore[arg-type,return-value]
        session = CallSession(CallInfo(call_id, caller=phone, direction="out", purpose="callback"), deps,
                              on_end=self._ended)
        self.sessions[call_id] = session
        log.info("callback call %s admitted (%s)", call_id, kind)
        return session

    def _ended(self, session: CallSession) -> None:
        self.sessions.pop(session.info.call_id, None)
        log.info("callback call %s ended (%s)", session.info.call_id, session.outcome)

    async def stop(self) -> None:
        await asyncio.gather(*(s.cancel() for s in list(self.sessions.values())), return_exceptions=True)
        self.sessions.clear()
