"""Missed-call callback end to end on real parts: the dialplan's POST /asterisk/missed-calls (the real router), the
real ledger over HTTP (who rang), the real AMI client against the protocol-faithful AMI peer, a frozen clock.

Ring-and-drop → one callback after the delay (into [mikashboks-outbound] exten `callback`, admitted into the member
dialog: identity first, PIN before any figure); ten drops in a minute → one callback; quiet hours respected;
unknown numbers at most once a day (or never); outcomes stored for the statistics."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dialogs.engine import Dialog
from dialogs.events import CallStarted
from dialogs.store import SqlStore
from dialogs.text import action_lines
from ivr.ami import AmiClient
from ivr.callbacks import api as callbacks_api
from ivr.callbacks.calls import CallbackCalls
from ivr.callbacks.service import callbacks_service
from ivr.callbacks.stats import callback_stats
from ivr.calls.session import SessionDeps
from ivr.settings import Settings
from ledger_client.services import build_ledger_services
from ledger_core.demo_people import demo_members
from models.base import make_sessionmaker
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from models.reach import Callback, CallbackAttempt, MissedCall
from tests.fakes.dialog_fakes import FakeClock, FakeNlu
from tests.fixtures.ledger_server import LedgerCoreProcess
from tests.fixtures.settings import make_test_settings
from tests.peers.ami_peer import AmiPeer

pytestmark = pytest.mark.integration
NAIROBI = ZoneInfo("Africa/Nairobi")
TOKEN = "test-register-token"
UMOJA = "g-kes-umoja"


def channel(phone: str) -> str:
    return f"PJSIP/{phone.lstrip('+')}@trunk"


@dataclass
class Line:
    settings: Settings
    sessions: sessionmaker[Session]
    peer: AmiPeer
    ami: AmiClient
    clock: FakeClock
    http: httpx.AsyncClient  # to the app with the missed-call router
    scheduler: Any

    async def drop(self, phone: str) -> str:
        r = await self.http.post("/asterisk/missed-calls", headers={"X-IVR-Token": TOKEN},
                                 data={"caller": phone, "dialled": "+254700111222", "uniqueid": "1764144000.9"})
        assert r.status_code == 200, r.text
        return r.text

    async def tick(self) -> int:
        dialer = self.scheduler.dialer
        dials = await dialer.tick()
        await dialer.idle()
        return len(dials)

    async def hang_up(self) -> None:
        """The member hangs up the answered callback; returns once the Hangup event has closed it (bounded)."""
        await self.ami.hangup(next(iter(self.peer.channels)))
        for _ in range(1000):
            with self.sessions() as s:
                if not s.scalars(select(Callback).where(Callback.status.in_(("dialing", "in_call")))).all():
                    return
            await asyncio.sleep(0.01)
        raise AssertionError("the callback was not closed by its Hangup within 10 s")

    def originates(self) -> list[dict[str, list[str]]]:
        return [a for a in self.peer.actions if a.get("action") == ["Originate"]]


@contextlib.asynccontextmanager
async def line(tmp_path: Path, ledger: LedgerCoreProcess, local: datetime, **callbacks: Any) -> AsyncIterator[Line]:
    peer = await AmiPeer("mikashboks", "test-ami-secret", step_s=0.002).start()
    settings = make_test_settings(
        tmp_path, ledger={"base_url": ledger.base_url},
        ami={"port": peer.port, "secret": SecretStr("test-ami-secret"), "ping_interval_s": 60.0},
        calls={"register_token": SecretStr(TOKEN)},
        callbacks={"enabled": True, "delay_s": 20, "min_interval_min": 10, **callbacks},
    )  # fmt: skip
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    engine = engine_for(settings)
    sessions = make_sessionmaker(engine)
    clock = FakeClock(local.astimezone(ZoneInfo("UTC")))
    ami = AmiClient(settings.ami)
    await ami.start()
    try:
        async with httpx.AsyncClient() as ledger_http:
            reads = build_ledger_services(settings=settings, http=ledger_http, sessions=sessions).reads
            async with callbacks_service(settings, sessions=sessions, ledger=reads, ami=ami, clock=clock,
                                         start=False) as scheduler:
                app = FastAPI()
                app.state.settings, app.state.callbacks = settings, scheduler
                app.include_router(callbacks_api.router)
                async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ivr") as http:
                    yield Line(settings, sessions, peer, ami, clock, http, scheduler)
    finally:
        await ami.close()
        await peer.stop()
        engine.dispose()


def a_weekday_morning() -> datetime:
    return datetime(2026, 12, 1, 10, 0, tzinfo=NAIROBI)  # a Tuesday


async def test_ring_and_drop_gets_one_callback_after_the_delay_into_the_member_dialog(
        tmp_path: Path, ledger_server: LedgerCoreProcess) -> None:
    member = next(m for m in demo_members() if m.group_id == UMOJA)
    async with line(tmp_path, ledger_server, a_weekday_morning()) as ln:
        assert await ln.drop(member.phone) == "ok scheduled"
        ln.clock.advance(seconds=19)
        assert await ln.tick() == 0 and ln.originates() == []  # not before the delay
        ln.clock.advance(seconds=1)
        assert await ln.tick() == 1
        (originate,) = ln.originates()
        variables = dict(v.split("=", 1) for v in originate["variable"])
        assert originate["channel"] == [channel(member.phone)]
        assert (originate["context"], originate["exten"]) == (["mikashboks-outbound"], ["callback"])
        assert variables["IVR_PURPOSE"] == "callback"
        call_id = uuid.UUID(variables["IVR_CALL_UUID"])

        # the answered channel reaches AudioSocket(): admitted once, into the normal member dialog
        calls = CallbackCalls(inner=_Refuse(), deps=_deps(ln), sessions=ln.sessions, settings=ln.settings,
                              clock=ln.clock)
        session = await calls.accept(call_id)
        assert session is not None and session.info.purpose == "callback" and session.info.direction == "out"
        assert session.info.caller == member.phone
        assert await calls.accept(call_id) is None  # a UUID connects once
        async with httpx.AsyncClient() as http:
            reads = build_ledger_services(settings=ln.settings, http=http, sessions=ln.sessions).reads
            dialog = Dialog(ledger=reads, nlu=FakeNlu(), store=SqlStore(ln.sessions), clock=ln.clock,
                            settings=ln.settings.dialogs, call_id=call_id)
            said = action_lines(await dialog.handle(CallStarted(member.phone, direction="out", purpose="callback")))
        assert any(f"Hello {member.first_name}" in s for s in said) and any("PIN" in s for s in said)
        assert not any("savings are" in s for s in said)  # no figure before the PIN

        # the member hangs up: Asterisk reports Hangup, the callback is done
        await ln.hang_up()
        with ln.sessions() as s:
            cb = s.scalars(select(Callback)).one()
            (attempt,) = s.scalars(select(CallbackAttempt)).all()
            assert (cb.status, cb.attempts, attempt.outcome, attempt.admitted) == ("done", 1, "answered", True)
        stats = await asyncio.to_thread(callback_stats, ln.sessions)
        assert (stats.missed_calls, stats.called_back, stats.answered, stats.no_answer) == (1, 1, 1, 0)


async def test_ten_drops_in_a_minute_are_one_callback(tmp_path: Path, ledger_server: LedgerCoreProcess) -> None:
    member = next(m for m in demo_members() if m.group_id == UMOJA)
    async with line(tmp_path, ledger_server, a_weekday_morning()) as ln:
        ln.peer.outcomes = {channel(member.phone): "noanswer"}
        said = []
        for _ in range(10):
            said.append(await ln.drop(member.phone))
            assert await ln.tick() <= 1
            ln.clock.advance(seconds=6)
        assert said[0] == "ok scheduled" and said.count("ok scheduled") == 1
        assert len(ln.originates()) == 1  # one callback, placed after the delay
        # not answered: one retry 5 minutes later (the short ladder), drops meanwhile are rate-limited
        assert await ln.drop(member.phone) in ("ok rate_limited", "ok merged")
        ln.clock.advance(minutes=5)
        assert await ln.tick() == 1
        ln.clock.advance(minutes=30)
        assert await ln.tick() == 0
        assert len(ln.originates()) == 2
        stats = await asyncio.to_thread(callback_stats, ln.sessions)
        assert (stats.called_back, stats.answered, stats.no_answer, stats.retries, stats.gave_up) == (1, 0, 2, 1, 1)
        assert stats.missed_calls == 11 and stats.by_disposition["scheduled"] == 1
        # after the rate-limit window a new drop is a new request
        ln.clock.advance(minutes=10)
        assert await ln.drop(member.phone) == "ok scheduled"


async def test_quiet_hours_hold_the_callback_until_the_morning(tmp_path: Path,
                                                               ledger_server: LedgerCoreProcess) -> None:
    member = next(m for m in demo_members() if m.group_id == UMOJA)
    evening = datetime(2026, 12, 1, 21, 30, tzinfo=NAIROBI)
    async with line(tmp_path, ledger_server, evening) as ln:
        assert await ln.drop(member.phone) == "ok scheduled"
        ln.clock.advance(minutes=1)
        assert await ln.tick() == 0
        ln.clock.now = datetime(2026, 12, 2, 7, 59, 59, tzinfo=NAIROBI).astimezone(ZoneInfo("UTC"))
        assert await ln.tick() == 0 and ln.originates() == []
        ln.clock.now = datetime(2026, 12, 2, 8, 0, tzinfo=NAIROBI).astimezone(ZoneInfo("UTC"))
        assert await ln.tick() == 1 and len(ln.originates()) == 1


async def test_unknown_numbers_at_most_once_a_day_or_never(tmp_path: Path, ledger_server: LedgerCoreProcess) -> None:
    stranger = "+254799000111"
    async with line(tmp_path / "a", ledger_server, a_weekday_morning(), min_interval_min=1) as ln:
        assert await ln.drop(stranger) == "ok scheduled"
        ln.clock.advance(seconds=20)
        assert await ln.tick() == 1
        await ln.hang_up()
        ln.clock.advance(minutes=30)
        assert await ln.drop(stranger) == "ok unknown_once"
        ln.clock.advance(days=1)
        assert await ln.drop(stranger) == "ok scheduled"
        with ln.sessions() as s:
            assert {c.kind for c in s.scalars(select(Callback))} == {"unknown"}
    async with line(tmp_path / "b", ledger_server, a_weekday_morning(), unknown_numbers="never") as ln:
        assert await ln.drop(stranger) == "ok unknown_off"
        assert await ln.drop("anonymous") == "ok hidden"
        with ln.sessions() as s:
            assert s.scalars(select(Callback)).all() == []
            assert [m.disposition for m in s.scalars(select(MissedCall))] == ["unknown_off"]


async def test_daily_cap_per_member_and_the_token(tmp_path: Path, ledger_server: LedgerCoreProcess) -> None:
    member = next(m for m in demo_members() if m.group_id == UMOJA)
    async with line(tmp_path, ledger_server, a_weekday_morning(), max_per_member_per_day=2,
                    min_interval_min=0) as ln:
        ln.peer.outcomes = {channel(member.phone): "busy"}
        got = []
        for _ in range(3):
            got.append(await ln.drop(member.phone))
            ln.clock.advance(seconds=20)
            await ln.tick()
            ln.clock.advance(minutes=6)
            await ln.tick()  # the retry
        assert got == ["ok scheduled", "ok scheduled", "ok member_cap"]
        r = await ln.http.post("/asterisk/missed-calls", data={"caller": member.phone})
        assert (r.status_code, r.text) == (403, "refused")


class _Refuse:
    def accept(self, call_id: uuid.UUID) -> None:
        return None


def _deps(ln: Line) -> SessionDeps:
    return SessionDeps(speaker=None, asr_for=lambda _lang: None, new_dialog=lambda _cid: None,  # type: ignore[arg-type,return-value]
                       timings=None, settings=ln.settings.calls, vad=ln.settings.speech.vad)
