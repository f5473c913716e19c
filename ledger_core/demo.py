"""Seeds the demo dataset (two groups, months of meetings, loans current/overdue/repaid) through the real posting path.

Every meeting is posted with `post_batch`, the same code the API uses, so the demo figures obey the same rules as
live data. Deterministic: amounts and attendance come from a seeded RNG; only the dates follow today, so the next
meeting is always in the future. Idempotent: a group that already exists is left alone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from ledger_core import positions, schemas
from ledger_core.batch import post_batch
from ledger_core.db import Group, Member, MemberPhone, create_schema, drop_schema, make_sessionmaker
from ledger_core.demo_people import GROUPS, DemoGroup, DemoMember, demo_members
from ledger_core.schedule import Schedule, local_today, occurrences

CYCLE_DAYS = 364


@dataclass
class SeedReport:
    created_groups: list[str] = field(default_factory=list)
    skipped_groups: list[str] = field(default_factory=list)
    transactions: int = 0


@dataclass
class _Plan:
    """Repayments still to post for one demo loan: (meeting date, loan id, amount)."""

    member_id: str
    pending: list[tuple[date, str, int]] = field(default_factory=list)


def ledger_is_empty(engine: Engine) -> bool:
    create_schema(engine)
    with make_sessionmaker(engine)() as session:
        return not session.scalar(select(func.count()).select_from(Group))


def seed_demo(
    engine: Engine, *, reset: bool = False, today: date | None = None, progress: Callable[[str], None] | None = None
) -> SeedReport:
    """Create the schema and load the demo groups that are not there yet (all of them after `reset`)."""
    if reset:
        drop_schema(engine)
    create_schema(engine)
    report = SeedReport()
    members = demo_members()
    factory = make_sessionmaker(engine)
    for group in GROUPS:
        with factory() as session:
            if session.get(Group, group.group_id) is not None:
                report.skipped_groups.append(group.group_id)
                continue
            day = today or local_today(group.timezone)
            mine = [m for m in members if m.group_id == group.group_id]
            _create_group(session, group, mine, day)
            report.transactions += _post_history(session, group, mine, day, progress)
            session.commit()
            report.created_groups.append(group.group_id)
    return report


def _create_group(session: Session, g: DemoGroup, members: list[DemoMember], today: date) -> None:
    start = today - timedelta(days=g.history_days)
    session.add(
        Group(
            group_id=g.group_id, name=g.name, methodology=g.methodology, currency=g.currency, language=g.language,
            timezone=g.timezone, frequency=g.frequency, weekday=g.weekday, meeting_time=g.meeting_time, place=g.place,
            share_price_minor=g.share_price_minor, interest_kind="flat_monthly", interest_rate_bp=g.interest_rate_bp,
            loan_term_months=3, social_fund_contribution_minor=g.social_fund_minor, cycle_start=start,
            cycle_end=start + timedelta(days=CYCLE_DAYS),
            secretary_member_id=next(m.member_id for m in members if m.role == "secretary"),
        )
    )
    session.flush()
    for m in members:
        session.add(
            Member(
                member_id=m.member_id, group_id=g.group_id, roster_number=m.roster_number, name=m.name,
                first_name=m.first_name, nickname=m.nickname, role=m.role, language=m.language,
            )
        )
        session.flush()
        session.add(MemberPhone(member_id=m.member_id, phone=m.phone))
    session.flush()


def _meeting_dates(g: DemoGroup, today: date) -> list[date]:
    """Every meeting of the cycle, past and future (the seeder posts only the past ones)."""
    start = today - timedelta(days=g.history_days)
    end = start + timedelta(days=CYCLE_DAYS)
    return list(occurrences(Schedule(g.frequency, g.weekday, g.meeting_time, g.timezone, start, end), start, end))


def _post_history(
    session: Session, g: DemoGroup, members: list[DemoMember], today: date, progress: Callable[[str], None] | None
) -> int:
    rng = random.Random(f"demo:{g.group_id}")
    calendar = _meeting_dates(g, today)
    dates = [d for d in calendar if d < today]
    loans_at = {(idx if idx >= 0 else len(dates) + idx): (member, principal, how) for member, idx, principal, how
                in g.loans}
    fines_due: dict[str, int] = {}
    plans: list[_Plan] = []
    posted = 0
    for index, day in enumerate(dates):
        entries: list[schemas.Entry] = []

        def add(member_id: str, kind: str, amount: int, loan_id: str | None = None, note: str | None = None,
                day: date = day, entries: list[schemas.Entry] = entries) -> None:
            key = f"demo:{g.group_id}:{day.isoformat()}:{len(entries)}"
            entries.append(schemas.Entry(idempotency_key=key, member_id=member_id, type=kind,  # type: ignore[arg-type]
                                         amount_minor=amount, loan_id=loan_id, note=note))

        for m in members:
            if rng.random() < 0.1:  # absent without apology: a fine, paid at a later meeting
                add(m.member_id, "fine", g.fine_minor, note="absent")
                fines_due[m.member_id] = fines_due.get(m.member_id, 0) + g.fine_minor
                continue
            add(m.member_id, "share_purchase", g.share_price_minor * rng.randint(1, 5))
            add(m.member_id, "social_fund", g.social_fund_minor)
            if fines_due.get(m.member_id) and rng.random() < 0.7:
                add(m.member_id, "fine_payment", fines_due.pop(m.member_id))
        for plan in plans:
            for due_day, loan_id, amount in [p for p in plan.pending if p[0] == day]:
                add(plan.member_id, "loan_repayment", amount, loan_id=loan_id)
                plan.pending.remove((due_day, loan_id, amount))
        if index == len(dates) // 2:
            add(members[-1].member_id, "withdrawal", g.share_price_minor * 2, note="school fees")
            add(members[1].member_id, "social_fund_payout", g.social_fund_minor * 10, note="funeral support")
        disburse = loans_at.get(index)
        if disburse is not None:
            add(members[disburse[0]].member_id, "loan_disbursement", disburse[1])
        result = post_batch(session, g.group_id, day, entries)
        posted += len(entries)
        if disburse is not None:
            new_loan = result.results[-1].loan_id
            assert new_loan is not None
            plans.append(_repayment_plan(g, members[disburse[0]].member_id, new_loan, disburse[1], disburse[2],
                                         day, calendar))
        if progress:
            progress(f"{g.group_id} {day.isoformat()}")
    return posted


def _repayment_plan(g: DemoGroup, member_id: str, loan_id: str, principal: int, how: str, disbursed: date,
                    dates: list[date]) -> _Plan:
    """ontime: each installment at the last meeting on or before its due date; late: the first installment only;
    early: everything at the sixth meeting after disbursement."""
    interest = positions.flat_interest(principal, g.interest_rate_bp, 3)
    schedule = positions.loan_schedule(principal, interest, disbursed, 3)
    later = [d for d in dates if d > disbursed]
    plan = _Plan(member_id)
    if how == "early":
        if len(later) >= 6:
            plan.pending.append((later[5], loan_id, principal + interest))
        return plan
    for number, (due, amount) in enumerate(schedule):
        if how == "late" and number > 0:
            break
        before = [d for d in later if d <= due]
        if before:
            plan.pending.append((before[-1], loan_id, amount))
    return plan
