"""The client's own typed view of the core ledger's answers (never ledger_core's classes: we talk HTTP only)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

Role = Literal["chair", "secretary", "treasurer", "member"]
Methodology = Literal["VSLA", "SUSU", "SACCO", "SHG", "CHIT_FUND"]
TransactionType = Literal[
    "share_purchase",
    "savings",
    "social_fund",
    "loan_disbursement",
    "loan_repayment",
    "fine",
    "fine_payment",
    "withdrawal",
    "social_fund_payout",  # offered by the reference core beyond the first contract draft
]


class _Answer(BaseModel):
    # Frozen so a cached answer can't be edited by a caller; extra fields ignored so a newer core still parses.
    model_config = ConfigDict(frozen=True, extra="ignore")


class Membership(_Answer):
    member_id: str
    group_id: str
    group_name: str
    member_name: str
    first_name: str
    role: Role
    language: str


class Memberships(_Answer):
    phone_found: bool
    memberships: list[Membership]


class MeetingSchedule(_Answer):
    frequency: Literal["weekly", "fortnightly", "monthly"]
    weekday: int
    time: str
    place: str


class LoanInterestRule(_Answer):
    kind: str
    rate_bp: int


class NextMeeting(_Answer):
    date: date
    time: str
    weekday: int
    place: str
    timezone: str


class GroupInfo(_Answer):
    group_id: str
    name: str
    methodology: Methodology
    currency: str
    language: str
    timezone: str
    meeting_schedule: MeetingSchedule
    share_price_minor: int
    loan_interest_rule: LoanInterestRule
    social_fund_contribution_minor: int
    cycle_start: date
    cycle_end: date
    next_meeting: NextMeeting | None
    secretary_member_id: str | None = None


class GroupPosition(_Answer):
    group_id: str
    currency: str
    total_savings_minor: int
    cash_in_box_minor: int
    loans_outstanding_minor: int
    social_fund_balance_minor: int
    fines_collected_minor: int
    as_of: datetime


class RosterMember(_Answer):
    member_id: str
    roster_number: int
    name: str
    first_name: str
    nickname: str | None = None
    role: Role
    language: str


class Roster(_Answer):
    members: list[RosterMember]


class InstallmentDue(_Answer):
    due_date: date
    owed_minor: int


class Loan(_Answer):
    loan_id: str
    principal_minor: int
    interest_minor: int
    outstanding_minor: int
    next_due_date: date | None
    next_due_amount_minor: int | None
    status: Literal["current", "overdue", "repaid"]
    # Installments due before today and not fully paid (oldest first), and the next one due today or later.
    past_due: list[InstallmentDue] = []
    upcoming_due_date: date | None = None
    upcoming_due_amount_minor: int | None = None


class MemberPosition(_Answer):
    member_id: str
    group_id: str
    currency: str
    savings_minor: int
    shares: int
    loan_outstanding_minor: int
    loans: list[Loan]
    next_due_date: date | None
    next_due_amount_minor: int | None
    fines_due_minor: int
    social_fund_contributions_minor: int
    as_of: datetime


class Meeting(_Answer):
    meeting_id: str
    date: date
    status: str


class UpcomingEvent(_Answer):
    kind: Literal["meeting", "repayment"]
    group_id: str
    member_id: str | None = None
    loan_id: str | None = None
    date: date
    time: str | None = None
    amount_minor: int | None = None
    currency: str


class TransactionEntry(BaseModel):
    """One entry of a meeting's batch. Validated here too, so bad input is refused before it reaches the outbox."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    idempotency_key: str = Field(min_length=1, max_length=200)
    member_id: str = Field(min_length=1)
    type: TransactionType
    # Money is integer minor units; StrictInt refuses 12.5 and "12" instead of silently converting them.
    amount_minor: StrictInt = Field(gt=0)
    loan_id: str | None = None
    # loan_disbursement only: the repayment term the core builds the schedule from (core default when absent)
    term_months: StrictInt | None = Field(default=None, gt=0)
    note: str | None = None

    def wire(self) -> dict[str, object]:
        """The JSON body form (optional fields left out when unset)."""
        return self.model_dump(exclude_none=True)


def new_idempotency_key() -> str:
    """A fresh key for an entry the caller is about to record (keep it with the entry until it is posted)."""
    return str(uuid.uuid4())


class EntryResult(_Answer):
    idempotency_key: str
    transaction_id: str
    status: Literal["created", "replayed"]


class PostResult(_Answer):
    meeting_id: str
    results: list[EntryResult]
