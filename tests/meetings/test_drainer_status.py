"""Core down at submit: the meeting stays "submitted" with its entries queued. When the app's outbox drainer later
posts them (core back), the drainer's hook (ivr.meetings.upkeep) marks the meeting "posted" — no admin read needed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
from sqlalchemy.orm import Session, sessionmaker

from dialogs.meeting.sql import OutboxSubmitter, SqlMeetingStore
from ivr.calls.engines import AsrEngines
from ivr.meetings.upkeep import meetings_upkeep
from ledger_client.services import build_ledger_services
from models import meetings as m
from models.base import make_sessionmaker
from models.migrate import engine_for
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port
from tests.meetings.seed import seed_meeting


def status_of(sessions: sessionmaker[Session], draft_id: int) -> str:
    with sessions() as s:
        d = s.get(m.MeetingDraft, draft_id)
        assert d is not None
        return str(d.status)


async def test_drainer_marks_a_queued_meeting_posted(tmp_path: Path, ledger_server: LedgerCoreProcess) -> None:
    seeded = await seed_meeting(tmp_path, ledger={"base_url": f"http://127.0.0.1:{free_port()}", "retries": 0},
                                calls={"meeting_transcribe_every_s": 0})
    down = seeded.settings
    engine = engine_for(down)
    sessions = make_sessionmaker(engine)
    try:
        async with httpx.AsyncClient() as http:
            offline = build_ledger_services(settings=down, http=http, sessions=sessions)
            draft = await SqlMeetingStore(sessions).draft(seeded.draft_id)
            outcome = await OutboxSubmitter(outbox=offline.outbox, sessions=sessions).submit(draft)
            assert len(outcome.queued) == 2 and not outcome.sent
            assert status_of(sessions, seeded.draft_id) == m.SUBMITTED

            up = down.model_copy(update={"ledger": down.ledger.model_copy(update={
                "base_url": ledger_server.base_url, "outbox_drain_interval_s": 0.2})})
            live = build_ledger_services(settings=up, http=http, sessions=sessions)
            async with meetings_upkeep(up, AsrEngines(), sessions=sessions, drainer=live.drainer):
                live.drainer.start()
                try:
                    deadline = time.monotonic() + 30
                    while status_of(sessions, seeded.draft_id) != m.POSTED and time.monotonic() < deadline:
                        await asyncio.sleep(0.1)
                finally:
                    await live.drainer.stop()
        assert status_of(sessions, seeded.draft_id) == m.POSTED
    finally:
        engine.dispose()
