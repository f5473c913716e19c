"""GET /sms/kannel as Kannel's get-url calls it (the real router, the real channel over a fake ledger and a scripted
gateway): the token, the channel switch, a bad sender, a re-delivered message handled once, UCS-2 text decoded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote, quote_from_bytes

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ivr.settings import Settings
from ivr.sms import inbound as sms_api
from ivr.sms.channel import build_sms_channel
from models.pins import set_pin
from models.reach import SmsInbound, SmsOutbox
from tests.fakes.dialog_fakes import PHONE_ONE, FakeClock, FakeLedger
from tests.sms.test_outbox import ScriptedGateway


@pytest.fixture
async def client(sessions: sessionmaker[Session], ivr_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    settings = ivr_settings.model_copy(update={"sms": ivr_settings.sms.model_copy(update={
        "enabled": True, "inbound_token": SecretStr("tok")})})
    with sessions.begin() as s:
        set_pin(s, "m-1", "4826")
    async with httpx.AsyncClient() as http:
        app = FastAPI()
        app.state.settings = settings
        app.state.sms = build_sms_channel(settings, sessions=sessions, ledger=FakeLedger(), http=http,
                                          gateway=ScriptedGateway(), clock=FakeClock())
        app.include_router(sms_api.router)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ivr") as c:
            c.app = app  # type: ignore[attr-defined]
            yield c


def url(text: bytes, *, token: str = "tok", sender: str = PHONE_ONE, msg_id: str = "id-1", coding: int = 0) -> str:
    return (f"/sms/kannel?token={token}&from={quote(sender)}&to=15000&text={quote_from_bytes(text)}"
            f"&coding={coding}&charset={'UTF-16BE' if coding == 2 else 'UTF-8'}&id={msg_id}")


async def test_the_token_and_a_bad_sender(client: httpx.AsyncClient) -> None:
    assert (await client.get(url(b"help", token="nope"))).status_code == 403
    assert (await client.get(url(b"help", sender=""))).status_code == 400
    ok = await client.get(url(b"help"))
    assert (ok.status_code, ok.text) == (200, "")  # the reply goes through the outbox, not the answer body


async def test_a_redelivered_message_is_handled_once(client: httpx.AsyncClient,
                                                     sessions: sessionmaker[Session]) -> None:
    for _ in range(3):
        assert (await client.get(url(b"savings 4826", msg_id="same"))).status_code == 200
    with sessions() as s:
        assert len(s.scalars(select(SmsInbound)).all()) == 1
        (out,) = s.scalars(select(SmsOutbox)).all()
        assert out.key == "reply|same" and "KES" in out.body


async def test_ucs2_text_is_decoded(client: httpx.AsyncClient, sessions: sessionmaker[Session]) -> None:
    assert (await client.get(url("Akíba 4826".encode("utf-16-be"), coding=2, msg_id="u1"))).status_code == 200
    with sessions() as s:
        row = s.scalars(select(SmsInbound)).one()
        assert (row.command, row.outcome, row.language) == ("savings", "figures", "sw")


async def test_the_channel_switched_off(client: httpx.AsyncClient) -> None:
    client.app.state.sms = None  # type: ignore[attr-defined]
    assert (await client.get(url(b"help"))).status_code == 503
