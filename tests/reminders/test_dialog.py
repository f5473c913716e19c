"""The reminder call from text: identity first, no amount without the PIN, repeat / confirm / stop, in en and sw."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from dialogs.actions import Action, End, Listen, Say
from dialogs.events import CallStarted, Digits, NoInput, Utterance
from dialogs.reminder_call import ReminderDialog
from ivr.reminders.planner import Planner
from models.calls import Call, Turn
from models.members import ConsentRecord, MemberPreference
from models.pins import set_pin
from models.reminders import Reminder
from tests.fakes.dialog_fakes import FakeNlu
from tests.fakes.reminder_fakes import FakeLedgerReads, group_info, meeting, repayment, roster
from tests.reminders.conftest import Env
from tests.reminders.lines import action_lines

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday 18:00 in Nairobi and Dar es Salaam
PHONE = "+254711000001"


async def call_for(env: Env, kind: str = "meeting", lang: str = "en") -> tuple[ReminderDialog, FakeNlu]:
    """Plan one reminder for member g-m1 and claim it (the Call row + attempt the dialer would create)."""
    g = group_info("g", "Africa/Nairobi", language=lang, currency="TZS" if lang == "sw" else "KES")
    events = ([meeting("g", date(2026, 11, 26))] if kind == "meeting" else
              [repayment("g", "g-m1", date(2026, 11, 25), 175000)] if kind == "repayment" else
              [meeting("g", date(2026, 12, 16))])  # nudge: the group is found by a meeting beyond the horizon
    lg = FakeLedgerReads({"g": g}, {"g": roster("g", 1, lang)}, events=events,
                         repaid_loans={"g-m1": ["L7"]} if kind == "nudge" else {})
    store = env.store(meeting_hours_before=0, repayment_days_before=0)
    await store.set_contacts([("g-m1", PHONE)])
    env.clock.now = NOW
    await Planner(ledger=lg, store=store, settings=env.rem(meeting_hours_before=0, repayment_days_before=0)).plan(NOW)
    (dial,) = await store.claim_due(NOW)
    brief = await store.brief(dial.call_id)
    nlu = FakeNlu()
    return ReminderDialog(brief=brief, reminders=store, store=env.sql_store(), nlu=nlu, clock=env.clock,
                          settings=env.settings.dialogs), nlu


def words(actions: list[Action]) -> str:
    """What the caller heard, as one text (each prompt's "BOT: " marker dropped after the first)."""
    lines = action_lines(actions)
    return " ".join([lines[0], *(line.removeprefix("BOT: ") for line in lines[1:])]) if lines else ""


def reminder_row(env: Env) -> Reminder:
    with env.sessions() as s:
        return s.scalars(select(Reminder)).one()


async def test_meeting_reminder_in_english_after_identity_then_confirm(env: Env) -> None:
    d, _ = await call_for(env)
    hello = await d.handle(CallStarted(PHONE, direction="out", purpose="reminder"))
    assert words(hello) == ("BOT: Hello, this is MiKashBoks, your savings group's phone line, with a message for "
                            "Member1. If you are Member1, please say yes or press one.")
    assert isinstance(hello[-1], Listen) and "yes" in hello[-1].phrases
    said = await d.handle(Utterance("yes"))
    assert "your group meets on Thursday, the twenty-sixth of November, at two in the afternoon" in words(said)
    assert not next(a for a in said if isinstance(a, Say) and a.prompt_id == "reminder_meeting").interruptible
    again = await d.handle(Digits("1"))  # repeat
    assert "Thursday, the twenty-sixth of November" in words(again)
    bye = await d.handle(Utterance("I will attend"))
    assert isinstance(bye[-1], End) and bye[-1].outcome == "confirmed"
    r = reminder_row(env)
    assert (r.identity_confirmed, r.listened, r.confirmed, r.opted_out) == (True, True, True, False)
    with env.sessions() as s:
        call = s.scalars(select(Call)).one()
        assert (call.direction, call.purpose, call.outcome) == ("out", "reminder", "confirmed")
        assert [t.intent for t in s.scalars(select(Turn).order_by(Turn.seq))] == ["affirm", None, "affirm"]


async def test_meeting_reminder_in_swahili_says_the_day_in_swahili(env: Env) -> None:
    d, _ = await call_for(env, lang="sw")
    hello = await d.handle(CallStarted(PHONE, direction="out", purpose="reminder"))
    assert "Kama wewe ni Member1, tafadhali sema ndiyo au bonyeza moja" in words(hello)
    said = await d.handle(Digits("1"))
    assert "kinakutana Alhamisi, tarehe ishirini na sita Novemba, saa nane mchana" in words(said)
    assert "bonyeza tisa au sema acha" in words(said)


async def test_nothing_is_said_to_someone_who_is_not_the_member_and_they_cannot_opt_out(env: Env) -> None:
    d, _ = await call_for(env, kind="repayment")
    hello = await d.handle(CallStarted(PHONE, direction="out", purpose="reminder"))
    assert "repayment" not in words(hello)
    ask = await d.handle(Digits("9"))  # a stranger pressing 9 before confirming: asked again, nothing stored
    assert [a.prompt_id for a in ask if isinstance(a, Say)] == ["reminder_identity_short"]
    bye = await d.handle(Utterance("no"))
    assert words(bye) == "BOT: Sorry to have disturbed you. Thank you, and goodbye. -- call ended (wrong_person)"
    r = reminder_row(env)
    assert (r.identity_confirmed, r.listened, r.opted_out) == (False, False, False)
    with env.sessions() as s:
        assert s.get(MemberPreference, "g-m1") is None


async def test_silence_at_the_identity_question_ends_politely(env: Env) -> None:
    d, _ = await call_for(env)
    await d.handle(CallStarted(PHONE))
    await d.handle(NoInput())
    end = await d.handle(NoInput())
    assert isinstance(end[-1], End) and end[-1].outcome == "not_confirmed"


async def test_repayment_amount_only_after_the_pin(env: Env) -> None:
    d, nlu = await call_for(env, kind="repayment")
    with env.sessions.begin() as s:
        set_pin(s, "g-m1", "4826")
    await d.handle(CallStarted(PHONE))
    said = await d.handle(Digits("1"))
    text = words(said)
    assert "your loan repayment is due on Wednesday, the twenty-fifth of November" in text
    assert "shillings" not in text and "seventeen" not in text.lower()
    ask = await d.handle(Digits("3"))
    assert isinstance(ask[-1], Listen) and ask[-1].speech is False and ask[-1].max_digits == 4
    spoken = await d.handle(Utterance("four eight two six"))  # said aloud: refused, never sent to the NLU
    assert [a.prompt_id for a in spoken if isinstance(a, Say)] == ["pin_keypad_only"]
    assert "four eight two six" not in nlu.asked
    wrong = await d.handle(Digits("1111"))
    assert "shillings" not in words(wrong) and "did not match" in words(wrong)
    await d.handle(Digits("3"))
    right = await d.handle(Digits("4826"))
    assert "Your repayment of one thousand seven hundred and fifty shillings is due on Wednesday" in words(right)
    with env.sessions() as s:
        stored = [t.transcript for t in s.scalars(select(Turn).order_by(Turn.seq))]
    assert not any(t and ("4826" in t or "1111" in t or "four eight" in t) for t in stored)


async def test_pressing_nine_opts_out_and_says_how_to_opt_back_in(env: Env) -> None:
    d, _ = await call_for(env)
    await d.handle(CallStarted(PHONE))
    await d.handle(Utterance("yes"))
    bye = await d.handle(Digits("9"))
    assert "ask your group secretary to turn them back on" in words(bye)
    assert isinstance(bye[-1], End) and bye[-1].outcome == "opted_out"
    with env.sessions() as s:
        assert s.get(MemberPreference, "g-m1").reminders_opt_out is True  # type: ignore[union-attr]
        consent = s.scalars(select(ConsentRecord)).one()
        assert (consent.kind, consent.granted, consent.call_id) == ("reminders", False, d.call_id)
    assert reminder_row(env).opted_out is True
    assert await d.handle(Digits("1")) == []  # the call is over


async def test_saying_stop_in_swahili_opts_out(env: Env) -> None:
    d, _ = await call_for(env, lang="sw")
    await d.handle(CallStarted(PHONE))
    await d.handle(Utterance("ndiyo"))
    bye = await d.handle(Utterance("acha"))
    assert "Hutapokea simu hizi za ukumbusho tena" in words(bye)
    assert reminder_row(env).opted_out is True


async def test_a_nudge_congratulates_and_offers_only_repeat_and_stop(env: Env) -> None:
    d, _ = await call_for(env, kind="nudge")
    await d.handle(CallStarted(PHONE))
    said = await d.handle(Digits("1"))
    text = words(said)
    assert "Congratulations, Member1! You have fully repaid your loan" in text
    assert "confirm" not in text and "shillings" not in text
    again = await d.handle(Digits("2"))  # nothing to confirm on a nudge: the short choices again
    assert [a.prompt_id for a in again if isinstance(a, Say)] == ["no_match", "reminder_options_nudge",
                                                                 "reminder_options_stop"]
    bye = await d.handle(Utterance("goodbye"))
    assert isinstance(bye[-1], End) and bye[-1].outcome == "listened"
    r = reminder_row(env)  # one row: the meeting is beyond the horizon, so only the nudge was planned
    assert (r.kind, r.rule, r.listened, r.confirmed) == ("nudge", "nudge_loan_repaid", True, False)
