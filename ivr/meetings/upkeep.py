"""Keeps meetings recorded by phone up to date in the running app: statuses follow the outbox, recordings get
transcribed in the background where faster-whisper is installed.

- After every outbox drain that sent or parked something, each submitted meeting copies the outbox's verdicts
  (posted / needs a fix) — before this, only reading the meeting through the admin API did it.
- Every `calls.meeting_transcribe_every_s` (0 = off), one `transcribe_pending` pass; without faster-whisper or its
  model the job is off and start-up says so in one line (the fix is in the note).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ivr.calls.engines import AsrEngines
from ivr.meetings.transcribe import transcribe_pending
from ivr.settings import Settings
from ledger_client.drainer import OutboxDrainer
from ledger_client.outbox import DrainReport
from models import meetings as m
from speech.asr.base import AsrEngine, AsrUnavailable
from speech.asr.whisper_engine import WhisperEngine

log = logging.getLogger(__name__)


def sync_submitted(sessions: sessionmaker[Session]) -> int:
    """Copy the outbox's verdicts onto every submitted meeting; returns how many changed status."""
    changed = 0
    with sessions.begin() as s:
        for d in s.scalars(select(m.MeetingDraft).where(m.MeetingDraft.status == m.SUBMITTED)):
            m.apply_outbox_verdicts(s, d)
            changed += d.status != m.SUBMITTED
    return changed


def status_hook(sessions: sessionmaker[Session]) -> Callable[[DrainReport], Awaitable[None]]:
    async def after_drain(_report: DrainReport) -> None:
        changed = await asyncio.to_thread(sync_submitted, sessions)
        if changed:
            log.info("outbox drained: %d meetings changed status", changed)

    return after_drain


async def whisper_for(settings: Settings, asr: AsrEngines) -> AsrEngine:
    """The process's whisper engine (shared with calls when English already uses it), loaded; AsrUnavailable if not."""
    for engine in asr.all():
        if engine.name == "whisper":
            return engine
    engine = WhisperEngine(settings.speech.asr)
    await engine.load()
    return engine


async def _transcribe_forever(settings: Settings, engine: AsrEngine, every_s: float) -> None:
    while True:
        try:
            done = await transcribe_pending(settings, engine)
            if done:
                log.info("transcribed %d meeting recordings", len(done))
        except Exception as exc:  # the job must outlive one bad recording or a database hiccup; it retries
            log.error("meeting transcription pass failed: %s", type(exc).__name__)
        await asyncio.sleep(every_s)


@asynccontextmanager
async def meetings_upkeep(settings: Settings, asr: AsrEngines, *, sessions: sessionmaker[Session],
                          drainer: OutboxDrainer | None = None) -> AsyncIterator[list[str]]:
    """Start the hooks and the background job; yields start-up notes; cancels the job on exit."""
    notes: list[str] = []
    hook = status_hook(sessions)
    if drainer is not None:
        drainer.after_drain.append(hook)
    task: asyncio.Task[None] | None = None
    every = settings.calls.meeting_transcribe_every_s
    if every > 0:
        try:
            engine = await whisper_for(settings, asr)
        except AsrUnavailable as exc:
            notes.append(f"meeting recordings are not transcribed ({exc})")
        else:
            task = asyncio.create_task(_transcribe_forever(settings, engine, every), name="meeting-transcription")
            notes.append(f"meeting recordings transcribed by faster-whisper every {every:g} s")
    for note in notes:
        log.info("meetings: %s", note)
    try:
        yield notes
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if drainer is not None:
            with contextlib.suppress(ValueError):
                drainer.after_drain.remove(hook)
