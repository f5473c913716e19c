"""Admits answered reminder calls into the live call pipeline: AudioSocket UUID → CallSession with a ReminderDialog.

The runner (in the IVR process or in `ivr reminders run`) stores each call's UUID in the database before it sends
AMI Originate (IVR_CALL_UUID); when the answered channel reaches AudioSocket(), the server asks this registry. The
database is asked first (one indexed lookup): the UUID of a reminder attempt in progress (not ended, placed within
reminders.call_expiry_s, not admitted before) gets a CallSession whose dialog is the ReminderDialog; any other UUID
goes to the pipeline's own CallRegistry (inbound calls registered over HTTP). Because the lookup is in the
database, the runner may live in another process than the AudioSocket server.

Wiring in the app (ivr/app.py, run_ivr):
    server = AudioSocketServer(settings.audiosocket, ReminderCalls(inner=registry, deps=deps, sessions=sessions,
                                                                  nlu=nlu, settings=settings))
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dialogs.ports import NluPort
from dialogs.reminder_call import ReminderDialog
from dialogs.store import SqlStore
from ivr.audiosocket.server import CallHandler, CallRegistry
from ivr.calls.session import CallInfo, CallSession, SessionDeps
from ivr.reminders.store import ReminderStore
from ivr.settings import Settings
from models.base import utcnow
from models.calls import Call
from models.reminders import ACTIVE_STATUSES, Reminder, ReminderAttempt

log = logging.getLogger(__name__)


class ReminderCalls:
    """An AudioSocket CallRegistry: reminder UUIDs first (from the database), everything else to `inner`."""

    def __init__(self, *, inner: CallRegistry, deps: SessionDeps, sessions: sessionmaker[Session], nlu: NluPort,
                 settings: Settings, clock: Callable[[], datetime] = utcnow) -> None:
        self._inner = inner
        self._deps = deps
        self._store = ReminderStore(sessions, settings.reminders)
        self._sql = SqlStore(sessions)
        self._sessions = sessions
        self._nlu = nlu
        self._settings = settings
        self._clock = clock
        self._admitted: set[uuid.UUID] = set()
        self.sessions: dict[uuid.UUID, CallSession] = {}

    async def accept(self, call_id: uuid.UUID) -> CallHandler | None:
        phone = await asyncio.to_thread(self._live_attempt, call_id)  # one indexed lookup
        if phone is None:
            inner = self._inner.accept(call_id)
            return await inner if isinstance(inner, Awaitable) else inner
        if call_id in self._admitted:
            log.warning("AudioSocket for reminder call %s refused: already connected once", call_id)
            return None
        self._admitted.add(call_id)
        brief = await self._store.brief(call_id)
        dialog = ReminderDialog(brief=brief, reminders=self._store, store=self._sql, nlu=self._nlu, clock=self._clock,
                                settings=self._settings.dialogs)
        deps = dataclasses.replace(self._deps, new_dialog=lambda _cid: dialog)  # type: ignore[arg-type,return-value]
        session = CallSession(CallInfo(call_id, caller=phone, direction="out"), deps, on_end=self._ended)
        self.sessions[call_id] = session
        log.info("reminder call %s admitted (%s)", call_id, brief.rule)
        return session

    def _ended(self, session: CallSession) -> None:
        self.sessions.pop(session.info.call_id, None)
        log.info("reminder call %s ended (%s)", session.info.call_id, session.outcome)

    def _live_attempt(self, call_id: uuid.UUID) -> str | None:
        """The member's phone when `call_id` is a reminder call still in progress, else None."""
        oldest = self._clock() - timedelta(seconds=self._settings.reminders.call_expiry_s)
        with self._sessions() as s:
            row = s.execute(select(ReminderAttempt, Reminder).join(Reminder).where(
                ReminderAttempt.call_id == call_id)).first()
            if row is None:
                return None
            attempt, reminder = row
            if attempt.ended_at is not None or attempt.started_at < oldest or reminder.status not in ACTIVE_STATUSES:
                log.warning("AudioSocket for reminder call %s refused: not in progress", call_id)
                return None
            call = s.get(Call, call_id)
            return call.caller_phone if call is not None and call.caller_phone else ""

    async def stop(self) -> None:
        await asyncio.gather(*(s.cancel() for s in list(self.sessions.values())), return_exceptions=True)
        self.sessions.clear()
