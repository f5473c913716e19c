"""The FastAPI app factory: one lifespan owns every per-process resource of the live IVR, in one asyncio loop.

Start-up (in order): migrations, the key ring, ONE shared httpx.AsyncClient, ledger services + outbox drainer, the
NLU, ASR engines and TTS voices loaded once (prompt cache warmed), the call registry, the AudioSocket server (which
admits answered reminder calls first, then registered calls), meeting recordings (kept with consent), the meetings
upkeep task (transcription where faster-whisper is installed) and, in the app, the reminders service.
Shut-down reverses it: no new calls, live calls ended, drainer stopped, client closed, database disposed.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from fastapi import FastAPI

from dialogs.engine import Dialog
from dialogs.meeting.sql import meeting_ports
from dialogs.prompts.samples import sample_plans
from dialogs.store import SqlStore
from ivr.ami.client import AmiClient
from ivr.api import calls as calls_api
from ivr.api import health as health_api
from ivr.api import meetings as meetings_api
from ivr.api import reminders as reminders_api
from ivr.api.guards import install_api_guards
from ivr.audiosocket.server import AudioSocketServer, CallHandler
from ivr.callbacks import api as callbacks_api
from ivr.callbacks.calls import CallbackCalls
from ivr.callbacks.service import callbacks_service
from ivr.calls.engines import load_asr_engines
from ivr.calls.leftovers import recover_leftovers
from ivr.calls.recorder import Recordings
from ivr.calls.registry import CallRegistry
from ivr.calls.session import CallInfo, CallSession, SessionDeps, Transferrer
from ivr.calls.timings import TimingStore
from ivr.console.router import include_console
from ivr.meetings.upkeep import meetings_upkeep
from ivr.ops import metrics as metrics_api
from ivr.ops.loopwatch import LoopWatch
from ivr.reminders.calls import ReminderCalls
from ivr.reminders.service import reminders_service
from ivr.runtime import Runtime
from ivr.secrets import install_keys
from ivr.settings import Settings
from ivr.sms import inbound as sms_api
from ivr.sms.channel import sms_channel
from ivr.softphone.router import include_softphone
from ivr.wiring import build_nlu
from ledger_client.services import build_ledger_services
from models.base import make_sessionmaker, utcnow
from models.migrate import engine_for, upgrade_to_head
from models.recording_store import RecordingStore
from speech.tts.speaker import Speaker

log = logging.getLogger(__name__)


class SoftphoneCalls:
    """Lets the browser softphone open a call into the same pipeline (registered exactly like an Asterisk call)."""

    def __init__(self, registry: CallRegistry) -> None:
        self._registry = registry

    async def open_call(self, caller: str) -> tuple[uuid.UUID, CallHandler]:
        info = self._registry.register(caller=caller, dialled="softphone")
        session = self._registry.accept(info.call_id)
        assert session is not None
        return info.call_id, session


def session_factory(deps: SessionDeps) -> Callable[[CallInfo, Callable[[CallSession], None]], CallSession]:
    def new(info: CallInfo, on_end: Callable[[CallSession], None]) -> CallSession:
        return CallSession(info, deps, on_end=on_end)

    return new


@asynccontextmanager
async def run_ivr(settings: Settings, *, show_progress: bool = False) -> AsyncIterator[Runtime]:
    """The whole IVR runtime (used by the app's lifespan, the bench and tests), with its loop-lag watch."""
    watch = LoopWatch(interval_ms=settings.ops.loop_lag_interval_ms, stall_ms=settings.ops.loop_stall_ms).start()
    try:
        async with _run_ivr(settings, show_progress=show_progress, worker=settings.ops.worker,
                            watch=watch) as runtime:
            yield runtime
    finally:
        await watch.stop()


@asynccontextmanager
async def _run_ivr(settings: Settings, *, show_progress: bool, worker: int, watch: LoopWatch
                   ) -> AsyncIterator[Runtime]:
    install_keys(settings)  # follows `ivr keys rotate` run by another process while this one runs
    await asyncio.to_thread(upgrade_to_head, settings)
    engine = engine_for(settings)
    sessions = make_sessionmaker(engine)
    timeout = httpx.Timeout(settings.ledger.read_timeout_s, connect=settings.ledger.connect_timeout_s)
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    try:
        await recover_leftovers(sessions, RecordingStore.from_settings(settings))  # what a crash left behind
        async with httpx.AsyncClient(timeout=timeout, limits=limits) as http:
            ledger = build_ledger_services(settings=settings, http=http, sessions=sessions)
            nlu = build_nlu(settings, http)
            store = SqlStore(sessions)
            cfg = settings.calls
            asr = await load_asr_engines(settings.speech, cfg.languages)
            speaker = Speaker(settings)
            for lang in cfg.languages:
                await asyncio.to_thread(speaker.preload, lang)  # voices load once, before the first call
            tts_notes = speaker.describe()
            for note in tts_notes:
                log.info("TTS %s", note)
            if cfg.warm_prompts:
                # static prompts and the text around every prompt's values (value phrases are cached on use)
                warmed = await speaker.warm(sample_plans(cfg.languages), show_progress=show_progress)
                log.info("prompt cache warmed: %d renderings", warmed)
            transferrer, ami = await _start_ami(settings)

            def new_dialog(call_id: uuid.UUID) -> Dialog:
                return Dialog(ledger=ledger.reads, nlu=nlu, store=store, clock=utcnow, settings=settings.dialogs,
                              call_id=call_id, meetings=meeting_ports(ledger.outbox, sessions))

            deps = SessionDeps(speaker=speaker, asr_for=asr.for_lang, open_asr_for=asr.open_for, new_dialog=new_dialog,
                               timings=TimingStore(sessions), settings=cfg, vad=settings.speech.vad,
                               transferrer=transferrer,
                               recordings=Recordings(sessions=sessions, store=RecordingStore.from_settings(settings)))
            registry = CallRegistry(cfg, session_factory(deps))
            # An answered reminder call's UUID was stored by the runner before Originate: admitted to the reminder
            # dialog; any other UUID goes to the registry (calls registered over HTTP by the dialplan).
            # A callback's UUID (stored by the callback dialer before Originate) gets the member dialog.
            callback_calls = CallbackCalls(inner=registry, deps=deps, sessions=sessions, settings=settings)
            reminder_calls = ReminderCalls(inner=callback_calls, deps=deps, sessions=sessions, nlu=nlu,
                                           settings=settings)
            server = AudioSocketServer(settings.audiosocket, reminder_calls)
            # Everything loaded so far (lexicons, grammars, catalogs, models' Python objects: ~175k objects) lives
            # as long as the process; a full cyclic-GC pass over it stalls the loop ~70-140 ms (late frames), so
            # it is moved out of the collector's generations once, before the first call.
            gc.collect()
            gc.freeze()
            log.info("start-up heap frozen out of the cyclic GC: %d objects", gc.get_freeze_count())
            ledger.drainer.start()
            try:
                await server.start()
                try:
                    async with meetings_upkeep(settings, asr, sessions=sessions, drainer=ledger.drainer) as notes, \
                            callbacks_service(settings, sessions=sessions, ledger=ledger.reads, ami=ami) as callbacks:
                        yield Runtime(settings, http, ledger, speaker, asr, registry, server,
                                      [*asr.notes, *tts_notes, *notes], sessions=sessions,
                                      reminder_calls=reminder_calls, callbacks=callbacks, loopwatch=watch,
                                      worker=worker)
                finally:
                    await server.stop()
                    await reminder_calls.stop()
                    await callback_calls.stop()
                    await registry.stop()
            finally:
                gc.unfreeze()  # what this runtime held can be collected again once it is gone
                await ledger.drainer.stop()
                if ami is not None:
                    await ami.close()
    finally:
        engine.dispose()


async def _start_ami(settings: Settings) -> tuple[Transferrer | None, AmiClient | None]:
    if not settings.calls.ami_enabled:
        return None, None
    ami = AmiClient(settings.ami)
    await ami.start()  # then reconnects in the background; a transfer while it is down hands back to the dialplan
    return ami, ami


def create_app(settings: Settings) -> FastAPI:
    """The app for `settings` (built by the caller, never at import time)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with run_ivr(settings) as runtime, AsyncExitStack() as stack:
            app.state.runtime = runtime
            app.state.softphone_calls = SoftphoneCalls(runtime.registry)
            app.state.reminders = await stack.enter_async_context(
                reminders_service(settings, http=runtime.http, sessions=runtime.sessions))
            app.state.callbacks = runtime.callbacks  # POST /asterisk/missed-calls (None while callbacks are off)
            if settings.sms.enabled and runtime.sessions is not None:  # GET /sms/kannel + the SMS outbox drainer
                app.state.sms = await stack.enter_async_context(
                    sms_channel(settings, sessions=runtime.sessions, ledger=runtime.ledger.reads, http=runtime.http))
            yield

    app = FastAPI(title="MiKashBoks Voice", lifespan=lifespan)
    app.state.settings = settings
    install_api_guards(app)  # clear errors (missing keys) instead of bare 500s
    app.include_router(calls_api.router)
    app.include_router(callbacks_api.router)  # the dialplan reports ring-and-drops (missed-call callback)
    app.include_router(sms_api.router)  # Kannel's sms-service get-url (inbound SMS commands)
    app.include_router(health_api.router)
    app.include_router(metrics_api.router)  # GET /metrics (Prometheus), and the opt-in chaos stall hook
    app.include_router(meetings_api.router)  # admin: meetings recorded by phone, entries, recordings (audited)
    app.include_router(reminders_api.router)  # admin: reminder preview, statistics, pause/resume, opt-in/out
    include_softphone(app, settings)  # /phone and /phone/ws (off in production unless IVR_SOFTPHONE__ENABLED)
    include_console(app, settings)  # /console: the staff web console (stops start-up if its scripts are missing)
    return app
