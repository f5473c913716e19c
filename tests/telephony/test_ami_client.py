"""AMI client against a protocol-faithful AMI peer: login, originate outcomes, redirect, hangup, reconnect."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from ivr.ami.client import AmiClient
from ivr.ami.errors import AmiActionError, AmiAuthError, AmiConnectionError, AmiTimeout
from ivr.ami.events import (
    AmiEvent,
    DialBegin,
    DialEnd,
    DtmfBegin,
    DtmfEnd,
    Hangup,
    Newchannel,
    Newstate,
    OriginateReason,
    OriginateResponse,
)
from ivr.settings import AmiSettings
from tests.peers.ami_peer import AmiPeer

pytestmark = pytest.mark.integration

SECRET = "s3cret-for-tests-only"


def ami_settings(port: int, **kw: object) -> AmiSettings:
    base: dict[str, object] = {"host": "127.0.0.1", "port": port, "username": "mikashboks",
                               "secret": SecretStr(SECRET), "reconnect_initial_s": 0.05, "reconnect_max_s": 0.4,
                               "action_timeout_s": 2.0}
    base.update(kw)
    return AmiSettings(**base)  # type: ignore[arg-type]


@pytest.fixture
async def peer() -> AsyncIterator[AmiPeer]:
    p = await AmiPeer("mikashboks", SECRET, outcomes={
        "PJSIP/0700000001@trunk": "answer", "PJSIP/0700000002@trunk": "busy",
        "PJSIP/0700000003@trunk": "noanswer", "PJSIP/0700000004@trunk": "congestion",
        "PJSIP/0700000005@trunk": "fail"}).start()
    yield p
    await p.stop()


@pytest.fixture
async def client(peer: AmiPeer) -> AsyncIterator[AmiClient]:
    c = AmiClient(ami_settings(peer.port))
    await c.start()
    yield c
    await c.close()


async def events_until_originate_response(sub: object, action_id: str) -> list[AmiEvent]:
    got: list[AmiEvent] = []
    while True:
        ev = await sub.get(3)  # type: ignore[attr-defined]
        got.append(ev)
        if isinstance(ev, OriginateResponse) and ev.action_id == action_id:
            return got


async def test_login_ok_and_secret_never_logged(peer: AmiPeer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    c = AmiClient(ami_settings(peer.port))
    await c.start()
    try:
        assert c.connected and c.version == "11.0.0" and peer.logins_ok == 1
        await c.ping()
    finally:
        await c.close()
    assert SECRET not in caplog.text


async def test_bad_secret_is_a_typed_auth_error_naming_the_setting(peer: AmiPeer) -> None:
    c = AmiClient(ami_settings(peer.port, secret=SecretStr("wrong")))
    with pytest.raises(AmiAuthError, match="IVR_AMI__SECRET"):
        await c.start()
    assert peer.logins_failed == 1 and not c.connected
    await c.close()


async def test_nothing_listening_is_a_typed_connection_error() -> None:
    peer = await AmiPeer("u", "p").start()
    port = peer.port
    await peer.stop()
    with pytest.raises(AmiConnectionError, match="IVR_AMI__PORT"):
        await AmiClient(ami_settings(port)).start()


async def test_originate_answered_with_channel_variables(client: AmiClient, peer: AmiPeer) -> None:
    async with client.subscribe() as sub:
        pending = await client.originate("PJSIP/0700000001@trunk", exten="reminder", caller_id="MiKashBoks <100>",
                                         variables={"IVR_CALL_UUID": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
                                                    "IVR_PURPOSE": "loan_reminder"})
        result = await pending.result(3)
        events = await events_until_originate_response(sub, pending.action_id)
    sent = peer.actions[-1]
    assert sent["action"] == ["Originate"] and sent["async"] == ["true"]
    assert sent["variable"] == ["IVR_CALL_UUID=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "IVR_PURPOSE=loan_reminder"]
    assert sent["context"] == ["mikashboks-outbound"] and sent["timeout"] == ["30000"]
    assert result.answered and result.reason is OriginateReason.ANSWERED
    assert [type(e) for e in events] == [Newchannel, DialBegin, Newstate, Newstate, DialEnd, OriginateResponse]
    assert [e.state for e in events if isinstance(e, Newstate)] == [5, 6]
    assert isinstance(events[4], DialEnd) and events[4].dial_status == "ANSWER"
    assert result.channel == events[0].channel and result.uniqueid == events[0].uniqueid


@pytest.mark.parametrize(
    ("number", "reason", "cause", "dial_status"),
    [("0700000002", OriginateReason.BUSY, 17, "BUSY"), ("0700000003", OriginateReason.NO_ANSWER, 19, "NOANSWER"),
     ("0700000004", OriginateReason.CONGESTION, 34, "CONGESTION")],
)
async def test_originate_not_answered_reports_reason_and_hangup_cause(
    client: AmiClient, number: str, reason: OriginateReason, cause: int, dial_status: str
) -> None:
    async with client.subscribe() as sub:
        pending = await client.originate(f"PJSIP/{number}@trunk", exten="reminder")
        result = await pending.result(3)
        events = await events_until_originate_response(sub, pending.action_id)
    assert not result.success and result.reason is reason
    hangups = [e for e in events if isinstance(e, Hangup)]
    assert len(hangups) == 1 and hangups[0].cause == cause
    assert [e.dial_status for e in events if isinstance(e, DialEnd)] == [dial_status]


async def test_originate_failure_without_a_channel(client: AmiClient) -> None:
    pending = await client.originate("PJSIP/0700000005@trunk", exten="reminder")
    result = await pending.result(3)
    assert not result.success and result.reason is OriginateReason.FAILED


async def test_redirect_and_hangup_of_a_live_channel(client: AmiClient, peer: AmiPeer) -> None:
    result = await (await client.originate("PJSIP/0700000001@trunk", exten="reminder")).result(3)
    channel = result.channel
    await client.redirect(channel, exten="0711111111")
    sent = peer.actions[-1]
    assert sent["action"] == ["Redirect"] and sent["context"] == ["mikashboks-transfer"]
    assert sent["exten"] == ["0711111111"] and sent["priority"] == ["1"]
    async with client.subscribe() as sub:
        await peer.dtmf(channel, "5")
        await client.hangup(channel)
        got = [await sub.get(3) for _ in range(3)]
    assert [type(e) for e in got] == [DtmfBegin, DtmfEnd, Hangup]
    assert isinstance(got[1], DtmfEnd) and got[1].digit == "5" and got[1].duration_ms == 120
    assert isinstance(got[2], Hangup) and got[2].cause == 16
    with pytest.raises(AmiActionError, match="No such channel"):
        await client.redirect(channel, exten="0711111111")
    with pytest.raises(AmiActionError):
        await client.action("NoSuchAction")


async def test_header_injection_is_refused_before_anything_is_sent(client: AmiClient, peer: AmiPeer) -> None:
    before = len(peer.actions)
    with pytest.raises(ValueError):
        await client.originate("PJSIP/1@trunk", caller_id="x\r\nAction: Hangup")
    with pytest.raises(ValueError):
        await client.originate("PJSIP/1@trunk", variables={"BAD NAME": "1"})
    await client.ping()
    assert len(peer.actions) == before + 1


async def test_reconnects_with_backoff_and_logs_in_again(client: AmiClient, peer: AmiPeer) -> None:
    await peer.stop()  # Asterisk restarts: sessions dropped and the port closed for a while
    await asyncio.sleep(0.05)
    assert not client.connected
    with pytest.raises(AmiConnectionError):
        await client.ping()
    await asyncio.sleep(0.5)  # several failed attempts with growing delays
    await peer.start(peer.port)
    await client.wait_connected(5)
    assert peer.logins_ok == 2
    result = await (await client.originate("PJSIP/0700000002@trunk", exten="reminder")).result(3)
    assert result.reason is OriginateReason.BUSY


async def test_pending_originate_fails_typed_when_the_connection_drops(client: AmiClient, peer: AmiPeer) -> None:
    peer.step_s = 0.5  # events come slowly; drop the session before the OriginateResponse
    pending = await client.originate("PJSIP/0700000001@trunk", exten="reminder")
    await peer.drop_connections()
    with pytest.raises(AmiConnectionError):
        await pending.result(3)
    await client.wait_connected(5)
    assert peer.logins_ok == 2


async def test_unanswered_action_times_out_and_keepalive_reconnects(peer: AmiPeer) -> None:
    c = AmiClient(ami_settings(peer.port, action_timeout_s=0.2, ping_interval_s=0.3))
    await c.start()
    try:
        peer.silent = True
        with pytest.raises(AmiTimeout):
            await c.ping()
        await asyncio.sleep(0.8)  # the keepalive Ping times out too → the half-open session is dropped
        peer.silent = False
        await c.wait_connected(5)
        assert peer.logins_ok >= 2
        await c.ping()
    finally:
        await c.close()
