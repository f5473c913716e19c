"""Keeps a consenting meeting call's session audio — caller and bot mixed into one mono track — encrypted, in bounded
memory, and stores it through models.recording_store when the call ends.

Decisions (issue 7, "The recording"):
- One mono 16-bit WAV at the call's rate (8 kHz slin), caller + bot summed with clipping: the transcription job
  (ivr.meetings.transcribe) and any player read it as is, and both sides of the conversation are in one timeline.
- Time zero is the call's start (the instant the dialog stores the Call row's started_at), so a meeting entry's
  `offset_ms` (entry time - call start) points straight into the file. Audio from before consent is NOT kept: that
  stretch of the file is silence.
- Caller audio is placed where it was heard (arrival time - frame length); bot audio where its frames are due on the
  20 ms clock; a barge-in flush erases the bot audio that was queued but never sent.
- Only the last `WINDOW_S` of audio (plus a prompt queued ahead) is in memory; older audio is encrypted chunk by
  chunk (Fernet, the key ring) into a spool file under <data_dir>/recordings/.spool — no clear audio on disk, ever.
  At hang-up the chunks are decrypted and stored as one encrypted recording (a one-hour meeting is ~58 MB briefly).
- Keeping starts when the call's latest `meeting_recording` consent record is granted; a decline discards all.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import time
import uuid
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from models import crypto
from models.crypto import KeyRing, current_keyring
from models.recording_store import RecordingStore, add_recording, read_spool, spool_header, spool_record

log = logging.getLogger(__name__)
# Caller frames can arrive up to a few hundred ms late (TCP bursts); audio older than this is final and spooled.
WINDOW_S = 1.0


class CallRecorder:
    """Mixes both directions of one call on a shared clock; `wav()` returns the whole recording (or None)."""

    def __init__(self, *, spool_dir: Path, t0: float, sample_rate: int = 8000, keyring: KeyRing | None = None,
                 clock: Callable[[], float] = time.monotonic, call_id: uuid.UUID | None = None) -> None:
        self.rate = sample_rate
        self.call_id = call_id
        self.t0 = t0
        self._clock = clock
        self._spool_dir = Path(spool_dir)
        self._keyring = keyring
        self.keeping = False
        self._start = 0  # sample index (from t0) where kept audio begins; silence before it
        self._base = 0  # sample index of _buf[0]
        self._buf = np.zeros(0, dtype=np.int32)
        self._spool: Path | None = None

    @property
    def ring(self) -> KeyRing:
        return self._keyring or current_keyring()

    def _index(self, t: float) -> int:
        return max(0, round((t - self.t0) * self.rate))

    def start(self) -> None:
        """Consent granted: keep audio from now on."""
        if self.keeping:
            return
        self.keeping = True
        self._start = self._base = self._index(self._clock())
        self._buf = np.zeros(0, dtype=np.int32)
        self._spool_dir.mkdir(parents=True, exist_ok=True)
        self._spool = self._spool_dir / f"{uuid.uuid4().hex}.spool"
        fd = os.open(self._spool, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(spool_header(self.call_id, self.rate, self._start))
        log.info("recording started (consent granted)")

    def discard(self) -> None:
        """Consent declined: nothing of this call is kept."""
        self.keeping = False
        self._buf = np.zeros(0, dtype=np.int32)
        if self._spool is not None:
            self._spool.unlink(missing_ok=True)
            self._spool = None

    # --- audio in ----------------------------------------------------------------------------------------------

    def caller(self, pcm: bytes, arrived: float) -> None:
        if self.keeping:
            self._mix(pcm, arrived - len(pcm) / 2 / self.rate)

    def bot(self, pcm: bytes, due: float) -> None:
        if self.keeping:
            self._mix(pcm, due)

    def cut_bot_after(self, t: float) -> None:
        """Barge-in: the bot audio queued after `t` was never sent. Without separate channels the mix cannot be
        un-summed, so the whole tail is silenced (the caller's voice there is the barge-in itself, kept up to `t`)."""
        if not self.keeping:
            return
        cut = self._index(t) - self._base
        if 0 <= cut < len(self._buf):
            self._buf = self._buf[:cut].copy()

    def _mix(self, pcm: bytes, at: float) -> None:
        samples = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype="<i2").astype(np.int32)
        pos = self._index(at) - self._base
        if pos < 0:  # older than what is already spooled: drop the part that is final
            samples, pos = samples[-pos:], 0
        end = pos + len(samples)
        if end > len(self._buf):
            grown = np.zeros(end, dtype=np.int32)
            grown[: len(self._buf)] = self._buf
            self._buf = grown
        self._buf[pos:end] += samples
        self._spool_final()

    def _spool_final(self) -> None:
        final = self._index(self._clock() - WINDOW_S) - self._base
        if final >= self.rate:  # a second or more is final: encrypt it into the spool
            head = min(final, len(self._buf))
            self._write(self._buf[:head])
            if final > head:
                self._write(np.zeros(final - head, dtype=np.int32))
            self._buf = self._buf[head:].copy()
            self._base += final

    def _write(self, samples: np.ndarray) -> None:
        if not len(samples):
            return
        token = self.ring.encrypt(np.clip(samples, -32768, 32767).astype("<i2").tobytes())
        assert self._spool is not None
        with open(self._spool, "ab") as fh:
            fh.write(spool_record(token))

    # --- the result --------------------------------------------------------------------------------------------

    def wav(self, end: float | None = None) -> tuple[bytes, int] | None:
        """(WAV bytes, duration ms) of the whole call up to `end` (default now), or None when nothing was kept.
        The spool file is removed."""
        if not self.keeping or self._spool is None:
            self.discard()
            return None
        total = max(self._index(self._clock() if end is None else end), self._base + len(self._buf))
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.rate)
            w.writeframes(bytes(self._start * 2))
            for token in read_spool(self._spool).tokens:
                w.writeframes(self._keyring.decrypt(token) if self._keyring else crypto.decrypt(token))
            tail = np.zeros(total - self._base, dtype=np.int32)
            tail[: len(self._buf)] = self._buf
            w.writeframes(np.clip(tail, -32768, 32767).astype("<i2").tobytes())
        self.discard()
        return out.getvalue(), round(total / self.rate * 1000)


class Recordings:
    """What a CallSession needs to record meetings: the consent lookup, the spool and the encrypted store."""

    def __init__(self, *, sessions: sessionmaker[Session], store: RecordingStore) -> None:
        self._sessions = sessions
        self.store = store
        self.spool_dir = store.spool_dir

    def recorder(self, t0: float, sample_rate: int = 8000, *, call_id: uuid.UUID | None = None) -> CallRecorder:
        """A call's recorder; pass `call_id` so a spool left by a crash is recovered into that call's recording
        (without it the recovered audio is kept as an orphan file)."""
        return CallRecorder(spool_dir=self.spool_dir, t0=t0, sample_rate=sample_rate, call_id=call_id)

    async def save(self, call_id: uuid.UUID, recorder: CallRecorder) -> int | None:
        """Store what `recorder` kept (encrypted file + Recording row); the row id, or None when nothing was kept."""
        result = await asyncio.to_thread(recorder.wav)
        if result is None:
            return None
        audio, duration_ms = result

        def run() -> int:
            with self._sessions.begin() as s:
                return add_recording(s, self.store, call_id=call_id, audio=audio, duration_ms=duration_ms).id

        rec_id = await asyncio.to_thread(run)
        log.info("call %s: recording %s stored (%d ms)", call_id, rec_id, duration_ms)
        return rec_id
