"""The background transcription of a meeting's session recording with the real faster-whisper tiny.en model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from ivr.meetings.transcribe import NothingToTranscribe, transcribe_meeting, transcribe_pending, untranscribed
from models.audit import AuditEvent
from models.base import make_sessionmaker
from models.meetings import MeetingDraft
from models.migrate import engine_for
from speech.asr.config import AsrSettings
from speech.asr.whisper_engine import WhisperEngine
from tests.meetings.seed import seed_meeting


async def test_recording_is_transcribed_encrypted_and_audited(tmp_path: Path) -> None:
    seeded = await seed_meeting(tmp_path)
    engine = WhisperEngine(AsrSettings())
    done = await transcribe_meeting(seeded.settings, seeded.draft_id, engine)
    assert done.recordings == 1 and done.audio_s > 2
    db = engine_for(seeded.settings)
    try:
        with make_sessionmaker(db)() as s:
            text = (s.get(MeetingDraft, seeded.draft_id).transcript or "").lower()  # type: ignore[union-attr]
            actions = [(e.actor, e.action) for e in s.scalars(select(AuditEvent))]
        with db.connect() as conn:
            raw = conn.exec_driver_sql("SELECT transcript FROM meeting_drafts").scalar_one()
    finally:
        db.dispose()
    for word in ("mary", "200", "savings", "peter", "50"):
        assert word in text, text
    assert "mary" not in raw.lower() and raw.startswith("gAAAAA")  # encrypted at rest
    assert actions == [("system:transcribe", "read.recording")]
    assert untranscribed(seeded.settings) == []  # still open: only handed-in meetings are picked up


async def test_pending_pass_skips_meetings_without_recordings(tmp_path: Path) -> None:
    seeded = await seed_meeting(tmp_path)
    db = engine_for(seeded.settings)
    try:
        with make_sessionmaker(db).begin() as s:
            s.get(MeetingDraft, seeded.draft_id).status = "posted"  # type: ignore[union-attr]
            s.add(MeetingDraft(group_id="g-x", meeting_date=date(2026, 1, 1), currency="KES",
                               recorder_member_id="m-1", status="posted"))
    finally:
        db.dispose()
    engine = WhisperEngine(AsrSettings())
    done = await transcribe_pending(seeded.settings, engine)
    assert [d.draft_id for d in done] == [seeded.draft_id]
    with pytest.raises(NothingToTranscribe):
        await transcribe_meeting(seeded.settings, seeded.draft_id + 1, engine)
