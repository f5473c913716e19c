"""Adds the per-turn timings only the audio pipeline knows (end of speech, ASR final, first audio) to stored turns."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.calls import Turn


@dataclass(frozen=True)
class TurnTimings:
    """Milliseconds from the start of the turn (the Listen); None = not reached (keypad turn, no-input)."""

    speech_end_ms: int | None
    asr_final_ms: int | None
    first_audio_ms: int | None


class TimingStore:
    """The dialog stores each turn (with NLU and ledger times); this adds what only the audio pipeline knows."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    async def record_last_turn(self, call_id: uuid.UUID, timings: TurnTimings) -> bool:
        """Update the newest turn of the call; False when the dialog stored no turn (e.g. the first greeting)."""

        def run() -> bool:
            with self._sessions.begin() as s:
                turn = s.scalar(select(Turn).where(Turn.call_id == call_id).order_by(Turn.seq.desc()).limit(1))
                if turn is None:
                    return False
                turn.speech_end_ms = timings.speech_end_ms
                turn.asr_final_ms = timings.asr_final_ms
                turn.first_audio_ms = timings.first_audio_ms
                return True

        return await asyncio.to_thread(run)
