"""A recorded meeting in the IVR database without a phone call: one call, its entries and its session recording."""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dialogs.meeting.ports import NewEntry
from dialogs.meeting.sql import SqlMeetingStore
from dialogs.store import SqlStore
from ivr.settings import Settings
from models.base import make_sessionmaker, utcnow
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from models.recording_store import RecordingStore, add_recording
from tests.fixtures.settings import make_test_settings

SPOKEN = "Mary paid two hundred shillings savings. Peter was fined fifty shillings."


@dataclass(frozen=True)
class Seeded:
    settings: Settings
    draft_id: int
    call_id: uuid.UUID
    recording_id: int
    audio: bytes


def festival_wav(text: str, path: Path) -> bytes:
    """A real spoken recording (Festival, 16 kHz WAV) — the secretary's side of the session."""
    txt = path.with_suffix(".txt")
    txt.write_text(text)
    subprocess.run(["text2wave", "-F", "16000", "-o", str(path), str(txt)], check=True, capture_output=True)
    return path.read_bytes()


async def seed_meeting(tmp: Path, **settings_overrides: object) -> Seeded:
    s = make_test_settings(tmp, **settings_overrides)
    install_keyring(keyring_from_settings(s))
    upgrade_to_head(s)
    engine = engine_for(s)
    try:
        sessions = make_sessionmaker(engine)
        call_id = uuid.uuid4()
        start = utcnow() - timedelta(minutes=3)
        await SqlStore(sessions).start_call(call_id, "+254700000123", "in", "meeting", start)
        meetings = SqlMeetingStore(sessions)
        draft = await meetings.open_draft(group_id="g-kes-umoja", meeting_date=date(2026, 11, 26), currency="KES",
                                          recorder="m-0002", recorder_name="Mary Akinyi")
        await meetings.add_entries(draft.draft_id, [
            NewEntry("m-0001", "Grace Wanjiru", "savings", 20000, "grace paid two hundred savings"),
            NewEntry("m-0014", "Peter Otieno", "fine", 5000, "peter fine fifty"),
        ], call_id=call_id, at=start + timedelta(seconds=42))
        audio = festival_wav(SPOKEN, tmp / "session.wav")
        with sessions.begin() as db:
            rec = add_recording(db, RecordingStore.from_settings(s), call_id=call_id, audio=audio, duration_ms=5000)
            rec_id = rec.id
        return Seeded(s, draft.draft_id, call_id, rec_id, audio)
    finally:
        engine.dispose()
