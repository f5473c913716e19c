"""Per-call state of a meeting recording, and the read-back prompts built from entries (used by the handlers)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from dialogs.actions import Say
from dialogs.context import Conversation
from dialogs.meeting.ports import Draft, MeetingPorts, StoredEntry
from dialogs.values import Count, Money, Name
from ledger_client.types import RosterMember
from nlu.types import MemberCandidate

Step = Literal["consent", "resume", "date", "entry", "which", "member", "type", "amount", "confirm",
               "submit"]
OFFICERS = frozenset({"chair", "secretary", "treasurer"})
TYPES = ("savings", "share_purchase", "social_fund", "loan_repayment", "loan_disbursement", "fine", "withdrawal")


@dataclass
class Pending:
    """The entry being built from one or more turns, until the caller confirms it."""

    candidates: tuple[MemberCandidate, ...] = ()
    member: MemberCandidate | None = None
    type: str | None = None
    amount_minor: int | None = None
    bulk: bool = False
    transcript: list[str] = field(default_factory=list)


@dataclass
class MeetingSession:
    ports: MeetingPorts
    step: Step = "consent"
    offered: bool = False  # the meeting line starts recording once per call
    consent: bool | None = None
    meeting_date: date | None = None
    draft: Draft | None = None
    roster: list[RosterMember] = field(default_factory=list)
    pending: Pending = field(default_factory=Pending)
    ask: list[Say] = field(default_factory=list)  # the last question, said again on a reprompt

    @property
    def draft_id(self) -> int:
        assert self.draft is not None
        return self.draft.draft_id


def session(c: Conversation) -> MeetingSession:
    if c.meeting is None:
        if c.meetings is None:
            raise RuntimeError("meeting recording needs MeetingPorts (Dialog(meetings=...))")
        c.meeting = MeetingSession(ports=c.meetings)
    assert isinstance(c.meeting, MeetingSession)
    return c.meeting


def is_officer(c: Conversation) -> bool:
    return c.membership is not None and c.membership.role in OFFICERS


def tx_say(c: Conversation, e: StoredEntry | Pending, currency: str) -> Say:
    """"Mary Akinyi paid two hundred shillings savings." — full name, type and amount in words."""
    if isinstance(e, Pending):
        assert e.member is not None and e.type is not None and e.amount_minor is not None
        name, kind, amount = e.member.name, e.type, e.amount_minor
    else:
        name, kind, amount = e.member_name, e.type, e.amount_minor
    return c.say(f"meeting_tx_{kind}", name=Name(name), amount=Money(amount, currency))


def bulk_say(c: Conversation, kind: str, amount: int, members: int, currency: str) -> list[Say]:
    return c.says(f"meeting_bulk_{kind}", amount=Money(amount, currency), count=Count(members),
                  total=Money(amount * members, currency))


def totals_says(c: Conversation, entries: Sequence[StoredEntry], currency: str) -> list[Say]:
    """Count, then one line per type in a fixed order: what the caller agrees to before submitting."""
    sums: Counter[str] = Counter()
    for e in entries:
        sums[e.type] += e.amount_minor
    said = [c.say("meeting_total_intro", count=Count(len(entries)))]
    said += [c.say(f"meeting_total_{t}", amount=Money(sums[t], currency)) for t in TYPES if sums[t]]
    return said
