"""Console test set-up: a migrated IVR database, the console mounted on a bare FastAPI app (no IVR lifespan), an
HTTPS-looking client (Secure cookies are sent) and helpers to add staff and sign in like a browser does."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from ivr.console.accounts import add_staff, record_consent
from ivr.console.router import include_console
from ivr.settings import Settings
from models.base import make_sessionmaker, utcnow
from models.calls import Call, Turn
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from tests.fixtures.settings import make_test_settings

PASSWORD = "correct horse battery staple"
UMOJA, TUMAINI = "g-kes-umoja", "g-tzs-tumaini"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Db:
    settings: Settings
    sessions: sessionmaker[Session]

    def staff(self, name: str, role: str = "field_officer", groups: tuple[str, ...] = ()) -> None:
        with self.sessions.begin() as s:
            add_staff(s, name, role, PASSWORD, actor="test", min_length=10, groups=groups)

    def consent(self, group_id: str, granted: bool = True) -> None:
        with self.sessions.begin() as s:
            record_consent(s, group_id, granted, note="minutes of the test meeting", actor="test")

    def call(self, group_id: str | None, *, transcript: str = "how much have I saved", phone: str = "+254700000111",
             minutes_ago: int = 5) -> uuid.UUID:
        """A finished call with one timed turn (what the dialog and the audio pipeline store)."""
        call_id = uuid.uuid4()
        start = utcnow() - timedelta(minutes=minutes_ago)
        with self.sessions.begin() as s:
            s.add(Call(id=call_id, direction="in", purpose="self_service", caller_phone=phone, caller_name="Grace W",
                       group_id=group_id, member_id="m-0001" if group_id else None, language="en", started_at=start,
                       answered_at=start, ended_at=start + timedelta(seconds=70), outcome="completed"))
            s.add(Turn(call_id=call_id, seq=1, prompt_id="main_menu", transcript=transcript, intent="ask_savings",
                       confidence=0.93, speech_end_ms=1200, asr_final_ms=1350, nlu_ms=4, ledger_ms=20,
                       first_audio_ms=1680, created_at=start + timedelta(seconds=10)))
        return call_id


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Db]:
    settings = make_test_settings(tmp_path)
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    engine = engine_for(settings)
    try:
        yield Db(settings, make_sessionmaker(engine))
    finally:
        engine.dispose()


@pytest.fixture
def app(db: Db) -> Iterator[FastAPI]:
    app = FastAPI()
    app.state.settings = db.settings
    include_console(app, db.settings)
    yield app
    own = app.state.console.own_sessions
    if own is not None:
        own.kw["bind"].dispose()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://console.test") as c:
        yield c


def csrf_of(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, name: str, password: str = PASSWORD) -> httpx.Response:
    form = await client.get("/console/sign-in")
    return await client.post("/console/sign-in", data={"name": name, "password": password,
                                                       "csrf_token": csrf_of(form.text), "next": "/console/today"})


async def signed_in(client: httpx.AsyncClient, name: str) -> str:
    """Sign in and return the session's CSRF token (read from a page, as a browser has it)."""
    answer = await sign_in(client, name)
    assert answer.status_code == 303, answer.text
    return csrf_of((await client.get("/console/groups")).text)
