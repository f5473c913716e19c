"""One inbound SMS → one reply, in the member's language: figures only after the PIN (in the message, or as the
reply to "send your PIN"), or without it for groups that chose to trust their registered numbers.

The PIN is checked with the same counter and lockout as on calls (dialogs.store.SqlStore.verify_pin), so SMS gives
a guesser no extra tries. Nothing here logs or stores the text, the PIN or a figure.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import languages
from dialogs.figures import parse_clock
from dialogs.ports import LedgerPort
from dialogs.prompts.sms import SMS_CATALOGS, render_sms
from dialogs.sms.commands import FIGURES, Parsed, parse
from dialogs.values import Count, Date, Money, Name, Time, Value
from ledger_client.cache import Fetched
from ledger_client.errors import LedgerError
from ledger_client.types import MemberPosition, Membership
from models.pins import PinCheck

log = logging.getLogger(__name__)
LANGUAGES = tuple(SMS_CATALOGS)  # the languages SMS are written in: every pack with an sms.yml


class PinPort(Protocol):
    """dialogs.store.SqlStore: the PIN check shared with calls, and the remembered language."""

    async def verify_pin(self, member_id: str, pin: str, *, now: datetime, max_attempts: int,
                         lock_minutes: int) -> PinCheck: ...

    async def language_of(self, member_ids: Sequence[str]) -> str | None: ...


class SmsStatePort(Protocol):
    """What the SMS channel remembers per number and member (ivr.sms.state.SmsState)."""

    async def take_pending(self, phone: str, now: datetime) -> tuple[str, str] | None:
        """The (command, language) waiting for this number's PIN, removed; None when none or expired."""

    async def set_pending(self, phone: str, command: str, lang: str, expires_at: datetime) -> None: ...

    async def set_opt_out(self, member_ids: Sequence[str], opted_out: bool) -> None: ...

    async def set_channel(self, member_ids: Sequence[str], channel: str) -> None: ...


@dataclass(frozen=True)
class SmsRules:
    """PIN policy of the SMS channel (from ivr.sms.config.SmsSettings and the dialogs' PIN settings)."""

    pin_reply_minutes: int = 10
    trusted_groups: Collection[str] = ()  # groups whose registered numbers get figures without a PIN
    pin_max_attempts: int = 3
    pin_lock_minutes: int = 15
    default_language: str = field(default_factory=languages.default_code)


@dataclass
class SmsAnswer:
    """The reply as catalog text ids (rendered by `text`), and what was asked and done (stored; no secrets)."""

    lang: str
    texts: list[tuple[str, dict[str, Value]]] = field(default_factory=list)
    command: str | None = None
    outcome: str = "replied"

    def add(self, text_id: str, **values: Value) -> SmsAnswer:
        self.texts.append((text_id, values))
        return self

    @property
    def text(self) -> str:
        return " ".join(render_sms(tid, values, self.lang) for tid, values in self.texts)


class SmsConversation:
    def __init__(self, *, ledger: LedgerPort, pins: PinPort, state: SmsStatePort, rules: SmsRules) -> None:
        self._ledger = ledger
        self._pins = pins
        self._state = state
        self._r = rules

    async def answer(self, phone: str, text: str, now: datetime) -> SmsAnswer:
        parsed = parse(text)
        default = parsed.languages[0] if len(parsed.languages) == 1 else self._r.default_language
        try:
            found = await self._ledger.memberships(phone)
        except LedgerError:
            return SmsAnswer(default, command=parsed.command, outcome="ledger_down").add("sms_ledger_down")
        members = list(found.value.memberships)
        if not members:
            return SmsAnswer(default, command=parsed.command, outcome="unknown_number").add("sms_unknown_number")
        lang = await self._language(members, parsed)
        command = parsed.command
        if command is None and parsed.pin is not None:  # the PIN reply of a round trip
            pending = await self._state.take_pending(phone, now)
            if pending is None:
                return SmsAnswer(lang, outcome="pin_expired").add("sms_pin_expired")
            command, lang = pending
        out = SmsAnswer(lang, command=command)
        ids = [m.member_id for m in members]
        try:
            if command is None:
                out.outcome = "not_understood"
                return out.add("sms_not_understood")
            if command == "help":
                return out.add("sms_help")
            if command in ("stop", "start"):
                await self._state.set_opt_out(ids, command == "stop")
                out.outcome = "opted_out" if command == "stop" else "opted_in"
                return out.add("sms_stopped" if command == "stop" else "sms_started")
            if command in ("sms", "call"):
                await self._state.set_channel(ids, command)
                out.outcome = f"channel_{command}"
                return out.add(f"sms_channel_{command}")
            if command == "meeting":
                for m in members:
                    await self._meeting(out, m)
                out.outcome = "meeting"
                return out
            assert command in FIGURES
            return await self._figures(out, phone, members, command, parsed, now)
        except LedgerError:
            return SmsAnswer(lang, command=command, outcome="ledger_down").add("sms_ledger_down")

    async def _language(self, members: list[Membership], parsed: Parsed) -> str:
        known = await self._pins.language_of([m.member_id for m in members])
        if known not in LANGUAGES:
            known = next((m.language for m in members if m.language in LANGUAGES), self._r.default_language)
        if parsed.languages and known not in parsed.languages:
            return parsed.languages[0]  # they wrote in another language: answer in the one they wrote
        return known or self._r.default_language

    async def _figures(self, out: SmsAnswer, phone: str, members: list[Membership], command: str, parsed: Parsed,
                       now: datetime) -> SmsAnswer:
        trusted = [m for m in members if m.group_id in self._r.trusted_groups]
        guarded = [m for m in members if m.group_id not in self._r.trusted_groups]
        if guarded and parsed.pin is None and not trusted:
            minutes = self._r.pin_reply_minutes
            await self._state.set_pending(phone, command, out.lang, now + timedelta(minutes=minutes))
            out.outcome = "pin_asked"
            return out.add("sms_pin_ask", minutes=Count(minutes))
        allowed = list(trusted)
        checks: list[tuple[Membership, PinCheck]] = []
        if parsed.pin is not None:
            for m in guarded:
                check = await self._pins.verify_pin(m.member_id, parsed.pin, now=now,
                                                    max_attempts=self._r.pin_max_attempts,
                                                    lock_minutes=self._r.pin_lock_minutes)
                checks.append((m, check))
                if check.ok:
                    allowed.append(m)
        if not allowed:
            return await self._refused(out, checks)
        for m in allowed:
            await (self._savings(out, m) if command == "savings" else self._loan(out, m))
        out.outcome = "figures"
        return out

    async def _refused(self, out: SmsAnswer, checks: list[tuple[Membership, PinCheck]]) -> SmsAnswer:
        statuses = {c.status for _, c in checks}
        if "locked" in statuses:
            m, check = next((m, c) for m, c in checks if c.status == "locked")
            assert check.locked_until is not None
            tz = (await self._ledger.group(m.group_id)).value.timezone
            out.outcome = "pin_locked"
            return out.add("sms_pin_locked", time=Time(check.locked_until.astimezone(ZoneInfo(tz)).time()))
        if statuses == {"no_pin"}:
            out.outcome = "no_pin"
            return out.add("sms_pin_none")
        remaining = min((c.remaining or 0) for _, c in checks if c.status == "wrong")
        out.outcome = "pin_wrong"
        return out.add("sms_pin_wrong", remaining=Count(remaining))

    async def _position(self, out: SmsAnswer, m: Membership) -> MemberPosition:
        got = await self._ledger.member_position(m.group_id, m.member_id)
        await self._as_of(out, m, got)
        return got.value

    async def _as_of(self, out: SmsAnswer, m: Membership, got: Fetched[Any]) -> None:
        if got.stale:
            tz = (await self._ledger.group(m.group_id)).value.timezone
            out.add("sms_as_of", date=Date(got.as_of.astimezone(ZoneInfo(tz)).date()))

    async def _savings(self, out: SmsAnswer, m: Membership) -> None:
        p = await self._position(out, m)
        amount, group = Money(p.savings_minor, p.currency), Name(m.group_name)
        if p.shares:
            out.add("sms_savings", group=group, amount=amount, shares=Count(p.shares))
        else:
            out.add("sms_savings_only", group=group, amount=amount)

    async def _loan(self, out: SmsAnswer, m: Membership) -> None:
        p = await self._position(out, m)
        group = Name(m.group_name)
        if p.loan_outstanding_minor <= 0:
            out.add("sms_loan_none", group=group)
            return
        balance = Money(p.loan_outstanding_minor, p.currency)
        past = sum(d.owed_minor for loan in p.loans for d in loan.past_due)
        upcoming = sorted((loan.upcoming_due_date, loan.upcoming_due_amount_minor or 0) for loan in p.loans
                          if loan.upcoming_due_date is not None)
        if not upcoming and p.next_due_date is not None and p.next_due_amount_minor:
            upcoming = [(p.next_due_date, p.next_due_amount_minor)]
        if past:
            out.add("sms_loan_past_due", group=group, amount=balance, due=Money(past, p.currency))
        elif upcoming:
            day, due = upcoming[0]
            out.add("sms_loan_next", group=group, amount=balance, due=Money(due, p.currency), date=Date(day))
        else:
            out.add("sms_loan", group=group, amount=balance)

    async def _meeting(self, out: SmsAnswer, m: Membership) -> None:
        got = await self._ledger.group(m.group_id)
        await self._as_of(out, m, got)
        nxt = got.value.next_meeting
        if nxt is None:
            out.add("sms_meeting_none", group=Name(m.group_name))
        else:
            out.add("sms_meeting", group=Name(m.group_name), date=Date(nxt.date), time=Time(parse_clock(nxt.time)),
                    place=Name(nxt.place))
