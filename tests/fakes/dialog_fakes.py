"""Fakes for dialog unit tests: an in-memory ledger port (with outages and stale answers), a phrase NLU, a clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ledger_client.cache import Fetched
from ledger_client.errors import LedgerUnavailable
from ledger_client.types import GroupInfo, GroupPosition, MemberPosition, Memberships, Roster
from nlu.types import NOT_UNDERSTOOD, Understanding

NOW = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # a Tuesday morning in Nairobi
PHONE_ONE = "+254700000001"   # Wanjiku, one group (KES)
PHONE_TWO = "+254700000002"   # Halima, two groups (KES and TZS)
PHONE_NEW = "+254700000009"   # no group at all
PHONE_SEC = "+254700000003"   # Mary Akinyi, the secretary of Umoja Women (an officer: she records meetings)
# Umoja Women's roster for meeting-recording tests (the secretary is number 2; two Marys on purpose)
ROSTER_KE = [("g-ke-sec", 2, "Mary Akinyi", "secretary"), ("g-ke-chair", 1, "Grace Wanjiru", "chair"),
             ("g-ke-3", 3, "Peter Otieno", "member"), ("g-ke-4", 4, "Mary Wanjiku", "member"),
             ("g-ke-5", 5, "John Kamau", "member"), ("g-ke-6", 6, "Esther Atieno", "member")]


class FakeClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _group(gid: str, name: str, currency: str, tz: str, place: str, next_day: date, when: str) -> dict[str, Any]:
    return {
        "group_id": gid, "name": name, "methodology": "VSLA", "currency": currency, "language": "en", "timezone": tz,
        "meeting_schedule": {"frequency": "weekly", "weekday": next_day.weekday(), "time": when, "place": place},
        "share_price_minor": 10000, "loan_interest_rule": {"kind": "flat_monthly", "rate_bp": 500},
        "social_fund_contribution_minor": 2000, "cycle_start": "2026-06-01", "cycle_end": "2027-05-31",
        "next_meeting": {"date": next_day.isoformat(), "time": when, "weekday": next_day.weekday(), "place": place,
                         "timezone": tz},
        "secretary_member_id": f"{gid}-sec",
    }  # fmt: skip


def _position(mid: str, gid: str, currency: str, **over: Any) -> dict[str, Any]:
    base = {"member_id": mid, "group_id": gid, "currency": currency, "savings_minor": 1250000, "shares": 125,
            "loan_outstanding_minor": 0, "loans": [], "next_due_date": None, "next_due_amount_minor": None,
            "fines_due_minor": 0, "social_fund_contributions_minor": 40000, "as_of": NOW.isoformat()}
    base.update(over)
    return base


@dataclass
class FakeLedger:
    """The LedgerPort over dicts. `down`: nothing answers; `stale_since`: every answer is a cached one of that time."""

    down: bool = False
    stale_since: datetime | None = None
    calls: list[str] = field(default_factory=list)
    groups: dict[str, dict[str, Any]] = field(default_factory=lambda: {
        "g-ke": _group("g-ke", "Umoja Women", "KES", "Africa/Nairobi", "the church hall", date(2026, 11, 26), "14:00"),
        "g-tz": _group("g-tz", "Kikundi cha Tumaini", "TZS", "Africa/Dar_es_Salaam", "Ofisi ya Kata",
                       date(2026, 11, 28), "10:00"),
    })  # fmt: skip
    # the language the ledger holds per member id ("" = the ledger does not know: the caller is asked)
    languages: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: {
        PHONE_ONE: [("m-1", "g-ke", "Wanjiku Kamau")],
        PHONE_TWO: [("m-2", "g-ke", "Halima Said"), ("m-3", "g-tz", "Halima Said")],
        PHONE_SEC: [("g-ke-sec", "g-ke", "Mary Akinyi")],
    })  # fmt: skip
    roles: dict[str, str] = field(default_factory=lambda: {"g-ke-sec": "secretary", "g-ke-chair": "chair"})
    # group id -> roster rows (member id, roster number, name, role); default: the secretary only
    rosters: dict[str, list[tuple[str, int, str, str]]] = field(default_factory=dict)
    positions: dict[str, dict[str, Any]] = field(default_factory=lambda: {
        "m-1": _position("m-1", "g-ke", "KES", loan_outstanding_minor=525000, next_due_date="2026-12-03",
                         next_due_amount_minor=175000, fines_due_minor=5000,
                         loans=[{"loan_id": "l-1", "principal_minor": 500000, "interest_minor": 25000,
                                 "outstanding_minor": 525000, "next_due_date": "2026-12-03",
                                 "next_due_amount_minor": 175000, "status": "current"}]),
        "m-2": _position("m-2", "g-ke", "KES", loan_outstanding_minor=300000, next_due_date="2026-11-19",
                         next_due_amount_minor=100000),
        "m-3": _position("m-3", "g-tz", "TZS", savings_minor=8400000, shares=42),
        "g-ke-sec": _position("g-ke-sec", "g-ke", "KES"),
    })  # fmt: skip

    def _answer(self, what: str, value: Any) -> Fetched[Any]:
        self.calls.append(what)
        if self.down:
            raise LedgerUnavailable(f"fake ledger down ({what}); and no cached answer")
        if self.stale_since is not None:
            return Fetched(value, self.stale_since, stale=True)
        return Fetched(value, NOW, stale=False)

    async def memberships(self, phone: str) -> Fetched[Memberships]:
        rows = self.members.get(phone, [])
        body = {"phone_found": bool(rows), "memberships": [
            {"member_id": mid, "group_id": gid, "group_name": self.groups[gid]["name"], "member_name": name,
             "first_name": name.split()[0], "role": self.roles.get(mid, "member"),
             "language": self.languages.get(mid, "")}
            for mid, gid, name in rows]}
        return self._answer("memberships", Memberships.model_validate(body))

    async def group(self, group_id: str) -> Fetched[GroupInfo]:
        return self._answer("group", GroupInfo.model_validate(self.groups[group_id]))

    async def roster(self, group_id: str) -> Fetched[Roster]:
        rows = self.rosters.get(group_id, [(f"{group_id}-sec", 2, "Mary Akinyi", "secretary")])
        members = [{"member_id": mid, "roster_number": n, "name": name, "first_name": name.split()[0], "role": role,
                    "language": "en"} for mid, n, name, role in rows]
        return self._answer("roster", Roster.model_validate({"members": members}))

    async def member_position(self, group_id: str, member_id: str) -> Fetched[MemberPosition]:
        return self._answer("member_position", MemberPosition.model_validate(self.positions[member_id]))

    async def group_position(self, group_id: str, as_of: date | None = None) -> Fetched[GroupPosition]:
        g = self.groups[group_id]
        body = {"group_id": group_id, "currency": g["currency"], "total_savings_minor": 76000000,
                "cash_in_box_minor": 50700000, "loans_outstanding_minor": 59800000,
                "social_fund_balance_minor": 11400000, "fines_collected_minor": 0, "as_of": NOW.isoformat()}
        return self._answer("group_position", GroupPosition.model_validate(body))


# exact (lower-cased) utterance -> intent; anything else is not understood, like a real NLU's explicit fallback
INTENTS = {
    "savings": "check_savings", "akiba": "check_savings", "my loan": "check_loan", "mkopo": "check_loan",
    "next meeting": "next_meeting", "mkutano ujao": "next_meeting", "fines": "check_fines",
    "social fund": "social_fund", "group totals": "group_position", "repeat": "repeat", "rudia": "repeat",
    "help": "help", "speak to a person": "speak_to_person", "change language": "change_language",
    "goodbye": "goodbye", "kwaheri": "goodbye",
}


@dataclass
class FakeNlu:
    """The NluPort from a phrase table; records what it was asked (to prove PIN-prompt speech never reaches it)."""

    asked: list[str] = field(default_factory=list)

    async def understand(self, text: str, lang: str, *, currency: str, today: date | None = None) -> Understanding:
        self.asked.append(text)
        intent = INTENTS.get(text.strip().lower())
        if intent is None:
            return Understanding(NOT_UNDERSTOOD, 0.1, "none", True, "low_confidence")
        return Understanding(intent, 0.95, "rasa", False)
