"""The SMS channel on real components: a real Kannel (bearerbox + smsbox + fakesmsc), the IVR's /sms/kannel
endpoint served by uvicorn, the reference ledger over HTTP (demo data), demo PINs and reminder contacts."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from ivr.cli.ledger import set_demo_pins
from ivr.reminders.store import ReminderStore
from ivr.settings import Settings
from ivr.sms import inbound as sms_api
from ivr.sms.channel import SmsChannel, build_sms_channel
from ledger_client.services import build_ledger_services
from ledger_core.demo_people import demo_members
from models.base import make_sessionmaker
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from tests.fakes.dialog_fakes import FakeClock
from tests.fixtures.kannel import KannelProcess, kannel_binaries
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port
from tests.fixtures.settings import make_test_settings

SHORT_CODE = "15000"
TOKEN = "test-inbound-token"


def need_kannel() -> None:
    if kannel_binaries() is None:
        pytest.skip("Kannel is not installed: bash scripts/setup.sh 70-kannel")


@dataclass
class SmsStack:
    settings: Settings
    kannel: KannelProcess
    channel: SmsChannel
    sessions: sessionmaker[Session]
    http: httpx.AsyncClient
    clock: FakeClock
    ivr_url: str

    async def wait_messages(self, phone: str, count: int, timeout: float = 30.0) -> list[str]:
        """The whole messages delivered to `phone` once there are at least `count` (fails after `timeout`)."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.kannel.messages_to(phone)
            if len(got) >= count:
                return got
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(got)} SMS to the member after {timeout} s, expected {count}")
            await asyncio.sleep(0.1)


def stack_settings(tmp: Path, ledger: LedgerCoreProcess, ivr_port: int, **overrides: object) -> Settings:
    base: dict[str, object] = {
        "ledger": {"base_url": ledger.base_url},
        "http": {"port": ivr_port},
        "sms": {"enabled": True, "inbound_token": SecretStr(TOKEN), "sendsms_username": "mikashboks",
                "sendsms_password": SecretStr("test-sendsms-secret"), "sender": SHORT_CODE,
                "retry_delays_s": [0.2, 0.5], "drain_every_s": 0.1},
        "ami": {"secret": SecretStr("test-ami-secret"), "ping_interval_s": 60.0},
    }
    base.update(overrides)
    return make_test_settings(tmp, **base)


@contextlib.asynccontextmanager
async def sms_stack(tmp: Path, ledger: LedgerCoreProcess, clock: FakeClock, **overrides: object,
                    ) -> AsyncIterator[SmsStack]:
    need_kannel()
    ivr_port = free_port()
    kannel_dir = tmp / "kannel"
    kannel_dir.mkdir()
    kannel = KannelProcess(kannel_dir, ivr_url=f"http://127.0.0.1:{ivr_port}", inbound_token=TOKEN,
                           username="mikashboks", password="test-sendsms-secret")
    sms = {**overrides.pop("sms", {}), "sendsms_url": kannel.sendsms_url}  # type: ignore[dict-item]
    settings = stack_settings(tmp, ledger, ivr_port, **overrides)
    settings = settings.model_copy(update={"sms": settings.sms.model_copy(update=sms)})
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    set_demo_pins(settings)
    engine = engine_for(settings)
    sessions = make_sessionmaker(engine)
    await ReminderStore(sessions, settings.reminders).set_contacts([(m.member_id, m.phone) for m in demo_members()])
    kannel.start()
    try:
        async with httpx.AsyncClient() as http:
            ledger_services = build_ledger_services(settings=settings, http=http, sessions=sessions)
            channel = build_sms_channel(settings, sessions=sessions, ledger=ledger_services.reads, http=http,
                                        clock=clock)
            app = FastAPI()
            app.state.settings = settings
            app.state.sms = channel
            app.include_router(sms_api.router)
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=ivr_port, log_level="warning"))
            task = asyncio.create_task(server.serve())
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
            channel.outbox.start()
            try:
                yield SmsStack(settings, kannel, channel, sessions, http, clock, f"http://127.0.0.1:{ivr_port}")
            finally:
                await channel.outbox.stop()
                server.should_exit = True
                await asyncio.wait_for(task, 30)
    finally:
        kannel.stop()
        engine.dispose()
