"""The running IVR's per-process resources, as the app's lifespan builds them (app.state.runtime; see ivr.deps)."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from sqlalchemy.orm import Session, sessionmaker

from ivr.audiosocket.server import AudioSocketServer
from ivr.callbacks.scheduler import CallbackScheduler
from ivr.calls.engines import AsrEngines
from ivr.calls.registry import CallRegistry
from ivr.reminders.calls import ReminderCalls
from ivr.settings import Settings
from ledger_client.services import LedgerServices
from speech.tts.speaker import Speaker


@dataclass
class Runtime:
    """Everything the running IVR holds; `app.state.runtime` (see ivr.deps)."""

    settings: Settings
    http: httpx.AsyncClient
    ledger: LedgerServices
    speaker: Speaker
    asr: AsrEngines
    registry: CallRegistry
    audiosocket: AudioSocketServer
    notes: list[str] = field(default_factory=list)
    sessions: sessionmaker[Session] | None = None  # the IVR database (one engine per process)
    reminder_calls: ReminderCalls | None = None  # AudioSocket admission: reminder UUIDs first, then the registry
    callbacks: CallbackScheduler | None = None  # missed-call callbacks (None while IVR_CALLBACKS__ENABLED is off)
