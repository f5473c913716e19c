"""Read side of the ledger: memberships, group info, roster, positions, meetings and upcoming events."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger_core import positions, schemas
from ledger_core.crypto import session_keys
from ledger_core.db import Group, Installment, Loan, Meeting, Member, MemberPhone, Txn
from ledger_core.errors import BadRequest, NotFound
from ledger_core.schedule import Schedule, local_today, next_meeting, occurrences

_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def normalise_phone(raw: str) -> str:
    """'+254 712-345 678' -> '+254712345678'. A '+' sent unencoded in a query string arrives as a space, so a bare
    leading digit string is read as international too."""
    cleaned = re.sub(r"[\s\-().]", "", raw)
    if cleaned and cleaned[0].isdigit():
        cleaned = "+" + cleaned
    if not _E164.match(cleaned):
        raise BadRequest(["query", "phone"], "phone must be an international number like +254712345678")
    return cleaned


def get_group(session: Session, group_id: str) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(f"unknown group {group_id!r}")
    return group


def get_member(session: Session, group_id: str, member_id: str) -> Member:
    get_group(session, group_id)
    member = session.get(Member, member_id)
    if member is None or member.group_id != group_id:
        raise NotFound(f"unknown member {member_id!r} in group {group_id!r}")
    return member


def schedule_of(group: Group) -> Schedule:
    return Schedule(
        group.frequency, group.weekday, group.meeting_time, group.timezone, group.cycle_start, group.cycle_end
    )


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def memberships(session: Session, phone: str) -> schemas.Memberships:
    number = normalise_phone(phone)
    rows = session.execute(
        select(Member, Group)
        .join(MemberPhone, MemberPhone.member_id == Member.member_id)
        .join(Group, Group.group_id == Member.group_id)
        .where(MemberPhone.phone_hash == session_keys(session).lookup(number))
        .order_by(Group.group_id, Member.member_id)
    ).all()
    items = [
        schemas.Membership(
            member_id=m.member_id,
            group_id=g.group_id,
            group_name=g.name,
            member_name=m.name,
            first_name=m.first_name,
            role=m.role,  # type: ignore[arg-type]
            language=m.language,
        )
        for m, g in rows
    ]
    return schemas.Memberships(phone_found=bool(items), memberships=items)


def group_info(session: Session, group_id: str, now: datetime | None = None) -> schemas.GroupInfo:
    g = get_group(session, group_id)
    sched = schedule_of(g)
    upcoming = next_meeting(sched, now or datetime.now(UTC))
    return schemas.GroupInfo(
        group_id=g.group_id,
        name=g.name,
        methodology=g.methodology,  # type: ignore[arg-type]
        currency=g.currency,
        language=g.language,
        timezone=g.timezone,
        meeting_schedule=schemas.MeetingSchedule(
            frequency=g.frequency,  # type: ignore[arg-type]
            weekday=g.weekday,
            time=g.meeting_time,
            place=g.place,
        ),
        share_price_minor=g.share_price_minor,
        loan_interest_rule=schemas.InterestRule(kind="flat_monthly", rate_bp=g.interest_rate_bp),
        social_fund_contribution_minor=g.social_fund_contribution_minor,
        cycle_start=g.cycle_start,
        cycle_end=g.cycle_end,
        next_meeting=None
        if upcoming is None
        else schemas.NextMeeting(
            date=upcoming, time=g.meeting_time, weekday=upcoming.weekday(), place=g.place, timezone=g.timezone
        ),
        secretary_member_id=g.secretary_member_id,
        loan_term_months=g.loan_term_months,
    )


def roster(session: Session, group_id: str) -> schemas.Roster:
    get_group(session, group_id)
    members = session.scalars(select(Member).where(Member.group_id == group_id).order_by(Member.roster_number))
    return schemas.Roster(
        members=[
            schemas.RosterMember(
                member_id=m.member_id,
                roster_number=m.roster_number,
                name=m.name,
                first_name=m.first_name,
                nickname=m.nickname,
                role=m.role,  # type: ignore[arg-type]
                language=m.language,
            )
            for m in members
        ]
    )


def _loan_views(session: Session, loans: list[Loan], today: date, until: date | None = None) -> list[
    tuple[Loan, positions.LoanState]
]:
    if not loans:
        return []
    ids = [loan.id for loan in loans]
    repaid_q = (
        select(Txn.loan_id, func.sum(Txn.amount_minor))
        .where(Txn.loan_id.in_(ids), Txn.type == "loan_repayment")
        .group_by(Txn.loan_id)
    )
    if until is not None:
        repaid_q = repaid_q.join(Meeting, Meeting.id == Txn.meeting_id).where(Meeting.date <= until)
    repaid = {loan_id: int(total) for loan_id, total in session.execute(repaid_q)}
    schedule: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for inst in session.scalars(select(Installment).where(Installment.loan_id.in_(ids)).order_by(Installment.seq)):
        schedule[inst.loan_id].append((inst.due_date, inst.amount_minor))
    return [
        (
            loan,
            positions.loan_state(
                loan.principal_minor, loan.interest_minor, schedule[loan.id], repaid.get(loan.id, 0), today
            ),
        )
        for loan in loans
    ]


def member_position(session: Session, group_id: str, member_id: str) -> schemas.MemberPosition:
    member = get_member(session, group_id, member_id)
    group = get_group(session, group_id)
    today = local_today(group.timezone)
    totals = positions.member_totals(
        session.execute(select(Txn.type, Txn.amount_minor).where(Txn.member_id == member.member_id)).all()
    )
    loans = list(session.scalars(select(Loan).where(Loan.member_id == member.member_id).order_by(Loan.id)))
    views = _loan_views(session, loans, today)
    open_states = [state for _, state in views if state.next_due_date is not None]
    nearest = min(open_states, key=lambda s: s.next_due_date or date.max, default=None)
    return schemas.MemberPosition(
        member_id=member.member_id,
        group_id=group_id,
        currency=group.currency,
        savings_minor=totals.savings_minor,
        shares=positions.shares_of(totals.savings_minor, group.share_price_minor, group.methodology),
        loan_outstanding_minor=sum(state.outstanding_minor for _, state in views),
        loans=[
            schemas.LoanView(
                loan_id=loan.loan_id,
                principal_minor=loan.principal_minor,
                interest_minor=loan.interest_minor,
                outstanding_minor=state.outstanding_minor,
                next_due_date=state.next_due_date,
                next_due_amount_minor=state.next_due_amount_minor,
                status=state.status,  # type: ignore[arg-type]
                disbursed_on=loan.disbursed_on,
                term_months=loan.term_months,
                past_due=[schemas.InstallmentDue(due_date=d, owed_minor=o) for d, o in state.past_due],
                upcoming_due_date=state.upcoming_date,
                upcoming_due_amount_minor=state.upcoming_amount_minor,
            )
            for loan, state in views
        ],
        next_due_date=nearest.next_due_date if nearest else None,
        next_due_amount_minor=nearest.next_due_amount_minor if nearest else None,
        fines_due_minor=totals.fines_due_minor,
        social_fund_contributions_minor=totals.social_fund_minor,
        as_of=_now_iso(),
    )


def group_position(session: Session, group_id: str, as_of: date | None = None) -> schemas.GroupPosition:
    """The group's figures from every transaction of meetings held on or before `as_of` (default: all)."""
    group = get_group(session, group_id)
    query = select(Txn.type, Txn.amount_minor).where(Txn.group_id == group_id)
    loans_q = select(Loan).where(Loan.group_id == group_id)
    if as_of is not None:
        query = query.join(Meeting, Meeting.id == Txn.meeting_id).where(Meeting.date <= as_of)
        loans_q = loans_q.where(Loan.disbursed_on <= as_of)
    totals = positions.group_totals(session.execute(query).all())
    views = _loan_views(session, list(session.scalars(loans_q)), as_of or local_today(group.timezone), as_of)
    return schemas.GroupPosition(
        group_id=group_id,
        currency=group.currency,
        total_savings_minor=totals.savings_minor,
        cash_in_box_minor=totals.cash_in_box_minor,
        loans_outstanding_minor=sum(state.outstanding_minor for _, state in views),
        social_fund_balance_minor=totals.social_fund_balance_minor,
        fines_collected_minor=totals.fines_collected_minor,
        as_of=_now_iso(),
    )


def meetings(session: Session, group_id: str, start: date | None, end: date | None) -> schemas.Meetings:
    get_group(session, group_id)
    query = select(Meeting).where(Meeting.group_id == group_id).order_by(Meeting.date)
    if start is not None:
        query = query.where(Meeting.date >= start)
    if end is not None:
        query = query.where(Meeting.date <= end)
    return schemas.Meetings(
        meetings=[
            schemas.MeetingView(meeting_id=m.meeting_id, date=m.date, status="held") for m in session.scalars(query)
        ]
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def upcoming_events(session: Session, start: datetime, end: datetime) -> schemas.Events:
    """Meetings starting in [start, end) and loan installments still owed whose due date, in the group's local
    calendar, falls between the local dates of start and end (inclusive)."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        raise BadRequest(["query", "to"], "'to' must be after 'from'")
    events: list[schemas.Event] = []
    groups = list(session.scalars(select(Group).order_by(Group.group_id)))
    for g in groups:
        sched = schedule_of(g)
        first, last = start.astimezone(sched.tz).date(), end.astimezone(sched.tz).date()
        for day in occurrences(sched, first, last):
            if start <= sched.starts_at(day) < end:
                events.append(
                    schemas.Event(
                        kind="meeting", group_id=g.group_id, date=day, time=g.meeting_time, currency=g.currency
                    )
                )
        loans = list(session.scalars(select(Loan).where(Loan.group_id == g.group_id).order_by(Loan.id)))
        for loan, owed in _installments_owed(session, loans):
            for due, amount in owed:
                if first <= due <= last:
                    events.append(
                        schemas.Event(
                            kind="repayment",
                            group_id=g.group_id,
                            member_id=loan.member_id,
                            loan_id=loan.loan_id,
                            date=due,
                            amount_minor=amount,
                            currency=g.currency,
                        )
                    )
    events.sort(key=lambda e: (e.date, e.time or "", e.group_id, e.kind, e.member_id or ""))
    return schemas.Events(events=events)


def _installments_owed(session: Session, loans: list[Loan]) -> list[tuple[Loan, list[tuple[date, int]]]]:
    """Per loan, each installment with what is still owed on it (repayments applied oldest first), if > 0."""
    if not loans:
        return []
    ids = [loan.id for loan in loans]
    repaid = dict(
        session.execute(
            select(Txn.loan_id, func.sum(Txn.amount_minor))
            .where(Txn.loan_id.in_(ids), Txn.type == "loan_repayment")
            .group_by(Txn.loan_id)
        ).all()
    )
    schedule: dict[int, list[Installment]] = defaultdict(list)
    for inst in session.scalars(select(Installment).where(Installment.loan_id.in_(ids)).order_by(Installment.seq)):
        schedule[inst.loan_id].append(inst)
    out = []
    for loan in loans:
        covered = int(repaid.get(loan.id) or 0)
        owed = []
        for inst in schedule[loan.id]:
            paid_here = min(covered, inst.amount_minor)
            covered -= paid_here
            if inst.amount_minor - paid_here > 0:
                owed.append((inst.due_date, inst.amount_minor - paid_here))
        out.append((loan, owed))
    return out
