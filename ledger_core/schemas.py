"""Request/response schemas of the /v1 API: the OpenAPI generated from these is the contract with ledger_client."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["chair", "secretary", "treasurer", "member"]
Methodology = Literal["VSLA", "SUSU", "SACCO", "SHG", "CHIT_FUND"]
Frequency = Literal["weekly", "fortnightly", "monthly"]
EntryType = Literal[
    "share_purchase",
    "savings",
    "social_fund",
    "social_fund_payout",
    "loan_disbursement",
    "loan_repayment",
    "fine",
    "fine_payment",
    "withdrawal",
]
HHMM = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
# Largest amount of one entry, in minor units (99,999,999.99 in a currency with cents): far above any savings-group
# transaction, far below BIGINT, and always sayable by the IVR's verbalisers (speech.verbalise.MAX_NUMBER = 10^12-1)
# — 2^63-1 was accepted before, and a group total the bot could not read ended every member's call.
MAX_AMOUNT_MINOR = 10**10 - 1


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Membership(BaseModel):
    member_id: str
    group_id: str
    group_name: str
    member_name: str
    first_name: str
    role: Role
    language: str


class Memberships(BaseModel):
    phone_found: bool
    memberships: list[Membership]


class MeetingSchedule(BaseModel):
    frequency: Frequency
    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    time: str = HHMM
    place: str


class InterestRule(BaseModel):
    kind: Literal["flat_monthly"] = "flat_monthly"
    rate_bp: int = Field(ge=0, description="basis points of the principal per month")


class NextMeeting(BaseModel):
    date: date
    time: str
    weekday: int
    place: str
    timezone: str


class GroupInfo(BaseModel):
    group_id: str
    name: str
    methodology: Methodology
    currency: str
    language: str
    timezone: str
    meeting_schedule: MeetingSchedule
    share_price_minor: int
    loan_interest_rule: InterestRule
    social_fund_contribution_minor: int
    cycle_start: date
    cycle_end: date
    next_meeting: NextMeeting | None
    secretary_member_id: str | None
    # Added field (not in the original contract): default loan term used when a disbursement names none.
    loan_term_months: int


class GroupPosition(BaseModel):
    group_id: str
    currency: str
    total_savings_minor: int
    cash_in_box_minor: int
    loans_outstanding_minor: int
    social_fund_balance_minor: int
    fines_collected_minor: int
    as_of: str


class RosterMember(BaseModel):
    member_id: str
    roster_number: int
    name: str
    first_name: str
    nickname: str | None
    role: Role
    language: str


class Roster(BaseModel):
    members: list[RosterMember]


class InstallmentDue(BaseModel):
    due_date: date
    owed_minor: int


class LoanView(BaseModel):
    loan_id: str
    principal_minor: int
    interest_minor: int
    outstanding_minor: int
    next_due_date: date | None
    next_due_amount_minor: int | None
    status: Literal["current", "overdue", "repaid"]
    # Added fields: when the loan was given and over how many months.
    disbursed_on: date
    term_months: int
    # Installments due before today and not fully paid (oldest first), and the next one due today or later.
    past_due: list[InstallmentDue] = []
    upcoming_due_date: date | None = None
    upcoming_due_amount_minor: int | None = None


class MemberPosition(BaseModel):
    member_id: str
    group_id: str
    currency: str
    savings_minor: int
    shares: int
    loan_outstanding_minor: int
    loans: list[LoanView]
    next_due_date: date | None
    next_due_amount_minor: int | None
    fines_due_minor: int
    social_fund_contributions_minor: int
    as_of: str


class MeetingView(BaseModel):
    meeting_id: str
    date: date
    status: Literal["held"]


class Meetings(BaseModel):
    meetings: list[MeetingView]


class Entry(BaseModel):
    idempotency_key: str = Field(min_length=1, max_length=200)
    member_id: str = Field(min_length=1)
    type: EntryType
    amount_minor: int = Field(gt=0, le=MAX_AMOUNT_MINOR, strict=True,
                              description=f"integer minor units, 1 to {MAX_AMOUNT_MINOR}")
    loan_id: str | None = Field(default=None, description="repayment: which loan; absent = the oldest open loan")
    note: str | None = Field(default=None, max_length=500)
    # Added field: the term of a loan_disbursement; absent = the group's loan_term_months.
    term_months: int | None = Field(default=None, ge=1, le=36)


class Batch(BaseModel):
    entries: list[Entry] = Field(min_length=1, max_length=1000)


class EntryResult(BaseModel):
    idempotency_key: str
    transaction_id: str
    status: Literal["created", "replayed"]
    # Added field: the loan a disbursement created or a repayment was applied to.
    loan_id: str | None = None


class BatchResult(BaseModel):
    meeting_id: str
    results: list[EntryResult]


class Event(BaseModel):
    kind: Literal["meeting", "repayment"]
    group_id: str
    member_id: str | None = None
    loan_id: str | None = None
    date: date
    time: str | None = None
    amount_minor: int | None = None
    currency: str


class Events(BaseModel):
    events: list[Event]


class ErrorDetail(BaseModel):
    detail: str
