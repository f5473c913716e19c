"""Background job: where faster-whisper is installed, transcribe a recorded meeting's session audio for the records.

Every recording read is an audited read (actor "system:transcribe"); the transcript is stored encrypted on the
meeting draft. Without faster-whisper or a model this fails with ONE line naming the fix (speech.asr.whisper_engine).
Recordings are WAV (any rate, 16-bit mono) or raw slin16 at 8 kHz, as Asterisk's AudioSocket delivers it.
"""

from __future__ import annotations

import asyncio
import io
import logging
import wave
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ivr.settings import Settings
from models import meetings as m
from models.base import make_sessionmaker, utcnow
from models.calls import Recording
from models.migrate import engine_for
from models.reads import read_recording
from models.recording_store import RecordingStore
from speech.asr.base import AsrEngine

log = logging.getLogger(__name__)
ACTOR = "system:transcribe"
SLIN_RATE = 8_000  # AudioSocket audio when a recording has no WAV header


class NothingToTranscribe(LookupError):
    """The meeting has no recording (consent declined, or the call kept no audio)."""


@dataclass(frozen=True)
class Transcribed:
    draft_id: int
    recordings: int
    audio_s: float
    characters: int


def pcm_of(audio: bytes) -> tuple[bytes, int]:
    """(16-bit mono PCM, sample rate) from a WAV file or raw slin16 8 kHz bytes."""
    if audio[:4] != b"RIFF":
        return audio, SLIN_RATE
    with wave.open(io.BytesIO(audio)) as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError(f"recording is not 16-bit mono (width {w.getsampwidth()}, {w.getnchannels()} ch)")
        return w.readframes(w.getnframes()), w.getframerate()


def _recordings(sessions: sessionmaker[Session], draft_id: int) -> list[int]:
    with sessions() as s:
        if s.get(m.MeetingDraft, draft_id) is None:
            raise LookupError(f"no meeting draft {draft_id}")
        calls = set(s.scalars(select(m.MeetingEntry.call_id).where(m.MeetingEntry.draft_id == draft_id,
                                                                    m.MeetingEntry.call_id.is_not(None))))
        return list(s.scalars(select(Recording.id).where(Recording.call_id.in_(calls)).order_by(Recording.id)))


async def transcribe_meeting(settings: Settings, draft_id: int, engine: AsrEngine, *, lang: str | None = None
                             ) -> Transcribed:
    """Transcribe every recording of the calls that recorded this meeting, in order, and store the text (in `lang`,
    default the dialogs' default language)."""
    lang = lang or settings.dialogs.default_language
    db = engine_for(settings)
    sessions = make_sessionmaker(db)
    store = RecordingStore.from_settings(settings)
    try:
        ids = await asyncio.to_thread(_recordings, sessions, draft_id)
        if not ids:
            raise NothingToTranscribe(f"meeting {draft_id} has no recording to transcribe")
        texts, audio_s = [], 0.0
        for rec_id in ids:
            def load(rec_id: int = rec_id) -> bytes:
                with sessions() as s:
                    return read_recording(s, rec_id, actor=ACTOR, reason=f"transcribe meeting {draft_id}",
                                          store=store)

            pcm, rate = pcm_of(await asyncio.to_thread(load))
            audio_s += len(pcm) / 2 / rate
            result = await engine.recognize(pcm, rate, lang)  # the engine runs its model off the event loop
            texts.append(result.text.strip())
        text = "\n".join(t for t in texts if t)

        def save() -> None:
            with sessions.begin() as s:
                d = s.get(m.MeetingDraft, draft_id)
                assert d is not None
                d.transcript, d.transcribed_at = text, utcnow()

        await asyncio.to_thread(save)
        log.info("meeting %s transcribed: %d recordings, %.1f s of audio", draft_id, len(ids), audio_s)
        return Transcribed(draft_id, len(ids), audio_s, len(text))
    finally:
        db.dispose()


def untranscribed(settings: Settings) -> list[int]:
    """Drafts handed in (submitted/posted/needing a fix) whose recordings are not transcribed yet."""
    db = engine_for(settings)
    try:
        with make_sessionmaker(db)() as s:
            return list(s.scalars(select(m.MeetingDraft.id).where(
                m.MeetingDraft.status.in_([m.SUBMITTED, m.POSTED, m.NEEDS_FIX]),
                m.MeetingDraft.transcribed_at.is_(None)).order_by(m.MeetingDraft.id)))
    finally:
        db.dispose()


async def transcribe_pending(settings: Settings, engine: AsrEngine, *, lang: str | None = None
                             ) -> list[Transcribed]:
    """One pass of the background job: every handed-in meeting with recordings and no transcript yet."""
    done = []
    for draft_id in untranscribed(settings):
        try:
            done.append(await transcribe_meeting(settings, draft_id, engine, lang=lang))
        except NothingToTranscribe:
            continue
    return done
