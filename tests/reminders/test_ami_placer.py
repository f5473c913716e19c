"""The reminder placer through the real AMI client against the protocol-faithful AMI peer: a failed attempt's
OriginateResponse names no Uniqueid, so its hang-up cause (busy 17, no answer 19) comes from the channel's Hangup
event, before or after the response; the caller ID carries a number; dialling outside development needs one."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from ivr.ami import AmiClient
from ivr.ami.config import AmiSettings
from ivr.reminders.config import RemindersSettings
from ivr.reminders.placer import AmiPlacer, Placed
from ivr.reminders.service import MissingCallerNumber, reminders_service
from ivr.reminders.store import Dial
from tests.fixtures.settings import make_test_settings
from tests.peers.ami_peer import AmiPeer

pytestmark = pytest.mark.integration
NUMBER = "+254700999000"


@pytest.fixture
async def peer() -> AsyncIterator[AmiPeer]:
    p = await AmiPeer("mikashboks", "s3cret", step_s=0.002).start()
    yield p
    await p.stop()


@pytest.fixture
async def ami(peer: AmiPeer) -> AsyncIterator[AmiClient]:
    client = AmiClient(AmiSettings(port=peer.port, secret=SecretStr("s3cret"), ping_interval_s=60.0))
    await client.start()
    yield client
    await client.close()


def dial(phone: str) -> Dial:
    return Dial(reminder_id=1, call_id=uuid.uuid4(), phone=phone, group_id="g", attempt=1)


@pytest.mark.parametrize("hangup_after_response", [False, True], ids=["hangup first", "response first"])
async def test_failed_attempts_carry_the_hangup_cause(peer: AmiPeer, ami: AmiClient,
                                                      hangup_after_response: bool) -> None:
    peer.hangup_after_response = hangup_after_response
    peer.outcomes = {"PJSIP/254700000002@trunk": "busy", "PJSIP/254700000003@trunk": "noanswer",
                     "PJSIP/254700000004@trunk": "congestion"}
    async with AmiPlacer(ami, RemindersSettings(caller_id_number=NUMBER), ring_s=5) as placer:
        placed = await asyncio.gather(*(placer.place(dial(f"+25470000000{n}")) for n in (2, 3, 4)))
    assert placed == [Placed("busy", 17), Placed("no_answer", 19), Placed("congestion", 34)]


async def test_an_originate_without_a_channel_fails_without_a_cause(peer: AmiPeer, ami: AmiClient) -> None:
    peer.outcomes = {"PJSIP/254700000005@trunk": "fail"}
    async with AmiPlacer(ami, RemindersSettings(caller_id_number=NUMBER), ring_s=5) as placer:
        assert await placer.place(dial("+254700000005")) == Placed("failed", None)


async def test_answered_call_ends_with_its_hangup_and_shows_name_and_number(peer: AmiPeer, ami: AmiClient) -> None:
    ended: list[tuple[uuid.UUID, int | None]] = []

    async def on_end(call_id: uuid.UUID, cause: int | None) -> None:
        ended.append((call_id, cause))

    d = dial("+254700000001")
    async with AmiPlacer(ami, RemindersSettings(caller_id_number=NUMBER), ring_s=5) as placer:
        placer.set_on_end(on_end)
        assert await placer.place(d) == Placed("answered")
        originate = [a for a in peer.actions if a.get("action") == ["Originate"]][-1]
        assert originate["callerid"] == [f'"MiKashBoks" <{NUMBER}>']
        assert originate["channelid"] == [str(d.call_id)]  # the channel's Uniqueid is the call's UUID
        (name,) = peer.channels
        await ami.hangup(name, 16)
        for _ in range(200):
            if ended:
                break
            await asyncio.sleep(0.01)
    assert ended == [(d.call_id, 16)]


async def test_dialling_outside_development_needs_a_caller_number(tmp_path: Path) -> None:
    settings = make_test_settings(tmp_path, env="production", reminders={"caller_id_number": ""})  # none set
    with pytest.raises(MissingCallerNumber, match="IVR_REMINDERS__CALLER_ID_NUMBER") as err:
        async with reminders_service(settings, dial=True):
            pass
    assert "\n" not in str(err.value)
    with pytest.raises(ValueError, match="caller_id_number"):
        RemindersSettings(caller_id_number="07 00 abc")


@pytest.mark.parametrize("media_addr", ["", "10.0.0.5:9093"], ids=["one process", "worker 1"])
async def test_a_worker_asks_for_its_calls_back_with_ivr_media_addr(peer: AmiPeer, ami: AmiClient,
                                                                   media_addr: str) -> None:
    d = dial("+254700000001")
    async with AmiPlacer(ami, RemindersSettings(caller_id_number=NUMBER), ring_s=5, media_addr=media_addr) as placer:
        assert await placer.place(d) == Placed("answered")
    originate = [a for a in peer.actions if a.get("action") == ["Originate"]][-1]
    variables = originate["variable"]
    assert f"IVR_CALL_UUID={d.call_id}" in variables
    assert ([v for v in variables if v.startswith("IVR_MEDIA_ADDR=")]
            == ([f"IVR_MEDIA_ADDR={media_addr}"] if media_addr else []))  # absent: the dialplan's AUDIOSOCKET_ADDR
