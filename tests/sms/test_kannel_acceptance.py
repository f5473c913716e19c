"""Acceptance on a real Kannel (bearerbox + smsbox + fakesmsc): "akiba <PIN>" from a demo member gets the right
figure back through Kannel; STOP opts out and the next reminder campaign sends that member nothing; an unanswered
reminder call (after its retry) falls back to one SMS, not two. Reminder calls go through the real AMI client to the
protocol-faithful AMI peer; the ledger is the real reference core over HTTP."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from dialogs.prompts.sms import money_digits, render_sms
from ivr.ami import AmiClient
from ivr.reminders.service import reminders_service
from ivr.sms.reminders import SmsReminders, run_campaign
from ledger_client.client import LedgerClient
from ledger_core.demo_people import demo_members
from models.reach import SmsInbound, SmsOutbox
from tests.fakes.dialog_fakes import FakeClock
from tests.fixtures.ledger_server import LedgerCoreProcess
from tests.reminders.test_ami_run import UMOJA, channel, next_umoja_meeting, peer
from tests.sms.stack import SHORT_CODE, sms_stack

pytestmark = pytest.mark.integration
TUMAINI = "g-tzs-tumaini"


async def test_akiba_with_the_pin_gets_the_savings_back_through_kannel(
        tmp_path: Path, ledger_server: LedgerCoreProcess, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    member = next(m for m in demo_members() if m.group_id == TUMAINI)
    async with sms_stack(tmp_path, ledger_server, FakeClock()) as st:
        async with httpx.AsyncClient() as http:
            client = LedgerClient(http=http, settings=st.settings.ledger)
            memberships = (await client.memberships(member.phone)).memberships
            positions = [await client.member_position(m.group_id, m.member_id) for m in memberships]
        st.kannel.send_mo(member.phone, SHORT_CODE, f"akiba {member.pin}")
        (reply,) = await st.wait_messages(member.phone, 1)
        for m, p in zip(memberships, positions, strict=True):
            assert f"{m.group_name}: akiba yako ni {money_digits(p.savings_minor, p.currency)}" in reply
        # without the PIN: asked for it; the PIN alone as the reply answers the waiting command
        st.kannel.send_mo(member.phone, SHORT_CODE, "Akiba")
        replies = await st.wait_messages(member.phone, 2)
        assert replies[1] == render_sms("sms_pin_ask", {"minutes": _count(10)}, "sw")
        st.kannel.send_mo(member.phone, SHORT_CODE, member.pin)
        replies = await st.wait_messages(member.phone, 3)
        assert replies[2] == reply
        # a wrong PIN gives nothing away
        wrong = "0000" if member.pin != "0000" else "1111"
        st.kannel.send_mo(member.phone, SHORT_CODE, f"akiba {wrong}")
        replies = await st.wait_messages(member.phone, 4)
        assert "akiba yako" not in replies[3] and "PIN" in replies[3]
        with st.sessions() as s:
            handled = s.scalars(select(SmsInbound).order_by(SmsInbound.id)).all()
            assert [(r.command, r.outcome) for r in handled] == [
                ("savings", "figures"), ("savings", "pin_asked"), ("savings", "figures"), ("savings", "pin_wrong")]
    text = caplog.text + "".join(p.read_text(errors="replace") for p in (tmp_path / "kannel").glob("*.log"))
    assert member.pin not in text and member.phone not in text and member.phone.lstrip("+") not in text
    for p in positions:
        assert money_digits(p.savings_minor, p.currency) not in text


async def test_two_groups_in_one_reply_and_long_texts_in_concatenated_parts(
        tmp_path: Path, ledger_server: LedgerCoreProcess) -> None:
    amina = [m for m in demo_members() if m.name == "Amina Hassan"]
    assert len(amina) == 2  # the demo person in both groups
    async with sms_stack(tmp_path, ledger_server, FakeClock()) as st:
        async with httpx.AsyncClient() as http:
            client = LedgerClient(http=http, settings=st.settings.ledger)
            memberships = (await client.memberships(amina[0].phone)).memberships
            positions = [await client.member_position(m.group_id, m.member_id) for m in memberships]
        st.kannel.send_mo(amina[0].phone, SHORT_CODE, f"loan {amina[0].pin} please")
        (reply,) = await st.wait_messages(amina[0].phone, 1)
        for m, p in zip(memberships, positions, strict=True):
            assert m.group_name in reply
            if p.loan_outstanding_minor > 0:
                assert f"loan balance {money_digits(p.loan_outstanding_minor, p.currency)}" in reply
        # long texts, GSM-7 and UCS-2, split by us and joined again by the phone (the fake SMSC's parts here)
        gsm = " ".join(["Habari za asubuhi"] * 14)  # 251 septets: 2 parts
        ucs2 = "Shíkamoo " * 12  # í is not GSM-7: UCS-2, 108 units: 2 parts
        await st.channel.outbox.enqueue("long-gsm", "+254700000101", gsm, purpose="reply")
        await st.channel.outbox.enqueue("long-ucs2", "+254700000102", ucs2, purpose="reply")
        assert await st.wait_messages("+254700000101", 1) == [gsm]
        assert await st.wait_messages("+254700000102", 1) == [ucs2]
        for phone in ("+254700000101", "+254700000102"):
            parts = [d for d in st.kannel.sent() if d.to == phone]
            assert len(parts) == 2 and all(d.udh is not None for d in parts)
            assert [d.udh[5] for d in parts if d.udh] == [1, 2] and len({d.udh[3] for d in parts if d.udh}) == 1


def _count(n: int):  # type: ignore[no-untyped-def]
    from dialogs.values import Count

    return Count(n)


async def test_stop_opts_out_and_an_unanswered_reminder_falls_back_to_one_sms(
        tmp_path: Path, ledger_server: LedgerCoreProcess) -> None:
    members = [m for m in demo_members() if m.group_id == UMOJA]
    stopper, others = members[2], members[:2] + members[3:]
    async with peer() as amipeer:
        clock = FakeClock()
        reminders = {"meeting_hours_before": 0, "repayment_days_before": 0, "repayment_on_day": False,
                     "nudge_loan_repaid": False, "max_concurrent_calls": 20, "max_concurrent_per_group": 20,
                     "max_retries": 1, "retry_delays_min": [15]}
        async with sms_stack(tmp_path, ledger_server, clock, reminders=reminders,
                             ami={"port": amipeer.port, "ping_interval_s": 60.0,
                                  "secret": SecretStr("test-ami-secret")}) as st:
            meeting = await next_umoja_meeting(ledger_server, st.settings)
            clock.now = (meeting - timedelta(days=1)).replace(hour=18, minute=30).astimezone(ZoneInfo("UTC"))
            # nobody answers a reminder call
            amipeer.outcomes = {channel(m.phone): "noanswer" for m in members}
            st.kannel.send_mo(stopper.phone, SHORT_CODE, "STOP")
            (stopped,) = await st.wait_messages(stopper.phone, 1)
            assert stopped == render_sms("sms_stopped", {}, "en")

            ami = AmiClient(st.settings.ami)
            await ami.start()
            try:
                async with reminders_service(st.settings, clock=clock, dial=True, ami=ami,
                                             sessions=st.sessions, http=st.http) as svc:
                    sms = SmsReminders(st.sessions, st.channel.outbox, st.settings.sms, st.settings.reminders)
                    report, sent = await asyncio.wait_for(run_campaign(svc, sms, clock=clock, enabled=True), 60)
                    called = sorted(d.phone for d in report.dials)
                    assert called == sorted(m.phone for m in others)  # the member who sent STOP is not called
                    assert sent.fallback == 0  # a retry is still to come
                    clock.advance(minutes=15)
                    report, sent = await asyncio.wait_for(run_campaign(svc, sms, clock=clock, enabled=True), 60)
                    assert sorted(d.phone for d in report.dials) == sorted(m.phone for m in others)
                    assert sent.fallback == len(others)  # the retry was not answered either: one SMS each
                    clock.advance(minutes=30)
                    report, sent = await asyncio.wait_for(run_campaign(svc, sms, clock=clock, enabled=True), 60)
                    assert report.dials == [] and sent == type(sent)()
            finally:
                await ami.close()
            weekday = meeting.strftime("%A")
            for m in others:
                (text,) = await st.wait_messages(m.phone, 1)
                assert text.startswith(f"MiKashBoks: {m.first_name}, your group meets on {weekday[:3]}") or \
                    text.startswith(f"MiKashBoks: {m.first_name}, your group meets on {weekday}")
            await asyncio.sleep(1.0)  # anything doubled would have arrived by now
            for m in others:
                assert len(st.kannel.messages_to(m.phone)) == 1
            assert st.kannel.messages_to(stopper.phone) == [stopped]
            originates = [a for a in amipeer.actions if a.get("action") == ["Originate"]]
            assert channel(stopper.phone) not in {a["channel"][0] for a in originates}
            with st.sessions() as s:
                rows = s.scalars(select(SmsOutbox).where(SmsOutbox.purpose == "reminder_fallback")).all()
                assert len(rows) == len(others) and {r.status for r in rows} == {"sent"}
