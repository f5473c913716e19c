"""One CallSession per call: inbound frames → endpointer/ASR → dialog (NLU, ledger) → TTS/prompt cache → paced audio.

The session is transport-agnostic: it plays through a `MediaPort` and reads a `FrameInbox`. For AudioSocket it is
also the server's `CallHandler` (started → attach the paced transport; on_frame → inbox). Every call ends the same
way, whoever hangs up: the recogniser is closed, the dialog stores the outcome, the task is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from dialogs import events
from dialogs.actions import Action, End, Listen, Record, Say, Transfer
from dialogs.engine import Dialog
from dialogs.events import CallStarted, Utterance
from dialogs.prompts import plan as render_plan
from ivr.audiosocket.transport import AudioTransport
from ivr.calls.config import CallSettings
from ivr.calls.engines import HearingPlan
from ivr.calls.listening import CallClock, ListenTurn
from ivr.calls.media import AudioSocketMedia, FrameInbox, MediaPort, PlaybackHandle
from ivr.calls.playout import FRAME_S, Playout
from ivr.calls.recorder import CallRecorder, Recordings
from ivr.calls.timings import TimingStore, TurnTimings
from ivr.calls.trim import trim_leading_silence
from ivr.frames import CallerAudio, Hangup, InboundFrame
from speech.asr.base import AsrEngine
from speech.tts.speaker import Speaker
from speech.vad_config import VadSettings

log = logging.getLogger(__name__)
# Storing a call's outcome is one small SQL write; even a loaded database finishes it within this.
CLEANUP_LIMIT_S = 10.0


@dataclass(frozen=True)
class CallInfo:
    """What the dialplan told us when it registered the call (caller is PII: never logged)."""

    call_id: uuid.UUID
    caller: str = field(repr=False)
    dialled: str = ""
    channel: str = ""
    direction: str = "in"
    purpose: str = "self_service"  # "meeting" for calls to a meeting line (calls.meeting_lines)


class Transferrer(Protocol):
    """AMI Redirect of the caller's channel (ivr.ami.AmiClient satisfies it)."""

    async def redirect(self, channel: str, *, exten: str, context: str | None = None, priority: int = 1) -> None:
        ...


@dataclass
class SessionDeps:
    """What every call shares (built once per process by the app's lifespan)."""

    speaker: Speaker
    asr_for: Callable[[str], AsrEngine | None]
    new_dialog: Callable[[uuid.UUID], Dialog]
    timings: TimingStore | None
    settings: CallSettings
    vad: VadSettings
    transferrer: Transferrer | None = None
    hearing: HearingPlan = field(default_factory=HearingPlan)  # engine + grammar per Listen (shared by all calls)
    open_asr_for: Callable[[str], AsrEngine | None] = field(default=lambda _lang: None)  # dictation engine per lang
    recordings: Recordings | None = None  # meeting recordings (kept only with the call's recording consent)


@dataclass
class TurnLatency:
    """End of caller speech → first bot audio frame due (ms), per spoken turn (for ops and the bench)."""

    speech_to_audio_ms: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class CallStats:
    """What an ended call leaves behind for ops and benches: no caller data, only numbers."""

    call_id: uuid.UUID
    outcome: str
    speech_to_audio_ms: tuple[int, ...]
    frames_sent: int
    late_frames: int
    barge_ins: int


class CallSession:
    """Runs one call. `attach(media)` starts it; `on_frame()` feeds it; `finished` resolves when all is cleaned up."""

    def __init__(self, info: CallInfo, deps: SessionDeps, *, on_end: Callable[[CallSession], None] | None = None,
                 ) -> None:
        self.info = info
        self.deps = deps
        self.inbox = FrameInbox()
        self.latency = TurnLatency()
        self.outcome: str | None = None
        self._on_end = on_end
        self._task: asyncio.Task[None] | None = None
        self._playout: Playout | None = None
        self._media: MediaPort | None = None
        self._clock = CallClock(deps.settings.jitter_ms)
        self._closing = False
        self._sink: object | None = None  # a softphone shows both sides' words; AudioSocket has no screen
        self._label = str(info.call_id)
        self._recorder: CallRecorder | None = None
        self._spoke = False  # a prompt was played since the last Listen began (the earcon follows it)

    # --- AudioSocket CallHandler ----------------------------------------------------------------------------------

    async def started(self, call_id: uuid.UUID, transport: AudioTransport) -> None:
        self._sink = transport if callable(getattr(transport, "show_text", None)) else None
        self.attach(AudioSocketMedia(transport))

    async def on_frame(self, frame: InboundFrame) -> None:
        if self._recorder is not None and isinstance(frame, CallerAudio):
            self._recorder.caller(frame.pcm, frame.arrived)
        self.inbox.put(frame)
        if isinstance(frame, Hangup):
            await self.wait_finished(self.deps.settings.hangup_grace_s)

    # --- transport-agnostic API -----------------------------------------------------------------------------------

    def attach(self, media: MediaPort) -> None:
        """Media is up: start the conversation (once)."""
        if self._task is not None:
            raise RuntimeError(f"call {self._label} already started")
        self._media = media
        self._playout = Playout(RecordedMedia(media, self) if self.deps.recordings is not None else media)
        self._task = asyncio.create_task(self._run(), name=f"call-{self._label}")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def wait_finished(self, timeout: float) -> None:
        """Wait for the session to clean up after a hang-up; cancel it if it takes longer than `timeout`."""
        task = self._task
        if task is None or task.done():
            if task is None:
                self._finish()
            return
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done and self._closing:  # already storing the outcome: let it finish, within reason
            done, _ = await asyncio.wait({task}, timeout=CLEANUP_LIMIT_S)
        if not done:
            log.info("call %s: still busy %.1f s after hang-up; cancelling it", self._label, timeout)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def cancel(self) -> None:
        """Server shutdown: end the call now."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        elif self._task is None:
            self._finish()

    # --- the conversation -----------------------------------------------------------------------------------------

    async def _run(self) -> None:
        dialog = self.deps.new_dialog(self.info.call_id)
        hung_up = False
        if self.deps.recordings is not None:  # time zero = the Call row's started_at, so entry offsets point into it
            self._recorder = self.deps.recordings.recorder(time.monotonic(), self._media_rate(),
                                                             call_id=self.info.call_id)
        try:
            actions = await dialog.handle(CallStarted(self.info.caller, direction=self.info.direction,  # type: ignore[arg-type]
                                                      purpose=self.info.purpose))
            await self._perform(actions, dialog.lang)
            while True:
                if self.outcome is not None:
                    break
                listen = dialog.listening
                if listen is None:
                    self.outcome = "ended"
                    await self._hangup()
                    break
                self._earcon_before(listen)
                turn = await self._listen_turn(listen, dialog.lang)
                event = await turn.run()
                if isinstance(event, Utterance) and event.transcript:
                    self._show("caller", event.transcript)
                if event is None:
                    hung_up = True
                    break
                actions = await dialog.handle(event)
                await self._after_turn(turn, actions, dialog.lang)
        except asyncio.CancelledError:
            hung_up = True
            raise
        except Exception:
            log.exception("call %s: pipeline failed; hanging up this call", self._label)
            self.outcome = "failed"
            with contextlib.suppress(Exception):
                await self._hangup()
        finally:
            self._closing = True
            try:
                if hung_up or self.outcome in (None, "failed"):
                    with contextlib.suppress(Exception):
                        await asyncio.shield(dialog.handle(events.Hangup()))  # stores the outcome
                await self._save_recording()
            finally:
                self.outcome = self.outcome or "hangup"
                self._finish()

    # --- meeting recording ----------------------------------------------------------------------------------------

    def _media_rate(self) -> int:
        return int(getattr(self._media, "sample_rate", 8000) or 8000)

    @property
    def recorder(self) -> CallRecorder | None:
        """The call's recorder while recording is possible (RecordedMedia copies bot audio into it)."""
        return self._recorder

    def _record(self, action: Record) -> None:
        """The dialog's word on recording consent: keep audio from now on, or stop and discard what was kept."""
        rec = self._recorder
        if rec is None:
            return
        if action.on:
            rec.start()
        else:
            rec.discard()

    async def _save_recording(self) -> None:
        rec, recordings, self._recorder = self._recorder, self.deps.recordings, None
        if rec is None or recordings is None:
            return
        try:
            await asyncio.shield(recordings.save(self.info.call_id, rec))
        except Exception:
            log.exception("call %s: could not store the recording", self._label)
            rec.discard()

    def _earcon_before(self, listen: Listen) -> None:
        """The "your turn" tone after a prompt, where an answer may be spoken (never at keypad-only questions)."""
        spoke, self._spoke = self._spoke, False
        if spoke and listen.speech and self.deps.settings.earcon and self._playout is not None:
            earcon = getattr(self.deps.speaker, "earcon", None)
            if earcon is not None:
                self._playout.play(earcon(), interruptible=True)

    async def _listen_turn(self, listen: Listen, lang: str) -> ListenTurn:
        self.inbox.drop_audio_before(time.monotonic())  # caller audio heard while the bot was thinking
        assert self._playout is not None
        hearing = await self.deps.hearing.for_listen(listen, lang, self.deps.asr_for(lang),
                                                     self.deps.open_asr_for(lang))
        return ListenTurn(listen, inbox=self.inbox, playout=self._playout, clock=self._clock, hearing=hearing,
                          lang=lang, vad=self.deps.vad, settings=self.deps.settings, call_label=self._label)

    async def _after_turn(self, turn: ListenTurn, actions: list[Action], lang: str) -> None:
        first_audio = await self._perform(actions, lang)
        t = turn.times
        if t.speech_end is not None and first_audio is not None:
            self.latency.speech_to_audio_ms.append(round((first_audio - t.speech_end) * 1000))
        if self.deps.timings is None:
            return

        def rel(x: float | None) -> int | None:
            return None if x is None else max(0, round((x - t.listen_started) * 1000))

        try:
            await self.deps.timings.record_last_turn(
                self.info.call_id, TurnTimings(rel(t.speech_end), rel(t.asr_final), rel(first_audio)))
        except Exception:
            log.exception("call %s: could not store turn timings", self._label)

    async def _perform(self, actions: list[Action], lang: str) -> float | None:
        """Say/Transfer/End in order; returns when the first audio frame is due (None if nothing was said)."""
        assert self._playout is not None
        first: float | None = None
        for action in actions:
            if self.inbox.hangup is not None:
                return first
            if isinstance(action, Say):
                plan = render_plan(action.prompt_id, action.values, action.lang or lang)
                self._show("bot", plan.text)
                barge_ins, lead = self._playout.barge_ins, True
                async with contextlib.aclosing(self.deps.speaker.stream(plan)) as pieces:  # plays from piece one
                    async for pcm in pieces:
                        if self.inbox.hangup is not None or self._playout.barge_ins != barge_ins:
                            break  # the caller hung up or cut in: the rest of this prompt is not wanted
                        due = self._playout.play(trim_leading_silence(pcm) if lead else pcm,
                                                 interruptible=action.interruptible)
                        first, lead = (due if first is None else first), False
                        self._spoke = True
            elif isinstance(action, Record):
                self._record(action)
            elif isinstance(action, Transfer):
                await self._transfer(action)
            elif isinstance(action, End):
                await self._playout.drain(self.deps.settings.end_drain_timeout_s, self.inbox.closed)
                self.outcome = action.outcome
                await self._hangup()
        return first

    async def _transfer(self, action: Transfer) -> None:
        assert self._playout is not None
        await self._playout.drain(self.deps.settings.end_drain_timeout_s, self.inbox.closed)
        self.outcome = "transferred"
        t = self.deps.transferrer
        if t is not None and self.info.channel:
            try:
                await t.redirect(self.info.channel, exten=action.destination)
                log.info("call %s: transferred to a %s over AMI", self._label, action.kind)
                return
            except Exception as exc:
                log.warning("call %s: AMI redirect failed (%s); handing back to the dialplan", self._label, exc)
        await self._hangup()  # 0x00: AudioSocket() returns and the dialplan continues

    def _show(self, speaker: str, text: str) -> None:
        if self._sink is not None:
            self._sink.show_text(speaker, text)  # type: ignore[attr-defined]

    async def _hangup(self) -> None:
        if self._media is not None:
            await self._media.hangup()

    def stats(self) -> CallStats:
        metrics = getattr(getattr(self._media, "transport", None), "metrics", None)
        return CallStats(self.info.call_id, self.outcome or "running", tuple(self.latency.speech_to_audio_ms),
                         metrics.frames_sent if metrics else 0, metrics.late_frames if metrics else 0,
                         self._playout.barge_ins if self._playout else 0)

    def _finish(self) -> None:
        if self._recorder is not None:  # ended before the pipeline ran its cleanup: keep nothing half-written
            self._recorder.discard()
            self._recorder = None
        if self._on_end is not None:
            on_end, self._on_end = self._on_end, None
            on_end(self)


class RecordedMedia:
    """The MediaPort the Playout sees while recording is possible: bot audio is copied to the call's recorder at the
    time its frames are due; a barge-in flush erases what was queued but never sent."""

    def __init__(self, inner: MediaPort, session: CallSession) -> None:
        self.inner = inner
        self._session = session

    @property
    def sample_rate(self) -> int:
        return self.inner.sample_rate

    @property
    def queued_frames(self) -> int:
        return self.inner.queued_frames

    def send_audio(self, pcm: bytes) -> PlaybackHandle:
        rec = self._session.recorder
        if rec is not None:
            rec.bot(pcm, time.monotonic() + self.inner.queued_frames * FRAME_S)
        return self.inner.send_audio(pcm)

    def flush(self) -> int:
        rec = self._session.recorder
        if rec is not None:
            rec.cut_bot_after(time.monotonic())
        return self.inner.flush()

    async def hangup(self) -> None:
        await self.inner.hangup()
