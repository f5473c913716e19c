"""The SMS outbox with a scripted gateway (the real Kannel is in test_kannel_acceptance.py): idempotent enqueue,
retries with delays, a resumed send skips the parts already taken, an uncertain send is never repeated, refusals
and opt-outs park the message with a reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ivr.settings import Settings
from ivr.sms.kannel import SmsPart, SmsRejected, SmsUnavailable, SmsUncertain
from ivr.sms.outbox import SmsOutbox
from models.members import MemberPreference
from models.reach import SmsOutbox as Row
from tests.fakes.dialog_fakes import FakeClock

PHONE = "+254700000001"


@dataclass
class ScriptedGateway:
    """Raises the scripted errors in order (None = accept), then accepts everything."""

    script: list[Exception | None] = field(default_factory=list)
    taken: list[SmsPart] = field(default_factory=list)

    async def send(self, part: SmsPart) -> None:
        if self.script:
            error = self.script.pop(0)
            if error is not None:
                raise error
        self.taken.append(part)


def outbox(sessions: sessionmaker[Session], settings: Settings, gateway: ScriptedGateway,
           clock: FakeClock) -> SmsOutbox:
    s = settings.sms.model_copy(update={"retry_delays_s": [10.0, 60.0], "max_attempts": 3})
    return SmsOutbox(sessions, gateway, s, clock)


def row(sessions: sessionmaker[Session]) -> Row:
    with sessions() as s:
        return s.scalars(select(Row)).one()


async def test_enqueue_is_idempotent_and_a_long_text_goes_in_parts(sessions: sessionmaker[Session],
                                                                    ivr_settings: Settings) -> None:
    gw, clock = ScriptedGateway(), FakeClock()
    box = outbox(sessions, ivr_settings, gw, clock)
    text = " ".join(["habari"] * 40)  # 279 septets: two parts
    assert await box.enqueue("k1", PHONE, text, purpose="reply") is True
    assert await box.enqueue("k1", PHONE, text, purpose="reply") is False
    assert (await box.drain_once()).sent == 1
    assert [p.udh[3:] for p in gw.taken if p.udh] == [bytes([row(sessions).concat_ref, 2, 1]),
                                                      bytes([row(sessions).concat_ref, 2, 2])]
    assert "".join(p.text for p in gw.taken) == text and {p.coding for p in gw.taken} == {0}
    assert (await box.drain_once()).sent == 0  # sent once, never again


async def test_a_failed_part_is_retried_later_and_the_taken_part_is_not_sent_again(
        sessions: sessionmaker[Session], ivr_settings: Settings) -> None:
    gw, clock = ScriptedGateway([None, SmsUnavailable("down")]), FakeClock()
    box = outbox(sessions, ivr_settings, gw, clock)
    await box.enqueue("k2", PHONE, "í" * 100, purpose="reply")  # UCS-2: two parts
    assert (await box.drain_once()).retried == 1
    assert len(gw.taken) == 1 and row(sessions).segments_sent == 1
    assert (await box.drain_once()).sent == 0  # not due yet: 10 s later
    clock.advance(seconds=10)
    assert (await box.drain_once()).sent == 1
    assert [p.udh[-1] for p in gw.taken if p.udh] == [1, 2] and {p.coding for p in gw.taken} == {2}
    assert row(sessions).status == "sent" and row(sessions).last_error is None


async def test_uncertain_rejected_and_exhausted(sessions: sessionmaker[Session], ivr_settings: Settings) -> None:
    gw, clock = ScriptedGateway([SmsUncertain("no answer")]), FakeClock()
    box = outbox(sessions, ivr_settings, gw, clock)
    await box.enqueue("k3", PHONE, "hello", purpose="reply")
    assert (await box.drain_once()).uncertain == 1
    clock.advance(hours=1)
    assert (await box.drain_once()).sent == 0 and gw.taken == []  # never resent: a double is worse
    with sessions.begin() as s:
        s.query(Row).delete()
    gw.script = [SmsRejected("bad credentials")]
    await box.enqueue("k4", PHONE, "hello", purpose="reply")
    assert (await box.drain_once()).failed == 1 and row(sessions).status == "failed"
    with sessions.begin() as s:
        s.query(Row).delete()
    gw.script = [SmsUnavailable("down")] * 3
    await box.enqueue("k5", PHONE, "hello", purpose="reply")
    for _ in range(3):
        await box.drain_once()
        clock.advance(minutes=5)
    assert row(sessions).status == "failed" and row(sessions).attempts == 3 and gw.taken == []


async def test_reminder_sms_respect_opt_out_and_expiry(sessions: sessionmaker[Session],
                                                        ivr_settings: Settings) -> None:
    gw, clock = ScriptedGateway(), FakeClock()
    box = outbox(sessions, ivr_settings, gw, clock)
    await box.enqueue("r1", PHONE, "reminder", purpose="reminder", member_id="m-1")
    await box.enqueue("r2", "+254700000002", "reminder", purpose="reminder", member_id="m-2",
                      expires_at=clock.now + timedelta(minutes=1))
    await box.enqueue("r3", "+254700000003", "later", purpose="reminder", member_id="m-3",
                      not_before=clock.now + timedelta(hours=1))
    with sessions.begin() as s:
        s.add(MemberPreference(member_id="m-1", reminders_opt_out=True))
    clock.advance(minutes=2)
    got = await box.drain_once()
    assert (got.cancelled, got.sent) == (2, 0) and gw.taken == []
    clock.advance(hours=1)
    assert (await box.drain_once()).sent == 1
    assert await box.counts() == {"cancelled": 2, "sent": 1}
