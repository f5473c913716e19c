"""Posting a meeting's transactions: validate the whole batch first, then write it in ONE database transaction.

Idempotency: every entry carries a key stored UNIQUE with a hash of its payload. A key seen before with the same
payload is a replay (the original transaction id, status "replayed"); with a different payload it is a conflict
(409). Because the batch commits atomically, a process killed mid-request leaves either the whole batch or nothing,
and the client's retry with the same keys either creates everything or replays everything.

Validation simulates the batch in order against the current figures, so a batch cannot withdraw more than the
member's savings, repay more than a loan's outstanding, pay more fines than are due, or lend / pay out more cash
than is in the box. A repayment applies to the named loan, or the member's oldest open loan (loans created by a
disbursement in the same batch are not repayable in that batch).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger_core import positions, schemas
from ledger_core.db import Installment, Loan, Meeting, Member, Txn, loan_pk
from ledger_core.errors import BatchRejected, EntryProblem, IdempotencyConflict
from ledger_core.queries import get_group


def payload_hash(group_id: str, day: date, entry: schemas.Entry) -> str:
    """What an idempotency key stands for: the same key must always mean the same entry at the same meeting."""
    body = {"group_id": group_id, "date": day.isoformat(), **entry.model_dump(exclude={"idempotency_key"})}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass
class _OpenLoan:
    loan: Loan
    outstanding_minor: int


@dataclass
class _State:
    """The figures a batch is validated against, updated entry by entry."""

    cash_minor: int
    social_fund_minor: int
    members: dict[str, positions.MemberTotals] = field(default_factory=dict)
    loans: dict[str, list[_OpenLoan]] = field(default_factory=dict)  # member -> open loans, oldest first


def _load_state(session: Session, group_id: str, member_ids: set[str]) -> _State:
    group_totals = positions.group_totals(
        session.execute(select(Txn.type, Txn.amount_minor).where(Txn.group_id == group_id)).all()
    )
    state = _State(group_totals.cash_in_box_minor, group_totals.social_fund_balance_minor)
    for member_id in member_ids:
        state.members[member_id] = positions.member_totals(
            session.execute(select(Txn.type, Txn.amount_minor).where(Txn.member_id == member_id)).all()
        )
    loans = list(session.scalars(select(Loan).where(Loan.member_id.in_(member_ids)).order_by(Loan.id)))
    repaid = dict(
        session.execute(
            select(Txn.loan_id, func.sum(Txn.amount_minor))
            .where(Txn.loan_id.in_([loan.id for loan in loans]), Txn.type == "loan_repayment")
            .group_by(Txn.loan_id)
        ).all()
    )
    for loan in loans:
        outstanding = loan.principal_minor + loan.interest_minor - int(repaid.get(loan.id) or 0)
        if outstanding > 0:
            state.loans.setdefault(loan.member_id, []).append(_OpenLoan(loan, outstanding))
    return state


def _check(index: int, entry: schemas.Entry, state: _State, problems: list[EntryProblem]) -> _OpenLoan | None:
    """Validate one new entry against the simulated state and apply it; returns the loan a repayment targets."""
    amount, kind = entry.amount_minor, entry.type
    totals = state.members[entry.member_id]

    def bad(field_name: str, reason: str) -> None:
        problems.append(EntryProblem(index, field_name, reason))

    if entry.loan_id is not None and kind != "loan_repayment":
        bad("loan_id", "loan_id is only allowed on a loan_repayment")
    if entry.term_months is not None and kind != "loan_disbursement":
        bad("term_months", "term_months is only allowed on a loan_disbursement")
    target: _OpenLoan | None = None
    if kind == "withdrawal":
        if amount > totals.savings_minor:
            bad("amount_minor", f"withdrawal of {amount} exceeds the member's savings of {totals.savings_minor}")
        elif amount > state.cash_minor:
            bad("amount_minor", f"withdrawal of {amount} exceeds the cash in the box ({state.cash_minor})")
    elif kind == "fine_payment" and amount > totals.fines_due_minor:
        bad("amount_minor", f"fine payment of {amount} exceeds the fines due ({totals.fines_due_minor})")
    elif kind == "social_fund_payout" and amount > min(state.social_fund_minor, state.cash_minor):
        bad("amount_minor", f"payout of {amount} exceeds the social fund balance ({state.social_fund_minor})")
    elif kind == "loan_disbursement" and amount > state.cash_minor:
        bad("amount_minor", f"loan of {amount} exceeds the cash in the box ({state.cash_minor})")
    elif kind == "loan_repayment":
        open_loans = state.loans.get(entry.member_id, [])
        if entry.loan_id is not None:
            pk = loan_pk(entry.loan_id)
            target = next((o for o in open_loans if o.loan.id == pk), None)
            if target is None:
                bad("loan_id", f"{entry.loan_id!r} is not an open loan of member {entry.member_id!r}")
        else:
            target = next((o for o in open_loans if o.outstanding_minor > 0), None)
            if target is None:
                bad("loan_id", f"member {entry.member_id!r} has no open loan to repay")
        if target is not None and amount > target.outstanding_minor:
            bad("amount_minor", f"repayment of {amount} exceeds the loan's outstanding {target.outstanding_minor}")
            target = None
    # Apply (even after a problem, so later entries are judged against the most plausible figures).
    totals.apply(kind, amount)
    if kind in positions.SAVINGS_IN or kind in ("social_fund", "fine_payment", "loan_repayment"):
        state.cash_minor += amount
    elif kind in ("withdrawal", "loan_disbursement", "social_fund_payout"):
        state.cash_minor -= amount
    if kind == "social_fund":
        state.social_fund_minor += amount
    elif kind == "social_fund_payout":
        state.social_fund_minor -= amount
    if target is not None:
        target.outstanding_minor -= amount
    return target


def post_batch(session: Session, group_id: str, day: date, entries: list[schemas.Entry]) -> schemas.BatchResult:
    """Validate and stage the batch in `session` (the caller commits once). Raises NotFound, IdempotencyConflict,
    BatchRejected; on any of them nothing has been added to the session."""
    group = get_group(session, group_id)
    hashes = [payload_hash(group_id, day, e) for e in entries]
    keys = [e.idempotency_key for e in entries]
    existing = {t.idempotency_key: t for t in session.scalars(select(Txn).where(Txn.idempotency_key.in_(keys)))}
    for entry, digest in zip(entries, hashes, strict=True):
        old = existing.get(entry.idempotency_key)
        if old is not None and old.payload_hash != digest:
            raise IdempotencyConflict(
                f"idempotency_key {entry.idempotency_key!r} was already used for a different entry "
                f"({old.transaction_id})"
            )

    problems: list[EntryProblem] = []
    seen: set[str] = set()
    member_ids = {e.member_id for e in entries if e.idempotency_key not in existing}
    known = set(session.scalars(select(Member.member_id).where(Member.member_id.in_(member_ids),
                                                                Member.group_id == group_id)))
    state = _load_state(session, group_id, known)
    targets: dict[int, _OpenLoan] = {}
    for index, entry in enumerate(entries):
        if entry.idempotency_key in seen:
            problems.append(EntryProblem(index, "idempotency_key", "appears more than once in this batch"))
            continue
        seen.add(entry.idempotency_key)
        if entry.idempotency_key in existing:
            continue
        if entry.member_id not in known:
            reason = f"unknown member {entry.member_id!r} in group {group_id!r}"
            problems.append(EntryProblem(index, "member_id", reason))
            continue
        target = _check(index, entry, state, problems)
        if target is not None:
            targets[index] = target
    if problems:
        raise BatchRejected(problems)

    meeting = session.scalar(select(Meeting).where(Meeting.group_id == group_id, Meeting.date == day))
    if meeting is None:
        meeting = Meeting(group_id=group_id, date=day)
        session.add(meeting)
        session.flush()
    results: list[schemas.EntryResult] = []
    for index, (entry, digest) in enumerate(zip(entries, hashes, strict=True)):
        old = existing.get(entry.idempotency_key)
        if old is not None:
            loan_ref = f"l-{old.loan_id:04d}" if old.loan_id is not None else None
            results.append(schemas.EntryResult(idempotency_key=entry.idempotency_key,
                                               transaction_id=old.transaction_id, status="replayed", loan_id=loan_ref))
            continue
        loan: Loan | None = targets[index].loan if index in targets else None
        if entry.type == "loan_disbursement":
            loan = _new_loan(session, group_id, entry, day, entry.term_months or group.loan_term_months,
                             group.interest_rate_bp)
        txn = Txn(idempotency_key=entry.idempotency_key, payload_hash=digest, group_id=group_id,
                  meeting_id=meeting.id, member_id=entry.member_id, type=entry.type, amount_minor=entry.amount_minor,
                  loan_id=loan.id if loan else None, note=entry.note)
        session.add(txn)
        session.flush()
        results.append(schemas.EntryResult(idempotency_key=entry.idempotency_key, transaction_id=txn.transaction_id,
                                           status="created", loan_id=loan.loan_id if loan else None))
    return schemas.BatchResult(meeting_id=meeting.meeting_id, results=results)


def _new_loan(session: Session, group_id: str, entry: schemas.Entry, day: date, term: int, rate_bp: int) -> Loan:
    interest = positions.flat_interest(entry.amount_minor, rate_bp, term)
    loan = Loan(group_id=group_id, member_id=entry.member_id, disbursed_on=day, principal_minor=entry.amount_minor,
                interest_minor=interest, term_months=term)
    session.add(loan)
    session.flush()
    for seq, (due, amount) in enumerate(positions.loan_schedule(entry.amount_minor, interest, day, term), start=1):
        session.add(Installment(loan_id=loan.id, seq=seq, due_date=due, amount_minor=amount))
    return loan
