"""What a crash (SIGKILL, power loss) leaves behind, tidied at start-up before the first call is taken.

- Calls whose `ended_at` is empty were cut off: they get outcome "interrupted" and an end time, so statistics and
  the admin view stop showing them live. Outbound calls that were never answered are left to the reminders' own
  expiry (the call may still be ringing through Asterisk, which outlives the IVR).
- Spool files of consented meeting recordings (<data_dir>/recordings/.spool) are turned into normal encrypted
  recordings of their call — under the primary key, so key rotation covers them — or, when the call is unknown,
  into an orphan recording file (still encrypted, still rotated). A spool no configured key can read is left in
  place with an error naming the setting, and tried again at the next start.
"""

from __future__ import annotations

import asyncio
import io
import logging
import wave
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.calls import Call
from models.crypto import KeysNotLoaded
from models.recording_store import RecordingStore, Spool, add_recording, read_spool

log = logging.getLogger(__name__)
INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class LeftoverReport:
    calls_closed: int = 0
    recordings_recovered: int = 0  # spools stored as their call's recording
    orphans_kept: int = 0  # spools whose call is unknown, kept as orphan recording files
    spools_unreadable: int = 0  # no configured key decrypts them (left in place)


def close_interrupted_calls(sessions: sessionmaker[Session], *, now: datetime) -> int:
    """End every call that never ended (inbound, or outbound once answered) and started before `now`."""
    with sessions.begin() as s:
        result = s.execute(update(Call).where(
            Call.ended_at.is_(None), Call.started_at < now,
            or_(Call.direction == "in", Call.answered_at.is_not(None)),
        ).values(ended_at=now, outcome=INTERRUPTED).execution_options(synchronize_session=False))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _wav(spool: Spool, store: RecordingStore) -> tuple[bytes, int]:
    out = io.BytesIO()
    frames = spool.start
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(spool.rate)
        w.writeframes(bytes(spool.start * 2))
        for token in spool.tokens:
            pcm = store.decrypt(token)
            frames += len(pcm) // 2
            w.writeframes(pcm)
    return out.getvalue(), round(frames / spool.rate * 1000)


def recover_spools(sessions: sessionmaker[Session], store: RecordingStore) -> tuple[int, int, int]:
    """(recovered, orphans, unreadable) for the spools in the store's spool folder; call only when no call of
    this data directory is being recorded (i.e. at start-up)."""
    recovered = orphans = unreadable = 0
    for path in store.spools():
        spool = read_spool(path)
        try:
            audio, duration_ms = _wav(spool, store)
        except KeysNotLoaded:
            unreadable += 1
            log.error("recording spool %s: none of the keys in IVR_SECURITY__ENCRYPTION_KEYS decrypts it; left in "
                      "place (add the key it was written with and restart)", path.name)
            continue
        with sessions.begin() as s:
            if spool.call_id is not None and s.get(Call, spool.call_id) is not None:
                rec = add_recording(s, store, call_id=spool.call_id, audio=audio, duration_ms=duration_ms)
                recovered += 1
                log.info("recovered the recording of interrupted call %s (%d ms%s) as recording %s", spool.call_id,
                         duration_ms, "" if spool.complete else ", last chunk cut short", rec.id)
            else:
                name = store.save_orphan(audio)
                orphans += 1
                log.warning("recording spool %s names no known call: kept encrypted as recordings/%s (%d ms)",
                            path.name, name, duration_ms)
        path.unlink()
    return recovered, orphans, unreadable


async def recover_leftovers(sessions: sessionmaker[Session], store: RecordingStore,
                            *, now: datetime | None = None) -> LeftoverReport:
    """The start-up hook (ivr.app.run_ivr): close interrupted calls, recover recording spools."""
    at = now or utcnow()

    def run() -> LeftoverReport:
        closed = close_interrupted_calls(sessions, now=at)
        recovered, orphans, unreadable = recover_spools(sessions, store)
        return LeftoverReport(closed, recovered, orphans, unreadable)

    report = await asyncio.to_thread(run)
    if report != LeftoverReport():
        log.warning("after an unclean stop: %d call(s) marked interrupted, %d recording(s) recovered, %d orphan "
                    "recording(s) kept, %d spool(s) unreadable", report.calls_closed, report.recordings_recovered,
                    report.orphans_kept, report.spools_unreadable)
    return report
